/* test_virtio_pci.c - the virtio-pci transport driven as Linux's
 * virtio_pci_modern drives it, against a fake device. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "virtio_pci.h"

#define HOLE	     0xc0000000ull
#define SLOT	     1
#define NQ	     2
#define FAKE_FEATURE (1ull << 5)

/* The fake device: it records what the transport tells it. */
struct fake {
	unsigned activates, resets, notifies[NQ];
	uint64_t features;
	struct virtio_queue_addr addr[VIRTIO_DEV_MAX_QUEUES];
	struct virtio_transport *t;
	int fail_activate;
	uint8_t config[8];
};

static uint64_t fake_features(void *dev)
{
	(void)dev;
	/* bit 40 is not a device's to offer: the transport drops it */
	return FAKE_FEATURE | (1ull << 40);
}

static int fake_config_read(void *dev, uint32_t off, void *data, uint32_t len)
{
	struct fake *d = dev;

	if (off > sizeof(d->config) || len > sizeof(d->config) - off)
		return -EINVAL;
	memcpy(data, d->config + off, len);
	return 0;
}

static int fake_activate(void *dev, const struct guest_mem *mem,
			 uint64_t features,
			 const struct virtio_queue_addr *addr,
			 struct virtio_transport *t, struct errbuf *err)
{
	struct fake *d = dev;

	(void)mem;
	d->activates++;
	d->features = features;
	memcpy(d->addr, addr, sizeof(d->addr));
	d->t = t;
	if (d->fail_activate)
		return err_fail(err, EFAULT, "descriptor table outside RAM");
	return 0;
}

static void fake_notify(void *dev, unsigned q)
{
	((struct fake *)dev)->notifies[q]++;
}

static void fake_reset(void *dev)
{
	((struct fake *)dev)->resets++;
}

static const struct virtio_dev_ops fake_ops = {
	.name = "virtio-fake",
	.device_id = 2,
	.num_queues = NQ,
	.queue_max = 256,
	.features = fake_features,
	.config_read = fake_config_read,
	.activate = fake_activate,
	.notify = fake_notify,
	.reset = fake_reset,
};

struct machine {
	struct bus ports, mmio;
	struct pci_bus pci;
	struct virtio_pci vp;
	struct fake dev;
	uint8_t ram[4096];
	struct guest_mem mem;
	unsigned sent;
	unsigned last_vector;
	uint32_t last_data;
	char line[512];
	unsigned intx_calls;
	int intx_level;
	/* what the driver learnt from the capabilities */
	uint64_t common, notify, isr, device;
	uint32_t multiplier;
	unsigned cfg_cap, msix_cap;
};

static void record_msi(void *ctx, struct pci_func *f, unsigned vector,
		       const struct pci_msi_msg *msg)
{
	struct machine *m = ctx;

	(void)f;
	m->sent++;
	m->last_vector = vector;
	m->last_data = msg->data;
}

static void record_intx(void *ctx, struct pci_func *f, unsigned gsi, int level)
{
	struct machine *m = ctx;

	(void)f;
	assert_int_equal(gsi, 10);
	m->intx_calls++;
	m->intx_level = level;
}

static void record_line(void *ctx, const char *line)
{
	struct machine *m = ctx;

	snprintf(m->line, sizeof(m->line), "%s", line);
}

static void io(struct bus *b, uint64_t addr, int is_write, void *v,
	       uint32_t len)
{
	struct bus_access a = {addr, is_write, v, len};
	struct errbuf err;

	assert_int_equal(bus_dispatch(b, &a, &err), BUS_OK);
}

static uint32_t cfg_in(struct machine *m, unsigned reg, uint32_t len)
{
	uint32_t addr = 0x80000000u | SLOT << 11 | (reg & 0xfc), v = 0;

	io(&m->ports, 0xcf8, 1, &addr, 4);
	io(&m->ports, 0xcfc + (reg & 3), 0, &v, len);
	return len == 4 ? v : v & ((1u << (8 * len)) - 1);
}

