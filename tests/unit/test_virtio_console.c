/* test_virtio_console.c - the console device driven through fake guest RAM:
 * the transmit queue into an outbuf (and its stall when full), typed bytes
 * into the receive queue, and the rule breaks that stop it. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "virtio_console.h"
#include "virtq_driver.h"

#define QSIZE 8u
/* The transmit queue's rings, beside the receive queue's (virtq_driver.h's
 * fixed ones). */
#define TX_DESC	 0x5000u
#define TX_AVAIL 0x6000u
#define TX_USED	 0x6800u

struct fix {
	struct vcon c;
	struct drv d;
	struct fake_transport t;
	struct outbuf ob;
	struct errbuf err;
	struct virtio_queue_addr addr[2];
	uint16_t tx_avail;
	int pipe[2]; /* the outbuf's reader, for the tests that drain it */
};

static int activate(struct fix *f)
{
	return vcon_ops.activate(&f->c, &f->d.mem, 1ull << VIRTIO_F_VERSION_1,
				 f->addr, &f->t.t, &f->err);
}

/* A console whose outbuf writes to a pipe (high-water mark hw) or, with
 * hw 0, keeps everything. */
static struct fix *make(size_t hw, int escape)
{
	struct fix *f = calloc(1, sizeof(*f));

	drv_init(&f->d, QSIZE);
	fake_transport_init(&f->t);
	f->pipe[0] = f->pipe[1] = -1;
	if (hw) {
		assert_int_equal(pipe2(f->pipe, O_NONBLOCK), 0);
		outbuf_init_on(&f->ob, f->pipe[1], hw);
	} else {
		outbuf_init_on(&f->ob, -1, 0);
	}
	vcon_init(&f->c, &f->ob, escape);
	f->addr[VCON_RXQ] = f->d.addr;
	f->addr[VCON_TXQ] =
		(struct virtio_queue_addr){QSIZE, TX_DESC, TX_AVAIL, TX_USED};
	assert_int_equal(vcon_ops.features(&f->c), 0);
	assert_int_equal(activate(f), 0);
	return f;
}

static int setup(void **state)
{
	*state = make(0, 0);
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	outbuf_close(&f->ob);
	if (f->pipe[0] >= 0) {
		close(f->pipe[0]);
		close(f->pipe[1]);
	}
	drv_free(&f->d);
	free(f);
	return 0;
}

/* Transmit descriptor idx: len bytes at gpa holding text (or untouched). */
static void tx_desc(struct fix *f, unsigned idx, gpa_t gpa, const char *text,
		    uint32_t len, uint16_t flags, uint16_t next)
{
	if (text)
		memcpy(f->d.ram + gpa, text, len);
	drv_desc_in(&f->d, TX_DESC, idx, gpa, len, flags, next);
}

static void tx_offer(struct fix *f, uint16_t head)
{
	drv_put16(&f->d, TX_AVAIL + 4 + 2u * (f->tx_avail % QSIZE), head);
	f->tx_avail++;
	drv_put16(&f->d, TX_AVAIL + 2, f->tx_avail);
}

static uint16_t tx_used_idx(const struct fix *f)
{
	return drv_get16(&f->d, TX_USED + 2);
}

static void tx_kick(struct fix *f)
{
	vcon_ops.notify(&f->c, VCON_TXQ);
}

static void rx_kick(struct fix *f)
{
	vcon_ops.notify(&f->c, VCON_RXQ);
}

/* What the outbuf holds, as a string. */
static const char *held(struct fix *f)
{
	static char s[512];
	size_t n = f->ob.len < sizeof(s) - 1 ? f->ob.len : sizeof(s) - 1;

	memcpy(s, f->ob.data + f->ob.start, n);
	s[n] = 0;
	return s;
}

static void test_transmit_reaches_outbuf(void **state)
{
	struct fix *f = *state;
	uint32_t id, len;

	tx_desc(f, 0, DRV_DATA, "hello, ", 7, VIRTQ_DESC_F_NEXT, 1);
	tx_desc(f, 1, DRV_DATA + 0x100, "hvc0\n", 5, 0, 0);
	tx_offer(f, 0);
	tx_desc(f, 4, DRV_DATA + 0x200, "again\n", 6, 0, 0);
	tx_offer(f, 4);
	tx_kick(f);
	assert_string_equal(held(f), "hello, hvc0\nagain\n");
	assert_int_equal(tx_used_idx(f), 2);
	id = drv_get32(&f->d, TX_USED + 4);
	len = drv_get32(&f->d, TX_USED + 8);
	assert_int_equal(id, 0);
	assert_int_equal(len, 0); /* the device wrote nothing into it */
	assert_int_equal(drv_get32(&f->d, TX_USED + 12), 4);
	assert_int_equal(f->t.notified, 1);
	assert_int_equal(f->t.resets, 0);
}

