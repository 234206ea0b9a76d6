/* gdb_regs.c - x86 registers as gdb numbers them: the target description
 * and the 'g' block, for amd64 and i386. */
#include "gdb_regs.h"

#include <stdio.h>
#include <string.h>

/* gdb's order of the general registers, which is not KVM's. */
static const size_t amd64_gpr[] = {
	offsetof(struct kvm_regs, rax), offsetof(struct kvm_regs, rbx),
	offsetof(struct kvm_regs, rcx), offsetof(struct kvm_regs, rdx),
	offsetof(struct kvm_regs, rsi), offsetof(struct kvm_regs, rdi),
	offsetof(struct kvm_regs, rbp), offsetof(struct kvm_regs, rsp),
	offsetof(struct kvm_regs, r8),	offsetof(struct kvm_regs, r9),
	offsetof(struct kvm_regs, r10), offsetof(struct kvm_regs, r11),
	offsetof(struct kvm_regs, r12), offsetof(struct kvm_regs, r13),
	offsetof(struct kvm_regs, r14), offsetof(struct kvm_regs, r15),
	offsetof(struct kvm_regs, rip),
};
static const char *const amd64_gpr_names[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8",
	"r9",  "r10", "r11", "r12", "r13", "r14", "r15", "rip",
};
static const size_t i386_gpr[] = {
	offsetof(struct kvm_regs, rax), offsetof(struct kvm_regs, rcx),
	offsetof(struct kvm_regs, rdx), offsetof(struct kvm_regs, rbx),
	offsetof(struct kvm_regs, rsp), offsetof(struct kvm_regs, rbp),
	offsetof(struct kvm_regs, rsi), offsetof(struct kvm_regs, rdi),
	offsetof(struct kvm_regs, rip),
};
static const char *const i386_gpr_names[] = {
	"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip",
};
static const char *const seg_names[] = {"eflags", "cs", "ss", "ds",
					"es",	  "fs", "gs"};
static const char *const fctl_names[] = {"fctrl", "fstat", "ftag",  "fiseg",
					 "fioff", "foseg", "fooff", "fop"};

#define NGPR(lm)  ((lm) ? 17 : 9)
#define GSIZE(lm) ((size_t)((lm) ? 8 : 4))
#define NXMM(lm)  ((lm) ? 16 : 8)

int gdb_regs_count(int long_mode)
{
	return NGPR(long_mode) + 7 + 8 + 8 + NXMM(long_mode) + 1;
}

size_t gdb_regs_block_size(int long_mode)
{
	return NGPR(long_mode) * GSIZE(long_mode) + 7 * 4 + 8 * 10 + 8 * 4 +
	       NXMM(long_mode) * 16 + 4;
}

int gdb_regs_slot(int long_mode, int regnum, size_t *off, size_t *size)
{
	/* the groups in order: count and size of each register */
	const size_t groups[][2] = {
		{NGPR(long_mode), GSIZE(long_mode)},
		{7, 4},
		{8, 10},
		{8, 4},
		{NXMM(long_mode), 16},
		{1, 4},
	};
	size_t base = 0, n;

	if (regnum < 0)
		return -1;
	n = (size_t)regnum;
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		if (n < groups[g][0]) {
			*off = base + n * groups[g][1];
			*size = groups[g][1];
			return 0;
		}
		base += groups[g][0] * groups[g][1];
		n -= groups[g][0];
	}
	return -1;
}

/* --- the target description ---------------------------------------- */

static size_t xml_reg(char *out, size_t cap, const char *name, int bits,
		      const char *type, int regnum)
{
	int n = snprintf(out, cap,
			 "<reg name=\"%s\" bitsize=\"%d\" type=\"%s\" "
			 "regnum=\"%d\"/>",
			 name, bits, type, regnum);

	return n < 0 || (size_t)n >= cap ? cap : (size_t)n;
}

static const char xml_vec128[] =
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
	"<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
	"<field name=\"v2_double\" type=\"v2d\"/>"
	"<field name=\"v16_int8\" type=\"v16i8\"/>"
	"<field name=\"v8_int16\" type=\"v8i16\"/>"
	"<field name=\"v4_int32\" type=\"v4i32\"/>"
	"<field name=\"v2_int64\" type=\"v2i64\"/>"
	"<field name=\"uint128\" type=\"uint128\"/></union>";

