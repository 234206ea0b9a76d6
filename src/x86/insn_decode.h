/* insn_decode.h - a small x86 instruction decoder for diagnostics: the common
 * integer, x87 and SSE/SSE2 forms, as one line of Intel syntax. */
#ifndef INSN_DECODE_H
#define INSN_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* The longest x86 instruction, in bytes. */
#define INSN_MAX_LEN 15

/* What kind of unit executes an instruction, for saying why it failed. */
enum insn_class {
	INSN_INTEGER, /* general registers, control, system */
	INSN_X87,     /* D8-DF: the x87 FPU */
	INSN_SSE,     /* XMM and MMX registers, MXCSR, FXSAVE */
};

/* A register number in insn_mem: 0-15 (rax..r15), or none. */
#define INSN_NO_REG (-1)

/* The memory operand of an instruction, as its ModRM (and SIB) name it. */
struct insn_mem {
	int present;
	int base, index;  /* 0-15 or INSN_NO_REG; 16-bit forms: none */
	unsigned scale;	  /* 1, 2, 4 or 8 */
	int64_t disp;	  /* sign-extended */
	int rip_relative; /* 64-bit [rip+disp]: target already in disp */
	unsigned size;	  /* bytes accessed: 1..16, 0 when unknown */
	unsigned align;	  /* alignment the instruction demands (16), or 0 */
};

struct insn {
	unsigned len; /* bytes taken, prefixes included */
	enum insn_class cls;
	char text[80]; /* "movaps xmm0, [rsp]", lower case, Intel order */
	struct insn_mem mem;
};

/*
 * Decodes the instruction at the start of bytes[0..n), for code of `bits`
 * (16, 32 or 64) located at rip (RIP-relative operands are shown as the
 * address they reach). Returns 0 with *out filled, -EINVAL for an
 * instruction this decoder does not know (rare forms, VEX/EVEX, 3-byte
 * opcodes) or bits not 16/32/64, -ENODATA when n ends inside it.
 */
int insn_decode(const uint8_t *bytes, size_t n, unsigned bits, uint64_t rip,
		struct insn *out);

/* The bytes as "0f 59 05 a0 10 00 00" (at most INSN_MAX_LEN of them). */
void insn_format_bytes(const uint8_t *bytes, size_t n, char *buf, size_t len);

/* A general register's name for 0-15 at size 8 ("rax".."r15") or 4
 * ("eax".."r15d"); NULL for another number. */
const char *insn_reg_name(int reg, unsigned size);

#endif
