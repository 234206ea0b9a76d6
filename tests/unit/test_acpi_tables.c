/* test_acpi_tables.c - the ACPI tables and their AML: checksums, lengths,
 * pointers, the MADT for 1 and N CPUs, the DSDT byte for byte, and iasl's
 * and acpiexec's reading of them (Debian's acpica-tools, which make test
 * installs). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "acpi_tables.h"
#include "aml.h"

#define BASE	 0xe0000ULL
#define WIN_BASE 0xc0000000ULL
#define WIN_SIZE 0x3ec00000ULL

static uint8_t buf[ACPI_TABLES_SIZE];

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static const uint8_t *at(uint64_t gpa)
{
	return buf + (gpa - BASE);
}

/* The table at gpa has signature sig, sums to zero and lies inside size. */
static const uint8_t *table(const struct acpi_layout *l, uint64_t gpa,
			    const char *sig)
{
	const uint8_t *t = at(gpa);

	assert_memory_equal(t, sig, 4);
	assert_true(gpa - BASE + get32(t + 4) <= l->size);
	assert_int_equal(sum(t, get32(t + 4)), 0);
	return t;
}

static void build(unsigned ncpus, int pci, struct acpi_layout *l)
{
	struct acpi_config c = {ncpus, pci, WIN_BASE, WIN_SIZE};
	struct errbuf err;

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(acpi_build(&c, BASE, buf, sizeof(buf), l, &err), 0);
}

static void test_rsdp_xsdt_fadt(void **state)
{
	struct acpi_layout l;
	const uint8_t *r, *x, *f, *facs;

	(void)state;
	build(1, 1, &l);
	r = at(l.rsdp);
	assert_int_equal(l.rsdp, BASE);
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(sum(r, 20), 0); /* the ACPI 1.0 checksum */
	assert_int_equal(sum(r, 36), 0); /* the extended one */
	assert_int_equal(r[15], 2);
	assert_int_equal(get32(r + 20), 36);
	assert_int_equal(get64(r + 24), l.xsdt);
	x = table(&l, l.xsdt, "XSDT");
	assert_int_equal(get32(x + 4), 36 + 2 * 8);
	assert_int_equal(get64(x + 36), l.fadt);
	assert_int_equal(get64(x + 44), l.madt);
	f = table(&l, l.fadt, "FACP");
	assert_int_equal(get32(f + 4), 276);
	assert_int_equal(f[8], 6);
	assert_int_equal(get32(f + 36), 0);	  /* FIRMWARE_CTRL: X_ only */
	assert_int_equal(get64(f + 132), l.facs); /* X_FIRMWARE_CTRL */
	assert_int_equal(get32(f + 40), l.dsdt);
	assert_int_equal(get64(f + 140), l.dsdt);
	assert_int_equal(f[46], ACPI_SCI_IRQ);
	assert_int_equal(get32(f + 56), ACPI_PM_BASE + ACPI_PM1_STS);
	assert_int_equal(get32(f + 64), ACPI_PM_BASE + ACPI_PM1_CNT);
	assert_int_equal(f[88], 4);
	assert_int_equal(f[89], 2);
	assert_int_equal(get32(f + 112) & (1u << 20), 0); /* not HW-reduced */
	assert_true(get32(f + 112) & (1u << 10));	  /* reset register */
	assert_int_equal(f[116], 1);			  /* in I/O space */
	assert_int_equal(get64(f + 120), ACPI_PM_BASE + ACPI_RESET_REG);
	assert_int_equal(f[128], ACPI_RESET_VALUE);
	assert_int_equal(get64(f + 148 + 4), ACPI_PM_BASE + ACPI_PM1_STS);
	assert_int_equal(f[148 + 1], 32); /* X_PM1a_EVT: 32 bits */
	assert_int_equal(get64(f + 172 + 4), ACPI_PM_BASE + ACPI_PM1_CNT);
	assert_int_equal(f[172 + 1], 16);
	facs = at(l.facs);
	assert_memory_equal(facs, "FACS", 4);
	assert_int_equal(get32(facs + 4), 64);
	assert_int_equal(l.facs % 64, 0);
	table(&l, l.dsdt, "DSDT");
	assert_true(l.size <= ACPI_TABLES_SIZE);
}

/* The MADT's entries, walked: n Local APICs with IDs 0..n-1, the IOAPIC,
 * the SCI's override (and none for IRQ 0), LINT1 as NMI. */
