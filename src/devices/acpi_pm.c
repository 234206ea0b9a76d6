/* acpi_pm.c - PM1a_EVT, PM1a_CNT and the reset register: S5 and reset. */
#include "acpi_pm.h"

#include <string.h>

#include "le_bytes.h"

void acpi_pm_init(struct acpi_pm *pm)
{
	memset(pm, 0, sizeof(*pm));
	pm->cnt[0] = ACPI_PM1_SCI_EN;
}

static uint8_t read_byte(const struct acpi_pm *pm, unsigned off)
{
	switch (off) {
	case ACPI_PM1_STS:
	case ACPI_PM1_STS + 1:
		return pm->sts[off - ACPI_PM1_STS];
	case ACPI_PM1_EN:
	case ACPI_PM1_EN + 1:
		return pm->en[off - ACPI_PM1_EN];
	case ACPI_PM1_CNT:
	case ACPI_PM1_CNT + 1:
		return pm->cnt[off - ACPI_PM1_CNT];
	case ACPI_RESET_REG:
		return 0; /* write-only */
	}
	return off < ACPI_PM_PORTS ? 0 : 0xff;
}

uint32_t acpi_pm_read(const struct acpi_pm *pm, unsigned off, unsigned len)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < len && i < 4; i++)
		v |= (uint32_t)read_byte(pm, off + i) << (8 * i);
	return v;
}

/* PM1_CNT's high byte: SLP_TYP (bits 10-12) and SLP_EN (bit 13). */
static enum acpi_pm_event write_cnt_high(struct acpi_pm *pm, uint8_t b)
{
	const uint8_t en = ACPI_PM1_SLP_EN >> 8;
	unsigned typ = (b << 8 & ACPI_PM1_SLP_TYP) >> ACPI_PM1_SLP_SHIFT;

	pm->cnt[1] = (uint8_t)(b & ~en);
	if (!(b & en) || typ != ACPI_SLP_TYP_S5)
		return ACPI_PM_NONE;
	pm->slp_cnt = (uint16_t)(pm->cnt[0] | b << 8);
	return ACPI_PM_POWEROFF;
}

static enum acpi_pm_event write_byte(struct acpi_pm *pm, unsigned off,
				     uint8_t b)
{
	switch (off) {
	case ACPI_PM1_STS:
	case ACPI_PM1_STS + 1:
		pm->sts[off - ACPI_PM1_STS] &= (uint8_t)~b;
		break;
	case ACPI_PM1_EN:
	case ACPI_PM1_EN + 1:
		pm->en[off - ACPI_PM1_EN] = b;
		break;
	case ACPI_PM1_CNT:
		pm->cnt[0] = (uint8_t)(b | ACPI_PM1_SCI_EN);
		break;
	case ACPI_PM1_CNT + 1:
		return write_cnt_high(pm, b);
	case ACPI_RESET_REG:
		return b == ACPI_RESET_VALUE ? ACPI_PM_RESET : ACPI_PM_NONE;
	}
	return ACPI_PM_NONE;
}

enum acpi_pm_event acpi_pm_write(struct acpi_pm *pm, unsigned off, uint32_t val,
				 unsigned len)
{
	enum acpi_pm_event ev = ACPI_PM_NONE, e;

	/* low byte first, as a wide OUT reaches the ports */
	for (unsigned i = 0; i < len && i < 4; i++) {
		e = write_byte(pm, off + i, (uint8_t)(val >> (8 * i)));
		if (e != ACPI_PM_NONE)
			ev = e;
	}
	if (ev != ACPI_PM_NONE)
		pm->event = ev;
	return ev;
}

static int pm_bus_read(void *opaque, uint64_t off, void *data, uint32_t len,
		       struct errbuf *err)
{
	(void)err;
	le_put(data, acpi_pm_read(opaque, (unsigned)off, len), len);
	return BUS_OK;
}

static int pm_bus_write(void *opaque, uint64_t off, const void *data,
			uint32_t len, struct errbuf *err)
{
	(void)err;
	switch (acpi_pm_write(opaque, (unsigned)off,
			      (uint32_t)le_get(data, len), len)) {
	case ACPI_PM_POWEROFF:
		return BUS_STOP;
	case ACPI_PM_RESET:
		return BUS_RESET;
	case ACPI_PM_NONE:
		break;
	}
	return BUS_OK;
}

int acpi_pm_attach(struct acpi_pm *pm, struct bus *ports, struct errbuf *err)
{
	return bus_register(ports, ACPI_PM_BASE, ACPI_PM_PORTS, "ACPI PM",
			    pm_bus_read, pm_bus_write, pm, err);
}
