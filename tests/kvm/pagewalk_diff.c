/* pagewalk_diff.c - the software page walker (pw_translate) against
 * KVM_TRANSLATE on a real /dev/kvm, over random page tables in every mode.
 *
 *   pagewalk_diff [--seed N] [--rounds N] [-v]
 *
 * For each paging mode: fill guest RAM with random tables (a seeded mix of
 * tables, 4 KiB, large and 1 GiB pages, entries not present, with reserved
 * bits, pointing outside RAM, or into random and shared tables), load the
 * control registers with KVM_SET_SREGS (the vCPU never runs), then ask both
 * about every page the tables map, a few pages of every large page and
 * unmapped range, and random addresses. They must give the same verdict and
 * the same GPA. KVM_TRANSLATE is a supervisor read and checks no rights, so
 * the walker is asked for that. Prints TAP; exits 1 on any disagreement, 2
 * when no VM could be made. A mode this KVM cannot enter (kvm_pvm drops
 * CR0.PG outside long mode) is an "ok - # SKIP" line, not a failure.
 *
 * Known and intended differences, not compared: KVM_TRANSLATE with paging
 * off returns any 64-bit address as is (the walker wraps at 4 GiB, as the
 * CPU does), and it translates non-canonical addresses in long mode (the
 * walker refuses them, as the CPU does).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "cpu_mode.h"
#include "kvm.h"
#include "pagewalk.h"
#include "vm.h"

#define RAM_SIZE   (4ull << 20)
#define PAGE	   4096ull
#define RAM_PAGES  (RAM_SIZE / PAGE)
#define MAX_TABLES 48 /* tables built per round, at most */
#define GARBAGE	   4  /* pages of random words that rogue entries reach */
#define SHOW_MAX   5  /* disagreements printed in full */
#define EFER_NXE   (1ull << 11)

/* --- a small seeded generator (splitmix64) -------------------------------
 */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static int chance(struct rng *r, unsigned percent)
{
	return below(r, 100) < percent;
}

/* --- the modes -------------------------------------------------------------
 */

enum paging { OFF_REAL, OFF_PROTECTED, PAGED32, PAE, LONG4 };

struct mode_case {
	const char *name;
	enum paging paging;
	int pse; /* CR4.PSE for 32-bit paging */
};

static const struct mode_case cases[] = {
	{"real mode, paging off", OFF_REAL, 0},
	{"protected mode, paging off", OFF_PROTECTED, 0},
	{"32-bit paging, 4 KiB and 4 MiB pages", PAGED32, 1},
	{"32-bit paging without CR4.PSE (PS ignored)", PAGED32, 0},
	{"PAE paging, 4 KiB and 2 MiB pages", PAE, 0},
	{"4-level paging, 4 KiB, 2 MiB and 1 GiB pages", LONG4, 0},
};

/* What the generator makes, and the addresses it wants checked. */
struct gen {
	struct rng *rng;
	const struct guest_mem *mem;
	const struct pw_cpu *cpu;
	enum paging paging;
	int pse, nxe;
	unsigned esize, bits; /* entry bytes, index bits a level */
	uint32_t pool[RAM_PAGES];
	unsigned pool_next;
	gpa_t tables[MAX_TABLES], garbage[GARBAGE], pdpt;
	unsigned ntables;
	uint64_t *gvas;
	size_t ngvas, cap;
};

static unsigned maxphy(const struct gen *g)
{
	unsigned m = g->cpu->maxphyaddr;

	return m == 0 || m > 52 ? 52 : m;
}

static unsigned level_shift(const struct gen *g, unsigned level)
{
	return 12 + g->bits * (level - 1);
}

static unsigned level_slots(const struct gen *g, unsigned level)
{
	return g->paging == PAE && level == 3 ? 4 : 1u << g->bits;
}

