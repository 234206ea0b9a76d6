/* fuzz_pagewalk.c - libFuzzer harness for the software page walker
 * (pw_translate) against a reference model written here, level by level.
 *
 * Random control registers, CPUID facts, a random guest virtual address and
 * random guest RAM (1 to 16 pages, malloc'ed to exactly its size) holding
 * random "page tables". For each input both walkers translate the address
 * for all four accesses (read, write, user read, user write) and must agree
 * on everything: return value, GPA, fault kind, level, entry and its GPA.
 * Also checked: rights only ever take away (an access that succeeds
 * succeeds, at the same GPA, for every weaker access), a NULL fault pointer
 * changes nothing, and pw_fault_message formats every fault.
 *
 * Input (little-endian; a short input reads zeros):
 *   byte 0       bit 0 CR0.PE, 1 CR0.PG, 2 CR4.PAE, 3 EFER.LME+LMA,
 *                4 CR4.PSE, 5 CR0.WP, 6 EFER.NXE, 7 CR4.LA57
 *   byte 1       bit 0 1 GiB pages, 1 AMD, 2 fold entries (below),
 *                3 sign-extend the GVA from bit 47, 4 RAM ends 4 bytes
 *                short of its last page, 5 fold CR3
 *   byte 2       MAXPHYADDR as CPUID gives it (0..255)
 *   byte 3       RAM pages - 1, mod 16
 *   bytes 4-11   CR3
 *   bytes 12-19  GVA
 *   bytes 20-    RAM: these bytes, again and again until RAM is full
 *
 * Built with -DFUZZ_TRACE, prints each access's result on stderr.
 *
 * "Fold" makes random words into entries that point into RAM: each entry
 * (4 bytes in 32-bit paging, else 8) with bit 11 set (ignored by every
 * format) gets the page number in its address bits taken modulo (RAM
 * pages + 1), which still lets one in 17 point just past RAM; with bit 10
 * set too, bits 3-6, 8 and 52-63 are cleared, the usual reserved ones.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagewalk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER	  20u
#define PAGE	  4096u
#define MAX_PAGES 16u

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_pagewalk: %s:%d: %s\n",          \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* Bulk work on every byte of RAM is no coverage signal, and its comparisons
 * would cost most of each run: keep them out of libFuzzer's tracing. */
#if defined(__clang__)
#define NO_COVERAGE                                                            \
	__attribute__((noinline, no_sanitize("coverage", "address")))
#else
#define NO_COVERAGE
#endif

static uint64_t le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = bytes; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* --- the reference model ------------------------------------------------
 * Written from the rules (KVM's, which are the SDM's and the APM's but for
 * PSE-36 and the AMD bit 8), one mode at a time, with every mask spelled
 * out, sharing nothing with the walker but the result types. */

struct model {
	const uint8_t *ram;
	uint64_t ram_size;
	uint64_t cr0, cr3, cr4, efer;
	unsigned maxphy; /* raw CPUID byte */
	int gbpages, amd;
	unsigned access;
};

struct verdict {
	int ret;
	gpa_t gpa;
	struct pw_fault fault;
};

/* One entry on the path, for the rights check at the end. */
struct step {
	int level;
	uint64_t at, entry;
};

static unsigned model_maxphy(const struct model *m)
{
	if (m->maxphy == 0 || m->maxphy > 52)
		return 52;
	if (m->maxphy < 32)
		return 32;
	return m->maxphy;
}

/* Bits from..to, one at a time. */
static uint64_t bits(unsigned from, unsigned to)
{
	uint64_t mask = 0;

	for (unsigned b = from; b <= to; b++)
		mask |= 1ull << b;
	return mask;
}

static int model_read(const struct model *m, uint64_t at, unsigned len,
		      uint64_t *out)
{
	if (at >= m->ram_size || m->ram_size - at < len)
		return 0;
	*out = le(m->ram + at, len);
	return 1;
}

static struct verdict verdict_fault(int ret, enum pw_fault_kind kind, int level,
				    uint64_t at, uint64_t entry)
{
	struct verdict v = {ret, 0, {kind, (enum pw_level)level, at, entry}};

	return v;
}

static struct verdict unmapped(enum pw_fault_kind kind, int level, uint64_t at,
			       uint64_t entry)
{
	return verdict_fault(-EFAULT, kind, level, at, entry);
}

/* Reads one entry; 0 and the verdict when the walk stops there. */
static int model_entry(const struct model *m, int level, uint64_t at,
		       unsigned len, uint64_t rsvd_if_small,
		       uint64_t rsvd_if_large, struct step *step,
		       struct verdict *v)
{
	uint64_t e;

