/* test_virtqueue.c - the split virtqueue driven as a driver would, through
 * fake guest RAM: good chains, EVENT_IDX across the 16-bit wrap, bad rings. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "virtq_driver.h"
#include "virtqueue.h"

#define QSIZE 16u
#define ALL_FEATURES                                                           \
	(1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_EVENT_IDX |             \
	 1ull << VIRTIO_F_INDIRECT_DESC)

struct fix {
	struct drv d;
	struct virtqueue vq;
	struct vq_chain c;
	struct errbuf err;
};

static int setup_features(void **state, uint64_t features)
{
	struct fix *f = calloc(1, sizeof(*f));

	drv_init(&f->d, QSIZE);
	assert_int_equal(
		vq_activate(&f->vq, &f->d.mem, &f->d.addr, features, &f->err),
		0);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_features(state, ALL_FEATURES);
}

static int setup_plain(void **state)
{
	return setup_features(state, 1ull << VIRTIO_F_VERSION_1);
}

static int teardown(void **state)
{
	struct fix *f = *state;

	drv_free(&f->d);
	free(f);
	return 0;
}

/* --- activation ----------------------------------------------------------- */

static void expect_refused(struct virtio_queue_addr a, const char *words)
{
	struct drv d;
	struct virtqueue vq;
	struct errbuf err = {{0}};

	drv_init(&d, QSIZE);
	assert_int_equal(vq_activate(&vq, &d.mem, &a, ALL_FEATURES, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, words));
	assert_int_equal(vq.size, 0);
	assert_int_equal(vq_pop(&vq, NULL, &err), 0); /* inactive: nothing */
	drv_free(&d);
}

static void test_activation_checks(void **state)
{
	const struct virtio_queue_addr ok = {QSIZE, DRV_DESC, DRV_AVAIL,
					     DRV_USED};
	struct virtio_queue_addr a;

	(void)state;
	a = ok, a.size = 0;
	expect_refused(a, "power of 2");
	a = ok, a.size = 12;
	expect_refused(a, "power of 2");
	a = ok, a.size = VQ_SIZE_MAX * 2;
	expect_refused(a, "power of 2");
	a = ok, a.desc = DRV_DESC + 8;
	expect_refused(a, "descriptor table at 0x1008 is not 16-byte aligned");
	a = ok, a.avail = DRV_AVAIL + 1;
	expect_refused(a, "driver area at 0x3001 is not 2-byte aligned");
	a = ok, a.used = DRV_USED + 2;
	expect_refused(a, "device area at 0x4002 is not 4-byte aligned");
	/* each area's last byte is one past RAM */
	a = ok, a.desc = DRV_RAM_SIZE - 16 * QSIZE + 16;
	expect_refused(
		a, "descriptor table at 0x3ff10 (256 bytes) is outside RAM");
	a = ok, a.avail = DRV_RAM_SIZE - 36;
	expect_refused(a, "driver area at 0x3ffdc (38 bytes) is outside RAM");
	a = ok, a.used = DRV_RAM_SIZE - 132;
	expect_refused(a, "device area at 0x3ff7c (134 bytes) is outside RAM");
	a = ok, a.used = UINT64_MAX - 3;
	expect_refused(a, "outside RAM");
}

static void test_areas_at_the_end_of_ram(void **state)
{
	struct drv d;
	struct virtqueue vq;
	struct errbuf err;
	struct virtio_queue_addr a = {QSIZE, DRV_RAM_SIZE - 16 * QSIZE,
				      DRV_RAM_SIZE - 16 * QSIZE - 64,
				      DRV_RAM_SIZE - 16 * QSIZE - 256};

	(void)state;
	/* the used area is 6 + 8 * 16 = 134 bytes; the driver's 38 */
	drv_init(&d, QSIZE);
	assert_int_equal(vq_activate(&vq, &d.mem, &a, ALL_FEATURES, &err), 0);
	drv_free(&d);
}

/* --- good chains ---------------------------------------------------------- */

static void test_empty_queue(void **state)
{
	struct fix *f = *state;

	assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), 0);
	assert_int_equal(drv_used_idx(&f->d), 0);
}

