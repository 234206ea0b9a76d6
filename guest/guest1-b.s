# guest1-b.s - Neo without I/O (round-robin checkpoint): inc %ax, forever; only a timer stops it.
	.code16
	.section .start, "ax"
	.global _start
_start:
	xorw	%ax, %ax
1:	incw	%ax
	jmp	1b
