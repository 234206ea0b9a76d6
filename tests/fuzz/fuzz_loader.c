/* fuzz_loader.c - libFuzzer harness for loader_load_image: arbitrary bytes as a
 * guest file (ELF32, ELF64 or flat) into fake guest RAM of an input-chosen
 * size.
 *
 * The RAM ends exactly where one 4 MiB malloc'ed block ends, and the part
 * of the block before it is poisoned, so that ASan sees any access outside
 * it (a fresh malloc per input would be as exact, but ten times slower);
 * the file is the tail of libFuzzer's own exactly sized buffer, so that
 * ASan sees any read past it. On success the image
 * is checked against an independent reading of the file: every loaded
 * segment lies in RAM clear of the stack, hypercall and VMM areas, holds
 * the file's bytes then zeros, and the entry point lies in one of them.
 *
 * Input:
 *   byte 0      flat load address: 0 LAYOUT_IMAGE_BASE (0x1000), 1 u32,
 *               2 u64, 3 (u32 % RAM pages) * 4 KiB; mod 4
 *   bytes 1-2   RAM pages - 32, mod 993: 128 KiB .. 4 MiB, whole pages
 *   bytes 3-10  the address (u32 or u64, little-endian) for modes 1-3
 *   bytes 11-   the file
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "layout.h"
#include "loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER	  11u
#define NAME	  "fuzz.img"
#define MIN_PAGES (LAYOUT_RAM_MIN / LAYOUT_PAGE_SIZE)
#define MAX_PAGES 1024u /* 4 MiB */

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_loader: %s:%d: %s\n", __FILE__,  \
				__LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

static uint64_t le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* [a, a + alen) and [b, b + blen) share a byte (ranges inside RAM). */
static int overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* loader_check_range's rule, from layout.h: in RAM, and clear of the stack
 * and hypercall area and of the VMM area at the end of RAM. */
static int range_ok(uint64_t ram, uint64_t gpa, uint64_t len)
{
	if (gpa > ram || len > ram - gpa)
		return 0;
	return !overlap(gpa, len, LAYOUT_STACK_BOTTOM,
			LAYOUT_LOW_RESERVED_END - LAYOUT_STACK_BOTTOM) &&
	       !overlap(gpa, len, ram - LAYOUT_VMM_AREA_SIZE,
			LAYOUT_VMM_AREA_SIZE);
}

struct seg {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

/* Program header i of a file whose header the loader accepted. */
static struct seg segment(const uint8_t *f, int elf64, uint64_t phoff,
			  unsigned i)
{
	struct seg s;

	if (elf64) {
		const uint8_t *p = f + phoff + (uint64_t)i * 56;

		s = (struct seg){(uint32_t)le(p, 4), le(p + 8, 8),
				 le(p + 16, 8),	     le(p + 24, 8),
				 le(p + 32, 8),	     le(p + 40, 8)};
	} else {
		const uint8_t *p = f + phoff + (uint64_t)i * 32;

		s = (struct seg){(uint32_t)le(p, 4), le(p + 4, 4),
				 le(p + 8, 4),	     le(p + 12, 4),
				 le(p + 16, 4),	     le(p + 20, 4)};
	}
	return s;
}

/* A successful ELF load, checked against the file and the RAM. */
static void check_elf(const uint8_t *f, size_t fsize, const uint8_t *ram,
		      uint64_t ram_size, const struct loaded_image *img)
{
	int elf64 = f[EI_CLASS] == ELFCLASS64;
	uint64_t entry = elf64 ? le(f + 24, 8) : le(f + 24, 4);
	uint64_t phoff = elf64 ? le(f + 32, 8) : le(f + 28, 4);
	unsigned phnum = (unsigned)(elf64 ? le(f + 56, 2) : le(f + 44, 2));
	uint64_t lowest = UINT64_MAX, highest = 0;
	int entry_in = 0, last = -1;

	CHECK(f[EI_CLASS] == ELFCLASS32 || elf64);
	CHECK(img->elf_class == (elf64 ? 64 : 32));
	CHECK(le(f + 16, 2) == ET_EXEC);
	CHECK(le(f + 18, 2) == (elf64 ? EM_X86_64 : EM_386));
	CHECK(phnum > 0);
	CHECK(phoff <= fsize && phnum * (elf64 ? 56u : 32u) <= fsize - phoff);
	for (unsigned i = 0; i < phnum; i++) {
		struct seg s = segment(f, elf64, phoff, i);

		if (s.type != PT_LOAD || s.memsz == 0)
			continue;
		CHECK(s.filesz <= s.memsz);
		CHECK(s.offset <= fsize && s.filesz <= fsize - s.offset);
		CHECK(range_ok(ram_size, s.paddr, s.memsz));
		lowest = s.paddr < lowest ? s.paddr : lowest;
		highest = s.paddr + s.memsz > highest ? s.paddr + s.memsz
						      : highest;
		if (s.vaddr == s.paddr && entry >= s.vaddr &&
		    entry - s.vaddr < s.memsz)
			entry_in = 1;
		last = (int)i;
	}
	CHECK(last >= 0 && entry_in);
	CHECK(img->entry == entry);
	CHECK(img->lowest == lowest && img->highest == highest);
	/* The last segment loaded is whole: its bytes, then zeros. */
	{
		struct seg s = segment(f, elf64, phoff, (unsigned)last);

		CHECK(memcmp(ram + s.paddr, f + s.offset, s.filesz) == 0);
		for (uint64_t i = s.filesz; i < s.memsz; i++)
			CHECK(ram[s.paddr + i] == 0);
	}
}

static uint8_t *block; /* the largest RAM; smaller ones are its tail */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t pages, ram_size, addr = LAYOUT_IMAGE_BASE;
	const uint8_t *file;
	size_t fsize;
	struct loaded_image img;
	struct guest_mem mem;
	struct errbuf err;
	uint8_t *ram;
	int ret, elf;

