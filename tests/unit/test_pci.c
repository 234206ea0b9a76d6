/* test_pci.c - PCI bus 0 as a guest drives it through 0xcf8/0xcfc: enumeration,
 * BAR sizing and moves, MSI-X masks and pending bits. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pci.h"

#define HOLE	 0xc0000000ull
#define HOLE_LEN 0x3ec00000ull /* up to 0xfebfffff */

struct machine {
	struct bus ports, mmio;
	struct pci_bus pci;
	struct pci_func dev;
	unsigned sent; /* MSI messages delivered */
	unsigned last_vector;
	struct pci_msi_msg last;
	uint64_t last_off; /* the device's last BAR access */
	unsigned intx_calls, intx_gsi;
	int intx_level;
	unsigned moves;
	uint64_t moved_to;
	int moved_mapped;
};

static void record_msi(void *ctx, struct pci_func *f, unsigned vector,
		       const struct pci_msi_msg *msg)
{
	struct machine *m = ctx;

	(void)f;
	m->sent++;
	m->last_vector = vector;
	m->last = *msg;
}

static void record_intx(void *ctx, struct pci_func *f, unsigned gsi, int level)
{
	struct machine *m = ctx;

	(void)f;
	m->intx_calls++;
	m->intx_gsi = gsi;
	m->intx_level = level;
}

static int dev_read(void *opaque, uint64_t off, void *data, uint32_t len,
		    struct errbuf *err)
{
	struct machine *m = opaque;

	(void)err;
	m->last_off = off;
	memset(data, 0xab, len);
	return BUS_OK;
}

static void dev_bar_moved(struct pci_func *f, unsigned bar, uint64_t addr,
			  int mapped)
{
	struct machine *m =
		(struct machine *)((char *)f - offsetof(struct machine, dev));

	(void)bar;
	m->moves++;
	m->moved_to = addr;
	m->moved_mapped = mapped;
}

static const struct pci_func_ops dev_ops = {.bar_moved = dev_bar_moved};

/* A machine with one device in slot 3: a 16 KiB 32-bit BAR 0 (MSI-X table
 * at 0x2000, PBA at 0x3000) and a 64 KiB 64-bit BAR 2. */
static void setup(struct machine *m)
{
	static const struct pci_id id = {.vendor = 0x1af4,
					 .device = 0x1042,
					 .class_code = 0x018000,
					 .revision = 1};
	struct errbuf err;

	memset(m, 0, sizeof(*m));
	bus_init(&m->ports, "port", 0xffff);
	bus_init(&m->mmio, "mmio", UINT64_MAX);
	assert_int_equal(pci_bus_init(&m->pci, &m->ports, &m->mmio, HOLE,
				      HOLE_LEN, record_msi, m, &err),
			 0);
	pci_func_init(&m->dev, &id, &dev_ops);
	assert_int_equal(pci_func_add_bar(&m->dev, 0, 0x4000, 0, "dev",
					  dev_read, NULL, m, &err),
			 0);
	assert_int_equal(pci_func_add_bar(&m->dev, 2, 0x10000, 1, "dev64",
					  dev_read, NULL, m, &err),
			 0);
	assert_int_equal(pci_func_add_msix(&m->dev, 4, 0, 0x2000, 0x3000, &err),
			 0);
	assert_int_equal(pci_register(&m->pci, &m->dev, 3, &err), 0);
}

static void teardown(struct machine *m)
{
	pci_bus_destroy(&m->pci);
	bus_free(&m->ports);
	bus_free(&m->mmio);
}

static int pio(struct machine *m, uint16_t port, int is_write, uint32_t *v,
	       uint32_t len)
{
	struct bus_access a = {port, is_write, v, len};
	struct errbuf err;

	return bus_dispatch(&m->ports, &a, &err);
}

static uint32_t inl(struct machine *m, uint16_t port)
{
	uint32_t v = 0;

	assert_int_equal(pio(m, port, 0, &v, 4), BUS_OK);
	return v;
}

static void outl(struct machine *m, uint16_t port, uint32_t v)
{
	assert_int_equal(pio(m, port, 1, &v, 4), BUS_OK);
}