static void test_transmit_escapes_for_a_terminal(void **state)
{
	struct fix *f = make(0, 1);
	const char *line = "\033[1mB\033]0;x\007\n";

	tx_desc(f, 0, DRV_DATA, line, (uint32_t)strlen(line), 0, 0);
	tx_offer(f, 0);
	tx_kick(f);
	(void)state;
	vcon_finish(&f->c);
	assert_string_equal(held(f), "\033[1mB\\x1b]0;x\\x07\n");
	*state = f;
	teardown(state);
}

/* Reads what the pipe has, appended to s at *n. */
static void drain(struct fix *f, char *s, size_t cap, size_t *n)
{
	ssize_t r;

	outbuf_flush(&f->ob);
	while ((r = read(f->pipe[0], s + *n, cap - *n)) > 0)
		*n += (size_t)r;
}

/* A full outbuf leaves the buffer on the ring; room lets it go on, and
 * not a byte is lost or reordered. */
static void test_full_outbuf_stalls_transmit(void **state)
{
	struct fix *f = make(64, 0);
	static char big[3000], got[8192];
	size_t n = 0;
	int pipe_cap = 4096;

	(void)state;
	assert_true(fcntl(f->pipe[1], F_SETPIPE_SZ, pipe_cap) >= pipe_cap);
	pipe_cap = fcntl(f->pipe[1], F_GETPIPE_SZ);
	/* the pipe full, then the outbuf above its mark */
	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	while (write(f->pipe[1], big, sizeof(big)) > 0)
		;
	outbuf_append(&f->ob, "uart line\n", 10);
	outbuf_append(&f->ob, big, 100);
	assert_true(outbuf_full(&f->ob));
	tx_desc(f, 0, DRV_DATA, big, sizeof(big), 0, 0);
	tx_offer(f, 0);
	tx_kick(f);
	assert_int_equal(tx_used_idx(f), 0);
	assert_true(f->c.tx_stalls > 0);
	vcon_poll(&f->c);
	assert_int_equal(tx_used_idx(f), 0);
	/* empty the pipe, drop what was in it before the test's bytes */
	while (read(f->pipe[0], got, sizeof(got)) > 0)
		;
	for (int round = 0; round < 100 && tx_used_idx(f) == 0; round++) {
		drain(f, got, sizeof(got), &n);
		vcon_poll(&f->c);
	}
	drain(f, got, sizeof(got), &n);
	assert_int_equal(tx_used_idx(f), 1);
	assert_int_equal(n, 10 + 100 + sizeof(big));
	assert_memory_equal(got, "uart line\n", 10);
	assert_memory_equal(got + 110, big, sizeof(big));
	assert_int_equal(f->ob.lost, 0);
	*state = f;
	teardown(state);
}

static void test_receive_waits_for_buffers(void **state)
{
	struct fix *f = *state;
	uint32_t id, len;

	assert_int_equal(vcon_receive(&f->c, (const uint8_t *)"ls -l\r", 6), 6);
	assert_int_equal(drv_used_idx(&f->d), 0);
	/* two small buffers: the bytes are split across them, in order */
	drv_desc(&f->d, 0, DRV_DATA, 4, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 0);
	drv_desc(&f->d, 1, DRV_DATA + 0x100, 64, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 1);
	rx_kick(f);
	assert_int_equal(drv_used_idx(&f->d), 2);
	drv_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, 4);
	drv_used_elem(&f->d, 1, &id, &len);
	assert_int_equal(id, 1);
	assert_int_equal(len, 2);
	assert_memory_equal(f->d.ram + DRV_DATA, "ls -", 4);
	assert_memory_equal(f->d.ram + DRV_DATA + 0x100, "l\r", 2);
	assert_int_equal(f->t.notified, 1);
	/* a buffer posted while nothing is held stays posted */
	drv_desc(&f->d, 2, DRV_DATA + 0x200, 64, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 2);
	rx_kick(f);
	assert_int_equal(drv_used_idx(&f->d), 2);
	assert_int_equal(vcon_receive(&f->c, (const uint8_t *)"x", 1), 1);
	assert_int_equal(drv_used_idx(&f->d), 3);
	assert_int_equal(f->d.ram[DRV_DATA + 0x200], 'x');
}

/* With no buffer posted, the device holds VCON_IN_MAX bytes and refuses
 * the rest (the caller keeps them): none is dropped. */
static void test_receive_is_bounded(void **state)
{
	struct fix *f = *state;
	static uint8_t keys[VCON_IN_MAX + 100];

	for (unsigned i = 0; i < sizeof(keys); i++)
		keys[i] = (uint8_t)i;
	assert_int_equal(vcon_receive(&f->c, keys, sizeof(keys)), VCON_IN_MAX);
	assert_int_equal(vcon_receive(&f->c, keys, 1), 0);
	drv_desc(&f->d, 0, DRV_DATA, 8192, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 0);
	rx_kick(f);
	assert_int_equal(drv_used_idx(&f->d), 1);
	assert_memory_equal(f->d.ram + DRV_DATA, keys, VCON_IN_MAX);
	assert_int_equal(vcon_receive(&f->c, keys + VCON_IN_MAX, 100), 100);
}

