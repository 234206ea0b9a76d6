/* big.c - a 24 KiB guest: proves the VMM's own structures never overwrite an
 * image. */
#include <stdint.h>

/* 6144 words of initialised data make the flat image 24 KiB long; the
 * answer sits in the last word, where a page table placed at 0x2000 (the
 * seed's layout) would have landed on top of it. */
static volatile uint32_t table[6144] = {[0] = 1, [6143] = 42};

uint32_t guest_main(void);

uint32_t guest_main(void)
{
	uint32_t answer = table[6143] * table[0];

	*(volatile uint32_t *)0x400 = answer;
	return answer;
}
