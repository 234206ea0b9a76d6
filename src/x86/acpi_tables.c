/* acpi_tables.c - RSDP, XSDT, FADT, FACS, MADT and DSDT as bytes (ACPI 6.4,
 * chapter 5), for Linux to find its CPUs, interrupt controllers, PCI host
 * bridge and the power-off register. */
#include "acpi_tables.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "aml.h"
#include "le_bytes.h"

#define HDR_SIZE     36 /* the common System Description Table header */
#define RSDP_SIZE    36
#define RSDP_V1_SIZE 20 /* what the first checksum covers */
#define FACS_SIZE    64
#define FADT_SIZE    276 /* revision 6: ACPI 6.0 and later */
#define FADT_REV     6
#define MADT_REV     5
#define XSDT_ENTRIES 2 /* FADT, MADT */
#define DSDT_MAX     1024
#define FOUR_GIB     (1ULL << 32)

/* OEM fields of every header. */
#define OEM_ID	     "SKVM  "
#define OEM_TABLE_ID "SKVMTBLS"
#define CREATOR_ID   "SKVM"

/* FADT fields (offsets in the table). */
#define FADT_DSDT	   40
#define FADT_SCI_INT	   46
#define FADT_PM1A_EVT	   56
#define FADT_PM1A_CNT	   64
#define FADT_PM1_EVT_LEN   88
#define FADT_PM1_CNT_LEN   89
#define FADT_P_LVL2_LAT	   96
#define FADT_P_LVL3_LAT	   98
#define FADT_CENTURY	   108
#define FADT_BOOT_ARCH	   109
#define FADT_FLAGS	   112
#define FADT_RESET_REG	   116
#define FADT_RESET_VALUE   128
#define FADT_X_FACS	   132
#define FADT_X_DSDT	   140
#define FADT_X_PM1A_EVT	   148
#define FADT_X_PM1A_CNT	   172
#define FADT_HYPERVISOR_ID 268

/* FADT flags (5.2.9, table 5.10) and IA-PC boot architecture flags. */
#define FADT_F_WBINVD	     (1u << 0)
#define FADT_F_PROC_C1	     (1u << 2)
#define FADT_F_PWR_BUTTON    (1u << 4) /* no fixed power button */
#define FADT_F_SLP_BUTTON    (1u << 5) /* no fixed sleep button */
#define FADT_F_FIX_RTC	     (1u << 6) /* no RTC wake status in PM1 */
#define FADT_F_RESET_REG_SUP (1u << 10)
#define FADT_F_HEADLESS	     (1u << 12)
#define BOOT_LEGACY_DEVICES  (1u << 0) /* COM1, CMOS: ISA, not in ACPI */
#define BOOT_NO_VGA	     (1u << 2)
#define RTC_CENTURY_INDEX    0x32 /* src/devices/cmos_rtc.c serves it */

/* Generic Address Structure: 12 bytes. */
#define GAS_SYSTEM_IO	1
#define GAS_ACCESS_BYTE 1

/* MADT entries (5.2.12). */
#define MADT_PCAT_COMPAT   1u /* the 8259s are there too */
#define MADT_LAPIC	   0
#define MADT_IOAPIC	   1
#define MADT_ISO	   2
#define MADT_LAPIC_NMI	   4
#define MADT_LAPIC_ENABLED 1u
#define MPS_HIGH_LEVEL	   0x000d /* polarity 01 high, trigger 11 level */

/* Resource descriptors (6.4) for the host bridge's _CRS. */
#define RES_IO_PORT	   0x47
#define RES_END_TAG	   0x79
#define RES_WORD_ADDR	   0x88
#define RES_DWORD_ADDR	   0x87
#define RES_TYPE_MEMORY	   0
#define RES_TYPE_BUS	   2
#define RES_PRODUCER_FIXED 0x0c /* producer, positive decode, min/max fixed */
#define RES_MEM_RW	   0x01 /* read-write, non-cacheable */

uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)(0x100 - sum);
}

/* The common header; the checksum is set once the body is written. */
static void header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	le_put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, OEM_ID, 6);
	memcpy(t + 16, OEM_TABLE_ID, 8);
	le_put32(t + 24, 1); /* OEM revision */
	memcpy(t + 28, CREATOR_ID, 4);
	le_put32(t + 32, 1); /* creator revision */
}

static void seal(uint8_t *t)
{
	uint32_t len = (uint32_t)t[4] | (uint32_t)t[5] << 8 |
		       (uint32_t)t[6] << 16 | (uint32_t)t[7] << 24;

	t[9] = 0;
	t[9] = acpi_checksum(t, len);
}

