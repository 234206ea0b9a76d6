/* fuzz_virtio_net.c - libFuzzer harness for the virtio NIC: the input is
 * both queues' registers, the guest's RAM (rings, descriptors, the frames
 * and headers it sends), the frames arriving from the wire (and their vnet
 * headers, on a backend that has them), the offloads negotiated, and a
 * sequence of kicks, polls, link changes and resets.
 *
 * Input (little-endian; a short input reads zeros):
 *   0      u8   queue size 1 << (v % 9), both queues
 *   1      u8   bit 0 EVENT_IDX, bit 1 INDIRECT_DESC, bit 2 MRG_RXBUF,
 *               bit 3 a backend with a 12-byte vnet header (a tap's),
 *               bit 4 an MTU of 68 instead of 1500, bit 5 (with bit 3)
 *               the backend carries CSUM, TSO4, TSO6 and ECN, bit 6 its
 *               set_offload fails (the activation is refused)
 *   2      u8   RAM size: 1 KiB << (v % 5)
 *   3..14  u16  receiveq's descriptor table, driver area, device area,
 *               then transmitq's (GPAs)
 *   15..30 u8   16 steps, each (v & 7): 0 kick transmitq, 1 kick
 *               receiveq, 2 a frame of (v >> 3) * 65 + 1 bytes arrives
 *               ((v >> 3) * 2115 + 1, up to a 64 KiB TSO frame and its
 *               header, on a backend with offloads), 3 the driver adds
 *               v >> 3 to transmitq's avail->idx and kicks, 4 the same
 *               on receiveq, 5 a poll, 6 the peer goes (v & 8) or comes
 *               back, 7 reset and activate again
 *   31..58 u8   the arriving frames' bytes, repeated every 28: on a
 *               backend with a header, its 12 bytes and the frame's
 *               first 16
 *   59     u8   the offloads the driver accepts, of those offered: bit
 *               0 CSUM, 1 GUEST_CSUM, 2 GUEST_TSO4, 3 GUEST_TSO6, 4
 *               GUEST_ECN, 5 HOST_TSO4, 6 HOST_TSO6, 7 HOST_ECN
 *   60..   RAM from GPA 0 (the rest is zeros)
 *
 * Checked besides ASan/UBSan: every transmit chain handed back is one
 * frame sent or one drop counted, and every frame taken off the wire is
 * one delivered, one drop counted, or the one pending; a frame on the
 * wire is never shorter than an Ethernet header nor longer than the MTU
 * allows (a TSO one: VNET_GSO_FRAME_MAX), and its vnet header is one a
 * separate model of 5.1.6.2 allows for the features negotiated (a zero
 * one without offloads); the frame waiting for receive buffers has a
 * header the model of 5.1.6.4 allows, and a length to match; the
 * backend's offloads are set to exactly the GUEST_ ones accepted;
 * needs_reset at most once per activation, one line naming the device;
 * used notifications only for queues 0 and 1; a stopped or inactive
 * device hands nothing back, and it is stopped exactly when its queues
 * are broken; config reads outside the 12 bytes read zeros.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_virtio.h"
/* only a sent frame's headers are looked at: keep the fake small */
#define FAKE_FRAME 64u
#include "../unit/fake_net.h"
#include "virtio_net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER	 60u
#define STEPS	 16u
#define SEED	 31u
#define SEED_LEN 28u
#define OFFLOADS 59u
#define F(b)	 (1ull << (b))
#define TSO(o)	 ((o) & (NET_OFF_TSO4 | NET_OFF_TSO6))

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
	unsigned tx_off, rx_off; /* NET_OFF_*, as the model derives them */
	bool active;
	int resets_allowed;
	uint8_t seed[SEED_LEN];
};

/* The model's offloads from the features, one direction (5.1.3.1: TSO
 * needs the checksum feature, ECN a TSO). */
