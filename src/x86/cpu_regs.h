/* cpu_regs.h - the x86 facts the VMM's mode setup writes and the rest of
 * x86/ reads: the four modes, control register and EFER bits, page-table
 * entry bits, and the GDT's selectors and descriptor bytes. Constants only,
 * at the bottom of x86/, so that fault_setup, fpu, pagewalk and diag need
 * not include cpu_mode.h, whose code calls them. */
#ifndef CPU_REGS_H
#define CPU_REGS_H

enum cpu_mode {
	CPU_MODE_REAL,	    /* 16-bit real mode, segments based at 0 */
	CPU_MODE_PROTECTED, /* 32-bit protected mode, flat, no paging */
	CPU_MODE_PAGED32,   /* 32-bit protected mode with 2-level paging */
	CPU_MODE_LONG,	    /* 64-bit long mode, 4-level paging */
};

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

#endif
