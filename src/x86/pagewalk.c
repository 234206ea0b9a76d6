/* pagewalk.c - the guest's page tables walked in software, by the rules of
 * KVM's own guest walker, so that the two give the same answers. */
#include "pagewalk.h"

#include <errno.h>
#include <string.h>

#include "cpu_regs.h"
#include "kvm.h"

/* Bits the mode setup in cpu_mode.h has no use for. */
#define CR4_LA57 (1ull << 12)
#define EFER_NXE (1ull << 11)
#define PTE_US	 (1ull << 2)
#define PTE_NX	 (1ull << 63)

/* Bits lo..hi of a 64-bit word; empty when lo > hi. */
static uint64_t bit_range(unsigned lo, unsigned hi)
{
	return (~0ull << lo) & (~0ull >> (63 - hi));
}

/* MAXPHYADDR as the walk uses it: 0 (unknown) and anything above the
 * architectural 52 mean 52; below 32 is taken as 32 so that a bogus CPUID
 * cannot make the low flag bits reserved. */
static unsigned maxphyaddr(const struct pw_regs *regs)
{
	unsigned m = regs->cpu.maxphyaddr;

	if (m == 0 || m > 52)
		return 52;
	return m < 32 ? 32 : m;
}

/* One walk: the address, the access and the format of the tables. */
struct walk {
	const struct guest_mem *mem;
	uint64_t gva; /* linear; cut to 32 bits outside long mode */
	unsigned access;
	int wp;		     /* CR0.WP: supervisor writes obey R/W */
	unsigned entry_size; /* 4 (32-bit paging) or 8 bytes */
	unsigned index_bits; /* 10 or 9 address bits per level */
	uint64_t table_mask; /* where an entry keeps the next address */
	int large_pages;     /* PS ends the walk above the PTE level */
	uint64_t rsvd[2][4]; /* reserved bits, by [bit 7][level - 1] */
};

static int fault_errno(enum pw_fault_kind kind)
{
	switch (kind) {
	case PW_OK:
		return 0;
	case PW_NOT_WRITABLE:
	case PW_NOT_USER:
		return -EACCES;
	case PW_UNSUPPORTED:
		return -EOPNOTSUPP;
	case PW_BAD_REGS:
		return -EINVAL;
	default:
		return -EFAULT;
	}
}

static int fail(struct pw_fault *fault, enum pw_fault_kind kind, unsigned level,
		gpa_t at, uint64_t entry)
{
	*fault = (struct pw_fault){kind, (enum pw_level)level, at, entry};
	return fault_errno(kind);
}

/*
 * 32-bit paging: 4-byte entries, 10 bits a level. KVM reserves no bit but
 * in a 4 MiB PDE, where it always assumes PSE-36: bits 13..16 are physical
 * bits 32..35 and bits 17..21 are reserved, whatever MAXPHYADDR says.
 */
static void format_32(struct walk *w, const struct pw_regs *regs)
{
	w->entry_size = 4;
	w->index_bits = 10;
	w->table_mask = 0xfffff000u;
	w->large_pages = (regs->cr4 & CR4_PSE) != 0;
	memset(w->rsvd, 0, sizeof(w->rsvd));
	if (w->large_pages)
		w->rsvd[1][PW_LEVEL_PDE - 1] = bit_range(17, 21);
}

/*
 * PAE and 4-level paging: 8-byte entries, 9 bits a level. Reserved: the
 * physical bits from MAXPHYADDR up to 51 (long mode) or 62 (PAE), NX
 * unless EFER.NXE, the low address bits of a large page but its PAT bit,
 * PS in a PML4E, PS in a PDPTE without 1 GiB pages, and bit 8 of a PML4E
 * on AMD.
 */
static void format_64(struct walk *w, const struct pw_regs *regs, int pae)
{
	uint64_t high = bit_range(maxphyaddr(regs), pae ? 62 : 51);
	uint64_t no_1g = regs->cpu.gbpages ? 0 : PTE_PS;
	uint64_t pml4e = PTE_PS | (regs->cpu.amd ? 1ull << 8 : 0);

	if (!(regs->efer & EFER_NXE))
		high |= PTE_NX;
	w->entry_size = 8;
	w->index_bits = 9;
	w->table_mask = PTE_ADDR_MASK;
	w->large_pages = 1;
	w->rsvd[0][0] = w->rsvd[1][0] = high;
	w->rsvd[0][1] = high;
	w->rsvd[1][1] = high | bit_range(13, 20);
	w->rsvd[0][2] = high | no_1g;
	w->rsvd[1][2] = high | no_1g | bit_range(13, 29);
	w->rsvd[0][3] = w->rsvd[1][3] = high | pml4e;
}

static int read_entry(const struct walk *w, gpa_t at, uint64_t *entry)
{
	uint32_t e32;

	if (w->entry_size == 8)
		return gmem_read_u64(w->mem, at, entry);
	if (gmem_read_u32(w->mem, at, &e32))
		return -EFAULT;
	*entry = e32;
	return 0;
}

