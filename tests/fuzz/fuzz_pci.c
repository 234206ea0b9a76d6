/* fuzz_pci.c - libFuzzer harness for the PCI bus and the virtio-pci
 * transport: any sequence of port, MMIO and configuration accesses a guest
 * can make, and of the calls a device makes back.
 *
 * Input: 12-byte operations (a shorter tail is dropped):
 *   kind  u8   0 port access, 1 MMIO access, 2 configuration access
 *              through 0xcf8/0xcfc, 3 a device call, others: skipped
 *   sel   u8   bit 0 write; bits 1-2 the length (1, 2, 4, 8; ports and
 *              config clip to 4); with kind 1, bit 7: the address is
 *              value; bit 6: it is a, in the ECAM window (slots 0, 1)
 *   a     le16 port 0xcf8 + (a & 7), or a & 0xfff when a & 0x8000; the
 *              offset from the hole's base (MMIO); slot << 8 | register
 *              (config); which call (device)
 *   value le64 the data written (or the MMIO address, see sel)
 *
 * Checks after every operation: the MMIO bus's ranges stay sorted and
 * disjoint, and a BAR is on it only while memory decoding is on; the
 * device is activated only after FEATURES_OK, with features that are a
 * subset of the offer and hold VERSION_1, and with queue sizes that are
 * 0 or powers of two up to queue_max; kicks reach it only for its queues
 * while it is live; an MSI-X message goes out only for a vector in the
 * table, while MSI-X is on and the vector unmasked; the INTx line moves
 * only by edges, and rises only while the command register allows it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtio_pci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_pci: %s:%d: %s\n", __FILE__,     \
				__LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

#define HOLE 0xc0000000ull
#define ECAM 0xb0000000ull
#define NQ   3
#define QMAX 64

static struct {
	struct bus ports, mmio;
	struct pci_bus pci;
	struct virtio_pci vp;
	uint8_t ram[4096];
	struct guest_mem mem;
	int live;
	int line; /* INTx, as the callback last set it */
} m;

static uint64_t fake_features(void *dev)
{
	(void)dev;
	return 0xffffffffffffffffull;
}

static int fake_config_read(void *dev, uint32_t off, void *data, uint32_t len)
{
	(void)dev;
	if (off >= 16 || len > 16 - off)
		return -1;
	memset(data, (int)off, len);
	return 0;
}

static int fake_activate(void *dev, const struct guest_mem *mem,
			 uint64_t features,
			 const struct virtio_queue_addr *addr,
			 struct virtio_transport *t, struct errbuf *err)
{
	(void)dev;
	(void)t;
	CHECK(mem == &m.mem);
	CHECK(m.vp.status & VIRTIO_STATUS_FEATURES_OK);
	CHECK(!(features & ~m.vp.offered));
	CHECK(features & (1ull << VIRTIO_F_VERSION_1));
	for (unsigned q = 0; q < VIRTIO_DEV_MAX_QUEUES; q++) {
		uint16_t s = addr[q].size;

		CHECK(s == 0 || (s <= QMAX && !(s & (s - 1))));
		CHECK(q < NQ || s == 0);
	}
	/* refuse a queue at 0, so that failures are explored too */
	if (addr[0].size && addr[0].desc == 0)
		return err_fail(err, 22, "queue 0 at 0");
	m.live = 1;
	return 0;
}

static void fake_notify(void *dev, unsigned q)
{
	(void)dev;
	CHECK(q < NQ);
	CHECK(m.live);
}

static void fake_reset(void *dev)
{
	(void)dev;
	m.live = 0;
}

static const struct virtio_dev_ops fake_ops = {
	.name = "virtio-fuzz",
	.device_id = 4,
	.num_queues = NQ,
	.queue_max = QMAX,
	.features = fake_features,
	.config_read = fake_config_read,
	.activate = fake_activate,
	.notify = fake_notify,
	.reset = fake_reset,
};

static void check_msi(void *ctx, struct pci_func *f, unsigned vector,
		      const struct pci_msi_msg *msg)
{
	(void)ctx;
	(void)msg;
	CHECK(f == &m.vp.func);
	CHECK(vector < f->msix.nvec);
	CHECK(f->msix.enabled && !f->msix.masked);
	CHECK(!(f->msix.table[vector * PCI_MSIX_ENTRY_SIZE + 12] & 1));
}

