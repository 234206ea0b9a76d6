/* test_vnet_vhost.c - a NIC with a kernel path (vhost-net's place): the
 * queues handed over at DRIVER_OK and taken back at reset, the VMM
 * leaving the rings and the backend alone meanwhile, the kernel's
 * interrupts sent on through the transport; and which features
 * vhost-net is given. The real vhost-net is tests/kvm/linux.sh's. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_net.h"
#include "virtio_net.h"
#include "virtq_driver.h"
#include "vnet_vhost.h"

#define QSIZE	 8u
#define TX_DESC	 0x5000u
#define TX_AVAIL 0x6000u
#define TX_USED	 0x6800u
#define TX_DATA	 0x20000u
#define TAP_FD	 42 /* the fake backend's descriptor, never used as one */

static const uint8_t test_mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

/* A kernel path that records what it was given; start fails on demand. */
struct fake_path {
	struct vnet_kernel_path p;
	int starts, stops, fail;
	uint64_t features;
	struct virtio_queue_addr addr[2];
};

static int fake_start(void *ctx, const struct guest_mem *mem, uint64_t features,
		      const struct virtio_queue_addr *addr, struct errbuf *err)
{
	struct fake_path *k = ctx;

	(void)mem;
	if (k->fail)
		return err_fail(err, EINVAL, "vhost-net: refused");
	k->starts++;
	k->features = features;
	memcpy(k->addr, addr, sizeof(k->addr));
	return 0;
}

static void fake_stop(void *ctx)
{
	((struct fake_path *)ctx)->stops++;
}

static int tap_poll_fd(const struct net_backend *b)
{
	(void)b;
	return TAP_FD;
}

struct fix {
	struct vnet n;
	struct drv d;
	struct fake_transport t;
	struct fake_be be;
	struct net_backend_ops ops; /* the fake's, with a descriptor */
	struct fake_path k;
	struct errbuf err;
	struct virtio_queue_addr addr[2];
};

static int activate(struct fix *f)
{
	return vnet_ops.activate(&f->n, &f->d.mem,
				 1ull << VIRTIO_F_VERSION_1 |
					 1ull << VIRTIO_NET_F_MRG_RXBUF,
				 f->addr, &f->t.t, &f->err);
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	drv_init(&f->d, QSIZE);
	fake_transport_init(&f->t);
	fake_be_init(&f->be, 0);
	f->ops = *f->be.b.ops;
	f->ops.poll_fd = tap_poll_fd;
	f->be.b.ops = &f->ops;
	assert_int_equal(
		vnet_init(&f->n, &f->be.b, test_mac, 1500, NULL, &f->err), 0);
	f->k.p = (struct vnet_kernel_path){fake_start, fake_stop, &f->k};
	vnet_set_kernel_path(&f->n, &f->k.p);
	f->addr[VNET_RXQ] = f->d.addr;
	f->addr[VNET_TXQ] =
		(struct virtio_queue_addr){QSIZE, TX_DESC, TX_AVAIL, TX_USED};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	vnet_destroy(&f->n);
	drv_free(&f->d);
	free(f);
	return 0;
}

/* A frame on the transmitq, made available, and the kick. */
static void tx_frame(struct fix *f)
{
	memset(f->d.ram + TX_DATA, 0, VNET_HDR_LEN + 60);
	drv_desc_in(&f->d, TX_DESC, 0, TX_DATA, VNET_HDR_LEN + 60, 0, 0);
	drv_put16(&f->d, TX_AVAIL + 4, 0);
	drv_put16(&f->d, TX_AVAIL + 2, 1);
	vnet_ops.notify(&f->n, VNET_TXQ);
}

static void test_driver_ok_hands_the_queues_over(void **state)
{
	struct fix *f = *state;

	assert_int_equal(vnet_source_fd(&f->n), TAP_FD);
	assert_int_equal(activate(f), 0);
	assert_int_equal(f->k.starts, 1);
	assert_true(f->k.features & 1ull << VIRTIO_NET_F_MRG_RXBUF);
	assert_int_equal(f->k.addr[VNET_TXQ].desc, TX_DESC);
	assert_int_equal(f->k.addr[VNET_RXQ].size, QSIZE);
	/* the tap is the kernel's to read now: no polling it */
	assert_int_equal(vnet_source_fd(&f->n), -1);
}

