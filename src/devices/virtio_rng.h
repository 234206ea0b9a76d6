/* virtio_rng.h - a virtio entropy device (virtio 1.2, 5.4): every buffer
 * the driver offers comes back filled from getrandom(2). */
#ifndef VIRTIO_RNG_H
#define VIRTIO_RNG_H

#include <pthread.h>
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
 * lock lets notify run on a device thread while a vCPU activates or
 * resets the device (reset waits out a notify in progress).
 */
struct vrng {
	pthread_mutex_t lock;
	struct virtqueue vq;
	struct virtio_transport *t;
	bool stopped;
	struct vq_chain chain;
};

/* The operations a transport calls; dev is a struct vrng * that
 * vrng_init prepared. */
extern const struct virtio_dev_ops vrng_ops;

/* A device with no queue yet; vrng_destroy frees its lock. */
void vrng_init(struct vrng *r);
void vrng_destroy(struct vrng *r);

/* Serves every available request (the ops' notify), then notifies the
 * driver if it asked; any thread (the lock orders it with activate and
 * reset). */
void vrng_notify(void *dev, unsigned q);

#endif