static int large_allowed(const struct gen *g, unsigned level)
{
	if (g->paging == PAGED32)
		return level == 2 && g->pse;
	if (g->paging == PAE)
		return level == 2;
	return level == 2 || (level == 3 && g->cpu->gbpages);
}

static void add_gva(struct gen *g, uint64_t gva)
{
	if (g->paging == LONG4 && (gva & (1ull << 47)))
		gva |= 0xffff000000000000ull;
	if (g->ngvas == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 4096;
		g->gvas = realloc(g->gvas, g->cap * sizeof(*g->gvas));
		if (!g->gvas) {
			perror("pagewalk_diff: realloc");
			exit(2);
		}
	}
	g->gvas[g->ngvas++] = gva;
}

/* The first, the last and a random page of a range, at random offsets. */
static void add_range(struct gen *g, uint64_t base, uint64_t span)
{
	add_gva(g, base + below(g->rng, PAGE));
	if (span <= PAGE)
		return;
	add_gva(g, base + span - PAGE + below(g->rng, PAGE));
	add_gva(g, base + below(g->rng, span));
}

static gpa_t alloc_page(struct gen *g)
{
	return (gpa_t)g->pool[g->pool_next++] * PAGE;
}

static void put_entry(struct gen *g, gpa_t table, unsigned i, uint64_t e)
{
	int ret = g->esize == 4
			  ? gmem_write_u32(g->mem, table + i * 4, (uint32_t)e)
			  : gmem_write_u64(g->mem, table + i * 8, e);

	if (ret) {
		fprintf(stderr,
			"pagewalk_diff: table 0x%" PRIx64 " not in RAM\n",
			table);
		exit(2);
	}
}

static uint64_t random_bit_of(struct rng *r, uint64_t mask)
{
	unsigned n = (unsigned)__builtin_popcountll(mask), pick;

	if (!n)
		return 0;
	pick = (unsigned)below(r, n);
	for (unsigned b = 0; b < 64; b++)
		if ((mask >> b & 1) && pick-- == 0)
			return 1ull << b;
	return 0;
}

/* The reserved bits that say something about the format (PS where no
 * page can be, AMD's bit 8, a large page's low address bits, NX without
 * EFER.NXE, PSE-36's bits 17..21), without MAXPHYADDR's high bits. */
static uint64_t format_reserved(const struct gen *g, unsigned level, int large)
{
	uint64_t mask = 0;

	if (g->paging == PAGED32)
		return level == 2 && large && g->pse ? 0x3e0000 : 0;
	if (!g->nxe)
		mask |= 1ull << 63;
	if (level == 4)
		mask |= 0x80 | (g->cpu->amd ? 0x100 : 0);
	if (level == 3 && large)
		mask |= 0x3fffe000ull | (g->cpu->gbpages ? 0 : 0x80);
	if (level == 2 && large)
		mask |= 0x1fe000;
	return mask;
}

/* One bit that KVM calls reserved in an entry of this level and kind, or 0:
 * half the time one of the format's own, else any. */
static uint64_t reserved_bit(struct gen *g, unsigned level, int large)
{
	uint64_t format = format_reserved(g, level, large), all = format;

	if (g->paging != PAGED32)
		for (unsigned b = maxphy(g);
		     b <= (g->paging == PAE ? 62u : 51u); b++)
			all |= 1ull << b;
	return random_bit_of(g->rng,
			     format && chance(g->rng, 50) ? format : all);
}

/* Flag bits that change nothing for a supervisor read, at random. */
static uint64_t random_flags(struct gen *g, unsigned level, int large)
{
	uint64_t f = rnd(g->rng);
	uint64_t keep = 0x7e | 0xe00; /* R/W U/S PWT PCD A D, AVL 9-11 */

	if (g->paging == PAE && level == 3)
		return f & 0xe18; /* a PDPTE: PWT, PCD, AVL only */
	if (!(level == 4 && g->cpu->amd))
		keep |= 0x100; /* G, ignored above the leaf */
	if (large)
		keep |= 0x1000; /* PAT of a large page */
	if (g->paging == LONG4 && chance(g->rng, 25))
		keep |= 0x7ff0000000000000ull; /* ignored in long mode */
	if (g->paging != PAGED32 && g->nxe)
		keep |= 1ull << 63;
	return f & keep;
}

