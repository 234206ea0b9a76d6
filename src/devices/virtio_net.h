/* virtio_net.h - a virtio network card (virtio 1.2, 5.1) on a net_backend:
 * one receiveq and one transmitq, MAC, STATUS, MTU and MRG_RXBUF, and the
 * checksum and TCP segmentation offloads both ways (CSUM, GUEST_CSUM,
 * HOST_/GUEST_TSO4, TSO6, ECN) where the backend carries them (a tap;
 * the unix wire has none); every frame copied by the VMM. */
#ifndef VIRTIO_NET_H
#define VIRTIO_NET_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "net_backend.h"
#include "pcap.h"
#include "virtio_dev.h"
#include "virtqueue.h"

/* Feature bits (5.1.3). The offloads (0, 1, 7-9, 11-13) are offered
 * only on a backend whose offloads field has them. */
#define VIRTIO_NET_F_CSUM	0 /* the device completes TX checksums */
#define VIRTIO_NET_F_GUEST_CSUM 1 /* RX frames may leave theirs to us */
#define VIRTIO_NET_F_MTU	3
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_GUEST_TSO4 7  /* RX: TCPv4 frames of up to 64 KiB */
#define VIRTIO_NET_F_GUEST_TSO6 8  /* RX: the same for TCPv6 */
#define VIRTIO_NET_F_GUEST_ECN	9  /* RX: such frames with CWR */
#define VIRTIO_NET_F_HOST_TSO4	11 /* TX: the device segments TCPv4 */
#define VIRTIO_NET_F_HOST_TSO6	12 /* TX: the same for TCPv6 */
#define VIRTIO_NET_F_HOST_ECN	13 /* TX: such frames with CWR */
#define VIRTIO_NET_F_MRG_RXBUF	15
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_S_LINK_UP	1 /* spelt as linux/virtio_net.h has it */

#define VNET_RXQ	0u
#define VNET_TXQ	1u
#define VNET_QUEUE_SIZE 256u
/* struct virtio_net_hdr_v1 (5.1.6): flags (u8), gso_type (u8), hdr_len,
 * gso_size, csum_start, csum_offset, num_buffers (le16 each, at these
 * offsets); always 12 bytes with VERSION_1. */
#define VNET_HDR_LEN	     12u
#define VNET_HDR_HDR_LEN     2u
#define VNET_HDR_GSO_SIZE    4u
#define VNET_HDR_CSUM_START  6u
#define VNET_HDR_CSUM_OFFSET 8u
#define VNET_HDR_NUM_BUFFERS 10u
/* flags */
#define VNET_HDR_F_NEEDS_CSUM 1u /* checksum from csum_start, at +offset */
#define VNET_HDR_F_DATA_VALID 2u /* RX only: the checksum was verified */
/* gso_type */
#define VNET_GSO_NONE	 0u
#define VNET_GSO_TCPV4	 1u
#define VNET_GSO_TCPV6	 4u
#define VNET_GSO_ECN	 0x80u
#define VNET_MTU_DEFAULT 1500u
#define VNET_MTU_MAX	 9000u
/* An Ethernet frame is the MTU's payload, 14 bytes of header and room for
 * one 802.1Q tag; no frame check sequence. A TSO frame (gso_type not
 * NONE) may carry up to 64 KiB from its IP header on, whatever the MTU. */
#define VNET_ETH_HLEN	    14u
#define VNET_FRAME_MAX(mtu) ((mtu) + VNET_ETH_HLEN + 4u)
#define VNET_GSO_FRAME_MAX  VNET_FRAME_MAX(65536u)
#define VNET_BUF_MAX	    (VNET_HDR_LEN + VNET_GSO_FRAME_MAX)

/* Why a frame was dropped; each is counted (vnet_drop_name). */
enum vnet_drop {
	VNET_DROP_TX_TOO_LONG,	/* longer than the MTU allows */
	VNET_DROP_TX_SHORT,	/* no header, or less than an Ethernet header */
	VNET_DROP_TX_BAD_HDR,	/* offload or GSO fields not negotiated, or
				 * nonsense (see docs/virtio.md) */
	VNET_DROP_TX_LINK_DOWN, /* no peer on the wire */
	VNET_DROP_TX_BACKEND,	/* the backend could not take it */
	VNET_DROP_RX_TOO_LONG,	/* off the wire, longer than the MTU */
	VNET_DROP_RX_SHORT,	/* off the wire, less than an Ethernet header */
	VNET_DROP_RX_BAD_HDR,	/* the backend's vnet header asked for what
				 * the guest did not accept, or nonsense */
	VNET_DROP_RX_NO_ROOM,	/* the driver's buffers could not hold it */
	VNET_DROPS
};

struct vnet_stats {
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
	uint64_t link_changes;
	uint64_t drops[VNET_DROPS];
};

