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
__attribute__((unused)) static void remap_0x400000_as(uintptr_t target,
						      unsigned flags)
{
	uintptr_t cr3;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
#if defined(GUEST_MODE_PAGED)
	((volatile uint32_t *)cr3)[1] = (uint32_t)target | flags;
#else
	volatile uint64_t *pml4 = (volatile uint64_t *)cr3;
	volatile uint64_t *pdpt =
		(volatile uint64_t *)(uintptr_t)(pml4[0] & ~0xfffull);
	volatile uint64_t *pd =
		(volatile uint64_t *)(uintptr_t)(pdpt[0] & ~0xfffull);

	pd[2] = target | flags;
#endif
	__asm__ volatile("invlpg (%0)" : : "r"(0x400000ul) : "memory");
}

/* Present, writable, a large page. */
__attribute__((unused)) static void remap_0x400000(uintptr_t target)
{
	remap_0x400000_as(target, 0x83);
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
	/* expect: memory 72 "HC_printStr: string at GVA 0x2000000" all */
	HC_printStr((char *)(uintptr_t)PAST_RAM);
#elif defined(CASE_str_unterminated_at_ram_end)
	/* expect: memory 72 "GVA 0x1000000" protected paged long */
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
	/* expect: memory 72 "no NUL within 65536" protected paged long */
	/* 64 KiB of 'B' with no NUL inside the limit (RAM is zero beyond) */
	fill((volatile char *)(uintptr_t)0x100000u, 'B', HC_STR_MAX);
	HC_printStr((char *)(uintptr_t)0x100000u);
#elif defined(CASE_block_wraps_4g)
	/* expect: memory 72 "wrap around 4 GiB" all */
	/* an argument block whose 8 bytes straddle 4 GiB */
	hc_outl(HC_PORT_PRINT64, 0xfffffffcu);
#elif defined(CASE_block_past_ram)
	/* expect: memory 72 "HC_gvaToHva: argument block" all */
	hc_outl(HC_PORT_GVA_TO_HVA, PAST_RAM);
#elif defined(CASE_unknown_port)
	/* expect: other 72 "unknown port 0x80 (out, size 1)" all */
	hc_outb(0x80, 1); /* the POST-code port: not ours */
	HC_exit(7);
#elif defined(CASE_wrong_size)
	/* expect: other 72 "out of size 2" all */
	__asm__ volatile("outw %0, %1"
			 :
			 : "a"((uint16_t)1), "d"((uint16_t)HC_PORT_PRINT32));
#elif defined(CASE_wrong_direction)
	/* expect: other 72 "in of size 4" all */
	uint32_t v;
	__asm__ volatile("inl %1, %0"
			 : "=a"(v)
			 : "d"((uint16_t)HC_PORT_PRINT32));
	HC_print32bit(v);
#elif defined(CASE_string_io)
	/* expect: other 72 "count 4" all */
	/* rep insl: KVM batches string input into one exit with count 4
	 * (rep outs, by contrast, arrives one element per exit) */
	static uint32_t words[4];
	__asm__ volatile("cld; rep insl"
			 :
			 : "D"(words), "c"(4), "d"((uint16_t)HC_PORT_NUM_EXITS)
			 : "memory");
#elif defined(CASE_triple_fault)
	/* expect: other 71 "triple fault (KVM_EXIT_SHUTDOWN)" all */
	/* expect on kvm_pvm: other 71 "KVM could not emulate 'int3'"
	 * protected long */
	/* expect on kvm_pvm: other 71 "guest fault: #BP (breakpoint)" real */
	/* (kvm_pvm ends a triple fault in an emulation failure, and in real
	 * mode ignores the IVT's limit, so int3 reaches the VMM's handler.)
	 * An empty IDT: the breakpoint cannot be delivered, nor the #GP/#DF
	 * that follow, and the CPU shuts down */
	static struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty_idt = {0, 0};
	__asm__ volatile("lidt %0; int3" : : "m"(empty_idt));
#elif defined(CASE_mmio)
	/* expect: other 71 "KVM_EXIT_MMIO write 0xd0000000" protected paged
	 * long */
	*(volatile uint32_t *)(uintptr_t)0xd0000000u =
		1; /* no RAM, no device */
#elif defined(CASE_runaway)
	/* expect: other 124 "timeout: still running after" real long */
	for (;;)
		__asm__ volatile("" ::: "memory");
#elif defined(CASE_exit_code)
	/* expect: other 5 "" all */
	HC_exit(5);
#elif defined(CASE_huge_exit_code)
	/* expect: other 72 "HC_exit(4294967295): exit codes are 0 to 63" all */
	HC_exit(0xffffffffu); /* larger than any status */
#elif defined(CASE_forged_status)
	/* expect: other 72 "HC_exit(71): exit codes are 0 to 63" all */
	HC_exit(71); /* the VMM's "guest crashed": refused */
#elif defined(CASE_exit_code_max)
	/* expect: other 63 "" all */
	HC_exit(63); /* the largest code a guest owns */
#elif defined(CASE_out_on_input_port)
	/* expect: other 72 "HC_numExits on port 0x501: out" all */
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
	/* expect: other 71 "guest fault: #UD (invalid opcode) at " all */
	__asm__ volatile("ud2");
#elif defined(CASE_rdmsr)
	/* expect: other 71 "guest fault: #GP (general protection) at " all */
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xdeadbeefu));
#elif defined(CASE_wipe_vmm_area)
	/* expect: other 71 "guest fault: triple fault" protected paged long */
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
#elif defined(CASE_block_read_only)
	/* expect: memory 72 "GVA 0x400000 is not writable by the guest" paged
	 * long */
#if defined(GUEST_MODE_PAGED) || defined(GUEST_MODE_LONG)
	/* HC_gvaToHva's block in a page the guest maps read-only (P and PS,
	 * no R/W): the VMM must not write its OUT field there */
	remap_0x400000_as(0x400000, 0x81);
	hc_outl(HC_PORT_GVA_TO_HVA, 0x400000);
#else
	HC_exit(99);
#endif
#elif defined(CASE_pointer_mark_mapped)
	/* expect: memory 72 "stands for a pointer above 4 GiB" paged */
#if defined(GUEST_MODE_PAGED)
	/* map the last 4 MiB of the address space onto RAM and put a NUL at
	 * 0xffffffff: hc_ptr's mark must still be refused */
	uintptr_t cr3;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	((volatile uint32_t *)cr3)[1023] = 0x400000u | 0x83;
	__asm__ volatile("invlpg (%0)" : : "r"(0xffc00000ul) : "memory");
	*(volatile char *)0xffffffffu = 0;
	HC_printStr((char *)0xffffffffu);
#else
	HC_exit(99);
#endif
#elif defined(CASE_gva_valid_gpa_outside)
	/* expect: memory 72 "maps to GPA 0x40000000, outside guest RAM" paged
	 * long */
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
