/* counter.S - a guest that only counts: its work is the 64-bit word at MATRIX_WORK_GPA. */
#include "matrix_abi.h"

	.code16
	.section .start, "ax"
	.global _start
_start:
	movl	$MATRIX_WORK_MAGIC, MATRIX_WORK_MAGIC_GPA
1:	addl	$1, MATRIX_WORK_GPA
	adcl	$0, MATRIX_WORK_GPA + 4
	jmp	1b
