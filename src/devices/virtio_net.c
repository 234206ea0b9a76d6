/* virtio_net.c - the NIC's two queues: transmit chains checked and sent one
 * frame each, frames off the wire placed into receive buffers (merged
 * across several with MRG_RXBUF), the vnet headers of both checked
 * against the offloads negotiated, and the link's STATUS. */
#include "virtio_net.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "le_bytes.h"

/* The configuration space (5.1.4): mac, status, max_virtqueue_pairs,
 * mtu. */
#define VNET_CONFIG_LEN 12u

static const char *const drop_names[VNET_DROPS] = {
	[VNET_DROP_TX_TOO_LONG] = "tx too long",
	[VNET_DROP_TX_SHORT] = "tx short",
	[VNET_DROP_TX_BAD_HDR] = "tx bad header",
	[VNET_DROP_TX_LINK_DOWN] = "tx link down",
	[VNET_DROP_TX_BACKEND] = "tx backend busy",
	[VNET_DROP_RX_TOO_LONG] = "rx too long",
	[VNET_DROP_RX_SHORT] = "rx short",
	[VNET_DROP_RX_BAD_HDR] = "rx bad header",
	[VNET_DROP_RX_NO_ROOM] = "rx no room",
};

const char *vnet_drop_name(enum vnet_drop d)
{
	return d < VNET_DROPS ? drop_names[d] : "?";
}

void vnet_default_mac(uint8_t mac[6], unsigned pid, unsigned index)
{
	mac[0] = 0x02; /* locally administered, unicast */
	mac[1] = 0x53;
	mac[2] = (uint8_t)(pid >> 16);
	mac[3] = (uint8_t)(pid >> 8);
	mac[4] = (uint8_t)pid;
	mac[5] = (uint8_t)index;
}

int vnet_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	int end = 0;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &end) != 6 ||
	    s[end] || end != 17)
		return -EINVAL;
	for (unsigned i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return mac[0] & 1 ? -EINVAL : 0; /* a group address is no NIC's */
}

int vnet_init(struct vnet *n, struct net_backend *be, const uint8_t mac[6],
	      unsigned mtu, struct pcap *pcap, struct errbuf *err)
{
	memset(n, 0, sizeof(*n));
	if (mtu < 68 || mtu > VNET_MTU_MAX) {
		be->ops->close(be);
		return err_fail(err, EINVAL,
				"virtio-net: mtu %u is not in 68..%u", mtu,
				VNET_MTU_MAX);
	}
	pthread_mutex_init(&n->lock, NULL);
	n->be = be;
	memcpy(n->mac, mac, 6);
	n->mtu = (uint16_t)mtu;
	n->pcap = pcap;
	n->link_up = be->ops->link_up(be);
	return 0;
}

void vnet_set_kernel_path(struct vnet *n, const struct vnet_kernel_path *path)
{
	n->kpath = path;
}

/* The kernel path gives the queues back (a reset, the NIC's end). */
static void leave_kernel(struct vnet *n)
{
	if (n->in_kernel)
		n->kpath->stop(n->kpath->ctx);
	n->in_kernel = false;
}

void vnet_kernel_used(void *dev, unsigned q)
{
	struct vnet *n = dev;

	pthread_mutex_lock(&n->lock);
	if (n->in_kernel && n->t) {
		n->kernel_irqs++;
		n->t->notify_used(n->t, q);
	}
	pthread_mutex_unlock(&n->lock);
}

void vnet_destroy(struct vnet *n)
{
	leave_kernel(n);
	if (n->be)
		n->be->ops->close(n->be);
	n->be = NULL;
	pthread_mutex_destroy(&n->lock);
}

#define BIT(f) (1ull << (f))

/* The offload features for a backend's offloads (NET_OFF_*): both ways
 * each, since what a backend carries in its header it carries both ways;
 * none without CSUM, ECN only beside a TSO (5.1.3.1). */
