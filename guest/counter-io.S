/* counter-io.S - counts like counter.S, with one I/O exit per count: the heaviest I/O load. */
#include "matrix_abi.h"

	.code16
	.section .start, "ax"
	.global _start
_start:
	movl	$MATRIX_WORK_MAGIC, MATRIX_WORK_MAGIC_GPA
1:	addl	$1, MATRIX_WORK_GPA
	adcl	$0, MATRIX_WORK_GPA + 4
	outw	%ax, $MATRIX_PORT_COUNTER_IO
	jmp	1b