/* The GPA of gva in the page that entry maps at level. */
static gpa_t leaf_gpa(const struct walk *w, unsigned level, uint64_t entry)
{
	uint64_t offset = (1ull << (12 + w->index_bits * (level - 1))) - 1;
	gpa_t base = entry & w->table_mask & ~offset;

	if (w->entry_size == 4 && level == PW_LEVEL_PDE)
		base |= ((entry >> 13) & 0xf) << 32; /* PSE-36 */
	return base | (w->gva & offset);
}

/*
 * Walks from the table at level down to a leaf. Present and reserved bits
 * stop the walk where they fail, as in hardware; the rights are checked on
 * the whole path once it ends, and a denial names the topmost entry that
 * lacks the right.
 */
static int walk_tables(const struct walk *w, unsigned level, gpa_t table,
		       gpa_t *gpa, struct pw_fault *fault)
{
	struct pw_fault no_write = {PW_OK, PW_LEVEL_NONE, 0, 0};
	struct pw_fault no_user = no_write;
	uint64_t index_mask = (1u << w->index_bits) - 1, entry;

	for (;; level--) {
		unsigned shift = 12 + w->index_bits * (level - 1);
		gpa_t at = table +
			   ((w->gva >> shift) & index_mask) * w->entry_size;

		if (read_entry(w, at, &entry))
			return fail(fault, PW_TABLE_OUTSIDE_RAM, level, at, 0);
		if (!(entry & PTE_P))
			return fail(fault, PW_NOT_PRESENT, level, at, entry);
		if (entry & w->rsvd[(entry >> 7) & 1][level - 1])
			return fail(fault, PW_RESERVED, level, at, entry);
		if (!(entry & PTE_RW) && no_write.kind == PW_OK)
			no_write = (struct pw_fault){PW_NOT_WRITABLE,
						     (enum pw_level)level, at,
						     entry};
		if (!(entry & PTE_US) && no_user.kind == PW_OK)
			no_user = (struct pw_fault){
				PW_NOT_USER, (enum pw_level)level, at, entry};
		if (level == PW_LEVEL_PTE ||
		    (w->large_pages && (entry & PTE_PS)))
			break;
		table = entry & w->table_mask;
	}
	if ((w->access & PW_USER) && no_user.kind != PW_OK) {
		*fault = no_user;
		return -EACCES;
	}
	/* Supervisor writes ignore R/W unless CR0.WP. */
	if ((w->access & PW_WRITE) && no_write.kind != PW_OK &&
	    ((w->access & PW_USER) || w->wp)) {
		*fault = no_write;
		return -EACCES;
	}
	*gpa = leaf_gpa(w, level, entry);
	return 0;
}

/*
 * PAE: CR3 points at four PDPTEs (32-byte aligned). They carry no rights,
 * and a CPU refuses to load CR3 when a present one has reserved bits, so
 * they are read here at each walk and checked against that rule.
 */
static int walk_pae(struct walk *w, const struct pw_regs *regs, gpa_t *gpa,
		    struct pw_fault *fault)
{
	gpa_t at = (regs->cr3 & 0xffffffe0u) + (w->gva >> 30) * 8;
	uint64_t pdpte, rsvd = bit_range(maxphyaddr(regs), 63) |
			       bit_range(5, 8) | bit_range(1, 2);

	if (gmem_read_u64(w->mem, at, &pdpte))
		return fail(fault, PW_TABLE_OUTSIDE_RAM, PW_LEVEL_PDPTE, at, 0);
	if (!(pdpte & PTE_P))
		return fail(fault, PW_NOT_PRESENT, PW_LEVEL_PDPTE, at, pdpte);
	if (pdpte & rsvd)
		return fail(fault, PW_RESERVED, PW_LEVEL_PDPTE, at, pdpte);
	format_64(w, regs, 1);
	return walk_tables(w, PW_LEVEL_PDE, pdpte & w->table_mask, gpa, fault);
}

/* Long mode: 48-bit canonical addresses through four levels. */
static int walk_long(struct walk *w, const struct pw_regs *regs, gpa_t *gpa,
		     struct pw_fault *fault)
{
	uint64_t top = w->gva >> 47;

	if (regs->cr4 & CR4_LA57)
		return fail(fault, PW_UNSUPPORTED, PW_LEVEL_NONE, 0, 0);
	if (top != 0 && top != 0x1ffff)
		return fail(fault, PW_NON_CANONICAL, PW_LEVEL_NONE, 0, 0);
	format_64(w, regs, 0);
	return walk_tables(w, PW_LEVEL_PML4E, regs->cr3 & w->table_mask, gpa,
			   fault);
}

/* States no CPU reaches: paging without protection, long mode without
 * paging or PAE. KVM_SET_SREGS refuses them too. */