static uint64_t offload_features(unsigned off)
{
	uint64_t f;

	if (!(off & NET_OFF_CSUM))
		return 0;
	f = BIT(VIRTIO_NET_F_CSUM) | BIT(VIRTIO_NET_F_GUEST_CSUM);
	if (off & NET_OFF_TSO4)
		f |= BIT(VIRTIO_NET_F_HOST_TSO4) | BIT(VIRTIO_NET_F_GUEST_TSO4);
	if (off & NET_OFF_TSO6)
		f |= BIT(VIRTIO_NET_F_HOST_TSO6) | BIT(VIRTIO_NET_F_GUEST_TSO6);
	if ((off & NET_OFF_ECN) && (off & (NET_OFF_TSO4 | NET_OFF_TSO6)))
		f |= BIT(VIRTIO_NET_F_HOST_ECN) | BIT(VIRTIO_NET_F_GUEST_ECN);
	return f;
}

static uint64_t vnet_features(void *dev)
{
	const struct vnet *n = dev;

	return BIT(VIRTIO_NET_F_MAC) | BIT(VIRTIO_NET_F_STATUS) |
	       BIT(VIRTIO_NET_F_MTU) | BIT(VIRTIO_NET_F_MRG_RXBUF) |
	       offload_features(n->be->offloads);
}

/*
 * One direction's accepted offloads as NET_OFF_* bits, from its four
 * features (csum, tso4, tso6, ecn), with the dependencies of 5.1.3.1
 * applied: a driver that took TSO4 without CSUM gets no TSO4 (a GSO
 * header needs NEEDS_CSUM), ECN needs a TSO. Only what the backend has.
 */
static unsigned accepted(uint64_t f, unsigned be_off, const unsigned bit[4])
{
	unsigned o;

	if (!(f & BIT(bit[0])))
		return 0;
	o = NET_OFF_CSUM;
	if (f & BIT(bit[1]))
		o |= NET_OFF_TSO4;
	if (f & BIT(bit[2]))
		o |= NET_OFF_TSO6;
	if ((f & BIT(bit[3])) && (o & (NET_OFF_TSO4 | NET_OFF_TSO6)))
		o |= NET_OFF_ECN;
	return o & be_off;
}

static unsigned tx_accepted(uint64_t f, unsigned be_off)
{
	static const unsigned bits[4] = {
		VIRTIO_NET_F_CSUM, VIRTIO_NET_F_HOST_TSO4,
		VIRTIO_NET_F_HOST_TSO6, VIRTIO_NET_F_HOST_ECN};

	return accepted(f, be_off, bits);
}

static unsigned rx_accepted(uint64_t f, unsigned be_off)
{
	static const unsigned bits[4] = {
		VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_GUEST_TSO4,
		VIRTIO_NET_F_GUEST_TSO6, VIRTIO_NET_F_GUEST_ECN};

	return accepted(f, be_off, bits);
}

static bool tso(unsigned off)
{
	return off & (NET_OFF_TSO4 | NET_OFF_TSO6);
}

static int vnet_config_read(void *dev, uint32_t off, void *data, uint32_t len)
{
	struct vnet *n = dev;
	uint8_t cfg[VNET_CONFIG_LEN];

	memset(data, 0, len);
	if (off >= VNET_CONFIG_LEN || len > VNET_CONFIG_LEN - off)
		return -EINVAL;
	pthread_mutex_lock(&n->lock);
	memcpy(cfg, n->mac, 6);
	le_put(cfg + 6, n->link_up ? VIRTIO_NET_S_LINK_UP : 0, 2);
	le_put(cfg + 8, 1, 2); /* max_virtqueue_pairs */
	le_put(cfg + 10, n->mtu, 2);
	pthread_mutex_unlock(&n->lock);
	memcpy(data, cfg + off, len);
	return 0;
}

static void forget_partial(struct vnet *n)
{
	n->rx_off = 0;
	n->rx_nheld = 0;
}

static void drop(struct vnet *n, enum vnet_drop why)
{
	n->st.drops[why]++;
}

static bool rx_header_fix(struct vnet *n);

/*
 * The receive offloads the driver accepted, to the backend first of all
 * (a tap: TUNSETOFFLOAD with the matching TUN_F_* bits), so that frames
 * read from now on carry only what this driver takes. A backend that
 * cannot set them fails the activation (NEEDS_RESET, with its line):
 * the driver was promised them. Frames already queued in the backend
 * under an earlier setting are checked as they are read (rx bad header).
 */
