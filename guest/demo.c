/* demo.c - the built-in guest of simple-kvm: every hypercall, used as the
 * spec's examples use them. */
#include <stdint.h>

#include "hypercall.h"

/* Beyond any guest RAM (at most 3 GiB) and unmapped in the paged modes,
 * so it has no host address in any mode. */
#define INVALID_GVA 0xfffff000u

static uint32_t failures;

/* The demo checks what it can check from inside; a failure is printed
 * and makes the exit status 1. */
static void check(int ok, char *what)
{
	if (ok)
		return;
	HC_printStr("check failed: ");
	HC_printStr(what);
	HC_printStr("\n");
	failures++;
}

uint32_t guest_main(void);

uint32_t guest_main(void)
{
	const char *greeting = "Hello, world!\n";
	char *msg = "Hello from Guest!\n";
	char *first, *second;
	uint32_t exits, before, after, hva;

	for (const char *p = greeting; *p; p++)
		HC_print8bit((uint8_t)*p);

	HC_print32bit(1234567890);

	exits = HC_numExits();
	HC_print32bit(exits);

	before = HC_numExits();
	HC_printStr(msg);
	after = HC_numExits();
	check(after - before == 2, "HC_printStr takes exactly one exit");

	/* Keep the first string, make more calls, then print both. */
	first = HC_numExitsByType();
	second = HC_numExitsByType();
	check(first != second, "two calls give two strings");
	HC_printStr(first);
	HC_printStr(second);

	hva = HC_gvaToHva((uint32_t)(uintptr_t)msg);
	HC_print32bit(hva);
	check(hva != 0, "a string of ours has a host address");
	hva = HC_gvaToHva(INVALID_GVA);
	HC_print32bit(hva);
	check(hva == 0, "an unmapped address has none");

	HC_print64bit(HC_gvaToHva64((uintptr_t)msg));
	check(HC_abiVersion() == HC_ABI_VERSION, "the VMM speaks our ABI");

	HC_exit(failures ? 1 : 0);
	return 0;
}