static void test_kicks_and_frames_are_the_kernels(void **state)
{
	struct fix *f = *state;

	assert_int_equal(activate(f), 0);
	tx_frame(f);
	assert_int_equal(f->be.n_out, 0);		    /* nothing sent */
	assert_int_equal(drv_get16(&f->d, TX_USED + 2), 0); /* ring untouched */
	fake_be_queue(&f->be, 60, 1);
	drv_desc(&f->d, 0, DRV_DATA, 2048, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 0);
	vnet_poll(&f->n);
	vnet_ops.notify(&f->n, VNET_RXQ);
	assert_int_equal(drv_used_idx(&f->d), 0);
	assert_int_equal(f->n.st.rx_packets + f->n.st.tx_packets, 0);
	assert_int_equal(f->t.resets, 0);
}

static void test_kernel_interrupts_go_through_the_transport(void **state)
{
	struct fix *f = *state;

	vnet_kernel_used(&f->n, VNET_RXQ); /* before DRIVER_OK: nothing */
	assert_int_equal(f->t.notified, 0);
	assert_int_equal(activate(f), 0);
	vnet_kernel_used(&f->n, VNET_RXQ);
	vnet_kernel_used(&f->n, VNET_TXQ);
	assert_int_equal(f->t.notified, 2);
	assert_int_equal(f->n.kernel_irqs, 2);
}

static void test_reset_takes_the_queues_back(void **state)
{
	struct fix *f = *state;

	assert_int_equal(activate(f), 0);
	vnet_ops.reset(&f->n);
	assert_int_equal(f->k.stops, 1);
	assert_int_equal(vnet_source_fd(&f->n), TAP_FD);
	vnet_kernel_used(&f->n, VNET_RXQ); /* a late one: dropped */
	assert_int_equal(f->t.notified, 0);
	assert_int_equal(activate(f), 0); /* a second driver */
	assert_int_equal(f->k.starts, 2);
	vnet_ops.reset(&f->n);
	vnet_ops.reset(&f->n); /* a reset of a reset device stops nothing */
	assert_int_equal(f->k.stops, 2);
}

static void test_a_refused_start_fails_activation(void **state)
{
	struct fix *f = *state;

	f->k.fail = 1;
	assert_int_equal(activate(f), -EINVAL);
	assert_non_null(strstr(f->err.msg, "vhost-net: refused"));
	assert_int_equal(vnet_source_fd(&f->n), TAP_FD);
	vnet_ops.reset(&f->n);
	assert_int_equal(f->k.stops, 0); /* it never had them */
}

static void test_bad_rings_never_reach_the_kernel(void **state)
{
	struct fix *f = *state;

	f->addr[VNET_TXQ].desc = DRV_RAM_SIZE; /* past guest RAM */
	assert_true(activate(f) < 0);
	assert_int_equal(f->k.starts, 0);
}

#define BIT(n) (1ull << (n))

static void test_vhost_features(void **state)
{
	const uint64_t offered = BIT(VIRTIO_F_VERSION_1) |
				 BIT(VIRTIO_F_EVENT_IDX) |
				 BIT(VIRTIO_F_INDIRECT_DESC) |
				 BIT(VIRTIO_NET_F_MRG_RXBUF) | BIT(27);
	struct errbuf err;
	uint64_t acked = 0;

	(void)state;
	/* MAC, MTU, STATUS are the VMM's, CSUM the tap's: not handed on */
	assert_int_equal(
		vnet_vhost_features(
			offered,
			BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_EVENT_IDX) |
				BIT(VIRTIO_NET_F_MAC) | BIT(VIRTIO_NET_F_MTU) |
				BIT(VIRTIO_NET_F_STATUS) | BIT(0) | BIT(27),
			&acked, &err),
		0);
	assert_int_equal(acked,
			 BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_EVENT_IDX));
	/* a ring feature the kernel lacks: refused, named */
	assert_int_equal(vnet_vhost_features(BIT(VIRTIO_F_VERSION_1),
					     BIT(VIRTIO_F_VERSION_1) |
						     BIT(VIRTIO_F_EVENT_IDX),
					     &acked, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "0x20000000"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_driver_ok_hands_the_queues_over, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_kicks_and_frames_are_the_kernels, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_kernel_interrupts_go_through_the_transport, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_reset_takes_the_queues_back, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_refused_start_fails_activation, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_bad_rings_never_reach_the_kernel, setup, teardown),
		cmocka_unit_test(test_vhost_features),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
