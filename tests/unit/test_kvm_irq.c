/* test_kvm_irq.c - the GSI routing table as KVM_SET_GSI_ROUTING will take it,
 * and the wrappers' messages (no KVM needed: they meet a non-KVM file). */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kvm_irq.h"

/* The routes of gsi of type type: how many, and the last one. */
static unsigned routes_of(const struct gsi_routes *r, uint32_t gsi,
			  uint32_t type, struct kvm_irq_routing_entry *last)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < r->table->nr; i++) {
		if (r->table->entries[i].gsi == gsi &&
		    r->table->entries[i].type == type) {
			n++;
			*last = r->table->entries[i];
		}
	}
	return n;
}

static void test_default_routes(void **state)
{
	struct gsi_routes r;
	struct errbuf err;
	unsigned ioapic = 0, pic = 0;

	(void)state;
	assert_int_equal(gsi_routes_init(&r, &err), 0);
	/* 16 GSIs on both chips and 8 on the IOAPIC alone */
	assert_int_equal(r.table->nr, 40);
	assert_int_equal(r.table->flags, 0);
	for (uint32_t i = 0; i < r.table->nr; i++) {
		const struct kvm_irq_routing_entry *e = &r.table->entries[i];

		assert_int_equal(e->type, KVM_IRQ_ROUTING_IRQCHIP);
		if (e->u.irqchip.irqchip == KVM_IRQCHIP_IOAPIC) {
			assert_int_equal(e->u.irqchip.pin, e->gsi);
			ioapic++;
		} else {
			assert_true(e->gsi < 16);
			assert_int_equal(e->u.irqchip.irqchip,
					 e->gsi < 8 ? KVM_IRQCHIP_PIC_MASTER
						    : KVM_IRQCHIP_PIC_SLAVE);
			assert_int_equal(e->u.irqchip.pin, e->gsi % 8);
			pic++;
		}
	}
	assert_int_equal(ioapic, 24);
	assert_int_equal(pic, 16);
	/* the UART's IRQ 4 and the timer's 0 stay where the guest expects */
	assert_int_equal(r.table->entries[8].gsi, 4);
	assert_int_equal(r.table->entries[9].u.irqchip.irqchip,
			 KVM_IRQCHIP_PIC_MASTER);
	gsi_routes_free(&r);
	gsi_routes_free(&r);
}

static void test_msi_routes(void **state)
{
	struct kvm_irq_routing_entry e;
	struct gsi_routes r;
	struct errbuf err;
	uint32_t a, b, c;

	(void)state;
	assert_int_equal(gsi_routes_init(&r, &err), 0);
	assert_int_equal(gsi_routes_add_msi(&r, 0xfee00000u, 0x41, &a, &err),
			 0);
	assert_int_equal(gsi_routes_add_msi(&r, 0x1fee01000ull, 0x42, &b, &err),
			 0);
	assert_int_equal(a, 24);
	assert_int_equal(b, 25);
	assert_int_equal(r.table->nr, 42);
	assert_int_equal(routes_of(&r, 25, KVM_IRQ_ROUTING_MSI, &e), 1);
	assert_int_equal(e.u.msi.address_lo, 0xfee01000u);
	assert_int_equal(e.u.msi.address_hi, 1);
	assert_int_equal(e.u.msi.data, 0x42);
	/* the driver reprograms the vector */
	assert_int_equal(gsi_routes_set_msi(&r, 24, 0xfee02000u, 0x51, &err),
			 0);
	assert_int_equal(routes_of(&r, 24, KVM_IRQ_ROUTING_MSI, &e), 1);
	assert_int_equal(e.u.msi.address_lo, 0xfee02000u);
	assert_int_equal(e.u.msi.data, 0x51);
	/* removed, its GSI is the next one given */
	assert_int_equal(gsi_routes_remove_msi(&r, 24, &err), 0);
	assert_int_equal(r.table->nr, 41);
	assert_int_equal(routes_of(&r, 24, KVM_IRQ_ROUTING_MSI, &e), 0);
	assert_int_equal(gsi_routes_add_msi(&r, 0xfee00000u, 0x61, &c, &err),
			 0);
	assert_int_equal(c, 24);
	/* the PC's pins are not MSI routes */
	assert_int_equal(gsi_routes_set_msi(&r, 4, 0xfee00000u, 1, &err),
			 -ENOENT);
	assert_string_equal(err.msg, "GSI routing: GSI 4 has no MSI route");
	assert_int_equal(gsi_routes_remove_msi(&r, 4, &err), -ENOENT);
	assert_int_equal(gsi_routes_remove_msi(&r, 99, &err), -ENOENT);
	assert_int_equal(routes_of(&r, 4, KVM_IRQ_ROUTING_IRQCHIP, &e), 2);
	gsi_routes_free(&r);
}

/* The table grows past its first allocation and stops at the last GSI. */
static void test_many_msi_routes(void **state)
{
	struct gsi_routes r;
	struct errbuf err;
	uint32_t gsi = 0;

	(void)state;
	assert_int_equal(gsi_routes_init(&r, &err), 0);
	for (uint32_t i = GSI_PC_PINS; i < GSI_ROUTES_MAX; i++) {
		assert_int_equal(
			gsi_routes_add_msi(&r, 0xfee00000u, i, &gsi, &err), 0);
		assert_int_equal(gsi, i);
	}
	assert_int_equal(gsi_routes_add_msi(&r, 0xfee00000u, 0, &gsi, &err),
			 -ENOSPC);
	assert_int_equal(r.table->nr, 40 + GSI_ROUTES_MAX - GSI_PC_PINS);
	assert_int_equal(r.table->entries[r.table->nr - 1].u.msi.data,
			 GSI_ROUTES_MAX - 1);
	gsi_routes_free(&r);
}

/* A file that is not a VM: each checked wrapper names its ioctl. */
static void test_wrapper_messages(void **state)
{
	struct ioeventfd_spec s = {.addr = 0xc0003000u, .len = 2};
	struct gsi_routes r;
	struct errbuf err;
	int fd = open("/dev/null", O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(gsi_routes_init(&r, &err), 0);
	assert_int_equal(kvm_set_gsi_routing(fd, &r, &err), -ENOTTY);
	assert_non_null(strstr(err.msg, "KVM_SET_GSI_ROUTING: "));
	assert_int_equal(kvm_irqfd(fd, 0, 24, 5, 0, &err), -ENOTTY);
	assert_non_null(strstr(err.msg, "KVM_IRQFD (GSI 24, resample): "));
	assert_int_equal(kvm_ioeventfd(fd, 0, &s, 0, &err), -ENOTTY);
	assert_non_null(strstr(err.msg, "KVM_IOEVENTFD (MMIO 0xc0003000, 2 "
					"bytes): "));
	assert_int_equal(kvm_signal_msi(fd, 0xfee00000u, 0x41, &err), -ENOTTY);
	assert_non_null(strstr(err.msg, "KVM_SIGNAL_MSI: "));
	assert_int_equal(kvm_irqfd_raw(-1, 0, 0, -1, 0), -EBADF);
	gsi_routes_free(&r);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_routes),
		cmocka_unit_test(test_msi_routes),
		cmocka_unit_test(test_many_msi_routes),
		cmocka_unit_test(test_wrapper_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
