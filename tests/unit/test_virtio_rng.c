/* test_virtio_rng.c - the entropy device driven through fake guest RAM. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "virtio_rng.h"
#include "virtq_driver.h"

#define QSIZE 8u
#define FILL  0xa5u

struct fix {
	struct vrng r;
	struct drv d;
	struct fake_transport t;
	struct errbuf err;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	vrng_init(&f->r);
	drv_init(&f->d, QSIZE);
	fake_transport_init(&f->t);
	assert_int_equal(vrng_ops.features(&f->r), 0);
	assert_int_equal(vrng_ops.activate(&f->r, &f->d.mem,
					   1ull << VIRTIO_F_VERSION_1,
					   &f->d.addr, &f->t.t, &f->err),
			 0);
	memset(f->d.ram + DRV_DATA, FILL, DRV_RAM_SIZE - DRV_DATA);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	drv_free(&f->d);
	vrng_destroy(&f->r);
	free(f);
	return 0;
}

/* Bytes of [gpa, gpa + len) that still hold the fill byte. */
static unsigned unchanged(const struct fix *f, gpa_t gpa, unsigned len)
{
	unsigned n = 0;

	for (unsigned i = 0; i < len; i++)
		n += f->d.ram[gpa + i] == FILL;
	return n;
}

static uint32_t used_len(const struct fix *f, uint16_t i, uint32_t head)
{
	uint32_t id, len;

	drv_used_elem(&f->d, i, &id, &len);
	assert_int_equal(id, head);
	return len;
}

static void test_fills_buffers(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_DATA, 64, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
		 1);
	drv_desc(&f->d, 1, DRV_DATA + 0x100, 200, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 0);
	drv_desc(&f->d, 5, DRV_DATA + 0x1000, 32, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 5);
	vrng_notify(&f->r, 0);
	assert_int_equal(drv_used_idx(&f->d), 2);
	assert_int_equal(used_len(f, 0, 0), 264);
	assert_int_equal(used_len(f, 1, 5), 32);
	/* random bytes: about 1 in 256 keeps the fill by chance */
	assert_true(unchanged(f, DRV_DATA, 64) < 16);
	assert_true(unchanged(f, DRV_DATA + 0x100, 200) < 32);
	assert_true(unchanged(f, DRV_DATA + 0x1000, 32) < 12);
	/* nothing around them */
	assert_int_equal(unchanged(f, DRV_DATA + 64, 0x100 - 64), 0x100 - 64);
	assert_int_equal(unchanged(f, DRV_DATA + 0x100 + 200, 64), 64);
	assert_int_equal(f->t.notified, 1);
}

static void test_bounded_per_request(void **state)
{
	struct fix *f = *state;
	const unsigned big = 3 * VRNG_REQUEST_MAX;

	drv_desc(&f->d, 0, DRV_DATA, VRNG_REQUEST_MAX - 100,
		 VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&f->d, 1, DRV_DATA + 0x8000, big, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 0);
	vrng_notify(&f->r, 0);
	assert_int_equal(used_len(f, 0, 0), VRNG_REQUEST_MAX);
	assert_true(unchanged(f, DRV_DATA + 0x8000, 100) < 20);
	assert_int_equal(unchanged(f, DRV_DATA + 0x8000 + 100, big - 100),
			 big - 100);
}

static void test_readable_buffer_resets(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_DATA, 16, 0, 0);
	drv_offer(&f->d, 0);
	vrng_notify(&f->r, 0);
	assert_int_equal(f->t.resets, 1);
	assert_non_null(strstr(
		f->t.why,
		"virtio-rng: request 0: a readable buffer on the entropy "
		"queue"));
	assert_int_equal(drv_used_idx(&f->d), 0);
	assert_int_equal(unchanged(f, DRV_DATA, 16), 16);
	/* stopped */
	drv_desc(&f->d, 1, DRV_DATA + 0x100, 16, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 1);
	vrng_notify(&f->r, 0);
	assert_int_equal(drv_used_idx(&f->d), 0);
	assert_int_equal(f->t.resets, 1);
}

static void test_bad_ring_resets(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_RAM_SIZE - 8, 16, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 0);
	vrng_notify(&f->r, 0);
	assert_int_equal(f->t.resets, 1);
	assert_non_null(strstr(f->t.why, "virtio-rng: virtqueue: chain 0: a "
					 "buffer at 0x3fff8 (16 bytes) is "
					 "outside RAM"));
	assert_int_equal(unchanged(f, DRV_RAM_SIZE - 8, 8), 8);
}

static void test_no_config_and_reset(void **state)
{
	struct fix *f = *state;
	uint32_t v = 7;

	assert_int_equal(vrng_ops.config_read(&f->r, 0, &v, 4), -EINVAL);
	assert_int_equal(v, 0);
	assert_int_equal(vrng_ops.config_write(&f->r, 0, &v, 4), -EINVAL);
	vrng_ops.reset(&f->r);
	drv_desc(&f->d, 0, DRV_DATA, 16, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 0);
	vrng_notify(&f->r, 0); /* reset: the queue is gone */
	assert_int_equal(drv_used_idx(&f->d), 0);
	assert_int_equal(unchanged(f, DRV_DATA, 16), 16);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_fills_buffers),		T(test_bounded_per_request),
		T(test_readable_buffer_resets), T(test_bad_ring_resets),
		T(test_no_config_and_reset),
	};

	return cmocka_run_group_tests_name("virtio_rng", tests, NULL, NULL);
}
