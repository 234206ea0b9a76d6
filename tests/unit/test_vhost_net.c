/* test_vhost_net.c - the checks vhost_net makes on the guest's ring layout
 * before any of it reaches VHOST_SET_VRING_ADDR (no /dev/vhost-net needed). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vhost_net.h"

#define RAM 0x10000u
static uint8_t ram[RAM];
static const struct guest_mem mem = {ram, sizeof(ram)};

/* A queue of 256 laid out as a driver would: 4 KiB of descriptors, then
 * the available ring, then the used ring on its own page. */
static struct vhost_vring good(void)
{
	struct vhost_vring r = {.num = 256,
				.desc = 0x1000,
				.avail = 0x2000,
				.used = 0x3000,
				.kick_fd = -1,
				.call_fd = -1};
	return r;
}

static void refused(const struct vhost_vring *r, const char *part)
{
	struct errbuf err = {{0}};

	assert_int_equal(vhost_net_check_vring(&mem, r, &err), -EINVAL);
	assert_non_null(strstr(err.msg, part));
}

static void test_good_layouts_pass(void **state)
{
	struct vhost_vring r = good();
	struct errbuf err;

	(void)state;
	assert_int_equal(vhost_net_check_vring(&mem, &r, &err), 0);
	/* Each part may end at the end of RAM (used: as near as its alignment
	 * allows). */
	r.desc = RAM - 16 * 256;
	r.avail = RAM - (6 + 2 * 256);
	r.used = RAM - (6 + 8 * 256) - 2; /* 4-aligned */
	assert_int_equal(vhost_net_check_vring(&mem, &r, &err), 0);
	r = good();
	r.num = 1;
	assert_int_equal(vhost_net_check_vring(&mem, &r, &err), 0);
	r.num = 32768;
	r.desc = 0, r.avail = 0, r.used = 0;
	assert_int_equal(vhost_net_check_vring(&mem, &r, &err), -EINVAL);
}

static void test_parts_outside_ram_refused(void **state)
{
	struct vhost_vring r = good();

	(void)state;
	r.desc = RAM - 16 * 256 + 16; /* one descriptor past the end */
	refused(&r, "descriptor ring");
	r = good();
	r.avail = RAM - 4; /* starts inside, ends outside */
	refused(&r, "available ring");
	r = good();
	r.used = RAM;
	refused(&r, "used ring");
	r = good();
	r.used = 0xfffffffffffff000ull; /* wraps around 2^64 */
	refused(&r, "outside guest memory");
}

static void test_misaligned_parts_refused(void **state)
{
	struct vhost_vring r = good();

	(void)state;
	r.desc += 8;
	refused(&r, "16-byte aligned");
	r = good();
	r.avail += 1;
	refused(&r, "2-byte aligned");
	r = good();
	r.used += 2;
	refused(&r, "4-byte aligned");
}

static void test_bad_sizes_refused(void **state)
{
	struct vhost_vring r = good();

	(void)state;
	r.num = 0;
	refused(&r, "queue size 0");
	r.num = 100;
	refused(&r, "queue size 100");
	r.num = 65536;
	refused(&r, "queue size 65536");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_layouts_pass),
		cmocka_unit_test(test_parts_outside_ram_refused),
		cmocka_unit_test(test_misaligned_parts_refused),
		cmocka_unit_test(test_bad_sizes_refused),
	};

	return cmocka_run_group_tests_name("vhost_net", tests, NULL, NULL);
}