/* A page frame for a leaf of span bytes: in RAM, just past it, or far. */
static uint64_t random_frame(struct gen *g, uint64_t span)
{
	unsigned limit =
		g->paging == PAGED32 ? (span > PAGE ? 36 : 32) : maxphy(g);
	uint64_t top = 1ull << limit, at;

	switch (below(g->rng, 4)) {
	case 0:
	case 1:
		at = below(g->rng, RAM_SIZE);
		break;
	case 2:
		at = RAM_SIZE + below(g->rng, 0x100000000ull - RAM_SIZE);
		break;
	default:
		at = below(g->rng, top);
	}
	return at & ~(span - 1);
}

/* A 32-bit 4 MiB PDE keeps physical bits 32..35 in bits 13..16. */
static uint64_t large_entry(struct gen *g, unsigned level, uint64_t span)
{
	uint64_t frame = random_frame(g, span);

	if (g->paging == PAGED32)
		frame = (frame & 0xffc00000u) | ((frame >> 32) & 0xf) << 13;
	return frame | random_flags(g, level, 1) | 0x81;
}

static gpa_t build_table(struct gen *g, unsigned level, uint64_t base);

/* A pointer to a table nobody built for this place: garbage, or another
 * table (sharing, loops). Never the PAE PDPT: KVM caches it at CR3 load. */
static gpa_t rogue_table(struct gen *g)
{
	if (g->ntables && chance(g->rng, 50))
		return g->tables[below(g->rng, g->ntables)];
	return g->garbage[below(g->rng, GARBAGE)];
}

static int can_build(const struct gen *g)
{
	/* 32-bit tables have twice the slots: half as many of them */
	unsigned max = g->paging == PAGED32 ? MAX_TABLES / 2 : MAX_TABLES;

	return g->ntables < max && g->pool_next < RAM_PAGES;
}

/*
 * An entry with one reserved bit: a large page, or a pointer to a real
 * subtree built for base, so that a walker that missed the bit would find
 * pages where KVM finds none. Never in a PAE PDPTE: KVM would refuse to
 * load it and keep stale ones.
 */
static uint64_t reserved_entry(struct gen *g, unsigned level, uint64_t base,
			       int *recursed)
{
	int large = large_allowed(g, level) ||
		    (g->paging == LONG4 && level == 3); /* PS without 1 GiB */
	int as_large = large && chance(g->rng, 50);
	uint64_t bit = reserved_bit(g, level, as_large), to;

	if (!bit || (g->paging == PAE && level == 3))
		return rnd(g->rng) & ~1ull;
	if (as_large)
		return random_frame(g, 1ull << level_shift(g, level)) | 0x80 |
		       random_flags(g, level, 1) | bit | 1;
	*recursed = can_build(g) ? 2 : 0; /* 2: no source for a mirror */
	to = *recursed ? build_table(g, level - 1, base) : rogue_table(g);
	return to | random_flags(g, level, 0) | bit | 1;
}

/* One non-empty entry above the PTE level; *recursed is 1 when it leads
 * to a subtree built for base, 2 when that subtree is behind a reserved
 * bit, else 0. */