static void test_direct_chain(void **state)
{
	struct fix *f = *state;
	uint32_t id, len;

	/* a blk-like chain: 16 readable, 2 x 512 writable, 1 writable */
	drv_desc(&f->d, 3, DRV_DATA, 16, VIRTQ_DESC_F_NEXT, 7);
	drv_desc(&f->d, 7, DRV_DATA + 0x1000, 512,
		 VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	drv_desc(&f->d, 1, DRV_DATA + 0x3000, 512,
		 VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 15);
	drv_desc(&f->d, 15, DRV_DATA + 0x5000, 1, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 3);
	assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), 1);
	assert_int_equal(f->c.head, 3);
	assert_int_equal(f->c.n_out, 1);
	assert_int_equal(f->c.n_in, 3);
	assert_int_equal(f->c.out_len, 16);
	assert_int_equal(f->c.in_len, 1025);
	assert_ptr_equal(f->c.seg[0].base, f->d.ram + DRV_DATA);
	assert_ptr_equal(f->c.seg[1].base, f->d.ram + DRV_DATA + 0x1000);
	assert_ptr_equal(f->c.seg[2].base, f->d.ram + DRV_DATA + 0x3000);
	assert_ptr_equal(f->c.seg[3].base, f->d.ram + DRV_DATA + 0x5000);
	assert_int_equal(f->c.seg[3].len, 1);
	/* nothing more */
	assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), 0);
	assert_int_equal(drv_avail_event(&f->d), 1);

	vq_push(&f->vq, 3, 1025);
	assert_int_equal(drv_used_idx(&f->d), 1);
	drv_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(id, 3);
	assert_int_equal(len, 1025);
}

static void test_indirect_chain(void **state)
{
	struct fix *f = *state;
	const gpa_t t = DRV_INDIRECT;

	/* one direct readable buffer, then an indirect table of three */
	drv_desc(&f->d, 0, DRV_DATA, 8, VIRTQ_DESC_F_NEXT, 5);
	drv_desc(&f->d, 5, t, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	drv_desc_in(&f->d, t, 0, DRV_DATA + 8, 8, VIRTQ_DESC_F_NEXT, 2);
	drv_desc_in(&f->d, t, 2, DRV_DATA + 0x1000, 4096,
		    VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	drv_desc_in(&f->d, t, 1, DRV_DATA + 0x3000, 1, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 0);
	assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), 1);
	assert_int_equal(f->c.n_out, 2);
	assert_int_equal(f->c.n_in, 2);
	assert_int_equal(f->c.out_len, 16);
	assert_int_equal(f->c.in_len, 4097);
	assert_ptr_equal(f->c.seg[1].base, f->d.ram + DRV_DATA + 8);
	assert_ptr_equal(f->c.seg[2].base, f->d.ram + DRV_DATA + 0x1000);
}

/* An indirect table may hold more descriptors than the queue has. */
static void test_indirect_longer_than_queue(void **state)
{
	struct fix *f = *state;
	const unsigned n = 3 * QSIZE;

	for (unsigned i = 0; i < n; i++)
		drv_desc_in(&f->d, DRV_INDIRECT, i, DRV_DATA + i, 1,
			    VIRTQ_DESC_F_WRITE |
				    (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0),
			    (uint16_t)(i + 1));
	drv_desc(&f->d, 0, DRV_INDIRECT, n * 16, VIRTQ_DESC_F_INDIRECT, 0);
	drv_offer(&f->d, 0);
	assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), 1);
	assert_int_equal(f->c.n_in, n);
}

/* 70,000 requests: the avail and used indexes run past 65535 and on. */
static void test_indexes_wrap(void **state)
{
	struct fix *f = *state;
	uint32_t id, len;

	for (unsigned i = 0; i < 70000; i++) {
		uint16_t head = (uint16_t)(i % QSIZE);

		drv_desc(&f->d, head, DRV_DATA + head, 1, VIRTQ_DESC_F_WRITE,
			 0);
		drv_offer(&f->d, head);
		assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), 1);
		assert_int_equal(f->c.head, head);
		vq_push(&f->vq, head, i);
	}
	assert_int_equal(drv_used_idx(&f->d), (uint16_t)70000);
	drv_used_elem(&f->d, (uint16_t)69999, &id, &len);
	assert_int_equal(id, 69999 % QSIZE);
	assert_int_equal(len, 69999);
	/* a full queue's worth at once, straddling the wrap */
	for (unsigned i = 0; i < QSIZE; i++) {
		drv_desc(&f->d, i, DRV_DATA, 1, 0, 0);
		drv_offer(&f->d, (uint16_t)i);
	}
	for (unsigned i = 0; i < QSIZE; i++)
		assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), 1);
	assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), 0);
}

