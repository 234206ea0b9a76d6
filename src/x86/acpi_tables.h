/* acpi_tables.h - the firmware tables of the Linux boot: RSDP, XSDT, FADT,
 * FACS, MADT and a DSDT in AML, built for a guest physical base address
 * (docs/linux.md says why each field has its value). */
#ifndef ACPI_TABLES_H
#define ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"
#include "guest_mem.h"

/*
 * Where the tables go: the start of the BIOS area, which the e820 map
 * already reserves (0x9f000-0xfffff), so Linux never takes it for RAM.
 * The RSDP is first, 16-byte aligned inside 0xe0000-0xfffff, where a
 * kernel that reads neither boot_params.acpi_rsdp_addr nor the PVH
 * start info's rsdp_paddr finds it by its legacy scan.
 */
#define ACPI_TABLES_ADDR 0xe0000ULL
#define ACPI_TABLES_SIZE 0x10000ULL /* 0xe0000-0xeffff */

/* Local APIC entries have 8-bit APIC IDs; 0xff is the broadcast ID. */
#define ACPI_MAX_CPUS 255

/* The interrupt controllers KVM_CREATE_IRQCHIP emulates, where the PC
 * has them. */
#define ACPI_LAPIC_ADDR	 0xfee00000u
#define ACPI_IOAPIC_ADDR 0xfec00000u
#define ACPI_IOAPIC_PINS 24 /* KVM's IOAPIC: GSIs 0-23 */

/*
 * The power-management registers the FADT declares, on I/O ports that
 * src/devices/acpi_pm.c serves: PM1a_EVT (status, then enable, 16 bits
 * each), PM1a_CNT (16 bits), and the reset register (8 bits).
 */
#define ACPI_PM_BASE	   0x600u
#define ACPI_PM_PORTS	   8u
#define ACPI_PM1_STS	   0u /* offsets from ACPI_PM_BASE */
#define ACPI_PM1_EN	   2u
#define ACPI_PM1_CNT	   4u
#define ACPI_RESET_REG	   6u
#define ACPI_PM1_EVT_LEN   4u
#define ACPI_PM1_CNT_LEN   2u
#define ACPI_RESET_VALUE   0x01 /* the FADT's RESET_VALUE: Linux writes it */
#define ACPI_SCI_IRQ	   9u	/* declared; nothing raises it */
#define ACPI_SLP_TYP_S5	   5u	/* \_S5's SLP_TYPa */
#define ACPI_PM1_SCI_EN	   0x0001u
#define ACPI_PM1_SLP_TYP   0x1c00u /* bits 10-12 */
#define ACPI_PM1_SLP_SHIFT 10
#define ACPI_PM1_SLP_EN	   0x2000u /* bit 13, write-only */

/* What the tables describe. */
struct acpi_config {
	unsigned ncpus; /* Local APICs with IDs 0..ncpus-1 (1..255) */
	int pci;	/* the PCI host bridge in the DSDT */
	/* the BAR window the bridge decodes (below 4 GiB); with pci */
	uint64_t pci_mmio_base, pci_mmio_size;
};

/* Where each table went (guest physical), and the bytes used. */
struct acpi_layout {
	uint64_t rsdp, xsdt, fadt, facs, madt, dsdt;
	size_t size; /* from the base */
};

/*
 * Builds every table for cfg into buf[0..cap) as they will lie from guest
 * physical base (below 4 GiB: the RSDP and FADT hold 32-bit addresses
 * too), with their checksums. Returns 0 with *out filled, or -EINVAL (a
 * CPU count of 0 or over ACPI_MAX_CPUS, a PCI window not below 4 GiB, a
 * base not below 4 GiB or not 64-byte aligned) or -ENOSPC (cap too
 * small), with one line in err.
 */
int acpi_build(const struct acpi_config *cfg, uint64_t base, uint8_t *buf,
	       size_t cap, struct acpi_layout *out, struct errbuf *err);

/*
 * Builds the tables into guest RAM at ACPI_TABLES_ADDR (through
 * gmem_ptr, the whole area checked). 0 with *out filled (out->rsdp is
 * what the boot passes Linux), or acpi_build's errors, or -ENOMEM when
 * RAM does not hold the area.
 */
int acpi_tables_write(const struct guest_mem *mem,
		      const struct acpi_config *cfg, struct acpi_layout *out,
		      struct errbuf *err);

/* The byte that makes the sum of len bytes at p zero. */
uint8_t acpi_checksum(const uint8_t *p, size_t len);

#endif