static uint64_t upper_entry(struct gen *g, unsigned level, uint64_t base,
			    int *recursed)
{
	uint64_t span = 1ull << level_shift(g, level), e,
		 r = below(g->rng, 100);

	*recursed = 0;
	if (r < 45 && can_build(g)) {
		*recursed = 1;
		e = build_table(g, level - 1, base) | random_flags(g, level, 0);
		/* without CR4.PSE the PS bit of a PDE means nothing */
		if (g->paging == PAGED32 && !g->pse && chance(g->rng, 50))
			e |= 0x80;
		return e | 1;
	}
	/* 1 GiB pages too where CPUID has none: KVM calls their PS reserved */
	if (r < 65 &&
	    (large_allowed(g, level) || (g->paging == LONG4 && level == 3)))
		return large_entry(g, level, span);
	if (r < 73) /* a table outside RAM */
		return ((RAM_SIZE + below(g->rng, 0xf0000000ull)) &
			~(PAGE - 1)) |
		       random_flags(g, level, 0) | 1;
	if (r < 85 && !(g->paging == PAE && level == 3))
		return rogue_table(g) | random_flags(g, level, 0) | 1;
	if (r < 95)
		return reserved_entry(g, level, base, recursed);
	return rnd(g->rng) & ~1ull; /* not present, other bits random */
}

/* One PTE: mostly a page, else not present or with a reserved bit. */
static uint64_t pte_entry(struct gen *g)
{
	uint64_t r = below(g->rng, 100), bit;

	if (r < 80)
		return random_frame(g, PAGE) | random_flags(g, 1, 0) |
		       (rnd(g->rng) & 0x80) | 1;
	bit = reserved_bit(g, 1, 0);
	if (r < 90 && bit)
		return random_frame(g, PAGE) | random_flags(g, 1, 0) | bit | 1;
	return rnd(g->rng) & ~1ull;
}

static unsigned top_level(const struct gen *g)
{
	return g->paging == LONG4 ? 4 : g->paging == PAE ? 3 : 2;
}

/* How many slots of a table to fill, in percent: most of a page table,
 * all four PDPTEs, more of the root (the only place its reserved bits can
 * be tried) than of the tables between. */
static unsigned slot_percent(const struct gen *g, unsigned level)
{
	if (level == 1)
		return 60;
	if (g->paging == PAE)
		return level == 3 ? 90 : 2;
	return level == top_level(g) ? 6 : 2;
}

/*
 * A table for the range at base, level levels above the pages: a few
 * slots filled (most in a page table), the rest empty. Every slot's range
 * gets addresses to check but for those that lead to a table built here,
 * whose own slots do.
 */
/* A subtree built under one slot, and the addresses it asked for. */
struct subtree {
	unsigned slot;
	uint64_t entry;
	size_t from, to; /* its part of g->gvas */
};

/*
 * Copies an entry that leads to a subtree into an empty slot, with one
 * reserved bit added, and asks for the subtree's addresses there too: a
 * walker that missed the bit would find pages where KVM finds none.
 */
static void mirror_reserved(struct gen *g, gpa_t table, unsigned level,
			    uint64_t base, const struct subtree *sub)
{
	unsigned shift = level_shift(g, level);
	unsigned slot = (unsigned)below(g->rng, level_slots(g, level));
	uint64_t bit = reserved_bit(g, level, 0), old = 1, mask;
	size_t step = (sub->to - sub->from) / 64 + 1;

	if (g->esize == 8)
		gmem_read_u64(g->mem, table + slot * 8, &old);
	if (!bit || old)
		return;
	put_entry(g, table, slot, sub->entry | bit);
	mask = (1ull << shift) - 1;
	for (size_t i = sub->from; i < sub->to; i += step)
		add_gva(g,
			base + ((uint64_t)slot << shift) + (g->gvas[i] & mask));
}

/*
 * A table for the range at base, level levels above the pages: a few
 * slots filled (most in a page table), the rest empty. Every slot's range
 * gets addresses to check but for those that lead to a table built here,
 * whose own slots do.
 */
