/* test_msi_router.c - MSI-X messages into routes and irqfds, against fake
 * KVM calls: a route per vector, made once, updated only on a change, and
 * KVM_SIGNAL_MSI when a step fails. */
#include <errno.h>
#include <linux/kvm.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "msi_router.h"

static struct {
	unsigned routings, irqfds, deassigns, signals;
	int fail_routing, fail_irqfd;
	uint32_t nr; /* the table's size at the last routing */
	uint32_t irqfd_gsi;
	struct pci_msi_msg signalled;
} k;

static int fake_routing(int vm_fd, const struct gsi_routes *r)
{
	assert_int_equal(vm_fd, 7);
	k.routings++;
	k.nr = r->table->nr;
	return k.fail_routing ? -EINVAL : 0;
}

static int fake_irqfd(int vm_fd, int efd, uint32_t gsi, int resample_fd,
		      int deassign)
{
	assert_int_equal(vm_fd, 7);
	assert_true(efd >= 0);
	assert_int_equal(resample_fd, -1);
	if (deassign) {
		k.deassigns++;
		return 0;
	}
	k.irqfds++;
	k.irqfd_gsi = gsi;
	return k.fail_irqfd ? -EBUSY : 0;
}

static int fake_signal(int vm_fd, uint64_t addr, uint32_t data)
{
	assert_int_equal(vm_fd, 7);
	k.signals++;
	k.signalled = (struct pci_msi_msg){addr, data};
	return 1;
}

static const struct msi_router_ops fake = {fake_routing, fake_irqfd,
					   fake_signal};

/* The message gsi's route carries in the router's table. */
static uint32_t route_data(const struct msi_router *r, uint32_t gsi)
{
	for (uint32_t i = 0; i < r->routes.table->nr; i++) {
		const struct kvm_irq_routing_entry *e =
			&r->routes.table->entries[i];

		if (e->gsi == gsi && e->type == KVM_IRQ_ROUTING_MSI)
			return e->u.msi.data;
	}
	return 0;
}