/* Appends s at *len, never past cap - 1. */
static void xml_add(char *out, size_t cap, size_t *len, const char *s)
{
	int n = snprintf(out + *len, cap - *len, "%s", s);

	*len += n < 0 || (size_t)n >= cap - *len ? cap - 1 - *len : (size_t)n;
}

static void build_xml(int lm, char *out, size_t cap)
{
	const char *const *gpr = lm ? amd64_gpr_names : i386_gpr_names;
	const char *int_type = lm ? "int64" : "int32";
	int bits = lm ? 64 : 32, r = 0;
	char name[16];
	size_t len = 0;

	xml_add(out, cap, &len,
		"<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM "
		"\"gdb-target.dtd\"><target version=\"1.0\"><architecture>");
	xml_add(out, cap, &len, lm ? "i386:x86-64" : "i386");
	xml_add(out, cap, &len,
		"</architecture><feature name=\"org.gnu.gdb.i386.core\">");
	for (int i = 0; i < NGPR(lm); i++, r++) {
		const char *type = i == NGPR(lm) - 1 ? "code_ptr" : int_type;

		len += xml_reg(out + len, cap - len, gpr[i], bits, type, r);
	}
	for (int i = 0; i < 7; i++, r++)
		len += xml_reg(out + len, cap - len, seg_names[i], 32, "int32",
			       r);
	for (int i = 0; i < 8; i++, r++) {
		snprintf(name, sizeof(name), "st%d", i);
		len += xml_reg(out + len, cap - len, name, 80, "i387_ext", r);
	}
	for (int i = 0; i < 8; i++, r++)
		len += xml_reg(out + len, cap - len, fctl_names[i], 32, "int",
			       r);
	xml_add(out, cap, &len,
		"</feature><feature name=\"org.gnu.gdb.i386.sse\">");
	xml_add(out, cap, &len, xml_vec128);
	for (int i = 0; i < NXMM(lm); i++, r++) {
		snprintf(name, sizeof(name), "xmm%d", i);
		len += xml_reg(out + len, cap - len, name, 128, "vec128", r);
	}
	len += xml_reg(out + len, cap - len, "mxcsr", 32, "int", r);
	xml_add(out, cap, &len, "</feature></target>");
}

const char *gdb_regs_target_xml(int long_mode)
{
	/* Built once per layout; the same text for every VM. */
	static char xml[2][8192];

	long_mode = !!long_mode;
	if (!xml[long_mode][0])
		build_xml(long_mode, xml[long_mode], sizeof(xml[long_mode]));
	return xml[long_mode];
}

/* --- the 'g' block ------------------------------------------------- */

static void put(uint8_t *block, size_t off, uint64_t val, size_t size)
{
	for (size_t i = 0; i < size; i++)
		block[off + i] = (uint8_t)(val >> (8 * i));
}

static uint64_t get(const uint8_t *block, size_t off, size_t size)
{
	uint64_t val = 0;

	for (size_t i = 0; i < size; i++)
		val |= (uint64_t)block[off + i] << (8 * i);
	return val;
}

/* A general register by gdb's number (memcpy: no type punning). */
static uint64_t gpr_get(const struct kvm_regs *regs, int lm, int i)
{
	uint64_t val;

	memcpy(&val, (const char *)regs + (lm ? amd64_gpr : i386_gpr)[i], 8);
	return val;
}

static void gpr_set(struct kvm_regs *regs, int lm, int i, uint64_t val)
{
	memcpy((char *)regs + (lm ? amd64_gpr : i386_gpr)[i], &val, 8);
}

/* KVM keeps the abridged tag (one bit per register, 1 = in use); gdb
 * shows the full one (two bits, 11 = empty). Valid (00) stands for any
 * register in use. */
static uint16_t full_tag(uint8_t abridged)
{
	uint16_t tag = 0;

	for (int i = 0; i < 8; i++)
		if (!(abridged & (1u << i)))
			tag |= (uint16_t)(3u << (2 * i));
	return tag;
}

static uint8_t abridged_tag(uint16_t full)
{
	uint8_t tag = 0;

	for (int i = 0; i < 8; i++)
		if (((full >> (2 * i)) & 3) != 3)
			tag |= (uint8_t)(1u << i);
	return tag;
}

