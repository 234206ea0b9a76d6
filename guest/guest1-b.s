# guest1-b.s - Neo without I/O (the spec's 2b guest): inc %ax, forever; only a timer stops it.
	.code16
	.section .start, "ax"
	.global _start
_start:
	xorw	%ax, %ax
1:	incw	%ax
	jmp	1b
