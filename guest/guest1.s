# guest1.s - Neo (I/O-switching checkpoint): out %ax to port 0x10, then inc %ax, forever.
	.code16
	.section .start, "ax"
	.global _start
_start:
	xorw	%ax, %ax
1:	outw	%ax, $0x10
	incw	%ax
	jmp	1b
