/* loop.c - benchmark guests: one hypercall (or bare port I/O) in a loop,
 * forever (-DLOOP_<name>). */
#include <stdint.h>

#include "hypercall.h"

/* The bare exit: an out to a port the bench host does not even decode. */
#define BARE_PORT 0x80

static char text[4097];

uint32_t guest_main(void);

uint32_t guest_main(void)
{
	uint32_t len = 0;

#if defined(LOOP_print_str_1) || defined(LOOP_print8_str_1)
	len = 1;
#elif defined(LOOP_print_str_64) || defined(LOOP_print8_str_64)
	len = 64;
#elif defined(LOOP_print_str_4096) || defined(LOOP_print8_str_4096)
	len = 4096;
#endif
	for (uint32_t i = 0; i < len; i++)
		text[i] = 'a' + i % 26;
	text[len] = 0;
	(void)len;

	for (;;) {
#if defined(LOOP_bare)
		hc_outb(BARE_PORT, 0);
#elif defined(LOOP_bare_in)
		(void)hc_inl(BARE_PORT);
#elif defined(LOOP_print8)
		HC_print8bit('x');
#elif defined(LOOP_print32)
		HC_print32bit(1234567890);
#elif defined(LOOP_print64)
		HC_print64bit(12345678901234567890ull);
#elif defined(LOOP_num_exits)
		(void)HC_numExits();
#elif defined(LOOP_exits_by_type)
		(void)HC_numExitsByType();
#elif defined(LOOP_gva_to_hva)
		(void)HC_gvaToHva((uint32_t)(uintptr_t)text);
#elif defined(LOOP_print_str_1) || defined(LOOP_print_str_64) ||               \
	defined(LOOP_print_str_4096)
		HC_printStr(text);
#elif defined(LOOP_print8_str_1) || defined(LOOP_print8_str_64) ||             \
	defined(LOOP_print8_str_4096)
		for (const char *p = text; *p; p++)
			HC_print8bit((uint8_t)*p);
#else
#error "build with -DLOOP_<name>"
#endif
	}
	return 0;
}
