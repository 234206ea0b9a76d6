/* insn_map_0f.c - the decoder's two-byte (0f xx) opcode map: SSE, SSE2, MMX
 * and the system and integer instructions there. */
#include <stdio.h>
#include <string.h>

#include "insn_decode_priv.h"

/* --- 0f xx ------------------------------------------------------------- */

/* The SSE opcodes whose prefix (none, 66, f3, f2) picks the form: ps, pd,
 * ss, sd. NULL: that prefix has no such instruction. */
struct sse_op {
	uint8_t opcode;
	const char *names[4];
	const char *ops;
	uint8_t mem_size[4];
};

static const struct sse_op sse_ops[] = {
	{0x10, {"movups", "movupd", "movss", "movsd"}, "V,W", {16, 16, 4, 8}},
	{0x11, {"movups", "movupd", "movss", "movsd"}, "W,V", {16, 16, 4, 8}},
	{0x12,
	 {"movlps", "movlpd", "movsldup", "movddup"},
	 "V,W",
	 {8, 8, 16, 8}},
	{0x13, {"movlps", "movlpd", NULL, NULL}, "W,V", {8, 8, 0, 0}},
	{0x14, {"unpcklps", "unpcklpd", NULL, NULL}, "V,W", {16, 16, 0, 0}},
	{0x15, {"unpckhps", "unpckhpd", NULL, NULL}, "V,W", {16, 16, 0, 0}},
	{0x16, {"movhps", "movhpd", "movshdup", NULL}, "V,W", {8, 8, 16, 0}},
	{0x17, {"movhps", "movhpd", NULL, NULL}, "W,V", {8, 8, 0, 0}},
	{0x28, {"movaps", "movapd", NULL, NULL}, "V,W", {16, 16, 0, 0}},
	{0x29, {"movaps", "movapd", NULL, NULL}, "W,V", {16, 16, 0, 0}},
	{0x2a,
	 {"cvtpi2ps", "cvtpi2pd", "cvtsi2ss", "cvtsi2sd"},
	 NULL,
	 {8, 8, 0, 0}},
	{0x2b, {"movntps", "movntpd", NULL, NULL}, "W,V", {16, 16, 0, 0}},
	{0x2c,
	 {"cvttps2pi", "cvttpd2pi", "cvttss2si", "cvttsd2si"},
	 NULL,
	 {8, 16, 4, 8}},
	{0x2d,
	 {"cvtps2pi", "cvtpd2pi", "cvtss2si", "cvtsd2si"},
	 NULL,
	 {8, 16, 4, 8}},
	{0x2e, {"ucomiss", "ucomisd", NULL, NULL}, "V,W", {4, 8, 0, 0}},
	{0x2f, {"comiss", "comisd", NULL, NULL}, "V,W", {4, 8, 0, 0}},
	{0x50, {"movmskps", "movmskpd", NULL, NULL}, "Gd,U", {0, 0, 0, 0}},
	{0x51, {"sqrtps", "sqrtpd", "sqrtss", "sqrtsd"}, "V,W", {16, 16, 4, 8}},
	{0x52, {"rsqrtps", NULL, "rsqrtss", NULL}, "V,W", {16, 0, 4, 0}},
	{0x53, {"rcpps", NULL, "rcpss", NULL}, "V,W", {16, 0, 4, 0}},
	{0x54, {"andps", "andpd", NULL, NULL}, "V,W", {16, 16, 0, 0}},
	{0x55, {"andnps", "andnpd", NULL, NULL}, "V,W", {16, 16, 0, 0}},
	{0x56, {"orps", "orpd", NULL, NULL}, "V,W", {16, 16, 0, 0}},
	{0x57, {"xorps", "xorpd", NULL, NULL}, "V,W", {16, 16, 0, 0}},
	{0x58, {"addps", "addpd", "addss", "addsd"}, "V,W", {16, 16, 4, 8}},
	{0x59, {"mulps", "mulpd", "mulss", "mulsd"}, "V,W", {16, 16, 4, 8}},
	{0x5a,
	 {"cvtps2pd", "cvtpd2ps", "cvtss2sd", "cvtsd2ss"},
	 "V,W",
	 {8, 16, 4, 8}},
	{0x5b,
	 {"cvtdq2ps", "cvtps2dq", "cvttps2dq", NULL},
	 "V,W",
	 {16, 16, 16, 0}},
	{0x5c, {"subps", "subpd", "subss", "subsd"}, "V,W", {16, 16, 4, 8}},
	{0x5d, {"minps", "minpd", "minss", "minsd"}, "V,W", {16, 16, 4, 8}},
	{0x5e, {"divps", "divpd", "divss", "divsd"}, "V,W", {16, 16, 4, 8}},
	{0x5f, {"maxps", "maxpd", "maxss", "maxsd"}, "V,W", {16, 16, 4, 8}},
	{0x6f, {"movq", "movdqa", "movdqu", NULL}, NULL, {8, 16, 16, 0}},
	{0x7f, {"movq", "movdqa", "movdqu", NULL}, NULL, {8, 16, 16, 0}},
	{0xc2, {"cmpps", "cmppd", "cmpss", "cmpsd"}, "V,W,Ib", {16, 16, 4, 8}},
	{0xc6, {"shufps", "shufpd", NULL, NULL}, "V,W,Ib", {16, 16, 0, 0}},
	{0xd6, {NULL, "movq", NULL, NULL}, "W,V", {0, 8, 0, 0}},
	{0xe6,
	 {NULL, "cvttpd2dq", "cvtdq2pd", "cvtpd2dq"},
	 "V,W",
	 {0, 16, 8, 16}},
	{0xe7, {"movntq", "movntdq", NULL, NULL}, NULL, {8, 16, 0, 0}},
};

