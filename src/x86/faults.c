/* faults.c - names, error-code decoding and the one-line text of a guest
 * fault report. */
#include "faults.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "insn_decode.h"

static const struct {
	const char *mnemonic, *meaning;
	int has_error_code;
} vectors[FAULT_VECTORS] = {
	[0] = {"#DE", "divide error", 0},
	[1] = {"#DB", "debug", 0},
	[2] = {"NMI", "non-maskable interrupt", 0},
	[3] = {"#BP", "breakpoint", 0},
	[4] = {"#OF", "overflow", 0},
	[5] = {"#BR", "bound range exceeded", 0},
	[6] = {"#UD", "invalid opcode", 0},
	[7] = {"#NM", "device not available", 0},
	[8] = {"#DF", "double fault", 1},
	[9] = {"vector 9", "coprocessor segment overrun", 0},
	[10] = {"#TS", "invalid TSS", 1},
	[11] = {"#NP", "segment not present", 1},
	[12] = {"#SS", "stack-segment fault", 1},
	[13] = {"#GP", "general protection", 1},
	[14] = {"#PF", "page fault", 1},
	[15] = {"vector 15", "reserved", 0},
	[16] = {"#MF", "x87 floating-point error", 0},
	[17] = {"#AC", "alignment check", 1},
	[18] = {"#MC", "machine check", 0},
	[19] = {"#XM", "SIMD floating-point exception", 0},
	[20] = {"#VE", "virtualization exception", 0},
	[21] = {"#CP", "control protection", 1},
	[22] = {"vector 22", "reserved", 0},
	[23] = {"vector 23", "reserved", 0},
	[24] = {"vector 24", "reserved", 0},
	[25] = {"vector 25", "reserved", 0},
	[26] = {"vector 26", "reserved", 0},
	[27] = {"vector 27", "reserved", 0},
	[28] = {"#HV", "hypervisor injection", 0},
	[29] = {"#VC", "VMM communication", 1},
	[30] = {"#SX", "security exception", 1},
	[31] = {"vector 31", "reserved", 0},
};

#define PF_PRESENT  (1u << 0)
#define PF_WRITE    (1u << 1)
#define PF_USER	    (1u << 2)
#define PF_RESERVED (1u << 3)
#define PF_FETCH    (1u << 4)

#define SEL_EXTERNAL (1u << 0)
#define SEL_IDT	     (1u << 1)
#define SEL_LDT	     (1u << 2)

unsigned fault_word_size(enum fault_frame frame)
{
	return frame == FAULT_FRAME_16 ? 2 : frame == FAULT_FRAME_32 ? 4 : 8;
}

unsigned fault_frame_words(enum fault_frame frame)
{
	/* Without a privilege change only 64-bit mode pushes SS:RSP. */
	return frame == FAULT_FRAME_64 ? FAULT_W_MAX : FAULT_W_SP;
}

const char *fault_mnemonic(unsigned vector)
{
	return vector < FAULT_VECTORS ? vectors[vector].mnemonic : NULL;
}

const char *fault_meaning(unsigned vector)
{
	return vector < FAULT_VECTORS ? vectors[vector].meaning : NULL;
}

int fault_has_error_code(unsigned vector)
{
	return vector < FAULT_VECTORS && vectors[vector].has_error_code;
}

void fault_describe_pf(uint32_t error_code, uint64_t cr2, char *buf, size_t len)
{
	const char *who = error_code & PF_USER ? "user" : "supervisor";
	const char *access = error_code & PF_FETCH   ? "instruction fetch at"
			     : error_code & PF_WRITE ? "write to"
						     : "read of";
	const char *why = "";

	if (error_code & PF_RESERVED)
		why = ", a reserved bit set in a page-table entry";
	else if (error_code & PF_PRESENT)
		why = ", a protection violation";
	snprintf(buf, len, "%s %s %s0x%" PRIx64 "%s (error code 0x%" PRIx32 ")",
		 who, access, error_code & PF_PRESENT ? "" : "unmapped ", cr2,
		 why, error_code);
}

void fault_describe_selector(uint32_t error_code, char *buf, size_t len)
{
	const char *ext = error_code & SEL_EXTERNAL ? ", external event" : "";
	unsigned index = (error_code & 0xffff) >> 3;

	if (!error_code)
		snprintf(buf, len, "%s", "");
	else if (error_code & SEL_IDT)
		snprintf(buf, len, "IDT vector 0x%x%s", index, ext);
	else
		snprintf(buf, len, "selector 0x%x (%s index %u)%s",
			 error_code & 0xfffc,
			 error_code & SEL_LDT ? "LDT" : "GDT", index, ext);
}

/* A register that the handler narrowed to its word size: the saved low
 * part over the live upper part, which the handler did not touch. */
static uint64_t merge(uint64_t live, uint64_t saved, unsigned size)
{
	uint64_t mask = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;

	return (live & ~mask) | (saved & mask);
}

int fault_decode(enum fault_frame frame, const uint64_t *words,
		 uint64_t frame_sp, const struct kvm_regs *live, uint64_t cr2,
		 struct guest_fault *f)
{
	unsigned size = fault_word_size(frame);
	unsigned n = fault_frame_words(frame);

