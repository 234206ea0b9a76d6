/* version.c - what --version prints. */
#include "version.h"

#include "hypercall_abi.h"

void version_print(FILE *out, const char *prog)
{
	fprintf(out, "%s %s (hypercall ABI %u)\n", prog, VMM_VERSION,
		HC_ABI_VERSION);
}
