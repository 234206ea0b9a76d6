/* fuzz_virtio_net.c - libFuzzer harness for the virtio NIC: the input is
 * both queues' registers, the guest's RAM (rings, descriptors, the frames
 * and headers it sends), the frames arriving from the wire (and their vnet
 * headers, on a backend that has them) and a sequence of kicks, polls,
 * link changes and resets.
 *
 * Input (little-endian; a short input reads zeros):
 *   0      u8   queue size 1 << (v % 9), both queues
 *   1      u8   bit 0 EVENT_IDX, bit 1 INDIRECT_DESC, bit 2 MRG_RXBUF,
 *               bit 3 a backend with a 12-byte vnet header (a tap's),
 *               bit 4 an MTU of 68 instead of 1500
 *   2      u8   RAM size: 1 KiB << (v % 5)
 *   3..14  u16  receiveq's descriptor table, driver area, device area,
 *               then transmitq's (GPAs)
 *   15..30 u8   16 steps, each (v & 7): 0 kick transmitq, 1 kick
 *               receiveq, 2 a frame of (v >> 3) * 65 + 1 bytes
 *               arrives, 3 the driver adds v >> 3 to transmitq's
 *               avail->idx and kicks, 4 the same on receiveq, 5 a poll,
 *               6 the peer goes (v & 8) or comes back, 7 reset and
 *               activate again
 *   31..46 u8   the arriving frames' bytes (repeated), a vnet header's
 *               first
 *   47..   RAM from GPA 0 (the rest is zeros)
 *
 * Checked besides ASan/UBSan: every transmit chain handed back is one
 * frame sent or one drop counted, and every frame taken off the wire is
 * one delivered, one drop counted, or the one pending; a frame on the
 * wire is never longer than the MTU allows or shorter than an Ethernet
 * header, and its vnet header is plain; needs_reset at most once per
 * activation, one line naming the device; used notifications only for
 * queues 0 and 1; a stopped or inactive device hands nothing back, and it
 * is stopped exactly when its queues are broken; config reads outside
 * the 12 bytes read zeros.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_virtio.h"
#include "../unit/fake_net.h"
#include "virtio_net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER 47u
#define STEPS  16u
#define SEED   31u

static void on_used(struct virtio_transport *t, unsigned q)
{
	(void)t;
	CHECK(q == VNET_RXQ || q == VNET_TXQ);
}

static void on_config(struct virtio_transport *t)
{
	(void)t; /* the link changed: allowed at any time */
}

static void on_reset(struct virtio_transport *t, const char *why)
{
	fuzz_count_reset(t, why, "virtio-net");
}

struct run {
	struct guest_mem mem;
	struct virtio_queue_addr addr[2];
	struct vnet n;
	struct fake_be be;
	struct fake_transport t;
	uint64_t features;
	bool active;
	int resets_allowed;
	uint8_t seed[16];
};

static void activate(struct run *r)
{
	struct errbuf err = {{0}};
	int ret = vnet_ops.activate(&r->n, &r->mem, r->features, r->addr,
				    &r->t.t, &err);

	CHECK(ret == 0 || ret == -EINVAL);
	r->active = ret == 0;
	if (ret)
		CHECK(strncmp(err.msg, "virtio-net", 10) == 0);
	else
		r->resets_allowed++;
}

static uint64_t tx_outcomes(const struct vnet *n)
{
	uint64_t s = n->st.tx_packets;

	for (unsigned d = VNET_DROP_TX_TOO_LONG; d <= VNET_DROP_TX_BACKEND; d++)
		s += n->st.drops[d];
	return s;
}

static uint64_t rx_outcomes(const struct vnet *n)
{
	uint64_t s = n->st.rx_packets + n->rx_pending;

	for (unsigned d = VNET_DROP_RX_TOO_LONG; d <= VNET_DROP_RX_NO_ROOM; d++)
		s += n->st.drops[d];
	return s;
}