	if (words[FAULT_W_VECTOR] >= FAULT_VECTORS)
		return -EINVAL;
	*f = (struct guest_fault){
		.kind = FAULT_EXCEPTION,
		.frame = frame,
		.vector = (uint32_t)words[FAULT_W_VECTOR],
		.error_code = (uint32_t)words[FAULT_W_ERROR],
		.cr2 = words[FAULT_W_VECTOR] == 14 ? cr2 : 0,
		.regs = *live,
		.cs = (uint16_t)words[FAULT_W_CS],
	};
	f->regs.rax = merge(live->rax, words[FAULT_W_AX], size);
	f->regs.rdx = merge(live->rdx, words[FAULT_W_DX], size);
	f->regs.rip = words[FAULT_W_IP];
	f->regs.rflags = words[FAULT_W_FLAGS];
	/* Below 64-bit mode the stack before the fault began where the frame
	 * ends; in 64-bit mode the CPU saved RSP itself. */
	f->regs.rsp = frame == FAULT_FRAME_64
			      ? words[FAULT_W_SP]
			      : merge(live->rsp, frame_sp + n * size, size);
	return 0;
}

static void format_triple(char *buf, size_t len)
{
	snprintf(buf, len, "%s",
		 "triple fault (KVM_EXIT_SHUTDOWN): an exception the VMM's "
		 "handlers could not report (the guest replaced the IDT or "
		 "IVT, or its stack or the handlers were unusable); the CPU "
		 "reset the vCPU, so the faulting RIP is unknown");
}

/* A general register of regs by its encoding number (rax, rcx, ...). */
static uint64_t reg_value(const struct kvm_regs *r, int reg)
{
	const uint64_t values[16] = {
		r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
		r->r8,	r->r9,	r->r10, r->r11, r->r12, r->r13, r->r14, r->r15};

	return reg >= 0 && reg < 16 ? values[reg] : 0;
}

/*
 * " (rsp 0xefd8 is not 16-byte aligned)" when the instruction wants its
 * memory operand aligned and the address is not: the commonest #GP of a
 * guest built with SSE. Empty otherwise.
 */
static void alignment_note(const struct guest_fault *f, const struct insn *insn,
			   unsigned size, char *note, size_t len)
{
	const struct insn_mem *m = &insn->mem;
	uint64_t ea = (uint64_t)m->disp;

	note[0] = '\0';
	if (!m->present || !m->align || f->vector != 13)
		return;
	if (f->frame == FAULT_FRAME_16 && m->base == INSN_NO_REG &&
	    m->index == INSN_NO_REG && !m->rip_relative)
		return; /* 16-bit addressing: no registers recorded */
	ea += reg_value(&f->regs, m->base) +
	      reg_value(&f->regs, m->index) * m->scale;
	if (size == 4)
		ea &= 0xffffffff;
	if (ea % m->align == 0)
		return;
	if (m->base != INSN_NO_REG && m->index == INSN_NO_REG && !m->disp)
		snprintf(note, len,
			 " (%s 0x%" PRIx64 " is not %u-byte aligned)",
			 insn_reg_name(m->base, size), ea, m->align);
	else
		snprintf(note, len,
			 " (address 0x%" PRIx64 " is not %u-byte aligned)", ea,
			 m->align);
}

/* ", in 'movaps [rsp], xmm0'" and any alignment note, after the line. */
static void append_insn(const struct guest_fault *f, char *buf, size_t len)
{
	unsigned bits = f->frame == FAULT_FRAME_16   ? 16
			: f->frame == FAULT_FRAME_32 ? 32
						     : 64;
	size_t at = strlen(buf);
	struct insn insn;
	char note[64];

	if (!f->insn_len || at + 1 >= len ||
	    insn_decode(f->insn, f->insn_len, bits, f->regs.rip, &insn))
		return;
	alignment_note(f, &insn, bits == 64 ? 8 : 4, note, sizeof(note));
	snprintf(buf + at, len - at, ", in '%s'%s", insn.text, note);
}

void fault_format(const struct guest_fault *f, char *buf, size_t len)
{
	char where[48], detail[160] = "";
	unsigned v = f->vector;

	if (f->kind == FAULT_TRIPLE) {
		format_triple(buf, len);
		return;
	}
	diag_place(where, sizeof(where), f->frame == FAULT_FRAME_16, f->cs,
		   f->regs.rip);
	if (v == 14)
		fault_describe_pf(f->error_code, f->cr2, detail,
				  sizeof(detail));
	else if (v >= 10 && v <= 13)
		fault_describe_selector(f->error_code, detail, sizeof(detail));
	else if (f->error_code)
		snprintf(detail, sizeof(detail), "error code 0x%" PRIx32,
			 f->error_code);
	snprintf(buf, len, "%s (%s) at %s%s%s", fault_mnemonic(v),
		 fault_meaning(v), where, detail[0] ? ": " : "", detail);
	append_insn(f, buf, len);
}
