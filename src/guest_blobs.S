/* guest_blobs.S - embeds the flat guest images built from guest/ (found on the -I path). */
#include "incbin.h"

BLOB(guest_demo_real, "demo-real.bin")
BLOB(guest_demo_protected, "demo-protected.bin")
BLOB(guest_demo_paged, "demo-paged.bin")
BLOB(guest_demo_long, "demo-long.bin")

	.section .note.GNU-stack, "", @progbits