static gpa_t build_table(struct gen *g, unsigned level, uint64_t base)
{
	gpa_t table = alloc_page(g);
	unsigned slots = level_slots(g, level), shift = level_shift(g, level);
	unsigned percent = slot_percent(g, level);
	struct subtree sub = {0};
	unsigned nsub = 0;

	if (!(g->paging == PAE && level == 3))
		g->tables[g->ntables++] = table;
	for (unsigned i = 0; i < slots; i++) {
		uint64_t at = base + ((uint64_t)i << shift), e = 0;
		size_t from = g->ngvas;
		int recursed = 0;

		if (chance(g->rng, percent))
			e = level == 1 ? pte_entry(g)
				       : upper_entry(g, level, at, &recursed);
		else if (chance(g->rng, 10))
			e = rnd(g->rng) & ~1ull;
		put_entry(g, table, i, e);
		if (!e) /* one address says enough of an empty range */
			add_gva(g, at + below(g->rng, 1ull << shift));
		else if (!recursed)
			add_range(g, at, 1ull << shift);
		else if (recursed == 1 && below(g->rng, ++nsub) == 0)
			sub = (struct subtree){i, e, from, g->ngvas}; /* any */
	}
	/* The root is the only place to try its reserved bits: thrice. */
	for (unsigned k = level == top_level(g) ? 3 : chance(g->rng, 50);
	     nsub && k > 0 && !(g->paging == PAE && level == 3); k--)
		mirror_reserved(g, table, level, base, &sub);
	return table;
}

/* Pages of random words, a third of them plausible entries into RAM, but
 * never into the PAE PDPT page: KVM would set accessed bits (reserved in a
 * PDPTE) there that its cached PDPTEs never see. */
static void fill_garbage(struct gen *g)
{
	gpa_t pdpt_page = g->paging == PAE ? g->pdpt & ~(PAGE - 1) : ~0ull;

	for (unsigned k = 0; k < GARBAGE; k++) {
		for (unsigned i = 0; i < PAGE / g->esize; i++) {
			uint64_t e = rnd(g->rng);
			gpa_t to = below(g->rng, RAM_SIZE) & ~(PAGE - 1);

			if (chance(g->rng, 33) && to != pdpt_page)
				e = to | (e & 0xfff);
			put_entry(g, g->garbage[k], i, e);
		}
	}
}

static void shuffle_pool(struct gen *g)
{
	for (unsigned i = 0; i < RAM_PAGES; i++)
		g->pool[i] = i;
	for (unsigned i = RAM_PAGES - 1; i > 0; i--) {
		unsigned j = (unsigned)below(g->rng, i + 1), t = g->pool[i];

		g->pool[i] = g->pool[j];
		g->pool[j] = t;
	}
	g->pool_next = 0;
	g->ntables = 0;
}

/* Random addresses anywhere the mode can name, and in paging modes some
 * with bits above 31 that 32-bit modes must ignore. */
static void add_random(struct gen *g, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t gva = rnd(g->rng);

		if (g->paging == LONG4)
			gva &= 0xffffffffffffull;
		else if (g->paging <= OFF_PROTECTED || !chance(g->rng, 10))
			gva &= 0xffffffffull;
		add_gva(g, gva);
	}
}

/* PAE: CR3 may point at any 32-byte slot of a page: move the four. */
static gpa_t place_pdpt(struct gen *g, gpa_t page)
{
	gpa_t at = page + 32 * below(g->rng, PAGE / 32);

	if (at != page) {
		memcpy(g->mem->host + at, g->mem->host + page, 32);
		memset(g->mem->host + page, 0, 32);
	}
	return at;
}