/* --- notifications ---------------------------------------------------------
 */

static void test_need_event_rule(void **state)
{
	(void)state;
	/* used went from old to new; notify if event is in (old, new] - 1 */
	assert_true(vq_need_event(0, 1, 0));
	assert_false(vq_need_event(1, 1, 0));
	assert_true(vq_need_event(4, 8, 2));
	assert_true(vq_need_event(2, 8, 2));
	assert_false(vq_need_event(1, 8, 2));
	assert_false(vq_need_event(8, 8, 2));
	/* across the wrap: old 65534, new 1 */
	assert_true(vq_need_event(65534, 1, 65534));
	assert_true(vq_need_event(65535, 1, 65534));
	assert_true(vq_need_event(0, 1, 65534));
	assert_false(vq_need_event(1, 1, 65534));
	assert_false(vq_need_event(65533, 1, 65534));
	/* nothing new: never */
	assert_false(vq_need_event(5, 5, 5));
}

/* Pushes n one-byte requests and returns the notify decision. */
static bool push_n(struct fix *f, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		drv_desc(&f->d, 0, DRV_DATA, 1, VIRTQ_DESC_F_WRITE, 0);
		drv_offer(&f->d, 0);
		assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), 1);
		vq_push(&f->vq, 0, 1);
	}
	return vq_should_notify(&f->vq);
}

static void test_event_idx_decisions(void **state)
{
	struct fix *f = *state;

	/* the first decision always notifies */
	assert_true(push_n(f, 1)); /* used 1 */
	/* the driver waits for used_event 3: 1 -> 3 passes 2 only */
	drv_set_used_event(&f->d, 3);
	assert_false(push_n(f, 2)); /* used 3: event 3 not yet passed */
	assert_true(push_n(f, 1));  /* used 4: passed */
	assert_false(push_n(f, 1)); /* used 5: event stale, no new wish */
	/* run up to the wrap: used 65533 */
	drv_set_used_event(&f->d, 0);
	for (unsigned i = 5; i < 65533; i++)
		push_n(f, 1);
	assert_int_equal(drv_used_idx(&f->d), 65533);
	drv_set_used_event(&f->d, 0); /* wants a kick once used passes 0 */
	assert_false(push_n(f, 2));   /* used 65535 */
	assert_true(push_n(f, 2));    /* used 1: 0 was passed across the wrap */
	drv_set_used_event(&f->d, 1);
	assert_true(push_n(f, 1)); /* used 2 */
	/* NO_INTERRUPT means nothing with EVENT_IDX */
	drv_set_avail_flags(&f->d, VIRTQ_AVAIL_F_NO_INTERRUPT);
	drv_set_used_event(&f->d, 2);
	assert_true(push_n(f, 1));
}

static void test_no_interrupt_flag(void **state)
{
	struct fix *f = *state;

	assert_true(push_n(f, 1));
	drv_set_avail_flags(&f->d, VIRTQ_AVAIL_F_NO_INTERRUPT);
	assert_false(push_n(f, 1));
	drv_set_used_event(&f->d, 0); /* ignored without EVENT_IDX */
	assert_false(push_n(f, 1));
	drv_set_avail_flags(&f->d, 0);
	assert_true(push_n(f, 1));
	/* no avail_event is written without EVENT_IDX */
	assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), 0);
	assert_int_equal(drv_avail_event(&f->d), 0);
}

/* --- bad rings: each stops the queue with one line -------------------------
 */

/* Pops, expects the refusal naming words, then a queue that does nothing. */
static void expect_broken(struct fix *f, const char *words)
{
	uint16_t used = drv_used_idx(&f->d);

	assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), -EINVAL);
	assert_non_null(strstr(f->err.msg, words));
	assert_null(strchr(f->err.msg, '\n'));
	assert_true(f->vq.broken);
	/* stopped: a good chain is not taken, nothing is written back */
	drv_desc(&f->d, 0, DRV_DATA, 1, 0, 0);
	drv_offer(&f->d, 0);
	assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), 0);
	vq_push(&f->vq, 0, 1);
	assert_int_equal(drv_used_idx(&f->d), used);
	assert_false(vq_should_notify(&f->vq));
}

