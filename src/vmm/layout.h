/* layout.h - the guest physical memory map the VMM and its guests share. */
#ifndef LAYOUT_H
#define LAYOUT_H

#include "hypercall_abi.h"

/*
 * Guest RAM is one slot starting at guest physical address 0. Page tables
 * identity-map all of it, so in every mode a guest virtual address below
 * the RAM size equals the guest physical address.
 *
 *   0x00000 - 0x00fff  low page: free for the guest (real-mode IVT lives here)
 *   0x01000 - 0x0bfff  guest image, default load address (44 KiB)
 *   0x0c000 - 0x0c3ff  real mode only: the VMM's exception handlers
 *   0x0c000 - 0x0efff  stack, 12 KiB, growing down from 0xf000
 *   0x0f000 - 0x0ffff  hypercall area: results the VMM writes for the guest
 *                      (--kernel: reserved in the e820 map, see bzimage.c)
 *   0x10000 - top-64K  free for the guest (larger images may load here)
 *   top-64K - top      VMM area: GDT, TSS, IDT, exception handlers and
 *                      page tables
 *
 * The first 64 KiB is what a real-mode guest reaches with zero segment
 * bases, so everything a real-mode guest needs from the VMM lives there.
 * The VMM area sits at the end of RAM so that it grows with nothing and
 * never overlaps an image loaded low.
 */
#define LAYOUT_PAGE_SIZE 0x1000ULL

#define LAYOUT_IMAGE_BASE   0x1000ULL /* default load address of a guest */
#define LAYOUT_STACK_BOTTOM 0xc000ULL
#define LAYOUT_STACK_TOP    0xf000ULL /* top of the stack (cpu_mode_entry_sp) */
/* The hypercall area is part of the ABI: its address comes from there. */
#define LAYOUT_HC_AREA		((unsigned long long)HC_AREA_GPA)
#define LAYOUT_HC_AREA_SIZE	0x1000ULL
#define LAYOUT_LOW_RESERVED_END 0x10000ULL /* stack + hypercall area end */

#define LAYOUT_VMM_AREA_SIZE 0x10000ULL /* at the end of RAM */

/* Guest RAM size limits: room for the low 64 KiB and the VMM area, and
 * below 3 GiB so that 32-bit modes reach all of it and the TSS pages
 * KVM needs (see LAYOUT_KVM_TSS_ADDR) never collide with RAM. */
#define LAYOUT_RAM_MIN	   (LAYOUT_LOW_RESERVED_END + LAYOUT_VMM_AREA_SIZE)
#define LAYOUT_RAM_MAX	   0xc0000000ULL
#define LAYOUT_RAM_DEFAULT (16ULL << 20)

/* The PCI hole, where the VMM puts devices' BARs: from the top of the
 * largest RAM to below the IOAPIC (0xfec00000). The e820 map reserves it
 * for Linux, and the bare modes' page tables map it (cpu_mode.c). */
#define LAYOUT_PCI_HOLE_BASE LAYOUT_RAM_MAX
#define LAYOUT_PCI_HOLE_END  0xfec00000ULL
#define LAYOUT_PCI_HOLE_SIZE (LAYOUT_PCI_HOLE_END - LAYOUT_PCI_HOLE_BASE)

/* Three pages of guest physical space, outside RAM, that Intel VMX needs
 * for its real-mode emulation (KVM_SET_TSS_ADDR); the address QEMU uses. */
#define LAYOUT_KVM_TSS_ADDR 0xfffbd000ULL

/* Inside the VMM area: the GDT, the TSS, the IDT (32 gates of at most 16
 * bytes), the exception handlers (guest/vmm/faults.S), then page-table
 * pages. */
#define LAYOUT_VMM_GDT_OFFSET	      0x0ULL
#define LAYOUT_VMM_TSS_OFFSET	      0x80ULL
#define LAYOUT_VMM_IDT_OFFSET	      0x100ULL
#define LAYOUT_VMM_FAULT_STUBS_OFFSET 0x400ULL
#define LAYOUT_VMM_PT_OFFSET	      0x1000ULL

/* Real mode reaches nothing at the end of RAM, so its exception handlers
 * take the bottom 1 KiB of the stack area, which a stack growing down from
 * 0xf000 reaches only after 11 KiB. The IVT at 0 points there. */
#define LAYOUT_RM_FAULT_STUBS	   0xc000ULL
#define LAYOUT_RM_FAULT_STUBS_SIZE 0x400ULL

/* Guest physical address of the VMM area for a RAM size. */
static inline unsigned long long layout_vmm_area(unsigned long long ram_size)
{
	return ram_size - LAYOUT_VMM_AREA_SIZE;
}

/* Where the test guests leave the answer that --expect checks. */
#define LAYOUT_ANSWER_ADDR 0x400ULL

#endif
