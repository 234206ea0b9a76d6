/* virtio_console.c - port 0 of a virtio console: transmitq into the output
 * buffer, typed bytes into the receiveq's buffers. */
#include "virtio_console.h"

#include <errno.h>
#include <string.h>

/* The configuration space (5.3.4): cols, rows, max_nr_ports, emerg_wr.
 * None of their features is offered, so it reads as zeros. */
#define VCON_CONFIG_LEN 12u

void vcon_init(struct vcon *c, struct outbuf *out, int escape)
{
	memset(c, 0, sizeof(*c));
	c->out = out;
	c->escape = escape;
	term_filter_init(&c->filter);
}

static uint64_t vcon_features(void *dev)
{
	(void)dev;
	return 0;
}

static int vcon_config_read(void *dev, uint32_t off, void *data, uint32_t len)
{
	(void)dev;
	memset(data, 0, len);
	return off < VCON_CONFIG_LEN && len <= VCON_CONFIG_LEN - off ? 0
								     : -EINVAL;
}

/* Either queue may be left off: the bare driver, which only prints, sets
 * up the transmitq alone. */
static int vcon_activate(void *dev, const struct guest_mem *mem,
			 uint64_t features,
			 const struct virtio_queue_addr *addr,
			 struct virtio_transport *t, struct errbuf *err)
{
	struct vcon *c = dev;
	int ret = vq_activate_optional(&c->rxq, mem, &addr[VCON_RXQ], features,
				       err);

	if (!ret)
		ret = vq_activate_optional(&c->txq, mem, &addr[VCON_TXQ],
					   features, err);
	if (ret) {
		vq_reset(&c->rxq);
		return err_wrap(err, ret, "virtio-console");
	}
	c->t = t;
	c->stopped = false;
	c->tx_busy = false;
	return 0;
}

/* Typed bytes still held survive a reset: the next driver gets them. */
static void vcon_reset(void *dev)
{
	struct vcon *c = dev;

	vq_reset(&c->rxq);
	vq_reset(&c->txq);
	c->t = NULL;
	c->stopped = false;
	c->tx_busy = false;
}

static void stop(struct vcon *c, struct errbuf *err, int ret)
{
	c->stopped = true;
	c->rxq.broken = c->txq.broken = true;
	c->tx_busy = false;
	err_wrap(err, ret, "virtio-console");
	c->t->needs_reset(c->t, err->msg);
}

/* n bytes the guest sent, filtered for a terminal when asked. */
static void emit(struct vcon *c, const uint8_t *p, uint32_t n)
{
	uint8_t buf[TERM_FILTER_OUT_MAX(VCON_TX_CHUNK)];

	if (!c->escape) {
		outbuf_append(c->out, p, n);
		return;
	}
	outbuf_append(c->out, buf, term_filter_feed(&c->filter, p, n, buf));
}

/* Writes out the held chain while the outbuf has room; true when all of
 * it went. */
static bool write_chain(struct vcon *c)
{
	while (c->tx_seg < c->tx.n_out) {
		const struct vq_seg *s = &c->tx.seg[c->tx_seg];
		uint32_t n = s->len - c->tx_off;

		if (outbuf_full(c->out)) {
			c->tx_stalls++;
			return false;
		}
		if (n > VCON_TX_CHUNK)
			n = VCON_TX_CHUNK;
		emit(c, s->base + c->tx_off, n);
		c->tx_off += n;
		if (c->tx_off == s->len) {
			c->tx_seg++;
			c->tx_off = 0;
		}
	}
	return true;
}

/* Serves the transmit queue until it is empty or the outbuf is full. */
static void transmit(struct vcon *c)
{
	struct errbuf err = {{0}};
	bool pushed = false;
	int ret = 0;

	while (!c->stopped) {
		if (!c->tx_busy) {
			ret = vq_pop(&c->txq, &c->tx, &err);
			if (ret <= 0)
				break;
			if (c->tx.n_in) {
				ret = err_fail(&err, EINVAL,
					       "buffer %u: a device-writable "
					       "buffer on the transmit queue",
					       c->tx.head);
				break;
			}
			c->tx_busy = true;
			c->tx_seg = 0;
			c->tx_off = 0;
		}
		if (!write_chain(c))
			break;
		c->tx_busy = false;
		vq_push(&c->txq, c->tx.head, 0);
		pushed = true;
	}
	if (ret < 0)
		stop(c, &err, ret);
	else if (pushed && vq_should_notify(&c->txq))
		c->t->notify_used(c->t, VCON_TXQ);
}

/* Copies held bytes into the chain's buffers; returns how many. */
static uint32_t fill_chain(struct vcon *c, const struct vq_chain *ch)
{
	uint32_t done = 0;

	for (unsigned i = 0; i < ch->n_in && done < c->in_len; i++) {
		uint32_t n = ch->seg[i].len;

		if (n > c->in_len - done)
			n = (uint32_t)(c->in_len - done);
		memcpy(ch->seg[i].base, c->in + done, n);
		done += n;
	}
	memmove(c->in, c->in + done, c->in_len - done);
	c->in_len -= done;
	return done;
}

/* Moves held bytes into posted receive buffers while both last. */
static void deliver(struct vcon *c)
{
	struct errbuf err = {{0}};
	bool pushed = false;
	int ret = 0;

	while (!c->stopped && c->in_len) {
		ret = vq_pop(&c->rxq, &c->rx, &err);
		if (ret <= 0)
			break;
		if (c->rx.n_out) {
			ret = err_fail(&err, EINVAL,
				       "buffer %u: a device-readable buffer on "
				       "the receive queue",
				       c->rx.head);
			break;
		}
		vq_push(&c->rxq, c->rx.head, fill_chain(c, &c->rx));
		pushed = true;
	}
	if (ret < 0)
		stop(c, &err, ret);
	else if (pushed && vq_should_notify(&c->rxq))
		c->t->notify_used(c->t, VCON_RXQ);
}

static void vcon_notify(void *dev, unsigned q)
{
	struct vcon *c = dev;

	if (!c->t || c->stopped)
		return;
	if (q == VCON_TXQ)
		transmit(c);
	else if (q == VCON_RXQ)
		deliver(c);
}

size_t vcon_receive(struct vcon *c, const uint8_t *p, size_t n)
{
	size_t room = VCON_IN_MAX - c->in_len;

	if (n > room)
		n = room;
	memcpy(c->in + c->in_len, p, n);
	c->in_len += n;
	if (c->t && !c->stopped)
		deliver(c);
	return n;
}

void vcon_poll(struct vcon *c)
{
	if (!c->t || c->stopped)
		return;
	transmit(c);
	deliver(c);
}

void vcon_finish(struct vcon *c)
{
	uint8_t held[TERM_FILTER_OUT_MAX(0)];

	if (c->escape && c->out)
		outbuf_append(c->out, held,
			      term_filter_finish(&c->filter, held));
}

const struct virtio_dev_ops vcon_ops = {
	.name = "virtio-console",
	.device_id = 3,
	.num_queues = 2,
	.queue_max = VCON_QUEUE_SIZE,
	.features = vcon_features,
	.config_read = vcon_config_read,
	.config_write = virtio_config_write_ro,
	.activate = vcon_activate,
	.notify = vcon_notify,
	.reset = vcon_reset,
};