static void test_writable_buffer_on_transmit_resets(void **state)
{
	struct fix *f = *state;

	tx_desc(f, 0, DRV_DATA, "abc", 3, VIRTQ_DESC_F_WRITE, 0);
	tx_offer(f, 0);
	tx_kick(f);
	assert_int_equal(f->t.resets, 1);
	assert_non_null(strstr(f->t.why,
			       "virtio-console: buffer 0: a device-writable "
			       "buffer on the transmit queue"));
	assert_int_equal(tx_used_idx(f), 0);
	assert_int_equal(f->ob.len, 0);
	/* stopped: later kicks, polls and keys do nothing */
	tx_desc(f, 1, DRV_DATA, "abc", 3, 0, 0);
	tx_offer(f, 1);
	tx_kick(f);
	vcon_poll(&f->c);
	assert_int_equal(tx_used_idx(f), 0);
	assert_int_equal(f->t.resets, 1);
}

static void test_readable_buffer_on_receive_resets(void **state)
{
	struct fix *f = *state;

	drv_desc(&f->d, 0, DRV_DATA, 16, 0, 0);
	drv_offer(&f->d, 0);
	assert_int_equal(vcon_receive(&f->c, (const uint8_t *)"k", 1), 1);
	assert_int_equal(f->t.resets, 1);
	assert_non_null(strstr(f->t.why,
			       "virtio-console: buffer 0: a device-readable "
			       "buffer on the receive queue"));
	assert_int_equal(drv_used_idx(&f->d), 0);
	assert_int_equal(f->d.ram[DRV_DATA], 0);
}

static void test_bad_descriptors_reset(void **state)
{
	struct fix *f = *state;

	/* a buffer past the end of RAM */
	tx_desc(f, 0, DRV_RAM_SIZE - 2, NULL, 16, 0, 0);
	tx_offer(f, 0);
	tx_kick(f);
	assert_int_equal(f->t.resets, 1);
	assert_non_null(strstr(f->t.why, "virtio-console"));
	assert_int_equal(f->ob.len, 0);
	/* after a reset and a new activation, a loop on the receive queue */
	vcon_ops.reset(&f->c);
	memset(f->d.ram, 0, DRV_DATA);
	f->d.avail_idx = 0;
	f->tx_avail = 0;
	assert_int_equal(activate(f), 0);
	drv_desc(&f->d, 0, DRV_DATA, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
		 1);
	drv_desc(&f->d, 1, DRV_DATA, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
		 0);
	drv_offer(&f->d, 0);
	assert_int_equal(vcon_receive(&f->c, (const uint8_t *)"k", 1), 1);
	assert_int_equal(f->t.resets, 2);
	assert_int_equal(drv_used_idx(&f->d), 0);
	/* an avail index that jumps past the queue size */
	vcon_ops.reset(&f->c);
	memset(f->d.ram, 0, DRV_DATA);
	f->d.avail_idx = 0;
	assert_int_equal(activate(f), 0);
	drv_put16(&f->d, TX_AVAIL + 2, QSIZE + 1);
	tx_kick(f);
	assert_int_equal(f->t.resets, 3);
}

static void test_config_space(void **state)
{
	struct fix *f = *state;
	uint64_t v = ~0ull;

	assert_int_equal(vcon_ops.config_read(&f->c, 0, &v, 4), 0);
	assert_int_equal(v, 0xffffffff00000000ull);
	assert_int_equal(vcon_ops.config_read(&f->c, 8, &v, 4), 0);
	assert_int_equal(vcon_ops.config_read(&f->c, 12, &v, 2), -EINVAL);
	assert_int_equal(vcon_ops.config_read(&f->c, 10, &v, 4), -EINVAL);
	assert_int_equal(vcon_ops.config_write(&f->c, 8, &v, 4), -EINVAL);
	assert_int_equal(vcon_ops.device_id, 3);
	assert_int_equal(vcon_ops.num_queues, 2);
}

/* Kicks before activation and after a reset touch nothing. */
static void test_inactive_does_nothing(void **state)
{
	struct fix *f = *state;

	vcon_ops.reset(&f->c);
	tx_desc(f, 0, DRV_DATA, "abc", 3, 0, 0);
	tx_offer(f, 0);
	tx_kick(f);
	vcon_poll(&f->c);
	assert_int_equal(tx_used_idx(f), 0);
	assert_int_equal(f->ob.len, 0);
	/* typed bytes are kept for the next driver */
	assert_int_equal(vcon_receive(&f->c, (const uint8_t *)"z", 1), 1);
	assert_int_equal(activate(f), 0);
	drv_desc(&f->d, 0, DRV_DATA + 0x300, 8, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 0);
	rx_kick(f);
	assert_int_equal(f->d.ram[DRV_DATA + 0x300], 'z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_transmit_reaches_outbuf,
						setup, teardown),
		cmocka_unit_test(test_transmit_escapes_for_a_terminal),
		cmocka_unit_test(test_full_outbuf_stalls_transmit),
		cmocka_unit_test_setup_teardown(test_receive_waits_for_buffers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_is_bounded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_writable_buffer_on_transmit_resets, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_readable_buffer_on_receive_resets, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_bad_descriptors_reset,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_space, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_inactive_does_nothing,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
