/* main.c - the bare virtio-blk driver's story: find the disk, bring it up,
 * write a pattern, flush, read it back, and try the disk's edges. */
#include "hypercall.h"
#include "virtio.h"

/* Where the pattern goes: sectors FIRST .. FIRST + COUNT - 1, in one
 * request of one 2 KiB buffer. tests/kvm/virtio.sh checks the image's
 * bytes with the same formula. */
#define FIRST 5u
#define COUNT 4u

static char wbuf[COUNT * SECTOR];
static char rbuf[COUNT * SECTOR];
static char id[21];

uint32_t guest_main(void);

static void say(char *what, char *value)
{
	HC_printStr("vdrv: ");
	HC_printStr(what);
	HC_printStr(value);
	HC_printStr("\n");
}

static char *status_name(uint8_t s)
{
	switch (s) {
	case BLK_S_OK:
		return "OK";
	case BLK_S_IOERR:
		return "IOERR";
	case BLK_S_UNSUPP:
		return "UNSUPP";
	}
	return "no answer";
}

static void fail(char *why, uint32_t code)
{
	say("FAIL: ", why);
	HC_exit(code);
}

/* Byte i of sector s: a letter that depends on both, so that a sector
 * in the wrong place or a shifted byte shows. */
static char pattern(uint32_t s, uint32_t i)
{
	return (char)('a' + (i + 7 * s) % 26);
}

/* The index of the first byte of buf that is not the pattern of sectors
 * FIRST.., or COUNT * SECTOR when all are. */
static uint32_t first_mismatch(const char *buf)
{
	for (uint32_t i = 0; i < COUNT * SECTOR; i++)
		if (buf[i] != pattern(FIRST + i / SECTOR, i % SECTOR))
			return i;
	return COUNT * SECTOR;
}

#ifdef VDRV_BENCH
/*
 * bench/virtio.sh's guests: after the same bring-up, VDRV_BENCH_N
 * one-sector reads (-DVDRV_BENCH=1), as many bare port exits
 * (HC_numExits, =2), or nothing (=0); the host times each run. Prints
 * the exits the loop cost (HC_numExits counts exits to the VMM).
 */
static void bench(struct virtq *vq)
{
	uint32_t before = HC_numExits();

	for (uint32_t i = 0; i < VDRV_BENCH_N; i++) {
		if (VDRV_BENCH == 1 &&
		    blk_read(vq, i % 64, rbuf, 1) != BLK_S_OK)
			fail("a bench read failed", 9);
		if (VDRV_BENCH == 2)
			(void)HC_numExits();
	}
	uint32_t exits = HC_numExits() - before - 1;
	HC_printStr("vdrv-bench: loops ");
	HC_print32bit(VDRV_BENCH_N);
	HC_printStr("vdrv-bench: exits ");
	HC_print32bit(exits);
	HC_exit(0);
}
#endif

uint32_t guest_main(void)
{
	static struct vio_dev dev;
	static struct virtq vq;

	/* 4.1.2: a virtio-blk function on PCI, its structures (4.1.4) */
	int slot = pci_find(VIRTIO_VENDOR, VIRTIO_BLK_DEVICE);
	if (slot < 0)
		fail("no virtio-blk (1af4:1042) on PCI bus 0", 1);
	if (pci_virtio_caps(&dev, (unsigned)slot) < 0)
		fail("a virtio structure is missing", 2);
#ifdef GUEST_MODE_REAL
	dev.use_window = 1; /* BAR 0 is out of real mode's reach */
#endif
	HC_printStr("vdrv: virtio-blk in slot ");
	HC_print32bit((uint32_t)slot);

	/* 3.1.1: the handshake; VERSION_1 is all this driver needs */
	int read_only = (virtio_device_features(&dev) >> VIRTIO_BLK_F_RO) & 1;
	if (virtio_begin(&dev, 1ull << VIRTIO_F_VERSION_1) < 0)
		fail("the device refused VERSION_1 alone", 3);
	if (vq_setup(&vq, &dev, 0) < 0)
		fail("the device has no queue 0", 4);
	virtio_driver_ok(&dev);
	say("features: VERSION_1", read_only ? " (the device offers RO)" : "");

	uint64_t capacity = blk_capacity(&dev);
	HC_printStr("vdrv: capacity in sectors: ");
	HC_print64bit(capacity);
	if (capacity < FIRST + COUNT)
		fail("the disk is too small for the pattern", 5);
#ifdef VDRV_BENCH
	bench(&vq);
#endif
	say("get-id: ", status_name(blk_get_id(&vq, id)));
	say("id: ", id); /* id[20] stays 0 */

	/* What an earlier run left (the test's second run looks for it) */
	uint8_t s = blk_read(&vq, FIRST, rbuf, COUNT);
	if (s != BLK_S_OK)
		fail("the first read failed", 6);
	say("before writing: ", first_mismatch(rbuf) == COUNT * SECTOR
					? "the pattern is there already"
					: "no pattern yet");

	for (uint32_t i = 0; i < COUNT * SECTOR; i++)
		wbuf[i] = pattern(FIRST + i / SECTOR, i % SECTOR);
	uint8_t ws = blk_write(&vq, FIRST, wbuf, COUNT);
	say("write: ", status_name(ws));
	uint8_t fs = blk_flush(&vq);
	say("flush: ", status_name(fs));

	for (uint32_t i = 0; i < COUNT * SECTOR; i++)
		rbuf[i] = 0;
	s = blk_read(&vq, FIRST, rbuf, COUNT);
	uint32_t bad = first_mismatch(rbuf);
	say("read back: ", status_name(s));
	if (bad == COUNT * SECTOR) {
		say("read back: ", "all 2048 bytes match");
	} else {
		HC_printStr("vdrv: read back: first mismatch at byte ");
		HC_print32bit(bad);
	}

	/* 5.2.6.2: a request past the last sector, or across it, fails */
	say("read at the capacity: ",
	    status_name(blk_read(&vq, capacity, rbuf, 1)));
	say("read across the end: ",
	    status_name(blk_read(&vq, capacity - 1, rbuf, 2)));
	if (virtio_status(&dev) & STATUS_NEEDS_RESET)
		fail("the device needs a reset", 7);

	/* A read-only disk must refuse the write; a writable one take it */
	int want_write = read_only ? BLK_S_IOERR : BLK_S_OK;
	if (ws != want_write || fs != BLK_S_OK ||
	    (!read_only && bad != COUNT * SECTOR))
		fail("an outcome was not what the device's features say", 8);
	say("done: ", "every outcome as expected");
	return 0;
}
