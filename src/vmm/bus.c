/* bus.c - registered ranges kept sorted, found by binary search. */
#include "bus.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void bus_init(struct bus *bus, const char *name, uint64_t max)
{
	memset(bus, 0, sizeof(*bus));
	bus->name = name;
	bus->max = max;
}

void bus_free(struct bus *bus)
{
	free(bus->ranges);
	bus->ranges = NULL;
	bus->n = 0;
	bus->cap = 0;
}

/* The index of the first range whose base is above addr (0..n). */
static size_t upper_bound(const struct bus *bus, uint64_t addr)
{
	size_t lo = 0, hi = bus->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bus->ranges[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct bus_range *bus_find(const struct bus *bus, uint64_t addr)
{
	size_t i = upper_bound(bus, addr);

	if (i == 0 || addr > bus->ranges[i - 1].last)
		return NULL;
	return &bus->ranges[i - 1];
}

static int grow(struct bus *bus, struct errbuf *err)
{
	size_t cap = bus->cap ? bus->cap * 2 : 16;
	struct bus_range *r;

	if (bus->n < bus->cap)
		return 0;
	r = realloc(bus->ranges, cap * sizeof(*r));
	if (!r)
		return err_fail(err, ENOMEM, "%s bus: no memory for a range",
				bus->name);
	bus->ranges = r;
	bus->cap = cap;
	return 0;
}

/* The registered range that shares an address with [base, last], or NULL:
 * only the neighbours at the insertion point can, as none overlap. */
static const struct bus_range *overlap(const struct bus *bus, size_t at,
				       uint64_t base, uint64_t last)
{
	if (at > 0 && bus->ranges[at - 1].last >= base)
		return &bus->ranges[at - 1];
	if (at < bus->n && bus->ranges[at].base <= last)
		return &bus->ranges[at];
	return NULL;
}

int bus_register(struct bus *bus, uint64_t base, uint64_t len, const char *name,
		 bus_read_fn read, bus_write_fn write, void *opaque,
		 struct errbuf *err)
{
	const struct bus_range *clash;
	uint64_t last;
	size_t at;
	int ret;

	if (len == 0 || __builtin_add_overflow(base, len - 1, &last) ||
	    last > bus->max)
		return err_fail(err, EINVAL,
				"%s bus: %s: range 0x%" PRIx64 " + 0x%" PRIx64
				" is empty or outside 0..0x%" PRIx64,
				bus->name, name, base, len, bus->max);
	at = upper_bound(bus, base);
	clash = overlap(bus, at, base, last);
	if (clash)
		return err_fail(err, EEXIST,
				"%s bus: %s at 0x%" PRIx64 "-0x%" PRIx64
				" overlaps %s at 0x%" PRIx64 "-0x%" PRIx64,
				bus->name, name, base, last, clash->name,
				clash->base, clash->last);
	ret = grow(bus, err);
	if (ret < 0)
		return ret;
	memmove(&bus->ranges[at + 1], &bus->ranges[at],
		(bus->n - at) * sizeof(bus->ranges[0]));
	bus->ranges[at] =
		(struct bus_range){base, last, name, read, write, opaque};
	bus->n++;
	return 0;
}

int bus_unregister(struct bus *bus, uint64_t base, struct errbuf *err)
{
	size_t i = upper_bound(bus, base);

	if (i == 0 || bus->ranges[i - 1].base != base)
		return err_fail(err, ENOENT,
				"%s bus: no range starts at 0x%" PRIx64,
				bus->name, base);
	memmove(&bus->ranges[i - 1], &bus->ranges[i],
		(bus->n - i) * sizeof(bus->ranges[0]));
	bus->n--;
	return 0;
}

int bus_dispatch(struct bus *bus, const struct bus_access *a,
		 struct errbuf *err)
{
	const struct bus_range *found;
	struct bus_range r;
	uint64_t end;

	if (a->len == 0 || a->len > 8)
		return err_fail(err, EINVAL,
				"%s bus: access of %u bytes at 0x%" PRIx64,
				bus->name, a->len, a->addr);
	found = bus_find(bus, a->addr);
	if (!found || __builtin_add_overflow(a->addr, a->len - 1, &end) ||
	    end > found->last) {
		if (!a->is_write)
			memset(a->data, 0xff, a->len);
		return bus->unclaimed_ok ? BUS_OK : BUS_UNCLAIMED;
	}
	r = *found; /* the handler may change the bus */
	if (a->is_write)
		return r.write ? r.write(r.opaque, a->addr - r.base, a->data,
					 a->len, err)
			       : BUS_OK;
	if (!r.read) {
		memset(a->data, 0xff, a->len);
		return BUS_OK;
	}
	return r.read(r.opaque, a->addr - r.base, a->data, a->len, err);
}
