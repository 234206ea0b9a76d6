/* virtqueue.h - the device side of a split virtqueue (virtio 1.2, 2.7): pop
 * the chains the driver made available, check every byte of them against
 * guest RAM, and hand buffers back through the used ring. */
#ifndef VIRTQUEUE_H
#define VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "errbuf.h"
#include "guest_mem.h"
#include "virtio_dev.h"

/* Descriptor flags (virtio 1.2, 2.7.5). */
#define VIRTQ_DESC_F_NEXT     1u
#define VIRTQ_DESC_F_WRITE    2u
#define VIRTQ_DESC_F_INDIRECT 4u
/* The driver's avail->flags: it wants no used-buffer notification. */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u

/* Largest queue this code serves, and most buffers in one chain (a chain
 * may not hold more descriptors than the queue, but an indirect table
 * may; the device's SEG_MAX keeps a driver below this). */
#define VQ_SIZE_MAX 256u
#define VQ_SEG_MAX  256u

/* One buffer of a chain, already checked: len bytes of RAM at base. */
struct vq_seg {
	uint8_t *base;
	uint32_t len;
};

/*
 * A popped chain: the n_out device-readable buffers first, then the n_in
 * device-writable ones (the driver must order them so), in seg[].
 */
struct vq_chain {
	uint16_t head; /* the id to give back to vq_push */
	unsigned n_out, n_in;
	uint64_t out_len, in_len; /* bytes in each half */
	struct vq_seg seg[VQ_SEG_MAX];
};

/*
 * One queue. Pops and pushes come from one thread at a time (the device's,
 * or the vCPU that kicked it); the driver writes the rings concurrently,
 * so every field of guest memory is read once into a local.
 */
struct virtqueue {
	const struct guest_mem *mem;
	uint16_t size;	/* 0: not activated */
	bool event_idx; /* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect;	/* VIRTIO_F_INDIRECT_DESC negotiated */
	bool broken;	/* a rule was broken: pop and push do nothing */
	uint8_t *desc;	/* host views of the three areas, checked once */
	uint8_t *avail; /* flags, idx, ring[size], used_event */
	uint8_t *used;	/* flags, idx, ring[size] of {id, len}, avail_event */
	uint16_t last_avail;	 /* next avail ring slot to read */
	uint16_t used_idx;	 /* next used ring slot, as published */
	uint16_t signalled_used; /* used_idx at the last notify decision */
	bool signalled_valid;	 /* signalled_used means something */
};

/*
 * Checks where the driver put the queue and takes it into use: size a
 * power of 2 from 1 to VQ_SIZE_MAX, the descriptor table (16 * size bytes,
 * 16-aligned), the driver area (6 + 2 * size, 2-aligned) and the device
 * area (6 + 8 * size, 4-aligned) inside RAM. features are the negotiated
 * bits (EVENT_IDX and INDIRECT_DESC matter). 0, or -EINVAL with one line.
 * mem must outlive the queue.
 */
int vq_activate(struct virtqueue *vq, const struct guest_mem *mem,
		const struct virtio_queue_addr *addr, uint64_t features,
		struct errbuf *err);

/*
 * vq_activate for a queue the driver may leave off (virtio 1.2 4.1.4.3:
 * size 0, or never enabled, which the transport reports as size 0): such
 * a queue is reset and stays inactive, and 0 is returned.
 */
int vq_activate_optional(struct virtqueue *vq, const struct guest_mem *mem,
			 const struct virtio_queue_addr *addr,
			 uint64_t features, struct errbuf *err);

/* Forgets the queue (a device reset): no guest memory is used after it. */
void vq_reset(struct virtqueue *vq);

/*
 * Takes the next available chain into c. 1: one was taken; 0: none is
 * available (with EVENT_IDX, avail_event is updated first so that the
 * driver kicks for the next one), or the queue is broken or inactive;
 * -EINVAL with one line in err when the driver broke a rule: the avail
 * index ran more than size ahead, a head or next index past the table, a
 * chain longer than the queue (a loop), an indirect descriptor that is not
 * negotiated, nested, chained with NEXT, empty, not a multiple of 16 or
 * outside RAM, a buffer outside RAM (a wrapping length too), a readable
 * buffer after a writable one, more than VQ_SEG_MAX buffers. The queue is
 * then broken: the device calls its transport's needs_reset.
 */
int vq_pop(struct virtqueue *vq, struct vq_chain *c, struct errbuf *err);

/*
 * Gives the chain with this head back: a used element {head, written}
 * then the used index, published with release order (the driver reads it
 * on another CPU). Does nothing on a broken or inactive queue.
 */
void vq_push(struct virtqueue *vq, uint16_t head, uint32_t written);

/*
 * After a batch of vq_push: true when the driver wants a used-buffer
 * notification. With EVENT_IDX: when the used index passed the driver's
 * used_event since the last decision (the first decision always says
 * yes); without: unless avail->flags has NO_INTERRUPT.
 */
bool vq_should_notify(struct virtqueue *vq);

/* The rule of vring_need_event: true when event_idx lies in the window
 * (old_idx, new_idx] of used indexes, modulo 2^16. */
bool vq_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx);

#endif
