/* counter.S - a guest that counts: its work is the 64-bit word at
 * MATRIX_WORK_GPA. Built with -DCOUNTER_IO it is counter-io: one I/O exit
 * per count, the heaviest I/O load. */
#include "matrix_abi.h"

	.code16
	.section .start, "ax"
	.global _start
_start:
	movl	$MATRIX_WORK_MAGIC, MATRIX_WORK_MAGIC_GPA
1:	addl	$1, MATRIX_WORK_GPA
	adcl	$0, MATRIX_WORK_GPA + 4
#ifdef COUNTER_IO
	outw	%ax, $MATRIX_PORT_COUNTER_IO
#endif
	jmp	1b
