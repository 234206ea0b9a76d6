/* net.c - the bare virtio-net driver's story: find the NIC, bring up its
 * receiveq and transmitq, wait for a peer on the wire, try one frame that
 * is too long (the device must drop it), send a good one and receive the
 * peer's. Two of these on one unix wire are two machines talking. */
#include "hypercall.h"
#include "virtio.h"

#define VIRTIO_NET_DEVICE 0x1041 /* 0x1040 + device ID 1 (4.1.2.1) */
#define RECEIVEQ	  0u	 /* receiveq1 and transmitq1 (5.1.2) */
#define TRANSMITQ	  1u
#define NET_F_MTU	  3
#define NET_F_MAC	  5
#define NET_F_STATUS	  16
#define NET_S_LINK_UP	  1u
#define HDR_LEN		  12u /* struct virtio_net_hdr_v1 (5.1.6) */
#define ETH_HLEN	  14u
#define ETHERTYPE	  0x88b5u /* IEEE's local experimental type */
#define FRAME_MAX	  1518u	  /* MTU 1500, a VLAN tag */
#define TOO_LONG	  1600u	  /* a payload past any MTU of 1500 */
/* Kicks of the receiveq while waiting: in the bare modes the device looks
 * at the wire only when the guest kicks (docs/virtio.md); simple-kvm's
 * --timeout bounds the wait in time. */
#define WAIT_KICKS (1u << 22)

static const char text[] = "hello over the unix wire";
static uint8_t rx_buf[HDR_LEN + FRAME_MAX];
static uint8_t tx_buf[HDR_LEN + ETH_HLEN + TOO_LONG];
static uint8_t mac[6];

uint32_t guest_main(void);

static void fail(char *why, uint32_t code)
{
	HC_printStr("vnet: FAIL: ");
	HC_printStr(why);
	HC_printStr("\n");
	HC_exit(code);
}

static uint32_t cfg(const struct vio_dev *d, uint32_t off, unsigned width)
{
	return vio_read(d, &d->device, off, width);
}

/* A frame of the given payload length to everyone (ff:..:ff) from our MAC,
 * behind a header that asks for nothing (5.1.6.2), sent and handed back. */
static void send(struct virtq *tx, uint32_t payload)
{
	struct vq_buf b = {tx_buf, HDR_LEN + ETH_HLEN + payload, 0};
	uint32_t len = 0;

	for (unsigned i = 0; i < HDR_LEN; i++)
		tx_buf[i] = 0;
	for (unsigned i = 0; i < 6; i++) {
		tx_buf[HDR_LEN + i] = 0xff;
		tx_buf[HDR_LEN + 6 + i] = mac[i];
	}
	tx_buf[HDR_LEN + 12] = ETHERTYPE >> 8;
	tx_buf[HDR_LEN + 13] = ETHERTYPE & 0xff;
	for (unsigned i = 0; i < payload; i++)
		tx_buf[HDR_LEN + ETH_HLEN + i] =
			i < sizeof(text) ? (uint8_t)text[i] : (uint8_t)i;
	vq_submit(tx, &b, 1);
	if (vq_wait(tx, &len) < 0)
		fail("the transmitq did not hand the frame back", 5);
}

static void wait_link(const struct vio_dev *d, struct virtq *rx)
{
	for (uint32_t i = 0; i < WAIT_KICKS; i++) {
		if (cfg(d, 6, 2) & NET_S_LINK_UP)
			return;
		vq_kick(rx); /* the device looks for its peer */
	}
	fail("no peer on the wire", 4);
}

/* Polls the receiveq, kicking it so that the device reads the wire. */
static uint32_t wait_frame(struct virtq *rx)
{
	for (uint32_t i = 0; i < WAIT_KICKS; i++) {
		if (rx->used->idx != rx->last_used) {
			barrier();
			uint32_t len = rx->used->ring[0].len;
			rx->last_used++;
			return len;
		}
		vq_kick(rx);
	}
	fail("no frame arrived", 6);
	return 0;
}

static int same(const uint8_t *a, const uint8_t *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static void check_frame(uint32_t len)
{
	const uint8_t *f = rx_buf + HDR_LEN;

	HC_printStr("vnet: received a frame, bytes with the header: ");
	HC_print32bit(len);
	if (len != HDR_LEN + ETH_HLEN + sizeof(text))
		fail("not the length the peer sends", 7);
	if (rx_buf[10] != 1 || rx_buf[11] != 0)
		fail("num_buffers is not 1", 8);
	if (f[12] != ETHERTYPE >> 8 || f[13] != (ETHERTYPE & 0xff))
		fail("not our ethertype", 9);
	if (same(f + 6, mac, 6))
		fail("our own frame came back", 10);
	if (!same(f + ETH_HLEN, (const uint8_t *)text, sizeof(text)))
		fail("the payload differs", 11);
	HC_printStr("vnet: from another MAC, payload: ");
	HC_printStr((char *)(f + ETH_HLEN));
	HC_printStr("\n");
}

uint32_t guest_main(void)
{
	static struct vio_dev dev;
	static struct virtq rx, tx;
	struct vq_buf b = {rx_buf, sizeof(rx_buf), 1};
	uint64_t want = 1ull << VIRTIO_F_VERSION_1 | 1ull << NET_F_MAC |
			1ull << NET_F_STATUS | 1ull << NET_F_MTU;

	int slot = pci_find(VIRTIO_VENDOR, VIRTIO_NET_DEVICE);
	if (slot < 0)
		fail("no virtio-net (1af4:1041) on PCI bus 0", 1);
	if (pci_virtio_caps(&dev, (unsigned)slot) < 0)
		fail("a virtio structure is missing", 2);
#ifdef GUEST_MODE_REAL
	dev.use_window = 1; /* BAR 0 is out of real mode's reach */
#endif
	HC_printStr("vnet: virtio-net in slot ");
	HC_print32bit((uint32_t)slot);
	if (virtio_begin(&dev, want) < 0 ||
	    vq_setup_in(&rx, &dev, RECEIVEQ, 0) < 0 ||
	    vq_setup_in(&tx, &dev, TRANSMITQ, 1) < 0)
		fail("no handshake or no queues", 3);
	virtio_driver_ok(&dev);
	for (unsigned i = 0; i < 6; i++)
		mac[i] = (uint8_t)cfg(&dev, i, 1);
	HC_printStr("vnet: mtu ");
	HC_print32bit(cfg(&dev, 10, 2));
	/* 5.1.6.3: a buffer for the peer's frame, before anything is sent */
	vq_submit(&rx, &b, 1);
	wait_link(&dev, &rx);
	HC_printStr("vnet: link up\n");
	send(&tx, TOO_LONG);
	HC_printStr("vnet: sent a frame longer than the MTU\n");
	send(&tx, sizeof(text));
	HC_printStr("vnet: sent a frame\n");
	check_frame(wait_frame(&rx));
	if (virtio_status(&dev) & STATUS_NEEDS_RESET)
		fail("the device needs a reset", 12);
	HC_printStr("vnet: done: one frame each way\n");
	return 0;
}
