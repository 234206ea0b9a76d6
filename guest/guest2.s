# guest2.s - Morpheus (I/O-switching checkpoint): out %ax to port 0x11, then dec %ax, forever.
	.code16
	.section .start, "ax"
	.global _start
_start:
	movw	$0xffff, %ax
1:	outw	%ax, $0x11
	decw	%ax
	jmp	1b
