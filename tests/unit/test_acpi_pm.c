/* test_acpi_pm.c - the PM block: S5 powers off, the reset register resets,
 * everything else changes nothing; through the port bus too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acpi_pm.h"

#define S5_EN (ACPI_SLP_TYP_S5 << ACPI_PM1_SLP_SHIFT | ACPI_PM1_SLP_EN)

static void test_power_on_state(void **state)
{
	struct acpi_pm pm;

	(void)state;
	acpi_pm_init(&pm);
	/* SCI_EN: always in ACPI mode (the FADT has no SMI_CMD) */
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_CNT, 2), ACPI_PM1_SCI_EN);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_STS, 4), 0);
	assert_int_equal(acpi_pm_read(&pm, ACPI_RESET_REG, 1), 0);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_PORTS, 1), 0xff);
	assert_int_equal(pm.event, ACPI_PM_NONE);
}

/* ACPICA's way (hwsleep.c): SLP_TYP first, then SLP_TYP with SLP_EN. */
static void test_s5_in_two_writes(void **state)
{
	struct acpi_pm pm;
	uint32_t typ = ACPI_SLP_TYP_S5 << ACPI_PM1_SLP_SHIFT;

	(void)state;
	acpi_pm_init(&pm);
	assert_int_equal(acpi_pm_write(&pm, ACPI_PM1_CNT, typ | 1, 2),
			 ACPI_PM_NONE);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_CNT, 2), typ | 1);
	assert_int_equal(acpi_pm_write(&pm, ACPI_PM1_CNT, S5_EN | 1, 2),
			 ACPI_PM_POWEROFF);
	assert_int_equal(pm.event, ACPI_PM_POWEROFF);
	assert_int_equal(pm.slp_cnt, S5_EN | 1);
	/* SLP_EN is write-only */
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_CNT, 2), typ | 1);
}

static void test_s5_by_bytes_and_dwords(void **state)
{
	struct acpi_pm pm;

	(void)state;
	acpi_pm_init(&pm);
	assert_int_equal(acpi_pm_write(&pm, ACPI_PM1_CNT + 1, S5_EN >> 8, 1),
			 ACPI_PM_POWEROFF);
	/* a dword at PM1_EVT's start reaches only the event registers */
	acpi_pm_init(&pm);
	assert_int_equal(acpi_pm_write(&pm, ACPI_PM1_STS, S5_EN, 4),
			 ACPI_PM_NONE);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_EN, 2), 0);
	assert_int_equal(acpi_pm_write(&pm, ACPI_PM1_STS,
				       (uint32_t)S5_EN << 16 | 0xffff, 4),
			 ACPI_PM_NONE);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_EN, 2), S5_EN);
	assert_int_equal(acpi_pm_write(&pm, ACPI_PM1_CNT, S5_EN, 4),
			 ACPI_PM_POWEROFF);
}

/* No S1-S4: SLP_EN with any other type changes nothing. */
static void test_other_sleep_types(void **state)
{
	struct acpi_pm pm;

	(void)state;
	for (uint32_t typ = 0; typ < 8; typ++) {
		if (typ == ACPI_SLP_TYP_S5)
			continue;
		acpi_pm_init(&pm);
		assert_int_equal(acpi_pm_write(&pm, ACPI_PM1_CNT,
					       typ << ACPI_PM1_SLP_SHIFT |
						       ACPI_PM1_SLP_EN,
					       2),
				 ACPI_PM_NONE);
		assert_int_equal(pm.event, ACPI_PM_NONE);
	}
}

static void test_reset_register(void **state)
{
	struct acpi_pm pm;

	(void)state;
	acpi_pm_init(&pm);
	assert_int_equal(acpi_pm_write(&pm, ACPI_RESET_REG, 0xfe, 1),
			 ACPI_PM_NONE);
	assert_int_equal(
		acpi_pm_write(&pm, ACPI_RESET_REG, ACPI_RESET_VALUE, 1),
		ACPI_PM_RESET);
	assert_int_equal(pm.event, ACPI_PM_RESET);
}

static void test_on_the_port_bus(void **state)
{
	struct acpi_pm pm;
	struct bus ports;
	struct errbuf err;
	uint8_t data[2] = {0, 0};
	struct bus_access a = {ACPI_PM_BASE + ACPI_PM1_CNT, 0, data, 2};

	(void)state;
	bus_init(&ports, "port", 0xffff);
	acpi_pm_init(&pm);
	assert_int_equal(acpi_pm_attach(&pm, &ports, &err), 0);
	assert_int_equal(bus_dispatch(&ports, &a, &err), BUS_OK);
	assert_int_equal(data[0], ACPI_PM1_SCI_EN);
	a.is_write = 1;
	data[0] = 1;
	data[1] = S5_EN >> 8;
	assert_int_equal(bus_dispatch(&ports, &a, &err), BUS_STOP);
	a.addr = ACPI_PM_BASE + ACPI_RESET_REG;
	a.len = 1;
	data[0] = ACPI_RESET_VALUE;
	assert_int_equal(bus_dispatch(&ports, &a, &err), BUS_RESET);
	data[0] = 0;
	assert_int_equal(bus_dispatch(&ports, &a, &err), BUS_OK);
	bus_free(&ports);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_power_on_state),
		cmocka_unit_test(test_s5_in_two_writes),
		cmocka_unit_test(test_s5_by_bytes_and_dwords),
		cmocka_unit_test(test_other_sleep_types),
		cmocka_unit_test(test_reset_register),
		cmocka_unit_test(test_on_the_port_bus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
