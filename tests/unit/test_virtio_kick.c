/* test_virtio_kick.c - the queues' ioeventfds follow BAR 0 (assigned where
 * it decodes, deassigned at the old address when it moves or stops), a
 * refused one leaves the kick trapping, and the BAR's exits are counted. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "virtio_kick.h"

#define HOLE 0xc0000000ull
#define SLOT 1
#define NQ   2

/* The fake device counts kicks that reached it. */
static unsigned notifies[NQ];

static int fake_activate(void *dev, const struct guest_mem *mem,
			 uint64_t features,
			 const struct virtio_queue_addr *addr,
			 struct virtio_transport *t, struct errbuf *err)
{
	(void)dev, (void)mem, (void)features, (void)addr, (void)t, (void)err;
	return 0;
}

static void fake_notify(void *dev, unsigned q)
{
	(void)dev;
	notifies[q]++;
}

static const struct virtio_dev_ops fake_ops = {
	.name = "virtio-fake",
	.device_id = 2,
	.num_queues = NQ,
	.queue_max = 256,
	.activate = fake_activate,
	.notify = fake_notify,
};

/* What KVM was asked, in order. */
struct call {
	int efd, deassign;
	struct ioeventfd_spec s;
};

static struct call calls[32];
static unsigned ncalls;
static int refuse; /* the fake's answer to an assign: 0 or -errno */

static int fake_ioeventfd(int vm_fd, int efd, const struct ioeventfd_spec *s,
			  int deassign)
{
	assert_int_equal(vm_fd, 42);
	assert_true(ncalls < 32);
	calls[ncalls++] = (struct call){efd, deassign, *s};
	return deassign ? 0 : refuse;
}

static const struct virtio_kick_ops fake_kvm = {.ioeventfd = fake_ioeventfd};

struct fix {
	struct bus ports, mmio;
	struct pci_bus pci;
	struct virtio_pci vp;
	struct virtio_kicks k;
	uint8_t ram[4096];
	struct guest_mem mem;
};

static void io(struct bus *b, uint64_t addr, int is_write, void *v,
	       uint32_t len)
{
	struct bus_access a = {addr, is_write, v, len};
	struct errbuf err;

	assert_int_equal(bus_dispatch(b, &a, &err), BUS_OK);
}

static void cfg_out(struct fix *f, unsigned reg, uint32_t v, uint32_t len)
{
	uint32_t addr = 0x80000000u | SLOT << 11 | (reg & 0xfc);

	io(&f->ports, 0xcf8, 1, &addr, 4);
	io(&f->ports, 0xcfc + (reg & 3), 1, &v, len);
}

static void setup(struct fix *f)
{
	struct errbuf err;

	memset(f, 0, sizeof(*f));
	memset(notifies, 0, sizeof(notifies));
	ncalls = 0;
	refuse = 0;
	f->mem = (struct guest_mem){f->ram, sizeof(f->ram)};
	bus_init(&f->ports, "port", 0xffff);
	bus_init(&f->mmio, "mmio", UINT64_MAX);
	assert_int_equal(pci_bus_init(&f->pci, &f->ports, &f->mmio, HOLE,
				      0x10000000, NULL, NULL, &err),
			 0);
	assert_int_equal(virtio_pci_init(&f->vp, &f->pci, SLOT, &fake_ops, NULL,
					 &f->mem, &err),
			 0);
}

static void teardown(struct fix *f)
{
	virtio_pci_destroy(&f->vp);
	pci_bus_destroy(&f->pci);
	bus_free(&f->ports);
	bus_free(&f->mmio);
}

static void decode(struct fix *f, int on)
{
	cfg_out(f, PCI_COMMAND, on ? PCI_COMMAND_MEMORY : 0, 2);
}

/* Call i was an any-length, any-value MMIO (de)assign of efd at addr. */
static void assert_call(struct fix *f, unsigned i, unsigned q, uint64_t addr,
			int deassign)
{
	assert_true(i < ncalls);
	assert_int_equal(calls[i].efd, f->k.efd[q]);
	assert_int_equal(calls[i].deassign, deassign);
	assert_int_equal(calls[i].s.addr, addr);
	assert_int_equal(calls[i].s.len, 0);
	assert_int_equal(calls[i].s.pio, 0);
	assert_int_equal(calls[i].s.has_datamatch, 0);
}

