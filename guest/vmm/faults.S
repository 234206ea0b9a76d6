/* faults.S - the exception handlers the VMM installs: each reports its fault
 * to the VMM in one port write. */

/*
 * Assembled once per code size (FAULTS_16, FAULTS_32, FAULTS_64) into a
 * flat blob that the VMM copies into guest memory and points the IDT (or
 * the real-mode IVT) at. Stub v starts at byte v * FAULT_STUB_SIZE, so the
 * VMM needs no symbol table, and every jump is relative, so the blob runs
 * wherever the VMM puts it (the end of RAM moves with --mem).
 *
 * A stub makes every frame look alike: it pushes a dummy error code where
 * the CPU pushes none, then its vector; the common tail saves the two
 * registers it needs and does one out. The VMM then finds on the stack,
 * one word each (2, 4 or 8 bytes): AX, DX, vector, error code, IP, CS,
 * FLAGS, and in long mode SP and SS. The guest never resumes.
 */

/* hypercall_abi.h is C, so the port is repeated here: fault_setup.c checks
 * it at compile time, and tests/unit/test_faults.c the stub layout. */
#define HC_PORT_FAULT_REPORT 0x5f0
#define FAULT_STUB_SIZE 16

#if defined(FAULTS_16)
	.code16
#elif defined(FAULTS_32)
	.code32
#else
	.code64
#endif

	.text
/* stub VECTOR HAS_ERROR: the CPU pushed an error code when HAS_ERROR is 1
 * (never in real mode, where no exception has one). */
	.macro stub vector, has_error
	.org \vector * FAULT_STUB_SIZE
#if defined(FAULTS_16)
	push	$0
#else
	.if \has_error == 0
	push	$0
	.endif
#endif
	push	$\vector
	jmp	common
	.endm

	stub 0, 0	/* #DE */
	stub 1, 0	/* #DB */
	stub 2, 0	/* NMI */
	stub 3, 0	/* #BP */
	stub 4, 0	/* #OF */
	stub 5, 0	/* #BR */
	stub 6, 0	/* #UD */
	stub 7, 0	/* #NM */
	stub 8, 1	/* #DF */
	stub 9, 0
	stub 10, 1	/* #TS */
	stub 11, 1	/* #NP */
	stub 12, 1	/* #SS */
	stub 13, 1	/* #GP */
	stub 14, 1	/* #PF */
	stub 15, 0
	stub 16, 0	/* #MF */
	stub 17, 1	/* #AC */
	stub 18, 0	/* #MC */
	stub 19, 0	/* #XM */
	stub 20, 0	/* #VE */
	stub 21, 1	/* #CP */
	stub 22, 0
	stub 23, 0
	stub 24, 0
	stub 25, 0
	stub 26, 0
	stub 27, 0
	stub 28, 0	/* #HV */
	stub 29, 1	/* #VC */
	stub 30, 1	/* #SX */
	stub 31, 0

	.org 32 * FAULT_STUB_SIZE
common:
#if defined(FAULTS_16)
	push	%ax
	push	%dx
#elif defined(FAULTS_32)
	push	%eax
	push	%edx
#else
	push	%rax
	push	%rdx
#endif
	mov	$HC_PORT_FAULT_REPORT, %dx
	out	%al, %dx
	/* The VMM stops the guest here; halt for good if one resumes it. */
1:	hlt
	jmp	1b

	.section .note.GNU-stack, "", @progbits