static int vnet_set_offloads(struct vnet *n, uint64_t features,
			     struct errbuf *err)
{
	unsigned rx = rx_accepted(features, n->be->offloads);

	if (!n->be->ops->set_offload)
		return 0;
	return n->be->ops->set_offload(n->be, rx, err);
}

/* A frame that waited through a reset meets the new driver's offloads:
 * its header is checked again (a GSO frame this driver refused is
 * dropped, a DATA_VALID flag it cannot take cleared). */
static void recheck_pending(struct vnet *n)
{
	if (n->rx_pending && !rx_header_fix(n)) {
		drop(n, VNET_DROP_RX_BAD_HDR);
		n->rx_pending = false;
	}
}

static int vnet_activate(void *dev, const struct guest_mem *mem,
			 uint64_t features,
			 const struct virtio_queue_addr *addr,
			 struct virtio_transport *t, struct errbuf *err)
{
	struct vnet *n = dev;
	int ret;

	pthread_mutex_lock(&n->lock);
	ret = vq_activate_optional(&n->rxq, mem, &addr[VNET_RXQ], features,
				   err);
	if (!ret)
		ret = vq_activate_optional(&n->txq, mem, &addr[VNET_TXQ],
					   features, err);
	if (!ret)
		ret = vnet_set_offloads(n, features, err);
	if (!ret && n->kpath) /* checked by the VMM first, then handed on */
		ret = n->kpath->start(n->kpath->ctx, mem, features, addr, err);
	if (ret) {
		vq_reset(&n->rxq);
		vq_reset(&n->txq);
	} else {
		n->t = t;
		n->stopped = false;
		n->in_kernel = n->kpath != NULL;
		n->mrg_rxbuf = features & BIT(VIRTIO_NET_F_MRG_RXBUF);
		n->tx_offloads = tx_accepted(features, n->be->offloads);
		n->rx_offloads = rx_accepted(features, n->be->offloads);
		forget_partial(n);
		recheck_pending(n);
	}
	pthread_mutex_unlock(&n->lock);
	return ret ? err_wrap(err, ret, "virtio-net") : 0;
}

/* A frame waiting for buffers survives a reset (the buffers it was going
 * into do not): the next driver gets it. */
static void vnet_reset(void *dev)
{
	struct vnet *n = dev;

	pthread_mutex_lock(&n->lock);
	leave_kernel(n);
	vq_reset(&n->rxq);
	vq_reset(&n->txq);
	n->t = NULL;
	n->stopped = false;
	forget_partial(n);
	pthread_mutex_unlock(&n->lock);
}

static void stop(struct vnet *n, struct errbuf *err, int ret)
{
	n->stopped = true;
	n->rxq.broken = n->txq.broken = true;
	forget_partial(n);
	err_wrap(err, ret, "virtio-net");
	n->t->needs_reset(n->t, err->msg);
}

/* STATUS follows the backend; a change is a configuration interrupt
 * (5.1.4: the driver rereads status). */
static void update_link(struct vnet *n)
{
	bool up = n->be->ops->link_up(n->be);

	if (up == n->link_up)
		return;
	n->link_up = up;
	n->st.link_changes++;
	if (n->t && !n->stopped)
		n->t->notify_config(n->t);
}

/* Copies the chain's readable bytes (at most cap) into buf. */
static uint32_t gather(const struct vq_chain *c, uint8_t *buf, uint32_t cap)
{
	uint32_t done = 0;

	for (unsigned i = 0; i < c->n_out && done < cap; i++) {
		uint32_t k = c->seg[i].len;

		if (k > cap - done)
			k = cap - done;
		memcpy(buf + done, c->seg[i].base, k);
		done += k;
	}
	return done;
}

/* Copies len bytes from p into the chain's writable buffers from byte
 * off of them; returns how many fitted. */
