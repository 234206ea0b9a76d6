/* test_pagewalk.c - the software page walker on hand-built tables in every
 * paging mode: translations, rights, faults at each level, wraps. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pagewalk.h"

#define P  0x1ull
#define RW 0x2ull
#define US 0x4ull
#define PS 0x80ull
#define NX (1ull << 63)

#define CR0_PE	 0x1ull
#define CR0_WP	 (1ull << 16)
#define CR0_PG	 (1ull << 31)
#define CR4_PSE	 (1ull << 4)
#define CR4_PAE	 (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

/* Guest RAM: malloc'ed to its exact size, so ASan sees any stray read. */
#define RAM_PAGES 16
#define PAGE(n)	  ((gpa_t)(n) << 12)
static struct guest_mem mem;

/* Pages of each mode's tables. */
#define L_PML4 PAGE(1)
#define L_PDPT PAGE(2)
#define L_PD   PAGE(3)
#define L_PT   PAGE(4)
#define A_PDPT (PAGE(5) + 0x20) /* PAE: CR3 is 32-byte aligned */
#define A_PD   PAGE(6)
#define A_PT   PAGE(7)
#define B_PD   PAGE(8) /* 32-bit paging */
#define B_PT   PAGE(9)

static int setup(void **state)
{
	(void)state;
	mem.size = RAM_PAGES * 4096;
	mem.host = calloc(1, mem.size);
	return mem.host ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(mem.host);
	return 0;
}

static void put32(gpa_t at, uint64_t v)
{
	assert_int_equal(gmem_write_u32(&mem, at, (uint32_t)v), 0);
}

static void put64(gpa_t at, uint64_t v)
{
	assert_int_equal(gmem_write_u64(&mem, at, v), 0);
}

static const struct pw_cpu cpu52 = {52, 1, 0};

static struct pw_regs regs_off(uint64_t cr0)
{
	return (struct pw_regs){.cr0 = cr0, .cpu = cpu52};
}

static struct pw_regs regs_32(uint64_t cr4)
{
	return (struct pw_regs){CR0_PE | CR0_PG | CR0_WP, B_PD, cr4, 0, cpu52};
}

static struct pw_regs regs_pae(void)
{
	return (struct pw_regs){CR0_PE | CR0_PG | CR0_WP, A_PDPT, CR4_PAE,
				EFER_NXE, cpu52};
}

static struct pw_regs regs_long(void)
{
	return (struct pw_regs){CR0_PE | CR0_PG | CR0_WP, L_PML4, CR4_PAE,
				EFER_LME | EFER_LMA | EFER_NXE, cpu52};
}

static void expect_gpa(const struct pw_regs *regs, uint64_t gva,
		       unsigned access, gpa_t want)
{
	struct pw_fault fault;
	gpa_t gpa = ~0ull;

	assert_int_equal(pw_translate(&mem, regs, gva, access, &gpa, &fault),
			 0);
	assert_int_equal(fault.kind, PW_OK);
	assert_int_equal(gpa, want);
}

static void expect_fault(const struct pw_regs *regs, uint64_t gva,
			 unsigned access, int ret, enum pw_fault_kind kind,
			 enum pw_level level)
{
	struct pw_fault fault;
	gpa_t gpa = 0xdead;

	assert_int_equal(pw_translate(&mem, regs, gva, access, &gpa, &fault),
			 ret);
	assert_int_equal(fault.kind, kind);
	assert_int_equal(fault.level, level);
	assert_int_equal(gpa, 0xdead); /* untouched on failure */
}

/* --- long mode: PML4[0] and PML4[256] -> PDPT; PDPT[1] -> PD; PD[2] -> PT;
 * PT[3] -> 0x12345000; PD[5] a 2 MiB page; PDPT[2] a 1 GiB page. */
#define L_GVA_4K 0x40403045ull
#define L_GVA_2M 0x40a12345ull
#define L_GVA_1G 0x81234567ull
#define L_HIGH	 0xffff800000000000ull

