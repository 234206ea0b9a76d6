/* cpu_mode.h - putting a vCPU in real, protected, 32-bit paged or 64-bit long
 * mode. */
#ifndef CPU_MODE_H
#define CPU_MODE_H

#include <linux/kvm.h>
#include <stdint.h>

#include "errbuf.h"
#include "guest_mem.h"

struct vcpu;

enum cpu_mode {
	CPU_MODE_REAL,	    /* 16-bit real mode, segments based at 0 */
	CPU_MODE_PROTECTED, /* 32-bit protected mode, flat, no paging */
	CPU_MODE_PAGED32,   /* 32-bit protected mode with 2-level paging */
	CPU_MODE_LONG,	    /* 64-bit long mode, 4-level paging */
};

/* "real", "protected", "paged", "long". */
const char *cpu_mode_name(enum cpu_mode mode);

/* GDT selectors the VMM sets up (the same GDT for every mode but real). */
#define GDT_SEL_CODE32 0x08
#define GDT_SEL_DATA   0x10
#define GDT_SEL_CODE64 0x18
/* 16 bytes: a 64-bit TSS descriptor takes two slots. */
#define GDT_SEL_TSS 0x20
#define GDT_ENTRIES 6
#define TSS_SIZE    104 /* a 32/64-bit TSS without an I/O bitmap */

/* Control register and EFER bits used by the mode setup. */
#define CR0_PE	 (1u << 0)
#define CR0_MP	 (1u << 1)
#define CR0_ET	 (1u << 4)
#define CR0_NE	 (1u << 5)
#define CR0_WP	 (1u << 16)
#define CR0_PG	 (1u << 31)
#define CR4_PSE	 (1u << 4)
#define CR4_PAE	 (1u << 5)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)

/* Page-table entry bits shared by 32-bit and 64-bit paging. */
#define PTE_P	(1ull << 0)
#define PTE_RW	(1ull << 1)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
/* A large page: 4 MiB (32-bit) or 2 MiB (64-bit). */
#define PTE_PS	      (1ull << 7)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

/* Access bytes: present, ring 0; code is execute/read, data read/write.
 * The accessed bit is preset because VM entry requires it on usable
 * segments, and so the CPU never needs to write the GDT. */
#define ACCESS_CODE 0x9b
#define ACCESS_DATA 0x93
/* Flags nibble: G (4 KiB granularity), D/B (32-bit), L (64-bit code). */
#define FLAGS_32 0xc
#define FLAGS_64 0xa

/*
 * A segment descriptor as the GDT holds it, from its base, its 20-bit
 * limit, the access byte (P, DPL, S, type) and the flags nibble (G, D/B, L).
 */
uint64_t gdt_descriptor(uint32_t base, uint32_t limit20, uint8_t access,
			uint8_t flags);

/* The KVM view of a GDT descriptor, so that the registers KVM loads and
 * the table the guest sees can never disagree. */
struct kvm_segment segment_from_descriptor(uint64_t desc, uint16_t selector);

/*
 * Identity-map guest RAM [0, mem->size) with page tables built in the pages
 * [table_base, table_end) of guest memory; large pages where they fit whole
 * inside RAM, 4 KiB pages for the tail, and the PCI hole
 * [LAYOUT_PCI_HOLE_BASE, LAYOUT_PCI_HOLE_END) with large uncached pages,
 * so that a bare guest reaches the BARs; nothing else beyond RAM. Returns
 * 0 and the CR3 value, or a negative errno when the tables do not fit.
 */
int paging_build_32(const struct guest_mem *mem, gpa_t table_base,
		    gpa_t table_end, uint64_t *cr3, struct errbuf *err);
int paging_build_64(const struct guest_mem *mem, gpa_t table_base,
		    gpa_t table_end, uint64_t *cr3, struct errbuf *err);

/*
 * The pure half of mode setup: writes the GDT, TSS and page tables the mode
 * needs into the VMM area at the end of guest RAM (see layout.h) and fills
 * in the segment, descriptor-table and control registers of sregs.
 * Fields of sregs that the mode does not define are left as they were
 * (pass the vCPU's current sregs).
 */
int cpu_mode_prepare(const struct guest_mem *mem, enum cpu_mode mode,
		     struct kvm_sregs *sregs, struct errbuf *err);

/*
 * The stack pointer a guest is entered with: LAYOUT_STACK_TOP less one
 * return address (8 bytes in long mode, 4 in the others, where gcc -m16
 * code calls with calll too), so that the entry point sees the stack a
 * call would have left it, SP + return address 16-byte aligned, as the
 * x86-64 and i386 System V ABIs want at a function's first instruction.
 */
uint64_t cpu_mode_entry_sp(enum cpu_mode mode);

/*
 * Puts the vCPU in mode, ready to run at entry with the stack pointer at
 * cpu_mode_entry_sp(mode) and interrupts off. A real-mode entry must be
 * below 64 KiB.
 */
int vcpu_enter_mode(struct vcpu *vcpu, enum cpu_mode mode, uint64_t entry,
		    struct errbuf *err);

#endif
