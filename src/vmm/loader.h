/* loader.h - placing guest images in guest RAM. */
#ifndef LOADER_H
#define LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"
#include "guest_mem.h"

/* The largest guest file the loader reads (it must fit in RAM anyway). */
#define LOADER_MAX_FILE (64ull << 20)

/*
 * Checks that [gpa, gpa + len) lies in guest RAM and overlaps neither the
 * stack and hypercall area nor the VMM area (see layout.h). 0 or -EINVAL /
 * -ERANGE with a message naming `what` and the addresses.
 */
int loader_check_range(const struct guest_mem *mem, gpa_t gpa, uint64_t len,
		       const char *what, struct errbuf *err);

/* Copies a flat image to load_addr after loader_check_range. */
int loader_load_flat(const struct guest_mem *mem, gpa_t load_addr,
		     const void *image, size_t size, const char *name,
		     struct errbuf *err);

/* What a loaded image tells the VMM. */
struct loaded_image {
	uint64_t entry; /* where the vCPU starts */
	int elf_class;	/* 32 or 64 for an ELF file, 0 for a flat binary */
	uint64_t lowest, highest; /* guest physical range the image occupies */
};

/*
 * Loads an ELF executable (32- or 64-bit x86, PT_LOAD segments at their
 * physical addresses, bss zeroed, entry from the header) or, when data
 * does not start with the ELF magic, a flat binary at flat_addr entered
 * at its first byte. Every header field is checked against the file's
 * size and every segment with loader_check_range, with overflow-safe
 * arithmetic; a malformed file is refused with a message naming `name`.
 */
int loader_load_image(const struct guest_mem *mem, const uint8_t *data,
		      size_t size, gpa_t flat_addr, const char *name,
		      struct loaded_image *img, struct errbuf *err);

/*
 * Reads a whole file into a malloc'ed buffer (the caller frees it).
 * Refuses a missing, unreadable, empty or over-LOADER_MAX_FILE file with
 * a message naming the path.
 */
int loader_read_file(const char *path, uint8_t **data, size_t *size,
		     struct errbuf *err);

/* The same with a limit of max bytes instead of LOADER_MAX_FILE (a Linux
 * vmlinux, which --mem bounds anyway). */
int loader_read_file_max(const char *path, uint64_t max, uint8_t **data,
			 size_t *size, struct errbuf *err);

#endif
