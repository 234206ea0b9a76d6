/* pci-probe.c - finds the virtio disks on PCI bus 0 through 0xcf8/0xcfc and
 * reads registers of the first one through its BAR: proof that --disk is
 * wired, for every mode with paging or without. */
#include <stdint.h>

#include "../hypercall.h"

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA    0xcfc
#define VIRTIO_VENDOR  0x1af4
#define VIRTIO_BLK_ID  0x1042

/* Offsets in BAR 0 (docs/pci.md): the common configuration, and the
 * block device's configuration, whose first field is the capacity. */
#define COMMON_DFSELECT 0x00
#define COMMON_DF	0x04
#define COMMON_NUMQ	0x12
#define COMMON_Q_SIZE	0x18
#define DEVICE_CFG	0x2000

uint32_t guest_main(void);

static uint32_t cfg_read(unsigned slot, unsigned reg)
{
	hc_outl(CONFIG_ADDRESS, 0x80000000u | slot << 11 | reg);
	return hc_inl(CONFIG_DATA);
}

static void cfg_write(unsigned slot, unsigned reg, uint32_t val)
{
	hc_outl(CONFIG_ADDRESS, 0x80000000u | slot << 11 | reg);
	hc_outl(CONFIG_DATA, val);
}

static uint32_t mmio_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

/* Prints what the disk in slot says: BAR 0's address, the queue count and
 * size, VERSION_1 in the offer's high half, and the capacity. */
static void probe_disk(unsigned slot)
{
	uintptr_t bar = cfg_read(slot, 0x10) & ~0xfu;
	uint32_t cmd = cfg_read(slot, 0x04);

	cfg_write(slot, 0x04, cmd | 2); /* memory space on */
	HC_print32bit((uint32_t)bar);
	HC_print32bit(*(volatile uint16_t *)(bar + COMMON_NUMQ));
	HC_print32bit(*(volatile uint16_t *)(bar + COMMON_Q_SIZE));
	*(volatile uint32_t *)(bar + COMMON_DFSELECT) = 1;
	HC_print32bit(mmio_read32(bar + COMMON_DF) & 1);
	HC_print32bit(mmio_read32(bar + DEVICE_CFG));
	HC_print32bit(mmio_read32(bar + DEVICE_CFG + 4));
}

/* Prints the slot of each virtio-blk device, then probes the first; the
 * answer is how many there are. */
uint32_t guest_main(void)
{
	unsigned first = 0, found = 0;

	for (unsigned slot = 0; slot < 32; slot++) {
		uint32_t id = cfg_read(slot, 0);

		if ((id & 0xffff) != VIRTIO_VENDOR || id >> 16 != VIRTIO_BLK_ID)
			continue;
		HC_print32bit(slot);
		if (!found++)
			first = slot;
	}
	if (found)
		probe_disk(first);
	*(volatile uint32_t *)0x400 = found;
	return found;
}