static void cfg_out(struct machine *m, unsigned reg, uint32_t v, uint32_t len)
{
	uint32_t addr = 0x80000000u | SLOT << 11 | (reg & 0xfc);

	io(&m->ports, 0xcf8, 1, &addr, 4);
	io(&m->ports, 0xcfc + (reg & 3), 1, &v, len);
}

static uint64_t rd(struct machine *m, uint64_t addr, uint32_t len)
{
	uint64_t v = 0;

	io(&m->mmio, addr, 0, &v, len);
	return v;
}

static void wr(struct machine *m, uint64_t addr, uint64_t v, uint32_t len)
{
	io(&m->mmio, addr, 1, &v, len);
}

#define COMMON(field) (m->common + VIRTIO_PCI_COMMON_##field)

/* What virtio_pci_find_capability does: walk the list, note each
 * structure's place in its BAR. */
static void discover(struct machine *m)
{
	uint64_t bar = cfg_in(m, PCI_BAR0, 4) & ~0xfu;

	for (unsigned at = cfg_in(m, PCI_CAPABILITY_LIST, 1); at;
	     at = cfg_in(m, at + 1, 1)) {
		uint64_t where;

		if (cfg_in(m, at, 1) == PCI_CAP_ID_MSIX) {
			m->msix_cap = at;
			continue;
		}
		assert_int_equal(cfg_in(m, at, 1), PCI_CAP_ID_VNDR);
		assert_int_equal(cfg_in(m, at + 4, 1), 0); /* BAR 0 */
		where = bar + cfg_in(m, at + 8, 4);
		switch (cfg_in(m, at + 3, 1)) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			m->common = where;
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			m->notify = where;
			m->multiplier = cfg_in(m, at + 16, 4);
			break;
		case VIRTIO_PCI_CAP_ISR_CFG:
			m->isr = where;
			break;
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			m->device = where;
			break;
		case VIRTIO_PCI_CAP_PCI_CFG:
			m->cfg_cap = at;
			break;
		}
	}
	cfg_out(m, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
}

static void setup(struct machine *m)
{
	struct errbuf err;

	memset(m, 0, sizeof(*m));
	m->mem = (struct guest_mem){m->ram, sizeof(m->ram)};
	bus_init(&m->ports, "port", 0xffff);
	bus_init(&m->mmio, "mmio", UINT64_MAX);
	assert_int_equal(pci_bus_init(&m->pci, &m->ports, &m->mmio, HOLE,
				      0x10000000, record_msi, m, &err),
			 0);
	assert_int_equal(virtio_pci_init(&m->vp, &m->pci, SLOT, &fake_ops,
					 &m->dev, &m->mem, &err),
			 0);
	m->vp.report = record_line;
	m->vp.report_ctx = m;
	m->dev.config[0] = 0x2a;
	discover(m);
}

static void teardown(struct machine *m)
{
	virtio_pci_destroy(&m->vp);
	pci_bus_destroy(&m->pci);
	bus_free(&m->ports);
	bus_free(&m->mmio);
}

static uint8_t status(struct machine *m)
{
	return (uint8_t)rd(m, COMMON(STATUS), 1);
}

static void add_status(struct machine *m, uint8_t bits)
{
	wr(m, COMMON(STATUS), status(m) | bits, 1);
}

static uint64_t device_features(struct machine *m)
{
	wr(m, COMMON(DFSELECT), 0, 4);
	uint64_t lo = rd(m, COMMON(DF), 4);
	wr(m, COMMON(DFSELECT), 1, 4);
	return lo | rd(m, COMMON(DF), 4) << 32;
}

static void driver_features(struct machine *m, uint64_t f)
{
	wr(m, COMMON(GFSELECT), 0, 4);
	wr(m, COMMON(GF), (uint32_t)f, 4);
	wr(m, COMMON(GFSELECT), 1, 4);
	wr(m, COMMON(GF), f >> 32, 4);
}

