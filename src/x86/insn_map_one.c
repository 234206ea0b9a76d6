/* insn_map_one.c - the decoder's one-byte opcode map: integer instructions and
 * the x87 (d8-df). */
#include <stdio.h>
#include <string.h>

#include "insn_decode_priv.h"

/* --- the opcode maps ------------------------------------------------------ */

/* 00-3f: the eight ALU operations in six forms each. */
static const char *const alu[8] = {"add", "or",	 "adc", "sbb",
				   "and", "sub", "xor", "cmp"};
static const char *const alu_forms[6] = {"Eb,Gb", "Ev,Gv", "Gb,Eb",
					 "Gv,Ev", "AL,Ib", "rAX,Iz"};
static const char *const shifts[8] = {"rol", "ror", "rcl", "rcr",
				      "shl", "shr", "sal", "sar"};

/* One-byte opcodes outside the regular blocks; NULL: not decoded. */
static const struct op one_byte[256] = {
	[0x63] = {"movsxd", "Gv,Ed"},  [0x68] = {"push", "Iz"},
	[0x69] = {"imul", "Gv,Ev,Iz"}, [0x6a] = {"push", "Is"},
	[0x6b] = {"imul", "Gv,Ev,Is"}, [0x84] = {"test", "Eb,Gb"},
	[0x85] = {"test", "Ev,Gv"},    [0x86] = {"xchg", "Eb,Gb"},
	[0x87] = {"xchg", "Ev,Gv"},    [0x88] = {"mov", "Eb,Gb"},
	[0x89] = {"mov", "Ev,Gv"},     [0x8a] = {"mov", "Gb,Eb"},
	[0x8b] = {"mov", "Gv,Ev"},     [0x8c] = {"mov", "Ew,Sw"},
	[0x8d] = {"lea", "Gv,M"},      [0x8e] = {"mov", "Sw,Ew"},
	[0x90] = {"nop", ""},	       [0xa0] = {"mov", "AL,Ob"},
	[0xa1] = {"mov", "rAX,Ov"},    [0xa2] = {"mov", "Ob,AL"},
	[0xa3] = {"mov", "Ov,rAX"},    [0x9c] = {"pushf", ""},
	[0x9d] = {"popf", ""},	       [0xa8] = {"test", "AL,Ib"},
	[0xa9] = {"test", "rAX,Iz"},   [0xc2] = {"ret", "Iw"},
	[0xc3] = {"ret", ""},	       [0xc9] = {"leave", ""},
	[0xcc] = {"int3", ""},	       [0xcd] = {"int", "Ib"},
	[0xcf] = {"iret", ""},	       [0xe4] = {"in", "AL,Ib"},
	[0xe5] = {"in", "rAX,Ib"},     [0xe6] = {"out", "Ib,AL"},
	[0xe7] = {"out", "Ib,rAX"},    [0xe8] = {"call", "Jz"},
	[0xe9] = {"jmp", "Jz"},	       [0xeb] = {"jmp", "Jb"},
	[0xec] = {"in", "AL,DX"},      [0xed] = {"in", "rAX,DX"},
	[0xee] = {"out", "DX,AL"},     [0xef] = {"out", "DX,rAX"},
	[0xf4] = {"hlt", ""},	       [0xf5] = {"cmc", ""},
	[0xf8] = {"clc", ""},	       [0xf9] = {"stc", ""},
	[0xfa] = {"cli", ""},	       [0xfb] = {"sti", ""},
	[0xfc] = {"cld", ""},	       [0xfd] = {"std", ""},
};

/* a4-af: the string instructions, byte and operand-size forms. */
static const char *const strings[12] = {"movsb", "movs", "cmpsb", "cmps",
					"",	 "",	 "stosb", "stos",
					"lodsb", "lods", "scasb", "scas"};

static int decode_string(struct dec *d, uint8_t op)
{
	static const char sfx[9] = {[2] = 'w', [4] = 'd', [8] = 'q'};
	char name[8];
	const char *base = strings[op - 0xa4];

	if (!*base)
		return -1;
	d->show_rep = 1;
	snprintf(name, sizeof(name), "%s", base);
	if (op & 1)
		snprintf(name, sizeof(name), "%s%c", base, sfx[d->opsize]);
	return idec_emit(d, name, "", INSN_INTEGER);
}

