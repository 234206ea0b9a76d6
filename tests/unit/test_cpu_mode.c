/* test_cpu_mode.c - GDT descriptors, page tables and control registers, checked
 * by walking them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "cpu_mode.h"
#include "layout.h"

/* Fake guest RAM: anonymous and lazily backed, so 3 GiB costs only the
 * pages the builders touch. */
static struct guest_mem fake_ram(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	assert_true(p != MAP_FAILED);
	return (struct guest_mem){p, size};
}

static void free_ram(struct guest_mem *mem)
{
	munmap(mem->host, mem->size);
}

/* A software MMU: translate va through 32-bit (PSE) paging, or fail. */
static int walk32(const struct guest_mem *mem, uint64_t cr3, uint32_t va,
		  uint64_t *pa)
{
	uint32_t pde, pte;

	if (gmem_read_u32(mem, (cr3 & ~0xfffull) + (va >> 22) * 4, &pde) ||
	    !(pde & PTE_P))
		return -1;
	if (pde & PTE_PS) {
		*pa = (pde & 0xffc00000u) | (va & 0x3fffffu);
		return 0;
	}
	if (gmem_read_u32(mem, (pde & ~0xfffu) + ((va >> 12) & 0x3ff) * 4,
			  &pte) ||
	    !(pte & PTE_P))
		return -1;
	*pa = (pte & ~0xfffu) | (va & 0xfff);
	return 0;
}

/* The same for 4-level paging with 2 MiB and 4 KiB pages. */
static int walk64(const struct guest_mem *mem, uint64_t cr3, uint64_t va,
		  uint64_t *pa)
{
	uint64_t table = cr3 & PTE_ADDR_MASK, entry = 0;

	for (int shift = 39; shift >= 12; shift -= 9) {
		if (gmem_read_u64(mem, table + ((va >> shift) & 511) * 8,
				  &entry) ||
		    !(entry & PTE_P))
			return -1;
		if (shift == 21 && (entry & PTE_PS)) {
			*pa = (entry & PTE_ADDR_MASK & ~0x1fffffull) |
			      (va & 0x1fffff);
			return 0;
		}
		table = entry & PTE_ADDR_MASK;
	}
	*pa = table | (va & 0xfff);
	return 0;
}

typedef int (*walker)(const struct guest_mem *, uint64_t, uint64_t, uint64_t *);

static int walk32_any(const struct guest_mem *mem, uint64_t cr3, uint64_t va,
		      uint64_t *pa)
{
	return walk32(mem, cr3, (uint32_t)va, pa);
}

/* The PCI hole maps to itself, so that a bare guest reaches the BARs;
 * the IOAPIC page after it is not mapped. */
static void check_pci_hole(const struct guest_mem *mem, uint64_t cr3,
			   walker walk)
{
	uint64_t pa = 0;

	assert_int_equal(walk(mem, cr3, LAYOUT_PCI_HOLE_BASE + 0x123, &pa), 0);
	assert_int_equal(pa, LAYOUT_PCI_HOLE_BASE + 0x123);
	assert_int_equal(walk(mem, cr3, LAYOUT_PCI_HOLE_END - 1, &pa), 0);
	assert_int_equal(pa, LAYOUT_PCI_HOLE_END - 1);
	assert_int_not_equal(walk(mem, cr3, LAYOUT_PCI_HOLE_END, &pa), 0);
}

/* Every page below size maps to itself; the first page beyond does not,
 * unless it is the PCI hole's. */
static void check_identity(const struct guest_mem *mem, uint64_t cr3,
			   walker walk, uint64_t step)
{
	uint64_t pa = 0;

	check_pci_hole(mem, cr3, walk);

	for (uint64_t va = 0; va < mem->size; va += step) {
		assert_int_equal(walk(mem, cr3, va + 0x123, &pa), 0);
		assert_int_equal(pa, va + 0x123);
	}
	assert_int_equal(walk(mem, cr3, mem->size - 1, &pa), 0);
	assert_int_equal(pa, mem->size - 1);
	if (mem->size == LAYOUT_PCI_HOLE_BASE)
		return;
	assert_int_not_equal(walk(mem, cr3, mem->size, &pa), 0);
	assert_int_not_equal(walk(mem, cr3, mem->size + 0x1000, &pa), 0);
}

static void build_and_check(uint64_t size, int long_mode, uint64_t step)
{
	struct guest_mem mem = fake_ram(size);
	gpa_t vmm = layout_vmm_area(size);
	uint64_t cr3 = 0;
	int ret;

	ret = long_mode ? paging_build_64(&mem, vmm + LAYOUT_VMM_PT_OFFSET,
					  size, &cr3, NULL)
			: paging_build_32(&mem, vmm + LAYOUT_VMM_PT_OFFSET,
					  size, &cr3, NULL);
	assert_int_equal(ret, 0);
	assert_true(cr3 >= vmm && cr3 < size);
	check_identity(&mem, cr3, long_mode ? walk64 : walk32_any, step);
	free_ram(&mem);
}

static void test_paging32_sizes(void **state)
{
	(void)state;
	build_and_check(LAYOUT_RAM_MIN, 0, 0x1000);
	build_and_check(16ull << 20, 0, 0x1000);
	build_and_check((16ull << 20) + 0x5000, 0, 0x1000); /* 4 KiB tail */
	build_and_check(LAYOUT_RAM_MAX, 0, 1ull << 20);
}

static void test_paging64_sizes(void **state)
{
	(void)state;
	build_and_check(LAYOUT_RAM_MIN, 1, 0x1000);
	build_and_check(16ull << 20, 1, 0x1000);
	build_and_check((16ull << 20) + 0x5000, 1, 0x1000);
	build_and_check((1ull << 30) + (2ull << 20), 1, 1ull << 20);
	build_and_check(LAYOUT_RAM_MAX, 1, 1ull << 20);
}

