/* cstart.c - a guest with its own C _start and no start.S, built by plain gcc
 * -O2 with SSE allowed: the VMM must enter it as if _start had been called. */
#include <stdint.h>

#include "hypercall.h"

struct pair {
	uint64_t a, b;
};

/* Out of line, so that the array lives on _start's stack. */
__attribute__((noinline)) static uint32_t sum(const struct pair *p, int n)
{
	uint32_t s = 0;

	for (int i = 0; i < n; i++)
		s += (uint32_t)(p[i].a + p[i].b);
	return s;
}

void _start(void);

/*
 * gcc zeroes the 16-byte-aligned array with movaps stores to the stack,
 * trusting the ABI: RSP+8 is 16-byte aligned at a function's first
 * instruction. Entered with RSP itself aligned, the store faults (#GP).
 */
void _start(void)
{
	struct pair p[2] = {{0, 0}, {0, 0}};

	__asm__ volatile("" : : "r"(p) : "memory");
	p[1].a = 41;
	p[0].b = 1;
	HC_print32bit(sum(p, 2)); /* 42 */
	HC_exit(0);
}
