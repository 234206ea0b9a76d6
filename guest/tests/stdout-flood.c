/* stdout-flood.c - a guest that prints a 4 KiB line with HC_printStr for ever:
 * stdout's reader, not the guest, decides how fast it runs. */
#include "hypercall.h"

#define LINE_BYTES 4096

static char line[LINE_BYTES + 1];

void guest_main(void);

void guest_main(void)
{
	for (int i = 0; i < LINE_BYTES - 1; i++)
		line[i] = 'x';
	line[LINE_BYTES - 1] = '\n';
	for (;;)
		HC_printStr(line);
}
