/* pagewalk.h - the guest's page tables walked in software: GVA to GPA as the
 * guest's MMU (and KVM's own walker) would translate it. */
#ifndef PAGEWALK_H
#define PAGEWALK_H

#include <linux/kvm.h>
#include <stdint.h>

#include "errbuf.h"
#include "guest_mem.h"
#include "kvm.h"

/* What the guest's CPUID says about paging; fixed for the life of a VM. */
struct pw_cpu {
	uint8_t maxphyaddr; /* CPUID 0x80000008 EAX[7:0]; 0 means 52, and
			     * it is clamped to 32..52 */
	uint8_t gbpages;    /* 1 GiB pages exist (CPUID 0x80000001 EDX[26]) */
	uint8_t amd;	    /* AMD or Hygon: PML4E bit 8 is reserved too */
};

/* The paging state of one vCPU: its control registers and CPUID facts. */
struct pw_regs {
	uint64_t cr0, cr3, cr4, efer;
	struct pw_cpu cpu;
};

/* Access flags: a read unless PW_WRITE; supervisor (CPL 0-2) unless
 * PW_USER (CPL 3). */
#define PW_WRITE 1u
#define PW_USER	 2u

enum pw_fault_kind {
	PW_OK,		      /* translated */
	PW_NOT_PRESENT,	      /* P clear in the entry */
	PW_RESERVED,	      /* a reserved bit set in the entry */
	PW_TABLE_OUTSIDE_RAM, /* the entry itself lies outside guest RAM */
	PW_NOT_WRITABLE,      /* a write, and R/W clear at this level */
	PW_NOT_USER,	      /* a user access, and U/S clear at this level */
	PW_NON_CANONICAL,     /* long mode: bits 63..47 are not all equal */
	PW_UNSUPPORTED,	      /* 5-level paging (CR4.LA57) */
	PW_BAD_REGS,	      /* a register state no CPU can be in */
};

/* The level of an entry; 32-bit paging uses only PTE and PDE. */
enum pw_level {
	PW_LEVEL_NONE,
	PW_LEVEL_PTE,
	PW_LEVEL_PDE,
	PW_LEVEL_PDPTE,
	PW_LEVEL_PML4E,
};

/* Why a walk failed, and at which entry (level NONE: no entry involved). */
struct pw_fault {
	enum pw_fault_kind kind;
	enum pw_level level;
	gpa_t entry_gpa; /* where the entry is, or would be */
	uint64_t entry;	 /* its value (0 when it could not be read) */
};

/*
 * Translates gva for one access (PW_WRITE, PW_USER flags) through the
 * paging mode regs select: identity with paging off, 32-bit (4 KiB pages,
 * 4 MiB with CR4.PSE, PSE-36 high bits), PAE, or 4-level long mode (4 KiB,
 * 2 MiB, 1 GiB). Outside long mode gva is a 32-bit linear address and wraps
 * at 4 GiB. Tables are read only through gmem accessors, never written
 * (no accessed or dirty bits). Reserved bits are KVM's (see the .c file).
 * A leaf may map a GPA outside RAM: that is a translation, not a fault
 * (check the data access with gmem_ptr). Returns 0 with *gpa, -EFAULT
 * (nothing mapped: not present, reserved, table outside RAM,
 * non-canonical), -EACCES (mapped, but not for this access), -EOPNOTSUPP
 * (LA57) or -EINVAL (impossible registers); fills *fault when not NULL.
 */
int pw_translate(const struct guest_mem *mem, const struct pw_regs *regs,
		 uint64_t gva, unsigned access, gpa_t *gpa,
		 struct pw_fault *fault);

/*
 * Formats fault as one line in err, e.g. "GVA 0x1234 not present at PDE
 * (entry 0x0 at GPA 0x3008)", and returns the errno pw_translate gave.
 */
int pw_fault_message(const struct pw_fault *fault, uint64_t gva,
		     struct errbuf *err);

/* "PTE", "PDE", "PDPTE", "PML4E" ("none" otherwise). */
const char *pw_level_name(enum pw_level level);

/* "not present", "has a reserved bit set", ... as pw_fault_message words
 * it. */
const char *pw_fault_name(enum pw_fault_kind kind);

/* Reads MAXPHYADDR (36 when leaf 0x80000008 is absent, as KVM assumes),
 * 1 GiB pages and the vendor from the CPUID a vCPU was given
 * (kvm_cpuid_paging's reading, kvm.h). */
void pw_cpu_from_cpuid(const struct kvm_cpuid2 *cpuid, struct pw_cpu *cpu);

/* The same from the facts kvm_dev_open read once (kvm->paging), so that
 * a walk for a hypercall's pointer scans no CPUID table. */
void pw_cpu_from_facts(const struct kvm_paging *facts, struct pw_cpu *cpu);

/* The paging state of sregs (KVM_GET_SREGS or kvm_run's synced copy). */
void pw_regs_from_sregs(const struct kvm_sregs *sregs, const struct pw_cpu *cpu,
			struct pw_regs *regs);

/* What pw_translate_fn needs: a VM's RAM and a vCPU's paging state. */
struct pw_context {
	const struct guest_mem *mem;
	struct pw_regs regs;
};

/*
 * A supervisor read through a struct pw_context (ctx), in the shape of
 * vcpu_translate, as KVM_TRANSLATE translates; the unit tests use it to
 * set the walk beside a fixed context. 0 with *gpa, or pw_translate's
 * negative errno.
 */
int pw_translate_fn(void *ctx, uint64_t gva, uint64_t *gpa);

#endif
