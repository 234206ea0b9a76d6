/* console.c - the bare virtio-console driver's story: find the console,
 * bring up its transmitq alone (queue 1; a driver that only prints needs
 * no receiveq), and print a line through it between two hypercalls. */
#include "hypercall.h"
#include "virtio.h"

#define VIRTIO_CONSOLE_DEVICE 0x1043 /* 0x1040 + device ID 3 (4.1.2.1) */
#define TRANSMITQ	      1u     /* port 0's (5.3.2) */

static char line[] = "vcon: a line through the transmitq\n";

uint32_t guest_main(void);

static void fail(char *why, uint32_t code)
{
	HC_printStr("vcon: FAIL: ");
	HC_printStr(why);
	HC_printStr("\n");
	HC_exit(code);
}

uint32_t guest_main(void)
{
	static struct vio_dev dev;
	static struct virtq vq;
	uint32_t len = 0xffffffffu;

	int slot = pci_find(VIRTIO_VENDOR, VIRTIO_CONSOLE_DEVICE);
	if (slot < 0)
		fail("no virtio-console (1af4:1043) on PCI bus 0", 1);
	if (pci_virtio_caps(&dev, (unsigned)slot) < 0)
		fail("a virtio structure is missing", 2);
#ifdef GUEST_MODE_REAL
	dev.use_window = 1; /* BAR 0 is out of real mode's reach */
#endif
	if (virtio_begin(&dev, 1ull << VIRTIO_F_VERSION_1) < 0 ||
	    vq_setup(&vq, &dev, TRANSMITQ) < 0)
		fail("no handshake or no transmitq", 3);
	virtio_driver_ok(&dev);

	HC_printStr("vcon: before, through HC_printStr\n");
	/* 5.3.6: the device reads the buffer and hands it back */
	struct vq_buf b = {line, sizeof(line) - 1, 0};
	vq_submit(&vq, &b, 1);
	if (vq_wait(&vq, &len) < 0)
		fail("the device did not hand the buffer back", 4);
	HC_printStr("vcon: after, through HC_printStr\n");
	if (virtio_status(&dev) & STATUS_NEEDS_RESET)
		fail("the device needs a reset", 5);
	HC_printStr("vcon: done: used length ");
	HC_print32bit(len);
	return 0;
}
