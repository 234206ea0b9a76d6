/* cpu_mode.c - GDT, TSS, page tables and control registers per x86 mode. */
#include "cpu_mode.h"

#include <errno.h>
#include <string.h>

#include "fault_setup.h"
#include "fpu.h"
#include "layout.h"
#include "vm.h"

const char *cpu_mode_name(enum cpu_mode mode)
{
	switch (mode) {
	case CPU_MODE_REAL:
		return "real";
	case CPU_MODE_PROTECTED:
		return "protected";
	case CPU_MODE_PAGED32:
		return "paged";
	case CPU_MODE_LONG:
		return "long";
	}
	return "unknown";
}

uint64_t gdt_descriptor(uint32_t base, uint32_t limit20, uint8_t access,
			uint8_t flags)
{
	return (uint64_t)(limit20 & 0xffff) |
	       (uint64_t)(base & 0xffffff) << 16 | (uint64_t)access << 40 |
	       (uint64_t)((limit20 >> 16) & 0xf) << 48 |
	       (uint64_t)(flags & 0xf) << 52 | (uint64_t)(base >> 24) << 56;
}

struct kvm_segment segment_from_descriptor(uint64_t desc, uint16_t selector)
{
	uint32_t limit20 = (desc & 0xffff) | ((desc >> 48) & 0xf) << 16;
	uint8_t access = desc >> 40;
	uint8_t flags = (desc >> 52) & 0xf;
	struct kvm_segment seg = {
		.base = ((desc >> 16) & 0xffffff) | ((desc >> 56) & 0xff) << 24,
		.selector = selector,
		.type = access & 0xf,
		.s = (access >> 4) & 1,
		.dpl = (access >> 5) & 3,
		.present = (access >> 7) & 1,
		.avl = flags & 1,
		.l = (flags >> 1) & 1,
		.db = (flags >> 2) & 1,
		.g = (flags >> 3) & 1,
	};

	/* KVM takes the limit in bytes: scale a page-granular limit. */
	seg.limit = seg.g ? (limit20 << 12) | 0xfff : limit20;
	return seg;
}

#define ACCESS_TSS_BUSY 0x8b

/* Hands out zeroed 4 KiB pages from a range of guest memory. */
struct page_alloc {
	const struct guest_mem *mem;
	gpa_t next, end;
};

static int page_alloc(struct page_alloc *pa, gpa_t *page, struct errbuf *err)
{
	void *host;

	if (pa->end - pa->next < LAYOUT_PAGE_SIZE || pa->next >= pa->end)
		return err_fail(err, ENOSPC,
				"page tables do not fit in the VMM area");
	host = gmem_ptr(pa->mem, pa->next, LAYOUT_PAGE_SIZE);
	if (!host)
		return err_fail(
			err, EFAULT,
			"page-table page at 0x%llx is outside guest RAM",
			(unsigned long long)pa->next);
	memset(host, 0, LAYOUT_PAGE_SIZE);
	*page = pa->next;
	pa->next += LAYOUT_PAGE_SIZE;
	return 0;
}

/* Stores one table entry of entry_size (4 or 8) bytes. */
static int set_entry(const struct guest_mem *mem, gpa_t table, uint64_t index,
		     unsigned entry_size, uint64_t value, struct errbuf *err)
{
	gpa_t at = table + index * entry_size;
	int ret = entry_size == 4 ? gmem_write_u32(mem, at, (uint32_t)value)
				  : gmem_write_u64(mem, at, value);

	if (ret)
		return err_fail(
			err, EFAULT,
			"page-table entry at 0x%llx is outside guest RAM",
			(unsigned long long)at);
	return 0;
}

/*
 * Maps [base, min(base + span, RAM size)) through one table of 4 KiB pages,
 * for the tail of RAM that a large page would overshoot. Returns the table.
 */
static int map_tail_4k(struct page_alloc *pa, gpa_t base, uint64_t span,
		       unsigned entry_size, gpa_t *table, struct errbuf *err)
{
	uint64_t size = pa->mem->size;
	int ret = page_alloc(pa, table, err);

	for (gpa_t addr = base; !ret && addr < base + span && addr < size;
	     addr += LAYOUT_PAGE_SIZE)
		ret = set_entry(pa->mem, *table, (addr - base) >> 12,
				entry_size, addr | PTE_P | PTE_RW, err);
	return ret;
}

