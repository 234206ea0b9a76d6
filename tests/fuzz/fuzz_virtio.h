/* fuzz_virtio.h - what the virtio device harnesses (fuzz_virtio_blk,
 * fuzz_virtio_console, fuzz_virtio_net) share: a check that aborts naming
 * its place, the fake transport's needs_reset count and checks, and
 * little-endian reads of the input that read zeros past its end. */
#ifndef FUZZ_VIRTIO_H
#define FUZZ_VIRTIO_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtio_dev.h"

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__,     \
				#cond);                                        \
			abort();                                               \
		}                                                              \
	} while (0)

struct fake_transport {
	struct virtio_transport t;
	int resets;
};

/* A needs_reset: counted, and its one line names the device (prefix). */
static inline void fuzz_count_reset(struct virtio_transport *t,
				    const char *why, const char *prefix)
{
	struct fake_transport *f = (struct fake_transport *)(void *)t;

	f->resets++;
#ifdef FUZZ_TRACE
	fprintf(stderr, "needs reset: %s\n", why);
#endif
	CHECK(strncmp(why, prefix, strlen(prefix)) == 0);
	CHECK(!strchr(why, '\n'));
}

/* bytes (at most 4) at offset at of the input d[0..n), little-endian. */
static inline unsigned fuzz_get(const uint8_t *d, size_t n, size_t at,
				unsigned bytes)
{
	unsigned v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (at + i < n ? d[at + i] : 0u) << (8 * i);
	return v;
}

#endif