static int regs_possible(const struct pw_regs *regs)
{
	int pg = (regs->cr0 & CR0_PG) != 0;

	if (pg && !(regs->cr0 & CR0_PE))
		return 0;
	return !(regs->efer & EFER_LMA) || (pg && (regs->cr4 & CR4_PAE));
}

int pw_translate(const struct guest_mem *mem, const struct pw_regs *regs,
		 uint64_t gva, unsigned access, gpa_t *gpa,
		 struct pw_fault *fault)
{
	struct pw_fault ignored;
	struct walk w; /* field by field: zeroing it all costs a third */

	w.mem = mem;
	w.gva = gva;
	w.access = access;
	w.wp = (regs->cr0 & CR0_WP) != 0;

	if (!fault)
		fault = &ignored;
	*fault = (struct pw_fault){PW_OK, PW_LEVEL_NONE, 0, 0};
	if (!regs_possible(regs))
		return fail(fault, PW_BAD_REGS, PW_LEVEL_NONE, 0, 0);
	if (regs->efer & EFER_LMA)
		return walk_long(&w, regs, gpa, fault);
	/* Outside long mode a linear address has 32 bits: it wraps. */
	w.gva = (uint32_t)gva;
	if (!(regs->cr0 & CR0_PG)) {
		*gpa = w.gva;
		return 0;
	}
	if (regs->cr4 & CR4_PAE)
		return walk_pae(&w, regs, gpa, fault);
	format_32(&w, regs);
	return walk_tables(&w, PW_LEVEL_PDE, regs->cr3 & w.table_mask, gpa,
			   fault);
}

const char *pw_level_name(enum pw_level level)
{
	static const char *const names[] = {
		[PW_LEVEL_PTE] = "PTE",
		[PW_LEVEL_PDE] = "PDE",
		[PW_LEVEL_PDPTE] = "PDPTE",
		[PW_LEVEL_PML4E] = "PML4E",
	};

	if ((unsigned)level < sizeof(names) / sizeof(names[0]) && names[level])
		return names[level];
	return "none";
}

const char *pw_fault_name(enum pw_fault_kind kind)
{
	static const char *const names[] = {
		[PW_OK] = "translated",
		[PW_NOT_PRESENT] = "not present",
		[PW_RESERVED] = "has a reserved bit set",
		[PW_TABLE_OUTSIDE_RAM] = "table outside guest RAM",
		[PW_NOT_WRITABLE] = "not writable",
		[PW_NOT_USER] = "not user-accessible",
		[PW_NON_CANONICAL] = "not canonical",
		[PW_UNSUPPORTED] = "needs 5-level paging (LA57), unsupported",
		[PW_BAD_REGS] = "not translatable: impossible CR0/CR4/EFER",
	};

	if ((unsigned)kind < sizeof(names) / sizeof(names[0]))
		return names[kind];
	return "unknown fault";
}

int pw_fault_message(const struct pw_fault *fault, uint64_t gva,
		     struct errbuf *err)
{
	unsigned long long va = gva, at = fault->entry_gpa;
	int ret = fault_errno(fault->kind);

	if (ret == 0)
		return 0;
	if (fault->level == PW_LEVEL_NONE)
		return err_fail(err, -ret, "GVA 0x%llx %s", va,
				pw_fault_name(fault->kind));
	if (fault->kind == PW_TABLE_OUTSIDE_RAM)
		return err_fail(err, -ret,
				"GVA 0x%llx: its %s at GPA 0x%llx is outside "
				"guest RAM",
				va, pw_level_name(fault->level), at);
	return err_fail(err, -ret,
			"GVA 0x%llx %s at %s (entry 0x%llx at GPA 0x%llx)", va,
			pw_fault_name(fault->kind), pw_level_name(fault->level),
			(unsigned long long)fault->entry, at);
}

void pw_cpu_from_cpuid(const struct kvm_cpuid2 *cpuid, struct pw_cpu *cpu)
{
	struct kvm_paging facts;

	kvm_cpuid_paging(cpuid, &facts);
	pw_cpu_from_facts(&facts, cpu);
}

void pw_cpu_from_facts(const struct kvm_paging *facts, struct pw_cpu *cpu)
{
	cpu->maxphyaddr = facts->maxphyaddr;
	cpu->gbpages = facts->gbpages;
	cpu->amd = facts->amd;
}

void pw_regs_from_sregs(const struct kvm_sregs *sregs, const struct pw_cpu *cpu,
			struct pw_regs *regs)
{
	regs->cr0 = sregs->cr0;
	regs->cr3 = sregs->cr3;
	regs->cr4 = sregs->cr4;
	regs->efer = sregs->efer;
	regs->cpu = *cpu;
}

int pw_translate_fn(void *ctx, uint64_t gva, uint64_t *gpa)
{
	const struct pw_context *pw = ctx;

	return pw_translate(pw->mem, &pw->regs, gva, 0, gpa, NULL);
}