/* Builds a round's tables and returns CR3 (0 with paging off). */
static uint64_t build_round(struct gen *g)
{
	gpa_t root;

	memset(g->mem->host, 0, g->mem->size);
	g->ngvas = 0;
	shuffle_pool(g);
	g->esize = g->paging == PAGED32 ? 4 : 8;
	g->bits = g->paging == PAGED32 ? 10 : 9;
	if (g->paging <= OFF_PROTECTED) {
		for (uint64_t a = 0; a < RAM_SIZE + 64 * PAGE; a += PAGE)
			add_gva(g, a + below(g->rng, PAGE));
		add_random(g, 2000);
		return 0;
	}
	for (unsigned k = 0; k < GARBAGE; k++)
		g->garbage[k] = alloc_page(g);
	add_random(g, 1000);
	if (g->paging == PAE)
		root = g->pdpt = place_pdpt(g, build_table(g, 3, 0));
	else
		root = build_table(g, top_level(g), 0);
	fill_garbage(g);
	return root | (rnd(g->rng) & 0x18); /* PWT, PCD */
}

/* --- control registers -----------------------------------------------------
 */

/* The sregs of a mode, from the mode setup (segments a KVM accepts). */
static int mode_sregs(struct vm *vm, const struct mode_case *mc,
		      struct kvm_sregs *s, struct errbuf *err)
{
	enum cpu_mode cm = mc->paging == OFF_REAL ? CPU_MODE_REAL
			   : mc->paging == LONG4  ? CPU_MODE_LONG
						  : CPU_MODE_PROTECTED;
	int ret = vcpu_get_sregs(&vm->vcpu, s, err);

	if (!ret)
		ret = cpu_mode_prepare(&vm->mem, cm, s, err);
	return ret;
}

static void round_regs(struct gen *g, struct kvm_sregs *s, uint64_t cr3)
{
	uint64_t cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE;

	if (chance(g->rng, 50))
		cr0 |= CR0_WP;
	s->cr3 = cr3;
	s->cr4 = 0;
	s->efer = g->nxe ? EFER_NXE : 0;
	switch (g->paging) {
	case OFF_REAL:
		s->cr0 = CR0_ET | CR0_NE;
		s->efer = 0;
		return;
	case OFF_PROTECTED:
		s->cr0 = cr0;
		return;
	case PAGED32:
		s->cr4 = g->pse ? CR4_PSE : 0;
		break;
	case PAE:
		s->cr4 = CR4_PAE | (chance(g->rng, 50) ? CR4_PSE : 0);
		break;
	case LONG4:
		s->cr4 = CR4_PAE;
		s->efer |= EFER_LME | EFER_LMA;
		break;
	}
	s->cr0 = cr0 | CR0_PG;
}

/* Loads sregs; 1 when this KVM kept every bit that selects the paging
 * mode, 0 (with why) when it dropped some, -1 on an error. */
static int load_regs(struct vcpu *vcpu, const struct kvm_sregs *want,
		     struct kvm_sregs *got, char *why, size_t len)
{
	const uint64_t cr0_bits = CR0_PE | CR0_PG | CR0_WP;
	const uint64_t cr4_bits = CR4_PSE | CR4_PAE;
	const uint64_t efer_bits = EFER_LME | EFER_LMA | EFER_NXE;
	struct errbuf err;

	if (vcpu_set_sregs(vcpu, want, &err)) {
		snprintf(why, len, "%s", err.msg);
		return 0;
	}
	if (vcpu_get_sregs(vcpu, got, &err)) {
		snprintf(why, len, "%s", err.msg);
		return -1;
	}
	if ((got->cr0 ^ want->cr0) & cr0_bits ||
	    (got->cr4 ^ want->cr4) & cr4_bits ||
	    (got->efer ^ want->efer) & efer_bits || got->cr3 != want->cr3) {
		snprintf(why, len,
			 "KVM kept CR0=0x%llx CR3=0x%llx CR4=0x%llx "
			 "EFER=0x%llx of CR0=0x%llx CR3=0x%llx CR4=0x%llx "
			 "EFER=0x%llx",
			 got->cr0, got->cr3, got->cr4, got->efer, want->cr0,
			 want->cr3, want->cr4, want->efer);
		return 0;
	}
	return 1;
}

/* --- comparing -------------------------------------------------------------
 */

