/* virtqueue.c - split virtqueue parsing and completion against guest RAM. */
#include "virtqueue.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* The rings are little-endian (VERSION_1); so is the only host we build
 * for, which lets a field be read in place. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "virtqueue.c reads little-endian rings in place");

/* Offsets inside the areas (virtio 1.2, 2.7.6 and 2.7.8). */
#define DESC_SIZE      16u
#define AVAIL_IDX      2u
#define AVAIL_RING     4u
#define USED_IDX       2u
#define USED_RING      4u
#define USED_ELEM_SIZE 8u

/* A descriptor as it is in guest memory, copied out before any check. */
struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct vq_desc) == DESC_SIZE, "descriptor layout");

/* Each area's size and alignment (virtio 1.2, 2.7, its table). */
static uint64_t desc_bytes(uint16_t size)
{
	return (uint64_t)DESC_SIZE * size;
}

static uint64_t avail_bytes(uint16_t size)
{
	return 6u + 2u * (uint64_t)size;
}

static uint64_t used_bytes(uint16_t size)
{
	return 6u + (uint64_t)USED_ELEM_SIZE * size;
}

/* A host view of one area, or NULL with the reason in err. */
static uint8_t *area(const struct guest_mem *mem, const char *what, gpa_t gpa,
		     uint64_t len, uint64_t align, struct errbuf *err)
{
	uint8_t *p;

	if (gpa % align) {
		err_fail(err, EINVAL,
			 "virtqueue: %s at 0x%llx is not %llu-byte aligned",
			 what, (unsigned long long)gpa,
			 (unsigned long long)align);
		return NULL;
	}
	p = gmem_ptr(mem, gpa, len);
	if (!p)
		err_fail(err, EINVAL,
			 "virtqueue: %s at 0x%llx (%llu bytes) is outside RAM",
			 what, (unsigned long long)gpa,
			 (unsigned long long)len);
	return p;
}

int vq_activate(struct virtqueue *vq, const struct guest_mem *mem,
		const struct virtio_queue_addr *addr, uint64_t features,
		struct errbuf *err)
{
	uint16_t size = addr->size;
	uint8_t *desc, *avail, *used;

	vq_reset(vq);
	if (size == 0 || size > VQ_SIZE_MAX || (size & (size - 1)))
		return err_fail(err, EINVAL,
				"virtqueue: size %u is not a power of 2 from 1 "
				"to %u",
				size, VQ_SIZE_MAX);
	desc = area(mem, "descriptor table", addr->desc, desc_bytes(size), 16,
		    err);
	avail = desc ? area(mem, "driver area", addr->avail, avail_bytes(size),
			    2, err)
		     : NULL;
	used = avail ? area(mem, "device area", addr->used, used_bytes(size), 4,
			    err)
		     : NULL;
	if (!used)
		return -EINVAL;
	vq->mem = mem;
	vq->size = size;
	vq->event_idx = features & (1ull << VIRTIO_F_EVENT_IDX);
	vq->indirect = features & (1ull << VIRTIO_F_INDIRECT_DESC);
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	/* The device starts where a reset driver starts: both indexes 0
	 * (virtio 1.2, 2.7.13.1: the driver zeroes the areas). */
	return 0;
}

int vq_activate_optional(struct virtqueue *vq, const struct guest_mem *mem,
			 const struct virtio_queue_addr *addr,
			 uint64_t features, struct errbuf *err)
{
	if (addr->size == 0) {
		vq_reset(vq);
		return 0;
	}
	return vq_activate(vq, mem, addr, features, err);
}

void vq_reset(struct virtqueue *vq)
{
	memset(vq, 0, sizeof(*vq));
}

/* Guest fields, each read exactly once (the driver may be writing). */
static uint16_t load16(const uint8_t *p, int order)
{
	return __atomic_load_n((const uint16_t *)(const void *)p, order);
}

static void store16(uint8_t *p, uint16_t v, int order)
{
	__atomic_store_n((uint16_t *)(void *)p, v, order);
}

static void store32(uint8_t *p, uint32_t v)
{
	__atomic_store_n((uint32_t *)(void *)p, v, __ATOMIC_RELAXED);
}

