/* hostile.c - a driver that breaks one virtqueue rule on purpose, one case
 * per build (-DCASE_<name>): the device must set DEVICE_NEEDS_RESET (2.1.2)
 * and stop the queue, and after a reset serve again. */
#include "hypercall.h"
#include "virtio.h"

/* The exit code when the device does not offer what a case needs. */
#define EXIT_NOT_OFFERED 60

static struct vio_dev dev;
static struct virtq vq;
#if defined(CASE_nested_indirect)
static struct virtq_desc table1[1] __attribute__((aligned(16)));
static struct virtq_desc table2[1] __attribute__((aligned(16)));
#endif
/* a request's header and status byte, for the cases that need them */
__attribute__((unused)) static volatile uint8_t header[16], status;
static char sector[SECTOR];

uint32_t guest_main(void);

static void say(char *line)
{
	HC_printStr("vdrv-hostile: ");
	HC_printStr(line);
	HC_printStr("\n");
}

static void fail(char *why, uint32_t code)
{
	say(why);
	HC_exit(code);
}

/* Reset, handshake, queue 0, DRIVER_OK: as main.c does. */
static void bring_up(uint64_t features)
{
	if (virtio_begin(&dev, features) < 0)
		fail("FAIL: the device refused the features", 3);
	if (vq_setup(&vq, &dev, 0) < 0)
		fail("FAIL: no queue 0", 4);
	virtio_driver_ok(&dev);
}

/* The readable header of a request, then flags: a start that is fine. */
static void set(volatile struct virtq_desc *d, uint64_t addr, uint32_t len,
		uint16_t flags, uint16_t next)
{
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

uint32_t guest_main(void)
{
	uint64_t features = 1ull << VIRTIO_F_VERSION_1;
	uint32_t len;

	int slot = pci_find(VIRTIO_VENDOR, VIRTIO_BLK_DEVICE);
	if (slot < 0 || pci_virtio_caps(&dev, (unsigned)slot) < 0)
		fail("FAIL: no virtio-blk on PCI bus 0", 1);
#ifdef GUEST_MODE_REAL
	dev.use_window = 1;
#endif
#if defined(CASE_nested_indirect)
	if (!(virtio_device_features(&dev) >> VIRTIO_F_INDIRECT & 1))
		fail("the device offers no INDIRECT_DESC", EXIT_NOT_OFFERED);
	features |= 1ull << VIRTIO_F_INDIRECT;
#endif
	bring_up(features);

#if defined(CASE_loop)
	/* 2.7.5.3.1: a chain must end. 0 -> 1 -> 0 -> ... never does. */
	set(&vq.desc[0], phys(header), 16, VIRTQ_DESC_F_NEXT, 1);
	set(&vq.desc[1], phys(header), 16, VIRTQ_DESC_F_NEXT, 0);
	say("a chain that loops: 0 -> 1 -> 0");
#elif defined(CASE_nested_indirect)
	/* 2.7.5.3.1: an indirect table may not hold an indirect descriptor */
	set(&table2[0], phys(header), 16, 0, 0);
	set(&table1[0], phys(table2), sizeof(table2), VIRTQ_DESC_F_INDIRECT, 0);
	set(&vq.desc[0], phys(table1), sizeof(table1[0]), VIRTQ_DESC_F_INDIRECT,
	    0);
	say("an indirect table inside an indirect table");
#elif defined(CASE_len_wraps)
	/* a buffer whose end, addr + len, wraps past 2^64 */
	set(&vq.desc[0], 0xfffffffffffff000ull, 0x2000, 0, 0);
	say("a buffer at 0xfffffffffffff000 of 0x2000 bytes (wraps 2^64)");
#elif defined(CASE_avail_jump)
	/* 2.7.13.3: the avail index says size + 1 chains are new, more than
	 * the ring holds (the descriptors themselves are a fine request) */
	set(&vq.desc[0], phys(header), 16, VIRTQ_DESC_F_NEXT, 1);
	set(&vq.desc[1], phys(&status), 1, VIRTQ_DESC_F_WRITE, 0);
	say("an avail index size + 1 ahead of the device");
	vq.avail->idx = (uint16_t)(vq.size + 1);
	vq_kick(&vq);
#else
#error "build with -DCASE_<name>"
#endif
#if !defined(CASE_avail_jump)
	vq_publish(&vq, 0);
	vq_kick(&vq);
#endif
	/* The device gives nothing back, and says why in its status */
	if (vq_wait(&vq, &len) == 0)
		fail("FAIL: the device used the bad chain", 5);
	if (!(virtio_status(&dev) & STATUS_NEEDS_RESET))
		fail("FAIL: no answer, and no NEEDS_RESET either", 6);
	say("the device set DEVICE_NEEDS_RESET");

	/* 2.1.2: the way out is a reset; then the queue works again */
	bring_up(1ull << VIRTIO_F_VERSION_1);
	if (blk_read(&vq, 0, sector, 1) != BLK_S_OK)
		fail("FAIL: no good read after the reset", 7);
	say("after a reset, a read is served again");
	return 0;
}
