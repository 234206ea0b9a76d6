/* fpu.c - a guest compiled with the compiler's default instruction set
 * (x87, SSE), not -mgeneral-regs-only: floating-point results and struct
 * copies, printed for the host to check. */
#include <stdint.h>

#include "hypercall.h"

/* 32 bytes: gcc copies it with two 16-byte SSE moves (movups/movdqu). */
struct sample {
	double x, y;
	int32_t tag[4];
};

/* volatile, so that the compiler computes at run time, on the FPU */
static volatile double numerator = 22.0, denominator = 7.0;
static volatile int terms = 10;

struct sample source = {1.5, -2.25, {1, 2, 3, 4}};
struct sample copied;

/* Reached through volatile pointers, so the compiler cannot assume the
 * structs are aligned and copies with movups (or movdqu). */
static struct sample *volatile to = &copied;
static const struct sample *volatile from = &source;

uint32_t guest_main(void);

uint32_t guest_main(void)
{
	double ratio = numerator / denominator, harmonic = 0;
	float third = (float)numerator / 66.0f;

	for (int k = 1; k <= terms; k++)
		harmonic += 1.0 / k;
	HC_print32bit((uint32_t)(int32_t)(ratio * 1000));    /* 3142 */
	HC_print32bit((uint32_t)(int32_t)(harmonic * 1e6));  /* 2928968 */
	HC_print32bit((uint32_t)(int32_t)(third * 3000.0f)); /* 1000 */
	*to = *from;
	HC_print32bit(
		(uint32_t)(int32_t)((copied.x - copied.y) * 100));     /* 375 */
	HC_print32bit((uint32_t)(copied.tag[0] + 10 * copied.tag[3])); /* 41 */
	HC_exit(0);
	return 0;
}
