/* test_pvh.c - the vmlinux loader against a hand-made ELF: what it accepts,
 * every refusal of a malformed file, and the start info it writes. */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bzimage.h"
#include "fake_vmlinux.h"
#include "pvh.h"

#define RAM_SIZE (8u << 20)

static uint8_t elf[FV_SIZE];

static Elf64_Phdr *phdr(unsigned i)
{
	return (Elf64_Phdr *)(elf + sizeof(Elf64_Ehdr) +
			      i * sizeof(Elf64_Phdr));
}

static Elf64_Ehdr *ehdr(void)
{
	return (Elf64_Ehdr *)elf;
}

static void test_parse_good(void **state)
{
	struct pvh_kernel k;

	(void)state;
	fv_make(elf, 1);
	assert_int_equal(pvh_parse(elf, sizeof(elf), &k, NULL), 0);
	assert_true(k.has_note);
	assert_int_equal(k.entry, FV_ENTRY);
	assert_int_equal(k.start, FV_TEXT_PADDR);
	/* where start is linked, for gdb's image alias */
	assert_int_equal(k.vstart, 0xffffffff80200000ULL);
	/* the percpu segment (vaddr 0) counts by its p_paddr */
	assert_int_equal(k.end, FV_PCPU_PADDR + FV_PCPU_SIZE);
	assert_int_equal(k.nload, 2);
}

/* A 4-byte note value is taken as well as Linux's 8-byte one. */
static void test_parse_short_note(void **state)
{
	uint32_t entry = FV_ENTRY + 4;
	struct pvh_kernel k;

	(void)state;
	fv_make(elf, 0);
	phdr(2)->p_filesz += fv_note(elf + FV_NOTE_OFF + phdr(2)->p_filesz,
				     "Xen", 18, &entry, 4);
	assert_int_equal(pvh_parse(elf, sizeof(elf), &k, NULL), 0);
	assert_true(k.has_note);
	assert_int_equal(k.entry, FV_ENTRY + 4);
}

/* Without the note the file parses, and pvh_load refuses it. */
static void test_no_note(void **state)
{
	struct guest_mem mem = {calloc(1, RAM_SIZE), RAM_SIZE};
	struct pvh_boot_args args = {"", 2047, NULL, 0, 0};
	struct pvh_layout lay;
	struct pvh_kernel k;
	struct errbuf err;

	(void)state;
	fv_make(elf, 0);
	assert_int_equal(pvh_parse(elf, sizeof(elf), &k, NULL), 0);
	assert_false(k.has_note);
	assert_int_equal(
		pvh_load(&mem, elf, sizeof(elf), &k, &args, &lay, &err),
		-ENOEXEC);
	assert_non_null(strstr(err.msg, "CONFIG_PVH"));
	free(mem.host);
}

static int parse_fails(const char *want)
{
	struct pvh_kernel k;
	struct errbuf err;
	int ret = pvh_parse(elf, sizeof(elf), &k, &err);

	if (ret != -ENOEXEC || !strstr(err.msg, want))
		print_error("got %d '%s', want '%s'\n", ret, err.msg, want);
	return ret == -ENOEXEC && strstr(err.msg, want);
}

