/* hostile.c - guests that misbehave on purpose, one case per build
 * (-DCASE_<name>). */
#include <stdint.h>

#include "hypercall.h"

/* With the default 16 MiB of RAM: an address past RAM (unmapped in the
 * paged modes), and the last bytes of RAM (the VMM area's spare page). */
#define PAST_RAM 0x02000000u
#define RAM_END	 0x01000000u

uint32_t guest_main(void);

#if defined(GUEST_MODE_PAGED) || defined(GUEST_MODE_LONG)
/*
 * Points the large page that maps virtual 0x400000 at physical `target`
 * by editing the page tables the VMM built (they are the guest's own
 * memory), then flushes that TLB entry. 32-bit: the 4 MiB entry 1 of the
 * page directory; 64-bit: the 2 MiB entry 2 of the first page directory.
 */
__attribute__((unused)) static void remap_0x400000(uintptr_t target)
{
	uintptr_t cr3;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
#if defined(GUEST_MODE_PAGED)
	((volatile uint32_t *)cr3)[1] = (uint32_t)target | 0x83;
#else
	volatile uint64_t *pml4 = (volatile uint64_t *)cr3;
	volatile uint64_t *pdpt =
		(volatile uint64_t *)(uintptr_t)(pml4[0] & ~0xfffull);
	volatile uint64_t *pd =
		(volatile uint64_t *)(uintptr_t)(pdpt[0] & ~0xfffull);

	pd[2] = target | 0x83;
#endif
	__asm__ volatile("invlpg (%0)" : : "r"(0x400000ul) : "memory");
}
#endif

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
#elif defined(CASE_huge_exit_code)
	HC_exit(0xffffffffu); /* larger than any status */
#elif defined(CASE_forged_status)
	HC_exit(71); /* the VMM's "guest crashed": refused */
#elif defined(CASE_exit_code_max)
	HC_exit(63); /* the largest code a guest owns */
#elif defined(CASE_out_on_input_port)
	hc_outl(HC_PORT_NUM_EXITS, 1);
#elif defined(CASE_flood)
	/* 20000 hypercalls: every count is the last plus one, no wrap, no skip
	 */
	uint32_t prev = HC_numExits();

	for (uint32_t i = 0; i < 20000; i++) {
		uint32_t now = HC_numExits();

		if (now != prev + 1)
			HC_exit(1);
		prev = now;
	}
	HC_print32bit(prev);
	HC_exit(0);
#elif defined(CASE_invalid_opcode)
	__asm__ volatile("ud2");
#elif defined(CASE_rdmsr)
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xdeadbeefu));
#elif defined(CASE_wipe_vmm_area)
	/* zero the GDT and page tables, then make the CPU use them */
	fill((volatile char *)(uintptr_t)(RAM_END - 0x10000), 0, 0x10000);
#if defined(GUEST_MODE_PAGED) || defined(GUEST_MODE_LONG)
	uintptr_t cr3;
	__asm__ volatile("mov %%cr3, %0; mov %0, %%cr3"
			 : "=r"(cr3)
			 :
			 : "memory");
#endif
	__asm__ volatile("mov %0, %%ds" : : "r"(0x10) : "memory");
	HC_exit(9);
#elif defined(CASE_pagetable_redirect)
#if defined(GUEST_MODE_PAGED) || defined(GUEST_MODE_LONG)
	/* write a string at physical 0x800000, then map virtual 0x400000
	 * there: the VMM must read it through our page tables */
	const char *text = "redirected\n";
	volatile char *phys = (volatile char *)0x800000;

	for (unsigned i = 0; i <= 11; i++)
		phys[i] = text[i];
	remap_0x400000(0x800000);
	HC_printStr((char *)0x400000);
	HC_exit(0);
#else
	HC_exit(99);
#endif
#elif defined(CASE_gva_valid_gpa_outside)
#if defined(GUEST_MODE_PAGED) || defined(GUEST_MODE_LONG)
	/* a valid translation to a physical address past RAM */
	remap_0x400000(0x40000000);
	HC_print64bit(HC_gvaToHva64(0x400000));
	HC_printStr((char *)0x400000);
#else
	HC_exit(99);
#endif
#else
#error "build with -DCASE_<name>"
#endif
	return 0;
}
