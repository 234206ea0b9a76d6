/* guest_blobs.S - embeds the flat guest images built from guest/ (found on the -I path). */
#define BLOB(name, file)               \
	.section .rodata;              \
	.balign 16;                    \
	.global name##_start;          \
	.global name##_end;            \
name##_start:                          \
	.incbin file;                  \
name##_end:

BLOB(guest_demo_real, "demo-real.bin")
BLOB(guest_demo_protected, "demo-protected.bin")
BLOB(guest_demo_paged, "demo-paged.bin")
BLOB(guest_demo_long, "demo-long.bin")

	.section .note.GNU-stack, "", @progbits