static void check_intx(void *ctx, struct pci_func *f, unsigned gsi, int level)
{
	(void)ctx;
	CHECK(f == &m.vp.func && gsi == 10);
	CHECK(level != m.line);				    /* edges only */
	CHECK(!level || !(f->cfg[PCI_COMMAND + 1] & 0x04)); /* INTx disable */
	m.line = level;
}

static void quiet(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

static void check_buses(void)
{
	const struct bus *b = &m.mmio;
	int decoding = !!(m.vp.func.cfg[PCI_COMMAND] & PCI_COMMAND_MEMORY);

	for (size_t i = 0; i + 1 < b->n; i++)
		CHECK(b->ranges[i].last < b->ranges[i + 1].base);
	for (unsigned i = 0; i < PCI_NUM_BARS; i++)
		CHECK(!m.vp.func.bar[i].mapped || decoding);
	CHECK(b->n <= 2); /* ECAM and BAR 0 */
}

static uint32_t width(uint8_t sel, uint32_t most)
{
	uint32_t len = 1u << ((sel >> 1) & 3);

	return len > most ? most : len;
}

static void device_call(uint16_t a)
{
	struct virtio_transport *t = &m.vp.transport;

	switch (a % 3) {
	case 0:
		t->notify_used(t, (a >> 2) % (NQ + 1));
		break;
	case 1:
		t->notify_config(t);
		break;
	default:
		t->needs_reset(t, "fuzzed");
	}
}

static void one(const uint8_t *op)
{
	uint8_t kind = op[0], sel = op[1];
	uint16_t a = (uint16_t)(op[2] | op[3] << 8);
	uint64_t value;
	struct bus_access acc;
	struct errbuf err;
	uint32_t addr;

	memcpy(&value, op + 4, 8);
	acc.is_write = sel & 1;
	acc.data = &value;
	switch (kind) {
	case 0:
		acc.addr = a & 0x8000 ? a & 0xfff : 0xcf8u + (a & 7);
		acc.len = width(sel, 4);
		bus_dispatch(&m.ports, &acc, &err);
		break;
	case 1:
		acc.addr = sel & 0x80	? value
			   : sel & 0x40 ? ECAM + a
					: HOLE + a;
		acc.len = width(sel, 8);
		bus_dispatch(&m.mmio, &acc, &err);
		break;
	case 2:
		addr = 0x80000000u | (a >> 8 & 0x1f) << 11 | (a & 0xfc);
		acc.addr = 0xcf8;
		acc.is_write = 1;
		acc.data = &addr;
		acc.len = 4;
		bus_dispatch(&m.ports, &acc, &err);
		acc.is_write = sel & 1;
		acc.data = &value;
		acc.len = width(sel, 4);
		acc.addr = 0xcfc + (a & 3);
		bus_dispatch(&m.ports, &acc, &err);
		break;
	case 3:
		device_call(a);
		break;
	}
	check_buses();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct errbuf err;

	memset(&m, 0, sizeof(m));
	m.mem = (struct guest_mem){m.ram, sizeof(m.ram)};
	bus_init(&m.ports, "port", 0xffff);
	bus_init(&m.mmio, "mmio", UINT64_MAX);
	CHECK(pci_bus_init(&m.pci, &m.ports, &m.mmio, HOLE, 0x10000000,
			   check_msi, NULL, &err) == 0);
	CHECK(pci_bus_add_ecam(&m.pci, ECAM, &err) == 0);
	CHECK(virtio_pci_init(&m.vp, &m.pci, 1, &fake_ops, NULL, &m.mem,
			      &err) == 0);
	m.vp.report = quiet;
	pci_bus_set_intx(&m.pci, check_intx, NULL);
	CHECK(pci_func_add_intx(&m.vp.func, 10, &err) == 0);
	for (size_t i = 0; i + 12 <= size; i += 12)
		one(data + i);
	virtio_pci_destroy(&m.vp);
	pci_bus_destroy(&m.pci);
	bus_free(&m.ports);
	bus_free(&m.mmio);
	return 0;
}
