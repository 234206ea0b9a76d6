/* test_elf.c - the ELF loader against well-formed and malformed files built in
 * memory. */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "layout.h"
#include "loader.h"

#define RAM_SIZE (1u << 20)
static uint8_t ram[RAM_SIZE];
static const struct guest_mem mem = {ram, RAM_SIZE};

/* An ELF64 executable: header, one program header, then 16 bytes of code
 * loaded at 0x1000 with 0x100 bytes of memory (the rest is bss). */
struct elf64_file {
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint8_t code[16];
};

static struct elf64_file make_elf64(void)
{
	struct elf64_file f;

	memset(&f, 0, sizeof(f));
	memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
	f.eh.e_ident[EI_CLASS] = ELFCLASS64;
	f.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f.eh.e_ident[EI_VERSION] = EV_CURRENT;
	f.eh.e_type = ET_EXEC;
	f.eh.e_machine = EM_X86_64;
	f.eh.e_version = EV_CURRENT;
	f.eh.e_entry = 0x1004;
	f.eh.e_phoff = offsetof(struct elf64_file, ph);
	f.eh.e_ehsize = sizeof(Elf64_Ehdr);
	f.eh.e_phentsize = sizeof(Elf64_Phdr);
	f.eh.e_phnum = 1;
	f.ph.p_type = PT_LOAD;
	f.ph.p_offset = offsetof(struct elf64_file, code);
	f.ph.p_vaddr = f.ph.p_paddr = 0x1000;
	f.ph.p_filesz = sizeof(f.code);
	f.ph.p_memsz = 0x100;
	memset(f.code, 0x90, sizeof(f.code));
	return f;
}

static int load(const void *file, size_t size, struct errbuf *err)
{
	struct loaded_image img;

	return loader_load_image(&mem, file, size, LAYOUT_IMAGE_BASE, "t.elf",
				 &img, err);
}

static void test_valid_elf64(void **state)
{
	struct elf64_file f = make_elf64();
	struct loaded_image img;

	(void)state;
	memset(ram, 0xcc, RAM_SIZE); /* bss must come out zeroed */
	assert_int_equal(loader_load_image(&mem, (uint8_t *)&f, sizeof(f),
					   0x1000, "t.elf", &img, NULL),
			 0);
	assert_int_equal(img.entry, 0x1004);
	assert_int_equal(img.elf_class, 64);
	assert_int_equal(ram[0x1000], 0x90);
	assert_int_equal(ram[0x100f], 0x90);
	assert_int_equal(ram[0x1010], 0);
	assert_int_equal(ram[0x10ff], 0);
	assert_int_equal(ram[0x1100], 0xcc); /* past memsz: untouched */
}

static void test_valid_elf32(void **state)
{
	struct {
		Elf32_Ehdr eh;
		Elf32_Phdr ph;
		uint8_t code[4];
	} f;
	struct loaded_image img;

	(void)state;
	memset(&f, 0, sizeof(f));
	memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
	f.eh.e_ident[EI_CLASS] = ELFCLASS32;
	f.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f.eh.e_ident[EI_VERSION] = EV_CURRENT;
	f.eh.e_type = ET_EXEC;
	f.eh.e_machine = EM_386;
	f.eh.e_entry = 0x2000;
	f.eh.e_phoff = sizeof(Elf32_Ehdr);
	f.eh.e_phentsize = sizeof(Elf32_Phdr);
	f.eh.e_phnum = 1;
	f.ph.p_type = PT_LOAD;
	f.ph.p_offset = sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr);
	f.ph.p_vaddr = f.ph.p_paddr = 0x2000;
	f.ph.p_filesz = f.ph.p_memsz = 4;
	assert_int_equal(loader_load_image(&mem, (uint8_t *)&f, sizeof(f),
					   0x1000, "t.elf", &img, NULL),
			 0);
	assert_int_equal(img.elf_class, 32);
	assert_int_equal(img.entry, 0x2000);
}

/* Each mutation must be refused with a message naming the file. */
static void expect_refused(struct elf64_file *f, size_t size, const char *why)
{
	struct errbuf err;

	assert_true(load((uint8_t *)f, size, &err) < 0);
	assert_non_null(strstr(err.msg, "t.elf"));
	if (!strstr(err.msg, why))
		fail_msg("message '%s' lacks '%s'", err.msg, why);
}

static void test_malformed_headers(void **state)
{
	struct elf64_file f;

	(void)state;
	f = make_elf64();
	expect_refused(&f, 20, "truncated ELF header");
	f = make_elf64();
	f.eh.e_ident[EI_CLASS] = 7;
	expect_refused(&f, sizeof(f), "not a little-endian");
	f = make_elf64();
	f.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	expect_refused(&f, sizeof(f), "not a little-endian");
	f = make_elf64();
	f.eh.e_type = ET_DYN;
	expect_refused(&f, sizeof(f), "only executables");
	f = make_elf64();
	f.eh.e_machine = EM_AARCH64;
	expect_refused(&f, sizeof(f), "not x86");
	f = make_elf64();
	f.eh.e_phentsize = 12;
	expect_refused(&f, sizeof(f), "program headers");
	f = make_elf64();
	f.eh.e_phnum = 0;
	expect_refused(&f, sizeof(f), "program headers");
	f = make_elf64();
	f.eh.e_phoff = UINT64_MAX - 8; /* offset + size would wrap */
	expect_refused(&f, sizeof(f), "past the end of the file");
	f = make_elf64();
	f.eh.e_phnum = 2; /* the second header runs past the file */
	expect_refused(&f, sizeof(f), "past the end of the file");
}

