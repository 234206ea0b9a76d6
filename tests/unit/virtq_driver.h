/* virtq_driver.h - a tiny virtio driver for the device tests: it lays out a
 * split queue in fake guest RAM (malloc'd to exactly its size, so that ASan
 * sees any access past it) and writes descriptors and rings as Linux would. */
#ifndef VIRTQ_DRIVER_H
#define VIRTQ_DRIVER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_mem.h"
#include "virtio_dev.h"
#include "virtqueue.h"

/* Where things are in the fake RAM. */
#define DRV_DESC     0x1000u
#define DRV_AVAIL    0x3000u
#define DRV_USED     0x4000u
#define DRV_INDIRECT 0x7000u /* indirect tables, 0x400 bytes each */
#define DRV_DATA     0x10000u
#define DRV_RAM_SIZE 0x40000u

struct drv {
	uint8_t *ram;
	struct guest_mem mem;
	struct virtio_queue_addr addr;
	uint16_t avail_idx; /* the driver's copy of avail->idx */
	uint16_t used_seen; /* used elements read so far */
};

/* A transport that counts what the device asked of it. */
struct fake_transport {
	struct virtio_transport t;
	int notified, config_changed, resets;
	char why[512];
};

static inline void fake_notify_used(struct virtio_transport *t, unsigned q)
{
	(void)q;
	((struct fake_transport *)(void *)t)->notified++;
}

static inline void fake_notify_config(struct virtio_transport *t)
{
	((struct fake_transport *)(void *)t)->config_changed++;
}

static inline void fake_needs_reset(struct virtio_transport *t, const char *why)
{
	struct fake_transport *f = (struct fake_transport *)(void *)t;

	f->resets++;
	snprintf(f->why, sizeof(f->why), "%s", why);
}

static inline void fake_transport_init(struct fake_transport *f)
{
	memset(f, 0, sizeof(*f));
	f->t.notify_used = fake_notify_used;
	f->t.notify_config = fake_notify_config;
	f->t.needs_reset = fake_needs_reset;
}

static inline void drv_init(struct drv *d, uint16_t size)
{
	memset(d, 0, sizeof(*d));
	d->ram = calloc(1, DRV_RAM_SIZE);
	d->mem = (struct guest_mem){d->ram, DRV_RAM_SIZE};
	d->addr =
		(struct virtio_queue_addr){size, DRV_DESC, DRV_AVAIL, DRV_USED};
}

static inline void drv_free(struct drv *d)
{
	free(d->ram);
	d->ram = NULL;
}

static inline void drv_put16(struct drv *d, gpa_t gpa, uint16_t v)
{
	memcpy(d->ram + gpa, &v, 2);
}

static inline uint16_t drv_get16(const struct drv *d, gpa_t gpa)
{
	uint16_t v;

	memcpy(&v, d->ram + gpa, 2);
	return v;
}

static inline uint32_t drv_get32(const struct drv *d, gpa_t gpa)
{
	uint32_t v;

	memcpy(&v, d->ram + gpa, 4);
	return v;
}

/* Descriptor idx of the table at table_gpa. */
static inline void drv_desc_in(struct drv *d, gpa_t table_gpa, unsigned idx,
			       uint64_t addr, uint32_t len, uint16_t flags,
			       uint16_t next)
{
	uint8_t *p = d->ram + table_gpa + 16u * idx;

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

/* Descriptor idx of the queue's own table. */
static inline void drv_desc(struct drv *d, unsigned idx, uint64_t addr,
			    uint32_t len, uint16_t flags, uint16_t next)
{
	drv_desc_in(d, DRV_DESC, idx, addr, len, flags, next);
}

/* Sets avail->idx as it is (for the tests that break the rules). */
static inline void drv_set_avail_idx(struct drv *d, uint16_t idx)
{
	d->avail_idx = idx;
	drv_put16(d, DRV_AVAIL + 2, idx);
}

/* Makes the chain starting at head available. */
static inline void drv_offer(struct drv *d, uint16_t head)
{
	drv_put16(d, DRV_AVAIL + 4 + 2u * (d->avail_idx % d->addr.size), head);
	drv_set_avail_idx(d, (uint16_t)(d->avail_idx + 1));
}

static inline uint16_t drv_used_idx(const struct drv *d)
{
	return drv_get16(d, DRV_USED + 2);
}

/* The used element at ring position i. */
static inline void drv_used_elem(const struct drv *d, uint16_t i, uint32_t *id,
				 uint32_t *len)
{
	gpa_t e = DRV_USED + 4 + 8u * (i % d->addr.size);

	*id = drv_get32(d, e);
	*len = drv_get32(d, e + 4);
}

static inline void drv_set_used_event(struct drv *d, uint16_t v)
{
	drv_put16(d, DRV_AVAIL + 4 + 2u * d->addr.size, v);
}

static inline uint16_t drv_avail_event(const struct drv *d)
{
	return drv_get16(d, DRV_USED + 4 + 8u * d->addr.size);
}

static inline void drv_set_avail_flags(struct drv *d, uint16_t flags)
{
	drv_put16(d, DRV_AVAIL, flags);
}

#endif
