/* virtio_kick.c - ioeventfds on a virtio-pci device's notify addresses,
 * moved with its BAR. */
#include "virtio_kick.h"

#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

static const struct virtio_kick_ops kvm_ops = {
	.ioeventfd = kvm_ioeventfd_raw,
};

/* Any length (KVM's fast MMIO bus takes len 0) and any value. */
static struct ioeventfd_spec spec_at(uint64_t addr)
{
	return (struct ioeventfd_spec){.addr = addr};
}

static void failed(struct virtio_kicks *k, int ret, unsigned q,
		   const char *what)
{
	k->failures++;
	err_fail(&k->why, -ret, "%s: KVM_IOEVENTFD (queue %u, %s 0x%llx): %s",
		 k->vp->ops->name, q, what, (unsigned long long)k->addr[q],
		 strerror(-ret));
}

static void deassign(struct virtio_kicks *k, unsigned q)
{
	struct ioeventfd_spec s = spec_at(k->addr[q]);
	int ret = k->ops->ioeventfd(k->vm_fd, k->efd[q], &s, 1);

	if (ret < 0)
		failed(k, ret, q, "deassign");
	k->assigned[q] = 0; /* KVM has none there or never had */
}

static void sync_queue(struct virtio_kicks *k, unsigned q)
{
	struct ioeventfd_spec s;
	uint64_t addr = 0;
	int decodes = virtio_pci_notify_addr(k->vp, q, &addr) == 0, ret;

	if (k->assigned[q] && (!decodes || addr != k->addr[q]))
		deassign(k, q);
	if (!decodes || k->assigned[q])
		return;
	k->addr[q] = addr;
	s = spec_at(addr);
	ret = k->ops->ioeventfd(k->vm_fd, k->efd[q], &s, 0);
	if (ret < 0)
		failed(k, ret, q, "assign");
	else
		k->assigned[q] = 1;
}

void virtio_kicks_sync(void *ctx, struct virtio_pci *vp)
{
	struct virtio_kicks *k = ctx;

	(void)vp;
	for (unsigned q = 0; q < k->n; q++)
		sync_queue(k, q);
}

int virtio_kicks_init(struct virtio_kicks *k, struct virtio_pci *vp, int vm_fd,
		      const struct virtio_kick_ops *ops, struct errbuf *err)
{
	memset(k, 0, sizeof(*k));
	k->vm_fd = vm_fd;
	k->ops = ops ? ops : &kvm_ops;
	k->vp = vp;
	k->n = vp->ops->num_queues;
	for (unsigned q = 0; q < k->n; q++) {
		/* non-blocking: the device thread reads only what ppoll
		 * reported, and never sleeps in read */
		k->efd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (k->efd[q] < 0) {
			int e = errno;

			while (q--)
				close(k->efd[q]);
			k->n = 0;
			return err_fail(err, e, "%s: eventfd: %s",
					vp->ops->name, strerror(e));
		}
	}
	vp->bar_moved = virtio_kicks_sync;
	vp->bar_moved_ctx = k;
	virtio_kicks_sync(k, vp);
	return 0;
}

void virtio_kicks_free(struct virtio_kicks *k)
{
	if (!k->vp)
		return;
	for (unsigned q = 0; q < k->n; q++) {
		if (k->assigned[q])
			deassign(k, q);
		close(k->efd[q]);
	}
	k->vp->bar_moved = NULL;
	k->vp->bar_moved_ctx = NULL;
	memset(k, 0, sizeof(*k));
}