static void build_long(uint64_t flags)
{
	put64(L_PML4, L_PDPT | flags);
	put64(L_PML4 + 256 * 8, L_PDPT | flags);
	put64(L_PDPT + 1 * 8, L_PD | flags);
	put64(L_PDPT + 2 * 8, 0x80000000ull | PS | flags);
	put64(L_PD + 2 * 8, L_PT | flags);
	put64(L_PD + 5 * 8, 0x40000000ull | PS | flags);
	put64(L_PT + 3 * 8, 0x12345000ull | flags);
}

static void test_long_page_sizes(void **state)
{
	struct pw_regs regs = regs_long();

	(void)state;
	build_long(P | RW | US);
	expect_gpa(&regs, L_GVA_4K, 0, 0x12345045);
	expect_gpa(&regs, L_GVA_2M, 0, 0x40012345);
	expect_gpa(&regs, L_GVA_1G, 0, 0x81234567);
	/* the upper half, through PML4 entry 256 */
	expect_gpa(&regs, L_HIGH | L_GVA_4K, PW_WRITE | PW_USER, 0x12345045);
	/* a leaf outside RAM translates: the data access is the caller's */
	assert_true(0x12345045 > mem.size);
}

static void test_long_not_present_each_level(void **state)
{
	struct pw_regs regs = regs_long();

	(void)state;
	build_long(P | RW);
	put64(L_PT + 3 * 8, 0x12345000ull); /* P clear */
	expect_fault(&regs, L_GVA_4K, 0, -EFAULT, PW_NOT_PRESENT, PW_LEVEL_PTE);
	put64(L_PD + 2 * 8, L_PT);
	expect_fault(&regs, L_GVA_4K, 0, -EFAULT, PW_NOT_PRESENT, PW_LEVEL_PDE);
	put64(L_PDPT + 1 * 8, 0);
	expect_fault(&regs, L_GVA_4K, 0, -EFAULT, PW_NOT_PRESENT,
		     PW_LEVEL_PDPTE);
	expect_fault(&regs, 1ull << 39, 0, -EFAULT, PW_NOT_PRESENT,
		     PW_LEVEL_PML4E);
}

static void test_long_table_outside_ram(void **state)
{
	struct pw_regs regs = regs_long();
	struct pw_fault fault;
	gpa_t gpa;

	(void)state;
	build_long(P | RW);
	put64(L_PD + 2 * 8, PAGE(RAM_PAGES) | P); /* the page just past RAM */
	assert_int_equal(pw_translate(&mem, &regs, L_GVA_4K, 0, &gpa, &fault),
			 -EFAULT);
	assert_int_equal(fault.kind, PW_TABLE_OUTSIDE_RAM);
	assert_int_equal(fault.level, PW_LEVEL_PTE);
	assert_int_equal(fault.entry_gpa, PAGE(RAM_PAGES) + 3 * 8);
	put64(L_PDPT + 1 * 8, 0xfffff000ull | P);
	expect_fault(&regs, L_GVA_4K, 0, -EFAULT, PW_TABLE_OUTSIDE_RAM,
		     PW_LEVEL_PDE);
	put64(L_PML4, 0x7ffffff000ull | P);
	expect_fault(&regs, L_GVA_4K, 0, -EFAULT, PW_TABLE_OUTSIDE_RAM,
		     PW_LEVEL_PDPTE);
	regs.cr3 = PAGE(1000);
	expect_fault(&regs, L_GVA_4K, 0, -EFAULT, PW_TABLE_OUTSIDE_RAM,
		     PW_LEVEL_PML4E);
}