/* 0f 60-7f, d0-ff: MMX with no prefix, the same on XMM with 66. */
static const char *const simd_int[] = {
	[0x60] = "punpcklbw",  [0x61] = "punpcklwd",  [0x62] = "punpckldq",
	[0x63] = "packsswb",   [0x64] = "pcmpgtb",    [0x65] = "pcmpgtw",
	[0x66] = "pcmpgtd",    [0x67] = "packuswb",   [0x68] = "punpckhbw",
	[0x69] = "punpckhwd",  [0x6a] = "punpckhdq",  [0x6b] = "packssdw",
	[0x6c] = "punpcklqdq", [0x6d] = "punpckhqdq", [0x74] = "pcmpeqb",
	[0x75] = "pcmpeqw",    [0x76] = "pcmpeqd",    [0xd1] = "psrlw",
	[0xd2] = "psrld",      [0xd3] = "psrlq",      [0xd4] = "paddq",
	[0xd5] = "pmullw",     [0xd8] = "psubusb",    [0xd9] = "psubusw",
	[0xda] = "pminub",     [0xdb] = "pand",	      [0xdc] = "paddusb",
	[0xdd] = "paddusw",    [0xde] = "pmaxub",     [0xdf] = "pandn",
	[0xe0] = "pavgb",      [0xe1] = "psraw",      [0xe2] = "psrad",
	[0xe3] = "pavgw",      [0xe4] = "pmulhuw",    [0xe5] = "pmulhw",
	[0xe8] = "psubsb",     [0xe9] = "psubsw",     [0xea] = "pminsw",
	[0xeb] = "por",	       [0xec] = "paddsb",     [0xed] = "paddsw",
	[0xee] = "pmaxsw",     [0xef] = "pxor",	      [0xf1] = "psllw",
	[0xf2] = "pslld",      [0xf3] = "psllq",      [0xf4] = "pmuludq",
	[0xf5] = "pmaddwd",    [0xf6] = "psadbw",     [0xf8] = "psubb",
	[0xf9] = "psubw",      [0xfa] = "psubd",      [0xfb] = "psubq",
	[0xfc] = "paddb",      [0xfd] = "paddw",      [0xfe] = "paddd",
};

/* The operands of the table's NULL-spec rows, which differ by prefix. */
static const char *sse_special_ops(uint8_t op, int which)
{
	switch (op) {
	case 0x2a:
		return which >= 2 ? "V,Ey" : "V,Q";
	case 0x2c:
	case 0x2d:
		return which >= 2 ? "Gy,W" : "P,W";
	case 0x6f:
		return which ? "V,W" : "P,Q";
	case 0x7f:
		return which ? "W,V" : "Q,P";
	default: /* e7 */
		return which ? "W,V" : "Q,P";
	}
}

/* Legacy SSE wants its 16-byte memory operands aligned, but for the
 * instructions made for unaligned data. */
