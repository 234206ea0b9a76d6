/* mptable.h - the Intel MultiProcessor Specification 1.4 tables that tell a
 * kernel without ACPI where its CPUs and interrupt controllers are. */
#ifndef MPTABLE_H
#define MPTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"
#include "guest_mem.h"

/*
 * Where the tables go: the last KiB below 640 KiB, one of the three places
 * Linux's default_find_smp_config scans for the floating pointer, inside
 * the hole the e820 map reserves (bzimage.c: 0x9f000-0xfffff). The
 * configuration table follows the 16-byte floating pointer.
 */
#define MPTABLE_ADDR 0x9fc00ULL
#define MPTABLE_ROOM 0x400ULL

/* The most processors the tables describe here: 20 bytes each, with the
 * rest, in MPTABLE_ROOM. */
#define MPTABLE_MAX_CPUS 32

/* The PC's interrupt controllers, where KVM's in-kernel ones answer. */
#define MPTABLE_LAPIC_ADDR  0xfee00000u
#define MPTABLE_IOAPIC_ADDR 0xfec00000u
#define MPTABLE_LAPIC_VER   0x14 /* KVM's LAPIC version register */
#define MPTABLE_IOAPIC_VER  0x11 /* KVM's IOAPIC (24 pins) */

/* The buses, by ID: PCI bus 0 must have ID 0 (its number), ISA next. */
#define MPTABLE_BUS_PCI 0
#define MPTABLE_BUS_ISA 1

/* Entry types and sizes (MP spec 1.4, 4.3). */
enum mptable_entry {
	MPT_PROCESSOR = 0, /* 20 bytes */
	MPT_BUS = 1,	   /* 8 bytes, as the others */
	MPT_IOAPIC = 2,
	MPT_IOINTR = 3,
	MPT_LINTR = 4,
};

/* Interrupt types of I/O and local interrupt entries. */
enum mptable_irq_type {
	MPT_INT = 0,
	MPT_NMI = 1,
	MPT_SMI = 2,
	MPT_EXTINT = 3,
};

struct mptable_config {
	unsigned ncpus;		/* 1..MPTABLE_MAX_CPUS: APIC IDs 0..ncpus-1 */
	uint32_t cpu_signature; /* CPUID leaf 1 EAX, for processor entries */
	uint32_t cpu_features;	/* CPUID leaf 1 EDX */
};

/* The IOAPIC's ID: the first one after the processors' APIC IDs. */
static inline unsigned mptable_ioapic_id(unsigned ncpus)
{
	return ncpus;
}

/* Bytes both tables take for ncpus processors: the floating pointer and
 * the configuration table after it. */
size_t mptable_size(unsigned ncpus);

/*
 * Builds the tables into buf as they would lie at guest physical base
 * (the floating pointer at base, pointing at base + 16): a processor
 * entry per APIC ID (0 the boot processor), bus PCI 0 and ISA 1, the
 * IOAPIC, an I/O interrupt entry for each ISA IRQ but the cascade (2),
 * IRQ n to IOAPIC pin n as KVM's routing has it (the PIT on GSI 0 is
 * pin 0, not QEMU's pin 2), LINT0 ExtINT and LINT1 NMI on every LAPIC;
 * both checksums. Returns the bytes written, or -EINVAL (ncpus out of
 * range) or -E2BIG (room too small) with one line in err.
 */
int mptable_build(const struct mptable_config *c, uint64_t base, uint8_t *buf,
		  size_t room, struct errbuf *err);

/* mptable_build at MPTABLE_ADDR in guest RAM, through gmem_write: 0, or
 * a negative errno with one line (RAM too small, bad count). */
int mptable_place(const struct guest_mem *mem, const struct mptable_config *c,
		  struct errbuf *err);

#endif
