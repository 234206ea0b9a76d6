/* virtio-read.c - the smallest polling virtio-blk driver: one request on the
 * first disk, through 0xcf8 and BAR 0, served on the vCPU's own notify
 * exit. With -DBAD_AVAIL the avail index jumps past the queue size, which
 * a device must refuse (NEEDS_RESET). */
#include <stdint.h>

#include "../hypercall.h"

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_BLK_ID 0x1042

/* BAR 0 (docs/pci.md) */
#define COMMON_DFSELECT 0x00
#define COMMON_GFSELECT 0x08
#define COMMON_GF	0x0c
#define COMMON_STATUS	0x14
#define COMMON_Q_SELECT 0x16
#define COMMON_Q_SIZE	0x18
#define COMMON_Q_ENABLE 0x1c
#define COMMON_Q_DESC	0x20
#define COMMON_Q_DRIVER 0x28
#define COMMON_Q_DEVICE 0x30
#define NOTIFY		0x3000

#define QSIZE 8
/* Where the queue and the request live: RAM that the image leaves free. */
#define DESC_GPA   0x200000u
#define AVAIL_GPA  0x201000u
#define USED_GPA   0x202000u
#define HDR_GPA	   0x203000u
#define DATA_GPA   0x204000u
#define STATUS_GPA 0x205000u

#define VRING_DESC_F_NEXT  1
#define VRING_DESC_F_WRITE 2

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

uint32_t guest_main(void);

static uint32_t cfg_read(unsigned slot, unsigned reg)
{
	hc_outl(0xcf8, 0x80000000u | slot << 11 | reg);
	return hc_inl(0xcfc);
}

static void cfg_write(unsigned slot, unsigned reg, uint32_t val)
{
	hc_outl(0xcf8, 0x80000000u | slot << 11 | reg);
	hc_outl(0xcfc, val);
}

#define REG8(a)	 (*(volatile uint8_t *)(uintptr_t)(a))
#define REG16(a) (*(volatile uint16_t *)(uintptr_t)(a))
#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))

static void zero(uintptr_t at, unsigned len)
{
	for (unsigned i = 0; i < len; i += 4)
		REG32(at + i) = 0;
}

/* The handshake of virtio 1.2, 3.1.1, with VERSION_1 only, and queue 0. */
static int setup(uintptr_t bar)
{
	REG8(bar + COMMON_STATUS) = 0;
	REG8(bar + COMMON_STATUS) = 1 | 2; /* ACKNOWLEDGE, DRIVER */
	REG32(bar + COMMON_GFSELECT) = 0;
	REG32(bar + COMMON_GF) = 0;
	REG32(bar + COMMON_GFSELECT) = 1;
	REG32(bar + COMMON_GF) = 1; /* VERSION_1 */
	REG8(bar + COMMON_STATUS) = 1 | 2 | 8;
	if (!(REG8(bar + COMMON_STATUS) & 8))
		return -1;
	zero(DESC_GPA, 0x3000);
	REG16(bar + COMMON_Q_SELECT) = 0;
	REG16(bar + COMMON_Q_SIZE) = QSIZE;
	/* 64-bit fields as two 32-bit halves (4.1.3.1) */
	REG32(bar + COMMON_Q_DESC) = DESC_GPA;
	REG32(bar + COMMON_Q_DESC + 4) = 0;
	REG32(bar + COMMON_Q_DRIVER) = AVAIL_GPA;
	REG32(bar + COMMON_Q_DRIVER + 4) = 0;
	REG32(bar + COMMON_Q_DEVICE) = USED_GPA;
	REG32(bar + COMMON_Q_DEVICE + 4) = 0;
	REG16(bar + COMMON_Q_ENABLE) = 1;
	REG8(bar + COMMON_STATUS) = 1 | 2 | 8 | 4; /* DRIVER_OK */
	return 0;
}

static void set_desc(unsigned i, uint32_t addr, uint32_t len, uint16_t flags)
{
	volatile struct vring_desc *d =
		(volatile struct vring_desc *)(uintptr_t)DESC_GPA + i;

	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = (uint16_t)(i + 1);
}

/* Reads sector 1 and prints the status byte, used->idx and the first
 * dword read; BAD_AVAIL prints the device status instead. */
static void read_sector(uintptr_t bar)
{
	REG32(HDR_GPA) = 0;	/* VIRTIO_BLK_T_IN */
	REG32(HDR_GPA + 4) = 0; /* reserved */
	REG32(HDR_GPA + 8) = 1; /* sector 1 */
	REG32(HDR_GPA + 12) = 0;
	REG8(STATUS_GPA) = 0xff;
	set_desc(0, HDR_GPA, 16, VRING_DESC_F_NEXT);
	set_desc(1, DATA_GPA, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE);
	set_desc(2, STATUS_GPA, 1, VRING_DESC_F_WRITE);
	REG16(AVAIL_GPA + 4) = 0; /* ring[0]: the chain at 0 */
#if defined(BAD_AVAIL)
	REG16(AVAIL_GPA + 2) = QSIZE + 92; /* idx jumps past the queue */
#else
	REG16(AVAIL_GPA + 2) = 1;
#endif
	REG16(bar + NOTIFY) = 0; /* kick queue 0: served before this returns */
#if defined(BAD_AVAIL)
	HC_print32bit(REG8(bar + COMMON_STATUS));
#else
	HC_print32bit(REG8(STATUS_GPA));
	HC_print32bit(REG16(USED_GPA + 2));
	HC_print32bit(REG32(DATA_GPA));
#endif
}

uint32_t guest_main(void)
{
	for (unsigned slot = 0; slot < 32; slot++) {
		uint32_t id = cfg_read(slot, 0);
		uintptr_t bar;

		if ((id & 0xffff) != VIRTIO_VENDOR || id >> 16 != VIRTIO_BLK_ID)
			continue;
		bar = cfg_read(slot, 0x10) & ~0xfu;
		cfg_write(slot, 0x04, cfg_read(slot, 0x04) | 2);
		if (setup(bar))
			return 1;
		read_sector(bar);
		return 0;
	}
	return 2;
}
