/* mptable.c - the MP floating pointer and configuration table, built in a
 * host buffer and copied into guest RAM. */
#include "mptable.h"
#include "le_bytes.h"

#include <errno.h>
#include <string.h>

#define FLOATING_SIZE 16u
#define HEADER_SIZE   44u
#define CPU_ENTRY     20u
#define SMALL_ENTRY   8u
#define NBUSES	      2u
#define NIOAPICS      1u
#define NLINTS	      2u
#define ISA_IRQS      16u
#define ISA_CASCADE   2u /* the slave 8259's input: never a device's */
#define NIOINTS	      (ISA_IRQS - 1u)

#define CPU_ENABLED    0x01
#define CPU_BOOT       0x02
#define IOAPIC_ENABLED 0x01
#define ALL_LAPICS     0xff
#define SPEC_REV       4 /* version 1.4 */

/* The byte that makes the sum of all n bytes zero, as both tables want. */
static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)-sum;
}

static size_t entries_size(unsigned ncpus)
{
	return ncpus * CPU_ENTRY +
	       (NBUSES + NIOAPICS + NIOINTS + NLINTS) * SMALL_ENTRY;
}

size_t mptable_size(unsigned ncpus)
{
	return FLOATING_SIZE + HEADER_SIZE + entries_size(ncpus);
}

static uint8_t *put_cpu(uint8_t *p, const struct mptable_config *c, unsigned id)
{
	p[0] = MPT_PROCESSOR;
	p[1] = (uint8_t)id;
	p[2] = MPTABLE_LAPIC_VER;
	p[3] = CPU_ENABLED | (id == 0 ? CPU_BOOT : 0);
	le_put32(p + 4, c->cpu_signature);
	le_put32(p + 8, c->cpu_features);
	return p + CPU_ENTRY; /* 8 reserved bytes, zero */
}

static uint8_t *put_bus(uint8_t *p, uint8_t id, const char type[6])
{
	p[0] = MPT_BUS;
	p[1] = id;
	memcpy(p + 2, type, 6);
	return p + SMALL_ENTRY;
}

/* An interrupt entry: flags 0 say "conforms to the bus" (ISA: edge,
 * active high), which is what KVM's IOAPIC pins get from an irqfd. */
static uint8_t *put_intr(uint8_t *p, enum mptable_entry type,
			 enum mptable_irq_type irq_type, uint8_t src_irq,
			 uint8_t dst, uint8_t dst_pin)
{
	p[0] = (uint8_t)type;
	p[1] = (uint8_t)irq_type;
	le_put16(p + 2, 0);
	p[4] = MPTABLE_BUS_ISA;
	p[5] = src_irq;
	p[6] = dst;
	p[7] = dst_pin;
	return p + SMALL_ENTRY;
}

static uint8_t *put_entries(uint8_t *p, const struct mptable_config *c)
{
	const uint8_t ioapic = (uint8_t)mptable_ioapic_id(c->ncpus);

	for (unsigned id = 0; id < c->ncpus; id++)
		p = put_cpu(p, c, id);
	p = put_bus(p, MPTABLE_BUS_PCI, "PCI   ");
	p = put_bus(p, MPTABLE_BUS_ISA, "ISA   ");
	p[0] = MPT_IOAPIC;
	p[1] = ioapic;
	p[2] = MPTABLE_IOAPIC_VER;
	p[3] = IOAPIC_ENABLED;
	le_put32(p + 4, MPTABLE_IOAPIC_ADDR);
	p += SMALL_ENTRY;
	for (uint8_t irq = 0; irq < ISA_IRQS; irq++)
		if (irq != ISA_CASCADE)
			p = put_intr(p, MPT_IOINTR, MPT_INT, irq, ioapic, irq);
	/* the 8259's output on LINT0, NMI on LINT1: a PC's virtual wire */
	p = put_intr(p, MPT_LINTR, MPT_EXTINT, 0, ALL_LAPICS, 0);
	return put_intr(p, MPT_LINTR, MPT_NMI, 0, ALL_LAPICS, 1);
}

static void put_header(uint8_t *h, const struct mptable_config *c)
{
	const unsigned count = c->ncpus + NBUSES + NIOAPICS + NIOINTS + NLINTS;
	const uint16_t len = (uint16_t)(HEADER_SIZE + entries_size(c->ncpus));

	memcpy(h, "PCMP", 4);
	le_put16(h + 4, len);
	h[6] = SPEC_REV;
	memcpy(h + 8, "SIMPLKVM", 8);
	memcpy(h + 16, "SIMPLE-KVM  ", 12);
	le_put16(h + 34, (uint16_t)count);
	le_put32(h + 36, MPTABLE_LAPIC_ADDR);
	h[7] = checksum(h, len); /* the entries are in place already */
}

/* feature byte 1 zero: a configuration table follows, no default
 * configuration; byte 2's IMCRP bit clear: virtual wire mode, no IMCR. */
static void put_floating(uint8_t *f, uint64_t table)
{
	memcpy(f, "_MP_", 4);
	le_put32(f + 4, (uint32_t)table);
	f[8] = 1; /* length in 16-byte units */
	f[9] = SPEC_REV;
	f[10] = checksum(f, FLOATING_SIZE);
}

int mptable_build(const struct mptable_config *c, uint64_t base, uint8_t *buf,
		  size_t room, struct errbuf *err)
{
	size_t size;

	if (c->ncpus < 1 || c->ncpus > MPTABLE_MAX_CPUS)
		return err_fail(err, EINVAL,
				"MP table: %u processors (1 to %d)", c->ncpus,
				MPTABLE_MAX_CPUS);
	size = mptable_size(c->ncpus);
	if (size > room || base + FLOATING_SIZE > UINT32_MAX)
		return err_fail(err, E2BIG,
				"MP table: %zu bytes do not fit in %zu below "
				"4 GiB",
				size, room);
	memset(buf, 0, size);
	put_entries(buf + FLOATING_SIZE + HEADER_SIZE, c);
	put_header(buf + FLOATING_SIZE, c);
	put_floating(buf, base + FLOATING_SIZE);
	return (int)size;
}

int mptable_place(const struct guest_mem *mem, const struct mptable_config *c,
		  struct errbuf *err)
{
	uint8_t buf[MPTABLE_ROOM];
	int n = mptable_build(c, MPTABLE_ADDR, buf, sizeof(buf), err);

	if (n < 0)
		return n;
	if (gmem_write(mem, MPTABLE_ADDR, buf, (size_t)n))
		return err_fail(err, EFAULT, "MP table at 0x%llx: outside RAM",
				MPTABLE_ADDR);
	return 0;
}