static void test_paging_needs_room(void **state)
{
	struct guest_mem mem = fake_ram(16ull << 20);
	uint64_t cr3;

	(void)state;
	/* one page of room: the PML4 fits, the PDPT does not */
	assert_int_equal(paging_build_64(&mem, 0x10000, 0x11000, &cr3, NULL),
			 -28 /* ENOSPC */);
	free_ram(&mem);
}

static void test_descriptor_round_trip(void **state)
{
	uint64_t code64 = gdt_descriptor(0, 0xfffff, 0x9b, 0xa);
	uint64_t tss = gdt_descriptor(0x12345678, 0x67, 0x8b, 0);
	struct kvm_segment s;

	(void)state;
	assert_int_equal(gdt_descriptor(0, 0xfffff, 0x9b, 0xc),
			 0x00cf9b000000ffffull);
	s = segment_from_descriptor(code64, 0x18);
	assert_int_equal(s.l, 1);
	assert_int_equal(s.db, 0);
	assert_int_equal(s.g, 1);
	assert_int_equal(s.limit, 0xffffffffu);
	assert_int_equal(s.type, 0xb);
	assert_int_equal(s.present, 1);
	assert_int_equal(s.s, 1);
	s = segment_from_descriptor(tss, 0x20);
	assert_int_equal(s.base, 0x12345678);
	assert_int_equal(s.limit, 0x67);
	assert_int_equal(s.s, 0);
	assert_int_equal(s.selector, 0x20);
}

/* Nothing outside the VMM area may change: that is where images live. */
static void assert_only_vmm_area_written(const struct guest_mem *mem)
{
	gpa_t vmm = layout_vmm_area(mem->size);

	for (gpa_t a = 0; a < vmm; a += 8) {
		uint64_t v;

		assert_int_equal(gmem_read_u64(mem, a, &v), 0);
		if (v)
			fail_msg("byte 0x%llx outside the VMM area written",
				 (unsigned long long)a);
	}
}

static void test_prepare_modes(void **state)
{
	struct guest_mem mem = fake_ram(4ull << 20);
	struct kvm_sregs s;
	uint64_t pa;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(cpu_mode_prepare(&mem, CPU_MODE_REAL, &s, NULL), 0);
	assert_int_equal(s.cr0 & CR0_PE, 0);
	assert_int_equal(s.cs.base, 0);
	assert_int_equal(s.cs.limit, 0xffff);

	memset(&s, 0, sizeof(s));
	assert_int_equal(cpu_mode_prepare(&mem, CPU_MODE_PROTECTED, &s, NULL),
			 0);
	assert_int_equal(s.cr0 & (CR0_PE | CR0_PG), CR0_PE);
	assert_int_equal(s.cs.selector, GDT_SEL_CODE32);
	assert_int_equal(s.cs.db, 1);
	assert_int_equal(s.ss.selector, GDT_SEL_DATA);
	assert_int_equal(s.tr.type, 11);
	assert_int_equal(s.gdt.base, layout_vmm_area(mem.size));

	memset(&s, 0, sizeof(s));
	assert_int_equal(cpu_mode_prepare(&mem, CPU_MODE_PAGED32, &s, NULL), 0);
	assert_int_equal(s.cr0 & (CR0_PE | CR0_PG), CR0_PE | CR0_PG);
	assert_int_equal(s.cr4, CR4_PSE);
	assert_int_equal(s.efer, 0);
	assert_int_equal(walk32(&mem, s.cr3, 0x1000, &pa), 0);
	assert_int_equal(pa, 0x1000);

	memset(&s, 0, sizeof(s));
	assert_int_equal(cpu_mode_prepare(&mem, CPU_MODE_LONG, &s, NULL), 0);
	assert_int_equal(s.efer, EFER_LME | EFER_LMA);
	assert_int_equal(s.cr4 & CR4_PAE, CR4_PAE);
	assert_int_equal(s.cr0 & CR0_PG, CR0_PG);
	assert_int_equal(s.cs.selector, GDT_SEL_CODE64);
	assert_int_equal(s.cs.l, 1);
	assert_int_equal(s.cs.db, 0);
	assert_int_equal(walk64(&mem, s.cr3, mem.size - 1, &pa), 0);
	assert_int_equal(pa, mem.size - 1);

	assert_only_vmm_area_written(&mem);
	free_ram(&mem);
}

/* Each mode's entry stack is what a call leaves: SP + return address
 * 16-byte aligned, inside the stack area. */
static void test_entry_sp_as_after_call(void **state)
{
	(void)state;
	assert_int_equal(cpu_mode_entry_sp(CPU_MODE_LONG) % 16, 8);
	assert_int_equal(cpu_mode_entry_sp(CPU_MODE_PROTECTED) % 16, 12);
	assert_int_equal(cpu_mode_entry_sp(CPU_MODE_PAGED32) % 16, 12);
	assert_int_equal(cpu_mode_entry_sp(CPU_MODE_REAL) % 16, 12);
	assert_true(cpu_mode_entry_sp(CPU_MODE_LONG) < LAYOUT_STACK_TOP);
	assert_true(cpu_mode_entry_sp(CPU_MODE_REAL) > LAYOUT_STACK_BOTTOM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paging32_sizes),
		cmocka_unit_test(test_paging64_sizes),
		cmocka_unit_test(test_paging_needs_room),
		cmocka_unit_test(test_descriptor_round_trip),
		cmocka_unit_test(test_prepare_modes),
		cmocka_unit_test(test_entry_sp_as_after_call),
	};

	return cmocka_run_group_tests_name("cpu_mode", tests, NULL, NULL);
}
