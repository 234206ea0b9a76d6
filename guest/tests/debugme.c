/* debugme.c - a guest for the gdb stub's tests: a named function, a string,
 * a global it writes and a register value it prints (built with -g). */
#include <stdint.h>

#include "hypercall.h"

/* x/s finds it in guest memory. */
const char debug_message[] = "Enter the VM, gdb";

/* A hardware watchpoint on it fires at the store in guest_main. */
volatile uint32_t debug_counter;

/* Nonzero: guest_main loops until gdb clears it (the Ctrl-C tests). */
volatile uint32_t debug_spin;

uint32_t debug_add(uint32_t a, uint32_t b);
uint32_t guest_main(void);

/* A function to break on by name; noinline keeps its address its own. */
__attribute__((noinline)) uint32_t debug_add(uint32_t a, uint32_t b)
{
	return a + b;
}

/*
 * Leaves value in EAX at the label debug_value_ready, where gdb stops and
 * may change the register before the guest prints it. The label is global
 * so that gdb can break on it by name.
 */
static inline uint32_t value_in_eax(uint32_t value)
{
	uint32_t out;

	__asm__ volatile("mov %1, %0\n\t"
			 ".global debug_value_ready\n"
			 "debug_value_ready:\n\t"
			 "nop"
			 : "=a"(out)
			 : "r"(value));
	return out;
}

uint32_t guest_main(void)
{
	uint32_t sum;

	HC_printStr((char *)debug_message);
	HC_print8bit('\n');
	sum = debug_add(40, 2);
	debug_counter = sum; /* the watched write */
	HC_print32bit(value_in_eax(sum));
	while (debug_spin)
		debug_counter++;
	HC_exit(3);
	return 0;
}