/* vp_modern_probe, virtio_dev_probe and vp_modern_find_vqs in order, up
 * to (not including) DRIVER_OK. */
static void linux_setup(struct machine *m, uint64_t features)
{
	wr(m, COMMON(STATUS), 0, 1);
	assert_int_equal(status(m), 0);
	add_status(m, VIRTIO_STATUS_ACKNOWLEDGE);
	add_status(m, VIRTIO_STATUS_DRIVER);
	driver_features(m, device_features(m) & features);
	add_status(m, VIRTIO_STATUS_FEATURES_OK);
	assert_true(status(m) & VIRTIO_STATUS_FEATURES_OK);
	/* MSI-X on, config vector 0, then vector q + 1 per queue */
	cfg_out(m, m->msix_cap + 2, PCI_MSIX_FLAGS_ENABLE, 2);
	for (unsigned v = 0; v <= NQ; v++) {
		uint64_t e = (cfg_in(m, PCI_BAR0, 4) & ~0xfu) +
			     VIRTIO_PCI_MSIX_TABLE_OFF + 16 * v;

		wr(m, e, 0xfee00000u, 4);
		wr(m, e + 8, 0x30 + v, 4);
		wr(m, e + 12, 0, 4);
	}
	wr(m, COMMON(MSIX), 0, 2);
	assert_int_equal(rd(m, COMMON(MSIX), 2), 0);
	assert_int_equal(rd(m, COMMON(NUMQ), 2), NQ);
	for (unsigned q = 0; q < NQ; q++) {
		uint64_t base = 0x100000ull * (q + 1);

		wr(m, COMMON(Q_SELECT), q, 2);
		assert_int_equal(rd(m, COMMON(Q_SIZE), 2), 256);
		assert_int_equal(rd(m, COMMON(Q_NOFF), 2), q);
		wr(m, COMMON(Q_SIZE), 128, 2);
		/* vp_iowrite64_twopart: low half, then high */
		wr(m, COMMON(Q_DESC), (uint32_t)base, 4);
		wr(m, COMMON(Q_DESC) + 4, 0, 4);
		wr(m, COMMON(Q_DRIVER), (uint32_t)(base + 0x1000), 4);
		wr(m, COMMON(Q_DRIVER) + 4, 0, 4);
		wr(m, COMMON(Q_DEVICE), (uint32_t)(base + 0x2000), 4);
		wr(m, COMMON(Q_DEVICE) + 4, 0, 4);
		wr(m, COMMON(Q_MSIX), q + 1, 2);
		assert_int_equal(rd(m, COMMON(Q_MSIX), 2), q + 1);
	}
	for (unsigned q = 0; q < NQ; q++) {
		wr(m, COMMON(Q_SELECT), q, 2);
		wr(m, COMMON(Q_ENABLE), 1, 2);
		assert_int_equal(rd(m, COMMON(Q_ENABLE), 2), 1);
	}
}

static void kick(struct machine *m, unsigned q)
{
	wr(m, m->notify + q * m->multiplier, q, 2);
}

