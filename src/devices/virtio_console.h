/* virtio_console.h - a virtio console with one port (virtio 1.2, 5.3): the
 * guest's hvc0, its output into the VMM's output buffer, its input from
 * the user's keys. */
#ifndef VIRTIO_CONSOLE_H
#define VIRTIO_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outbuf.h"
#include "term_filter.h"
#include "virtio_dev.h"
#include "virtqueue.h"

/* Port 0's queues: no MULTIPORT, so no control queues (5.3.2). */
#define VCON_RXQ	0u /* receiveq: the driver's buffers for typed bytes */
#define VCON_TXQ	1u /* transmitq: what the guest prints */
#define VCON_QUEUE_SIZE 64u
/* Typed bytes held while the driver has posted no receive buffer. */
#define VCON_IN_MAX 4096u
/* Bytes of a transmit buffer filtered in one step: its output, at most
 * TERM_FILTER_OUT_MAX(VCON_TX_CHUNK), fits in the room an outbuf keeps
 * above its high-water mark (OUTBUF_MSG_MAX), so nothing is lost. */
#define VCON_TX_CHUNK 4096u

/*
 * One console. Every call comes from one thread (the vCPU's: its kicks
 * trap, and the run loop's tick calls vcon_poll). What the guest
 * transmits goes to out, through a terminal filter when escape is set,
 * and only while out is below its high-water mark: a full outbuf leaves
 * the transmit buffers unconsumed (the driver waits) until vcon_poll
 * finds room. A device-writable buffer on the transmit queue, a readable
 * one on the receive queue, or a chain that breaks a virtqueue rule stops
 * the device through needs_reset.
 */
struct vcon {
	struct virtqueue rxq, txq;
	struct virtio_transport *t;
	bool stopped;
	struct outbuf *out;
	int escape;
	struct term_filter filter;
	bool tx_busy;		 /* tx holds a chain not yet written out */
	unsigned tx_seg;	 /* where in it: the buffer... */
	uint32_t tx_off;	 /* ...and the byte */
	uint64_t tx_stalls;	 /* times a full outbuf held a chain back */
	uint8_t in[VCON_IN_MAX]; /* typed, not yet in a receive buffer */
	size_t in_len;
	struct vq_chain tx, rx;
};

/* The operations a transport calls; dev is a struct vcon * set up by
 * vcon_init. */
extern const struct virtio_dev_ops vcon_ops;

/* A console whose output goes to out (which outlives it), filtered for a
 * terminal when escape is set (term_filter.h). */
void vcon_init(struct vcon *c, struct outbuf *out, int escape);

/*
 * Takes up to n typed bytes for the guest, as many as its holding buffer
 * has room for (VCON_IN_MAX), and moves what it holds into the receive
 * buffers the driver posted. Returns how many it took: the caller keeps
 * the rest and offers them again later; nothing is dropped.
 */
size_t vcon_receive(struct vcon *c, const uint8_t *p, size_t n);

/* At every tick: goes on with a transmit that a full outbuf held back
 * and with typed bytes that waited for receive buffers. */
void vcon_poll(struct vcon *c);

/* The end of the run: writes what the terminal filter still holds. */
void vcon_finish(struct vcon *c);

#endif