static unsigned sse_align(const char *name, unsigned size)
{
	if (size != 16 || !strncmp(name, "movu", 4) ||
	    !strcmp(name, "movdqu") || !strcmp(name, "movsldup") ||
	    !strcmp(name, "movshdup"))
		return 0;
	return 16;
}

static int decode_sse(struct dec *d, const struct sse_op *s)
{
	int which = d->repne ? 3 : d->rep ? 2 : d->p66 ? 1 : 0;
	const char *name = s->names[which];
	const char *ops = s->ops ? s->ops : sse_special_ops(s->opcode, which);

	if (!name)
		return -1;
	d->rep = 0; /* a mandatory prefix, not a rep */
	if (d->p66)
		d->opsize = d->bits == 16 ? 2 : 4;
	if (idec_modrm(d))
		return -1;
	/* movlps/movhps between registers are movhlps/movlhps */
	if (d->mod == 3 && which == 0 &&
	    (s->opcode == 0x12 || s->opcode == 0x16))
		name = s->opcode == 0x12 ? "movhlps" : "movlhps";
	if (idec_emit(d, name, ops, INSN_SSE))
		return -1;
	if (d->out->mem.present) {
		d->out->mem.size = s->mem_size[which];
		if (!strcmp(ops, "V,Ey"))
			d->out->mem.size = d->rex & 8 ? 8 : 4;
		d->out->mem.align = sse_align(name, d->out->mem.size);
	}
	return 0;
}

/* 0f 6e/7e: movd/movq between general registers (or memory) and MMX/XMM. */
static int decode_movd(struct dec *d, uint8_t op)
{
	const char *name = d->rex & 8 ? "movq" : "movd";

	if (op == 0x7e && d->rep) { /* f3 0f 7e: movq xmm, xmm/m64 */
		d->rep = 0;
		if (idec_emit(d, "movq", "V,W", INSN_SSE))
			return -1;
		d->out->mem.size = 8;
		return 0;
	}
	if (idec_emit(d, name,
		      op == 0x6e ? (d->p66 ? "V,Ey" : "P,Ey")
				 : (d->p66 ? "Ey,V" : "Ey,P"),
		      INSN_SSE))
		return -1;
	d->out->mem.size = d->rex & 8 ? 8 : 4;
	return 0;
}

/* 0f ae: fxsave, fxrstor, ldmxcsr, stmxcsr and the fences. */
static int decode_0fae(struct dec *d)
{
	static const char *const mem[8] = {"fxsave",   "fxrstor", "ldmxcsr",
					   "stmxcsr",  "xsave",	  "xrstor",
					   "xsaveopt", "clflush"};
	static const char *const fence[8] = {
		NULL, NULL, NULL, NULL, NULL, "lfence", "mfence", "sfence"};
	unsigned r;

	if (d->rep || d->repne || idec_modrm(d))
		return -1; /* f3/f2 0f ae: CET and FSGSBASE, not decoded */
	r = d->reg & 7;
	if (d->mod == 3)
		return idec_emit(d, fence[r], "", INSN_SSE);
	if (idec_emit(d, mem[r], "M", r < 4 ? INSN_SSE : INSN_INTEGER))
		return -1;
	d->out->mem.size = r == 2 || r == 3 ? 4 : r < 2 ? 512 : 0;
	d->out->mem.align = r < 2 ? 16 : 0;
	return 0;
}

/* 0f 71-73: shifts of MMX/XMM registers by an immediate. */
static int decode_simd_shift(struct dec *d, uint8_t op)
{
	static const char *const names[3][8] = {
		{NULL, NULL, "psrlw", NULL, "psraw", NULL, "psllw", NULL},
		{NULL, NULL, "psrld", NULL, "psrad", NULL, "pslld", NULL},
		{NULL, NULL, "psrlq", "psrldq", NULL, NULL, "psllq", "pslldq"}};
	const char *name;

	if (idec_modrm(d) || d->mod != 3)
		return -1;
	name = names[op - 0x71][d->reg & 7];
	if (!name || (!d->p66 && (d->reg & 7) % 4 == 3))
		return -1; /* psrldq and pslldq exist for XMM only */
	return idec_emit(d, name, d->p66 ? "U,Ib" : "Q,Ib", INSN_SSE);
}