static void test_discovery(void **state)
{
	struct machine mach, *m = &mach;
	uint64_t addr;

	(void)state;
	setup(m);
	assert_int_equal(cfg_in(m, 0, 4), 0x10421af4u);
	assert_int_equal(cfg_in(m, PCI_REVISION_ID, 1), 1);
	assert_int_equal(m->common, HOLE + VIRTIO_PCI_COMMON_OFF);
	assert_int_equal(m->isr, HOLE + VIRTIO_PCI_ISR_OFF);
	assert_int_equal(m->device, HOLE + VIRTIO_PCI_DEVICE_OFF);
	assert_int_equal(m->notify, HOLE + VIRTIO_PCI_NOTIFY_OFF);
	assert_int_equal(m->multiplier, 4);
	assert_true(m->cfg_cap && m->msix_cap);
	assert_int_equal(cfg_in(m, m->msix_cap + 2, 2) & 0x7ff, NQ);
	/* the device's configuration through its window */
	assert_int_equal(rd(m, m->device, 1), 0x2a);
	assert_int_equal(rd(m, m->device + 8, 4), 0); /* outside: 0 */
	/* what the next step's ioeventfds attach to */
	assert_int_equal(virtio_pci_notify_addr(&m->vp, 1, &addr), 0);
	assert_int_equal(addr, m->notify + 4);
	assert_int_equal(virtio_pci_notify_addr(&m->vp, NQ, &addr), -EINVAL);
	cfg_out(m, PCI_COMMAND, 0, 2);
	assert_int_equal(virtio_pci_notify_addr(&m->vp, 1, &addr), -ENODEV);
	teardown(m);
}

