/* virtio_blk.h - a virtio block device (virtio 1.2, 5.2) on a raw image
 * file: one request queue, served with preadv, pwritev and fdatasync. */
#ifndef VIRTIO_BLK_H
#define VIRTIO_BLK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "errbuf.h"
#include "virtio_dev.h"
#include "virtqueue.h"

/* Feature bits (5.2.3) and request types and statuses (5.2.6). */
#define VIRTIO_BLK_F_SIZE_MAX	  1
#define VIRTIO_BLK_F_SEG_MAX	  2
#define VIRTIO_BLK_F_RO		  5
#define VIRTIO_BLK_F_BLK_SIZE	  6
#define VIRTIO_BLK_F_FLUSH	  9
#define VIRTIO_BLK_F_DISCARD	  13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_T_IN		  0u
#define VIRTIO_BLK_T_OUT	  1u
#define VIRTIO_BLK_T_FLUSH	  4u
#define VIRTIO_BLK_T_GET_ID	  8u
#define VIRTIO_BLK_T_DISCARD	  11u
#define VIRTIO_BLK_T_WRITE_ZEROES 13u

#define VIRTIO_BLK_S_OK	    0u
#define VIRTIO_BLK_S_IOERR  1u
#define VIRTIO_BLK_S_UNSUPP 2u

#define VBLK_SECTOR	512u
#define VBLK_ID_BYTES	20u
#define VBLK_QUEUE_SIZE VQ_SIZE_MAX
/* Buffers of data in one request (the header and status take two). */
#define VBLK_SEG_MAX (VQ_SEG_MAX - 2u)
/* Bytes in one data buffer, and sectors in one discard or write-zeroes. */
#define VBLK_SIZE_MAX	  (1u << 20)
#define VBLK_ZERO_SECTORS (1u << 21)
#define VBLK_CONFIG_SIZE  60u

/*
 * One disk. What a bad request gets: a chain that breaks a virtqueue rule
 * (virtqueue.h), or a request without a 16-byte header and a status byte
 * or of the wrong shape for its type (5.2.6: IN has exactly the header
 * readable, OUT exactly the status writable), stops the queue through the
 * transport's needs_reset. A well-formed request the disk cannot do gets
 * a status: IOERR past the end of the disk (nothing is touched), for a
 * length not a multiple of 512, for a write to a read-only disk or a
 * failed system call; UNSUPP for a type not offered.
 */
struct vblk {
	int fd;
	bool read_only;
	uint64_t capacity; /* in 512-byte sectors */
	uint64_t features; /* negotiated, at activation */
	char id[VBLK_ID_BYTES];
	const char *path;
	struct virtio_transport *t;
	bool stopped;
	struct virtqueue vq;
	struct vq_chain chain; /* the request being served */
	uint8_t config[VBLK_CONFIG_SIZE];
	/* Held by notify, activate and reset: a kick served on the device
	 * thread finishes before a vCPU's reset forgets the queue, and a
	 * kick after the reset (or before DRIVER_OK) finds t NULL. */
	pthread_mutex_t lock;
};

/* The operations a transport calls; dev is a struct vblk *. */
extern const struct virtio_dev_ops vblk_ops;

/*
 * Opens the raw image at path (kept, not copied) for reading and writing,
 * or reading only, and locks it with an OFD lock: exclusive for a writer,
 * shared for read_only. Capacity is the size in whole sectors. A second
 * writer, or a writer beside readers, is refused with "... is in use".
 * 0 and *out, or a negative errno with one line in err.
 */
int vblk_open(const char *path, bool read_only, struct vblk **out,
	      struct errbuf *err);

/* Closes the image (dropping its lock) and frees the device. NULL is ok. */
void vblk_close(struct vblk *b);

/*
 * Serves every request available on the queue, then notifies the driver
 * if it asked (EVENT_IDX). The ops' notify; callable from a vCPU and the
 * device's own thread at once (b->lock orders them and reset).
 */
void vblk_notify(void *dev, unsigned q);

#endif
