/* vnet_vhost.c - a NIC's kernel path through vhost-net: the features, the
 * memory table and both rings handed over at DRIVER_OK, the tap attached
 * last; detached again at a reset. */
#include "vnet_vhost.h"

#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* The features vhost-net implements itself (the ring's layout and the
 * receive buffers'); everything else a driver accepts is served by the
 * VMM's configuration space or by the tap. */
#define VNET_VHOST_RING_FEATURES                                               \
	(1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_INDIRECT_DESC |         \
	 1ull << VIRTIO_F_EVENT_IDX | 1ull << VIRTIO_NET_F_MRG_RXBUF)
/* vhost-net's own bit 27: the kernel would add the virtio-net header
 * itself; our tap carries it (IFF_VNET_HDR), so it is never asked for. */
#define VHOST_NET_F_OWN_HDR (1ull << 27)

int vnet_vhost_features(uint64_t offered, uint64_t accepted, uint64_t *acked,
			struct errbuf *err)
{
	uint64_t ring = accepted & VNET_VHOST_RING_FEATURES;

	if (ring & ~offered)
		return err_fail(err, EINVAL,
				"vhost-net: the driver accepted features "
				"%#llx that the kernel does not offer",
				(unsigned long long)(ring & ~offered));
	*acked = ring & ~VHOST_NET_F_OWN_HDR;
	return 0;
}

static int start_queue(struct vnet_vhost *v, unsigned q,
		       const struct virtio_queue_addr *a, struct errbuf *err)
{
	struct vhost_vring r = {
		.num = a->size,
		.base = 0, /* a fresh ring after DRIVER_OK */
		.desc = a->desc,
		.avail = a->avail,
		.used = a->used,
		.kick_fd = v->kick_fd[q],
		.call_fd = v->call_fd[q],
	};
	int ret;

	if (v->kick_fd[q] < 0)
		return err_fail(err, EINVAL,
				"vhost-net: queue %u has no ioeventfd", q);
	ret = vhost_net_set_vring(&v->vn, q, &r, err);
	if (!ret)
		ret = vhost_net_start(&v->vn, q, v->tap_fd, err);
	return ret;
}

static void stop_queues(void *ctx)
{
	struct vnet_vhost *v = ctx;
	uint16_t base;

	for (unsigned q = 0; q < VHOST_NET_QUEUES; q++)
		if (v->vn.running[q])
			(void)vhost_net_stop(&v->vn, q, &base, NULL);
}

/* The kernel path's start (virtio_net.h): the receiveq and transmitq are
 * vhost-net's queues 0 and 1, as virtio-net numbers them. */
static int start_queues(void *ctx, const struct guest_mem *mem,
			uint64_t features, const struct virtio_queue_addr *addr,
			struct errbuf *err)
{
	struct vnet_vhost *v = ctx;
	uint64_t acked = 0;
	int ret = vnet_vhost_features(v->vn.offered, features, &acked, err);

	if (!ret)
		ret = vhost_net_set_features(&v->vn, acked, err);
	if (!ret)
		ret = vhost_net_set_mem(&v->vn, mem, err);
	for (unsigned q = 0; !ret && q < VHOST_NET_QUEUES; q++)
		ret = start_queue(v, q, &addr[q], err);
	if (ret)
		stop_queues(v);
	else
		v->starts++;
	return ret;
}

int vnet_vhost_open(struct vnet_vhost *v, int tap_fd, struct errbuf *err)
{
	int ret;

	memset(v, 0, sizeof(*v));
	v->vn.fd = -1; /* closed, until vhost_net_open opens it */
	for (unsigned q = 0; q < VHOST_NET_QUEUES; q++)
		v->kick_fd[q] = v->call_fd[q] = -1;
	v->tap_fd = tap_fd;
	ret = vhost_net_open(&v->vn, err);
	if (ret)
		return ret;
	for (unsigned q = 0; q < VHOST_NET_QUEUES; q++) {
		v->call_fd[q] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (v->call_fd[q] < 0) {
			ret = err_fail(err, errno, "vhost-net: eventfd: %s",
				       strerror(errno));
			vnet_vhost_close(v);
			return ret;
		}
	}
	v->path = (struct vnet_kernel_path){start_queues, stop_queues, v};
	return 0;
}

void vnet_vhost_set_kicks(struct vnet_vhost *v, const int kick_fd[2])
{
	for (unsigned q = 0; q < VHOST_NET_QUEUES; q++)
		v->kick_fd[q] = kick_fd[q];
}

void vnet_vhost_close(struct vnet_vhost *v)
{
	vhost_net_close(&v->vn); /* detaches running queues first */
	for (unsigned q = 0; q < VHOST_NET_QUEUES; q++) {
		if (v->call_fd[q] >= 0)
			close(v->call_fd[q]);
		v->call_fd[q] = -1;
	}
}