/* One disagreement, kept to be shown after the verdict line. */
struct mismatch {
	struct pw_regs regs;
	uint64_t gva, kgpa;
	gpa_t wgpa;
	struct pw_fault fault;
	int wret, kret;
};

struct tally {
	uint64_t checked, valid, disagree;
	uint64_t kinds[PW_BAD_REGS + 1];
	struct mismatch shown[SHOW_MAX];
};

/* Addresses where KVM_TRANSLATE's answer differs from a CPU's on purpose. */
static int comparable(enum paging paging, uint64_t gva)
{
	uint64_t top = gva >> 47;

	if (paging <= OFF_PROTECTED)
		return gva <= 0xffffffffull;
	if (paging == LONG4)
		return top == 0 || top == 0x1ffff;
	return 1;
}

static void show(const struct mismatch *m)
{
	struct errbuf err;

	printf("#   GVA 0x%" PRIx64 " with CR0=0x%" PRIx64 " CR3=0x%" PRIx64
	       " CR4=0x%" PRIx64 " EFER=0x%" PRIx64 "\n",
	       m->gva, m->regs.cr0, m->regs.cr3, m->regs.cr4, m->regs.efer);
	if (m->wret == 0)
		printf("#     walker: GPA 0x%" PRIx64 "\n", m->wgpa);
	else if (pw_fault_message(&m->fault, m->gva, &err) < 0)
		printf("#     walker: %s\n", err.msg);
	if (m->kret == 0)
		printf("#     KVM_TRANSLATE: GPA 0x%" PRIx64 "\n", m->kgpa);
	else
		printf("#     KVM_TRANSLATE: not valid\n");
}

/* Both translators on every address of the round; -1 when KVM_TRANSLATE
 * itself fails. */
static int compare_round(struct vm *vm, const struct gen *g,
			 const struct pw_regs *regs, struct tally *t)
{
	for (size_t i = 0; i < g->ngvas; i++) {
		uint64_t gva = g->gvas[i], kgpa = 0;
		gpa_t wgpa = 0;
		struct pw_fault f;
		int wret, kret;

		if (!comparable(g->paging, gva))
			continue;
		wret = pw_translate(&vm->mem, regs, gva, 0, &wgpa, &f);
		kret = vcpu_translate(&vm->vcpu, gva, &kgpa);
		if (kret && kret != -EFAULT) {
			printf("#   KVM_TRANSLATE of 0x%" PRIx64 ": %s\n", gva,
			       strerror(-kret));
			return -1;
		}
		t->checked++;
		t->kinds[f.kind]++;
		t->valid += wret == 0;
		if ((wret == 0) != (kret == 0) || (wret == 0 && wgpa != kgpa)) {
			if (t->disagree < SHOW_MAX)
				t->shown[t->disagree] = (struct mismatch){
					*regs, gva, kgpa, wgpa, f, wret, kret};
			t->disagree++;
		}
	}
	return 0;
}

/* --- one mode --------------------------------------------------------------
 */

struct run {
	struct vm *vm;
	struct rng rng;
	const struct pw_cpu *cpu;
	unsigned rounds;
	int verbose;
	unsigned tap; /* the last TAP number */
	int failed;
};

static double now(void)
{
	return monotonic_ns() / 1e9;
}

static void report(struct run *run, const struct mode_case *mc,
		   const struct tally *t, double secs)
{
	run->tap++;
	if (t->disagree) {
		run->failed = 1;
		printf("not ok %u - %s: %" PRIu64 " of %" PRIu64
		       " GVAs disagree with KVM_TRANSLATE\n",
		       run->tap, mc->name, t->disagree, t->checked);
		for (uint64_t i = 0; i < t->disagree && i < SHOW_MAX; i++)
			show(&t->shown[i]);
		return;
	}
	printf("ok %u - %s: %" PRIu64 " GVAs agree with KVM_TRANSLATE (%" PRIu64
	       " valid; %" PRIu64 " not present, %" PRIu64 " reserved, %" PRIu64
	       " table outside RAM) in %.2f s\n",
	       run->tap, mc->name, t->checked, t->valid,
	       t->kinds[PW_NOT_PRESENT], t->kinds[PW_RESERVED],
	       t->kinds[PW_TABLE_OUTSIDE_RAM], secs);
}