static uint32_t scatter(const struct vq_chain *c, uint32_t off,
			const uint8_t *p, uint32_t len)
{
	uint32_t done = 0;

	for (unsigned i = c->n_out; i < c->n_out + c->n_in && done < len; i++) {
		uint32_t k = c->seg[i].len;

		if (off >= k) {
			off -= k;
			continue;
		}
		k -= off;
		if (k > len - done)
			k = len - done;
		memcpy(c->seg[i].base + off, p + done, k);
		done += k;
		off = 0;
	}
	return done;
}

static unsigned hdr16(const uint8_t *h, unsigned off)
{
	return h[off] | (unsigned)h[off + 1] << 8;
}

static void hdr16_zero(uint8_t *h, unsigned off)
{
	h[off] = h[off + 1] = 0;
}

/* The frame's ethertype, behind at most one 802.1Q or 802.1ad tag. The
 * frame has at least an Ethernet header. */
static unsigned ethertype(const uint8_t *f, uint32_t len)
{
	unsigned t = (unsigned)f[12] << 8 | f[13];

	if ((t == 0x8100 || t == 0x88a8) && len >= VNET_ETH_HLEN + 4)
		t = (unsigned)f[16] << 8 | f[17];
	return t;
}

/* NEEDS_CSUM's fields: the checksum (2 bytes at csum_start +
 * csum_offset) lies inside the frame (5.1.6.2). */
static bool csum_ok(const uint8_t *h, uint32_t len)
{
	unsigned end = hdr16(h, VNET_HDR_CSUM_START) +
		       hdr16(h, VNET_HDR_CSUM_OFFSET) + 2u;

	return end <= len;
}

/* A GSO header's own fields: a TCP frame of the IP version gso_type
 * names, an MSS from 1 to the MTU (each segment must fit the wire, as
 * a frame without GSO must), hdr_len (a hint) inside the frame, and with
 * NEEDS_CSUM the TCP checksum (offset 16) of a whole TCP header. */
static bool gso_ok(const uint8_t *h, const uint8_t *f, uint32_t len,
		   unsigned mtu)
{
	unsigned type = h[1] & ~VNET_GSO_ECN, gso_size;

	if (ethertype(f, len) != (type == VNET_GSO_TCPV4 ? 0x0800u : 0x86ddu))
		return false;
	gso_size = hdr16(h, VNET_HDR_GSO_SIZE);
	if (gso_size == 0 || gso_size > mtu || hdr16(h, VNET_HDR_HDR_LEN) > len)
		return false;
	return !(h[0] & VNET_HDR_F_NEEDS_CSUM) ||
	       (hdr16(h, VNET_HDR_CSUM_OFFSET) == 16 &&
		hdr16(h, VNET_HDR_CSUM_START) + 20u <= len);
}

/*
 * Whether vnet header h, in front of the frame f of len bytes, asks only
 * for the offloads off (NET_OFF_*) allow, and makes sense (5.1.6.2 for a
 * driver's, 5.1.6.4 for the device's): flags NEEDS_CSUM with CSUM only
 * (DATA_VALID too on a received frame: a kernel may set it with no
 * offload on; the caller clears it for a driver without GUEST_CSUM);
 * gso_type NONE, or TCPV4/TCPV6 with that TSO, the ECN bit with ECN;
 * a transmitted GSO frame must ask for NEEDS_CSUM (the spec's MUST; a
 * received one may come with DATA_VALID instead, as a kernel forwards a
 * frame it coalesced). Without NEEDS_CSUM and GSO the other fields mean
 * nothing and are not looked at.
 */
static bool header_ok(const uint8_t *h, const uint8_t *f, uint32_t len,
		      unsigned off, unsigned mtu, bool rx)
{
	unsigned flags = h[0], gso = h[1], type = gso & ~VNET_GSO_ECN;
	unsigned allowed = (off & NET_OFF_CSUM ? VNET_HDR_F_NEEDS_CSUM : 0) |
			   (rx ? VNET_HDR_F_DATA_VALID : 0);

	if ((flags & ~allowed) ||
	    ((flags & VNET_HDR_F_NEEDS_CSUM) && !csum_ok(h, len)))
		return false;
	if (gso == VNET_GSO_NONE)
		return true;
	if (!(type == VNET_GSO_TCPV4 && (off & NET_OFF_TSO4)) &&
	    !(type == VNET_GSO_TCPV6 && (off & NET_OFF_TSO6)))
		return false;
	if ((gso & VNET_GSO_ECN) && !(off & NET_OFF_ECN))
		return false;
	if (!rx && !(flags & VNET_HDR_F_NEEDS_CSUM))
		return false;
	return gso_ok(h, f, len, mtu);
}