static void check_madt(unsigned n)
{
	struct acpi_layout l;
	const uint8_t *m, *e, *end;
	unsigned lapics = 0, ioapics = 0, isos = 0, nmis = 0;

	build(n, 1, &l);
	m = table(&l, l.madt, "APIC");
	assert_int_equal(get32(m + 36), ACPI_LAPIC_ADDR);
	assert_int_equal(get32(m + 40), 1); /* PCAT_COMPAT */
	end = m + get32(m + 4);
	for (e = m + 44; e < end; e += e[1]) {
		assert_true(e[1] >= 2 && e + e[1] <= end);
		switch (e[0]) {
		case 0:
			assert_int_equal(e[1], 8);
			assert_int_equal(e[2], lapics); /* processor UID */
			assert_int_equal(e[3], lapics); /* APIC ID */
			assert_int_equal(get32(e + 4), 1);
			lapics++;
			break;
		case 1:
			assert_int_equal(e[1], 12);
			assert_int_equal(get32(e + 4), ACPI_IOAPIC_ADDR);
			assert_int_equal(get32(e + 8), 0);
			ioapics++;
			break;
		case 2:
			assert_int_equal(e[1], 10);
			assert_int_equal(e[3], 9);
			assert_int_equal(get32(e + 4), 9);
			assert_int_equal(e[8] | e[9] << 8, 0x000d);
			isos++;
			break;
		case 4:
			assert_int_equal(e[2], 0xff);
			assert_int_equal(e[5], 1);
			nmis++;
			break;
		default:
			fail_msg("MADT entry type %u", e[0]);
		}
	}
	assert_ptr_equal(e, end);
	assert_int_equal(lapics, n);
	assert_int_equal(ioapics, 1);
	assert_int_equal(isos, 1);
	assert_int_equal(nmis, 1);
	/* the DSDT follows, never over the MADT */
	assert_true(l.dsdt >= l.madt + get32(m + 4));
}

static void test_madt(void **state)
{
	(void)state;
	check_madt(1);
	check_madt(2);
	check_madt(16);
	check_madt(ACPI_MAX_CPUS);
}

/* The DSDT's AML, encoded by hand from ACPI 6.4 chapter 20 (and read
 * back by iasl below). */
static const uint8_t dsdt_pci[] = {
	0x10, 0x4c, 0x05, '\\', '_', 'S', 'B', '_', /* Scope (\_SB), 92 */
	0x5b, 0x82, 0x43, 0x05, 'P', 'C', 'I', '0', /* Device (PCI0), 83 */
	0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03, /* PNP0A03 */
	0x08, '_', 'U', 'I', 'D', 0x00,				/* Zero */
	0x08, '_', 'C', 'R', 'S', 0x11, 0x37, 0x0a, 0x34, /* Buffer (52) */
	/* WordBusNumber: producer, min/max fixed, bus 0, length 1 */
	0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00,
	/* IO (Decode16, 0xcf8, 0xcf8, 1, 8) */
	0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08,
	/* DWordMemory: 0xc0000000-0xfebfffff, read-write, non-cacheable */
	0x87, 0x17, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0xc0, 0xff, 0xff, 0xbf, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xc0, 0x3e, 0x79, 0x00, /* EndTag */
	/* Name (\_S5, Package (4) { 5, 5, Zero, Zero }) */
	0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a,
	0x05, 0x00, 0x00};

static void test_dsdt_aml(void **state)
{
	struct acpi_layout l;
	const uint8_t *d;

	(void)state;
	build(1, 1, &l);
	d = table(&l, l.dsdt, "DSDT");
	assert_int_equal(get32(d + 4), 36 + sizeof(dsdt_pci));
	assert_int_equal(d[8], 2); /* 64-bit integers */
	assert_memory_equal(d + 36, dsdt_pci, sizeof(dsdt_pci));
	/* no PCI: \_S5 alone */
	build(1, 0, &l);
	d = table(&l, l.dsdt, "DSDT");
	assert_int_equal(get32(d + 4), 36 + 15);
	assert_memory_equal(d + 36, dsdt_pci + sizeof(dsdt_pci) - 15, 15);
}

static void test_refusals(void **state)
{
	struct acpi_config c = {1, 1, WIN_BASE, WIN_SIZE};
	struct acpi_layout l;
	struct errbuf err;

	(void)state;
	c.ncpus = 0;
	assert_int_equal(acpi_build(&c, BASE, buf, sizeof(buf), &l, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "0 CPUs"));
	c.ncpus = ACPI_MAX_CPUS + 1;
	assert_int_equal(acpi_build(&c, BASE, buf, sizeof(buf), &l, &err),
			 -EINVAL);
	c.ncpus = 1;
	assert_int_equal(acpi_build(&c, BASE, buf, 400, &l, &err), -ENOSPC);
	assert_int_equal(acpi_build(&c, BASE + 8, buf, sizeof(buf), &l, &err),
			 -EINVAL);
	assert_int_equal(
		acpi_build(&c, 0x100000000ULL, buf, sizeof(buf), &l, &err),
		-EINVAL);
	c.pci_mmio_base = 0xfff00000;
	c.pci_mmio_size = 0x200000; /* past 4 GiB */
	assert_int_equal(acpi_build(&c, BASE, buf, sizeof(buf), &l, &err),
			 -EINVAL);
	c.pci = 0; /* then the window means nothing */
	assert_int_equal(acpi_build(&c, BASE, buf, sizeof(buf), &l, &err), 0);
}

