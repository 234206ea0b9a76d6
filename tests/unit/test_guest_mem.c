/* test_guest_mem.c - the bounds-checked accessor at every edge of guest RAM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "guest_mem.h"

static uint8_t ram[8192];
static const struct guest_mem mem = {ram, sizeof(ram)};

static void test_inside_ranges(void **state)
{
	(void)state;
	assert_ptr_equal(gmem_ptr(&mem, 0, 1), ram);
	assert_ptr_equal(gmem_ptr(&mem, 0, sizeof(ram)), ram);
	assert_ptr_equal(gmem_ptr(&mem, sizeof(ram) - 1, 1),
			 ram + sizeof(ram) - 1);
	assert_ptr_equal(gmem_ptr(&mem, 100, 200), ram + 100);
}

static void test_outside_ranges(void **state)
{
	(void)state;
	assert_null(gmem_ptr(&mem, sizeof(ram), 1));
	assert_null(gmem_ptr(&mem, sizeof(ram) - 1, 2));
	assert_null(gmem_ptr(&mem, 0, sizeof(ram) + 1));
	assert_null(gmem_ptr(&mem, 1ull << 40, 1));
}

static void test_overflow_is_refused(void **state)
{
	(void)state;
	/* gpa + len wraps to a small number: a start-only check would pass */
	assert_null(gmem_ptr(&mem, UINT64_MAX, 2));
	assert_null(gmem_ptr(&mem, 16, UINT64_MAX));
	assert_null(gmem_ptr(&mem, UINT64_MAX - 4, 10));
	assert_null(gmem_ptr(&mem, UINT64_MAX, UINT64_MAX));
	/* the 32-bit wrap a guest pointer could ask for */
	assert_null(gmem_ptr(&mem, 0xfffffff0ull, 0x20));
}

static void test_zero_length(void **state)
{
	(void)state;
	assert_non_null(gmem_ptr(&mem, 0, 0));
	assert_non_null(gmem_ptr(&mem, sizeof(ram), 0));
	assert_null(gmem_ptr(&mem, sizeof(ram) + 1, 0));
	assert_null(gmem_ptr(&mem, UINT64_MAX, 0));
}

static void test_no_memory(void **state)
{
	const struct guest_mem none = {NULL, 0};

	(void)state;
	assert_null(gmem_ptr(&none, 0, 0));
	assert_null(gmem_ptr(NULL, 0, 1));
}

static void test_copies_are_all_or_nothing(void **state)
{
	uint8_t buf[8];
	uint32_t v = 0;

	(void)state;
	memset(ram, 0, sizeof(ram));
	memset(buf, 0xab, sizeof(buf));
	assert_int_equal(gmem_write(&mem, sizeof(ram) - 4, buf, sizeof(buf)),
			 -14 /* -EFAULT */);
	for (size_t i = sizeof(ram) - 4; i < sizeof(ram); i++)
		assert_int_equal(ram[i], 0);
	assert_int_equal(gmem_write_u32(&mem, sizeof(ram) - 4, 0xdeadbeef), 0);
	assert_int_equal(gmem_read_u32(&mem, sizeof(ram) - 4, &v), 0);
	assert_int_equal(v, 0xdeadbeef);
	assert_int_equal(ram[sizeof(ram) - 4], 0xef); /* little-endian */
	assert_int_equal(gmem_read_u32(&mem, sizeof(ram) - 3, &v), -14);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inside_ranges),
		cmocka_unit_test(test_outside_ranges),
		cmocka_unit_test(test_overflow_is_refused),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_no_memory),
		cmocka_unit_test(test_copies_are_all_or_nothing),
	};

	return cmocka_run_group_tests_name("guest_mem", tests, NULL, NULL);
}
