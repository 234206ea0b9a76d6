/* virtio_kick.h - one virtio-pci device's queue notifications as ioeventfds:
 * a guest's kick signals an eventfd inside KVM (no exit to userspace), and
 * the eventfds follow BAR 0 as the guest moves or disables it. */
#ifndef VIRTIO_KICK_H
#define VIRTIO_KICK_H

#include <stdint.h>

#include "errbuf.h"
#include "kvm_irq.h"
#include "virtio_pci.h"

/* The KVM call, as kvm_irq.h's raw wrapper; a test passes a fake. */
struct virtio_kick_ops {
	int (*ioeventfd)(int vm_fd, int efd, const struct ioeventfd_spec *s,
			 int deassign);
};

/*
 * Queue q's kicks land on efd[q] while assigned[q]; addr[q] is where KVM
 * has it (a deassign needs the very spec of the assign). Each spec is an
 * MMIO write of any length and any value, as the trapped path takes it
 * (virtio_pci's notify_write ignores both). The vCPU thread alone
 * changes these, from the BAR hook.
 */
struct virtio_kicks {
	int vm_fd;
	const struct virtio_kick_ops *ops;
	struct virtio_pci *vp;
	unsigned n; /* the device's queues */
	int efd[VIRTIO_DEV_MAX_QUEUES];
	int assigned[VIRTIO_DEV_MAX_QUEUES];
	uint64_t addr[VIRTIO_DEV_MAX_QUEUES];
	/* KVM refused an assign or a deassign: the queue's kicks then trap
	 * (still served, through virtio_pci); the last reason */
	unsigned failures;
	struct errbuf why;
};

/*
 * Makes an eventfd per queue of vp, takes vp's bar_moved hook and places
 * the ioeventfds where BAR 0 decodes now (none while it does not). ops
 * NULL means KVM's. 0, or a negative errno with one line (nothing is
 * left behind).
 */
int virtio_kicks_init(struct virtio_kicks *k, struct virtio_pci *vp, int vm_fd,
		      const struct virtio_kick_ops *ops, struct errbuf *err);

/*
 * Makes KVM's ioeventfds agree with BAR 0: a queue whose address changed
 * or stopped decoding is deassigned at its old address, then assigned at
 * the new one. vp's bar_moved hook (ctx is k); a failure is counted in
 * failures and why, and that queue keeps trapping.
 */
void virtio_kicks_sync(void *ctx, struct virtio_pci *vp);

/* Deassigns what is assigned, closes the eventfds and gives vp's hook
 * back. Call it once the device thread reading them has stopped. */
void virtio_kicks_free(struct virtio_kicks *k);

#endif
