/* test_cli.c - sizes, durations and numbers as users type them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"

static uint64_t size_of(const char *text)
{
	uint64_t v = 0;

	assert_int_equal(parse_size(text, &v, NULL), 0);
	return v;
}

static uint64_t ns_of(const char *text)
{
	uint64_t v = 0;

	assert_int_equal(parse_duration(text, &v, NULL), 0);
	return v;
}

static void test_sizes(void **state)
{
	(void)state;
	assert_int_equal(size_of("4096"), 4096);
	assert_int_equal(size_of("64K"), 64 << 10);
	assert_int_equal(size_of("64k"), 64 << 10);
	assert_int_equal(size_of("16M"), 16 << 20);
	assert_int_equal(size_of("16MiB"), 16 << 20);
	assert_int_equal(size_of("2G"), 2ull << 30);
	assert_int_equal(size_of("1T"), 1ull << 40);
	assert_int_equal(size_of("0"), 0);
}

static void test_bad_sizes(void **state)
{
	const char *bad[] = {"",     "K",   "-1",   "+5",  " 5", "5 ",
			     "1.5M", "12Q", "0x10", "1MM", NULL};
	struct errbuf err;
	uint64_t v;

	(void)state;
	for (int i = 0; bad[i]; i++)
		assert_int_equal(parse_size(bad[i], &v, &err),
				 -22 /* EINVAL */);
	assert_int_equal(parse_size(NULL, &v, &err), -22);
	assert_int_equal(parse_size("99999999999999999999", &v, &err),
			 -34 /* ERANGE */);
	assert_int_equal(parse_size("17179869184G", &v, &err), -34);
	assert_non_null(strstr(err.msg, "17179869184G"));
}

static void test_durations(void **state)
{
	(void)state;
	assert_int_equal(ns_of("500ms"), 500000000ull);
	assert_int_equal(ns_of("2s"), 2000000000ull);
	assert_int_equal(ns_of("2"), 2000000000ull);
	assert_int_equal(ns_of("10us"), 10000ull);
	assert_int_equal(ns_of("7ns"), 7ull);
	assert_int_equal(ns_of("1m"), 60000000000ull);
	assert_int_equal(ns_of("1h"), 3600000000000ull);
}

static void test_bad_durations(void **state)
{
	const char *bad[] = {"",    "ms", "-1s",  "1.5s",
			     "5 s", "3d", "1sec", NULL};
	uint64_t v;

	(void)state;
	for (int i = 0; bad[i]; i++)
		assert_int_equal(parse_duration(bad[i], &v, NULL), -22);
	assert_int_equal(parse_duration("99999999999h", &v, NULL), -34);
}

static void test_numbers(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(parse_uint("7", 1, 100, &v, NULL), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse_uint("0x1000", 0, UINT64_MAX, &v, NULL), 0);
	assert_int_equal(v, 0x1000);
	/* hex that starts with a letter (found by fuzz_cli) */
	assert_int_equal(parse_uint("0xff", 0, UINT64_MAX, &v, NULL), 0);
	assert_int_equal(v, 0xff);
	assert_int_equal(parse_uint("0xA000", 0, UINT64_MAX, &v, NULL), 0);
	assert_int_equal(v, 0xa000);
	assert_int_equal(
		parse_uint("0xFFFFFFFFFFFFFFFF", 0, UINT64_MAX, &v, NULL), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(
		parse_uint("0x10000000000000000", 0, UINT64_MAX, &v, NULL),
		-34);
	assert_int_equal(parse_uint("0xg", 0, 100, &v, NULL), -22);
	assert_int_equal(parse_uint("0", 1, 100, &v, NULL), -34);
	assert_int_equal(parse_uint("101", 1, 100, &v, NULL), -34);
	assert_int_equal(parse_uint("7x", 1, 100, &v, NULL), -22);
	assert_int_equal(parse_uint("0x", 0, 100, &v, NULL), -22);
	assert_int_equal(parse_uint("", 0, 100, &v, NULL), -22);
}

/* --cpus: decimal 1 to the maximum, nothing else, and the line says so */
static void test_cpus(void **state)
{
	const char *bad[] = {"0",
			     "33",
			     "",
			     "two",
			     "2x",
			     "0x2",
			     "-1",
			     "+2",
			     " 2",
			     "2 ",
			     "99999999999999999999",
			     NULL};
	struct errbuf err;
	unsigned n = 0;

	(void)state;
	assert_int_equal(parse_cpus("1", 32, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(parse_cpus("4", 32, &n, NULL), 0);
	assert_int_equal(n, 4);
	assert_int_equal(parse_cpus("32", 32, &n, NULL), 0);
	assert_int_equal(n, 32);
	assert_int_equal(parse_cpus("016", 32, &n, NULL), 0);
	assert_int_equal(n, 16);
	for (int i = 0; bad[i]; i++) {
		n = 7;
		assert_true(parse_cpus(bad[i], 32, &n, &err) < 0);
		assert_int_equal(n, 7);
		assert_non_null(strstr(err.msg, "from 1 to 32"));
	}
	assert_int_equal(parse_cpus(NULL, 32, &n, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_bad_durations),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_cpus),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
