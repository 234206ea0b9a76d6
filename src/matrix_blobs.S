/* matrix_blobs.S - embeds matrix's guests (flat binaries assembled from guest/). */
#include "incbin.h"

BLOB(matrix_guest1, "guest1.bin")
BLOB(matrix_guest2, "guest2.bin")
BLOB(matrix_guest1_b, "guest1-b.bin")
BLOB(matrix_guest2_b, "guest2-b.bin")
BLOB(matrix_counter, "counter.bin")
BLOB(matrix_counter_io, "counter-io.bin")

	.section .note.GNU-stack, "", @progbits
