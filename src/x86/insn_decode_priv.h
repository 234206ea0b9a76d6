/* insn_decode_priv.h - what the decoder's core (insn_decode.c) and its opcode
 * maps (insn_map_one.c, insn_map_0f.c) share; not for other users. */
#ifndef INSN_DECODE_PRIV_H
#define INSN_DECODE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "insn_decode.h"

/*
 * The tables name operands as the Intel manual's opcode maps do, one token
 * each, separated by commas:
 *   Eb Ew Ed Eq Ev Ey  ModRM r/m: byte, word, dword, qword, operand size,
 *                      dword or qword (REX.W)
 *   Gb Gw Gv Gy        ModRM reg, general register, sized the same way
 *   M                  ModRM r/m, memory only, shown without a size (lea)
 *   Ib Iw Iz Iv Is     immediate: byte, word, 16/32-bit, full operand
 *                      size (mov r64, imm64), sign-extended byte
 *   Jb Jz              relative branch target
 *   Ob Ov              an absolute address (moffs), byte or operand size
 *   Zb Zv              the register in the opcode's low 3 bits (+REX.B)
 *   AL rAX CL DX 1     fixed operands
 *   Sw Cd Rd           segment register (reg), control register (reg),
 *                      general register in r/m (mov to/from CRn)
 *   V U W              XMM register (reg), XMM register (r/m), XMM
 *                      register or memory (r/m); P Q the same for MMX
 */

/* One decode in progress: the bytes, the prefixes seen, the operands. */
struct dec {
	const uint8_t *p;
	size_t n, i;
	unsigned bits, opsize, adsize;
	uint8_t rex;
	int p66, rep, repne, need; /* need: the bytes ran out */
	int show_rep;		   /* a string instruction: f3 means rep */
	int lock;
	int byte_op;	 /* a byte operation: its immediate is a byte */
	const char *seg; /* "fs:" for a segment override, else "" */
	int has_modrm;
	uint8_t mod, reg, rm;
	uint64_t rip;
	struct insn *out;
	char ops[3][64];
	unsigned nops;
	int mem_op;  /* index of the memory operand in ops, or -1 */
	int reg_ops; /* operands that are registers: they fix the size */
	unsigned mem_size;
	int x87_size; /* always show the size of a memory operand */
	/* A general register's size, and whether the memory operand is a
	 * general one: movzx eax, byte [rdi] shows the size it differs in. */
	unsigned gpr_size;
	int mem_gpr;
	/* A RIP-relative operand is formatted once the length is known. */
	int rip_rel, rip_op; /* 1: [rip+disp], 2: a branch target */
	int64_t rip_disp;
};

/* A row of an opcode map: the mnemonic (NULL: no such instruction) and
 * its operand spec. */
struct op {
	const char *mnemonic, *ops;
};

/* The condition-code suffixes, by the low 4 bits of jcc/setcc/cmovcc. */
extern const char *const idec_cc[16];

/* The next instruction byte: 0, or -1 (need set) past the bytes or the
 * 15-byte limit. */
int idec_next(struct dec *d, uint8_t *b);

/* Reads the ModRM byte once; later calls keep it. 0 or -1. */
int idec_modrm(struct dec *d);

/* The operands of a table's spec ("Gv,Ev") into d->ops: 0 or -1. */
int idec_operands(struct dec *d, const char *spec);

/* The mnemonic and the operands so far into d->out->text and len. */
void idec_finish(struct dec *d, const char *mnemonic);

/* A table entry: its operands, class and text; -1 for a NULL mnemonic
 * (no such instruction) or bad operands. */
int idec_emit(struct dec *d, const char *mnemonic, const char *spec,
	      enum insn_class cls);

/* The instruction after its prefixes: a one-byte opcode op, or 0f and
 * what follows. 0, or -1 for what the maps do not hold. */
int idec_one(struct dec *d, uint8_t op);
int idec_0f(struct dec *d);

#endif
