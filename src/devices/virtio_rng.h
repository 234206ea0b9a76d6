/* virtio_rng.h - a virtio entropy device (virtio 1.2, 5.4): every buffer
 * the driver offers comes back filled from getrandom(2). */
#ifndef VIRTIO_RNG_H
#define VIRTIO_RNG_H

#include <stdbool.h>

#include "virtio_dev.h"
#include "virtqueue.h"

#define VRNG_QUEUE_SIZE VQ_SIZE_MAX
/* Bytes given for one request at most: a driver asking for more gets
 * this many (the used length says so), as 5.4.6.1 allows. */
#define VRNG_REQUEST_MAX 4096u

/*
 * One entropy source. What a bad request gets: a chain that breaks a
 * virtqueue rule, or one with a device-readable buffer (5.4.6: the queue
 * holds writable buffers only), stops the queue through needs_reset.
 */
struct vrng {
	struct virtqueue vq;
	struct virtio_transport *t;
	bool stopped;
	struct vq_chain chain;
};

/* The operations a transport calls; dev is a struct vrng * (zeroed). */
extern const struct virtio_dev_ops vrng_ops;

/* Serves every available request (the ops' notify), then notifies the
 * driver if it asked; one caller at a time, any thread. */
void vrng_notify(void *dev, unsigned q);

#endif