static void test_malformed_segments(void **state)
{
	struct elf64_file f;

	(void)state;
	f = make_elf64();
	f.ph.p_filesz = 0x200; /* more file than memory */
	expect_refused(&f, sizeof(f), "exceeds memory size");
	f = make_elf64();
	f.ph.p_offset = UINT64_MAX - 4; /* offset + filesz would wrap */
	expect_refused(&f, sizeof(f), "past the end of the file");
	f = make_elf64();
	f.ph.p_paddr = f.ph.p_vaddr = RAM_SIZE - 8;
	f.ph.p_filesz = f.ph.p_memsz = 8; /* inside RAM, in the VMM area */
	f.eh.e_entry = f.ph.p_vaddr;
	expect_refused(&f, sizeof(f), "overlaps the VMM area");
	f = make_elf64();
	f.ph.p_paddr = f.ph.p_vaddr = 0xfffffffffffff000ull;
	f.eh.e_entry = f.ph.p_vaddr;
	expect_refused(&f, sizeof(f), "do not fit");
	f = make_elf64();
	f.ph.p_paddr = f.ph.p_vaddr = LAYOUT_STACK_BOTTOM - 0x10;
	f.eh.e_entry = f.ph.p_vaddr;
	expect_refused(&f, sizeof(f), "overlaps the stack");
	f = make_elf64();
	f.ph.p_type = PT_NOTE;
	expect_refused(&f, sizeof(f), "no PT_LOAD");
	f = make_elf64();
	f.eh.e_entry = 0x5000;
	expect_refused(&f, sizeof(f), "entry point 0x5000");
}

/* Two PT_LOAD segments: the code of make_elf64 at 0x1000 (0x100 bytes of
 * memory) and a second one, data at file offset 0, placed by the caller. */
struct elf64_two {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t code[16];
};

static struct elf64_two make_two(uint64_t paddr, uint64_t filesz,
				 uint64_t memsz)
{
	struct elf64_file one = make_elf64();
	struct elf64_two f;

	memset(&f, 0, sizeof(f));
	f.eh = one.eh;
	f.eh.e_phnum = 2;
	f.ph[0] = one.ph;
	f.ph[0].p_offset = offsetof(struct elf64_two, code);
	f.ph[1] = one.ph;
	f.ph[1].p_offset = 0;
	f.ph[1].p_paddr = paddr;
	f.ph[1].p_vaddr = 0x400000; /* virtual addresses play no part */
	f.ph[1].p_filesz = filesz;
	f.ph[1].p_memsz = memsz;
	memcpy(f.code, one.code, sizeof(f.code));
	return f;
}

static void expect_overlap(uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
	struct elf64_two f = make_two(paddr, filesz, memsz);
	struct errbuf err;

	memset(ram, 0xcc, RAM_SIZE);
	assert_int_equal(load(&f, sizeof(f), &err), -ENOEXEC);
	if (!strstr(err.msg, "t.elf: segment 1 at ") ||
	    !strstr(err.msg, " overlaps segment 0 at 0x1000-0x10ff"))
		fail_msg("0x%llx+0x%llx/0x%llx: '%s'",
			 (unsigned long long)paddr, (unsigned long long)filesz,
			 (unsigned long long)memsz, err.msg);
	/* refused before a byte was copied */
	assert_int_equal(ram[0x1000], 0xcc);
	assert_int_equal(ram[paddr], 0xcc);
}

/* A later segment must not overwrite one already placed, with its bytes
 * or with the zeros of its bss. */
static void test_overlapping_segments(void **state)
{
	struct elf64_two f;

	(void)state;
	expect_overlap(0x800, 0, 0x900);     /* bss over the code */
	expect_overlap(0x800, 0x10, 0x801);  /* one bss byte over it */
	expect_overlap(0x1008, 0x10, 0x10);  /* bytes over the code */
	expect_overlap(0x10ff, 0x10, 0x10);  /* over the code's bss */
	expect_overlap(0x1000, 0x10, 0x100); /* the same range */
	expect_overlap(0x800, 0x10, 0x1000); /* around it */
	/* touching is not overlapping, either side */
	f = make_two(0x1100, 0x10, 0x100);
	assert_int_equal(load(&f, sizeof(f), NULL), 0);
	f = make_two(0x800, 0x10, 0x800);
	assert_int_equal(load(&f, sizeof(f), NULL), 0);
	assert_int_equal(ram[0x1000], 0x90);
}

static void test_flat_fallback(void **state)
{
	const uint8_t flat[] = {0xf4}; /* hlt */
	struct loaded_image img;

	(void)state;
	assert_int_equal(loader_load_image(&mem, flat, sizeof(flat), 0x2000,
					   "f.bin", &img, NULL),
			 0);
	assert_int_equal(img.elf_class, 0);
	assert_int_equal(img.entry, 0x2000);
	assert_int_equal(ram[0x2000], 0xf4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_elf64),
		cmocka_unit_test(test_valid_elf32),
		cmocka_unit_test(test_malformed_headers),
		cmocka_unit_test(test_malformed_segments),
		cmocka_unit_test(test_overlapping_segments),
		cmocka_unit_test(test_flat_fallback),
	};

	return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
