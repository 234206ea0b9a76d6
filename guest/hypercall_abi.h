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
 * ignore. HC_gvaToHva is the exception the spec defines: an address with
 * no host address prints "Invalid GVA" and returns 0.
 */

#include <stdint.h>

#define HC_ABI_VERSION 1u

#define HC_PORT_PRINT8	      0x0e9u /* QEMU's and Bochs's debug console port */
#define HC_PORT_BASE	      0x500u
#define HC_PORT_PRINT32	      (HC_PORT_BASE + 0u)
#define HC_PORT_NUM_EXITS     (HC_PORT_BASE + 1u)
#define HC_PORT_PRINT_STR     (HC_PORT_BASE + 2u)
#define HC_PORT_EXITS_BY_TYPE (HC_PORT_BASE + 3u)
#define HC_PORT_GVA_TO_HVA    (HC_PORT_BASE + 4u)
#define HC_PORT_PRINT64	      (HC_PORT_BASE + 5u)
#define HC_PORT_EXIT	      (HC_PORT_BASE + 6u)
#define HC_PORT_ABI_VERSION   (HC_PORT_BASE + 7u)
#define HC_PORT_END	      (HC_PORT_BASE + 8u) /* first port past the ABI */

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
