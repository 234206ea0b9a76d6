/* net_tap.h - a tap device with the virtio-net header: one Ethernet frame
 * per read or write on a non-blocking fd the caller polls. */
#ifndef NET_TAP_H
#define NET_TAP_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "errbuf.h"
#include "net_backend.h"

/*
 * The header in front of every frame on the tap: the virtio 1.x
 * struct virtio_net_hdr_mrg_rxbuf (5.1.6), 12 bytes, little-endian, the
 * layout the guest puts in its buffers. TUNSETVNETHDRSZ tells the tap
 * this size, and TUNSETVNETLE that the fields are little-endian (so the
 * header passes unchanged between a vring and the tap).
 */
#define NET_TAP_HDR_LEN 12u

/* TUN_F_* offloads (net_backend.h's NET_OFF_*), named as the virtio
 * features they follow (5.1.3): what the guest negotiated is what the
 * tap may hand it. */
#define NET_TAP_OFF_CSUM NET_OFF_CSUM /* TUN_F_CSUM: GUEST_CSUM */
#define NET_TAP_OFF_TSO4 NET_OFF_TSO4 /* TUN_F_TSO4: GUEST_TSO4 */
#define NET_TAP_OFF_TSO6 NET_OFF_TSO6 /* TUN_F_TSO6: GUEST_TSO6 */
#define NET_TAP_OFF_ECN	 NET_OFF_ECN  /* TUN_F_TSO_ECN: GUEST_ECN */

struct net_tap {
	int fd;		     /* non-blocking; poll it for POLLIN */
	char name[IFNAMSIZ]; /* the interface, as the kernel named it */
};

/*
 * Attaches to the tap called name (up to IFNAMSIZ - 1 bytes; "" lets
 * the kernel pick tapN), creating it when it does not exist and the
 * caller may (CAP_NET_ADMIN), with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR,
 * a NET_TAP_HDR_LEN-byte little-endian header and no offloads (see
 * net_tap_set_offload). 0, or a negative errno and one line in err: a
 * missing /dev/net/tun (-ENOENT), a tap that another process holds or
 * that the caller may not open (-EBUSY, -EPERM), a kernel without
 * IFF_VNET_HDR (-EINVAL). The tap is left as the kernel has it (down
 * unless someone brought it up).
 */
int net_tap_open(struct net_tap *tap, const char *name, struct errbuf *err);

/* Closes the fd (a tap that net_tap_open created goes away with it,
 * unless someone made it persistent). Safe on a closed tap. */
void net_tap_close(struct net_tap *tap);

/*
 * TUNSETOFFLOAD: the offloads (NET_TAP_OFF_* bits) that frames read from
 * the tap may carry, i.e. what the guest accepted; 0 asks for plain,
 * checksummed frames no longer than the MTU. 0 or a negative errno.
 */
int net_tap_set_offload(struct net_tap *tap, unsigned offloads,
			struct errbuf *err);

/*
 * Writes one frame: hdr (NET_TAP_HDR_LEN bytes, as the guest wrote it)
 * followed by the frame's iovecs, in one writev. Returns the frame's
 * length (without the header), -EAGAIN when the tap's queue is full
 * (drop or retry), or another negative errno (-EINVAL: the kernel
 * refused the header's GSO fields, the frame is dropped).
 */
ssize_t net_tap_send(struct net_tap *tap, const void *hdr,
		     const struct iovec *iov, int iovcnt);

/*
 * Reads one frame into hdr (NET_TAP_HDR_LEN bytes) and the iovecs.
 * Returns the frame's length without the header, -EAGAIN when none is
 * waiting, or another negative errno. A frame longer than the iovecs
 * is truncated by the kernel: the caller offers room for the largest
 * frame it accepts (MTU, or 64 KiB with TSO) and treats a full buffer
 * as a possible truncation.
 */
ssize_t net_tap_recv(struct net_tap *tap, void *hdr, const struct iovec *iov,
		     int iovcnt);

/*
 * The tap as a virtio-net backend (net_backend.h), hdr_len
 * NET_TAP_HDR_LEN, offloads CSUM, TSO4, TSO6 and ECN: net_tap_open(name)
 * with no offloads on, so that every frame read is plain, checksummed and
 * no longer than the tap's MTU until set_offload (net_tap_set_offload;
 * a call that changes nothing makes no ioctl) lets the guest's accepted
 * ones through. A frame sent carries the header the device checked (a
 * kernel may take nonsense GSO fields). The link is up while the VMM
 * holds the tap. A frame read that is longer than the caller's cap is
 * consumed and refused whole (-EMSGSIZE), never cut. 0 and *out, or a
 * negative errno with one line (as net_tap_open).
 */
int net_tap_backend_open(const char *name, struct net_backend **out,
			 struct errbuf *err);

/* The tap's descriptor behind a backend from net_tap_backend_open (for
 * the seccomp rule that lets only it be read). */
int net_tap_backend_fd(const struct net_backend *b);

#endif
