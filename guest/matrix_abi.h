/* matrix_abi.h - what matrix's guests and matrix agree on (assembler-safe:
 * #defines only). */
#ifndef MATRIX_ABI_H
#define MATRIX_ABI_H

/* The checkpoint guests' ports: Neo writes AX to 0x10, Morpheus to 0x11. */
#define MATRIX_PORT_NEO	       0x10
#define MATRIX_PORT_MORPHEUS   0x11
#define MATRIX_PORT_COUNTER_IO 0x12 /* counter-io's I/O, one per count */

/*
 * Work done, measured without host clocks: a counter guest writes the
 * magic at MATRIX_WORK_MAGIC_GPA once, then counts in the 64-bit little-
 * endian word at MATRIX_WORK_GPA. matrix reports that word as the VM's
 * work; a guest without the magic has no work figure (null).
 */
#define MATRIX_WORK_MAGIC_GPA 0x4f8
#define MATRIX_WORK_MAGIC     0x52544e43 /* "CNTR" */
#define MATRIX_WORK_GPA	      0x500

#endif