static void gas_io(uint8_t *g, uint8_t bits, uint16_t port)
{
	g[0] = GAS_SYSTEM_IO;
	g[1] = bits;
	g[2] = 0; /* bit offset */
	g[3] = bits == 8 ? GAS_ACCESS_BYTE : 0;
	le_put64(g + 4, port);
}

/*
 * Not hardware-reduced: the machine has the PC's 8259s and 8254 (KVM
 * emulates them), which Linux keeps using only when the FADT says so;
 * then it wants PM1a_EVT and PM1a_CNT, and a FACS. No SMI_CMD: the
 * machine is in ACPI mode from the start, so Linux never tries to switch.
 * No PM timer (kvm-clock is the clock), no GPE blocks, no C2/C3.
 */
static void fadt(uint8_t *t, uint64_t facs, uint64_t dsdt)
{
	header(t, "FACP", FADT_SIZE, FADT_REV);
	/* the FACS by its 64-bit field only: with both set, ACPICA installs
	 * it twice (and ACPI 6.4 wants FIRMWARE_CTRL 0 beside X_) */
	le_put32(t + FADT_DSDT, (uint32_t)dsdt);
	le_put16(t + FADT_SCI_INT, ACPI_SCI_IRQ);
	le_put32(t + FADT_PM1A_EVT, ACPI_PM_BASE + ACPI_PM1_STS);
	le_put32(t + FADT_PM1A_CNT, ACPI_PM_BASE + ACPI_PM1_CNT);
	t[FADT_PM1_EVT_LEN] = ACPI_PM1_EVT_LEN;
	t[FADT_PM1_CNT_LEN] = ACPI_PM1_CNT_LEN;
	le_put16(t + FADT_P_LVL2_LAT, 101);  /* over 100: no C2 */
	le_put16(t + FADT_P_LVL3_LAT, 1001); /* over 1000: no C3 */
	t[FADT_CENTURY] = RTC_CENTURY_INDEX;
	/* no 8042 bit: port 0x64 answers only as a reset line */
	le_put16(t + FADT_BOOT_ARCH, BOOT_LEGACY_DEVICES | BOOT_NO_VGA);
	le_put32(t + FADT_FLAGS, FADT_F_WBINVD | FADT_F_PROC_C1 |
					 FADT_F_PWR_BUTTON | FADT_F_SLP_BUTTON |
					 FADT_F_FIX_RTC | FADT_F_RESET_REG_SUP |
					 FADT_F_HEADLESS);
	gas_io(t + FADT_RESET_REG, 8, ACPI_PM_BASE + ACPI_RESET_REG);
	t[FADT_RESET_VALUE] = ACPI_RESET_VALUE;
	le_put64(t + FADT_X_FACS, facs);
	le_put64(t + FADT_X_DSDT, dsdt);
	gas_io(t + FADT_X_PM1A_EVT, 8 * ACPI_PM1_EVT_LEN,
	       ACPI_PM_BASE + ACPI_PM1_STS);
	gas_io(t + FADT_X_PM1A_CNT, 8 * ACPI_PM1_CNT_LEN,
	       ACPI_PM_BASE + ACPI_PM1_CNT);
	memcpy(t + FADT_HYPERVISOR_ID, "SKVM\0\0\0\0", 8);
	seal(t);
}

/* Version 2 (ACPI 4.0 and later); waking vectors 0: no S1-S4. */
static void facs(uint8_t *t)
{
	memcpy(t, "FACS", 4);
	le_put32(t + 4, FACS_SIZE);
	t[32] = 2; /* version */
}

static size_t madt_size(unsigned ncpus)
{
	return HDR_SIZE + 8 + 8 * (size_t)ncpus + 12 + 10 + 6;
}

/*
 * One Local APIC per vCPU (APIC ID = ACPI processor UID = its index, as
 * each vCPU's CPUID says), KVM's IOAPIC with GSIs 0-23, and one override:
 * the SCI, IRQ 9, level-triggered and active high. IRQ 0 has none: KVM's
 * routing (src/vmm/kvm_irq.c, as KVM's own default) takes GSI 0, the
 * PIT's, to IOAPIC pin 0, not to pin 2 as QEMU's routing does; an
 * override to GSI 2 would point Linux at a pin that never fires. LINT1
 * of every LAPIC is the NMI, as on a PC.
 */