/*
 * Fills a directory whose entries each cover `span` bytes from `base`:
 * a large page where the span lies whole inside RAM, a 4 KiB table for
 * the partial span at the end, nothing beyond RAM.
 */
static int map_directory(struct page_alloc *pa, gpa_t dir, gpa_t base,
			 uint64_t span, unsigned entries, unsigned entry_size,
			 struct errbuf *err)
{
	uint64_t size = pa->mem->size;
	int ret = 0;

	for (unsigned i = 0; !ret && i < entries; i++) {
		gpa_t addr = base + (uint64_t)i * span;
		gpa_t table = 0;

		if (addr >= size)
			break;
		if (addr + span <= size) {
			ret = set_entry(pa->mem, dir, i, entry_size,
					addr | PTE_P | PTE_RW | PTE_PS, err);
			continue;
		}
		ret = map_tail_4k(pa, addr, span, entry_size, &table, err);
		if (!ret)
			ret = set_entry(pa->mem, dir, i, entry_size,
					table | PTE_P | PTE_RW, err);
	}
	return ret;
}

/*
 * Maps the part of the PCI hole that directory dir covers (its entries
 * each span `span` bytes from base) with large pages, cache disabled
 * (PCD, PWT), so that a bare guest reaches the BARs with paging on.
 */
static int map_pci_hole(const struct guest_mem *mem, gpa_t dir, gpa_t base,
			uint64_t span, unsigned entries, unsigned entry_size,
			struct errbuf *err)
{
	int ret = 0;

	for (unsigned i = 0; !ret && i < entries; i++) {
		gpa_t addr = base + (uint64_t)i * span;

		if (addr < LAYOUT_PCI_HOLE_BASE ||
		    addr + span > LAYOUT_PCI_HOLE_END)
			continue;
		ret = set_entry(mem, dir, i, entry_size,
				addr | PTE_P | PTE_RW | PTE_PS | PTE_PWT |
					PTE_PCD,
				err);
	}
	return ret;
}

int paging_build_32(const struct guest_mem *mem, gpa_t table_base,
		    gpa_t table_end, uint64_t *cr3, struct errbuf *err)
{
	struct page_alloc pa = {mem, table_base, table_end};
	gpa_t pd = 0;
	int ret;

	if (mem->size > (1ull << 32))
		return err_fail(err, EINVAL,
				"32-bit paging reaches 4 GiB at most");
	ret = page_alloc(&pa, &pd, err);
	if (ret)
		return ret;
	/* 1024 directory entries of 4 MiB (CR4.PSE) each cover 4 GiB. */
	ret = map_directory(&pa, pd, 0, 4ull << 20, 1024, 4, err);
	if (!ret)
		ret = map_pci_hole(mem, pd, 0, 4ull << 20, 1024, 4, err);
	if (!ret)
		*cr3 = pd;
	return ret;
}

int paging_build_64(const struct guest_mem *mem, gpa_t table_base,
		    gpa_t table_end, uint64_t *cr3, struct errbuf *err)
{
	struct page_alloc pa = {mem, table_base, table_end};
	gpa_t pml4 = 0, pdpt = 0;
	int ret;

	/* One PML4 entry covers 512 GiB, far beyond LAYOUT_RAM_MAX. */
	ret = page_alloc(&pa, &pml4, err);
	if (!ret)
		ret = page_alloc(&pa, &pdpt, err);
	if (!ret)
		ret = set_entry(mem, pml4, 0, 8, pdpt | PTE_P | PTE_RW, err);
	for (unsigned i = 0; !ret && i < 512; i++) {
		gpa_t base = (uint64_t)i << 30, pd = 0;

		if (base >= mem->size)
			break;
		ret = page_alloc(&pa, &pd, err);
		if (!ret)
			ret = map_directory(&pa, pd, base, 2ull << 20, 512, 8,
					    err);
		if (!ret)
			ret = set_entry(mem, pdpt, i, 8, pd | PTE_P | PTE_RW,
					err);
	}
	/* RAM ends at 3 GiB at most: the hole has a directory of its own. */
	if (!ret) {
		gpa_t base = LAYOUT_PCI_HOLE_BASE & ~((1ull << 30) - 1), pd;

		ret = page_alloc(&pa, &pd, err);
		if (!ret)
			ret = map_pci_hole(mem, pd, base, 2ull << 20, 512, 8,
					   err);
		if (!ret)
			ret = set_entry(mem, pdpt, base >> 30, 8,
					pd | PTE_P | PTE_RW, err);
	}
	if (!ret)
		*cr3 = pml4;
	return ret;
}