static void test_loop(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 2, DRV_DATA, 1, VIRTQ_DESC_F_NEXT, 9);
	drv_desc(&f->d, 9, DRV_DATA, 1, VIRTQ_DESC_F_NEXT, 2);
	drv_offer(&f->d, 2);
	expect_broken(f, "chain 2 is longer than its table of 16 (a loop?)");
}

static void test_self_loop(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 4, DRV_DATA, 1, VIRTQ_DESC_F_NEXT, 4);
	drv_offer(&f->d, 4);
	expect_broken(f, "a loop");
}

static void test_loop_in_indirect(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_INDIRECT, 4 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	drv_desc_in(&f->d, DRV_INDIRECT, 0, DRV_DATA, 1, VIRTQ_DESC_F_NEXT, 3);
	drv_desc_in(&f->d, DRV_INDIRECT, 3, DRV_DATA, 1, VIRTQ_DESC_F_NEXT, 0);
	drv_offer(&f->d, 0);
	expect_broken(f, "longer than its table of 4");
}

static void test_indirect_in_indirect(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_INDIRECT, 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	drv_desc_in(&f->d, DRV_INDIRECT, 0, DRV_INDIRECT + 0x400, 16,
		    VIRTQ_DESC_F_INDIRECT, 0);
	drv_desc_in(&f->d, DRV_INDIRECT + 0x400, 0, DRV_DATA, 1, 0, 0);
	drv_offer(&f->d, 0);
	expect_broken(f, "an indirect table inside an indirect table");
}

static void test_indirect_with_next(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_INDIRECT, 16,
		 VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&f->d, 1, DRV_DATA, 1, 0, 0);
	drv_desc_in(&f->d, DRV_INDIRECT, 0, DRV_DATA, 1, 0, 0);
	drv_offer(&f->d, 0);
	expect_broken(f, "an indirect descriptor with NEXT set");
}

static void test_indirect_bad_lengths(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_INDIRECT, 24, VIRTQ_DESC_F_INDIRECT, 0);
	drv_offer(&f->d, 0);
	expect_broken(f, "an indirect table of 24 bytes");
	teardown(state);
	setup(state);
	f = *state;
	drv_desc(&f->d, 0, DRV_INDIRECT, 0, VIRTQ_DESC_F_INDIRECT, 0);
	drv_offer(&f->d, 0);
	expect_broken(f, "an indirect table of 0 bytes");
}

static void test_indirect_outside_ram(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_RAM_SIZE - 16, 32, VIRTQ_DESC_F_INDIRECT, 0);
	drv_offer(&f->d, 0);
	expect_broken(f, "an indirect table at 0x3fff0 (32 bytes) is outside");
}

static void test_indirect_not_negotiated(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_INDIRECT, 16, VIRTQ_DESC_F_INDIRECT, 0);
	drv_desc_in(&f->d, DRV_INDIRECT, 0, DRV_DATA, 1, 0, 0);
	drv_offer(&f->d, 0);
	expect_broken(f, "INDIRECT_DESC was not negotiated");
}

static void test_buffer_outside_ram(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_DATA, 16, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&f->d, 1, DRV_RAM_SIZE - 100, 101, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 0);
	expect_broken(f, "a buffer at 0x3ff9c (101 bytes) is outside RAM");
}

static void test_wrapping_length(void **state)
{
	struct fix *f = *state;

	/* address + length wraps to 0x10 past 2^64: inside RAM by a
	 * start-only or wrapped check */
	drv_desc(&f->d, 0, UINT64_MAX - 0xef, 0x100, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 0);
	expect_broken(f, "is outside RAM");
}

static void test_readable_after_writable(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_DATA, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
		 1);
	drv_desc(&f->d, 1, DRV_DATA, 16, 0, 0);
	drv_offer(&f->d, 0);
	expect_broken(f, "a readable buffer after a writable one");
}

