/* guest_blobs.S - embeds the flat guest images built from guest/ (found on the -I path). */
#define BLOB(name, file)               \
	.section .rodata;              \
	.balign 16;                    \
	.global name##_start;          \
	.global name##_end;            \
name##_start:                          \
	.incbin file;                  \
name##_end:

BLOB(guest_answer_real, "answer-real.bin")
BLOB(guest_answer_protected, "answer-protected.bin")
BLOB(guest_answer_paged, "answer-paged.bin")
BLOB(guest_answer_long, "answer-long.bin")

	.section .note.GNU-stack, "", @progbits