static uint64_t notify_at(uint64_t bar, unsigned q)
{
	return bar + VIRTIO_PCI_NOTIFY_OFF + q * VIRTIO_PCI_NOTIFY_MULTIPLIER;
}

static void test_follows_the_bar(void **state)
{
	struct fix fix, *f = &fix;
	struct errbuf err;
	const uint64_t moved = HOLE + 0x100000;

	(void)state;
	setup(f);
	assert_int_equal(virtio_kicks_init(&f->k, &f->vp, 42, &fake_kvm, &err),
			 0);
	assert_int_equal(ncalls, 0); /* the BAR does not decode yet */
	decode(f, 1);
	assert_int_equal(ncalls, NQ);
	assert_call(f, 0, 0, notify_at(HOLE, 0), 0);
	assert_call(f, 1, 1, notify_at(HOLE, 1), 0);
	/* Linux sizes a BAR with decoding off: the eventfds leave with it */
	decode(f, 0);
	assert_int_equal(ncalls, 2 * NQ);
	assert_call(f, 2, 0, notify_at(HOLE, 0), 1);
	assert_call(f, 3, 1, notify_at(HOLE, 1), 1);
	/* a new address: nothing while off, then assigned there */
	cfg_out(f, PCI_BAR0, (uint32_t)moved, 4);
	assert_int_equal(ncalls, 2 * NQ);
	decode(f, 1);
	assert_int_equal(ncalls, 3 * NQ);
	assert_call(f, 4, 0, notify_at(moved, 0), 0);
	assert_call(f, 5, 1, notify_at(moved, 1), 0);
	/* moved while decoding: deassigned at the old address first */
	cfg_out(f, PCI_BAR0, (uint32_t)HOLE, 4);
	assert_int_equal(ncalls, 5 * NQ);
	assert_call(f, 6, 0, notify_at(moved, 0), 1);
	assert_call(f, 8, 0, notify_at(HOLE, 0), 0);
	assert_int_equal(f->k.failures, 0);
	/* freeing deassigns what is assigned, where it is */
	int efd0 = f->k.efd[0];

	virtio_kicks_free(&f->k);
	assert_int_equal(ncalls, 6 * NQ);
	assert_int_equal(calls[10].efd, efd0);
	assert_int_equal(calls[10].deassign, 1);
	assert_int_equal(calls[10].s.addr, notify_at(HOLE, 0));
	assert_null(f->vp.bar_moved);
	teardown(f);
}

static void test_refused_keeps_trapping(void **state)
{
	struct fix fix, *f = &fix;
	struct errbuf err;
	uint16_t q1 = 1;

	(void)state;
	setup(f);
	refuse = -ENOSPC;
	assert_int_equal(virtio_kicks_init(&f->k, &f->vp, 42, &fake_kvm, &err),
			 0);
	decode(f, 1);
	assert_int_equal(f->k.failures, NQ);
	assert_non_null(strstr(f->k.why.msg, "KVM_IOEVENTFD"));
	assert_false(f->k.assigned[0] || f->k.assigned[1]);
	/* the kick traps to the transport instead, which counts it (the
	 * device is not live, so it goes no further) */
	io(&f->mmio, notify_at(HOLE, 1), 1, &q1, 2);
	assert_int_equal(f->vp.notify_exits, 1);
	assert_int_equal(f->vp.bar_exits, 1);
	/* nothing assigned: freeing deassigns nothing */
	ncalls = 0;
	virtio_kicks_free(&f->k);
	assert_int_equal(ncalls, 0);
	teardown(f);
}

static void test_bar_exits_counted(void **state)
{
	struct fix fix, *f = &fix;
	uint32_t v = 0;

	(void)state;
	setup(f);
	decode(f, 1);
	io(&f->mmio, HOLE + VIRTIO_PCI_COMMON_OFF, 0, &v, 4);
	io(&f->mmio, HOLE + VIRTIO_PCI_DEVICE_OFF, 0, &v, 4);
	io(&f->mmio, notify_at(HOLE, 0), 1, &v, 2);
	assert_int_equal(f->vp.bar_exits, 3);
	assert_int_equal(f->vp.notify_exits, 1);
	teardown(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follows_the_bar),
		cmocka_unit_test(test_refused_keeps_trapping),
		cmocka_unit_test(test_bar_exits_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