/* After every step. */
static void check(struct run *r, uint16_t rx_before, uint16_t tx_before,
		  uint64_t tx_out_before, bool stopped_before)
{
	unsigned hl = r->be.b.hdr_len;
	uint32_t max = VNET_FRAME_MAX(r->n.mtu);

	CHECK(r->t.resets <= r->resets_allowed);
	CHECK(rx_outcomes(&r->n) == r->be.in_next);
	if (r->active) {
		CHECK(r->n.stopped == r->n.rxq.broken);
		CHECK(r->n.stopped == r->n.txq.broken);
		CHECK((uint16_t)(r->n.txq.used_idx - tx_before) ==
		      tx_outcomes(&r->n) - tx_out_before);
	}
	if (stopped_before || !r->active) {
		CHECK(r->n.rxq.used_idx == rx_before);
		CHECK(r->n.txq.used_idx == tx_before);
	}
	for (unsigned i = 0; i < r->be.n_out && i < FAKE_FRAMES; i++) {
		CHECK(r->be.out_len[i] >= hl + VNET_ETH_HLEN);
		CHECK(r->be.out_len[i] <= hl + max);
		for (unsigned k = 0; k < hl; k++)
			CHECK(r->be.out[i][k] == 0);
	}
	if (r->n.rx_pending)
		CHECK(r->n.rx_len <= VNET_HDR_LEN + max &&
		      r->n.rx_off <= r->n.rx_len);
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

static void arrive(struct run *r, unsigned k)
{
	size_t len = (size_t)k * 65 + 1; /* a message is never empty */
	struct fake_be *b = &r->be;

	if (b->n_in == FAKE_FRAMES)
		return;
	for (size_t i = 0; i < len; i++)
		b->in[b->n_in][i] = r->seed[i % 16];
	b->in_len[b->n_in++] = len;
}

static void step(struct run *r, unsigned v)
{
	uint16_t rx = r->n.rxq.used_idx, tx = r->n.txq.used_idx;
	uint64_t tx_out = tx_outcomes(&r->n), cfg = 0;
	bool stopped = r->n.stopped;

	switch (v & 7) {
	case 0:
		vnet_ops.notify(&r->n, VNET_TXQ);
		break;
	case 1:
		vnet_ops.notify(&r->n, VNET_RXQ);
		break;
	case 2:
		arrive(r, v >> 3);
		break;
	case 3:
	case 4:
		add_avail(r, (v & 7) == 3 ? VNET_TXQ : VNET_RXQ, v >> 3);
		vnet_ops.notify(&r->n, (v & 7) == 3 ? VNET_TXQ : VNET_RXQ);
		break;
	case 5:
		vnet_poll(&r->n);
		CHECK(vnet_ops.config_read(&r->n, (v >> 3) % 16, &cfg, 4) ==
			      0 ||
		      cfg == 0);
		break;
	case 6:
		if (v & 8) {
			r->be.gone = true;
		} else {
			r->be.up = true;
			r->be.changed = true;
		}
		vnet_poll(&r->n);
		break;
	default:
		vnet_ops.reset(&r->n);
		activate(r);
		return;
	}
	check(r, rx, tx, tx_out, stopped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run r;
	struct errbuf err = {{0}};
	static const uint8_t mac[6] = {2, 0x53, 0, 0, 0, 1};
	unsigned flags = fuzz_get(data, size, 1, 1);
	uint16_t qsize = (uint16_t)(1u << (fuzz_get(data, size, 0, 1) % 9));

	memset(&r, 0, sizeof(r));
	fake_be_init(&r.be, flags & 8 ? VNET_HDR_LEN : 0);
	CHECK(vnet_init(&r.n, &r.be.b, mac, flags & 16 ? 68 : 1500, NULL,
			&err) == 0);
	for (unsigned i = 0; i < 16; i++)
		r.seed[i] = (uint8_t)fuzz_get(data, size, SEED + i, 1);
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
	r.t.t = (struct virtio_transport){on_used, on_config, on_reset};
	r.features = 1ull << VIRTIO_F_VERSION_1;
	if (flags & 1)
		r.features |= 1ull << VIRTIO_F_EVENT_IDX;
	if (flags & 2)
		r.features |= 1ull << VIRTIO_F_INDIRECT_DESC;
	if (flags & 4)
		r.features |= 1ull << VIRTIO_NET_F_MRG_RXBUF;

	activate(&r);
	for (unsigned i = 0; i < STEPS; i++)
		step(&r, fuzz_get(data, size, 15 + i, 1));
	vnet_destroy(&r.n);
	CHECK(r.be.closed == 1);
	free(r.mem.host);
	return 0;
}
