/* rng.c - the bare virtio-rng driver's story: find the entropy device, bring
 * its one queue up, and read from it twice. */
#include "hypercall.h"
#include "virtio.h"

#define VIRTIO_RNG_DEVICE 0x1044 /* 0x1040 + device ID 4 (4.1.2.1) */
#define N		  64u

static uint8_t first[N], second[N];

uint32_t guest_main(void);

static void fail(char *why, uint32_t code)
{
	HC_printStr("vrng: FAIL: ");
	HC_printStr(why);
	HC_printStr("\n");
	HC_exit(code);
}

/* 5.4.6: the driver offers a device-writable buffer, the device fills
 * it and says how many bytes it wrote. */
static uint32_t read_entropy(struct virtq *vq, uint8_t *buf)
{
	struct vq_buf b = {buf, N, 1};
	uint32_t len = 0;

	vq_submit(vq, &b, 1);
	if (vq_wait(vq, &len) < 0)
		fail("the device did not answer", 4);
	return len;
}

static int all_zero(const uint8_t *p)
{
	for (uint32_t i = 0; i < N; i++)
		if (p[i])
			return 0;
	return 1;
}

static int same(const uint8_t *a, const uint8_t *b)
{
	for (uint32_t i = 0; i < N; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

uint32_t guest_main(void)
{
	static struct vio_dev dev;
	static struct virtq vq;

	int slot = pci_find(VIRTIO_VENDOR, VIRTIO_RNG_DEVICE);
	if (slot < 0)
		fail("no virtio-rng (1af4:1044) on PCI bus 0", 1);
	if (pci_virtio_caps(&dev, (unsigned)slot) < 0)
		fail("a virtio structure is missing", 2);
#ifdef GUEST_MODE_REAL
	dev.use_window = 1; /* BAR 0 is out of real mode's reach */
#endif
	HC_printStr("vrng: virtio-rng in slot ");
	HC_print32bit((uint32_t)slot);
	if (virtio_begin(&dev, 1ull << VIRTIO_F_VERSION_1) < 0 ||
	    vq_setup(&vq, &dev, 0) < 0)
		fail("no handshake or no requestq", 3);
	virtio_driver_ok(&dev);

	/* the buffers start as zeros (.bss): all zeros after the read
	 * would mean the device wrote nothing */
	HC_printStr("vrng: first read, bytes: ");
	HC_print32bit(read_entropy(&vq, first));
	HC_printStr("vrng: second read, bytes: ");
	HC_print32bit(read_entropy(&vq, second));
	if (all_zero(first) || all_zero(second))
		fail("a read gave only zeros", 5);
	if (same(first, second))
		fail("two reads gave the same bytes", 6);
	if (virtio_status(&dev) & STATUS_NEEDS_RESET)
		fail("the device needs a reset", 7);
	HC_printStr("vrng: done: not zeros, and the reads differ\n");
	return 0;
}