static void test_parse_refusals(void **state)
{
	uint64_t big = 0x100000000ULL;
	uint16_t two = 2;

	(void)state;
	fv_make(elf, 1);
	ehdr()->e_machine = EM_386;
	assert_true(parse_fails("not an x86-64 ELF64"));
	fv_make(elf, 1);
	elf[EI_CLASS] = ELFCLASS32;
	assert_true(parse_fails("not an x86-64 ELF64"));
	fv_make(elf, 1);
	ehdr()->e_phoff = FV_SIZE - 8;
	assert_true(parse_fails("program headers"));
	fv_make(elf, 1);
	ehdr()->e_phnum = 0;
	assert_true(parse_fails("program headers"));
	fv_make(elf, 1);
	phdr(0)->p_offset = FV_SIZE - 8;
	assert_true(parse_fails("segment 0"));
	fv_make(elf, 1);
	phdr(1)->p_filesz = FV_PCPU_SIZE + 1;
	assert_true(parse_fails("segment 1"));
	fv_make(elf, 1);
	phdr(1)->p_paddr = 0x9f000; /* below 1 MiB: the loader's own pages */
	assert_true(parse_fails("below 1 MiB"));
	fv_make(elf, 1);
	phdr(1)->p_paddr = UINT64_MAX - 0x10;
	assert_true(parse_fails("segment 1"));
	fv_make(elf, 1);
	phdr(2)->p_offset = FV_SIZE;
	phdr(2)->p_filesz = 1;
	assert_true(parse_fails("PT_NOTE 2"));
	fv_make(elf, 1);
	phdr(2)->p_filesz -= 4; /* the PVH note's value cut short */
	assert_true(parse_fails("runs past"));
	fv_make(elf, 1);
	phdr(0)->p_type = PT_NULL;
	phdr(1)->p_type = PT_NULL;
	assert_true(parse_fails("no PT_LOAD"));
	/* the note's value: its size, its range, where it points */
	fv_make(elf, 0);
	phdr(2)->p_filesz += fv_note(elf + FV_NOTE_OFF + phdr(2)->p_filesz,
				     "Xen", 18, &two, 2);
	assert_true(parse_fails("not 4 or 8"));
	fv_make(elf, 0);
	phdr(2)->p_filesz += fv_note(elf + FV_NOTE_OFF + phdr(2)->p_filesz,
				     "Xen", 18, &big, 8);
	assert_true(parse_fails("not a 32-bit address"));
	fv_make(elf, 1);
	phdr(0)->p_filesz = 0x10; /* the entry now lies in the bss */
	assert_true(parse_fails("in no segment"));
	/* a note of another owner with type 18 is not the PVH note */
	fv_make(elf, 0);
	phdr(2)->p_filesz += fv_note(elf + FV_NOTE_OFF + phdr(2)->p_filesz,
				     "Xem", 18, &big, 8);
	{
		struct pvh_kernel k;

		assert_int_equal(pvh_parse(elf, sizeof(elf), &k, NULL), 0);
		assert_false(k.has_note);
	}
}

static uint8_t initrd[0x3000];

static void test_load_layout(void **state)
{
	struct guest_mem mem = {malloc(RAM_SIZE), RAM_SIZE};
	struct pvh_boot_args args = {"console=ttyS0 quiet", 2047, initrd,
				     sizeof(initrd), 0xe0000};
	struct bz_e820 map[BZ_E820_MAX];
	struct pvh_layout lay;
	struct pvh_kernel k;
	uint32_t u32;
	uint64_t u64;
	size_t n;

	(void)state;
	memset(mem.host, 0xaa, RAM_SIZE); /* the bss must be zeroed */
	memset(initrd, 0x17, sizeof(initrd));
	fv_make(elf, 1);
	assert_int_equal(pvh_parse(elf, sizeof(elf), &k, NULL), 0);
	assert_int_equal(
		pvh_load(&mem, elf, sizeof(elf), &k, &args, &lay, NULL), 0);
	assert_memory_equal(mem.host + FV_TEXT_PADDR, elf + FV_TEXT_OFF,
			    FV_TEXT_FILESZ);
	for (unsigned i = FV_TEXT_FILESZ; i < FV_TEXT_MEMSZ; i++)
		assert_int_equal(mem.host[FV_TEXT_PADDR + i], 0);
	assert_memory_equal(mem.host + FV_PCPU_PADDR, elf + FV_PCPU_OFF,
			    FV_PCPU_SIZE);
	assert_int_equal(mem.host[0], 0xaa); /* nothing at vaddr 0 */
	/* the initrd: at the top, page-aligned, whole */
	assert_int_equal(lay.initrd_addr, RAM_SIZE - sizeof(initrd));
	assert_int_equal(lay.initrd_addr & 0xfff, 0);
	assert_memory_equal(mem.host + lay.initrd_addr, initrd, sizeof(initrd));
	/* struct hvm_start_info, field by field at start_info.h's offsets */
	memcpy(&u32, mem.host + PVH_START_INFO, 4);
	assert_int_equal(u32, PVH_START_MAGIC);
	memcpy(&u32, mem.host + PVH_START_INFO + 4, 4);
	assert_int_equal(u32, 1); /* version: the memmap fields exist */
	memcpy(&u32, mem.host + PVH_START_INFO + 12, 4);
	assert_int_equal(u32, 1); /* nr_modules */
	memcpy(&u64, mem.host + PVH_START_INFO + 16, 8);
	assert_int_equal(u64, PVH_MODLIST);
	memcpy(&u64, mem.host + PVH_START_INFO + 24, 8);
	assert_int_equal(u64, PVH_CMDLINE_ADDR);
	assert_string_equal((char *)mem.host + PVH_CMDLINE_ADDR,
			    "console=ttyS0 quiet");
	memcpy(&u64, mem.host + PVH_START_INFO + 32, 8);
	assert_int_equal(u64, 0xe0000); /* rsdp_paddr: the ACPI RSDP */
	memcpy(&u64, mem.host + PVH_START_INFO + 40, 8);
	assert_int_equal(u64, PVH_MEMMAP);
	n = bz_e820_map(RAM_SIZE, map);
	memcpy(&u32, mem.host + PVH_START_INFO + 48, 4);
	assert_int_equal(u32, n);
	assert_int_equal(lay.memmap_entries, n);
	/* the module: the initrd's address and size */
	memcpy(&u64, mem.host + PVH_MODLIST, 8);
	assert_int_equal(u64, lay.initrd_addr);
	memcpy(&u64, mem.host + PVH_MODLIST + 8, 8);
	assert_int_equal(u64, sizeof(initrd));
	/* the memmap: the e820 map, 24 bytes an entry */
	for (size_t i = 0; i < n; i++) {
		const uint8_t *e = mem.host + PVH_MEMMAP + 24 * i;

		memcpy(&u64, e, 8);
		assert_int_equal(u64, map[i].addr);
		memcpy(&u64, e + 8, 8);
		assert_int_equal(u64, map[i].size);
		memcpy(&u32, e + 16, 4);
		assert_int_equal(u32, map[i].type);
	}
	free(mem.host);
}

