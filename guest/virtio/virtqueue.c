/* virtqueue.c - one split virtqueue, the driver's side (virtio 1.2, 2.7):
 * rings in guest RAM, a chain made available, a kick, a poll of the used
 * ring. One request in flight, so the chain always starts at descriptor 0. */
#include "virtio.h"

/* The common configuration's queue fields (4.1.4.3). */
#define COMMON_Q_SELECT 0x16
#define COMMON_Q_SIZE	0x18
#define COMMON_Q_ENABLE 0x1c
#define COMMON_Q_NOFF	0x1e
#define COMMON_Q_DESC	0x20
#define COMMON_Q_DRIVER 0x28
#define COMMON_Q_DEVICE 0x30

/* How many times vq_wait looks at the used index, and how often it asks
 * the device whether it gave up on us (an MMIO read, so a VM exit). */
#define WAIT_POLLS	(1u << 22)
#define WAIT_STATUS_PER 256u

/* The areas' alignments (2.7, table "Virtqueue Part Alignment"). In
 * .bss, so in the guest's first 64 KiB, which real mode reaches too. */
static struct vq_area {
	struct virtq_desc desc[VQ_SIZE] __attribute__((aligned(16)));
	struct virtq_avail avail __attribute__((aligned(2)));
	struct virtq_used used __attribute__((aligned(4)));
} areas[VQ_AREAS];

/* A 64-bit address field, written as two 32-bit halves (4.1.3.1). */
static void write64(const struct vio_dev *d, uint32_t off, uint64_t v)
{
	vio_write(d, &d->common, off, 4, (uint32_t)v);
	vio_write(d, &d->common, off + 4, 4, (uint32_t)(v >> 32));
}

int vq_setup(struct virtq *vq, const struct vio_dev *d, uint16_t index)
{
	return vq_setup_in(vq, d, index, 0);
}

int vq_setup_in(struct virtq *vq, const struct vio_dev *d, uint16_t index,
		unsigned area)
{
	struct virtq_desc *desc = areas[area].desc;
	struct virtq_avail *avail = &areas[area].avail;
	struct virtq_used *used = &areas[area].used;

	/* 4.1.5.1.3: select the queue, read its maximum size (0: none). */
	vio_write(d, &d->common, COMMON_Q_SELECT, 2, index);
	uint16_t max = (uint16_t)vio_read(d, &d->common, COMMON_Q_SIZE, 2);
	if (max == 0)
		return -1;
	vq->dev = d;
	vq->index = index;
	vq->size = max < VQ_SIZE ? max : VQ_SIZE;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	vq->last_used = 0;
	/* A fresh queue: the device starts both indexes at 0 after a reset,
	 * and so must we (a second setup after a reset starts over). */
	avail->flags = 1; /* VIRTQ_AVAIL_F_NO_INTERRUPT: we poll */
	avail->idx = 0;
	used->idx = 0;
	vq->notify_off =
		vio_read(d, &d->common, COMMON_Q_NOFF, 2) * d->notify_mult;
	vio_write(d, &d->common, COMMON_Q_SIZE, 2, vq->size);
	write64(d, COMMON_Q_DESC, phys(desc));
	write64(d, COMMON_Q_DRIVER, phys(avail));
	write64(d, COMMON_Q_DEVICE, phys(used));
	vio_write(d, &d->common, COMMON_Q_ENABLE, 2, 1);
	return 0;
}

void vq_publish(struct virtq *vq, uint16_t head)
{
	volatile struct virtq_avail *a = vq->avail;

	/* 2.7.13.2: the head goes into the next free ring slot; the index
	 * is free-running, the slot is it modulo the size. */
	a->ring[a->idx & (vq->size - 1)] = head;
	/* 2.7.13.3.1: the ring entry (and the descriptors) before the index
	 * that hands them over. */
	barrier();
	a->idx = (uint16_t)(a->idx + 1);
}

void vq_kick(struct virtq *vq)
{
	/* 4.1.5.2: the queue's index, written at its doorbell. The write is
	 * a VM exit, which orders the ring stores before it. */
	vio_write(vq->dev, &vq->dev->notify, vq->notify_off, 2, vq->index);
}

void vq_submit(struct virtq *vq, const struct vq_buf *bufs, unsigned n)
{
	/* 2.7.13.1: one descriptor per buffer, linked by next. */
	for (unsigned i = 0; i < n; i++) {
		vq->desc[i].addr = phys(bufs[i].addr);
		vq->desc[i].len = bufs[i].len;
		vq->desc[i].flags =
			(uint16_t)((bufs[i].device_writes ? VIRTQ_DESC_F_WRITE
							  : 0) |
				   (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		vq->desc[i].next = (uint16_t)(i + 1 < n ? i + 1 : 0);
	}
	vq_publish(vq, 0);
	vq_kick(vq);
}

int vq_wait(struct virtq *vq, uint32_t *len)
{
	for (uint32_t i = 0; i < WAIT_POLLS; i++) {
		if (vq->used->idx != vq->last_used) {
			/* 2.7.14: the element after the index that covers it
			 * (and the data the device wrote with it). */
			barrier();
			volatile struct virtq_used_elem *e =
				&vq->used->ring[vq->last_used & (vq->size - 1)];
			*len = e->len;
			vq->last_used = (uint16_t)(vq->last_used + 1);
			return 0;
		}
		if (i % WAIT_STATUS_PER == WAIT_STATUS_PER - 1 &&
		    (virtio_status(vq->dev) & STATUS_NEEDS_RESET))
			return -1;
	}
	return -1;
}