static void test_long_reserved_bits(void **state)
{
	struct pw_regs regs = regs_long();

	(void)state;
	build_long(P | RW);
	/* PS in a PML4E is reserved */
	put64(L_PML4, L_PDPT | P | PS);
	expect_fault(&regs, L_GVA_4K, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PML4E);
	/* bit 8 of a PML4E: reserved on AMD only */
	put64(L_PML4, L_PDPT | P | 0x100);
	expect_gpa(&regs, L_GVA_4K, 0, 0x12345045);
	regs.cpu.amd = 1;
	expect_fault(&regs, L_GVA_4K, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PML4E);
	regs.cpu.amd = 0;
	/* 1 GiB pages need CPUID's say-so; their low address bits are
	 * reserved */
	regs.cpu.gbpages = 0;
	expect_fault(&regs, L_GVA_1G, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PDPTE);
	regs.cpu.gbpages = 1;
	put64(L_PDPT + 2 * 8, 0x80000000ull | 1ull << 29 | PS | P);
	expect_fault(&regs, L_GVA_1G, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PDPTE);
	/* ... but bit 12, the PAT bit, is not */
	put64(L_PDPT + 2 * 8, 0x80000000ull | 1ull << 12 | PS | P);
	expect_gpa(&regs, L_GVA_1G, 0, 0x81234567);
	/* 2 MiB: bits 13..20 reserved, 12 (PAT) not */
	put64(L_PD + 5 * 8, 0x40000000ull | 1ull << 20 | PS | P);
	expect_fault(&regs, L_GVA_2M, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PDE);
	put64(L_PD + 5 * 8, 0x40000000ull | 1ull << 12 | PS | P);
	expect_gpa(&regs, L_GVA_2M, 0, 0x40012345);
}

static void test_long_maxphyaddr_and_nx(void **state)
{
	struct pw_regs regs = regs_long();

	(void)state;
	build_long(P | RW);
	put64(L_PT + 3 * 8, 1ull << 40 | 0x5000 | P);
	expect_gpa(&regs, L_GVA_4K, 0, (1ull << 40) | 0x5045);
	regs.cpu.maxphyaddr = 40;
	expect_fault(&regs, L_GVA_4K, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PTE);
	regs.cpu.maxphyaddr = 41;
	expect_gpa(&regs, L_GVA_4K, 0, (1ull << 40) | 0x5045);
	/* 0 means the architectural maximum, 52 */
	regs.cpu.maxphyaddr = 0;
	expect_gpa(&regs, L_GVA_4K, 0, (1ull << 40) | 0x5045);
	/* bits 52..62 are ignored in long mode */
	put64(L_PT + 3 * 8, 0x7ff0000000005000ull | P);
	expect_gpa(&regs, L_GVA_4K, 0, 0x5045);
	/* NX is reserved unless EFER.NXE */
	put64(L_PT + 3 * 8, NX | 0x5000 | P);
	expect_gpa(&regs, L_GVA_4K, 0, 0x5045);
	regs.efer &= ~EFER_NXE;
	expect_fault(&regs, L_GVA_4K, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PTE);
}

static void test_long_canonical_and_la57(void **state)
{
	struct pw_regs regs = regs_long();

	(void)state;
	build_long(P | RW);
	expect_fault(&regs, 1ull << 47, 0, -EFAULT, PW_NON_CANONICAL,
		     PW_LEVEL_NONE);
	expect_fault(&regs, 0xffff000000000000ull | L_GVA_4K, 0, -EFAULT,
		     PW_NON_CANONICAL, PW_LEVEL_NONE);
	expect_fault(&regs, 0x0001000000000000ull | L_GVA_4K, 0, -EFAULT,
		     PW_NON_CANONICAL, PW_LEVEL_NONE);
	expect_gpa(&regs, 0x00007fffffffffffull & L_GVA_4K, 0, 0x12345045);
	regs.cr4 |= CR4_LA57;
	expect_fault(&regs, L_GVA_4K, 0, -EOPNOTSUPP, PW_UNSUPPORTED,
		     PW_LEVEL_NONE);
	/* in a 64-bit mode no address wraps at 4 GiB */
	regs.cr4 &= ~CR4_LA57;
	expect_fault(&regs, (1ull << 32) | L_GVA_4K, 0, -EFAULT, PW_NOT_PRESENT,
		     PW_LEVEL_PDPTE);
}

