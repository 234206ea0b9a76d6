/* acpi_pm.h - the ACPI power-management registers the FADT declares
 * (acpi_tables.h): PM1a_EVT, PM1a_CNT and the reset register, on ports
 * ACPI_PM_BASE.. of the port bus. Power off and reset end the run. */
#ifndef ACPI_PM_H
#define ACPI_PM_H

#include <stdint.h>

#include "acpi_tables.h"
#include "bus.h"
#include "errbuf.h"

/* What the guest asked of the machine, last. */
enum acpi_pm_event {
	ACPI_PM_NONE = 0,
	ACPI_PM_POWEROFF, /* SLP_TYP = S5 with SLP_EN written to PM1a_CNT */
	ACPI_PM_RESET,	  /* ACPI_RESET_VALUE written to the reset register */
};

/*
 * The registers, byte by byte from ACPI_PM_BASE: PM1_STS (write 1 to
 * clear; no event ever sets a bit), PM1_EN (read-write, enables nothing:
 * no fixed event exists here), PM1_CNT (SCI_EN reads 1: the machine is
 * always in ACPI mode; SLP_EN is write-only), the reset register
 * (write-only), one spare byte. Not locked: one vCPU at a time, or the
 * caller's lock, as the bus.
 */
struct acpi_pm {
	uint8_t sts[2], en[2], cnt[2];
	enum acpi_pm_event event;
	uint16_t slp_cnt; /* the PM1_CNT value that powered off, for -v */
};

/* Registers as after power-on, no event. */
void acpi_pm_init(struct acpi_pm *pm);

/*
 * A guest access of len bytes (1, 2 or 4) at off from ACPI_PM_BASE, each
 * byte on its own register byte (bytes past the block read 0xff and are
 * dropped). A write returns the event it asked for, ACPI_PM_NONE for any
 * other: SLP_EN with another SLP_TYP (there is no S1-S4) and a reset
 * register write of another value change nothing.
 */
uint32_t acpi_pm_read(const struct acpi_pm *pm, unsigned off, unsigned len);
enum acpi_pm_event acpi_pm_write(struct acpi_pm *pm, unsigned off, uint32_t val,
				 unsigned len);

/*
 * Registers the block on ports (ACPI_PM_BASE, ACPI_PM_PORTS bytes): a
 * write that powers off returns BUS_STOP, one that resets BUS_RESET, so
 * the run loop ends the run and pm->event says why. 0, or bus_register's
 * error.
 */
int acpi_pm_attach(struct acpi_pm *pm, struct bus *ports, struct errbuf *err);

#endif