/* Writes the GDT and an empty TSS into the VMM area and points sregs at
 * them; the code segment is the 64-bit one in long mode. */
static int setup_gdt(const struct guest_mem *mem, enum cpu_mode mode,
		     struct kvm_sregs *sregs, struct errbuf *err)
{
	gpa_t vmm = layout_vmm_area(mem->size);
	gpa_t gdt = vmm + LAYOUT_VMM_GDT_OFFSET;
	gpa_t tss = vmm + LAYOUT_VMM_TSS_OFFSET;
	uint64_t table[GDT_ENTRIES] = {
		[GDT_SEL_CODE32 / 8] =
			gdt_descriptor(0, 0xfffff, ACCESS_CODE, FLAGS_32),
		[GDT_SEL_DATA / 8] =
			gdt_descriptor(0, 0xfffff, ACCESS_DATA, FLAGS_32),
		[GDT_SEL_CODE64 / 8] =
			gdt_descriptor(0, 0xfffff, ACCESS_CODE, FLAGS_64),
		[GDT_SEL_TSS / 8] = gdt_descriptor((uint32_t)tss, TSS_SIZE - 1,
						   ACCESS_TSS_BUSY, 0),
		/* slot 5: the upper half of the 64-bit TSS descriptor (base
		 * bits 32-63), zero because the TSS is below 4 GiB. */
	};
	uint8_t tss_image[TSS_SIZE] = {0};
	uint16_t iomap_base =
		TSS_SIZE; /* no I/O bitmap: every port is guarded */
	uint16_t code_sel =
		mode == CPU_MODE_LONG ? GDT_SEL_CODE64 : GDT_SEL_CODE32;
	struct kvm_segment data;

	memcpy(tss_image + 102, &iomap_base, sizeof(iomap_base));
	if (gmem_write(mem, gdt, table, sizeof(table)) ||
	    gmem_write(mem, tss, tss_image, sizeof(tss_image)))
		return err_fail(err, EFAULT,
				"GDT at 0x%llx is outside guest RAM",
				(unsigned long long)gdt);

	sregs->gdt.base = gdt;
	sregs->gdt.limit = sizeof(table) - 1;
	sregs->cs = segment_from_descriptor(table[code_sel / 8], code_sel);
	data = segment_from_descriptor(table[GDT_SEL_DATA / 8], GDT_SEL_DATA);
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
	sregs->tr =
		segment_from_descriptor(table[GDT_SEL_TSS / 8], GDT_SEL_TSS);
	/* No IDT here: vcpu_enter_mode installs the fault handlers' (see
	 * fault_setup.h); without one an exception becomes a triple fault. */
	sregs->idt.base = 0;
	sregs->idt.limit = 0;
	return 0;
}

static void setup_real(struct kvm_sregs *sregs)
{
	struct kvm_segment seg = {
		.base = 0,
		.limit = 0xffff,
		.selector = 0,
		.type = 0x3,
		.present = 1,
		.s = 1,
	};

	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = seg;
	seg.type = 0xb;
	sregs->cs = seg;
	sregs->cr0 &= ~(uint64_t)(CR0_PE | CR0_PG);
	sregs->idt.base = 0; /* the real-mode IVT at address 0 */
	sregs->idt.limit = 0x3ff;
}

