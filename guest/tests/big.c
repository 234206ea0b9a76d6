/* big.c - a 28 KiB guest (24 KiB data, 4 KiB bss): proves the VMM's own
 * structures never overwrite an image. */
#include <stdint.h>

/* 6144 words of initialised data make the flat image 24 KiB long; the
 * answer sits in the last word, where a page table placed at 0x2000 (the
 * seed's layout) would have landed on top of it. */
static volatile uint32_t table[6144] = {[0] = 1, [6143] = 42};
/* and 4 KiB of bss, which an ELF loader must zero */
static volatile uint32_t zeros[1024];

uint32_t guest_main(void);

uint32_t guest_main(void)
{
	uint32_t answer = table[6143] * table[0] + zeros[0] + zeros[1023];

	*(volatile uint32_t *)0x400 = answer;
	return answer;
}
