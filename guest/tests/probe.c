/* probe.c - prints what the host side can check: addresses, translations and
 * exit counts. */
#include <stdint.h>

#include "hypercall.h"

static char buffer[64] = "probe";

uint32_t guest_main(void);

/* Output, one number per line:
 *   1  the GVA of buffer (identity-mapped: also its GPA)
 *   2  HC_gvaToHva64(buffer)             (host RAM base + GPA)
 *   3  HC_gvaToHva(buffer)               (the same, low 32 bits)
 *   4  "Invalid GVA", then 0: HC_gvaToHva64 of 0xfffff000
 *   6  "Invalid GVA", then 0: HC_gvaToHva64 of 16 MiB, just past RAM
 *   8  "Invalid GVA", then 0: HC_gvaToHva64 of 4 GiB + 4 KiB, which
 *      32-bit modes must not wrap round to 0x1000, nor long mode map
 *  10  HC_numExits() (all exits so far, this one included)
 * then the HC_numExitsByType string, as the last I/O-in exit of the run,
 * printed by HC_printStr, and HLT. */
uint32_t guest_main(void)
{
	uint32_t gva = (uint32_t)(uintptr_t)buffer;

	HC_print32bit(gva);
	HC_print64bit(HC_gvaToHva64(gva));
	HC_print32bit(HC_gvaToHva(gva));
	HC_print64bit(HC_gvaToHva64(0xfffff000u));
	HC_print64bit(HC_gvaToHva64(0x01000000u));
	HC_print64bit(HC_gvaToHva64(0x100001000ull));
	HC_print32bit(HC_numExits());
	HC_printStr(HC_numExitsByType());
	return 0;
}
