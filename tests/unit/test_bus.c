/* test_bus.c - the range bus: refusals, look-up at the edges, dispatch. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bus.h"

/* A device that records its last access and answers with its tag. */
struct rec {
	int tag;
	uint64_t off;
	uint32_t len;
	int writes;
	int result; /* what it returns */
	uint8_t last[8];
};

static int rec_read(void *opaque, uint64_t off, void *data, uint32_t len,
		    struct errbuf *err)
{
	struct rec *r = opaque;

	(void)err;
	r->off = off;
	r->len = len;
	memset(data, r->tag, len);
	return r->result;
}

static int rec_write(void *opaque, uint64_t off, const void *data, uint32_t len,
		     struct errbuf *err)
{
	struct rec *r = opaque;

	r->off = off;
	r->len = len;
	r->writes++;
	memcpy(r->last, data, len);
	if (r->result < 0)
		return err_fail(err, -r->result, "rec %d refused", r->tag);
	return r->result;
}

static int add(struct bus *b, uint64_t base, uint64_t len, struct rec *r,
	       struct errbuf *err)
{
	return bus_register(b, base, len, "rec", rec_read, rec_write, r, err);
}

static void test_overlaps_refused(void **state)
{
	struct errbuf err;
	struct bus b;
	struct rec r = {0};
	/* against [0x100, 0x200): every way a range can touch it */
	static const uint64_t clash[][2] = {
		{0x100, 0x100}, /* the same */
		{0x0f0, 0x020}, /* over its start */
		{0x1f0, 0x020}, /* over its end */
		{0x140, 0x010}, /* inside */
		{0x000, 0x400}, /* around */
		{0x1ff, 0x001}, /* its last byte */
		{0x0ff, 0x002}, /* its first byte and one below */
	};

	(void)state;
	bus_init(&b, "mmio", UINT64_MAX);
	assert_int_equal(add(&b, 0x100, 0x100, &r, &err), 0);
	for (size_t i = 0; i < sizeof(clash) / sizeof(clash[0]); i++) {
		err.msg[0] = '\0';
		assert_int_equal(add(&b, clash[i][0], clash[i][1], &r, &err),
				 -EEXIST);
		assert_non_null(strstr(err.msg, "overlaps rec at 0x100-0x1ff"));
	}
	/* touching is not overlapping */
	assert_int_equal(add(&b, 0x0f0, 0x10, &r, &err), 0);
	assert_int_equal(add(&b, 0x200, 0x10, &r, &err), 0);
	assert_int_equal(b.n, 3);
	bus_free(&b);
}

static void test_empty_wrapping_outside_refused(void **state)
{
	struct errbuf err;
	struct bus ports, mmio;
	struct rec r = {0};

	(void)state;
	bus_init(&ports, "port", 0xffff);
	bus_init(&mmio, "mmio", UINT64_MAX);
	assert_int_equal(add(&ports, 0x60, 0, &r, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "port bus: rec: range 0x60 + 0x0"));
	assert_int_equal(add(&ports, 0xfff0, 0x11, &r, &err), -EINVAL);
	assert_int_equal(add(&ports, 0xfff0, 0x10, &r, &err), 0);
	assert_int_equal(add(&mmio, UINT64_MAX, 2, &r, &err), -EINVAL);
	assert_int_equal(add(&mmio, 16, UINT64_MAX, &r, &err), -EINVAL);
	/* a range may end at the very top */
	assert_int_equal(add(&mmio, UINT64_MAX - 15, 16, &r, &err), 0);
	assert_int_equal(bus_find(&mmio, UINT64_MAX)->base, UINT64_MAX - 15);
	bus_free(&ports);
	bus_free(&mmio);
}

static void test_lookup_edges(void **state)
{
	struct errbuf err;
	struct bus b;
	struct rec r1 = {.tag = 1}, r2 = {.tag = 2};

	(void)state;
	bus_init(&b, "port", 0xffff);
	assert_int_equal(add(&b, 0x3f8, 8, &r1, &err), 0);
	assert_int_equal(add(&b, 0x70, 2, &r2, &err), 0);
	assert_null(bus_find(&b, 0));
	assert_null(bus_find(&b, 0x6f));
	assert_ptr_equal(bus_find(&b, 0x70)->opaque, &r2);
	assert_ptr_equal(bus_find(&b, 0x71)->opaque, &r2);
	assert_null(bus_find(&b, 0x72));
	assert_null(bus_find(&b, 0x3f7));
	assert_ptr_equal(bus_find(&b, 0x3f8)->opaque, &r1);
	assert_ptr_equal(bus_find(&b, 0x3ff)->opaque, &r1);
	assert_null(bus_find(&b, 0x400));
	assert_null(bus_find(&b, 0xffff));
	bus_free(&b);
}

