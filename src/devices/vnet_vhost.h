/* vnet_vhost.h - a virtio-net NIC's two queues handed to vhost-net: the
 * NIC's kernel path (virtio_net.h) on a tap, set up at DRIVER_OK and
 * taken back at a reset. */
#ifndef VNET_VHOST_H
#define VNET_VHOST_H

#include <stdint.h>

#include "errbuf.h"
#include "vhost_net.h"
#include "virtio_net.h"

/*
 * One NIC's vhost-net. The kernel reads the kicks from kick_fd[q] (the
 * queue's ioeventfd: a guest's kick never reaches the VMM) and signals
 * call_fd[q] for an interrupt. call_fd is this module's own eventfd, not
 * an irqfd: the NIC's device thread reads it and sends the interrupt
 * through the transport (vnet_kernel_used), which knows the queue's
 * MSI-X vector, its mask and the message the driver wrote last.
 */
struct vnet_vhost {
	struct vhost_net vn;
	int tap_fd; /* the tap's, not owned (the NIC's backend holds it) */
	int kick_fd[VHOST_NET_QUEUES]; /* not owned: the ioeventfds */
	int call_fd[VHOST_NET_QUEUES]; /* owned */
	struct vnet_kernel_path path;  /* what vnet_set_kernel_path takes */
	uint64_t starts;	       /* DRIVER_OKs served */
};

/*
 * Opens /dev/vhost-net for the tap behind tap_fd (opened with the vnet
 * header, 12 bytes) and makes the two call eventfds. 0, or a negative
 * errno and one line: -ENOENT with VHOST_NET_MISSING when there is no
 * /dev/vhost-net (the caller falls back to the userspace path).
 */
int vnet_vhost_open(struct vnet_vhost *v, int tap_fd, struct errbuf *err);

/* The queues' ioeventfds, before the driver's DRIVER_OK. */
void vnet_vhost_set_kicks(struct vnet_vhost *v, const int kick_fd[2]);

/* Detaches the queues, closes the device and the call eventfds. Safe on
 * a closed one. */
void vnet_vhost_close(struct vnet_vhost *v);

/*
 * The features vhost-net can serve of those a driver accepted: the ring
 * features (VERSION_1, INDIRECT_DESC, EVENT_IDX, MRG_RXBUF) must all be
 * the kernel's, and only they are handed on; configuration features
 * (MAC, MTU, STATUS) are the VMM's and the offloads the tap's. 0 and
 * *acked, or -EINVAL with one line. Exposed so the rule is tested.
 */
int vnet_vhost_features(uint64_t offered, uint64_t accepted, uint64_t *acked,
			struct errbuf *err);

#endif
