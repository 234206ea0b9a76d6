/* bus.h - a bus of registered address ranges: one for port I/O, one for MMIO.
 */
#ifndef BUS_H
#define BUS_H

#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"

/*
 * What an access came to, beside an error (a negative errno with one line
 * in the errbuf). A device returns BUS_OK, BUS_RESET, BUS_STOP or
 * BUS_TRAP; the bus adds BUS_UNCLAIMED. The run loop turns RESET, STOP and
 * TRAP into events, so a reboot is never mistaken for a failure.
 */
enum bus_result {
	BUS_OK = 0,	   /* a device served the access */
	BUS_UNCLAIMED = 1, /* no device holds the whole access */
	BUS_RESET = 2,	   /* served; the guest asked to reset the machine */
	BUS_STOP = 3,	   /* served; the guest asked to stop (power off) */
	BUS_TRAP = 4,	   /* a debugger's trap: its stub looks (gdbstub.h) */
};

/*
 * A device's handlers. off is the access's offset from the range's base,
 * len is 1 to 8 and [off, off + len) lies inside the range. read fills
 * data (little-endian, as the guest sees it); write reads it. Each returns
 * an enum bus_result other than BUS_UNCLAIMED, or a negative errno with one
 * line in err. A NULL handler reads as all ones and ignores writes.
 */
typedef int (*bus_read_fn)(void *opaque, uint64_t off, void *data, uint32_t len,
			   struct errbuf *err);
typedef int (*bus_write_fn)(void *opaque, uint64_t off, const void *data,
			    uint32_t len, struct errbuf *err);

struct bus_range {
	uint64_t base;
	uint64_t last; /* inclusive, so a range may end at the top */
	const char *name;
	bus_read_fn read;
	bus_write_fn write;
	void *opaque;
};

/* One guest access, as an exit reports it. */
struct bus_access {
	uint64_t addr;
	int is_write;
	void *data; /* len bytes: filled on a read, read on a write */
	uint32_t len;
};

/*
 * Ranges sorted by base and never overlapping, so that a look-up is a
 * binary search. Not locked: one vCPU thread at a time, or the caller's
 * lock (a handler may register or unregister ranges of any bus, its own
 * included: dispatch copies the range before calling it).
 */
struct bus {
	const char *name; /* "port", "mmio": for messages */
	uint64_t max;	  /* highest address (0xffff for ports) */
	/* Empty-bus behaviour: an unclaimed read gives all ones and an
	 * unclaimed write is dropped, with BUS_OK (as on a PC's buses). */
	int unclaimed_ok;
	struct bus_range *ranges;
	size_t n, cap;
};

/* An empty bus whose addresses run from 0 to max. */
void bus_init(struct bus *bus, const char *name, uint64_t max);

/* Frees the ranges; safe on a zeroed or freed bus. */
void bus_free(struct bus *bus);

/*
 * Registers [base, base + len) for a device named name (kept, not copied).
 * Refuses an empty range, one that wraps or passes max (-EINVAL), and one
 * that overlaps a registered range (-EEXIST, naming both), with one line.
 */
int bus_register(struct bus *bus, uint64_t base, uint64_t len, const char *name,
		 bus_read_fn read, bus_write_fn write, void *opaque,
		 struct errbuf *err);

/* Removes the range that starts at base: 0, or -ENOENT with one line. */
int bus_unregister(struct bus *bus, uint64_t base, struct errbuf *err);

/* The range holding addr, or NULL. The pointer lasts until the next
 * register or unregister. O(log n). */
const struct bus_range *bus_find(const struct bus *bus, uint64_t addr);

/*
 * Hands the access to the device whose range holds all of it. Returns the
 * device's result, or BUS_UNCLAIMED (the data is then all ones) when no
 * range holds it all, or BUS_OK for that when the bus has unclaimed_ok.
 * A len of 0 or more than 8 is -EINVAL. Errors carry one line in err.
 */
int bus_dispatch(struct bus *bus, const struct bus_access *a,
		 struct errbuf *err);

#endif
