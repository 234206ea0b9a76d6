/* cpu_mode.h - putting a vCPU in real, protected, 32-bit paged or 64-bit long
 * mode. */
#ifndef CPU_MODE_H
#define CPU_MODE_H

#include <linux/kvm.h>
#include <stdint.h>

#include "cpu_regs.h"
#include "errbuf.h"
#include "guest_mem.h"

struct vcpu;

/* "real", "protected", "paged", "long". */
const char *cpu_mode_name(enum cpu_mode mode);

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
