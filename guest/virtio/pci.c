/* pci.c - find the virtio device on PCI bus 0 and its structures (virtio
 * 1.2, 4.1.4), through configuration mechanism #1. */
#include "virtio.h"

#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc

#define PCI_COMMAND	    0x04
#define PCI_COMMAND_MEMORY  0x2
#define PCI_COMMAND_MASTER  0x4
#define PCI_STATUS	    0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_BAR0	    0x10
#define PCI_CAP_PTR	    0x34
#define PCI_CAP_ID_VNDR	    0x09

/* virtio_pci_cap (4.1.4): after the generic id and next bytes. */
#define CAP_CFG_TYPE	3
#define CAP_BAR		4
#define CAP_OFFSET	8
#define CAP_LENGTH	12
#define CAP_NOTIFY_MULT 16 /* virtio_pci_notify_cap only */

#define CFG_COMMON 1
#define CFG_NOTIFY 2
#define CFG_ISR	   3
#define CFG_DEVICE 4
#define CFG_PCI	   5

/* The address register: enable bit, bus 0, the slot, function 0, the
 * dword; the data port's low bits then pick the bytes inside it. */
static void select(unsigned slot, unsigned off)
{
	outl(PCI_ADDR, 0x80000000u | slot << 11 | (off & 0xfc));
}

uint32_t pci_read(unsigned slot, unsigned off, unsigned width)
{
	uint16_t port = (uint16_t)(PCI_DATA + (off & 3));

	select(slot, off);
	if (width == 1)
		return inb(port);
	if (width == 2)
		return inw(port);
	return inl(port);
}

void pci_write(unsigned slot, unsigned off, unsigned width, uint32_t v)
{
	uint16_t port = (uint16_t)(PCI_DATA + (off & 3));

	select(slot, off);
	if (width == 1)
		outb(port, (uint8_t)v);
	else if (width == 2)
		outw(port, (uint16_t)v);
	else
		outl(port, v);
}

int pci_find(uint16_t vendor, uint16_t device)
{
	for (unsigned slot = 0; slot < 32; slot++) {
		uint32_t id = pci_read(slot, 0, 4); /* all ones: empty */

		if ((id & 0xffff) == vendor && id >> 16 == device)
			return (int)slot;
	}
	return -1;
}

/* A memory BAR's address. The VMM assigned it below 4 GiB; a 64-bit
 * BAR's upper half (the next register) is then 0. */
static uint32_t bar_address(unsigned slot, unsigned bar)
{
	return pci_read(slot, PCI_BAR0 + 4 * bar, 4) & ~0xfu;
}

static void take(struct vio_region *r, unsigned slot, unsigned cap)
{
	r->bar = (uint8_t)pci_read(slot, cap + CAP_BAR, 1);
	r->offset = pci_read(slot, cap + CAP_OFFSET, 4);
	r->length = pci_read(slot, cap + CAP_LENGTH, 4);
}

int pci_virtio_caps(struct vio_dev *d, unsigned slot)
{
	d->slot = slot;
	if (!(pci_read(slot, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return -1;
	/* The list starts at 0x34 and each entry links to the next; the
	 * low two bits of a pointer are reserved (PCI 3.0, 6.7). A bound
	 * on the walk, in case the list loops. */
	unsigned cap = pci_read(slot, PCI_CAP_PTR, 1) & 0xfc;
	for (int n = 0; cap && n < 48; n++) {
		if (pci_read(slot, cap, 1) == PCI_CAP_ID_VNDR) {
			/* 4.1.4: the driver uses the first of each type */
			switch (pci_read(slot, cap + CAP_CFG_TYPE, 1)) {
			case CFG_COMMON:
				if (!d->common.length)
					take(&d->common, slot, cap);
				break;
			case CFG_NOTIFY:
				if (!d->notify.length) {
					take(&d->notify, slot, cap);
					d->notify_mult = pci_read(
						slot, cap + CAP_NOTIFY_MULT, 4);
				}
				break;
			case CFG_ISR:
				if (!d->isr.length)
					take(&d->isr, slot, cap);
				break;
			case CFG_DEVICE:
				if (!d->device.length)
					take(&d->device, slot, cap);
				break;
			case CFG_PCI:
				if (!d->window)
					d->window = (uint8_t)cap;
				break;
			}
		}
		cap = pci_read(slot, cap + 1, 1) & 0xfc;
	}
	if (!d->common.length || !d->notify.length || !d->isr.length ||
	    !d->device.length)
		return -1;
	for (unsigned b = 0; b < 6; b++)
		d->bar_addr[b] = bar_address(slot, b);
	/* Memory decoding puts the BAR on the bus; bus mastering lets the
	 * device reach RAM (the VMM's device does not check it, hardware
	 * does). */
	uint32_t cmd = pci_read(slot, PCI_COMMAND, 2);
	pci_write(slot, PCI_COMMAND, 2,
		  cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	return 0;
}