/* 80-83, c0-c1, d0-d3, c6-c7, f6-f7, fe-ff, 8f: the reg field picks. */
static int decode_group(struct dec *d, uint8_t op)
{
	static const char *const g3[8] = {"test", "test", "not", "neg",
					  "mul",  "imul", "div", "idiv"};
	static const char *const g5[8] = {"inc", "dec", "call", NULL,
					  "jmp", NULL,	"push", NULL};
	static const char *const g3ops[2][2] = {{"Eb,Ib", "Eb"},
						{"Ev,Iz", "Ev"}};
	int w = op & 1;
	unsigned r;

	if (idec_modrm(d))
		return -1;
	r = d->reg & 7;
	switch (op) {
	case 0x80:
	case 0x81:
	case 0x83:
		return idec_emit(d, alu[r],
				 op == 0x80   ? "Eb,Ib"
				 : op == 0x81 ? "Ev,Iz"
					      : "Ev,Is",
				 INSN_INTEGER);
	case 0xc0:
	case 0xc1:
		return idec_emit(d, shifts[r], w ? "Ev,Ib" : "Eb,Ib",
				 INSN_INTEGER);
	case 0xd0:
	case 0xd1:
		return idec_emit(d, shifts[r], w ? "Ev,1" : "Eb,1",
				 INSN_INTEGER);
	case 0xd2:
	case 0xd3:
		return idec_emit(d, shifts[r], w ? "Ev,CL" : "Eb,CL",
				 INSN_INTEGER);
	case 0xc6:
	case 0xc7:
		return r ? -1
			 : idec_emit(d, "mov", w ? "Ev,Iz" : "Eb,Ib",
				     INSN_INTEGER);
	case 0xf6:
	case 0xf7:
		return idec_emit(d, g3[r], g3ops[w][r > 1], INSN_INTEGER);
	case 0xfe:
		return r > 1 ? -1 : idec_emit(d, g5[r], "Eb", INSN_INTEGER);
	case 0xff:
		if (d->bits == 64 && r >= 2)
			d->opsize = 8; /* near call, jmp, push: 64-bit */
		return idec_emit(d, g5[r], "Ev", INSN_INTEGER);
	default: /* 8f */
		if (d->bits == 64)
			d->opsize = 8;
		return r ? -1 : idec_emit(d, "pop", "Ev", INSN_INTEGER);
	}
}

/* x87, d8-df: the memory forms by opcode and reg field, with sizes. */
static const struct {
	const char *name;
	uint8_t size;
} x87_mem[8][8] = {
	{{"fadd", 4},
	 {"fmul", 4},
	 {"fcom", 4},
	 {"fcomp", 4},
	 {"fsub", 4},
	 {"fsubr", 4},
	 {"fdiv", 4},
	 {"fdivr", 4}},
	{{"fld", 4},
	 {NULL, 0},
	 {"fst", 4},
	 {"fstp", 4},
	 {"fldenv", 0},
	 {"fldcw", 2},
	 {"fnstenv", 0},
	 {"fnstcw", 2}},
	{{"fiadd", 4},
	 {"fimul", 4},
	 {"ficom", 4},
	 {"ficomp", 4},
	 {"fisub", 4},
	 {"fisubr", 4},
	 {"fidiv", 4},
	 {"fidivr", 4}},
	{{"fild", 4},
	 {"fisttp", 4},
	 {"fist", 4},
	 {"fistp", 4},
	 {NULL, 0},
	 {"fld", 10},
	 {NULL, 0},
	 {"fstp", 10}},
	{{"fadd", 8},
	 {"fmul", 8},
	 {"fcom", 8},
	 {"fcomp", 8},
	 {"fsub", 8},
	 {"fsubr", 8},
	 {"fdiv", 8},
	 {"fdivr", 8}},
	{{"fld", 8},
	 {"fisttp", 8},
	 {"fst", 8},
	 {"fstp", 8},
	 {"frstor", 0},
	 {NULL, 0},
	 {"fnsave", 0},
	 {"fnstsw", 2}},
	{{"fiadd", 2},
	 {"fimul", 2},
	 {"ficom", 2},
	 {"ficomp", 2},
	 {"fisub", 2},
	 {"fisubr", 2},
	 {"fidiv", 2},
	 {"fidivr", 2}},
	{{"fild", 2},
	 {"fisttp", 2},
	 {"fist", 2},
	 {"fistp", 2},
	 {"fbld", 10},
	 {"fild", 8},
	 {"fbstp", 10},
	 {"fistp", 8}},
};

/* d9 e0-ff: the operand-less x87 instructions. */
static const char *const x87_d9[32] = {
	"fchs",	  "fabs",    NULL,	NULL,	   "ftst",    "fxam",
	NULL,	  NULL,	     "fld1",	"fldl2t",  "fldl2e",  "fldpi",
	"fldlg2", "fldln2",  "fldz",	NULL,	   "f2xm1",   "fyl2x",
	"fptan",  "fpatan",  "fxtract", "fprem1",  "fdecstp", "fincstp",
	"fprem",  "fyl2xp1", "fsqrt",	"fsincos", "frndint", "fscale",
	"fsin",	  "fcos"};