/* A checked transmit header as the backend gets it: all zeros when it
 * asks for nothing (its unused fields may hold anything, and a tap
 * refuses an hdr_len past the frame), else as the guest wrote it with
 * the fields its flags and gso_type leave unused zeroed; num_buffers 0
 * (5.1.6.2: the driver's is meaningless). */
static void tx_header_clean(uint8_t *h)
{
	if (h[0] == 0 && h[1] == VNET_GSO_NONE) {
		memset(h, 0, VNET_HDR_LEN);
		return;
	}
	if (!(h[0] & VNET_HDR_F_NEEDS_CSUM)) {
		hdr16_zero(h, VNET_HDR_CSUM_START);
		hdr16_zero(h, VNET_HDR_CSUM_OFFSET);
	}
	if (h[1] == VNET_GSO_NONE)
		hdr16_zero(h, VNET_HDR_GSO_SIZE);
	hdr16_zero(h, VNET_HDR_NUM_BUFFERS);
}

/*
 * Checks a transmit frame of len bytes (header included) in tx_buf:
 * true, or false with the reason to drop it in *why. Only a GSO frame
 * may pass the MTU (up to VNET_GSO_FRAME_MAX, with TSO negotiated).
 */
static bool tx_check(struct vnet *n, uint32_t len, enum vnet_drop *why)
{
	const uint8_t *h = n->tx_buf, *f = h + VNET_HDR_LEN;

	if (len < VNET_HDR_LEN + VNET_ETH_HLEN)
		*why = VNET_DROP_TX_SHORT;
	else if (!header_ok(h, f, len - VNET_HDR_LEN, n->tx_offloads, n->mtu,
			    false))
		*why = VNET_DROP_TX_BAD_HDR;
	else if (h[1] == VNET_GSO_NONE &&
		 len - VNET_HDR_LEN > VNET_FRAME_MAX(n->mtu))
		*why = VNET_DROP_TX_TOO_LONG;
	else
		return true;
	return false;
}

/* One transmit chain, already popped: checked, then sent or dropped. */
static void send_chain(struct vnet *n, const struct vq_chain *c)
{
	uint32_t max =
		VNET_HDR_LEN + (tso(n->tx_offloads) ? VNET_GSO_FRAME_MAX
						    : VNET_FRAME_MAX(n->mtu));
	uint32_t len;
	enum vnet_drop why;
	struct iovec iov;
	int ret;

	if (c->out_len > max) {
		drop(n, VNET_DROP_TX_TOO_LONG);
		return;
	}
	len = gather(c, n->tx_buf, max);
	if (!tx_check(n, len, &why)) {
		drop(n, why);
		return;
	}
	if (n->pcap)
		pcap_write(n->pcap, n->tx_buf + VNET_HDR_LEN,
			   len - VNET_HDR_LEN);
	/* a backend with a vnet header gets the checked one, a backend
	 * without one (no offloads) only the frame */
	tx_header_clean(n->tx_buf);
	iov.iov_base = n->tx_buf + VNET_HDR_LEN - n->be->hdr_len;
	iov.iov_len = len - VNET_HDR_LEN + n->be->hdr_len;
	ret = n->be->ops->send(n->be, &iov, 1);
	if (!ret) {
		n->st.tx_packets++;
		n->st.tx_bytes += len - VNET_HDR_LEN;
	} else {
		drop(n, ret == -ENOTCONN ? VNET_DROP_TX_LINK_DOWN
					 : VNET_DROP_TX_BACKEND);
		update_link(n);
	}
}