static void madt(uint8_t *t, unsigned ncpus)
{
	size_t len = madt_size(ncpus);
	uint8_t *e = t + HDR_SIZE + 8;

	header(t, "APIC", (uint32_t)len, MADT_REV);
	le_put32(t + HDR_SIZE, ACPI_LAPIC_ADDR);
	le_put32(t + HDR_SIZE + 4, MADT_PCAT_COMPAT);
	for (unsigned i = 0; i < ncpus; i++, e += 8) {
		e[0] = MADT_LAPIC;
		e[1] = 8;
		e[2] = (uint8_t)i; /* ACPI processor UID */
		e[3] = (uint8_t)i; /* APIC ID */
		le_put32(e + 4, MADT_LAPIC_ENABLED);
	}
	e[0] = MADT_IOAPIC;
	e[1] = 12;
	e[2] = 0; /* IOAPIC ID: KVM's reads 0 */
	le_put32(e + 4, ACPI_IOAPIC_ADDR);
	le_put32(e + 8, 0); /* GSI base */
	e += 12;
	e[0] = MADT_ISO;
	e[1] = 10;
	e[2] = 0; /* ISA */
	e[3] = ACPI_SCI_IRQ;
	le_put32(e + 4, ACPI_SCI_IRQ);
	le_put16(e + 8, MPS_HIGH_LEVEL);
	e += 10;
	e[0] = MADT_LAPIC_NMI;
	e[1] = 6;
	e[2] = 0xff; /* every processor */
	le_put16(e + 3, 0);
	e[5] = 1; /* LINT1 */
	seal(t);
}

/*
 * The host bridge's resources: bus 0 only (pci.c answers no other), the
 * configuration ports 0xcf8-0xcff, and the BAR window. No I/O window: no
 * function has I/O BARs, and the ISA ports (COM1, CMOS, the PM block)
 * are the VMM's, not behind the bridge.
 */
static size_t host_bridge_crs(const struct acpi_config *cfg, uint8_t *r)
{
	uint32_t last = (uint32_t)(cfg->pci_mmio_base + cfg->pci_mmio_size - 1);
	uint8_t *p = r;

	p[0] = RES_WORD_ADDR;
	le_put16(p + 1, 13);
	p[3] = RES_TYPE_BUS;
	p[4] = RES_PRODUCER_FIXED;
	p[5] = 0;
	memset(p + 6, 0, 8); /* granularity, min 0, max 0, translation */
	le_put16(p + 14, 1); /* length: one bus */
	p += 16;
	p[0] = RES_IO_PORT;
	p[1] = 1; /* 16-bit decode */
	le_put16(p + 2, 0xcf8);
	le_put16(p + 4, 0xcf8);
	p[6] = 1; /* alignment */
	p[7] = 8; /* length */
	p += 8;
	p[0] = RES_DWORD_ADDR;
	le_put16(p + 1, 23);
	p[3] = RES_TYPE_MEMORY;
	p[4] = RES_PRODUCER_FIXED;
	p[5] = RES_MEM_RW;
	le_put32(p + 6, 0); /* granularity */
	le_put32(p + 10, (uint32_t)cfg->pci_mmio_base);
	le_put32(p + 14, last);
	le_put32(p + 18, 0); /* translation */
	le_put32(p + 22, (uint32_t)cfg->pci_mmio_size);
	p += 26;
	p[0] = RES_END_TAG;
	p[1] = 0; /* checksum 0: "the bytes sum to zero" not claimed */
	return (size_t)(p + 2 - r);
}

/*
 * The DSDT's AML:
 *   Scope (\_SB) { Device (PCI0) { Name (_HID, EisaId ("PNP0A03"))
 *     Name (_UID, Zero) Name (_CRS, ResourceTemplate () {...}) } }
 *   Name (_S5, Package (4) { 5, 5, Zero, Zero })
 * No _PRT: the machine's functions interrupt by MSI-X only (no INTx pin
 * is wired), so there is nothing to route.
 */
static size_t dsdt_aml(const struct acpi_config *cfg, uint8_t *buf, size_t cap)
{
	uint8_t crs[64];
	struct aml a;
	size_t sb, dev, pkg;

	aml_init(&a, buf, cap);
	if (cfg->pci) {
		sb = aml_scope(&a, "\\_SB");
		dev = aml_device(&a, "PCI0");
		aml_name_decl(&a, "_HID");
		aml_integer(&a, aml_eisa_id("PNP0A03"));
		aml_name_decl(&a, "_UID");
		aml_integer(&a, 0);
		aml_name_decl(&a, "_CRS");
		aml_buffer(&a, crs, host_bridge_crs(cfg, crs));
		aml_close(&a, dev);
		aml_close(&a, sb);
	}
	aml_name_decl(&a, "\\_S5");
	pkg = aml_package(&a, 4);
	aml_integer(&a, ACPI_SLP_TYP_S5); /* SLP_TYPa */
	aml_integer(&a, ACPI_SLP_TYP_S5); /* SLP_TYPb: there is no PM1b */
	aml_integer(&a, 0);
	aml_integer(&a, 0);
	aml_close(&a, pkg);
	return a.bad ? 0 : a.len;
}