/* Rights: the AND of every level's R/W and U/S; a denial names the
 * topmost entry lacking the right. */
static void test_long_rights(void **state)
{
	struct pw_regs regs = regs_long();
	struct pw_fault fault;
	gpa_t gpa;

	(void)state;
	build_long(P | RW | US);
	put64(L_PD + 2 * 8, L_PT | P | US); /* read-only from the PDE down */
	expect_gpa(&regs, L_GVA_4K, 0, 0x12345045);
	expect_gpa(&regs, L_GVA_4K, PW_USER, 0x12345045);
	expect_fault(&regs, L_GVA_4K, PW_WRITE, -EACCES, PW_NOT_WRITABLE,
		     PW_LEVEL_PDE);
	expect_fault(&regs, L_GVA_4K, PW_WRITE | PW_USER, -EACCES,
		     PW_NOT_WRITABLE, PW_LEVEL_PDE);
	/* without CR0.WP a supervisor may write a read-only page */
	regs.cr0 &= ~CR0_WP;
	expect_gpa(&regs, L_GVA_4K, PW_WRITE, 0x12345045);
	expect_fault(&regs, L_GVA_4K, PW_WRITE | PW_USER, -EACCES,
		     PW_NOT_WRITABLE, PW_LEVEL_PDE);
	regs.cr0 |= CR0_WP;
	/* supervisor-only from the PDPTE: user accesses fail there, and a
	 * user write names U/S first */
	put64(L_PDPT + 1 * 8, L_PD | P | RW);
	expect_gpa(&regs, L_GVA_4K, 0, 0x12345045);
	expect_fault(&regs, L_GVA_4K, PW_USER, -EACCES, PW_NOT_USER,
		     PW_LEVEL_PDPTE);
	expect_fault(&regs, L_GVA_4K, PW_USER | PW_WRITE, -EACCES, PW_NOT_USER,
		     PW_LEVEL_PDPTE);
	/* the PTE too lacks U/S: the topmost is still the PDPTE */
	put64(L_PT + 3 * 8, 0x12345000ull | P | RW);
	assert_int_equal(
		pw_translate(&mem, &regs, L_GVA_4K, PW_USER, &gpa, &fault),
		-EACCES);
	assert_int_equal(fault.level, PW_LEVEL_PDPTE);
	assert_int_equal(fault.entry_gpa, L_PDPT + 8);
	assert_int_equal(fault.entry, L_PD | P | RW);
	/* a present fault below a rights problem wins: the walk stops first */
	put64(L_PT + 3 * 8, 0);
	expect_fault(&regs, L_GVA_4K, PW_USER, -EFAULT, PW_NOT_PRESENT,
		     PW_LEVEL_PTE);
	/* large pages carry rights at their own level */
	put64(L_PD + 5 * 8, 0x40000000ull | PS | P | US);
	expect_fault(&regs, L_GVA_2M, PW_WRITE, -EACCES, PW_NOT_WRITABLE,
		     PW_LEVEL_PDE);
}

/* --- paging off: identity, 32-bit linear addresses */
static void test_paging_off(void **state)
{
	struct pw_regs real = regs_off(0), prot = regs_off(CR0_PE);

	(void)state;
	expect_gpa(&real, 0x1234, PW_WRITE | PW_USER, 0x1234);
	expect_gpa(&prot, 0xfffff123, 0, 0xfffff123);
	/* beyond RAM is still identity: no tables to read */
	expect_gpa(&prot, 0x80000000, PW_WRITE, 0x80000000);
	/* the linear address wraps at 4 GiB */
	expect_gpa(&prot, 0x100001234ull, 0, 0x1234);
	expect_gpa(&real, 0xffffffff00000010ull, 0, 0x10);
}