/* The register forms of d8-df that take st(i): opcode, reg field. */
static const char *x87_reg_name(uint8_t op, unsigned r, const char **ops)
{
	static const char *const d8[8] = {"fadd", "fmul",  "fcom", "fcomp",
					  "fsub", "fsubr", "fdiv", "fdivr"};
	static const char *const dc[8] = {"fadd",  "fmul", NULL,    NULL,
					  "fsubr", "fsub", "fdivr", "fdiv"};
	static const char *const de[8] = {"faddp",  "fmulp", NULL,     NULL,
					  "fsubrp", "fsubp", "fdivrp", "fdivp"};

	*ops = "st(0), st(%u)";
	switch (op) {
	case 0xd8:
		return d8[r];
	case 0xd9:
		*ops = "st(%u)";
		return r == 0 ? "fld" : r == 1 ? "fxch" : NULL;
	case 0xdb:
		return r == 5 ? "fucomi" : r == 6 ? "fcomi" : NULL;
	case 0xdc:
		*ops = "st(%u), st(0)";
		return dc[r];
	case 0xdd:
		*ops = "st(%u)";
		return r == 0	? "ffree"
		       : r == 2 ? "fst"
		       : r == 3 ? "fstp"
		       : r == 4 ? "fucom"
		       : r == 5 ? "fucomp"
				: NULL;
	case 0xde:
		*ops = "st(%u), st(0)";
		return de[r];
	case 0xdf:
		return r == 5 ? "fucomip" : r == 6 ? "fcomip" : NULL;
	default:
		return NULL;
	}
}

static int decode_x87(struct dec *d, uint8_t op)
{
	const char *name, *ops;
	unsigned r, i;
	uint8_t b;

	if (idec_modrm(d))
		return -1;
	r = d->reg & 7;
	i = d->rm & 7;
	b = (uint8_t)(0xc0 | r << 3 | i);
	if (d->mod != 3) {
		name = x87_mem[op - 0xd8][r].name;
		d->x87_size = 1;
		if (!name || idec_operands(d, "M"))
			return -1;
		d->mem_size = d->out->mem.size = x87_mem[op - 0xd8][r].size;
		d->out->cls = INSN_X87;
		idec_finish(d, name);
		return 0;
	}
	name = x87_reg_name(op, r, &ops);
	if (op == 0xd9 && b >= 0xe0)
		name = x87_d9[b - 0xe0], ops = "";
	else if (op == 0xd9 && b == 0xd0)
		name = "fnop", ops = "";
	else if (op == 0xdb && (b == 0xe2 || b == 0xe3))
		name = b == 0xe2 ? "fnclex" : "fninit", ops = "";
	else if (op == 0xde && b == 0xd9)
		name = "fcompp", ops = "";
	else if (op == 0xdf && b == 0xe0)
		name = "fnstsw", ops = "ax";
	if (!name)
		return -1;
	d->out->cls = INSN_X87;
	idec_finish(d, name);
	snprintf(d->out->text + strlen(d->out->text),
		 sizeof(d->out->text) - strlen(d->out->text), "%s",
		 *ops ? " " : "");
	snprintf(d->out->text + strlen(d->out->text),
		 sizeof(d->out->text) - strlen(d->out->text), ops, i);
	return 0;
}

int idec_one(struct dec *d, uint8_t op)
{
	if (op < 0x40 && (op & 7) < 6)
		return idec_emit(d, alu[op >> 3], alu_forms[op & 7],
				 INSN_INTEGER);
	if (op >= 0x40 && op <= 0x4f) /* only outside 64-bit mode */
		return idec_emit(d, op < 0x48 ? "inc" : "dec", "Zv",
				 INSN_INTEGER);
	if (op >= 0x50 && op <= 0x5f) {
		if (d->bits == 64)
			d->opsize = d->p66 ? 2 : 8;
		return idec_emit(d, op < 0x58 ? "push" : "pop", "Zv",
				 INSN_INTEGER);
	}
	if (op >= 0x70 && op <= 0x7f) {
		char name[8];

		snprintf(name, sizeof(name), "j%s", idec_cc[op & 15]);
		return idec_emit(d, name, "Jb", INSN_INTEGER);
	}
	if (op >= 0x91 && op <= 0x97)
		return idec_emit(d, "xchg", "Zv,rAX", INSN_INTEGER);
	if (op == 0x98 || op == 0x99) {
		static const char *const conv[2][9] = {
			{[2] = "cbw", [4] = "cwde", [8] = "cdqe"},
			{[2] = "cwd", [4] = "cdq", [8] = "cqo"}};

		return idec_emit(d, conv[op & 1][d->opsize], "", INSN_INTEGER);
	}
	if (op >= 0xa4 && op <= 0xaf)
		return decode_string(d, op);
	if (op >= 0xb0 && op <= 0xb7)
		return idec_emit(d, "mov", "Zb,Ib", INSN_INTEGER);
	if (op >= 0xb8 && op <= 0xbf)
		return idec_emit(d, "mov", "Zv,Iv", INSN_INTEGER);
	if (op >= 0xd8 && op <= 0xdf)
		return decode_x87(d, op);
	switch (op) {
	case 0x80:
	case 0x81:
	case 0x83:
	case 0x8f:
	case 0xc0:
	case 0xc1:
	case 0xc6:
	case 0xc7:
	case 0xd0:
	case 0xd1:
	case 0xd2:
	case 0xd3:
	case 0xf6:
	case 0xf7:
	case 0xfe:
	case 0xff:
		return decode_group(d, op);
	}
	if (op == 0x90 && d->rep)
		return d->rep = 0, idec_emit(d, "pause", "", INSN_INTEGER);
	return idec_emit(d, one_byte[op].mnemonic, one_byte[op].ops,
			 INSN_INTEGER);
}