static void test_linux_handshake(void **state)
{
	struct machine mach, *m = &mach;
	uint64_t f;

	(void)state;
	setup(m);
	f = device_features(m);
	assert_int_equal(f, FAKE_FEATURE | 1ull << VIRTIO_F_VERSION_1 |
				    1ull << VIRTIO_F_INDIRECT_DESC |
				    1ull << VIRTIO_F_EVENT_IDX);
	linux_setup(m, FAKE_FEATURE | 1ull << VIRTIO_F_VERSION_1 |
			       1ull << VIRTIO_F_EVENT_IDX);
	assert_int_equal(m->dev.activates, 0);
	add_status(m, VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(status(m), 0x0f);
	assert_int_equal(m->dev.activates, 1);
	assert_int_equal(m->dev.features, FAKE_FEATURE |
						  1ull << VIRTIO_F_VERSION_1 |
						  1ull << VIRTIO_F_EVENT_IDX);
	for (unsigned q = 0; q < NQ; q++) {
		assert_int_equal(m->dev.addr[q].size, 128);
		assert_int_equal(m->dev.addr[q].desc, 0x100000ull * (q + 1));
		assert_int_equal(m->dev.addr[q].avail,
				 0x100000ull * (q + 1) + 0x1000);
		assert_int_equal(m->dev.addr[q].used,
				 0x100000ull * (q + 1) + 0x2000);
	}
	/* a kick reaches the device; a completion leaves on q + 1 */
	kick(m, 1);
	assert_int_equal(m->dev.notifies[1], 1);
	assert_int_equal(m->dev.notifies[0], 0);
	m->dev.t->notify_used(m->dev.t, 1);
	assert_int_equal(m->sent, 1);
	assert_int_equal(m->last_vector, 2);
	assert_int_equal(m->last_data, 0x32);
	/* a configuration change: new generation, vector 0 */
	assert_int_equal(rd(m, COMMON(CFGGENERATION), 1), 0);
	m->dev.t->notify_config(m->dev.t);
	assert_int_equal(rd(m, COMMON(CFGGENERATION), 1), 1);
	assert_int_equal(m->last_vector, 0);
	/* the ISR says both, and reading it clears it */
	assert_int_equal(rd(m, m->isr, 1),
			 VIRTIO_PCI_ISR_QUEUE | VIRTIO_PCI_ISR_CONFIG);
	assert_int_equal(rd(m, m->isr, 1), 0);
	teardown(m);
}

static void test_feature_refusals(void **state)
{
	struct machine mach, *m = &mach;

	(void)state;
	setup(m);
	/* without VERSION_1 (a legacy driver): no FEATURES_OK */
	add_status(m, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	driver_features(m, FAKE_FEATURE);
	add_status(m, VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(status(m), 3);
	/* DRIVER_OK without FEATURES_OK does nothing */
	add_status(m, VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(status(m), 3);
	assert_int_equal(m->dev.activates, 0);
	/* a bit that was not offered (the device's bit 40 was dropped) */
	driver_features(m, 1ull << VIRTIO_F_VERSION_1 | 1ull << 40);
	add_status(m, VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(status(m), 3);
	driver_features(m, 1ull << VIRTIO_F_VERSION_1 | 1ull << 6);
	add_status(m, VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(status(m), 3);
	/* a subset with VERSION_1 is accepted, and then fixed */
	driver_features(m, 1ull << VIRTIO_F_VERSION_1);
	add_status(m, VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(status(m), 0x0b);
	driver_features(m, 1ull << VIRTIO_F_VERSION_1 | FAKE_FEATURE);
	wr(m, COMMON(GFSELECT), 0, 4);
	assert_int_equal(rd(m, COMMON(GF), 4), 0);
	/* a driver cannot take a status bit back */
	wr(m, COMMON(STATUS), VIRTIO_STATUS_ACKNOWLEDGE, 1);
	assert_int_equal(status(m), 0x0b);
	/* feature words past the second read as 0 */
	wr(m, COMMON(DFSELECT), 2, 4);
	assert_int_equal(rd(m, COMMON(DF), 4), 0);
	teardown(m);
}

static void test_64bit_halves(void **state)
{
	struct machine mach, *m = &mach;

	(void)state;
	setup(m);
	wr(m, COMMON(Q_SELECT), 0, 2);
	/* high half first, then low: the other half is kept each time */
	wr(m, COMMON(Q_DESC) + 4, 0x1, 4);
	wr(m, COMMON(Q_DESC), 0x2000, 4);
	assert_int_equal(rd(m, COMMON(Q_DESC), 8), 0x100002000ull);
	assert_int_equal(rd(m, COMMON(Q_DESC) + 4, 4), 1);
	wr(m, COMMON(Q_DESC), 0x3000, 4);
	assert_int_equal(rd(m, COMMON(Q_DESC), 8), 0x100003000ull);
	/* one 64-bit write */
	wr(m, COMMON(Q_DEVICE), 0x123456789000ull, 8);
	assert_int_equal(rd(m, COMMON(Q_DEVICE), 8), 0x123456789000ull);
	assert_int_equal(rd(m, COMMON(Q_DEVICE) + 4, 4), 0x1234);
	/* neither half nor whole: dropped */
	wr(m, COMMON(Q_DRIVER), 0xffff, 2);
	wr(m, COMMON(Q_DRIVER) + 2, 0xffffffff, 4);
	assert_int_equal(rd(m, COMMON(Q_DRIVER), 8), 0);
	/* and a narrow or wide write to another field */
	wr(m, COMMON(Q_SIZE), 0x4040, 4);
	wr(m, COMMON(Q_SIZE), 0x40, 1);
	assert_int_equal(rd(m, COMMON(Q_SIZE), 2), 256);
	teardown(m);
}

static void test_queue_setup(void **state)
{
	struct machine mach, *m = &mach;

	(void)state;
	setup(m);
	wr(m, COMMON(Q_SELECT), 0, 2);
	/* sizes that are not a power of 2, too big, or 0 are ignored */
	wr(m, COMMON(Q_SIZE), 100, 2);
	assert_int_equal(rd(m, COMMON(Q_SIZE), 2), 256);
	wr(m, COMMON(Q_SIZE), 512, 2);
	assert_int_equal(rd(m, COMMON(Q_SIZE), 2), 256);
	wr(m, COMMON(Q_SIZE), 0, 2);
	assert_int_equal(rd(m, COMMON(Q_SIZE), 2), 256);
	wr(m, COMMON(Q_SIZE), 1, 2);
	assert_int_equal(rd(m, COMMON(Q_SIZE), 2), 1);
	/* a vector past the table reads back as NO_VECTOR */
	wr(m, COMMON(Q_MSIX), NQ, 2); /* vectors 0..NQ */
	assert_int_equal(rd(m, COMMON(Q_MSIX), 2), NQ);
	wr(m, COMMON(Q_MSIX), NQ + 1, 2);
	assert_int_equal(rd(m, COMMON(Q_MSIX), 2), VIRTIO_MSI_NO_VECTOR);
	wr(m, COMMON(MSIX), 99, 2);
	assert_int_equal(rd(m, COMMON(MSIX), 2), VIRTIO_MSI_NO_VECTOR);
	/* a queue the device does not have: size 0, writes go nowhere */
	wr(m, COMMON(Q_SELECT), NQ, 2);
	assert_int_equal(rd(m, COMMON(Q_SIZE), 2), 0);
	wr(m, COMMON(Q_ENABLE), 1, 2);
	assert_int_equal(rd(m, COMMON(Q_ENABLE), 2), 0);
	/* once enabled, a queue's settings are fixed */
	wr(m, COMMON(Q_SELECT), 0, 2);
	wr(m, COMMON(Q_ENABLE), 1, 2);
	wr(m, COMMON(Q_SIZE), 64, 2);
	wr(m, COMMON(Q_DESC), 0x5000, 8);
	wr(m, COMMON(Q_ENABLE), 0, 2);
	assert_int_equal(rd(m, COMMON(Q_SIZE), 2), 1);
	assert_int_equal(rd(m, COMMON(Q_DESC), 8), 0);
	assert_int_equal(rd(m, COMMON(Q_ENABLE), 2), 1);
	/* kicks before DRIVER_OK, and of a queue left off, go nowhere */
	kick(m, 0);
	assert_int_equal(m->dev.notifies[0], 0);
	add_status(m, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	driver_features(m, 1ull << VIRTIO_F_VERSION_1);
	add_status(m, VIRTIO_STATUS_FEATURES_OK);
	add_status(m, VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(m->dev.activates, 1);
	assert_int_equal(m->dev.addr[0].size, 1);
	assert_int_equal(m->dev.addr[1].size, 0); /* left off */
	kick(m, 1);
	kick(m, 7);
	assert_int_equal(m->dev.notifies[1], 0);
	kick(m, 0);
	assert_int_equal(m->dev.notifies[0], 1);
	/* a completion for a queue without a vector interrupts nobody */
	m->dev.t->notify_used(m->dev.t, 0);
	assert_int_equal(m->sent, 0);
	teardown(m);
}

static void test_reset(void **state)
{
	struct machine mach, *m = &mach;

	(void)state;
	setup(m);
	linux_setup(m, ~0ull);
	add_status(m, VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(m->dev.activates, 1);
	wr(m, COMMON(STATUS), 0, 1);
	assert_int_equal(m->dev.resets, 2); /* linux_setup's, and this one */
	assert_int_equal(status(m), 0);
	/* the transport forgot the driver too */
	wr(m, COMMON(GFSELECT), 0, 4);
	assert_int_equal(rd(m, COMMON(GF), 4), 0);
	assert_int_equal(rd(m, COMMON(MSIX), 2), VIRTIO_MSI_NO_VECTOR);
	assert_int_equal(rd(m, COMMON(Q_SELECT), 2), 0);
	assert_int_equal(rd(m, COMMON(Q_SIZE), 2), 256);
	assert_int_equal(rd(m, COMMON(Q_ENABLE), 2), 0);
	assert_int_equal(rd(m, COMMON(Q_DESC), 8), 0);
	assert_int_equal(rd(m, COMMON(Q_MSIX), 2), VIRTIO_MSI_NO_VECTOR);
	/* a kick or a late completion after the reset goes nowhere */
	m->sent = 0;
	kick(m, 0);
	assert_int_equal(m->dev.notifies[0], 0);
	m->dev.t->notify_used(m->dev.t, 0);
	assert_int_equal(m->sent, 0);
	/* and a second handshake works */
	linux_setup(m, ~0ull);
	add_status(m, VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(m->dev.activates, 2);
	kick(m, 0);
	assert_int_equal(m->dev.notifies[0], 1);
	teardown(m);
}

static void test_needs_reset(void **state)
{
	struct machine mach, *m = &mach;

	(void)state;
	setup(m);
	linux_setup(m, ~0ull);
	add_status(m, VIRTIO_STATUS_DRIVER_OK);
	m->dev.t->needs_reset(m->dev.t, "descriptor chain loops");
	assert_string_equal(m->line,
			    "virtio-fake: needs reset: descriptor chain loops");
	assert_int_equal(status(m), 0x0f | VIRTIO_STATUS_NEEDS_RESET);
	/* the driver hears through a configuration change on vector 0 */
	assert_int_equal(m->sent, 1);
	assert_int_equal(m->last_vector, 0);
	assert_true(rd(m, m->isr, 1) & VIRTIO_PCI_ISR_CONFIG);
	/* once is enough */
	m->dev.t->needs_reset(m->dev.t, "again");
	assert_int_equal(m->sent, 1);
	/* the queues are stopped, and the driver cannot clear the bit */
	kick(m, 0);
	assert_int_equal(m->dev.notifies[0], 0);
	wr(m, COMMON(STATUS), 0x0f, 1);
	assert_int_equal(status(m), 0x0f | VIRTIO_STATUS_NEEDS_RESET);
	/* only a reset does */
	wr(m, COMMON(STATUS), 0, 1);
	assert_int_equal(status(m), 0);
	teardown(m);
}

static void test_activate_fails(void **state)
{
	struct machine mach, *m = &mach;

	(void)state;
	setup(m);
	m->dev.fail_activate = 1;
	linux_setup(m, ~0ull);
	add_status(m, VIRTIO_STATUS_DRIVER_OK);
	assert_true(status(m) & VIRTIO_STATUS_NEEDS_RESET);
	assert_string_equal(m->line, "virtio-fake: needs reset: descriptor "
				     "table outside RAM");
	kick(m, 0);
	assert_int_equal(m->dev.notifies[0], 0);
	teardown(m);
}

/* The pci_cfg capability: BAR 0 through configuration space. */
static void test_pci_cfg_window(void **state)
{
	struct machine mach, *m = &mach;

	(void)state;
	setup(m);
	cfg_out(m, m->cfg_cap + 4, 0, 1); /* BAR 0 */
	cfg_out(m, m->cfg_cap + 8, VIRTIO_PCI_COMMON_NUMQ, 4);
	cfg_out(m, m->cfg_cap + 12, 2, 4);
	assert_int_equal(cfg_in(m, m->cfg_cap + 16, 4), NQ);
	/* a write: device_status */
	cfg_out(m, m->cfg_cap + 8, VIRTIO_PCI_COMMON_STATUS, 4);
	cfg_out(m, m->cfg_cap + 12, 1, 4);
	cfg_out(m, m->cfg_cap + 16, VIRTIO_STATUS_ACKNOWLEDGE, 4);
	assert_int_equal(status(m), VIRTIO_STATUS_ACKNOWLEDGE);
	/* a length that is not 1, 2 or 4, or a misaligned offset: nothing */
	cfg_out(m, m->cfg_cap + 8, VIRTIO_PCI_COMMON_NUMQ, 4);
	cfg_out(m, m->cfg_cap + 12, 3, 4);
	assert_int_equal(cfg_in(m, m->cfg_cap + 16, 4), 0);
	cfg_out(m, m->cfg_cap + 8, VIRTIO_PCI_COMMON_NUMQ + 1, 4);
	cfg_out(m, m->cfg_cap + 12, 2, 4);
	assert_int_equal(cfg_in(m, m->cfg_cap + 16, 4), 0);
	teardown(m);
}

/* A driver that leaves MSI-X off gets INTx, up until it reads the ISR. */
static void test_intx(void **state)
{
	struct machine mach, *m = &mach;
	struct errbuf err;

	(void)state;
	setup(m);
	pci_bus_set_intx(&m->pci, record_intx, m);
	assert_int_equal(pci_func_add_intx(&m->vp.func, 10, &err), 0);
	linux_setup(m, ~0ull);
	add_status(m, VIRTIO_STATUS_DRIVER_OK);
	cfg_out(m, m->msix_cap + 2, 0, 2); /* MSI-X off */
	m->dev.t->notify_used(m->dev.t, 0);
	assert_int_equal(m->sent, 0);
	assert_int_equal(m->intx_calls, 1);
	assert_int_equal(m->intx_level, 1);
	m->dev.t->notify_used(m->dev.t, 1);
	assert_int_equal(m->intx_calls, 1); /* still up */
	assert_int_equal(rd(m, m->isr, 1), VIRTIO_PCI_ISR_QUEUE);
	assert_int_equal(m->intx_calls, 2);
	assert_int_equal(m->intx_level, 0);
	m->dev.t->notify_config(m->dev.t);
	assert_int_equal(m->intx_level, 1);
	assert_int_equal(rd(m, m->isr, 1), VIRTIO_PCI_ISR_CONFIG);
	assert_int_equal(m->intx_level, 0);
	/* a reset lowers it; a device that is not live raises nothing */
	m->dev.t->notify_used(m->dev.t, 0);
	wr(m, COMMON(STATUS), 0, 1);
	assert_int_equal(m->intx_level, 0);
	m->dev.t->notify_used(m->dev.t, 0);
	assert_int_equal(m->intx_level, 0);
	/* with MSI-X on, INTx stays quiet */
	linux_setup(m, ~0ull);
	add_status(m, VIRTIO_STATUS_DRIVER_OK);
	m->intx_calls = 0;
	m->dev.t->notify_used(m->dev.t, 0);
	assert_int_equal(m->intx_calls, 0);
	assert_int_equal(m->sent, 1);
	teardown(m);
}

enum { KICKS = 20000 };

static void *completions(void *arg)
{
	struct machine *m = arg;

	for (unsigned i = 0; i < KICKS; i++)
		m->dev.t->notify_used(m->dev.t, 0);
	return NULL;
}

/* A device thread completes while the driver masks and unmasks the
 * queue's vector: once both stop, with the vector unmasked, nothing is
 * left pending (an interrupt set pending after the unmask's flush would
 * be stuck there), and no more messages went out than completions.
 * Built with -fsanitize=thread, it also reports any access the locks
 * miss (run by hand: make test has no TSan build). */
static void test_completions_race_masking(void **state)
{
	struct machine mach, *m = &mach;
	uint64_t vec1 = HOLE + VIRTIO_PCI_MSIX_TABLE_OFF + 16;
	pthread_t t;

	(void)state;
	setup(m);
	linux_setup(m, ~0ull);
	add_status(m, VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(pthread_create(&t, NULL, completions, m), 0);
	for (unsigned i = 0; i < KICKS; i++) {
		wr(m, vec1 + 12, i & 1 ? 0 : 1, 4);
		rd(m, m->isr, 1);
	}
	wr(m, vec1 + 12, 0, 4);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(rd(m, HOLE + VIRTIO_PCI_MSIX_PBA_OFF, 8), 0);
	assert_true(m->sent >= 1 && m->sent <= KICKS);
	teardown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_linux_handshake),
		cmocka_unit_test(test_feature_refusals),
		cmocka_unit_test(test_64bit_halves),
		cmocka_unit_test(test_queue_setup),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_needs_reset),
		cmocka_unit_test(test_activate_fails),
		cmocka_unit_test(test_pci_cfg_window),
		cmocka_unit_test(test_intx),
		cmocka_unit_test(test_completions_race_masking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
