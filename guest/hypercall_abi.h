/* hypercall_abi.h - the hypercall ABI: the one header the guest and the VMM
 * share. */
#ifndef HYPERCALL_ABI_H
#define HYPERCALL_ABI_H

/*
 * Self-contained on purpose (stdint.h only): it is compiled freestanding
 * for 16-, 32- and 64-bit guests and hosted for the VMM. Changing anything
 * here changes the ABI: bump HC_ABI_VERSION.
 *
 * Every hypercall is ONE port I/O instruction, hence exactly one VM exit:
 *
 *   port   instr  size  data (EAX)          hypercall
 *   0x0e9  out    1     IN  the byte         HC_print8bit
 *   0x500  out    4     IN  the value        HC_print32bit
 *   0x501  in     4     OUT exits so far     HC_numExits
 *   0x502  out    4     IN  string GVA       HC_printStr
 *   0x503  in     4     OUT string GVA       HC_numExitsByType
 *   0x504  out    4     IN  hc_gva_to_hva *  HC_gvaToHva, HC_gvaToHva64
 *   0x505  out    4     IN  hc_u64 *         HC_print64bit
 *   0x506  out    4     IN  exit code        HC_exit
 *   0x507  in     4     OUT HC_ABI_VERSION   HC_abiVersion
 *
 * Pointers (GVA) are guest virtual addresses, translated through the
 * guest's own page tables; they are 32 bits wide, so a 64-bit guest keeps
 * what it hands to the VMM below 4 GiB (all RAM the VMM maps is).
 * Arguments that do not fit in 32 bits travel in a small block in guest
 * memory whose address is the out data; the VMM reads the IN fields and
 * writes the OUT fields before the guest resumes.
 *
 * The VMM checks port, direction and size. A wrong one, a string I/O
 * instruction (rep outsb), a pointer outside guest RAM or an unterminated
 * string stops the guest with a diagnostic: there is no error return to
 * ignore. HC_gvaToHva is the one documented exception: an address with
 * no host address prints "Invalid GVA" and returns 0.
 */

#include <stdint.h>

#define HC_ABI_VERSION 1u

/*
 * Call numbers. Call nr is served at port HC_PORT_BASE + nr, except
 * HC_print8bit, which keeps QEMU's and Bochs's debug console port 0xe9 so
 * that the same guest prints under those emulators too.
 */
#define HC_NR_PRINT32	    0u
#define HC_NR_NUM_EXITS	    1u
#define HC_NR_PRINT_STR	    2u
#define HC_NR_EXITS_BY_TYPE 3u
#define HC_NR_GVA_TO_HVA    4u
#define HC_NR_PRINT64	    5u
#define HC_NR_EXIT	    6u
#define HC_NR_ABI_VERSION   7u
#define HC_NR_PRINT8	    8u /* the one call outside the port range */
#define HC_NR_COUNT	    9u

#define HC_PORT_BASE	 0x500u
#define HC_PORT_DEBUGCON 0x0e9u
#define HC_PORT_END	 (HC_PORT_BASE + HC_NR_PRINT8) /* first port past */
#define HC_PORT(nr)                                                            \
	((nr) == HC_NR_PRINT8 ? HC_PORT_DEBUGCON : HC_PORT_BASE + (nr))

#define HC_PORT_PRINT8	      HC_PORT(HC_NR_PRINT8)
#define HC_PORT_PRINT32	      HC_PORT(HC_NR_PRINT32)
#define HC_PORT_NUM_EXITS     HC_PORT(HC_NR_NUM_EXITS)
#define HC_PORT_PRINT_STR     HC_PORT(HC_NR_PRINT_STR)
#define HC_PORT_EXITS_BY_TYPE HC_PORT(HC_NR_EXITS_BY_TYPE)
#define HC_PORT_GVA_TO_HVA    HC_PORT(HC_NR_GVA_TO_HVA)
#define HC_PORT_PRINT64	      HC_PORT(HC_NR_PRINT64)
#define HC_PORT_EXIT	      HC_PORT(HC_NR_EXIT)
#define HC_PORT_ABI_VERSION   HC_PORT(HC_NR_ABI_VERSION)

/*
 * Reserved by the VMM, not a hypercall: the exception handlers the VMM
 * installs (guest/vmm/faults.S) report a fault with one out to this port,
 * the frame on the stack. A guest that writes it itself only gets itself
 * reported as faulting and stopped.
 */
#define HC_PORT_FAULT_REPORT 0x5f0u

/* HC_exit's codes: larger ones are the VMM's own exit statuses. */
#define HC_EXIT_CODE_MAX 63u

/* What hc_ptr passes for a pointer at or above 4 GiB, which 32 bits cannot
 * hold. The VMM refuses it as an argument, even where the guest maps it. */
#define HC_PTR_ABOVE_4G 0xffffffffu

/* HC_printStr reads at most this many bytes, the NUL included. */
#define HC_STR_MAX 65536u

/* HC_numExitsByType's strings: a ring of slots in the hypercall area (at
 * guest address 0xf000, identity-mapped, below 64 KiB for real mode). The
 * last HC_BYTYPE_SLOTS strings stay valid; the next call reuses the oldest. */
#define HC_AREA_GPA	    0xf000u
#define HC_BYTYPE_SLOT_SIZE 64u
#define HC_BYTYPE_SLOTS	    64u

/* Block for HC_PORT_GVA_TO_HVA. */
struct hc_gva_to_hva {
	uint64_t gva; /* IN: the guest virtual address */
	uint64_t hva; /* OUT: its host virtual address, 0 when it has none */
};

/* Block for HC_PORT_PRINT64. */
struct hc_u64 {
	uint64_t value; /* IN */
};

#endif
