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
int load_flat(const struct guest_mem *mem, gpa_t load_addr, const void *image,
	      size_t size, const char *name, struct errbuf *err);

/*
 * Reads a whole file into a malloc'ed buffer (the caller frees it).
 * Refuses a missing, unreadable, empty or over-LOADER_MAX_FILE file with
 * a message naming the path.
 */
int load_read_file(const char *path, uint8_t **data, size_t *size,
		   struct errbuf *err);

#endif