	if (size < HEADER)
		return -1; /* not worth keeping in the corpus */
	pages = MIN_PAGES + le(data + 1, 2) % (MAX_PAGES - MIN_PAGES + 1);
	ram_size = pages * LAYOUT_PAGE_SIZE;
	switch (data[0] % 4) {
	case 1:
		addr = le(data + 3, 4);
		break;
	case 2:
		addr = le(data + 3, 8);
		break;
	case 3:
		addr = le(data + 3, 4) % pages * LAYOUT_PAGE_SIZE;
		break;
	}
	file = data + HEADER;
	fsize = size - HEADER;
	elf = fsize >= SELFMAG && memcmp(file, ELFMAG, SELFMAG) == 0;

	if (!block) {
		block = malloc(MAX_PAGES * LAYOUT_PAGE_SIZE);
		CHECK(block);
	}
	ram = block + (MAX_PAGES - pages) * LAYOUT_PAGE_SIZE;
	ASAN_POISON_MEMORY_REGION(block, (size_t)(ram - block));
	mem = (struct guest_mem){ram, ram_size};
	memset(&err, 0, sizeof(err));
	memset(&img, 0xcc, sizeof(img));
	ret = loader_load_image(&mem, file, fsize, addr, NAME, &img, &err);

#ifdef FUZZ_TRACE /* -DFUZZ_TRACE: say what the loader did */
	fprintf(stderr, "%" PRIu64 " KiB RAM, flat at 0x%" PRIx64 ": %d %s\n",
		ram_size >> 10, addr, ret, err.msg);
#endif
	CHECK(ret <= 0);
	CHECK(memchr(err.msg, 0, sizeof(err.msg)) != NULL);
	if (ret) {
		/* Every refusal names the file. */
		CHECK(strstr(err.msg, NAME) != NULL);
		CHECK(ret == -ENOEXEC || ret == -ERANGE || ret == -EINVAL);
		if (!elf)
			CHECK(!range_ok(ram_size, addr, fsize));
	} else if (elf) {
		check_elf(file, fsize, ram, ram_size, &img);
	} else {
		CHECK(range_ok(ram_size, addr, fsize));
		CHECK(img.elf_class == 0 && img.entry == addr);
		CHECK(img.lowest == addr && img.highest == addr + fsize);
		CHECK(fsize == 0 || memcmp(ram + addr, file, fsize) == 0);
	}
	ASAN_UNPOISON_MEMORY_REGION(block, (size_t)(ram - block));
	return 0;
}
