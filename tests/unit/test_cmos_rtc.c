/* test_cmos_rtc.c - the CMOS clock's registers for known UTC times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cmos_rtc.h"

static uint8_t reg(uint8_t index, time_t now)
{
	struct cmos_rtc rtc;

	cmos_select(&rtc, (uint8_t)(0x80 | index)); /* NMI bit is ignored */
	return cmos_read(&rtc, now);
}

static void test_status_registers(void **state)
{
	(void)state;
	assert_int_equal(reg(0x0a, 0) & 0x80, 0); /* never in an update */
	assert_int_equal(reg(0x0b, 0), 0x02);	  /* 24-hour BCD */
	assert_int_equal(reg(0x0d, 0), 0x80);	  /* time valid */
}

static void test_leap_day(void **state)
{
	const time_t t = 951827696; /* 2000-02-29 12:34:56 UTC, a Tuesday */

	(void)state;
	assert_int_equal(reg(0x00, t), 0x56);
	assert_int_equal(reg(0x02, t), 0x34);
	assert_int_equal(reg(0x04, t), 0x12);
	assert_int_equal(reg(0x06, t), 3); /* Sunday is 1 */
	assert_int_equal(reg(0x07, t), 0x29);
	assert_int_equal(reg(0x08, t), 0x02);
	assert_int_equal(reg(0x09, t), 0x00);
	assert_int_equal(reg(0x32, t), 0x20);
}

static void test_epoch_and_year_end(void **state)
{
	(void)state;
	assert_int_equal(reg(0x09, 0), 0x70);
	assert_int_equal(reg(0x32, 0), 0x19);
	assert_int_equal(reg(0x06, 0), 5); /* a Thursday */
	/* 2026-12-31 23:59:59 UTC */
	assert_int_equal(reg(0x08, 1798761599), 0x12);
	assert_int_equal(reg(0x07, 1798761599), 0x31);
	assert_int_equal(reg(0x07, 1798761600), 0x01); /* 2027-01-01 */
	assert_int_equal(reg(0x09, 1798761600), 0x27);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_registers),
		cmocka_unit_test(test_leap_day),
		cmocka_unit_test(test_epoch_and_year_end),
	};

	return cmocka_run_group_tests_name("cmos_rtc", tests, NULL, NULL);
}