static void transmit(struct vnet *n)
{
	struct errbuf err = {{0}};
	bool pushed = false;
	int ret = 0;

	while (!n->stopped && (ret = vq_pop(&n->txq, &n->chain, &err)) > 0) {
		if (n->chain.n_in) {
			ret = err_fail(&err, EINVAL,
				       "buffer %u: a device-writable buffer on "
				       "the transmit queue",
				       n->chain.head);
			break;
		}
		send_chain(n, &n->chain);
		vq_push(&n->txq, n->chain.head, 0);
		pushed = true;
	}
	if (!n->stopped && ret < 0)
		stop(n, &err, ret);
	else if (pushed && vq_should_notify(&n->txq))
		n->t->notify_used(n->t, VNET_TXQ);
}

/*
 * The received frame's header in rx_buf, checked against what the
 * driver accepted (5.1.6.4) and made the guest's: as the backend wrote
 * it with GUEST_CSUM, all zeros without (no flag, not even DATA_VALID);
 * num_buffers is filled in later. false: drop the frame.
 */
static bool rx_header_fix(struct vnet *n)
{
	uint8_t *h = n->rx_buf;
	uint32_t len = n->rx_len - VNET_HDR_LEN;

	if (!header_ok(h, h + VNET_HDR_LEN, len, n->rx_offloads, n->mtu, true))
		return false;
	if (!(n->rx_offloads & NET_OFF_CSUM))
		memset(h, 0, VNET_HDR_LEN);
	hdr16_zero(h, VNET_HDR_NUM_BUFFERS);
	return true;
}

/*
 * Takes the next frame off the wire into rx_buf behind a header. true
 * when one is pending now; false when none is waiting (or the link went
 * down). Frames that cannot be delivered are dropped here: longer than
 * the MTU allows (a GSO one, with GUEST_TSO, up to VNET_GSO_FRAME_MAX),
 * shorter than an Ethernet header, or a header the driver cannot take.
 */
static bool fetch(struct vnet *n)
{
	unsigned hl = n->be->hdr_len;
	uint32_t max = tso(n->rx_offloads) ? VNET_GSO_FRAME_MAX
					   : VNET_FRAME_MAX(n->mtu);
	ssize_t r;

	for (;;) {
		r = n->be->ops->recv(n->be, n->rx_buf + VNET_HDR_LEN - hl,
				     max + hl);
		if (r == -EMSGSIZE) {
			drop(n, VNET_DROP_RX_TOO_LONG);
			continue;
		}
		if (r <= 0) {
			if (r == -ENOTCONN)
				update_link(n);
			return false;
		}
		if ((size_t)r < hl + VNET_ETH_HLEN) {
			drop(n, VNET_DROP_RX_SHORT);
			continue;
		}
		if (!hl)
			memset(n->rx_buf, 0, VNET_HDR_LEN);
		n->rx_len = (uint32_t)r - hl + VNET_HDR_LEN;
		if (!rx_header_fix(n)) {
			drop(n, VNET_DROP_RX_BAD_HDR);
			continue;
		}
		if (n->rx_buf[1] == VNET_GSO_NONE &&
		    n->rx_len - VNET_HDR_LEN > VNET_FRAME_MAX(n->mtu)) {
			drop(n, VNET_DROP_RX_TOO_LONG);
			continue;
		}
		if (n->pcap)
			pcap_write(n->pcap, n->rx_buf + VNET_HDR_LEN,
				   n->rx_len - VNET_HDR_LEN);
		return true;
	}
}

/* The pending frame is done with: delivered or dropped. */
static void frame_done(struct vnet *n, bool delivered)
{
	if (delivered) {
		n->st.rx_packets++;
		n->st.rx_bytes += n->rx_len - VNET_HDR_LEN;
	} else {
		drop(n, VNET_DROP_RX_NO_ROOM);
	}
	n->rx_pending = false;
	forget_partial(n);
}

/* Hands back the chains a merged frame took, with their lengths (0 for
 * all when the frame was dropped). */
static void push_held(struct vnet *n, bool delivered)
{
	for (unsigned i = 0; i < n->rx_nheld; i++)
		vq_push(&n->rxq, n->held_head[i],
			delivered ? n->held_len[i] : 0);
}

/*
 * Places the pending frame. 1: placed or dropped (a chain was used); 0:
 * no receive buffer now (the frame waits for the driver's next kick); a
 * negative errno with err on a broken ring.
 */