static void test_avail_index_jumps(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_DATA, 1, 0, 0);
	drv_set_avail_idx(&f->d, QSIZE + 1);
	expect_broken(f, "avail index 17 is more than the queue size ahead");
}

/* A full queue is fine: exactly size ahead is the most there can be. */
static void test_avail_index_full(void **state)
{
	struct fix *f = *state;

	for (unsigned i = 0; i < QSIZE; i++) {
		drv_desc(&f->d, i, DRV_DATA, 1, 0, 0);
		drv_offer(&f->d, (uint16_t)i);
	}
	for (unsigned i = 0; i < QSIZE; i++)
		assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), 1);
}

/* An index that goes back is 65535 ahead modulo 2^16. */
static void test_avail_index_goes_back(void **state)
{
	struct fix *f = *state;

	assert_true(push_n(f, 3));
	drv_set_avail_idx(&f->d, 2);
	expect_broken(f,
		      "avail index 2 is more than the queue size ahead of 3");
}

static void test_head_out_of_range(void **state)
{
	struct fix *f = *state;

	drv_offer(&f->d, QSIZE);
	expect_broken(f, "head index 16 is past the queue of 16");
}

static void test_next_out_of_range(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_DATA, 1, VIRTQ_DESC_F_NEXT, QSIZE);
	drv_offer(&f->d, 0);
	expect_broken(f, "next index 16 is past its table");
}

static void test_next_out_of_indirect(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_INDIRECT, 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	drv_desc_in(&f->d, DRV_INDIRECT, 0, DRV_DATA, 1, VIRTQ_DESC_F_NEXT, 2);
	drv_offer(&f->d, 0);
	expect_broken(f, "next index 2 is past its table");
}

static void test_too_many_buffers(void **state)
{
	struct fix *f = *state;
	const unsigned n = VQ_SEG_MAX + 1;

	for (unsigned i = 0; i < n; i++)
		drv_desc_in(&f->d, DRV_INDIRECT, i, DRV_DATA, 1,
			    i + 1 < n ? VIRTQ_DESC_F_NEXT : 0,
			    (uint16_t)(i + 1));
	drv_desc(&f->d, 0, DRV_INDIRECT, n * 16, VIRTQ_DESC_F_INDIRECT, 0);
	drv_offer(&f->d, 0);
	expect_broken(f, "has more than 256 buffers");
}

/* A reset forgets everything; a new activation starts again at 0. */
static void test_reset_and_again(void **state)
{
	struct fix *f = *state;

	drv_offer(&f->d, QSIZE);
	assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), -EINVAL);
	vq_reset(&f->vq);
	assert_int_equal(vq_pop(&f->vq, &f->c, &f->err), 0);
	memset(f->d.ram, 0, DRV_RAM_SIZE);
	f->d.avail_idx = 0;
	assert_int_equal(vq_activate(&f->vq, &f->d.mem, &f->d.addr,
				     ALL_FEATURES, &f->err),
			 0);
	assert_true(push_n(f, 1));
}

#define T(fn)	    cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define T_PLAIN(fn) cmocka_unit_test_setup_teardown(fn, setup_plain, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_activation_checks),
		cmocka_unit_test(test_areas_at_the_end_of_ram),
		T(test_empty_queue),
		T(test_direct_chain),
		T(test_indirect_chain),
		T(test_indirect_longer_than_queue),
		T(test_indexes_wrap),
		cmocka_unit_test(test_need_event_rule),
		T(test_event_idx_decisions),
		T_PLAIN(test_no_interrupt_flag),
		T(test_loop),
		T(test_self_loop),
		T(test_loop_in_indirect),
		T(test_indirect_in_indirect),
		T(test_indirect_with_next),
		T(test_indirect_bad_lengths),
		T(test_indirect_outside_ram),
		T_PLAIN(test_indirect_not_negotiated),
		T(test_buffer_outside_ram),
		T(test_wrapping_length),
		T(test_readable_after_writable),
		T(test_avail_index_jumps),
		T(test_avail_index_full),
		T(test_avail_index_goes_back),
		T(test_head_out_of_range),
		T(test_next_out_of_range),
		T(test_next_out_of_indirect),
		T(test_too_many_buffers),
		T(test_reset_and_again),
	};

	return cmocka_run_group_tests_name("virtqueue", tests, NULL, NULL);
}