	if (!model_read(m, at, len, &e)) {
		*v = unmapped(PW_TABLE_OUTSIDE_RAM, level, at, 0);
		return 0;
	}
	if (!(e & 1)) {
		*v = unmapped(PW_NOT_PRESENT, level, at, e);
		return 0;
	}
	if (e & ((e & 0x80) ? rsvd_if_large : rsvd_if_small)) {
		*v = unmapped(PW_RESERVED, level, at, e);
		return 0;
	}
	*step = (struct step){level, at, e};
	return 1;
}

/* The rights of a finished path (top entry first), then the GPA. */
static struct verdict model_rights(const struct model *m,
				   const struct step *path, int n, gpa_t gpa)
{
	int user = (m->access & PW_USER) != 0;
	int write = (m->access & PW_WRITE) != 0;
	int wp = (m->cr0 & (1u << 16)) != 0;

	for (int i = 0; user && i < n; i++)
		if (!(path[i].entry & 4))
			return verdict_fault(-EACCES, PW_NOT_USER,
					     path[i].level, path[i].at,
					     path[i].entry);
	for (int i = 0; write && (user || wp) && i < n; i++)
		if (!(path[i].entry & 2))
			return verdict_fault(-EACCES, PW_NOT_WRITABLE,
					     path[i].level, path[i].at,
					     path[i].entry);
	return (struct verdict){0, gpa, {PW_OK, PW_LEVEL_NONE, 0, 0}};
}

static struct verdict model_32(const struct model *m, uint32_t va)
{
	struct step path[2];
	struct verdict v;
	int pse = (m->cr4 & 0x10) != 0;
	uint64_t pd = m->cr3 & 0xfffff000u, pde, pt;

	/* 32-bit: nothing reserved but bits 17-21 of a 4 MiB PDE */
	if (!model_entry(m, 2, pd + (va >> 22) * 4, 4, 0, pse ? 0x3e0000 : 0,
			 &path[0], &v))
		return v;
	pde = path[0].entry;
	if (pse && (pde & 0x80)) {
		gpa_t gpa = (pde & 0xffc00000u) | ((pde >> 13) & 0xf) << 32 |
			    (va & 0x3fffff);
		return model_rights(m, path, 1, gpa);
	}
	pt = pde & 0xfffff000u;
	if (!model_entry(m, 1, pt + ((va >> 12) & 0x3ff) * 4, 4, 0, 0, &path[1],
			 &v))
		return v;
	return model_rights(m, path, 2,
			    (path[1].entry & 0xfffff000u) | (va & 0xfff));
}

static struct verdict model_pae(const struct model *m, uint32_t va)
{
	struct step path[2], pdpte;
	struct verdict v;
	uint64_t nx = (m->efer & 0x800) ? 0 : 1ull << 63;
	uint64_t hi = bits(model_maxphy(m), 62) | nx;
	uint64_t pdpte_rsvd = bits(model_maxphy(m), 63) | 0x1e6;
	uint64_t addr = 0x000ffffffffff000ull;

	if (!model_entry(m, 3, (m->cr3 & 0xffffffe0u) + (va >> 30) * 8, 8,
			 pdpte_rsvd, pdpte_rsvd, &pdpte, &v))
		return v;
	if (!model_entry(m, 2, (pdpte.entry & addr) + ((va >> 21) & 0x1ff) * 8,
			 8, hi, hi | 0x1fe000, &path[0], &v))
		return v;
	if (path[0].entry & 0x80)
		return model_rights(m, path, 1,
				    (path[0].entry & 0x000fffffffe00000ull) |
					    (va & 0x1fffff));
	if (!model_entry(m, 1,
			 (path[0].entry & addr) + ((va >> 12) & 0x1ff) * 8, 8,
			 hi, hi, &path[1], &v))
		return v;
	return model_rights(m, path, 2, (path[1].entry & addr) | (va & 0xfff));
}

static struct verdict model_long(const struct model *m, uint64_t va)
{
	struct step path[4];
	struct verdict v;
	uint64_t nx = (m->efer & 0x800) ? 0 : 1ull << 63;
	uint64_t hi = bits(model_maxphy(m), 51) | nx;
	uint64_t addr = 0x000ffffffffff000ull, top = va >> 47;
	uint64_t pml4e_rsvd = hi | 0x80 | (m->amd ? 0x100 : 0);
	uint64_t gb_rsvd = m->gbpages ? hi | 0x3fffe000 : ~0ull;