/* Ends a mode that could not be tested: a skip or a failure. */
static void give_up(struct run *run, const struct mode_case *mc, int skip,
		    const char *why)
{
	run->tap++;
	if (skip) {
		printf("ok %u - # SKIP %s: %s\n", run->tap, mc->name, why);
		return;
	}
	run->failed = 1;
	printf("not ok %u - %s: %s\n", run->tap, mc->name, why);
}

static void run_mode(struct run *run, const struct mode_case *mc)
{
	struct gen g = {.rng = &run->rng,
			.mem = &run->vm->mem,
			.cpu = run->cpu,
			.paging = mc->paging,
			.pse = mc->pse};
	struct kvm_sregs base, want, got;
	struct tally t = {0};
	struct errbuf err;
	double start = now();
	char why[512];

	if (mode_sregs(run->vm, mc, &base, &err)) {
		give_up(run, mc, 0, err.msg);
		return;
	}
	for (unsigned r = 0; r < run->rounds; r++) {
		struct pw_regs regs;
		int took;

		g.nxe = chance(g.rng, 50);
		want = base;
		round_regs(&g, &want, build_round(&g));
		took = load_regs(&run->vm->vcpu, &want, &got, why, sizeof(why));
		if (took <= 0) {
			give_up(run, mc, took == 0, why);
			goto out;
		}
		pw_regs_from_sregs(&got, run->cpu, &regs);
		if (compare_round(run->vm, &g, &regs, &t)) {
			give_up(run, mc, 0, "KVM_TRANSLATE failed");
			goto out;
		}
		if (run->verbose)
			printf("# %s, round %u: CR0=0x%llx CR3=0x%llx "
			       "CR4=0x%llx EFER=0x%llx, %zu GVAs\n",
			       mc->name, r, got.cr0, got.cr3, got.cr4, got.efer,
			       g.ngvas);
	}
	report(run, mc, &t, now() - start);
out:
	free(g.gvas);
}

/* --- main --------------------------------------------------------------------
 */

static int usage(void)
{
	fprintf(stderr, "usage: pagewalk_diff [--seed N] [--rounds N] [-v]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct kvm_dev kvm = {.fd = -1};
	struct vm vm = {.fd = -1};
	struct run run = {.vm = &vm, .rounds = 3};
	struct pw_cpu cpu;
	struct errbuf err;
	uint64_t seed = (uint64_t)time(NULL) ^ (uint64_t)clock();
	double start = now();

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			run.rounds = (unsigned)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-v"))
			run.verbose = 1;
		else
			return usage();
	}
	run.rng.s = seed;
	if (kvm_dev_open(&kvm, KVM_DEV_PATH, &err) ||
	    vm_create(&vm, &kvm, RAM_SIZE, &err)) {
		printf("not ok 1 - pagewalk_diff: %s\n", err.msg);
		kvm_dev_close(&kvm);
		return 2;
	}
	pw_cpu_from_cpuid(kvm.cpuid, &cpu);
	run.cpu = &cpu;
	printf("# pagewalk_diff --seed %" PRIu64 " --rounds %u: MAXPHYADDR %u, "
	       "1 GiB pages %s, %s rules\n",
	       seed, run.rounds, cpu.maxphyaddr, cpu.gbpages ? "yes" : "no",
	       cpu.amd ? "AMD" : "Intel");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_mode(&run, &cases[i]);
	printf("# pagewalk_diff: %.2f s\n", now() - start);
	vm_destroy(&vm);
	kvm_dev_close(&kvm);
	return run.failed;
}