static uint32_t cfg_in(struct machine *m, unsigned slot, unsigned reg,
		       uint32_t len)
{
	uint32_t v = 0;

	outl(m, 0xcf8, 0x80000000u | slot << 11 | (reg & 0xfc));
	assert_int_equal(pio(m, (uint16_t)(0xcfc + (reg & 3)), 0, &v, len),
			 BUS_OK);
	return len == 4 ? v : v & ((1u << (8 * len)) - 1);
}

static void cfg_out(struct machine *m, unsigned slot, unsigned reg, uint32_t v,
		    uint32_t len)
{
	outl(m, 0xcf8, 0x80000000u | slot << 11 | (reg & 0xfc));
	assert_int_equal(pio(m, (uint16_t)(0xcfc + (reg & 3)), 1, &v, len),
			 BUS_OK);
}

static int mmio(struct machine *m, uint64_t addr, int is_write, void *data,
		uint32_t len)
{
	struct bus_access a = {addr, is_write, data, len};
	struct errbuf err;

	return bus_dispatch(&m->mmio, &a, &err);
}

/* Linux's pci_check_type1, then a scan of every slot and function. */
static void test_enumeration(void **state)
{
	struct machine m;
	unsigned found = 0;

	(void)state;
	setup(&m);
	outl(&m, 0xcf8, 0x80000000u);
	assert_int_equal(inl(&m, 0xcf8), 0x80000000u);
	for (unsigned slot = 0; slot < 32; slot++) {
		for (unsigned fn = 0; fn < 8; fn++) {
			uint32_t id;

			outl(&m, 0xcf8, 0x80000000u | slot << 11 | fn << 8);
			id = inl(&m, 0xcfc);
			if (slot == 0 && fn == 0)
				assert_int_equal(id, 0x29c08086u);
			else if (slot == 3 && fn == 0)
				assert_int_equal(id, 0x10421af4u);
			else
				assert_int_equal(id, 0xffffffffu);
			found += id != 0xffffffffu;
		}
	}
	assert_int_equal(found, 2);
	/* a byte and a word at their offsets inside the dword */
	assert_int_equal(cfg_in(&m, 3, 0x00, 1), 0xf4);
	assert_int_equal(cfg_in(&m, 3, 0x01, 1), 0x1a);
	assert_int_equal(cfg_in(&m, 3, 0x02, 2), 0x1042);
	assert_int_equal(cfg_in(&m, 3, 0x0b, 1), 0x01);	  /* class: storage */
	assert_int_equal(cfg_in(&m, 0, 0x0a, 2), 0x0600); /* host bridge */
	/* a bus other than 0, and the enable bit off, read all ones */
	outl(&m, 0xcf8, 0x80010000u);
	assert_int_equal(inl(&m, 0xcfc), 0xffffffffu);
	outl(&m, 0xcf8, 3u << 11);
	assert_int_equal(inl(&m, 0xcfc), 0xffffffffu);
	/* the address register keeps no low bits */
	outl(&m, 0xcf8, 0x80001803u);
	assert_int_equal(inl(&m, 0xcf8), 0x80001800u);
	/* the capability list: MSI-X, then the end */
	assert_true(cfg_in(&m, 3, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	assert_int_equal(cfg_in(&m, 3, cfg_in(&m, 3, 0x34, 1), 1),
			 PCI_CAP_ID_MSIX);
	teardown(&m);
}

static void test_read_only_fields(void **state)
{
	struct machine m;

	(void)state;
	setup(&m);
	cfg_out(&m, 3, 0x00, 0x12345678u, 4);
	assert_int_equal(cfg_in(&m, 3, 0x00, 4), 0x10421af4u);
	cfg_out(&m, 3, PCI_COMMAND, 0xffff, 2);
	assert_int_equal(cfg_in(&m, 3, PCI_COMMAND, 2), 0x0406);
	cfg_out(&m, 3, PCI_INTERRUPT_LINE, 0x0b, 1);
	assert_int_equal(cfg_in(&m, 3, PCI_INTERRUPT_LINE, 1), 0x0b);
	/* a misaligned access reaches nothing */
	assert_int_equal(pci_cfg_read(&m.dev, 1, 2), 0xffffffffu);
	teardown(&m);
}

static void test_bar_sizing(void **state)
{
	struct machine m;
	uint32_t lo, hi;

	(void)state;
	setup(&m);
	/* assigned from the hole, aligned to their sizes */
	lo = cfg_in(&m, 3, PCI_BAR0, 4);
	assert_int_equal(lo, HOLE);
	lo = cfg_in(&m, 3, PCI_BAR0 + 8, 4);
	assert_int_equal(lo & 0xf, PCI_BAR_MEM_64);
	assert_int_equal(lo & ~0xfu, HOLE + 0x10000);
	assert_int_equal(cfg_in(&m, 3, PCI_BAR0 + 12, 4), 0);
	/* all ones read back as the size mask, then the address returns */
	cfg_out(&m, 3, PCI_BAR0, 0xffffffffu, 4);
	assert_int_equal(cfg_in(&m, 3, PCI_BAR0, 4), 0xffffc000u);
	cfg_out(&m, 3, PCI_BAR0, HOLE, 4);
	assert_int_equal(cfg_in(&m, 3, PCI_BAR0, 4), HOLE);
	cfg_out(&m, 3, PCI_BAR0 + 8, 0xffffffffu, 4);
	cfg_out(&m, 3, PCI_BAR0 + 12, 0xffffffffu, 4);
	lo = cfg_in(&m, 3, PCI_BAR0 + 8, 4);
	hi = cfg_in(&m, 3, PCI_BAR0 + 12, 4);
	assert_int_equal(lo, 0xffff0000u | PCI_BAR_MEM_64);
	assert_int_equal(hi, 0xffffffffu);
	/* unused BARs and the ROM size to zero: not there */
	cfg_out(&m, 3, PCI_BAR0 + 4, 0xffffffffu, 4);
	assert_int_equal(cfg_in(&m, 3, PCI_BAR0 + 4, 4), 0);
	cfg_out(&m, 3, PCI_BAR0 + 20, 0xffffffffu, 4);
	assert_int_equal(cfg_in(&m, 3, PCI_BAR0 + 20, 4), 0);
	cfg_out(&m, 3, 0x30, 0xffffffffu, 4);
	assert_int_equal(cfg_in(&m, 3, 0x30, 4), 0);
	teardown(&m);
}

static void test_bar_decoding_and_moves(void **state)
{
	struct machine m;
	uint32_t v = 0;
	uint64_t at;

	(void)state;
	setup(&m);
	/* memory decoding is off after reset */
	assert_int_equal(mmio(&m, HOLE + 0x10, 0, &v, 4), BUS_UNCLAIMED);
	assert_int_equal(pci_bar_address(&m.dev, 0, &at), 0);
	cfg_out(&m, 3, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	assert_int_equal(mmio(&m, HOLE + 0x10, 0, &v, 4), BUS_OK);
	assert_int_equal(m.last_off, 0x10);
	assert_int_equal(v, 0xabababab);
	assert_int_equal(pci_bar_address(&m.dev, 0, &at), 1);
	assert_int_equal(at, HOLE);
	assert_int_equal(m.moved_mapped, 1);
	/* the 64-bit BAR decodes too, by offset into it */
	assert_int_equal(mmio(&m, HOLE + 0x1fff8, 0, &v, 4), BUS_OK);
	assert_int_equal(m.last_off, 0xfff8);

	/* the driver moves BAR 0: the old place is empty, the new serves */
	m.moves = 0;
	cfg_out(&m, 3, PCI_BAR0, 0xd0000000u, 4);
	assert_int_equal(mmio(&m, HOLE + 0x10, 0, &v, 4), BUS_UNCLAIMED);
	assert_int_equal(mmio(&m, 0xd0003ffcull, 0, &v, 4), BUS_OK);
	assert_int_equal(m.last_off, 0x3ffc);
	assert_int_equal(mmio(&m, 0xd0004000ull, 0, &v, 4), BUS_UNCLAIMED);
	assert_int_equal(m.moves, 2); /* unmapped, then mapped */
	assert_int_equal(m.moved_to, 0xd0000000ull);

	/* the 64-bit BAR above 4 GiB, in two halves */
	cfg_out(&m, 3, PCI_BAR0 + 12, 0x1, 4);
	assert_int_equal(mmio(&m, 0x1c0010000ull, 0, &v, 4), BUS_OK);
	assert_int_equal(mmio(&m, HOLE + 0x10000, 0, &v, 4), BUS_UNCLAIMED);

	/* decoding off unmaps every BAR; on again, they are back */
	cfg_out(&m, 3, PCI_COMMAND, 0, 2);
	assert_int_equal(mmio(&m, 0xd0000000ull, 0, &v, 4), BUS_UNCLAIMED);
	assert_int_equal(m.mmio.n, 0);
	assert_int_equal(m.moved_mapped, 0);
	cfg_out(&m, 3, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	assert_int_equal(mmio(&m, 0xd0000000ull, 0, &v, 4), BUS_OK);
	assert_int_equal(m.mmio.n, 2);

	/* a BAR moved onto the other is refused by the bus, and counted */
	cfg_out(&m, 3, PCI_BAR0, 0xc0010000u, 4);
	cfg_out(&m, 3, PCI_BAR0 + 8, 0xc0010000u, 4);
	cfg_out(&m, 3, PCI_BAR0 + 12, 0, 4);
	assert_int_equal(m.pci.map_conflicts, 1);
	assert_int_equal(pci_bar_address(&m.dev, 2, &at), 0);
	/* until it moves away */
	cfg_out(&m, 3, PCI_BAR0 + 8, 0xc0020000u, 4);
	assert_int_equal(pci_bar_address(&m.dev, 2, &at), 1);
	assert_int_equal(at, 0xc0020000ull);
	teardown(&m);
}

static void test_hole_runs_out(void **state)
{
	struct machine m;
	struct pci_func big;
	struct errbuf err;
	static const struct pci_id id = {.vendor = 0x1234, .device = 1};

	(void)state;
	setup(&m);
	pci_func_init(&big, &id, NULL);
	assert_int_equal(pci_func_add_bar(&big, 0, 1u << 30, 0, "big", NULL,
					  NULL, NULL, &err),
			 0);
	assert_int_equal(pci_register(&m.pci, &big, 4, &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "no room for BAR 0"));
	assert_int_equal(pci_register(&m.pci, &big, 3, &err), -EEXIST);
	assert_int_equal(
		pci_func_add_bar(&big, 5, 4096, 1, "x", NULL, NULL, NULL, &err),
		-EINVAL);
	assert_int_equal(
		pci_func_add_bar(&big, 1, 6000, 0, "x", NULL, NULL, NULL, &err),
		-EINVAL);
	/* BAR 2 of the machine's device is 64-bit: BAR 3 is its high half */
	assert_int_equal(pci_func_add_bar(&m.dev, 3, 4096, 0, "x", NULL, NULL,
					  NULL, &err),
			 -EINVAL);
	assert_int_equal(pci_func_add_bar(&m.dev, 1, 4096, 1, "x", NULL, NULL,
					  NULL, &err),
			 -EINVAL);
	assert_int_equal(pci_func_add_bar(&m.dev, 2, 4096, 0, "x", NULL, NULL,
					  NULL, &err),
			 -EINVAL);
	pthread_mutex_destroy(&big.msix.lock);
	teardown(&m);
}

/* MSI-X table entry v's fields, as a driver writes them. */
static void msix_program(struct machine *m, unsigned v, uint32_t data)
{
	uint32_t addr = 0xfee00000u, zero = 0;
	uint64_t e = HOLE + 0x2000 + 16 * v;

	assert_int_equal(mmio(m, e, 1, &addr, 4), BUS_OK);
	assert_int_equal(mmio(m, e + 4, 1, &zero, 4), BUS_OK);
	assert_int_equal(mmio(m, e + 8, 1, &data, 4), BUS_OK);
}

static void msix_mask(struct machine *m, unsigned v, uint32_t masked)
{
	assert_int_equal(mmio(m, HOLE + 0x2000 + 16 * v + 12, 1, &masked, 4),
			 BUS_OK);
}

static uint64_t pba(struct machine *m)
{
	uint64_t p = 0;

	assert_int_equal(mmio(m, HOLE + 0x3000, 0, &p, 8), BUS_OK);
	return p;
}

static void test_msix(void **state)
{
	struct machine m;
	unsigned cap;
	uint32_t v = 0;

	(void)state;
	setup(&m);
	cap = cfg_in(&m, 3, 0x34, 1);
	assert_int_equal(cfg_in(&m, 3, cap + 2, 2) & 0x7ff, 3); /* 4 vectors */
	assert_int_equal(cfg_in(&m, 3, cap + 4, 4), 0x2000); /* table, BAR 0 */
	assert_int_equal(cfg_in(&m, 3, cap + 8, 4), 0x3000);
	cfg_out(&m, 3, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);

	/* MSI-X off: an interrupt has nowhere to go */
	assert_int_equal(pci_msix_notify(&m.dev, 1), PCI_MSIX_DROPPED);
	/* as Linux does: enable with the function masked, program, unmask */
	cfg_out(&m, 3, cap + 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL,
		2);
	for (unsigned i = 0; i < 4; i++)
		msix_program(&m, i, 0x40 + i);
	/* every vector starts masked */
	assert_int_equal(mmio(&m, HOLE + 0x2000 + 16 + 12, 0, &v, 4), BUS_OK);
	assert_int_equal(v, 1);
	cfg_out(&m, 3, cap + 2, PCI_MSIX_FLAGS_ENABLE, 2);
	assert_int_equal(pci_msix_notify(&m.dev, 1), PCI_MSIX_PENDING);
	assert_int_equal(pba(&m), 0x2);
	assert_int_equal(m.sent, 0);
	/* unmasking the vector delivers the pending message once */
	msix_mask(&m, 1, 0);
	assert_int_equal(m.sent, 1);
	assert_int_equal(m.last_vector, 1);
	assert_int_equal(m.last.addr, 0xfee00000u);
	assert_int_equal(m.last.data, 0x41);
	assert_int_equal(pba(&m), 0);
	msix_mask(&m, 1, 0);
	assert_int_equal(m.sent, 1);
	/* unmasked: straight through */
	assert_int_equal(pci_msix_notify(&m.dev, 1), PCI_MSIX_SENT);
	assert_int_equal(m.sent, 2);

	/* the function mask holds every vector, and its release sends */
	msix_mask(&m, 2, 0);
	cfg_out(&m, 3, cap + 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL,
		2);
	assert_int_equal(pci_msix_notify(&m.dev, 1), PCI_MSIX_PENDING);
	assert_int_equal(pci_msix_notify(&m.dev, 2), PCI_MSIX_PENDING);
	assert_int_equal(pci_msix_notify(&m.dev, 2), PCI_MSIX_PENDING);
	assert_int_equal(pci_msix_notify(&m.dev, 3), PCI_MSIX_PENDING);
	assert_int_equal(pba(&m), 0xe);
	cfg_out(&m, 3, cap + 2, PCI_MSIX_FLAGS_ENABLE, 2);
	assert_int_equal(m.sent, 4); /* 1 and 2; 3 stays masked */
	assert_int_equal(pba(&m), 0x8);
	/* the PBA is read-only, and so are the reserved control bits */
	v = 0xffffffffu;
	assert_int_equal(mmio(&m, HOLE + 0x3000, 1, &v, 4), BUS_OK);
	assert_int_equal(pba(&m), 0x8);
	msix_mask(&m, 0, 0xfffffffe);
	assert_int_equal(mmio(&m, HOLE + 0x2000 + 12, 0, &v, 4), BUS_OK);
	assert_int_equal(v, 0);
	/* no such vector */
	assert_int_equal(pci_msix_notify(&m.dev, 4), PCI_MSIX_DROPPED);
	assert_int_equal(pci_msix_notify(&m.dev, 0xffff), PCI_MSIX_DROPPED);
	/* the table is not the device's: its handler never saw it */
	m.last_off = 0;
	assert_int_equal(mmio(&m, HOLE + 0x2004, 0, &v, 4), BUS_OK);
	assert_int_equal(m.last_off, 0);
	teardown(&m);
}

/* ECAM reaches the same registers as 0xcf8, and can move BARs while its
 * own range sits on the same MMIO bus. */
static void test_ecam(void **state)
{
	const uint64_t ecam = 0xb0000000ull, dev = ecam + (3u << 15);
	struct machine m;
	struct errbuf err;
	uint32_t v = 0;

	(void)state;
	setup(&m);
	assert_int_equal(pci_bus_add_ecam(&m.pci, ecam + 4096, &err), -EINVAL);
	assert_int_equal(pci_bus_add_ecam(&m.pci, ecam, &err), 0);
	assert_int_equal(mmio(&m, ecam, 0, &v, 4), BUS_OK);
	assert_int_equal(v, 0x29c08086u);
	assert_int_equal(mmio(&m, dev, 0, &v, 4), BUS_OK);
	assert_int_equal(v, 0x10421af4u);
	assert_int_equal(mmio(&m, dev + 2, 0, &v, 2), BUS_OK);
	assert_int_equal(v & 0xffff, 0x1042);
	/* no device, another function, extended space */
	assert_int_equal(mmio(&m, ecam + (4u << 15), 0, &v, 4), BUS_OK);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(mmio(&m, dev + (1u << 12), 0, &v, 4), BUS_OK);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(mmio(&m, dev + 0x100, 0, &v, 4), BUS_OK);
	assert_int_equal(v, 0);
	/* a BAR moved and decoded through ECAM */
	v = 0xd0000000u;
	assert_int_equal(mmio(&m, dev + PCI_BAR0, 1, &v, 4), BUS_OK);
	v = PCI_COMMAND_MEMORY;
	assert_int_equal(mmio(&m, dev + PCI_COMMAND, 1, &v, 2), BUS_OK);
	assert_int_equal(mmio(&m, 0xd0000010ull, 0, &v, 4), BUS_OK);
	assert_int_equal(m.last_off, 0x10);
	assert_int_equal(cfg_in(&m, 3, PCI_BAR0, 4), 0xd0000000u);
	teardown(&m);
}

/* A level-triggered INTx line: the command register can hold it low, the
 * status bit shows the device's level, a resample raises it again. */
static void test_intx(void **state)
{
	struct machine m;
	struct errbuf err;

	(void)state;
	setup(&m);
	pci_bus_set_intx(&m.pci, record_intx, &m);
	pci_intx_set(&m.dev, 1); /* not wired yet: nothing */
	assert_int_equal(m.intx_calls, 0);
	assert_int_equal(pci_func_add_intx(&m.dev, 24, &err), -EINVAL);
	assert_int_equal(pci_func_add_intx(&m.dev, 11, &err), 0);
	assert_int_equal(cfg_in(&m, 3, 0x3d, 1), 1); /* INTA# */
	assert_int_equal(cfg_in(&m, 3, PCI_INTERRUPT_LINE, 1), 11);

	pci_intx_set(&m.dev, 1);
	assert_int_equal(m.intx_calls, 1);
	assert_int_equal(m.intx_gsi, 11);
	assert_int_equal(m.intx_level, 1);
	assert_true(cfg_in(&m, 3, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	pci_intx_set(&m.dev, 1); /* no edge, no call */
	assert_int_equal(m.intx_calls, 1);
	/* the guest's EOI lowered the line: up again while the level is */
	pci_intx_resample(&m.dev);
	assert_int_equal(m.intx_calls, 2);
	assert_int_equal(m.intx_level, 1);

	/* INTx disable holds the line low; the status bit still shows */
	cfg_out(&m, 3, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
	assert_int_equal(m.intx_calls, 3);
	assert_int_equal(m.intx_level, 0);
	assert_true(cfg_in(&m, 3, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	pci_intx_resample(&m.dev);
	assert_int_equal(m.intx_calls, 3);
	cfg_out(&m, 3, PCI_COMMAND, 0, 2);
	assert_int_equal(m.intx_calls, 4);
	assert_int_equal(m.intx_level, 1);

	pci_intx_set(&m.dev, 0);
	assert_int_equal(m.intx_calls, 5);
	assert_int_equal(m.intx_level, 0);
	assert_false(cfg_in(&m, 3, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	teardown(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enumeration),
		cmocka_unit_test(test_read_only_fields),
		cmocka_unit_test(test_bar_sizing),
		cmocka_unit_test(test_bar_decoding_and_moves),
		cmocka_unit_test(test_hole_runs_out),
		cmocka_unit_test(test_msix),
		cmocka_unit_test(test_ecam),
		cmocka_unit_test(test_intx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