static void test_dispatch(void **state)
{
	struct errbuf err;
	struct bus b;
	struct rec r = {.tag = 0x5a};
	uint8_t buf[8];
	uint32_t v = 0x12345678;
	struct bus_access rd = {0xcfc, 0, buf, 4};
	struct bus_access wr = {0xcfe, 1, &v, 2};

	(void)state;
	bus_init(&b, "port", 0xffff);
	assert_int_equal(add(&b, 0xcf8, 8, &r, &err), 0);
	assert_int_equal(bus_dispatch(&b, &rd, &err), BUS_OK);
	assert_int_equal(r.off, 4);
	assert_int_equal(r.len, 4);
	assert_int_equal(buf[3], 0x5a);
	assert_int_equal(bus_dispatch(&b, &wr, &err), BUS_OK);
	assert_int_equal(r.off, 6);
	assert_memory_equal(r.last, &v, 2);

	/* the device's own results come through unchanged */
	r.result = BUS_RESET;
	assert_int_equal(bus_dispatch(&b, &wr, &err), BUS_RESET);
	r.result = BUS_STOP;
	assert_int_equal(bus_dispatch(&b, &wr, &err), BUS_STOP);
	r.result = -EIO;
	assert_int_equal(bus_dispatch(&b, &wr, &err), -EIO);
	assert_string_equal(err.msg, "rec 90 refused");
	r.result = 0;

	/* nobody there, or an access that runs off the end of a range */
	rd.addr = 0x80;
	assert_int_equal(bus_dispatch(&b, &rd, &err), BUS_UNCLAIMED);
	assert_int_equal(buf[0], 0xff);
	rd.addr = 0xcfe;
	r.writes = 0;
	assert_int_equal(bus_dispatch(&b, &rd, &err), BUS_UNCLAIMED);
	/* unless the bus is a PC's, where nobody reads all ones */
	b.unclaimed_ok = 1;
	memset(buf, 0, sizeof(buf));
	assert_int_equal(bus_dispatch(&b, &rd, &err), BUS_OK);
	assert_int_equal(buf[0] & buf[3], 0xff);
	wr.addr = 0x1000;
	assert_int_equal(bus_dispatch(&b, &wr, &err), BUS_OK);
	assert_int_equal(r.writes, 0);

	rd.len = 0;
	assert_int_equal(bus_dispatch(&b, &rd, &err), -EINVAL);
	rd.len = 9;
	assert_int_equal(bus_dispatch(&b, &rd, &err), -EINVAL);
	bus_free(&b);
}

static void test_unregister(void **state)
{
	struct errbuf err;
	struct bus b;
	struct rec r = {.tag = 1};

	(void)state;
	bus_init(&b, "mmio", UINT64_MAX);
	assert_int_equal(add(&b, 0xc0000000, 0x1000, &r, &err), 0);
	assert_int_equal(bus_unregister(&b, 0xc0000001, &err), -ENOENT);
	assert_int_equal(bus_unregister(&b, 0xbfffffff, &err), -ENOENT);
	assert_int_equal(bus_unregister(&b, 0xc0000000, &err), 0);
	assert_null(bus_find(&b, 0xc0000000));
	assert_int_equal(bus_unregister(&b, 0xc0000000, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no range starts at 0xc0000000"));
	/* the freed place takes a new range, as a moved BAR does */
	assert_int_equal(add(&b, 0xc0000800, 0x1000, &r, &err), 0);
	assert_int_equal(bus_find(&b, 0xc00017ff)->base, 0xc0000800);
	bus_free(&b);
}

/* Registered in a scrambled order, every range is found at both ends and
 * the gaps between are not. */
static void test_many_ranges(void **state)
{
	enum { N = 1000 };
	struct errbuf err;
	struct bus b;
	struct rec r = {0};

	(void)state;
	bus_init(&b, "mmio", UINT64_MAX);
	for (unsigned i = 0; i < N; i++) {
		unsigned k = (i * 577) % N; /* 577 is prime to N */

		assert_int_equal(add(&b, 0x10000 + k * 0x100, 0x80, &r, &err),
				 0);
	}
	assert_int_equal(b.n, N);
	for (unsigned k = 0; k < N; k++) {
		uint64_t base = 0x10000 + k * 0x100;

		assert_int_equal(bus_find(&b, base)->base, base);
		assert_int_equal(bus_find(&b, base + 0x7f)->base, base);
		assert_null(bus_find(&b, base + 0x80));
		assert_null(bus_find(&b, base - 1));
	}
	for (unsigned k = 0; k < N; k += 2)
		assert_int_equal(bus_unregister(&b, 0x10000 + k * 0x100, &err),
				 0);
	assert_int_equal(b.n, N / 2);
	for (unsigned k = 0; k < N; k++)
		assert_true((bus_find(&b, 0x10000 + k * 0x100 + 1) != NULL) ==
			    (k % 2 == 1));
	bus_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlaps_refused),
		cmocka_unit_test(test_empty_wrapping_outside_refused),
		cmocka_unit_test(test_lookup_edges),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_unregister),
		cmocka_unit_test(test_many_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