int cpu_mode_prepare(const struct guest_mem *mem, enum cpu_mode mode,
		     struct kvm_sregs *sregs, struct errbuf *err)
{
	gpa_t vmm = layout_vmm_area(mem->size);
	gpa_t tables = vmm + LAYOUT_VMM_PT_OFFSET;
	gpa_t tables_end = vmm + LAYOUT_VMM_AREA_SIZE;
	uint64_t cr3 = 0;
	int ret;

	if (mode == CPU_MODE_REAL) {
		setup_real(sregs);
		return 0;
	}
	ret = setup_gdt(mem, mode, sregs, err);
	if (ret)
		return ret;

	sregs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE;
	sregs->cr4 = 0;
	sregs->efer = 0;
	switch (mode) {
	case CPU_MODE_PAGED32:
		ret = paging_build_32(mem, tables, tables_end, &cr3, err);
		sregs->cr4 = CR4_PSE;
		sregs->cr0 |= CR0_WP | CR0_PG;
		break;
	case CPU_MODE_LONG:
		ret = paging_build_64(mem, tables, tables_end, &cr3, err);
		sregs->cr4 = CR4_PAE;
		sregs->cr0 |= CR0_WP | CR0_PG;
		/* LMA is what the CPU would set on enabling paging with LME;
		 * KVM_SET_SREGS takes the state as it is after that step. */
		sregs->efer = EFER_LME | EFER_LMA;
		break;
	default:
		break;
	}
	sregs->cr3 = cr3;
	return ret;
}

/*
 * Reads the control registers back: some /dev/kvm implementations that
 * are not hardware KVM (kvm_pvm, which runs only 64-bit guests) accept
 * KVM_SET_SREGS but drop CR0.PG outside long mode, and the guest would
 * then die with a confusing triple fault.
 */
static int check_mode_took(struct vcpu *vcpu, enum cpu_mode mode,
			   const struct kvm_sregs *want, struct errbuf *err)
{
	struct kvm_sregs got;
	int ret = vcpu_get_sregs(vcpu, &got, err);

	if (ret)
		return ret;
	if (got.cr0 != want->cr0 || got.cr4 != want->cr4 ||
	    got.efer != want->efer)
		return err_fail(
			err, ENOTSUP,
			"this KVM cannot run %s mode: it kept CR0=0x%llx "
			"CR4=0x%llx EFER=0x%llx of CR0=0x%llx CR4=0x%llx "
			"EFER=0x%llx (not hardware KVM? try scripts/kvm-run)",
			cpu_mode_name(mode), got.cr0, got.cr4, got.efer,
			want->cr0, want->cr4, want->efer);
	return 0;
}

uint64_t cpu_mode_entry_sp(enum cpu_mode mode)
{
	/* The return address's slot is left empty: nothing returns there. */
	return LAYOUT_STACK_TOP - (mode == CPU_MODE_LONG ? 8 : 4);
}

int vcpu_enter_mode(struct vcpu *vcpu, enum cpu_mode mode, uint64_t entry,
		    struct errbuf *err)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = {0};
	int ret;

	if (mode == CPU_MODE_REAL && entry > 0xffff)
		return err_fail(err, EINVAL,
				"real-mode entry 0x%llx is not below 64 KiB",
				(unsigned long long)entry);
	ret = vcpu_get_sregs(vcpu, &sregs, err);
	if (!ret)
		ret = cpu_mode_prepare(&vcpu->vm->mem, mode, &sregs, err);
	/* Beyond the bare mode: x87/SSE, and exception handlers that report
	 * a fault instead of letting it become a triple fault. */
	if (!ret)
		ret = fpu_enable(vcpu, &sregs, err);
	if (!ret)
		ret = faults_install(&vcpu->vm->mem, mode, &sregs, err);
	if (!ret)
		ret = vcpu_set_sregs(vcpu, &sregs, err);
	if (!ret)
		ret = check_mode_took(vcpu, mode, &sregs, err);
	if (ret)
		return ret;

	regs.rflags = 0x2; /* bit 1 is reserved and always set; IF clear */
	regs.rip = entry;
	regs.rsp = cpu_mode_entry_sp(mode);
	return vcpu_set_regs(vcpu, &regs, err);
}
