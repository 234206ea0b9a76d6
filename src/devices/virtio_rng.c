/* virtio_rng.c - the entropy device's one queue, filled from getrandom. */
#include "virtio_rng.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

void vrng_init(struct vrng *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
}

void vrng_destroy(struct vrng *r)
{
	pthread_mutex_destroy(&r->lock);
}

static uint64_t vrng_features(void *dev)
{
	(void)dev;
	return 0;
}

/* There is no configuration space (5.4.4). */
static int vrng_config_read(void *dev, uint32_t off, void *data, uint32_t len)
{
	(void)dev;
	(void)off;
	memset(data, 0, len);
	return -EINVAL;
}

static int vrng_activate(void *dev, const struct guest_mem *mem,
			 uint64_t features,
			 const struct virtio_queue_addr *addr,
			 struct virtio_transport *t, struct errbuf *err)
{
	struct vrng *r = dev;
	int ret;

	pthread_mutex_lock(&r->lock);
	ret = vq_activate(&r->vq, mem, &addr[0], features, err);
	if (!ret) {
		r->t = t;
		r->stopped = false;
	}
	pthread_mutex_unlock(&r->lock);
	return ret ? err_wrap(err, ret, "virtio-rng") : 0;
}

static void vrng_reset(void *dev)
{
	struct vrng *r = dev;

	pthread_mutex_lock(&r->lock); /* waits out a notify in progress */
	vq_reset(&r->vq);
	r->t = NULL;
	r->stopped = false;
	pthread_mutex_unlock(&r->lock);
}

/* len bytes of entropy at p; how many were given (short on a failure). */
static uint32_t fill(uint8_t *p, uint32_t len)
{
	uint32_t done = 0;

	while (done < len) {
		ssize_t n = getrandom(p + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (uint32_t)n;
	}
	return done;
}

/* Fills the chain's buffers in order, up to VRNG_REQUEST_MAX bytes. */
static uint32_t serve(const struct vq_chain *c)
{
	uint32_t total = 0;

	for (unsigned i = 0; i < c->n_in && total < VRNG_REQUEST_MAX; i++) {
		const struct vq_seg *s = &c->seg[i];
		uint32_t want = s->len < VRNG_REQUEST_MAX - total
					? s->len
					: VRNG_REQUEST_MAX - total;
		uint32_t got = fill(s->base, want);

		total += got;
		if (got < want)
			break;
	}
	return total;
}

/* vrng_notify's work, with r->lock held. */
static void serve_queue(struct vrng *r)
{
	struct errbuf err = {{0}};
	bool pushed = false;
	int ret;

	if (!r->t || r->stopped)
		return;
	while ((ret = vq_pop(&r->vq, &r->chain, &err)) > 0) {
		if (r->chain.n_out) {
			ret = err_fail(&err, EINVAL,
				       "request %u: a readable buffer on the "
				       "entropy queue",
				       r->chain.head);
			break;
		}
		vq_push(&r->vq, r->chain.head, serve(&r->chain));
		pushed = true;
	}
	if (ret < 0) {
		r->stopped = true;
		r->vq.broken = true;
		err_wrap(&err, ret, "virtio-rng");
		r->t->needs_reset(r->t, err.msg);
	} else if (pushed && vq_should_notify(&r->vq)) {
		r->t->notify_used(r->t, 0);
	}
}

void vrng_notify(void *dev, unsigned q)
{
	struct vrng *r = dev;

	if (q != 0)
		return;
	pthread_mutex_lock(&r->lock);
	serve_queue(r);
	pthread_mutex_unlock(&r->lock);
}

const struct virtio_dev_ops vrng_ops = {
	.name = "virtio-rng",
	.device_id = 4,
	.num_queues = 1,
	.queue_max = VRNG_QUEUE_SIZE,
	.features = vrng_features,
	.config_read = vrng_config_read,
	.config_write = virtio_config_write_ro,
	.activate = vrng_activate,
	.notify = vrng_notify,
	.reset = vrng_reset,
};
