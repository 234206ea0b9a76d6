/* virtio_worker.h - a device thread: waits on one eventfd per queue (the
 * ioeventfds KVM signals on a queue notification) and calls the device's
 * notify there, so that a request costs the vCPU no exit to userspace;
 * and on a few other descriptors (a NIC's socket) with a callback. */
#ifndef VIRTIO_WORKER_H
#define VIRTIO_WORKER_H

#include <pthread.h>
#include <stdbool.h>

#include "errbuf.h"

/* 8 disks, the rng and 4 NICs of two queues each: 17 */
#define VWORKER_MAX_QUEUES  32
#define VWORKER_MAX_SOURCES 4
/* While it has sources, the thread wakes at least this often (a NIC's
 * connecting side retries its peer between frames). */
#define VWORKER_SOURCE_TICK_MS 100

/* A descriptor that is not a queue's eventfd: a NIC's socket. Its fd
 * may change between waits (a peer comes and goes) and may be -1 (none
 * now); ready is called when it is readable or in error, and whenever a
 * wait of VWORKER_SOURCE_TICK_MS ends with nothing to do. */
struct vworker_source {
	int (*fd)(void *arg);
	void (*ready)(void *arg);
	void *arg;
};

struct vworker_queue {
	int efd;			       /* read by the worker */
	void (*notify)(void *dev, unsigned q); /* a virtio_dev_ops notify */
	void *dev;
	unsigned q;
};

/*
 * One thread for any number of queues (of one or more devices). While it
 * runs, it is the only caller of its queues' notify: a transport that
 * resets or activates a device from a vCPU must stop the worker first (or
 * not let the device's queues be kicked meanwhile).
 */
struct vworker {
	struct vworker_queue queue[VWORKER_MAX_QUEUES];
	unsigned n;
	struct vworker_source source[VWORKER_MAX_SOURCES];
	unsigned nsources;
	int stop_efd;
	bool running;
	pthread_t thread;
	/* set by vworker_start for the thread */
	int (*on_start)(void *arg);
	void *arg;
	int start_ret;
	int start_efd;
};

/* Zeroes w: no queues, not running. */
void vworker_init(struct vworker *w);

/* Adds a queue before vworker_start: 0, or -ENOSPC past the maximum. The
 * eventfd stays the caller's (the worker only reads it). */
int vworker_add(struct vworker *w, int efd, void (*notify)(void *, unsigned),
		void *dev, unsigned q, struct errbuf *err);

/* Adds a source before vworker_start: 0, or -ENOSPC past the maximum.
 * fd(arg) is asked again before every wait. */
int vworker_add_source(struct vworker *w, int (*fd)(void *arg),
		       void (*ready)(void *arg), void *arg, struct errbuf *err);

/*
 * Starts the thread. It first calls on_start(arg) if given, on the new
 * thread (to install its seccomp filter, say): a non-zero return (a
 * negative errno) ends the thread, and vworker_start returns it with one
 * line; on_start may keep its own reason in arg. 0 once the thread is
 * serving its queues.
 */
int vworker_start(struct vworker *w, int (*on_start)(void *arg), void *arg,
		  struct errbuf *err);

/* Stops and joins the thread (a notify in progress finishes first).
 * Safe on a worker that never started. */
void vworker_stop(struct vworker *w);

#endif