static void test_bad_registers(void **state)
{
	struct pw_regs regs = regs_off(CR0_PG); /* paging without PE */

	(void)state;
	expect_fault(&regs, 0, 0, -EINVAL, PW_BAD_REGS, PW_LEVEL_NONE);
	regs = regs_long();
	regs.cr4 &= ~CR4_PAE; /* long mode without PAE */
	expect_fault(&regs, 0, 0, -EINVAL, PW_BAD_REGS, PW_LEVEL_NONE);
	regs = regs_long();
	regs.cr0 &= ~CR0_PG; /* LMA without paging */
	expect_fault(&regs, 0, 0, -EINVAL, PW_BAD_REGS, PW_LEVEL_NONE);
}

/* --- 32-bit paging: PD[1] -> PT; PT[2] -> 0x7000; PD[3] a 4 MiB page */
#define B_GVA_4K 0x00402abcull
#define B_GVA_4M 0x00c12345ull

static void build_32(uint32_t flags)
{
	put32(B_PD + 1 * 4, B_PT | flags);
	put32(B_PT + 2 * 4, 0x7000 | flags);
	put32(B_PD + 3 * 4, 0x01000000u | PS | flags);
}

static void test_32_4k_and_4m(void **state)
{
	struct pw_regs regs = regs_32(CR4_PSE);

	(void)state;
	build_32(P | RW | US);
	expect_gpa(&regs, B_GVA_4K, PW_WRITE | PW_USER, 0x7abc);
	expect_gpa(&regs, B_GVA_4M, 0, 0x01012345);
	/* PSE-36: PDE bits 13..16 are physical bits 32..35 */
	put32(B_PD + 3 * 4, 0x01000000u | 0xfu << 13 | PS | P);
	expect_gpa(&regs, B_GVA_4M, 0, 0xf01012345ull);
	/* bits 17..21 are reserved (KVM assumes PSE-36, whatever MAXPHYADDR) */
	put32(B_PD + 3 * 4, 0x01000000u | 1u << 21 | PS | P);
	expect_fault(&regs, B_GVA_4M, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PDE);
	put32(B_PD + 3 * 4, 0x01000000u | 1u << 17 | PS | P);
	expect_fault(&regs, B_GVA_4M, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PDE);
	/* a PTE has no reserved bits, not even bit 7 (PAT) */
	put32(B_PT + 2 * 4, 0xfffff000u | 0xfffu);
	expect_gpa(&regs, B_GVA_4K, 0, 0xfffffabcull);
}

static void test_32_pse_off_ignores_ps(void **state)
{
	struct pw_regs regs = regs_32(0);

	(void)state;
	build_32(P | RW);
	/* PS is ignored: the PDE points to a table, here the PT page */
	put32(B_PD + 3 * 4, B_PT | PS | P);
	expect_gpa(&regs, 0x00c02abc, 0, 0x7abc);
}

static void test_32_faults(void **state)
{
	struct pw_regs regs = regs_32(CR4_PSE);

	(void)state;
	build_32(P | RW | US);
	expect_fault(&regs, 0x00801000, 0, -EFAULT, PW_NOT_PRESENT,
		     PW_LEVEL_PDE);
	expect_fault(&regs, 0x00403000, 0, -EFAULT, PW_NOT_PRESENT,
		     PW_LEVEL_PTE);
	put32(B_PD + 1 * 4, 0xfff00000u | P);
	expect_fault(&regs, B_GVA_4K, 0, -EFAULT, PW_TABLE_OUTSIDE_RAM,
		     PW_LEVEL_PTE);
	/* CR3 beyond RAM; its bits above 31 do not count */
	regs.cr3 = 0x10000000ull;
	expect_fault(&regs, B_GVA_4K, 0, -EFAULT, PW_TABLE_OUTSIDE_RAM,
		     PW_LEVEL_PDE);
	regs.cr3 = (1ull << 32) | B_PD;
	expect_fault(&regs, B_GVA_4K, 0, -EFAULT, PW_TABLE_OUTSIDE_RAM,
		     PW_LEVEL_PTE);
}

