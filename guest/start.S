/* start.S - guest entry: call guest_main, then halt with its result in EAX/RAX. */

/*
 * The VMM enters at the image's entry (0x1000) with the stack pointer set
 * and interrupts off, in the mode the guest was built for. gcc -m16 code uses
 * 32-bit calls and returns, so the real-mode entry assembles the call with
 * .code16gcc to match.
 */
#if defined(__x86_64__)
	.code64
#elif defined(GUEST_MODE_REAL)
	.code16gcc
#else
	.code32
#endif

	.section .start, "ax"
	.global _start
_start:
	/* The VMM enters with SP + 4 (SP + 8 in long mode) 16-byte aligned,
	 * as after a call; a loader that does not still gets the ABI's
	 * alignment at guest_main: SP aligned here, then the call's push. */
#if defined(__x86_64__)
	and	$-16, %rsp
#else
	and	$-16, %esp
#endif
	call	guest_main
	/* The VMM stops the guest at this HLT; the loop is for a VMM that
	 * resumes it anyway. */
1:	hlt
	jmp	1b

	.section .note.GNU-stack, "", @progbits