/*
 * A data path outside the VMM for both queues (vhost-net: vnet_vhost.h).
 * start runs at DRIVER_OK, once the queues' addresses passed the VMM's
 * own checks, with the features the driver accepted: from then on the
 * VMM reads neither the rings nor the backend (a kick, or a frame on the
 * tap, is the path's business). stop runs at a reset and before the NIC
 * goes. start returns 0, or a negative errno with one line (the device
 * then needs a reset).
 */
struct vnet_kernel_path {
	int (*start)(void *ctx, const struct guest_mem *mem, uint64_t features,
		     const struct virtio_queue_addr *addr, struct errbuf *err);
	void (*stop)(void *ctx);
	void *ctx;
};

/*
 * One NIC. notify (a kick), vnet_poll, activate and reset take the lock,
 * so the vCPU and a device thread may both call them. A rule broken on a
 * ring (a loop, a buffer outside RAM, a writable buffer on the transmitq,
 * a readable one on the receiveq) stops this NIC through needs_reset;
 * a bad frame, or a vnet header that asks for what was not negotiated,
 * is only dropped and counted. An activation whose offloads the backend
 * cannot set (set_offload fails) is refused: NEEDS_RESET with its line.
 */
struct vnet {
	pthread_mutex_t lock;
	struct virtqueue rxq, txq;
	struct virtio_transport *t;
	bool stopped, mrg_rxbuf, link_up;
	uint8_t mac[6];
	uint16_t mtu;
	/* The offloads (NET_OFF_*) the driver accepted, with their
	 * dependencies (5.1.3.1) applied: what a transmit header may ask
	 * for (CSUM, HOST_TSO4/6, HOST_ECN) and what a received one may
	 * carry (GUEST_CSUM, GUEST_TSO4/6, GUEST_ECN; the backend's
	 * set_offload was given these). */
	unsigned tx_offloads, rx_offloads;
	struct net_backend *be; /* owned: closed by vnet_destroy */
	struct pcap *pcap;	/* NULL, or every frame both ways */
	struct vnet_stats st;
	/* vnet_set_kernel_path: the queues are the kernel's while in_kernel;
	 * kernel_irqs counts the interrupts it asked for */
	const struct vnet_kernel_path *kpath;
	bool in_kernel;
	uint64_t kernel_irqs;
	/* The frame off the wire that waits for receive buffers, with its
	 * header in front: rx_len bytes, rx_off of them placed so far into
	 * rx_nheld chains (MRG_RXBUF only: the first one kept in rx_first,
	 * for num_buffers). */
	bool rx_pending;
	uint32_t rx_len, rx_off;
	unsigned rx_nheld;
	uint16_t held_head[VNET_QUEUE_SIZE];
	uint32_t held_len[VNET_QUEUE_SIZE];
	struct vq_chain rx_first, chain;
	/* Big enough for a TSO frame: keep the struct off the stack. */
	uint8_t rx_buf[VNET_BUF_MAX], tx_buf[VNET_BUF_MAX];
};

extern const struct virtio_dev_ops vnet_ops;

/*
 * A NIC with this MAC and MTU (68 to VNET_MTU_MAX) on be, which it owns
 * from now on; pcap (NULL for none) outlives it. 0, or -EINVAL with one
 * line (be is then closed).
 */
int vnet_init(struct vnet *n, struct net_backend *be, const uint8_t mac[6],
	      unsigned mtu, struct pcap *pcap, struct errbuf *err);

/* Hands the NIC's queues to path at every DRIVER_OK from now on (call it
 * before the guest runs); path outlives the NIC. */
void vnet_set_kernel_path(struct vnet *n, const struct vnet_kernel_path *path);

/*
 * The kernel path signalled queue q's used buffers (a device thread's
 * callback for its call eventfd; dev is the struct vnet *): the
 * interrupt, through the transport, while the path has the queues.
 */
void vnet_kernel_used(void *dev, unsigned q);

/* Closes the backend (the NIC is not used after it). */
void vnet_destroy(struct vnet *n);

/*
 * The backend's housekeeping (a peer accepted or gone: STATUS changes and
 * a configuration interrupt), then moves waiting frames into the posted
 * receive buffers. Called when the backend's descriptor is readable, at
 * a kick, or on a tick.
 */
void vnet_poll(struct vnet *n);

/* A device thread's source for the NIC (virtio_worker.h; arg is the
 * struct vnet *): the backend's descriptor now, and vnet_poll when it is
 * readable or the thread's tick comes. */
int vnet_source_fd(void *arg);
void vnet_source_ready(void *arg);

/* The default MAC of NIC index in process pid: 02:53:PP:PP:PP:II, the
 * pid's low 24 bits and the index (locally administered, unicast), so
 * unique among this host's processes. */
void vnet_default_mac(uint8_t mac[6], unsigned pid, unsigned index);

/* Parses "xx:xx:xx:xx:xx:xx" (hex); a multicast address is refused. 0,
 * or -EINVAL. */
int vnet_parse_mac(const char *s, uint8_t mac[6]);

/* "tx too long", ...: the reason's name, for --stats. */
const char *vnet_drop_name(enum vnet_drop d);

#endif
