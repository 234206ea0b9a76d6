/* insn_decode.c - decoding the common x86 instructions into Intel syntax, for
 * messages that name what the guest was doing. */
#include "insn_decode.h"
#include "insn_decode_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const reg64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp",
				      "rsi", "rdi", "r8",  "r9",  "r10", "r11",
				      "r12", "r13", "r14", "r15"};
static const char *const reg32[16] = {
	"eax", "ecx", "edx",  "ebx",  "esp",  "ebp",  "esi",  "edi",
	"r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
static const char *const reg16[16] = {
	"ax",  "cx",  "dx",   "bx",   "sp",   "bp",   "si",   "di",
	"r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
static const char *const reg8_rex[16] = {
	"al",  "cl",  "dl",   "bl",   "spl",  "bpl",  "sil",  "dil",
	"r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
static const char *const reg8_legacy[8] = {"al", "cl", "dl", "bl",
					   "ah", "ch", "dh", "bh"};
static const char *const xmm[16] = {
	"xmm0", "xmm1", "xmm2",	 "xmm3",  "xmm4",  "xmm5",  "xmm6",  "xmm7",
	"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"};
static const char *const mmx[8] = {"mm0", "mm1", "mm2", "mm3",
				   "mm4", "mm5", "mm6", "mm7"};
static const char *const sreg[8] = {"es", "cs", "ss", "ds",
				    "fs", "gs", "?",  "?"};
static const char *const mem16[8] = {"bx+si", "bx+di", "bp+si", "bp+di",
				     "si",    "di",    "bp",	"bx"};

const char *const idec_cc[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a",
				 "s", "ns", "p", "np", "l", "ge", "le", "g"};

const char *insn_reg_name(int reg, unsigned size)
{
	if (reg < 0 || reg >= 16)
		return NULL;
	return size == 8 ? reg64[reg] : reg32[reg];
}

int idec_next(struct dec *d, uint8_t *b)
{
	if (d->i >= d->n || d->i >= INSN_MAX_LEN) {
		d->need = 1;
		return -1;
	}
	*b = d->p[d->i++];
	return 0;
}

/* A little-endian immediate or displacement of size bytes, sign-extended. */
static int imm(struct dec *d, unsigned size, int64_t *v)
{
	uint64_t u = 0;
	uint8_t b;

	for (unsigned k = 0; k < size; k++) {
		if (idec_next(d, &b))
			return -1;
		u |= (uint64_t)b << (8 * k);
	}
	if (size < 8 && (u >> (8 * size - 1)) & 1)
		u |= ~0ull << (8 * size);
	*v = (int64_t)u;
	return 0;
}

static const char *gpr(const struct dec *d, unsigned size, unsigned r)
{
	switch (size) {
	case 1:
		return d->rex ? reg8_rex[r & 15] : reg8_legacy[r & 7];
	case 2:
		return reg16[r & 15];
	case 4:
		return reg32[r & 15];
	default:
		return reg64[r & 15];
	}
}

int idec_modrm(struct dec *d)
{
	uint8_t b;

	if (d->has_modrm)
		return 0;
	if (idec_next(d, &b))
		return -1;
	d->has_modrm = 1;
	d->mod = b >> 6;
	d->reg = ((b >> 3) & 7) | (d->rex & 4 ? 8 : 0);
	d->rm = (b & 7) | (d->rex & 1 ? 8 : 0);
	return 0;
}

static void hex(char *buf, size_t len, int64_t v)
{
	if (v < 0)
		snprintf(buf, len, "-0x%" PRIx64, (uint64_t)0 - (uint64_t)v);
	else
		snprintf(buf, len, "0x%" PRIx64, (uint64_t)v);
}

/* [bx+si+0x10]-style 16-bit addressing. */
static int mem_16(struct dec *d, struct insn_mem *m, char *buf, size_t len)
{
	int64_t disp = 0;
	char num[24];

	if (d->mod == 0 && (d->rm & 7) == 6) {
		if (imm(d, 2, &disp))
			return -1;
		m->disp = disp & 0xffff;
		snprintf(buf, len, "%s[0x%" PRIx64 "]", d->seg,
			 (uint64_t)m->disp);
		return 0;
	}
	if (d->mod && imm(d, d->mod == 1 ? 1 : 2, &disp))
		return -1;
	m->disp = disp;
	hex(num, sizeof(num), disp);
	snprintf(buf, len, "%s[%s%s%s]", d->seg, mem16[d->rm & 7],
		 disp ? (disp < 0 ? "" : "+") : "", disp ? num : "");
	return 0;
}

/* The 32/64-bit forms: SIB, displacements, RIP-relative. */
static int mem_32(struct dec *d, struct insn_mem *m, char *buf, size_t len)
{
	const char *const *names = d->adsize == 8 ? reg64 : reg32;
	unsigned disp_size = d->mod == 1 ? 1 : d->mod == 2 ? 4 : 0;
	int64_t disp = 0;
	char num[24] = "", idx[16] = "", scale[4] = "";
	uint8_t sib;

	m->base = d->rm;
	if ((d->rm & 7) == 4) {
		if (idec_next(d, &sib))
			return -1;
		m->base = (sib & 7) | (d->rex & 1 ? 8 : 0);
		m->index = ((sib >> 3) & 7) | (d->rex & 2 ? 8 : 0);
		m->scale = 1u << (sib >> 6);
		if (m->index == 4)
			m->index = INSN_NO_REG; /* no index: [rsp] */
		if ((sib & 7) == 5 && d->mod == 0) {
			m->base = INSN_NO_REG;
			disp_size = 4;
		}
	} else if ((d->rm & 7) == 5 && d->mod == 0) {
		m->base = INSN_NO_REG;
		disp_size = 4;
		m->rip_relative = d->bits == 64;
	}
	if (disp_size && imm(d, disp_size, &disp))
		return -1;
	m->disp = disp;
	if (m->rip_relative) {
		d->rip_rel = 1; /* formatted when the length is known */
		d->rip_op = (int)d->nops;
		d->rip_disp = disp;
		return 0;
	}
	if (m->scale > 1)
		snprintf(scale, sizeof(scale), "*%c", (char)('0' + m->scale));
	if (m->index != INSN_NO_REG)
		snprintf(idx, sizeof(idx), "%s%s%s",
			 m->base != INSN_NO_REG ? "+" : "", names[m->index],
			 scale);
	if (m->base == INSN_NO_REG && m->index == INSN_NO_REG)
		snprintf(num, sizeof(num), "0x%" PRIx64,
			 d->adsize == 8 ? (uint64_t)disp : (uint32_t)disp);
	else if (disp > 0)
		snprintf(num, sizeof(num), "+0x%" PRIx64, (uint64_t)disp);
	else if (disp < 0)
		hex(num, sizeof(num), disp);
	snprintf(buf, len, "%s[%s%s%s]", d->seg,
		 m->base != INSN_NO_REG ? names[m->base] : "", idx, num);
	return 0;
}

/* The r/m operand as memory; size in bytes for the alignment checks. */
static int mem_operand(struct dec *d, char *buf, size_t len, unsigned size)
{
	struct insn_mem *m = &d->out->mem;

	*m = (struct insn_mem){.present = 1,
			       .base = INSN_NO_REG,
			       .index = INSN_NO_REG,
			       .scale = 1,
			       .size = size};
	d->mem_op = (int)d->nops;
	d->mem_size = size;
	return d->adsize == 2 ? mem_16(d, m, buf, len) : mem_32(d, m, buf, len);
}

static unsigned size_of(const struct dec *d, char c)
{
	switch (c) {
	case 'b':
		return 1;
	case 'w':
		return 2;
	case 'd':
		return 4;
	case 'q':
		return 8;
	case 'y':
		return d->rex & 8 ? 8 : 4;
	case 'z':
		return d->opsize == 2 ? 2 : 4;
	default: /* 'v' */
		return d->opsize;
	}
}

/* One operand token of the tables into d->ops[d->nops]. */
static int operand(struct dec *d, const char *t, size_t tlen)
{
	char *o = d->ops[d->nops];
	size_t olen = sizeof(d->ops[0]);
	char k = t[0], s = tlen > 1 ? t[1] : 'v';
	int64_t v;
	int is_reg = 1;

	if (!strncmp(t, "CL", tlen) || !strncmp(t, "AL", tlen) ||
	    !strncmp(t, "DX", tlen))
		k = 'A'; /* fixed registers */
	if (strchr("EGMRVUWPQCS", k) && idec_modrm(d))
		return -1;
	switch (k) {
	case 'E':
	case 'M':
	case 'W':
	case 'Q':
		if (d->mod == 3) {
			if (k == 'M')
				return -1; /* memory only */
			snprintf(o, olen, "%s",
				 k == 'W'   ? xmm[d->rm]
				 : k == 'Q' ? mmx[d->rm & 7]
					    : gpr(d, size_of(d, s), d->rm));
			break;
		}
		is_reg = 0;
		if (mem_operand(d, o, olen,
				k == 'M'	       ? 0
				: k == 'W' || k == 'Q' ? 16
						       : size_of(d, s)))
			return -1;
		break;
	case 'G':
		snprintf(o, olen, "%s", gpr(d, size_of(d, s), d->reg));
		break;
	case 'R':
		snprintf(o, olen, "%s", gpr(d, d->bits == 64 ? 8 : 4, d->rm));
		break;
	case 'C':
		snprintf(o, olen, "cr%u", d->reg);
		break;
	case 'S':
		snprintf(o, olen, "%s", sreg[d->reg & 7]);
		break;
	case 'V':
	case 'U':
		snprintf(o, olen, "%s", xmm[k == 'V' ? d->reg : d->rm]);
		break;
	case 'P':
		snprintf(o, olen, "%s", mmx[d->reg & 7]);
		break;
	case 'Z':
		snprintf(o, olen, "%s",
			 gpr(d, size_of(d, s),
			     (d->p[d->i - 1] & 7) | (d->rex & 1 ? 8 : 0)));
		break;
	case 'I':
		is_reg = 0;
		if (imm(d,
			s == 's' || s == 'b' ? 1
			: s == 'v'	     ? d->opsize
					     : size_of(d, s),
			&v))
			return -1;
		/* shown unsigned in the operation's size, as objdump does */
		if (s == 'b' || d->byte_op)
			v &= 0xff;
		else if (d->opsize < 8)
			v &= (int64_t)((1ull << (8 * d->opsize)) - 1);
		snprintf(o, olen, "0x%" PRIx64, (uint64_t)v);
		break;
	case 'J':
		is_reg = 0;
		if (imm(d, s == 'b' ? 1 : d->opsize == 2 ? 2 : 4, &v))
			return -1;
		/* the target is relative to the next instruction, whose
		 * start is known only at the end: keep the displacement */
		d->rip_rel = 2;
		d->rip_op = (int)d->nops;
		d->rip_disp = v;
		break;
	case 'O': /* a moffs: an address of the address size, no ModRM */
		is_reg = 0;
		d->out->mem = (struct insn_mem){.present = 1,
						.base = INSN_NO_REG,
						.index = INSN_NO_REG,
						.scale = 1,
						.size = size_of(d, s)};
		d->mem_op = (int)d->nops;
		d->mem_size = size_of(d, s);
		if (imm(d, d->adsize, &v))
			return -1;
		d->out->mem.disp = v;
		snprintf(o, olen, "[0x%" PRIx64 "]",
			 d->adsize == 8
				 ? (uint64_t)v
				 : (uint64_t)v & (d->adsize == 4 ? 0xffffffffu
								 : 0xffffu));
		break;
	case '1':
		is_reg = 0;
		snprintf(o, olen, "1");
		break;
	default: /* AL rAX CL DX */
		if (!strncmp(t, "rAX", tlen))
			snprintf(o, olen, "%s", gpr(d, d->opsize, 0));
		else
			snprintf(o, olen, "%.*s", (int)tlen, t);
		for (char *c = o; *c; c++)
			*c = (char)(*c | 0x20); /* lower case */
		break;
	}
	if (s == 'b' && strchr("EGZO", k))
		d->byte_op = 1;
	if (strchr("GZ", k))
		d->gpr_size = size_of(d, s);
	if (k == 'E' && !is_reg)
		d->mem_gpr = 1;
	if (!strncmp(t, "AL", tlen))
		d->byte_op = 1;
	d->reg_ops += is_reg;
	d->nops++;
	return 0;
}

int idec_operands(struct dec *d, const char *spec)
{
	while (spec && *spec) {
		size_t tlen = strcspn(spec, ",");

		if (d->nops == 3 || operand(d, spec, tlen))
			return -1;
		spec += tlen + (spec[tlen] == ',');
	}
	return 0;
}

/* The mnemonic and its operands into out->text. */
void idec_finish(struct dec *d, const char *mnemonic)
{
	static const char *const sizes[17] = {
		[1] = "byte ",	[2] = "word ",	 [4] = "dword ",
		[8] = "qword ", [10] = "tbyte ", [16] = "xmmword "};
	char *t = d->out->text;
	size_t len = sizeof(d->out->text), at;

	d->out->len = (unsigned)d->i;
	if (d->rip_rel) {
		uint64_t target = d->rip + d->i + (uint64_t)d->rip_disp;
		int j = d->rip_op;

		if (d->bits != 64)
			target &= d->bits == 16 ? 0xffff : 0xffffffff;
		if (d->rip_rel == 1)
			d->out->mem.disp = (int64_t)target;
		snprintf(d->ops[j], sizeof(d->ops[j]),
			 d->rip_rel == 1 ? "[0x%" PRIx64 "]" : "0x%" PRIx64,
			 target);
	}
	at = (size_t)snprintf(t, len, "%s%s%s", d->lock ? "lock " : "",
			      d->rep && d->show_rep ? "rep " : "", mnemonic);
	for (unsigned k = 0; k < d->nops && at < len; k++) {
		int sized = (int)k == d->mem_op && d->mem_size <= 16 &&
			    (d->x87_size || !d->reg_ops ||
			     (d->mem_gpr && d->gpr_size != d->mem_size));

		at += (size_t)snprintf(
			t + at, len - at, "%s%s%s", k ? ", " : " ",
			sized ? sizes[d->mem_size] ? sizes[d->mem_size] : ""
			      : "",
			d->ops[k]);
	}
}

/* Runs a table entry: operands, then the text. */
int idec_emit(struct dec *d, const char *mnemonic, const char *spec,
	      enum insn_class cls)
{
	if (!mnemonic || idec_operands(d, spec))
		return -1;
	d->out->cls = cls;
	idec_finish(d, mnemonic);
	return 0;
}

static int decode_prefixes(struct dec *d, uint8_t *op)
{
	for (;;) {
		if (idec_next(d, op))
			return -1;
		switch (*op) {
		case 0x66:
			d->p66 = 1;
			d->opsize = d->bits == 16 ? 4 : 2;
			continue;
		case 0x67:
			d->adsize = d->bits == 64 ? 4 : d->bits == 32 ? 2 : 4;
			continue;
		case 0xf3:
			d->rep = 1;
			continue;
		case 0xf2:
			d->repne = 1;
			continue;
		case 0xf0:
			d->lock = 1;
			continue;
		case 0x26:
			d->seg = "es:";
			continue;
		case 0x2e:
			d->seg = "cs:";
			continue;
		case 0x36:
			d->seg = "ss:";
			continue;
		case 0x3e:
			d->seg = "ds:";
			continue;
		case 0x64:
			d->seg = "fs:";
			continue;
		case 0x65:
			d->seg = "gs:";
			continue;
		}
		break;
	}
	if (d->bits == 64 && (*op & 0xf0) == 0x40) {
		d->rex = *op;
		if (d->rex & 8)
			d->opsize = 8;
		return idec_next(d, op);
	}
	return 0;
}

int insn_decode(const uint8_t *bytes, size_t n, unsigned bits, uint64_t rip,
		struct insn *out)
{
	struct dec d = {.p = bytes,
			.n = n,
			.bits = bits,
			.rip = rip,
			.out = out,
			.mem_op = -1,
			.seg = ""};
	uint8_t op;
	int ret;

	memset(out, 0, sizeof(*out));
	if (bits != 16 && bits != 32 && bits != 64)
		return -EINVAL;
	d.opsize = bits == 16 ? 2 : 4;
	d.adsize = bits == 16 ? 2 : bits == 32 ? 4 : 8;
	ret = decode_prefixes(&d, &op);
	if (!ret)
		ret = op == 0x0f ? idec_0f(&d) : idec_one(&d, op);
	if (d.need)
		return -ENODATA;
	if (ret) {
		memset(out, 0, sizeof(*out));
		return -EINVAL;
	}
	return 0;
}

void insn_format_bytes(const uint8_t *bytes, size_t n, char *buf, size_t len)
{
	size_t at = 0;

	if (len)
		buf[0] = '\0';
	for (size_t k = 0; k < n && k < INSN_MAX_LEN && at + 1 < len; k++)
		at += (size_t)snprintf(buf + at, len - at, "%s%02x",
				       k ? " " : "", bytes[k]);
}
