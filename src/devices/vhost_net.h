/* vhost_net.h - one NIC's data path handed to the host kernel through
 * /dev/vhost-net: the VMM sets the rings up, the kernel moves the frames. */
#ifndef VHOST_NET_H
#define VHOST_NET_H

#include <stdint.h>

#include "errbuf.h"
#include "guest_mem.h"

/* virtio-net's queues, as vhost-net numbers them: receive, transmit. */
#define VHOST_NET_RX	 0u
#define VHOST_NET_TX	 1u
#define VHOST_NET_QUEUES 2u

/* The line a caller prints before falling back to the userspace path. */
#define VHOST_NET_MISSING                                                      \
	"vhost-net: /dev/vhost-net is missing; using the userspace path"

struct vhost_net {
	int fd;		      /* /dev/vhost-net, owned by this process */
	uint64_t offered;     /* VHOST_GET_FEATURES */
	uint64_t acked;	      /* VHOST_SET_FEATURES, once set */
	struct guest_mem mem; /* the table the kernel was given */
	int running[VHOST_NET_QUEUES]; /* a backend is attached */
};

/*
 * One queue as the guest set it up through virtio-pci: its size, the
 * guest physical addresses of its three parts, where the kernel should
 * start (the avail index it has not yet consumed: 0 after a reset), the
 * eventfd a kick signals (an ioeventfd's) and the one the kernel signals
 * for an interrupt (an irqfd's).
 */
struct vhost_vring {
	unsigned num; /* a power of two, 1..32768 (2.7.10.1) */
	uint16_t base;
	gpa_t desc, avail, used;
	int kick_fd, call_fd;
};

/*
 * Opens /dev/vhost-net, becomes its owner (VHOST_SET_OWNER: the kernel
 * starts a worker thread that works on this process's memory) and reads
 * the features it offers. 0, or a negative errno and one line in err:
 * -ENOENT with exactly VHOST_NET_MISSING when the device is not there
 * (the caller falls back), another errno with the failing step.
 */
int vhost_net_open(struct vhost_net *vn, struct errbuf *err);

/* Stops both queues (backend detached) and closes the device; the
 * kernel's worker goes with it. Safe on a closed one. */
void vhost_net_close(struct vhost_net *vn);

/*
 * VHOST_SET_FEATURES with what the driver accepted. Refuses (-EINVAL)
 * a feature the kernel did not offer, rather than letting the kernel's
 * -EOPNOTSUPP say less.
 */
int vhost_net_set_features(struct vhost_net *vn, uint64_t features,
			   struct errbuf *err);

/*
 * VHOST_SET_MEM_TABLE: guest RAM as one region, guest physical 0 ..
 * mem->size at host address mem->host. The kernel translates every
 * descriptor's address through this table and refuses one outside it.
 */
int vhost_net_set_mem(struct vhost_net *vn, const struct guest_mem *mem,
		      struct errbuf *err);

/*
 * Checks q's size and ring addresses against guest memory (the sizes and
 * alignments of 2.7, each part wholly inside RAM by gmem_ptr) without
 * touching the kernel: 0, or -EINVAL and a line naming the bad part.
 * vhost_net_set_vring calls it first; exposed so the rule is tested.
 */
int vhost_net_check_vring(const struct guest_mem *mem,
			  const struct vhost_vring *r, struct errbuf *err);

/*
 * Hands queue q (VHOST_NET_RX or VHOST_NET_TX) to the kernel:
 * VHOST_SET_VRING_NUM, _BASE, _ADDR (host addresses, after
 * vhost_net_check_vring), _KICK and _CALL. Needs vhost_net_set_mem
 * first. The queue runs once a backend is attached.
 */
int vhost_net_set_vring(struct vhost_net *vn, unsigned q,
			const struct vhost_vring *r, struct errbuf *err);

/*
 * VHOST_NET_SET_BACKEND: queue q moves frames between its ring and the
 * tap behind tap_fd (opened with IFF_VNET_HDR; its header size must be
 * the 12 bytes of the virtio 1.x header).
 */
int vhost_net_start(struct vhost_net *vn, unsigned q, int tap_fd,
		    struct errbuf *err);

/*
 * Detaches queue q's backend (fd -1) and reads, by
 * VHOST_GET_VRING_BASE, the avail index the kernel would consume next,
 * for the userspace path to go on from (or a later vhost_net_set_vring).
 * Used on a device reset and before the VMM takes a queue back.
 */
int vhost_net_stop(struct vhost_net *vn, unsigned q, uint16_t *base,
		   struct errbuf *err);

#endif