	if (m->cr4 & (1u << 12))
		return verdict_fault(-EOPNOTSUPP, PW_UNSUPPORTED, 0, 0, 0);
	if (top != 0 && top != 0x1ffff)
		return unmapped(PW_NON_CANONICAL, 0, 0, 0);
	if (!model_entry(m, 4, (m->cr3 & addr) + ((va >> 39) & 0x1ff) * 8, 8,
			 pml4e_rsvd, pml4e_rsvd, &path[0], &v))
		return v;
	if (!model_entry(m, 3,
			 (path[0].entry & addr) + ((va >> 30) & 0x1ff) * 8, 8,
			 hi, gb_rsvd, &path[1], &v))
		return v;
	if (path[1].entry & 0x80)
		return model_rights(m, path, 2,
				    (path[1].entry & 0x000fffffc0000000ull) |
					    (va & 0x3fffffff));
	if (!model_entry(m, 2,
			 (path[1].entry & addr) + ((va >> 21) & 0x1ff) * 8, 8,
			 hi, hi | 0x1fe000, &path[2], &v))
		return v;
	if (path[2].entry & 0x80)
		return model_rights(m, path, 3,
				    (path[2].entry & 0x000fffffffe00000ull) |
					    (va & 0x1fffff));
	if (!model_entry(m, 1,
			 (path[2].entry & addr) + ((va >> 12) & 0x1ff) * 8, 8,
			 hi, hi, &path[3], &v))
		return v;
	return model_rights(m, path, 4, (path[3].entry & addr) | (va & 0xfff));
}

static struct verdict model_translate(const struct model *m, uint64_t va)
{
	int pe = m->cr0 & 1, pg = (m->cr0 >> 31) & 1;
	int pae = (m->cr4 >> 5) & 1, lma = (m->efer >> 10) & 1;

	if ((pg && !pe) || (lma && !(pg && pae)))
		return verdict_fault(-EINVAL, PW_BAD_REGS, 0, 0, 0);
	if (lma)
		return model_long(m, va);
	if (!pg)
		return (struct verdict){0, (uint32_t)va, {PW_OK, 0, 0, 0}};
	return pae ? model_pae(m, (uint32_t)va) : model_32(m, (uint32_t)va);
}

/* --- the input ------------------------------------------------------------
 */

NO_COVERAGE static void fill_ram(uint8_t *ram, uint64_t ram_size,
				 const uint8_t *src, size_t len)
{
	uint64_t filled = len < ram_size ? len : ram_size;

	if (!len) {
		memset(ram, 0, ram_size);
		return;
	}
	/* Tile by doubling: what is filled is a whole number of copies. */
	memcpy(ram, src, filled);
	while (filled < ram_size) {
		uint64_t n =
			filled < ram_size - filled ? filled : ram_size - filled;

		memcpy(ram + filled, ram, n);
		filled += n;
	}
}

/* See "fold" at the top. */
static uint64_t fold(uint64_t e, uint64_t keep, unsigned pages)
{
	e = (e & keep) | ((e >> 12) % (pages + 1)) << 12;
	return (e & 0x400) ? e & ~0xfff0000000000178ull : e;
}

NO_COVERAGE static void fold_entries(uint8_t *ram, uint64_t ram_size,
				     unsigned esize, unsigned pages)
{
	for (uint64_t at = 0; at + esize <= ram_size; at += esize) {
		uint32_t e32;
		uint64_t e64;

		if (esize == 4) {
			memcpy(&e32, ram + at, 4);
			if (e32 & 0x800) {
				e32 = (uint32_t)fold(e32, 0xfff, pages);
				memcpy(ram + at, &e32, 4);
			}
		} else {
			memcpy(&e64, ram + at, 8);
			if (e64 & 0x800) {
				e64 = fold(e64, 0xfff0000000000fffull, pages);
				memcpy(ram + at, &e64, 8);
			}
		}
	}
}

static void print_verdict(const char *who, const struct verdict *v)
{
	fprintf(stderr,
		"  %s: ret %d gpa 0x%" PRIx64 " kind %d (%s) level %s "
		"entry 0x%" PRIx64 " at 0x%" PRIx64 "\n",
		who, v->ret, v->gpa, v->fault.kind,
		pw_fault_name(v->fault.kind), pw_level_name(v->fault.level),
		v->fault.entry, v->fault.entry_gpa);
}

static int same(const struct verdict *a, const struct verdict *b)
{
	if (a->ret != b->ret)
		return 0;
	if (a->ret == 0)
		return a->gpa == b->gpa;
	return a->fault.kind == b->fault.kind &&
	       a->fault.level == b->fault.level &&
	       a->fault.entry_gpa == b->fault.entry_gpa &&
	       a->fault.entry == b->fault.entry;
}