/* What the vector's eventfd counted since the last look. */
static uint64_t kicks(const struct msi_router *r, unsigned slot, unsigned v)
{
	uint64_t n = 0;

	if (read(r->vec[slot][v].efd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

static void test_route_per_vector(void **state)
{
	struct pci_func f = {.slot = 1}, g = {.slot = 2};
	struct pci_msi_msg a = {0xfee00000u, 0x41}, b = {0xfee01000u, 0x42};
	struct msi_router r;
	struct errbuf err;

	(void)state;
	memset(&k, 0, sizeof(k));
	assert_int_equal(msi_router_init(&r, 7, &fake, &err), 0);
	msi_router_deliver(&r, &f, 0, &a);
	assert_int_equal(k.routings, 1);
	assert_int_equal(k.nr, 41); /* the PC's 40 pins kept, plus one */
	assert_int_equal(k.irqfds, 1);
	assert_int_equal(k.irqfd_gsi, 24);
	assert_int_equal(kicks(&r, 1, 0), 1);
	/* the same message again: no ioctl but the eventfd's write */
	msi_router_deliver(&r, &f, 0, &a);
	msi_router_deliver(&r, &f, 0, &a);
	assert_int_equal(k.routings, 1);
	assert_int_equal(kicks(&r, 1, 0), 2);
	/* the driver moved the vector: the route follows, the irqfd stays */
	msi_router_deliver(&r, &f, 0, &b);
	assert_int_equal(k.routings, 2);
	assert_int_equal(k.nr, 41);
	assert_int_equal(k.irqfds, 1);
	assert_int_equal(route_data(&r, 24), 0x42);
	/* another vector, another function: their own GSIs */
	msi_router_deliver(&r, &f, 1, &a);
	msi_router_deliver(&r, &g, 1, &a);
	assert_int_equal(r.vec[1][1].gsi, 25);
	assert_int_equal(r.vec[2][1].gsi, 26);
	assert_int_equal(k.nr, 43);
	assert_int_equal(k.signals, 0);
	assert_int_equal(r.fallbacks, 0);
	msi_router_free(&r);
}

static void test_failures_fall_back(void **state)
{
	struct pci_func f = {.slot = 3};
	struct pci_msi_msg a = {0xfee00000u, 0x41}, b = {0xfee00000u, 0x51};
	struct msi_router r;
	struct errbuf err;

	(void)state;
	memset(&k, 0, sizeof(k));
	assert_int_equal(msi_router_init(&r, 7, &fake, &err), 0);
	/* no route: the message goes out anyway, nothing is kept */
	k.fail_routing = 1;
	msi_router_deliver(&r, &f, 0, &a);
	assert_int_equal(k.signals, 1);
	assert_int_equal(k.signalled.data, 0x41);
	assert_int_equal(r.fallbacks, 1);
	assert_string_equal(r.why.msg, "KVM_SET_GSI_ROUTING: Invalid argument");
	assert_int_equal(r.routes.table->nr, 40);
	assert_false(r.vec[3][0].used);
	/* no irqfd: the same */
	k.fail_routing = 0;
	k.fail_irqfd = 1;
	msi_router_deliver(&r, &f, 0, &a);
	assert_int_equal(k.signals, 2);
	assert_string_equal(r.why.msg, "KVM_IRQFD (GSI 24): Device or resource "
				       "busy");
	assert_int_equal(r.routes.table->nr, 40);
	/* then it works, on the GSI the failures gave back */
	k.fail_irqfd = 0;
	msi_router_deliver(&r, &f, 0, &a);
	assert_true(r.vec[3][0].used);
	assert_int_equal(r.vec[3][0].gsi, 24);
	assert_int_equal(kicks(&r, 3, 0), 1);
	/* a failed update keeps the old route, and the new message still
	 * reaches the guest */
	k.fail_routing = 1;
	msi_router_deliver(&r, &f, 0, &b);
	assert_int_equal(k.signals, 3);
	assert_int_equal(k.signalled.data, 0x51);
	assert_int_equal(route_data(&r, 24), 0x41);
	assert_int_equal(r.vec[3][0].msg.data, 0x41);
	assert_int_equal(kicks(&r, 3, 0), 0);
	assert_int_equal(r.fallbacks, 3);
	msi_router_free(&r);
}

/* A vector bound for the kernel (vhost-net's call): its irqfd given out
 * with the route made, lifted while masked and back at the unmask, the
 * route following the message; released, it stays assigned for the
 * VMM's own deliveries. */
static void test_kernel_bind(void **state)
{
	const struct pci_msi_kernel_ops *ops = &msi_router_kernel;
	struct pci_func f = {.slot = 4};
	struct pci_msi_msg a = {0xfee00000u, 0x41}, b = {0xfee00000u, 0x61};
	struct msi_router r;
	struct errbuf err;
	int efd;

	(void)state;
	memset(&k, 0, sizeof(k));
	assert_int_equal(msi_router_init(&r, 7, &fake, &err), 0);
	efd = ops->bind(&r, &f, 2, &a, 0);
	assert_true(efd >= 0);
	assert_int_equal(efd, r.vec[4][2].efd);
	assert_int_equal(k.routings, 1);
	assert_int_equal(k.irqfds, 1);
	/* a message change follows; the same one costs nothing */
	ops->update(&r, &f, 2, &b, 0);
	ops->update(&r, &f, 2, &b, 0);
	assert_int_equal(k.routings, 2);
	assert_int_equal(route_data(&r, r.vec[4][2].gsi), 0x61);
	/* masked: KVM_IRQFD lifted; unmasked: assigned again, once */
	ops->update(&r, &f, 2, &b, 1);
	ops->update(&r, &f, 2, &b, 1);
	assert_int_equal(k.deassigns, 1);
	ops->update(&r, &f, 2, &b, 0);
	assert_int_equal(k.irqfds, 2);
	/* an unbound vector is not touched */
	ops->update(&r, &f, 3, &a, 1);
	assert_int_equal(k.deassigns, 1);
	/* released while masked: assigned again, for msi_router_deliver */
	ops->update(&r, &f, 2, &b, 1);
	ops->release(&r, &f, 2);
	assert_int_equal(k.irqfds, 3);
	ops->update(&r, &f, 2, &b, 1); /* no longer followed */
	assert_int_equal(k.deassigns, 2);
	/* bound while masked: made, but not assigned yet */
	efd = ops->bind(&r, &f, 5, &a, 1);
	assert_true(efd >= 0);
	assert_int_equal(k.deassigns, 3);
	/* KVM refusing: -1, and the caller relays */
	k.fail_routing = 1;
	assert_int_equal(ops->bind(&r, &f, 6, &a, 0), -1);
	assert_int_equal(r.fallbacks, 1);
	msi_router_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_per_vector),
		cmocka_unit_test(test_failures_fall_back),
		cmocka_unit_test(test_kernel_bind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
