/* net_backend.h - the contract between virtio-net and what carries its
 * frames (a unix wire, a tap): one Ethernet frame per call, a descriptor
 * to poll for frames arriving, the link's state, and the checksum and
 * segmentation offloads the backend can carry in its vnet header. */
#ifndef NET_BACKEND_H
#define NET_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "errbuf.h"

struct net_backend;

/*
 * Offloads, the bits of TUNSETOFFLOAD's TUN_F_* (linux/if_tun.h) under
 * the names of the virtio features they follow (virtio 1.2, 5.1.3):
 * CSUM, a frame whose TCP/UDP checksum is left to the receiver
 * (VIRTIO_NET_HDR_F_NEEDS_CSUM); TSO4/TSO6, a TCP frame of up to 64 KiB
 * for the receiver to cut into segments of gso_size; ECN, such a frame
 * with the CWR flag (VIRTIO_NET_HDR_GSO_ECN). TSO and ECN need CSUM.
 */
#define NET_OFF_CSUM 0x01u
#define NET_OFF_TSO4 0x02u
#define NET_OFF_TSO6 0x04u
#define NET_OFF_ECN  0x08u
#define NET_OFF_ALL  (NET_OFF_CSUM | NET_OFF_TSO4 | NET_OFF_TSO6 | NET_OFF_ECN)

/*
 * A backend's operations. All are called from one thread at a time (the
 * thread that serves the NIC) and none blocks.
 */
struct net_backend_ops {
	const char *kind; /* "unix", "tap", for messages */
	/*
	 * Sends one frame gathered from iov: hdr_len bytes of virtio_net_hdr
	 * first when the backend's hdr_len is not 0, then the Ethernet
	 * frame. 0; -EAGAIN when the backend cannot take it now (the caller
	 * drops and counts it); -ENOTCONN when the link is down; another
	 * negative errno when the frame was refused.
	 */
	int (*send)(struct net_backend *b, const struct iovec *iov, unsigned n);
	/*
	 * Takes one received frame (with its hdr_len header in front) into
	 * buf. Its length (> 0); 0 when none is waiting; -EMSGSIZE when the
	 * frame was longer than cap (it is consumed and dropped, never cut);
	 * -ENOTCONN when the peer went away just now (the link is down).
	 */
	ssize_t (*recv)(struct net_backend *b, void *buf, size_t cap);
	/* The descriptor to wait on (POLLIN) for frames or a peer, or -1
	 * when there is none now (a connecting side between its retries). */
	int (*poll_fd)(const struct net_backend *b);
	/* True while a peer is there to take frames. */
	bool (*link_up)(const struct net_backend *b);
	/* Housekeeping at each poll: accepts a waiting peer, retries a
	 * connection. True when the link changed state. */
	bool (*tick)(struct net_backend *b);
	/* Closes everything the backend holds and frees it. */
	void (*close)(struct net_backend *b);
	/*
	 * May be NULL when offloads is 0. Which offloads (NET_OFF_*,
	 * a subset of the backend's offloads) frames from recv may carry
	 * from now on: what the guest accepted. 0, or a negative errno and
	 * one line in err (the backend's setting is then unchanged).
	 */
	int (*set_offload)(struct net_backend *b, unsigned offloads,
			   struct errbuf *err);
};

/* The common head of every backend; backends embed it first. */
struct net_backend {
	const struct net_backend_ops *ops;
	/* Bytes of virtio_net_hdr in front of every frame on this backend:
	 * 0 (the unix wire carries bare Ethernet frames) or 12 (a tap with
	 * IFF_VNET_HDR and TUNSETVNETHDRSZ 12). */
	unsigned hdr_len;
	/* The offloads (NET_OFF_*) the backend carries both ways: a frame
	 * sent may ask for them in its header, and set_offload may let
	 * frames received carry them. 0 when hdr_len is 0 (the unix wire
	 * carries bare frames, so no header to ask in). */
	unsigned offloads;
};

#endif