/* One access through both walkers; aborts on any difference. */
static struct verdict check_access(const struct guest_mem *mem,
				   const struct pw_regs *regs, struct model *m,
				   uint64_t gva, unsigned access)
{
	struct verdict got = {0}, want;
	struct errbuf err;
	gpa_t gpa2 = 0;

	m->access = access;
	want = model_translate(m, gva);
	got.ret = pw_translate(mem, regs, gva, access, &got.gpa, &got.fault);
	if (!same(&got, &want)) {
		fprintf(stderr,
			"fuzz_pagewalk: walker and model disagree: GVA "
			"0x%" PRIx64 " access %u CR0 0x%" PRIx64
			" CR3 0x%" PRIx64 " CR4 0x%" PRIx64 " EFER 0x%" PRIx64
			" MAXPHYADDR %u gbpages %d amd %d RAM %" PRIu64 "\n",
			gva, access, regs->cr0, regs->cr3, regs->cr4,
			regs->efer, regs->cpu.maxphyaddr, regs->cpu.gbpages,
			regs->cpu.amd, mem->size);
		print_verdict("walker", &got);
		print_verdict("model ", &want);
		abort();
	}
#ifdef FUZZ_TRACE
	fprintf(stderr, "GVA 0x%" PRIx64 " access %u: ", gva, access);
	if (got.ret == 0)
		fprintf(stderr, "GPA 0x%" PRIx64 "\n", got.gpa);
	else if (pw_fault_message(&got.fault, gva, &err) < 0)
		fprintf(stderr, "%d %s\n", got.ret, err.msg);
#endif
	CHECK(pw_translate(mem, regs, gva, access, &gpa2, NULL) == got.ret);
	CHECK(got.ret != 0 || gpa2 == got.gpa);
	CHECK(pw_fault_message(&got.fault, gva, &err) == got.ret);
	return got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t head[HEADER] = {0};
	struct verdict v[4];
	struct guest_mem mem;
	struct pw_regs regs;
	struct model m;
	unsigned pages;
	uint64_t gva;

	memcpy(head, data, size < HEADER ? size : HEADER);
	pages = head[3] % MAX_PAGES + 1;
	mem.size = (uint64_t)pages * PAGE - ((head[1] & 0x10) ? 4 : 0);
	mem.host = malloc(mem.size);
	CHECK(mem.host);
	fill_ram(mem.host, mem.size, data + (size < HEADER ? size : HEADER),
		 size < HEADER ? 0 : size - HEADER);

	regs.cr0 = (head[0] & 1) | (head[0] & 2 ? 1ull << 31 : 0) |
		   (head[0] & 0x20 ? 1ull << 16 : 0);
	regs.cr4 = (head[0] & 4 ? 0x20 : 0) | (head[0] & 0x10 ? 0x10 : 0) |
		   (head[0] & 0x80 ? 1ull << 12 : 0);
	regs.efer = (head[0] & 8 ? 0x500 : 0) | (head[0] & 0x40 ? 0x800 : 0);
	regs.cr3 = le(head + 4, 8);
	regs.cpu = (struct pw_cpu){head[2], head[1] & 1, (head[1] >> 1) & 1};
	gva = le(head + 12, 8);
	if (head[1] & 0x08)
		gva = (gva & 0x0000ffffffffffffull) |
		      (gva & (1ull << 47) ? 0xffff000000000000ull : 0);
	if (head[1] & 0x20)
		regs.cr3 = (regs.cr3 & 0xfff) | ((regs.cr3 >> 12) % (pages + 1))
							<< 12;
	if (head[1] & 0x04)
		fold_entries(mem.host, mem.size,
			     (regs.cr4 & 0x20) || (regs.efer & 0x400) ? 8 : 4,
			     pages);

	m = (struct model){mem.host,	 mem.size,  regs.cr0, regs.cr3,
			   regs.cr4,	 regs.efer, head[2],  regs.cpu.gbpages,
			   regs.cpu.amd, 0};
	for (unsigned access = 0; access < 4; access++)
		v[access] = check_access(&mem, &regs, &m, gva, access);
	/* Rights only take away: what a stronger access got, a weaker one
	 * gets too, at the same GPA. */
	for (unsigned strong = 0; strong < 4; strong++)
		for (unsigned weak = 0; weak < 4; weak++)
			if ((weak & strong) == weak && v[strong].ret == 0)
				CHECK(v[weak].ret == 0 &&
				      v[weak].gpa == v[strong].gpa);
	free(mem.host);
	return 0;
}
