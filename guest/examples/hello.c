/* hello.c - the smallest useful guest: copy it to start your own. */
#include "hypercall.h"

uint32_t guest_main(void);

/* guest/start.S calls guest_main with a stack set up; returning halts. */
uint32_t guest_main(void)
{
	HC_printStr("Hello from my guest!\n");
	HC_print32bit(HC_numExits()); /* 2: the string's exit and this one */
	HC_exit(0);
	return 0;
}