static void test_write_to_guest(void **state)
{
	struct acpi_config c = {4, 1, WIN_BASE, WIN_SIZE};
	struct guest_mem mem = {calloc(1, 1 << 20), 1 << 20};
	struct acpi_layout l;
	struct errbuf err;

	(void)state;
	assert_non_null(mem.host);
	assert_int_equal(acpi_tables_write(&mem, &c, &l, &err), 0);
	assert_int_equal(l.rsdp, ACPI_TABLES_ADDR);
	assert_memory_equal(mem.host + ACPI_TABLES_ADDR, "RSD PTR ", 8);
	/* RAM that ends inside the area is refused, nothing written */
	mem.size = ACPI_TABLES_ADDR + 0x1000;
	memset(mem.host, 0, 1 << 20);
	assert_int_equal(acpi_tables_write(&mem, &c, &l, &err), -ENOMEM);
	assert_int_equal(mem.host[ACPI_TABLES_ADDR], 0);
	free(mem.host);
}

/* --- the AML encoder ---------------------------------------------------- */

static void test_aml_names_and_integers(void **state)
{
	uint8_t out[64];
	struct aml a;
	static const uint8_t want[] = {
		0x5c, '_',  'S',  'B',	'_', /* \_SB */
		0x5c, 0x2e, '_',  'S',	'B',  '_',  'P',
		'C',  'I',  '0', /* dual */
		0x2f, 3,    'A',  '_',	'_',  '_',  'B',
		'_',  '_',  '_',  'C',	'1',  '_',  '_', /* multi */
		0x00, 0x01, 0x0a, 0x02, 0x0b, 0x00, 0x01,
		0x0c, 0x00, 0x00, 0x01, 0x00, 0x0e, 0,
		0,    0,    0,	  1,	0,    0,    0};

	(void)state;
	aml_init(&a, out, sizeof(out));
	aml_name(&a, "\\_SB");
	aml_name(&a, "\\_SB.PCI0");
	aml_name(&a, "A.B.C1");
	aml_integer(&a, 0);
	aml_integer(&a, 1);
	aml_integer(&a, 2);
	aml_integer(&a, 0x100);
	aml_integer(&a, 0x10000);
	aml_integer(&a, 0x100000000ULL);
	assert_false(a.bad);
	assert_int_equal(a.len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	for (unsigned i = 0; i < 5; i++) {
		static const char *const bad[] = {"pci0", "ABCDE", "1ABC",
						  "A..B", "A."};

		aml_init(&a, out, sizeof(out));
		aml_name(&a, bad[i]);
		assert_true(a.bad);
	}
	assert_int_equal(aml_eisa_id("PNP0A03"), 0x030ad041);
	assert_int_equal(aml_eisa_id("PNP0501"), 0x0105d041);
	assert_int_equal(aml_eisa_id("pnp0A03"), 0);
	assert_int_equal(aml_eisa_id("PNP0A0"), 0);
	assert_int_equal(aml_eisa_id("PNP0G03"), 0);
}

/* PkgLength: one byte to 63, then the lead byte's nibble and more bytes. */
static void check_pkglen(size_t body, const uint8_t *enc, size_t n)
{
	static uint8_t out[1 << 13];
	static const uint8_t op[] = {0x12};
	struct aml a;
	size_t mark;

	aml_init(&a, out, sizeof(out));
	mark = aml_open(&a, op, 1);
	for (size_t i = 0; i < body; i++)
		aml_bytes(&a, "\x5a", 1);
	aml_close(&a, mark);
	assert_false(a.bad);
	assert_int_equal(a.len, 1 + n + body);
	assert_memory_equal(out + 1, enc, n);
	if (body) { /* the body moved behind it */
		assert_int_equal(out[1 + n], 0x5a);
		assert_int_equal(out[a.len - 1], 0x5a);
	}
}

static void test_aml_pkglength(void **state)
{
	(void)state;
	check_pkglen(0, (const uint8_t[]){0x01}, 1);
	check_pkglen(62, (const uint8_t[]){0x3f}, 1);
	check_pkglen(63, (const uint8_t[]){0x41, 0x04}, 2); /* 65 */
	check_pkglen(4093, (const uint8_t[]){0x4f, 0xff}, 2);
	check_pkglen(4094, (const uint8_t[]){0x81, 0x00, 0x01}, 3);
}

static void test_aml_overflow(void **state)
{
	uint8_t out[8];
	struct aml a;

	(void)state;
	aml_init(&a, out, sizeof(out));
	aml_bytes(&a, "12345678", 8);
	assert_false(a.bad);
	aml_integer(&a, 0);
	assert_true(a.bad);
	assert_int_equal(a.len, 8);
	/* a PkgLength that no longer fits */
	aml_init(&a, out, sizeof(out));
	aml_bytes(&a, "1234567", 7);
	aml_close(&a, 0); /* needs a byte: 8 bytes, fits */
	assert_false(a.bad);
	aml_close(&a, 0);
	assert_true(a.bad);
}

/* --- iasl and acpiexec --------------------------------------------------- */

static int have(const char *tool)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static void write_table(const char *dir, const char *name, const uint8_t *t,
			size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(t, 1, len, f), len);
	fclose(f);
}