static void test_32_rights_and_wrap(void **state)
{
	struct pw_regs regs = regs_32(CR4_PSE);

	(void)state;
	build_32(P | RW | US);
	put32(B_PT + 2 * 4, 0x7000 | P | US); /* read-only PTE */
	expect_fault(&regs, B_GVA_4K, PW_WRITE, -EACCES, PW_NOT_WRITABLE,
		     PW_LEVEL_PTE);
	regs.cr0 &= ~CR0_WP;
	expect_gpa(&regs, B_GVA_4K, PW_WRITE, 0x7abc);
	put32(B_PD + 3 * 4, 0x01000000u | PS | P | RW); /* supervisor 4 MiB */
	expect_gpa(&regs, B_GVA_4M, PW_WRITE, 0x01012345);
	expect_fault(&regs, B_GVA_4M, PW_USER, -EACCES, PW_NOT_USER,
		     PW_LEVEL_PDE);
	/* 4 GiB + x is x: 32-bit linear addresses wrap */
	expect_gpa(&regs, (1ull << 32) | B_GVA_4M, 0, 0x01012345);
	expect_gpa(&regs, 0xabcd00000000ull | B_GVA_4K, 0, 0x7abc);
}

/* --- PAE: PDPT[1] -> PD; PD[2] -> PT; PT[3] -> 0x9000; PD[4] 2 MiB */
#define A_GVA_4K 0x40403123ull
#define A_GVA_2M 0x40812345ull

static void build_pae(uint64_t flags)
{
	put64(A_PDPT + 1 * 8, A_PD | P); /* a PDPTE has no R/W, U/S */
	put64(A_PD + 2 * 8, A_PT | flags);
	put64(A_PT + 3 * 8, 0x9000 | flags);
	put64(A_PD + 4 * 8, 0x00200000ull | PS | flags);
}

static void test_pae_translations(void **state)
{
	struct pw_regs regs = regs_pae();

	(void)state;
	build_pae(P | RW | US);
	expect_gpa(&regs, A_GVA_4K, PW_WRITE | PW_USER, 0x9123);
	expect_gpa(&regs, A_GVA_2M, PW_WRITE | PW_USER, 0x212345);
	/* PAE reaches physical addresses above 4 GiB */
	put64(A_PT + 3 * 8, 0x123456789000ull | P);
	expect_gpa(&regs, A_GVA_4K, 0, 0x123456789123ull);
	/* wraps at 4 GiB */
	expect_gpa(&regs, (1ull << 32) | A_GVA_2M, 0, 0x212345);
	/* CR4.PSE means nothing here */
	regs.cr4 |= CR4_PSE;
	expect_gpa(&regs, A_GVA_2M, 0, 0x212345);
}

static void test_pae_faults(void **state)
{
	struct pw_regs regs = regs_pae();

	(void)state;
	build_pae(P | RW);
	expect_fault(&regs, 0x00000000, 0, -EFAULT, PW_NOT_PRESENT,
		     PW_LEVEL_PDPTE);
	expect_fault(&regs, 0x40000000, 0, -EFAULT, PW_NOT_PRESENT,
		     PW_LEVEL_PDE);
	expect_fault(&regs, 0x40402000, 0, -EFAULT, PW_NOT_PRESENT,
		     PW_LEVEL_PTE);
	/* R/W, U/S (bits 1, 2), bits 5..8 and NX are reserved in a PDPTE */
	put64(A_PDPT + 1 * 8, A_PD | P | RW);
	expect_fault(&regs, A_GVA_4K, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PDPTE);
	put64(A_PDPT + 1 * 8, A_PD | P | PS);
	expect_fault(&regs, A_GVA_4K, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PDPTE);
	put64(A_PDPT + 1 * 8, A_PD | P | NX);
	expect_fault(&regs, A_GVA_4K, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PDPTE);
	put64(A_PDPT + 1 * 8, A_PD | P);
	/* bits 52..62 are reserved in PAE entries (ignored in long mode) */
	put64(A_PT + 3 * 8, 1ull << 60 | 0x9000 | P);
	expect_fault(&regs, A_GVA_4K, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PTE);
	put64(A_PT + 3 * 8, NX | 0x9000 | P);
	expect_gpa(&regs, A_GVA_4K, 0, 0x9123);
	regs.efer = 0;
	expect_fault(&regs, A_GVA_4K, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PTE);
	put64(A_PD + 4 * 8, 0x00200000ull | 1ull << 13 | PS | P);
	expect_fault(&regs, A_GVA_2M, 0, -EFAULT, PW_RESERVED, PW_LEVEL_PDE);
	/* the PDPT itself outside RAM, and a PD outside RAM */
	put64(A_PDPT + 1 * 8, 0x40000000ull | P);
	expect_fault(&regs, A_GVA_4K, 0, -EFAULT, PW_TABLE_OUTSIDE_RAM,
		     PW_LEVEL_PDE);
	regs.cr3 = 0xffffffe0u;
	expect_fault(&regs, A_GVA_4K, 0, -EFAULT, PW_TABLE_OUTSIDE_RAM,
		     PW_LEVEL_PDPTE);
}