/* Without an initrd: no module, and nothing at its address. */
static void test_load_no_initrd(void **state)
{
	struct guest_mem mem = {calloc(1, RAM_SIZE), RAM_SIZE};
	struct pvh_boot_args args = {"", 2047, NULL, 0, 0};
	struct pvh_layout lay;
	struct pvh_kernel k;
	uint32_t u32;

	(void)state;
	fv_make(elf, 1);
	assert_int_equal(pvh_parse(elf, sizeof(elf), &k, NULL), 0);
	assert_int_equal(
		pvh_load(&mem, elf, sizeof(elf), &k, &args, &lay, NULL), 0);
	memcpy(&u32, mem.host + PVH_START_INFO + 12, 4);
	assert_int_equal(u32, 0);
	assert_int_equal(lay.initrd_size, 0);
	free(mem.host);
}

static void test_load_refusals(void **state)
{
	struct guest_mem mem = {calloc(1, RAM_SIZE), RAM_SIZE};
	struct guest_mem small = {mem.host, FV_PCPU_PADDR + 0x40};
	char cmdline[3000];
	struct pvh_boot_args args = {"", 2047, NULL, 0, 0};
	struct pvh_layout lay;
	struct pvh_kernel k;
	struct errbuf err;

	(void)state;
	fv_make(elf, 1);
	assert_int_equal(pvh_parse(elf, sizeof(elf), &k, NULL), 0);
	/* the percpu segment's end lies past this RAM */
	assert_int_equal(
		pvh_load(&small, elf, sizeof(elf), &k, &args, &lay, &err),
		-ENOMEM);
	assert_non_null(strstr(err.msg, "the kernel needs RAM up to"));
	/* an initrd that would reach down into the kernel */
	args.initrd = initrd;
	args.initrd_size = RAM_SIZE - FV_PCPU_PADDR;
	assert_int_equal(
		pvh_load(&mem, elf, sizeof(elf), &k, &args, &lay, &err),
		-ENOMEM);
	assert_non_null(strstr(err.msg, "does not fit"));
	/* a command line over the kernel's limit */
	memset(cmdline, 'x', sizeof(cmdline) - 1);
	cmdline[sizeof(cmdline) - 1] = 0;
	args = (struct pvh_boot_args){cmdline, 2047, NULL, 0, 0};
	assert_int_equal(
		pvh_load(&mem, elf, sizeof(elf), &k, &args, &lay, &err),
		-E2BIG);
	assert_non_null(strstr(err.msg, "cmdline_size"));
	free(mem.host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_short_note),
		cmocka_unit_test(test_no_note),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_load_layout),
		cmocka_unit_test(test_load_no_initrd),
		cmocka_unit_test(test_load_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
