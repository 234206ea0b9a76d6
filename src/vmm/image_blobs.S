/* image_blobs.S - embeds the flat guest images built from guest/ (found on the -I path). */
#include "incbin.h"

BLOB(image_demo_real, "demo-real.bin")
BLOB(image_demo_protected, "demo-protected.bin")
BLOB(image_demo_paged, "demo-paged.bin")
BLOB(image_demo_long, "demo-long.bin")
BLOB(image_guest1, "matrix/guest1.bin")
BLOB(image_guest2, "matrix/guest2.bin")
BLOB(image_guest1_b, "matrix/guest1-b.bin")
BLOB(image_guest2_b, "matrix/guest2-b.bin")
BLOB(image_counter, "matrix/counter.bin")
BLOB(image_counter_io, "matrix/counter-io.bin")

	.section .note.GNU-stack, "", @progbits
