/* faults.h - decoding the fault reports of the VMM's exception handlers into
 * one line a person can act on. */
#ifndef FAULTS_H
#define FAULTS_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

/* The vectors the CPU reserves for exceptions; the handlers cover these. */
#define FAULT_VECTORS 32

enum fault_kind {
	FAULT_EXCEPTION, /* the VMM's handler reported vector, RIP, ... */
	FAULT_TRIPLE,	 /* the CPU shut down: no handler could report it */
};

/* The handlers' stack frame: its word size follows the code size. */
enum fault_frame {
	FAULT_FRAME_16, /* real mode: 7 words of 2 bytes */
	FAULT_FRAME_32, /* protected and paged: 7 words of 4 bytes */
	FAULT_FRAME_64, /* long mode: 9 words of 8 bytes (with SS:RSP) */
};

/* Words the handler leaves on the stack, lowest address first: it pushes
 * AX, then DX, so DX lies lowest. */
enum fault_word {
	FAULT_W_DX,
	FAULT_W_AX,
	FAULT_W_VECTOR,
	FAULT_W_ERROR,
	FAULT_W_IP,
	FAULT_W_CS,
	FAULT_W_FLAGS,
	FAULT_W_SP, /* long mode only */
	FAULT_W_SS, /* long mode only */
	FAULT_W_MAX,
};

/* What the VMM knows about a fault, decoded from the frame. */
struct guest_fault {
	enum fault_kind kind;
	enum fault_frame frame;
	uint32_t vector;
	uint32_t error_code; /* 0 when the vector pushes none */
	uint64_t cr2;	     /* the faulting address of a #PF */
	/* The registers as they were at the faulting instruction: the live
	 * ones with RIP, RSP, RFLAGS, RAX and RDX taken from the frame. */
	struct kvm_regs regs;
	uint16_t cs;
	/* The faulting instruction's bytes, as many as could be read at its
	 * address (faults_read_report), for fault_format to name it; none
	 * when insn_len is 0. */
	uint8_t insn[15];
	unsigned insn_len;
};

/* Bytes per word and words per frame for a frame kind. */
unsigned fault_word_size(enum fault_frame frame);
unsigned fault_frame_words(enum fault_frame frame);

/* "#PF" and "page fault" for vector 14; "#15"-style reserved vectors get
 * "reserved" as meaning. NULL for vectors past FAULT_VECTORS. */
const char *fault_mnemonic(unsigned vector);
const char *fault_meaning(unsigned vector);

/* 1 when the CPU pushes an error code for vector in protected and long
 * mode (never in real mode). */
int fault_has_error_code(unsigned vector);

/* A #PF error code and CR2 as words, e.g. "supervisor write to unmapped
 * 0xbeadb000". */
void fault_describe_pf(uint32_t error_code, uint64_t cr2, char *buf,
		       size_t len);

/* A selector error code (#TS, #NP, #SS, #GP), e.g. "selector 0x30 (GDT
 * index 6)" or "IDT vector 0x80"; empty for 0. */
void fault_describe_selector(uint32_t error_code, char *buf, size_t len);

/*
 * Fills f from the frame words (fault_frame_words of them, lowest address
 * first), the live registers and CR2. frame_sp is the stack pointer the
 * handler reported at (it points at the first word). Returns 0, or
 * -EINVAL when the vector is not an exception's (the frame is not one the
 * handlers made: a guest wrote the port itself).
 */
int fault_decode(enum fault_frame frame, const uint64_t *words,
		 uint64_t frame_sp, const struct kvm_regs *live, uint64_t cr2,
		 struct guest_fault *f);

/* The report as one line without a newline, e.g. "#UD (invalid opcode) at
 * RIP 0x1004", "#GP (general protection) at CS:IP 0000:1004", or what is
 * known of a triple fault. With the instruction's bytes it is named, and
 * a misaligned SSE operand is pointed out: "#GP (general protection) at
 * RIP 0x1011, in 'movaps [rsp], xmm0' (rsp 0xefd8 is not 16-byte
 * aligned)". */
void fault_format(const struct guest_fault *f, char *buf, size_t len);

#endif
