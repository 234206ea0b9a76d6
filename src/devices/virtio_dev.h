/* virtio_dev.h - the contract between a virtio device (blk, rng, console)
 * and the transport that carries it (virtio-pci). */
#ifndef VIRTIO_DEV_H
#define VIRTIO_DEV_H

#include <errno.h>
#include <stdint.h>

#include "errbuf.h"
#include "guest_mem.h"

/* Feature bits the transport owns (virtio 1.2, 6). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX     29
#define VIRTIO_F_VERSION_1     32

/* Device status bits (virtio 1.2, 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER	  2u
#define VIRTIO_STATUS_DRIVER_OK	  4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED	  128u

/* Where the driver put one split virtqueue, as the transport learnt it
 * (guest physical addresses, not yet checked against RAM). */
struct virtio_queue_addr {
	uint16_t size; /* a power of 2, at most the device's queue_max */
	gpa_t desc;    /* descriptor table */
	gpa_t avail;   /* driver area */
	gpa_t used;    /* device area */
};

/*
 * What a device asks of its transport. Called from the device's own
 * thread or from a vCPU's: the transport makes them safe for that.
 */
struct virtio_transport {
	/* A used-buffer notification for queue q (an irqfd write, or an
	 * MSI-X message); the device has already checked EVENT_IDX. */
	void (*notify_used)(struct virtio_transport *t, unsigned q);
	/* The device's configuration changed (e.g. a resized disk). */
	void (*notify_config)(struct virtio_transport *t);
	/* The driver broke the rules (a looping chain, an index past the
	 * queue): set DEVICE_NEEDS_RESET (virtio 1.2, 2.1.2), stop the
	 * device's queues and print one line naming the device and why. */
	void (*needs_reset)(struct virtio_transport *t, const char *why);
	/* Optional (NULL, or -1: not now): an eventfd that raises queue
	 * q's interrupt with no VMM in the way, for a data path in the host
	 * kernel (vhost-net) to write; the transport keeps it in step with
	 * the driver's vector, mask and message until queue_irqfd_release.
	 * Called on the thread that activates the device. */
	int (*queue_irqfd)(struct virtio_transport *t, unsigned q);
	void (*queue_irqfd_release)(struct virtio_transport *t, unsigned q);
};

/*
 * A device. The transport reads device_id, features, num_queues and
 * queue_max at once; the callbacks run on the vCPU thread that touched
 * the transport's registers, except notify, which may run on the device's
 * own thread (kicks through an ioeventfd).
 */
struct virtio_dev_ops {
	const char *name;    /* "virtio-blk", for messages */
	uint16_t device_id;  /* 2 block, 3 console, 4 entropy (5.x) */
	unsigned num_queues; /* at most VIRTIO_DEV_MAX_QUEUES */
	uint16_t queue_max;  /* largest queue size offered */
	uint64_t (*features)(void *dev); /* device-specific bits only */
	/* Reads or writes len (1, 2, 4, 8) bytes of the device-specific
	 * configuration at off: 0, or -EINVAL outside it (reads as 0). */
	int (*config_read)(void *dev, uint32_t off, void *data, uint32_t len);
	int (*config_write)(void *dev, uint32_t off, const void *data,
			    uint32_t len);
	/* DRIVER_OK: the driver accepted `features` and set up the queues
	 * (addr[q] for q < num_queues; size 0 for a queue it left off).
	 * mem is the guest's RAM, for the device's lifetime. 0, or a
	 * negative errno with one line in err (then NEEDS_RESET). */
	int (*activate)(void *dev, const struct guest_mem *mem,
			uint64_t features, const struct virtio_queue_addr *addr,
			struct virtio_transport *t, struct errbuf *err);
	/* The driver kicked queue q. */
	void (*notify)(void *dev, unsigned q);
	/* The driver wrote 0 to device_status: forget the queues, stop using
	 * guest memory, be ready for a new handshake. */
	void (*reset)(void *dev);
};

#define VIRTIO_DEV_MAX_QUEUES 8

/* config_write for a device whose configuration is read-only: -EINVAL. */
static inline int virtio_config_write_ro(void *dev, uint32_t off,
					 const void *data, uint32_t len)
{
	(void)dev;
	(void)off;
	(void)data;
	(void)len;
	return -EINVAL;
}

#endif