static size_t align16(size_t v)
{
	return (v + 15) & ~(size_t)15;
}

static int check_config(const struct acpi_config *cfg, uint64_t base,
			struct errbuf *err)
{
	if (cfg->ncpus < 1 || cfg->ncpus > ACPI_MAX_CPUS)
		return err_fail(err, EINVAL,
				"ACPI: %u CPUs (the MADT takes 1 to %d)",
				cfg->ncpus, ACPI_MAX_CPUS);
	if (base >= FOUR_GIB - ACPI_TABLES_SIZE || base % 64)
		return err_fail(err, EINVAL,
				"ACPI: tables at 0x%" PRIx64
				" (below 4 GiB, 64-byte aligned)",
				base);
	if (cfg->pci &&
	    (!cfg->pci_mmio_size || cfg->pci_mmio_base >= FOUR_GIB ||
	     cfg->pci_mmio_size > FOUR_GIB - cfg->pci_mmio_base))
		return err_fail(err, EINVAL,
				"ACPI: the PCI window 0x%" PRIx64 "+0x%" PRIx64
				" is not below 4 GiB",
				cfg->pci_mmio_base, cfg->pci_mmio_size);
	return 0;
}

/* Offsets of each table from the base: RSDP, FACS (64-byte aligned),
 * XSDT, FADT, MADT, DSDT; *end is where the DSDT may end at most. */
static void place(const struct acpi_config *cfg, size_t off[6], size_t *end)
{
	off[0] = 0;
	off[1] = 64;
	off[2] = off[1] + FACS_SIZE;
	off[3] = align16(off[2] + HDR_SIZE + 8 * XSDT_ENTRIES);
	off[4] = align16(off[3] + FADT_SIZE);
	off[5] = align16(off[4] + madt_size(cfg->ncpus));
	*end = off[5] + HDR_SIZE + DSDT_MAX;
}

static void rsdp(uint8_t *t, uint64_t xsdt)
{
	memcpy(t, "RSD PTR ", 8);
	memcpy(t + 9, OEM_ID, 6);
	t[15] = 2;	     /* revision: ACPI 2.0 and later, with the XSDT */
	le_put32(t + 16, 0); /* no RSDT: Linux takes the XSDT */
	le_put32(t + 20, RSDP_SIZE);
	le_put64(t + 24, xsdt);
	t[8] = acpi_checksum(t, RSDP_V1_SIZE);
	t[32] = acpi_checksum(t, RSDP_SIZE);
}

int acpi_build(const struct acpi_config *cfg, uint64_t base, uint8_t *buf,
	       size_t cap, struct acpi_layout *out, struct errbuf *err)
{
	size_t off[6], end, aml_len;
	uint8_t *x;
	int ret = check_config(cfg, base, err);

	memset(out, 0, sizeof(*out));
	if (ret)
		return ret;
	place(cfg, off, &end);
	if (end > cap)
		return err_fail(err, ENOSPC,
				"ACPI: %zu bytes of tables, room for %zu", end,
				cap);
	memset(buf, 0, end);
	aml_len = dsdt_aml(cfg, buf + off[5] + HDR_SIZE, DSDT_MAX);
	if (!aml_len)
		return err_fail(err, ENOSPC,
				"ACPI: the DSDT's AML is too long");
	header(buf + off[5], "DSDT", (uint32_t)(HDR_SIZE + aml_len), 2);
	seal(buf + off[5]);
	madt(buf + off[4], cfg->ncpus);
	fadt(buf + off[3], base + off[1], base + off[5]);
	facs(buf + off[1]);
	x = buf + off[2];
	header(x, "XSDT", HDR_SIZE + 8 * XSDT_ENTRIES, 1);
	le_put64(x + HDR_SIZE, base + off[3]);
	le_put64(x + HDR_SIZE + 8, base + off[4]);
	seal(x);
	rsdp(buf, base + off[2]);
	*out = (struct acpi_layout){base,
				    base + off[2],
				    base + off[3],
				    base + off[1],
				    base + off[4],
				    base + off[5],
				    off[5] + HDR_SIZE + aml_len};
	return 0;
}

int acpi_tables_write(const struct guest_mem *mem,
		      const struct acpi_config *cfg, struct acpi_layout *out,
		      struct errbuf *err)
{
	uint8_t *area = gmem_ptr(mem, ACPI_TABLES_ADDR, ACPI_TABLES_SIZE);

	if (!area) {
		memset(out, 0, sizeof(*out));
		return err_fail(err, ENOMEM,
				"ACPI: RAM does not hold the tables at 0x%llx",
				ACPI_TABLES_ADDR);
	}
	return acpi_build(cfg, ACPI_TABLES_ADDR, area, ACPI_TABLES_SIZE, out,
			  err);
}
