/* fault_blobs.S - embeds the exception handlers built from guest/vmm/faults.S,
 * one flat blob per code size (found on the -I path). */
#include "incbin.h"

BLOB(fault_stubs_16, "vmm/faults-16.bin")
BLOB(fault_stubs_32, "vmm/faults-32.bin")
BLOB(fault_stubs_64, "vmm/faults-64.bin")

	.section .note.GNU-stack, "", @progbits