static void test_pae_rights(void **state)
{
	struct pw_regs regs = regs_pae();

	(void)state;
	build_pae(P | RW | US);
	put64(A_PD + 2 * 8, A_PT | P | RW); /* supervisor from the PDE */
	expect_fault(&regs, A_GVA_4K, PW_USER, -EACCES, PW_NOT_USER,
		     PW_LEVEL_PDE);
	expect_gpa(&regs, A_GVA_4K, PW_WRITE, 0x9123);
	put64(A_PT + 3 * 8, 0x9000 | P | US);
	expect_fault(&regs, A_GVA_4K, PW_WRITE, -EACCES, PW_NOT_WRITABLE,
		     PW_LEVEL_PTE);
	regs.cr0 &= ~CR0_WP;
	expect_gpa(&regs, A_GVA_4K, PW_WRITE, 0x9123);
}

/* A RAM size that is not a multiple of the entry size: the last entry is
 * cut, and the walker refuses it rather than read past the end. */
static void test_entry_cut_by_ram_end(void **state)
{
	struct guest_mem small = {mem.host, PAGE(2) + 4};
	struct pw_regs regs = regs_long();
	struct pw_fault fault;
	gpa_t gpa;

	(void)state;
	regs.cr3 = PAGE(2);
	assert_int_equal(pw_translate(&small, &regs, 0, 0, &gpa, &fault),
			 -EFAULT);
	assert_int_equal(fault.kind, PW_TABLE_OUTSIDE_RAM);
	assert_int_equal(fault.level, PW_LEVEL_PML4E);
}

static void test_messages(void **state)
{
	struct pw_regs regs = regs_long();
	struct pw_fault fault;
	struct errbuf err;
	gpa_t gpa;

	(void)state;
	build_long(P | RW);
	put64(L_PD + 2 * 8, 0);
	pw_translate(&mem, &regs, L_GVA_4K, 0, &gpa, &fault);
	assert_int_equal(pw_fault_message(&fault, L_GVA_4K, &err), -EFAULT);
	assert_string_equal(err.msg, "GVA 0x40403045 not present at PDE "
				     "(entry 0x0 at GPA 0x3010)");
	pw_translate(&mem, &regs, L_GVA_2M, PW_USER, &gpa, &fault);
	assert_int_equal(pw_fault_message(&fault, L_GVA_2M, &err), -EACCES);
	assert_string_equal(err.msg, "GVA 0x40a12345 not user-accessible at "
				     "PML4E (entry 0x2003 at GPA 0x1000)");
	regs.cr3 = PAGE(100);
	pw_translate(&mem, &regs, 0, 0, &gpa, &fault);
	pw_fault_message(&fault, 0, &err);
	assert_string_equal(err.msg, "GVA 0x0: its PML4E at GPA 0x64000 is "
				     "outside guest RAM");
	pw_translate(&mem, &regs, 1ull << 47, 0, &gpa, &fault);
	pw_fault_message(&fault, 1ull << 47, &err);
	assert_string_equal(err.msg, "GVA 0x800000000000 not canonical");
	fault.kind = PW_OK;
	assert_int_equal(pw_fault_message(&fault, 0, &err), 0);
	assert_string_equal(pw_level_name(PW_LEVEL_PDPTE), "PDPTE");
	assert_string_equal(pw_level_name((enum pw_level)9), "none");
	assert_string_equal(pw_fault_name((enum pw_fault_kind)99),
			    "unknown fault");
}

