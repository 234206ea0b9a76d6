# guest2-b.s - Morpheus without I/O (round-robin checkpoint): dec %ax, forever.
	.code16
	.section .start, "ax"
	.global _start
_start:
	movw	$0xffff, %ax
1:	decw	%ax
	jmp	1b
