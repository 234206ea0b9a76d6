/* fake_net.h - a net_backend in memory for the device's tests and fuzzer:
 * frames queued for the device to receive, frames it sent kept, a link
 * the test turns up and down, offloads it claims and records being set. */
#ifndef FAKE_NET_H
#define FAKE_NET_H

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "net_backend.h"

#define FAKE_FRAMES 16u
/* The bytes kept of each frame; a user may set it before the include
 * (a 64 KiB TSO frame needs more, a fast fuzzer less). */
#ifndef FAKE_FRAME
#define FAKE_FRAME 10240u
#endif

struct fake_be {
	struct net_backend b;
	bool up, gone; /* gone: the next recv reports the peer gone */
	int send_ret;  /* what send returns when up */
	bool changed;  /* the next tick reports a change */
	unsigned n_in, in_next, n_out, closed;
	/* set_offload: how often it was called, the last value, and what
	 * it returns (not 0: the setting is refused, unchanged) */
	unsigned n_set_offload, offloads_set;
	int set_offload_ret;
	/* With fill set, a queued frame's bytes are fill[i % fill_len]
	 * instead of in[] (so frames may be longer than FAKE_FRAME). */
	const uint8_t *fill;
	size_t fill_len;
	/* Sent frames are kept up to FAKE_FRAME bytes; out_len is whole. */
	size_t in_len[FAKE_FRAMES], out_len[FAKE_FRAMES];
	uint8_t in[FAKE_FRAMES][FAKE_FRAME], out[FAKE_FRAMES][FAKE_FRAME];
};

static inline int fake_send(struct net_backend *b, const struct iovec *iov,
			    unsigned n)
{
	struct fake_be *f = (struct fake_be *)b;
	size_t len = 0;

	if (!f->up)
		return -ENOTCONN;
	if (f->send_ret)
		return f->send_ret;
	for (unsigned i = 0; i < n; i++) {
		size_t k = iov[i].iov_len;

		if (len < FAKE_FRAME && k > FAKE_FRAME - len)
			k = FAKE_FRAME - len;
		if (f->n_out < FAKE_FRAMES && len < FAKE_FRAME)
			memcpy(f->out[f->n_out] + len, iov[i].iov_base, k);
		len += iov[i].iov_len;
	}
	if (f->n_out < FAKE_FRAMES)
		f->out_len[f->n_out] = len;
	f->n_out++;
	return 0;
}

static inline ssize_t fake_recv(struct net_backend *b, void *buf, size_t cap)
{
	struct fake_be *f = (struct fake_be *)b;
	size_t len;

	if (f->gone) {
		f->gone = false;
		f->up = false;
		return -ENOTCONN;
	}
	if (!f->up || f->in_next == f->n_in)
		return 0;
	len = f->in_len[f->in_next];
	if (len > cap) {
		f->in_next++;
		return -EMSGSIZE;
	}
	if (f->fill) {
		for (size_t i = 0; i < len; i++)
			((uint8_t *)buf)[i] = f->fill[i % f->fill_len];
		f->in_next++;
	} else {
		memcpy(buf, f->in[f->in_next++], len);
	}
	return (ssize_t)len;
}

static inline int fake_poll_fd(const struct net_backend *b)
{
	(void)b;
	return -1;
}

static inline bool fake_link_up(const struct net_backend *b)
{
	return ((const struct fake_be *)b)->up;
}

static inline bool fake_tick(struct net_backend *b)
{
	struct fake_be *f = (struct fake_be *)b;
	bool c = f->changed;

	f->changed = false;
	return c;
}

static inline void fake_close(struct net_backend *b)
{
	((struct fake_be *)b)->closed++;
}

static inline int fake_set_offload(struct net_backend *b, unsigned offloads,
				   struct errbuf *err)
{
	struct fake_be *f = (struct fake_be *)b;

	f->n_set_offload++;
	if (f->set_offload_ret)
		return err_fail(err, -f->set_offload_ret,
				"fake: cannot set offloads %#x", offloads);
	f->offloads_set = offloads;
	return 0;
}

static const struct net_backend_ops fake_be_ops = {
	.kind = "fake",
	.send = fake_send,
	.recv = fake_recv,
	.poll_fd = fake_poll_fd,
	.link_up = fake_link_up,
	.tick = fake_tick,
	.close = fake_close,
	.set_offload = fake_set_offload,
};

/* A backend with a hdr_len-byte vnet header (0 or 12) that carries the
 * offloads (NET_OFF_*; only with a header). */
static inline void fake_be_init_off(struct fake_be *f, unsigned hdr_len,
				    unsigned offloads)
{
	memset(f, 0, sizeof(*f));
	f->b = (struct net_backend){&fake_be_ops, hdr_len, offloads};
	f->up = true;
}

static inline void fake_be_init(struct fake_be *f, unsigned hdr_len)
{
	fake_be_init_off(f, hdr_len, 0);
}

/* Queues a frame of len bytes for the device: byte i is seed + i. */
static inline void fake_be_queue(struct fake_be *f, size_t len, uint8_t seed)
{
	if (f->n_in == FAKE_FRAMES || len > FAKE_FRAME)
		return;
	for (size_t i = 0; i < len; i++)
		f->in[f->n_in][i] = (uint8_t)(seed + i);
	f->in_len[f->n_in++] = len;
}

#endif