static unsigned model_off(uint64_t f, unsigned csum, unsigned tso4,
			  unsigned tso6, unsigned ecn)
{
	unsigned o;

	if (!(f & F(csum)))
		return 0;
	o = NET_OFF_CSUM | (f & F(tso4) ? NET_OFF_TSO4 : 0) |
	    (f & F(tso6) ? NET_OFF_TSO6 : 0);
	return o | (TSO(o) && (f & F(ecn)) ? NET_OFF_ECN : 0);
}

static unsigned le16(const uint8_t *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

/*
 * The model of a header's rules (virtio 1.2, 5.1.6.2 and 5.1.6.4),
 * written apart from the device's: header h before a frame f of len
 * bytes, off the offloads of that direction, rx the receive side.
 */
static bool model_header_ok(const uint8_t *h, const uint8_t *f, uint32_t len,
			    unsigned off, unsigned mtu, bool rx)
{
	unsigned flags = h[0], gso = h[1], et = (unsigned)f[12] << 8 | f[13];
	bool csum = flags & 1;

	if (flags & ~(1u | (rx ? 2u : 0u)) || (csum && !(off & NET_OFF_CSUM)))
		return false;
	if (csum && le16(h + 6) + le16(h + 8) + 2 > len)
		return false;
	if (gso == 0)
		return true;
	if ((gso & 0x7f) == 1	? !(off & NET_OFF_TSO4)
	    : (gso & 0x7f) == 4 ? !(off & NET_OFF_TSO6)
				: true)
		return false;
	if ((gso & 0x80) && !(off & NET_OFF_ECN))
		return false;
	if (!rx && !csum)
		return false;
	if ((et == 0x8100 || et == 0x88a8) && len >= 18)
		et = (unsigned)f[16] << 8 | f[17];
	if (et != ((gso & 0x7f) == 1 ? 0x0800u : 0x86ddu))
		return false;
	if (le16(h + 4) == 0 || le16(h + 4) > mtu || le16(h + 2) > len)
		return false;
	return !csum || (le16(h + 8) == 16 && le16(h + 6) + 20 <= len);
}

static void activate(struct run *r)
{
	struct errbuf err = {{0}};
	unsigned be_off = r->be.b.offloads, sets = r->be.n_set_offload;
	int ret = vnet_ops.activate(&r->n, &r->mem, r->features, r->addr,
				    &r->t.t, &err);

	CHECK(ret == 0 || ret == -EINVAL);
	r->active = ret == 0;
	if (ret)
		CHECK(strncmp(err.msg, "virtio-net", 10) == 0);
	else
		r->resets_allowed++;
	r->tx_off = model_off(r->features, VIRTIO_NET_F_CSUM,
			      VIRTIO_NET_F_HOST_TSO4, VIRTIO_NET_F_HOST_TSO6,
			      VIRTIO_NET_F_HOST_ECN) &
		    be_off;
	r->rx_off = model_off(r->features, VIRTIO_NET_F_GUEST_CSUM,
			      VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_TSO6,
			      VIRTIO_NET_F_GUEST_ECN) &
		    be_off;
	if (r->active && r->be.n_set_offload > sets)
		CHECK(r->be.offloads_set == r->rx_off);
	if (r->be.set_offload_ret && r->be.n_set_offload > sets)
		CHECK(!r->active);
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

/* A frame the backend got: its length, and its header by the model. */
static void check_sent(const struct run *r, unsigned i)
{
	unsigned hl = r->be.b.hdr_len;
	size_t len = r->be.out_len[i];
	const uint8_t *h = r->be.out[i], *f = h + hl;
	static const uint8_t zero[VNET_HDR_LEN];
	bool gso = hl && h[1] != 0;

	CHECK(len >= hl + VNET_ETH_HLEN);
	CHECK(len <=
	      hl + (gso ? VNET_GSO_FRAME_MAX : VNET_FRAME_MAX(r->n.mtu)));
	if (!hl)
		return;
	CHECK(le16(h + 10) == 0); /* num_buffers */
	if (!r->tx_off || (h[0] == 0 && h[1] == 0))
		CHECK(memcmp(h, zero, VNET_HDR_LEN) == 0);
	else
		CHECK(model_header_ok(h, f, (uint32_t)(len - hl), r->tx_off,
				      r->n.mtu, false));
}

/* After every step. */
static void check(struct run *r, uint16_t rx_before, uint16_t tx_before,
		  uint64_t tx_out_before, bool stopped_before)
{
	uint32_t max = VNET_FRAME_MAX(r->n.mtu);
	const uint8_t *rh = r->n.rx_buf;

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
	for (unsigned i = 0; i < r->be.n_out && i < FAKE_FRAMES; i++)
		check_sent(r, i);
	if (r->n.rx_pending && r->active) {
		if (rh[1] != 0)
			max = VNET_GSO_FRAME_MAX;
		CHECK(r->n.rx_len <= VNET_HDR_LEN + max &&
		      r->n.rx_off <= r->n.rx_len);
		CHECK(model_header_ok(rh, rh + VNET_HDR_LEN,
				      r->n.rx_len - VNET_HDR_LEN, r->rx_off,
				      r->n.mtu, true));
		if (!(r->rx_off & NET_OFF_CSUM)) {
			static const uint8_t zero[VNET_HDR_LEN];

			CHECK(memcmp(rh, zero, VNET_HDR_LEN) == 0);
		}
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

/* A message is never empty; its bytes are the seed's (fake.fill). */
static void arrive(struct run *r, unsigned k)
{
	struct fake_be *b = &r->be;

	if (b->n_in == FAKE_FRAMES)
		return;
	b->in_len[b->n_in++] = (size_t)k * (b->b.offloads ? 2115 : 65) + 1;
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

	uint64_t offered, off_bits = fuzz_get(data, size, OFFLOADS, 1);
	static const unsigned off_feature[8] = {
		VIRTIO_NET_F_CSUM,	 VIRTIO_NET_F_GUEST_CSUM,
		VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_TSO6,
		VIRTIO_NET_F_GUEST_ECN,	 VIRTIO_NET_F_HOST_TSO4,
		VIRTIO_NET_F_HOST_TSO6,	 VIRTIO_NET_F_HOST_ECN};

	memset(&r, 0, sizeof(r));
	fake_be_init_off(&r.be, flags & 8 ? VNET_HDR_LEN : 0,
			 (flags & 8) && (flags & 32) ? NET_OFF_ALL : 0);
	if (flags & 64)
		r.be.set_offload_ret = -EINVAL;
	CHECK(vnet_init(&r.n, &r.be.b, mac, flags & 16 ? 68 : 1500, NULL,
			&err) == 0);
	for (unsigned i = 0; i < SEED_LEN; i++)
		r.seed[i] = (uint8_t)fuzz_get(data, size, SEED + i, 1);
	r.be.fill = r.seed;
	r.be.fill_len = SEED_LEN;
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
	offered = vnet_ops.features(&r.n);
	CHECK(!!(offered & F(VIRTIO_NET_F_CSUM)) == !!r.be.b.offloads);
	for (unsigned i = 0; i < 8; i++)
		if (off_bits & (1u << i))
			r.features |= F(off_feature[i]) & offered;

	activate(&r);
	for (unsigned i = 0; i < STEPS; i++)
		step(&r, fuzz_get(data, size, 15 + i, 1));
#ifdef FUZZ_TRACE
	fprintf(stderr, "tx %llu rx %llu, offloads tx %#x rx %#x, drops:",
		(unsigned long long)r.n.st.tx_packets,
		(unsigned long long)r.n.st.rx_packets, r.tx_off, r.rx_off);
	for (unsigned d = 0; d < VNET_DROPS; d++)
		if (r.n.st.drops[d])
			fprintf(stderr, " %s %llu", vnet_drop_name(d),
				(unsigned long long)r.n.st.drops[d]);
	fputc('\n', stderr);
#endif
	vnet_destroy(&r.n);
	CHECK(r.be.closed == 1);
	free(r.mem.host);
	return 0;
}