/* The legacy area of cpu's XSAVE image, as bytes. */
static uint8_t *fx_area(struct gdb_cpu *cpu)
{
	return (uint8_t *)cpu->xsave.region;
}

static const uint8_t *fx_area_const(const struct gdb_cpu *cpu)
{
	return (const uint8_t *)cpu->xsave.region;
}

void gdb_regs_to_block(int lm, const struct gdb_cpu *cpu, uint8_t *block)
{
	const struct kvm_segment *segs[] = {
		&cpu->sregs.cs, &cpu->sregs.ss, &cpu->sregs.ds,
		&cpu->sregs.es, &cpu->sregs.fs, &cpu->sregs.gs,
	};
	const uint8_t *fx = fx_area_const(cpu);
	const uint64_t fctl[] = {
		get(fx, GDB_FX_FCW, 2),	  get(fx, GDB_FX_FSW, 2),
		full_tag(fx[GDB_FX_FTW]), 0,
		get(fx, GDB_FX_FIP, 4),	  0,
		get(fx, GDB_FX_FDP, 4),	  get(fx, GDB_FX_FOP, 2)};
	size_t off, size;
	int r = 0;

	memset(block, 0, gdb_regs_block_size(lm));
	for (int i = 0; i < NGPR(lm); i++, r++) {
		gdb_regs_slot(lm, r, &off, &size);
		put(block, off, gpr_get(&cpu->regs, lm, i), size);
	}
	gdb_regs_slot(lm, r++, &off, &size);
	put(block, off, cpu->regs.rflags, 4);
	for (int i = 0; i < 6; i++, r++) {
		gdb_regs_slot(lm, r, &off, &size);
		put(block, off, segs[i]->selector, 4);
	}
	for (int i = 0; i < 8; i++, r++) {
		gdb_regs_slot(lm, r, &off, &size);
		memcpy(block + off, fx + GDB_FX_ST + 16 * i, 10);
	}
	for (int i = 0; i < 8; i++, r++) {
		gdb_regs_slot(lm, r, &off, &size);
		put(block, off, fctl[i], 4);
	}
	for (int i = 0; i < NXMM(lm); i++, r++) {
		gdb_regs_slot(lm, r, &off, &size);
		memcpy(block + off, fx + GDB_FX_XMM + 16 * i, 16);
	}
	gdb_regs_slot(lm, r, &off, &size);
	memcpy(block + off, fx + GDB_FX_MXCSR, 4);
}

void gdb_regs_from_block(int lm, const uint8_t *block, struct gdb_cpu *cpu)
{
	uint8_t *fx = fx_area(cpu);
	size_t off, size;
	int r = 0;

	for (int i = 0; i < NGPR(lm); i++, r++) {
		gdb_regs_slot(lm, r, &off, &size);
		gpr_set(&cpu->regs, lm, i, get(block, off, size));
	}
	gdb_regs_slot(lm, r, &off, &size);
	/* bit 1 of EFLAGS always reads 1: keep it whatever gdb sends */
	cpu->regs.rflags = get(block, off, 4) | 2;
	r += 7; /* flags, then the selectors we leave alone */
	for (int i = 0; i < 8; i++, r++) {
		gdb_regs_slot(lm, r, &off, &size);
		memcpy(fx + GDB_FX_ST + 16 * i, block + off, 10);
	}
	gdb_regs_slot(lm, r++, &off, &size);
	memcpy(fx + GDB_FX_FCW, block + off, 2);
	gdb_regs_slot(lm, r++, &off, &size);
	memcpy(fx + GDB_FX_FSW, block + off, 2);
	gdb_regs_slot(lm, r++, &off, &size);
	fx[GDB_FX_FTW] = abridged_tag((uint16_t)get(block, off, 2));
	r += 5; /* fiseg, fioff, foseg, fooff, fop: the CPU's own record */
	for (int i = 0; i < NXMM(lm); i++, r++) {
		gdb_regs_slot(lm, r, &off, &size);
		memcpy(fx + GDB_FX_XMM + 16 * i, block + off, 16);
	}
	gdb_regs_slot(lm, r, &off, &size);
	memcpy(fx + GDB_FX_MXCSR, block + off, 4);
	/* x87 and SSE now hold what gdb wrote, not their reset state */
	fx[GDB_XSTATE_BV] |= 3;
}
