/* high-mem.c - writes and reads back the last free word below the VMM area of 3
 * GiB RAM. */
#include <stdint.h>

/* With --mem 3G the VMM area starts at 0xbfff0000 (layout.h), so this is
 * the highest word a guest owns: the identity map must reach it. */
#define HIGH_WORD 0xbffefffcu

uint32_t guest_main(void);

uint32_t guest_main(void)
{
	volatile uint32_t *high = (volatile uint32_t *)(uintptr_t)HIGH_WORD;
	uint32_t answer;

	*high = 42;
	answer = *high;
	*(volatile uint32_t *)0x400 = answer;
	return answer;
}
