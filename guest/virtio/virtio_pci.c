/* virtio_pci.c - the driver's side of the modern virtio-pci transport
 * (virtio 1.2, 4.1): register access, the status handshake (3.1.1) and
 * feature negotiation. */
#include "virtio.h"

/* The common configuration structure (4.1.4.3). */
#define COMMON_DFSELECT 0x00
#define COMMON_DF	0x04
#define COMMON_GFSELECT 0x08
#define COMMON_GF	0x0c
#define COMMON_STATUS	0x14

/* The pci_cfg window's fields (4.1.4.9), from its capability. */
#define WINDOW_BAR    4
#define WINDOW_OFFSET 8
#define WINDOW_LENGTH 12
#define WINDOW_DATA   16

/*
 * A real-mode guest cannot reach a BAR at 0xc0000000: its addresses end
 * at 1 MiB. 4.1.4.9 gives such a driver a window in configuration space:
 * say which BAR, offset and length, then read or write the data field.
 * Each access costs four or five port exits instead of one MMIO exit.
 */
static uint32_t window(const struct vio_dev *d, const struct vio_region *r,
		       uint32_t off, unsigned width)
{
	pci_write(d->slot, d->window + WINDOW_BAR, 1, r->bar);
	pci_write(d->slot, d->window + WINDOW_OFFSET, 4, r->offset + off);
	pci_write(d->slot, d->window + WINDOW_LENGTH, 4, width);
	return d->window + WINDOW_DATA;
}

static volatile void *mmio(const struct vio_dev *d, const struct vio_region *r,
			   uint32_t off)
{
	return (volatile void *)(uintptr_t)(d->bar_addr[r->bar] + r->offset +
					    off);
}

uint32_t vio_read(const struct vio_dev *d, const struct vio_region *r,
		  uint32_t off, unsigned width)
{
	if (d->use_window)
		return pci_read(d->slot, window(d, r, off, width), 4);
	volatile void *p = mmio(d, r, off);
	if (width == 1)
		return *(volatile uint8_t *)p;
	if (width == 2)
		return *(volatile uint16_t *)p;
	return *(volatile uint32_t *)p;
}

void vio_write(const struct vio_dev *d, const struct vio_region *r,
	       uint32_t off, unsigned width, uint32_t v)
{
	if (d->use_window) {
		pci_write(d->slot, window(d, r, off, width), 4, v);
		return;
	}
	volatile void *p = mmio(d, r, off);
	if (width == 1)
		*(volatile uint8_t *)p = (uint8_t)v;
	else if (width == 2)
		*(volatile uint16_t *)p = (uint16_t)v;
	else
		*(volatile uint32_t *)p = v;
}

uint8_t virtio_status(const struct vio_dev *d)
{
	return (uint8_t)vio_read(d, &d->common, COMMON_STATUS, 1);
}

/* Status bits only accumulate until a reset (2.1). */
static void set_status(const struct vio_dev *d, uint8_t bits)
{
	vio_write(d, &d->common, COMMON_STATUS, 1, virtio_status(d) | bits);
}

/* Features come 32 bits at a time, picked by the select register
 * (4.1.4.3). */
uint64_t virtio_device_features(const struct vio_dev *d)
{
	vio_write(d, &d->common, COMMON_DFSELECT, 4, 0);
	uint32_t lo = vio_read(d, &d->common, COMMON_DF, 4);
	vio_write(d, &d->common, COMMON_DFSELECT, 4, 1);
	uint32_t hi = vio_read(d, &d->common, COMMON_DF, 4);
	return (uint64_t)hi << 32 | lo;
}

int virtio_begin(const struct vio_dev *d, uint64_t want)
{
	/* 3.1.1 step 1: reset, and wait until the device says it is done
	 * (4.1.4.3.2: reads 0 once the reset completed). */
	vio_write(d, &d->common, COMMON_STATUS, 1, 0);
	while (virtio_status(d) != 0)
		;
	/* 2, 3: we noticed it, and we know how to drive it. */
	set_status(d, STATUS_ACKNOWLEDGE);
	set_status(d, STATUS_DRIVER);
	/* 4: the subset of the offer we understand. */
	if ((virtio_device_features(d) & want) != want)
		goto failed;
	vio_write(d, &d->common, COMMON_GFSELECT, 4, 0);
	vio_write(d, &d->common, COMMON_GF, 4, (uint32_t)want);
	vio_write(d, &d->common, COMMON_GFSELECT, 4, 1);
	vio_write(d, &d->common, COMMON_GF, 4, (uint32_t)(want >> 32));
	/* 5, 6: FEATURES_OK, then read it back: a device that cannot work
	 * with this subset leaves it clear. */
	set_status(d, STATUS_FEATURES_OK);
	if (!(virtio_status(d) & STATUS_FEATURES_OK))
		goto failed;
	/* 7 (queues) is vq_setup's, 8 (DRIVER_OK) virtio_driver_ok's. */
	return 0;
failed:
	set_status(d, STATUS_FAILED);
	return -1;
}

void virtio_driver_ok(const struct vio_dev *d)
{
	set_status(d, STATUS_DRIVER_OK);
}