/* The driver broke a rule: the queue stops, err says which rule. */
static int broke(struct virtqueue *vq, struct errbuf *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int broke(struct virtqueue *vq, struct errbuf *err, const char *fmt, ...)
{
	va_list ap;

	vq->broken = true;
	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* One buffer into the chain: inside RAM, readable ones before writable. */
static int add_seg(struct virtqueue *vq, struct vq_chain *c,
		   const struct vq_desc *d, struct errbuf *err)
{
	bool writable = d->flags & VIRTQ_DESC_F_WRITE;
	uint8_t *p = gmem_ptr(vq->mem, d->addr, d->len);

	if (!p)
		return broke(
			vq, err,
			"virtqueue: chain %u: a buffer at 0x%llx (%u bytes) "
			"is outside RAM",
			c->head, (unsigned long long)d->addr, d->len);
	if (!writable && c->n_in)
		return broke(vq, err,
			     "virtqueue: chain %u: a readable buffer after a "
			     "writable one (%u so far)",
			     c->head, c->n_in);
	if (c->n_out + c->n_in == VQ_SEG_MAX)
		return broke(vq, err,
			     "virtqueue: chain %u has more than %u buffers",
			     c->head, VQ_SEG_MAX);
	c->seg[c->n_out + c->n_in] = (struct vq_seg){p, d->len};
	if (writable) {
		c->n_in++;
		c->in_len += d->len;
	} else {
		c->n_out++;
		c->out_len += d->len;
	}
	return 0;
}

/* Checks an indirect descriptor; its table's host view, or NULL. */
static const uint8_t *indirect_table(struct virtqueue *vq, struct vq_chain *c,
				     const struct vq_desc *d, bool nested,
				     struct errbuf *err)
{
	const uint8_t *t;

	if (!vq->indirect) {
		broke(vq, err,
		      "virtqueue: chain %u: an indirect descriptor, but "
		      "INDIRECT_DESC was not negotiated",
		      c->head);
		return NULL;
	}
	if (nested) {
		broke(vq, err,
		      "virtqueue: chain %u: an indirect table inside an "
		      "indirect table",
		      c->head);
		return NULL;
	}
	if (d->flags & VIRTQ_DESC_F_NEXT) {
		broke(vq, err,
		      "virtqueue: chain %u: an indirect descriptor with NEXT "
		      "set",
		      c->head);
		return NULL;
	}
	if (d->len == 0 || d->len % DESC_SIZE) {
		broke(vq, err,
		      "virtqueue: chain %u: an indirect table of %u bytes (not "
		      "a non-zero multiple of 16)",
		      c->head, d->len);
		return NULL;
	}
	t = gmem_ptr(vq->mem, d->addr, d->len);
	if (!t)
		broke(vq, err,
		      "virtqueue: chain %u: an indirect table at 0x%llx (%u "
		      "bytes) is outside RAM",
		      c->head, (unsigned long long)d->addr, d->len);
	return t;
}

/*
 * Walks the chain from c->head: at most `entries` descriptors in each
 * table (the queue's, then one indirect one), so a loop ends as an error.
 */
static int walk(struct virtqueue *vq, struct vq_chain *c, struct errbuf *err)
{
	const uint8_t *table = vq->desc;
	uint32_t entries = vq->size, seen = 0;
	uint16_t idx = c->head;
	bool nested = false;
	struct vq_desc d;

	for (;;) {
		if (++seen > entries)
			return broke(vq, err,
				     "virtqueue: chain %u is longer than its "
				     "table of %u (a loop?)",
				     c->head, entries);
		memcpy(&d, table + (size_t)idx * DESC_SIZE, sizeof(d));
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			table = indirect_table(vq, c, &d, nested, err);
			if (!table)
				return -EINVAL;
			nested = true;
			entries = d.len / DESC_SIZE;
			seen = 0;
			idx = 0;
			continue;
		}
		if (add_seg(vq, c, &d, err))
			return -EINVAL;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= entries)
			return broke(vq, err,
				     "virtqueue: chain %u: next index %u is "
				     "past its table",
				     c->head, d.next);
		idx = d.next;
	}
}

/* The driver's avail index, ordered before the ring entries it covers. */
static uint16_t avail_idx(const struct virtqueue *vq)
{
	return load16(vq->avail + AVAIL_IDX, __ATOMIC_ACQUIRE);
}

/* With EVENT_IDX: tell the driver which index to kick for, then look
 * again, because it may have added one before it saw avail_event. */
static uint16_t arm_avail_event(struct virtqueue *vq)
{
	uint8_t *ev = vq->used + USED_RING + USED_ELEM_SIZE * vq->size;

	store16(ev, vq->last_avail, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return avail_idx(vq);
}

int vq_pop(struct virtqueue *vq, struct vq_chain *c, struct errbuf *err)
{
	uint16_t idx, pending, head;

	if (!vq->size || vq->broken)
		return 0;
	idx = avail_idx(vq);
	if (idx == vq->last_avail && vq->event_idx)
		idx = arm_avail_event(vq);
	/* A free-running 16-bit counter: only the distance means anything. */
	pending = (uint16_t)(idx - vq->last_avail);
	if (pending > vq->size)
		return broke(vq, err,
			     "virtqueue: avail index %u is more than the "
			     "queue size ahead of %u",
			     idx, vq->last_avail);
	if (pending == 0)
		return 0;
	head = load16(vq->avail + AVAIL_RING +
			      2u * (vq->last_avail & (vq->size - 1)),
		      __ATOMIC_RELAXED);
	memset(c, 0, offsetof(struct vq_chain, seg));
	c->head = head;
	if (head >= vq->size)
		return broke(vq, err,
			     "virtqueue: head index %u is past the queue of %u",
			     head, vq->size);
	if (walk(vq, c, err))
		return -EINVAL;
	vq->last_avail++;
	return 1;
}

void vq_push(struct virtqueue *vq, uint16_t head, uint32_t written)
{
	uint8_t *elem;

	if (!vq->size || vq->broken)
		return;
	elem = vq->used + USED_RING +
	       USED_ELEM_SIZE * (vq->used_idx & (vq->size - 1));
	store32(elem, head);
	store32(elem + 4, written);
	vq->used_idx++;
	/* Release: the element (and the data written into the buffers) is
	 * visible before the index that hands it over. */
	store16(vq->used + USED_IDX, vq->used_idx, __ATOMIC_RELEASE);
}

bool vq_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event_idx - 1) <
	       (uint16_t)(new_idx - old_idx);
}

bool vq_should_notify(struct virtqueue *vq)
{
	uint16_t old = vq->signalled_used, event;
	bool valid = vq->signalled_valid;

	if (!vq->size || vq->broken)
		return false;
	/* The used index is published before the driver's flags or event
	 * are read: otherwise both sides could wait for each other. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx)
		return !(load16(vq->avail, __ATOMIC_RELAXED) &
			 VIRTQ_AVAIL_F_NO_INTERRUPT);
	vq->signalled_used = vq->used_idx;
	vq->signalled_valid = true;
	if (!valid)
		return true;
	event = load16(vq->avail + AVAIL_RING + 2u * vq->size,
		       __ATOMIC_RELAXED);
	return vq_need_event(event, vq->used_idx, old);
}
