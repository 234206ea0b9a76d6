/* fuzz_virtio_console.c - libFuzzer harness for the virtio console: the input
 * is both queues' registers, the guest's RAM (rings, descriptors, the text
 * it sends) and a sequence of kicks, typed bytes, polls, drains of the
 * output buffer and resets.
 *
 * Input (little-endian; a short input reads zeros):
 *   0      u8   queue size 1 << (v % 9), both queues
 *   1      u8   bit 0 EVENT_IDX, bit 1 INDIRECT_DESC, bit 2 escape for a
 *               terminal, bit 3 a 64-byte high-water mark (stalls often)
 *   2      u8   RAM size: 1 KiB << (v % 5)
 *   3..14  u16  receiveq's descriptor table, driver area, device area,
 *               then transmitq's (GPAs)
 *   15..30 u8   16 steps, each (v & 7): 0 kick transmitq, 1 kick
 *               receiveq, 2 type (v >> 3) + 1 bytes, 3 the driver adds
 *               v >> 3 to transmitq's avail->idx and kicks, 4 the same on
 *               receiveq, 5 a tick (vcon_poll), 6 the output buffer
 *               drains, 7 reset and activate again
 *   31..   RAM from GPA 0 (the rest is zeros)
 *
 * Checked besides ASan/UBSan: the output buffer never loses a byte (a
 * full one stalls the queue instead) and never holds more than one
 * chunk's output above its high-water mark, the device never holds more than
 * VCON_IN_MAX typed bytes and takes no more than it is offered; the
 * transport hears needs_reset at most once per activation, with one line
 * that names the device, and used notifications only for queues 0 and 1;
 * a stopped or inactive device hands nothing back, and it is stopped
 * exactly when its queues are broken; config reads outside the space
 * read as zeros.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_virtio.h"
#include "virtio_console.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER 31u
#define STEPS  16u

static void on_used(struct virtio_transport *t, unsigned q)
{
	(void)t;
	CHECK(q == VCON_RXQ || q == VCON_TXQ);
}

static void on_config(struct virtio_transport *t)
{
	(void)t;
	CHECK(0); /* the console never changes its configuration */
}

static void on_reset(struct virtio_transport *t, const char *why)
{
	fuzz_count_reset(t, why, "virtio-console");
}

struct run {
	struct guest_mem mem;
	struct virtio_queue_addr addr[2];
	struct vcon c;
	struct outbuf ob;
	struct fake_transport t;
	uint64_t features;
	bool active;
	int resets_allowed;
};

static void activate(struct run *r)
{
	struct errbuf err = {{0}};
	int ret = vcon_ops.activate(&r->c, &r->mem, r->features, r->addr,
				    &r->t.t, &err);

	CHECK(ret == 0 || ret == -EINVAL);
	r->active = ret == 0;
	if (ret)
		CHECK(strncmp(err.msg, "virtio-console", 14) == 0);
	else
		r->resets_allowed++;
}

/* After every step. */
static void check(struct run *r, uint16_t rx_before, uint16_t tx_before,
		  bool stopped_before)
{
	CHECK(r->ob.lost == 0);
	/* the device writes only while the buffer is at or below its mark,
	 * one chunk at a time */
	CHECK(r->ob.len <=
	      r->ob.high_water + TERM_FILTER_OUT_MAX(VCON_TX_CHUNK));
	CHECK(r->c.in_len <= VCON_IN_MAX);
	CHECK(r->t.resets <= r->resets_allowed);
	if (r->active) {
		CHECK(r->c.stopped == r->c.rxq.broken);
		CHECK(r->c.stopped == r->c.txq.broken);
	}
	if (stopped_before || !r->active) {
		CHECK(r->c.rxq.used_idx == rx_before);
		CHECK(r->c.txq.used_idx == tx_before);
	}
}

static void add_avail(struct run *r, unsigned q, unsigned by)
{
	const struct virtio_queue_addr *a = &r->addr[q];
	uint16_t idx;

	if (!r->active || a->avail + 4 > r->mem.size)
		return;
	memcpy(&idx, r->mem.host + a->avail + 2, 2);
	idx = (uint16_t)(idx + by);
	memcpy(r->mem.host + a->avail + 2, &idx, 2);
}

static void type(struct run *r, unsigned n)
{
	static const uint8_t keys[32] = "ls -l /sys/class/tty\r\001x\033[A";
	size_t took = vcon_receive(&r->c, keys, n);

	CHECK(took <= n);
}

static void step(struct run *r, unsigned v)
{
	uint16_t rx = r->c.rxq.used_idx, tx = r->c.txq.used_idx;
	bool stopped = r->c.stopped;
	uint64_t cfg = 0;

	switch (v & 7) {
	case 0:
		vcon_ops.notify(&r->c, VCON_TXQ);
		break;
	case 1:
		vcon_ops.notify(&r->c, VCON_RXQ);
		break;
	case 2:
		type(r, (v >> 3) + 1);
		break;
	case 3:
	case 4:
		add_avail(r, (v & 7) == 3 ? VCON_TXQ : VCON_RXQ, v >> 3);
		vcon_ops.notify(&r->c, (v & 7) == 3 ? VCON_TXQ : VCON_RXQ);
		break;
	case 5:
		vcon_poll(&r->c);
		break;
	case 6:
		CHECK(outbuf_flush(&r->ob) == 0);
		CHECK(vcon_ops.config_read(&r->c, (v >> 3) % 16, &cfg, 4) ==
			      0 ||
		      cfg == 0);
		break;
	default:
		vcon_ops.reset(&r->c);
		activate(r);
		return;
	}
	check(r, rx, tx, stopped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run r;
	static int null_fd = -1;
	unsigned flags = fuzz_get(data, size, 1, 1);
	uint16_t qsize = (uint16_t)(1u << (fuzz_get(data, size, 0, 1) % 9));

	if (null_fd < 0)
		null_fd = open("/dev/null", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	CHECK(null_fd >= 0);
	memset(&r, 0, sizeof(r));
	outbuf_init_on(&r.ob, null_fd, flags & 8 ? 64 : 0);
	vcon_init(&r.c, &r.ob, flags & 4);
	r.mem.size = 1024u << (fuzz_get(data, size, 2, 1) % 5);
	r.mem.host = calloc(1, r.mem.size);
	if (size > HEADER)
		memcpy(r.mem.host, data + HEADER,
		       size - HEADER < r.mem.size ? size - HEADER : r.mem.size);
	for (unsigned q = 0; q < 2; q++)
		r.addr[q] = (struct virtio_queue_addr){
			qsize, fuzz_get(data, size, 3 + 6 * q, 2),
			fuzz_get(data, size, 5 + 6 * q, 2),
			fuzz_get(data, size, 7 + 6 * q, 2)};
	r.t.t = (struct virtio_transport){on_used, on_config, on_reset, NULL,
					  NULL};
	CHECK(vcon_ops.features(&r.c) == 0);
	r.features = 1ull << VIRTIO_F_VERSION_1;
	if (flags & 1)
		r.features |= 1ull << VIRTIO_F_EVENT_IDX;
	if (flags & 2)
		r.features |= 1ull << VIRTIO_F_INDIRECT_DESC;

	activate(&r);
	for (unsigned i = 0; i < STEPS; i++)
		step(&r, fuzz_get(data, size, 15 + i, 1));
	vcon_finish(&r.c);
	CHECK(r.ob.lost == 0);
	outbuf_close(&r.ob);
	free(r.mem.host);
	return 0;
}
