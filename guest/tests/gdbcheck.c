/* gdbcheck.c - a long-mode guest for the gdb stub's MXCSR and alias
 * checks: it loads MXCSR for gdb to read and prints what gdb made of it,
 * then maps its code a second time (PML4[1] = PML4[0]) and calls one
 * function through both addresses. Built with -g, for long mode only. */
#include <stdint.h>

#include "hypercall.h"

/* PML4 entry 1 maps 512 GiB up: the same pages as entry 0, above it. */
#define ALIAS_OFFSET 0x8000000000ull

/* The value the guest loads; gdb's p38 must show it. */
#define MXCSR_LOADED 0x1fa0u /* all masked, plus the precision flag */

/* Zero: skip the MXCSR part (a KVM that cannot emulate ldmxcsr). */
volatile uint32_t check_mxcsr = 1;

uint32_t guest_main(void);
uint32_t alias_target(uint32_t x);
void alias_ready(void);
void alias_between(void);

/* Called through both of its addresses; gdb breaks on either or both. */
__attribute__((noinline)) uint32_t alias_target(uint32_t x)
{
	return 3 * x + 1;
}

/* Where gdb stops once the alias is mapped, and between the two calls. */
__attribute__((noinline)) void alias_ready(void)
{
	__asm__ volatile("");
}

__attribute__((noinline)) void alias_between(void)
{
	__asm__ volatile("");
}

/*
 * Loads MXCSR_LOADED, stops at the global label mxcsr_loaded (gdb reads
 * and may write MXCSR there), then stores MXCSR and returns what it holds.
 */
static uint32_t mxcsr_round_trip(void)
{
	uint32_t in = MXCSR_LOADED, out;

	__asm__ volatile("ldmxcsr %1\n\t"
			 ".global mxcsr_loaded\n"
			 "mxcsr_loaded:\n\t"
			 "stmxcsr %0"
			 : "=m"(out)
			 : "m"(in));
	return out;
}

/* PML4[1] = PML4[0] in the tables the VMM built (the guest's own RAM,
 * identity-mapped), then a CR3 reload to drop cached translations. */
static void map_alias(void)
{
	uintptr_t cr3;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	((volatile uint64_t *)cr3)[1] = ((volatile uint64_t *)cr3)[0];
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
}

uint32_t guest_main(void)
{
	uint32_t (*via_alias)(uint32_t) =
		(uint32_t(*)(uint32_t))((uintptr_t)alias_target + ALIAS_OFFSET);
	uint32_t a, b, c;

	if (check_mxcsr)
		HC_print32bit(mxcsr_round_trip());
	map_alias();
	alias_ready();
	a = via_alias(5);
	alias_between();
	b = alias_target(7);
	/* a 0xcc left behind by the breakpoints would end the guest here */
	c = alias_target(11);
	HC_print32bit(a); /* 16 */
	HC_print32bit(b); /* 22 */
	HC_print32bit(c); /* 34 */
	HC_exit(0);
	return 0;
}