static int place(struct vnet *n, struct errbuf *err)
{
	struct vq_chain *c;
	uint8_t nb[2];
	int ret;

	while (n->rx_off < n->rx_len) {
		c = n->rx_nheld ? &n->chain : &n->rx_first;
		ret = vq_pop(&n->rxq, c, err);
		if (ret <= 0)
			return ret;
		if (c->n_out)
			return err_fail(err, EINVAL,
					"buffer %u: a device-readable buffer "
					"on the receive queue",
					c->head);
		if ((!n->mrg_rxbuf && c->in_len < n->rx_len) ||
		    (!n->rx_nheld && c->in_len < VNET_HDR_LEN)) {
			/* too small to hold it (or its header): dropped */
			n->held_head[n->rx_nheld] = c->head;
			n->held_len[n->rx_nheld++] = 0;
			push_held(n, false);
			frame_done(n, false);
			return 1;
		}
		n->held_head[n->rx_nheld] = c->head;
		n->held_len[n->rx_nheld] = scatter(c, 0, n->rx_buf + n->rx_off,
						   n->rx_len - n->rx_off);
		n->rx_off += n->held_len[n->rx_nheld++];
		if (n->rx_off < n->rx_len && n->rx_nheld >= n->rxq.size) {
			/* the whole queue cannot hold it: it never will */
			push_held(n, false);
			frame_done(n, false);
			return 1;
		}
	}
	le_put(nb, n->rx_nheld, 2);
	scatter(&n->rx_first, VNET_HDR_NUM_BUFFERS, nb, 2);
	push_held(n, true);
	frame_done(n, true);
	return 1;
}

static void receive(struct vnet *n)
{
	struct errbuf err = {{0}};
	bool pushed = false;
	int ret = 0;

	while (!n->stopped && n->rxq.size) {
		if (!n->rx_pending) {
			n->rx_pending = fetch(n);
			if (!n->rx_pending)
				break;
		}
		ret = place(n, &err);
		if (ret <= 0)
			break;
		pushed = true;
	}
	if (!n->stopped && ret < 0)
		stop(n, &err, ret);
	else if (pushed && vq_should_notify(&n->rxq))
		n->t->notify_used(n->t, VNET_RXQ);
}

/* Without a driver's receive queue frames stay on the wire; the link is
 * followed all the same. */
static void poll_locked(struct vnet *n)
{
	if (n->be->ops->tick(n->be))
		update_link(n);
	if (n->t && !n->stopped && !n->in_kernel)
		receive(n);
	update_link(n);
}

void vnet_poll(struct vnet *n)
{
	pthread_mutex_lock(&n->lock);
	poll_locked(n);
	pthread_mutex_unlock(&n->lock);
}

int vnet_source_fd(void *arg)
{
	struct vnet *n = arg;
	int fd;

	pthread_mutex_lock(&n->lock);
	/* the kernel reads the tap while it has the queues: polling it too
	 * would wake the thread for every frame, and spin while one waits */
	fd = n->in_kernel ? -1 : n->be->ops->poll_fd(n->be);
	pthread_mutex_unlock(&n->lock);
	return fd;
}

void vnet_source_ready(void *arg)
{
	vnet_poll(arg);
}

/* A kick on either queue also looks at the wire: in the bare modes the
 * vCPU moves received frames only then (see docs/virtio.md). */
static void vnet_notify(void *dev, unsigned q)
{
	struct vnet *n = dev;

	pthread_mutex_lock(&n->lock);
	/* with a kernel path the kick is the kernel's: it polls the same
	 * ioeventfd, which the device thread reads as well */
	if (n->t && !n->stopped && !n->in_kernel) {
		if (q == VNET_TXQ)
			transmit(n);
		poll_locked(n);
	}
	pthread_mutex_unlock(&n->lock);
}

const struct virtio_dev_ops vnet_ops = {
	.name = "virtio-net",
	.device_id = 1,
	.num_queues = 2,
	.queue_max = VNET_QUEUE_SIZE,
	.features = vnet_features,
	.config_read = vnet_config_read,
	.config_write = virtio_config_write_ro,
	.activate = vnet_activate,
	.notify = vnet_notify,
	.reset = vnet_reset,
};
