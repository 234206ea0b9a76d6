/* hostile.c - guests that misbehave on purpose, one case per build
 * (-DCASE_<name>). */
#include <stdint.h>

#include "hypercall.h"

/* With the default 16 MiB of RAM: an address past RAM (unmapped in the
 * paged modes), and the last bytes of RAM (the VMM area's spare page). */
#define PAST_RAM 0x02000000u
#define RAM_END	 0x01000000u

uint32_t guest_main(void);

__attribute__((unused)) static void fill(volatile char *p, char c, unsigned n)
{
	while (n--)
		*p++ = c;
}

uint32_t guest_main(void)
{
#if defined(CASE_str_past_ram)
	HC_printStr((char *)(uintptr_t)PAST_RAM);
#elif defined(CASE_str_unterminated_at_ram_end)
	/* 16 bytes of 'A' up to the last byte of RAM, and no NUL */
	fill((volatile char *)(uintptr_t)(RAM_END - 16), 'A', 16);
	HC_printStr((char *)(uintptr_t)(RAM_END - 16));
#elif defined(CASE_str_ends_at_last_byte)
	/* the NUL is the very last byte of RAM: valid, prints "AAA" */
	fill((volatile char *)(uintptr_t)(RAM_END - 4), 'A', 3);
	*(volatile char *)(uintptr_t)(RAM_END - 1) = 0;
	HC_printStr((char *)(uintptr_t)(RAM_END - 4));
	HC_exit(3);
#elif defined(CASE_str_too_long)
	/* 64 KiB of 'B' with no NUL inside the limit (RAM is zero beyond) */
	fill((volatile char *)(uintptr_t)0x100000u, 'B', HC_STR_MAX);
	HC_printStr((char *)(uintptr_t)0x100000u);
#elif defined(CASE_block_wraps_4g)
	/* an argument block whose 8 bytes straddle 4 GiB */
	hc_outl(HC_PORT_PRINT64, 0xfffffffcu);
#elif defined(CASE_block_past_ram)
	hc_outl(HC_PORT_GVA_TO_HVA, PAST_RAM);
#elif defined(CASE_unknown_port)
	hc_outb(0x80, 1); /* the POST-code port: not ours */
	HC_exit(7);
#elif defined(CASE_wrong_size)
	__asm__ volatile("outw %0, %1"
			 :
			 : "a"((uint16_t)1), "d"((uint16_t)HC_PORT_PRINT32));
#elif defined(CASE_wrong_direction)
	uint32_t v;
	__asm__ volatile("inl %1, %0"
			 : "=a"(v)
			 : "d"((uint16_t)HC_PORT_PRINT32));
	HC_print32bit(v);
#elif defined(CASE_string_io)
	/* rep insl: KVM batches string input into one exit with count 4
	 * (rep outs, by contrast, arrives one element per exit) */
	static uint32_t words[4];
	__asm__ volatile("cld; rep insl"
			 :
			 : "D"(words), "c"(4), "d"((uint16_t)HC_PORT_NUM_EXITS)
			 : "memory");
#elif defined(CASE_triple_fault)
	/* an empty IDT: the breakpoint cannot be delivered, nor the #GP/#DF
	 * that follow, and the CPU shuts down */
	static struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty_idt = {0, 0};
	__asm__ volatile("lidt %0; int3" : : "m"(empty_idt));
#elif defined(CASE_mmio)
	*(volatile uint32_t *)(uintptr_t)0xd0000000u =
		1; /* no RAM, no device */
#elif defined(CASE_runaway)
	for (;;)
		__asm__ volatile("" ::: "memory");
#elif defined(CASE_exit_code)
	HC_exit(5);
#else
#error "build with -DCASE_<name>"
#endif
	return 0;
}
