/* double.c - a plain SDK guest with one double computation, which gcc -O2
 * compiles to SSE2 arithmetic (cvtsi2sd, mulsd, cvttsd2si). */
#include <stdint.h>

#include "hypercall.h"

static volatile int32_t input = 7; /* volatile: computed at run time */

uint32_t guest_main(void);

uint32_t guest_main(void)
{
	double x = input * 1.5;

	HC_print32bit((uint32_t)(int32_t)(x * 4)); /* 42 */
	HC_exit(0);
	return 0;
}