/* 0f xx that are neither SSE rows nor MMX/SSE2 integer ones. */
static const struct op two_byte[256] = {
	[0x05] = {"syscall", ""},      [0x06] = {"clts", ""},
	[0x0b] = {"ud2", ""},	       [0x1f] = {"nop", "Ev"},
	[0x20] = {"mov", "Rd,Cd"},     [0x22] = {"mov", "Cd,Rd"},
	[0x30] = {"wrmsr", ""},	       [0x31] = {"rdtsc", ""},
	[0x32] = {"rdmsr", ""},	       [0x77] = {"emms", ""},
	[0xa2] = {"cpuid", ""},	       [0xa3] = {"bt", "Ev,Gv"},
	[0xab] = {"bts", "Ev,Gv"},     [0xaf] = {"imul", "Gv,Ev"},
	[0xb0] = {"cmpxchg", "Eb,Gb"}, [0xb1] = {"cmpxchg", "Ev,Gv"},
	[0xb3] = {"btr", "Ev,Gv"},     [0xb6] = {"movzx", "Gv,Eb"},
	[0xb7] = {"movzx", "Gv,Ew"},   [0xbb] = {"btc", "Ev,Gv"},
	[0xbc] = {"bsf", "Gv,Ev"},     [0xbd] = {"bsr", "Gv,Ev"},
	[0xbe] = {"movsx", "Gv,Eb"},   [0xbf] = {"movsx", "Gv,Ew"},
	[0xc0] = {"xadd", "Eb,Gb"},    [0xc1] = {"xadd", "Ev,Gv"},
};

int idec_0f(struct dec *d)
{
	char name[12];
	uint8_t op;

	if (idec_next(d, &op))
		return -1;
	for (size_t k = 0; k < sizeof(sse_ops) / sizeof(sse_ops[0]); k++)
		if (sse_ops[k].opcode == op)
			return decode_sse(d, &sse_ops[k]);
	if (op == 0x6e || op == 0x7e)
		return decode_movd(d, op);
	if (op == 0xae)
		return decode_0fae(d);
	if (op == 0x70) {
		const char *pshuf[4] = {"pshufw", "pshufd", "pshufhw",
					"pshuflw"};
		int which = d->repne ? 3 : d->rep ? 2 : d->p66 ? 1 : 0;

		d->rep = 0;
		return idec_emit(d, pshuf[which], which ? "V,W,Ib" : "P,Q,Ib",
				 INSN_SSE);
	}
	if (op < sizeof(simd_int) / sizeof(simd_int[0]) && simd_int[op] &&
	    !d->rep && !d->repne) {
		if (idec_emit(d, simd_int[op], d->p66 ? "V,W" : "P,Q",
			      INSN_SSE))
			return -1;
		d->out->mem.size = d->p66 ? 16 : 8;
		d->out->mem.align = d->p66 ? 16 : 0;
		return 0;
	}
	if (op >= 0x40 && op <= 0x4f) {
		snprintf(name, sizeof(name), "cmov%s", idec_cc[op & 15]);
		return idec_emit(d, name, "Gv,Ev", INSN_INTEGER);
	}
	if (op >= 0x80 && op <= 0x8f) {
		snprintf(name, sizeof(name), "j%s", idec_cc[op & 15]);
		return idec_emit(d, name, "Jz", INSN_INTEGER);
	}
	if (op >= 0x90 && op <= 0x9f) {
		snprintf(name, sizeof(name), "set%s", idec_cc[op & 15]);
		return idec_emit(d, name, "Eb", INSN_INTEGER);
	}
	if (d->rep && (op == 0xb8 || op == 0xbc || op == 0xbd))
		return idec_emit(d,
				 op == 0xb8   ? "popcnt"
				 : op == 0xbc ? "tzcnt"
					      : "lzcnt",
				 "Gv,Ev", INSN_INTEGER);
	if (op == 0xd7)
		return idec_emit(d, "pmovmskb", d->p66 ? "Gd,U" : "Gd,Q",
				 INSN_SSE);
	if (op >= 0x71 && op <= 0x73)
		return decode_simd_shift(d, op);
	if (op == 0x01) { /* lgdt, lidt */
		if (idec_modrm(d) || d->mod == 3 || (d->reg & 7) < 2 ||
		    (d->reg & 7) > 3)
			return -1;
		return idec_emit(d, (d->reg & 7) == 2 ? "lgdt" : "lidt", "M",
				 INSN_INTEGER);
	}
	return idec_emit(d, two_byte[op].mnemonic, two_byte[op].ops,
			 INSN_INTEGER);
}