/* Runs cmd in dir with its output in dir/out; returns its status. */
static int run_in(const char *dir, const char *cmd)
{
	char line[1024];

	snprintf(line, sizeof(line), "cd %s && %s >out 2>&1", dir, cmd);
	return system(line);
}

/* grep -c PATTERN FILE, fixed strings. */
static int count(const char *dir, const char *file, const char *text)
{
	char path[256], line[1024];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, text) != NULL;
	fclose(f);
	return n;
}

/*
 * iasl disassembles every table without a complaint (a damaged checksum,
 * tried first, is one), and acpiexec, ACPICA's interpreter as Linux runs
 * it, loads the DSDT and evaluates \_S5 and the bridge's _CRS.
 */
static void test_acpica_reads_the_tables(void **state)
{
	char dir[] = "/tmp/test_acpi_XXXXXX";
	struct acpi_layout l;
	uint8_t bad[512];
	char cmd[600];

	(void)state;
	if (!have("iasl") || !have("acpiexec"))
		skip(); /* make test installs acpica-tools */
	assert_non_null(mkdtemp(dir));
	build(4, 1, &l);
	/* the control: iasl sees a wrong checksum */
	memcpy(bad, at(l.madt), get32(at(l.madt) + 4));
	bad[9] ^= 1;
	write_table(dir, "bad.dat", bad, get32(bad + 4));
	assert_int_equal(run_in(dir, "iasl -d bad.dat"), 0);
	assert_int_equal(count(dir, "out", "Incorrect checksum"), 1);
	write_table(dir, "facp.dat", at(l.fadt), get32(at(l.fadt) + 4));
	write_table(dir, "apic.dat", at(l.madt), get32(at(l.madt) + 4));
	write_table(dir, "dsdt.dat", at(l.dsdt), get32(at(l.dsdt) + 4));
	write_table(dir, "xsdt.dat", at(l.xsdt), get32(at(l.xsdt) + 4));
	write_table(dir, "facs.dat", at(l.facs), 64);
	assert_int_equal(run_in(dir, "for t in facp apic dsdt xsdt facs; do "
				     "iasl -d $t.dat || exit 1; done"),
			 0);
	assert_int_equal(count(dir, "out", "Incorrect checksum"), 0);
	assert_int_equal(count(dir, "out", "rror"), 0);
	assert_int_equal(count(dir, "out", "arning"), 0);
	assert_int_equal(count(dir, "apic.dsl", "[Processor Local APIC]"), 4);
	assert_int_equal(count(dir, "apic.dsl", "Local Apic ID : 03"), 1);
	assert_int_equal(count(dir, "apic.dsl", "[Interrupt Source Override]"),
			 1);
	assert_int_equal(count(dir, "facp.dsl", "Hardware Reduced (V5) : 0"),
			 1);
	assert_int_equal(count(dir, "facp.dsl", "Address : 0000000000000604"),
			 1);
	assert_int_equal(count(dir, "dsdt.dsl", "EisaId (\"PNP0A03\")"), 1);
	assert_int_equal(count(dir, "dsdt.dsl", "0xFEBFFFFF,"), 1);
	assert_int_equal(count(dir, "dsdt.dsl", "Name (\\_S5, Package (0x04)"),
			 1);
	snprintf(cmd, sizeof(cmd),
		 "acpiexec -b 'evaluate \\_S5; evaluate \\_SB.PCI0._CRS' "
		 "dsdt.dat");
	assert_int_equal(run_in(dir, cmd), 0);
	assert_int_equal(count(dir, "out", "[Package] Contains 4 Elements"), 1);
	assert_int_equal(count(dir, "out", "[Integer] = 0000000000000005"), 2);
	assert_int_equal(count(dir, "out", "[Buffer] Length 34"), 1);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsdp_xsdt_fadt),
		cmocka_unit_test(test_madt),
		cmocka_unit_test(test_dsdt_aml),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_write_to_guest),
		cmocka_unit_test(test_aml_names_and_integers),
		cmocka_unit_test(test_aml_pkglength),
		cmocka_unit_test(test_aml_overflow),
		cmocka_unit_test(test_acpica_reads_the_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