static void set_leaf(struct kvm_cpuid_entry2 *e, uint32_t function,
		     uint32_t eax, uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	*e = (struct kvm_cpuid_entry2){.function = function,
				       .eax = eax,
				       .ebx = ebx,
				       .ecx = ecx,
				       .edx = edx};
}

static void test_cpu_from_cpuid(void **state)
{
	struct kvm_cpuid2 *c =
		calloc(1, sizeof(*c) + 4 * sizeof(struct kvm_cpuid_entry2));
	struct kvm_cpuid_entry2 *e;
	struct pw_cpu cpu;

	(void)state;
	assert_non_null(c);
	c->nent = 4;
	e = c->entries;
	/* "AuthenticAMD" is ebx "Auth", edx "enti", ecx "cAMD" */
	set_leaf(&e[0], 0, 0x10, 0x68747541, 0x444d4163, 0x69746e65);
	set_leaf(&e[1], 0x80000000, 0x80000008, 0, 0, 0);
	set_leaf(&e[2], 0x80000001, 0, 0, 0, 1u << 26);
	set_leaf(&e[3], 0x80000008, 0x3028, 0, 0, 0);
	pw_cpu_from_cpuid(c, &cpu);
	assert_int_equal(cpu.maxphyaddr, 40);
	assert_int_equal(cpu.gbpages, 1);
	assert_int_equal(cpu.amd, 1);
	/* "GenuineIntel", no leaf 0x80000008 announced: KVM's default 36 */
	set_leaf(&e[0], 0, 0x10, 0x756e6547, 0x6c65746e, 0x49656e69);
	set_leaf(&e[1], 0x80000000, 0x80000001, 0, 0, 0);
	set_leaf(&e[2], 0x80000001, 0, 0, 0, 0);
	pw_cpu_from_cpuid(c, &cpu);
	assert_int_equal(cpu.maxphyaddr, 36);
	assert_int_equal(cpu.gbpages, 0);
	assert_int_equal(cpu.amd, 0);
	free(c);
}

static void test_translate_fn(void **state)
{
	struct kvm_sregs sregs = {.cr0 = CR0_PE | CR0_PG,
				  .cr3 = L_PML4,
				  .cr4 = CR4_PAE,
				  .efer = EFER_LME | EFER_LMA};
	struct pw_context ctx = {.mem = &mem};
	uint64_t gpa = 0;

	(void)state;
	build_long(P); /* read-only, supervisor: a supervisor read passes */
	pw_regs_from_sregs(&sregs, &cpu52, &ctx.regs);
	assert_int_equal(ctx.regs.cr3, L_PML4);
	assert_int_equal(pw_translate_fn(&ctx, L_GVA_4K, &gpa), 0);
	assert_int_equal(gpa, 0x12345045);
	assert_int_equal(pw_translate_fn(&ctx, 1ull << 39, &gpa), -EFAULT);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_long_page_sizes),
		T(test_long_not_present_each_level),
		T(test_long_table_outside_ram),
		T(test_long_reserved_bits),
		T(test_long_maxphyaddr_and_nx),
		T(test_long_canonical_and_la57),
		T(test_long_rights),
		T(test_paging_off),
		T(test_bad_registers),
		T(test_32_4k_and_4m),
		T(test_32_pse_off_ignores_ps),
		T(test_32_faults),
		T(test_32_rights_and_wrap),
		T(test_pae_translations),
		T(test_pae_faults),
		T(test_pae_rights),
		T(test_entry_cut_by_ram_end),
		T(test_messages),
		T(test_cpu_from_cpuid),
		T(test_translate_fn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
