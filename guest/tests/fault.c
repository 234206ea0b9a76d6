/* fault.c - guests that raise one CPU exception each (-DCASE_<name>) at the
 * global label fault_at, for the VMM's fault report to name. */
#include <stdint.h>

#include "hypercall.h"

uint32_t guest_main(void);

uint32_t guest_main(void)
{
#if defined(CASE_ud)
	__asm__ volatile(".global fault_at\nfault_at: ud2");
#elif defined(CASE_de)
	/* divide by a zero the compiler cannot see */
	volatile uint32_t zero = 0;
	uint32_t divisor = zero, lo = 1, hi = 0;

	__asm__ volatile(".global fault_at\nfault_at: divl %2"
			 : "+a"(lo), "+d"(hi)
			 : "r"(divisor));
#elif defined(CASE_gp) && defined(GUEST_MODE_REAL)
	/* no selectors here: reading an MSR that does not exist */
	uint32_t lo, hi;

	__asm__ volatile(".global fault_at\nfault_at: rdmsr"
			 : "=a"(lo), "=d"(hi)
			 : "c"(0xdeadbeefu));
	HC_print32bit(lo);
#elif defined(CASE_gp)
	/* a selector past the end of the VMM's GDT: #GP with it as the
	 * error code */
	__asm__ volatile("mov $0x30, %%eax\n"
			 ".global fault_at\nfault_at: mov %%ax, %%ds"
			 :
			 :
			 : "eax", "memory");
#elif defined(CASE_pf) &&                                                      \
	(defined(GUEST_MODE_PAGED) || defined(GUEST_MODE_LONG))
	/* a store far past the 16 MiB of RAM the page tables map, below
	 * the PCI hole they map too */
	__asm__ volatile(".global fault_at\nfault_at: movl $1, (%0)"
			 :
			 : "r"((uintptr_t)0xbeadb000u)
			 : "memory");
#elif defined(CASE_pf)
	HC_exit(99); /* no paging in this mode: no page fault */
#elif defined(CASE_align)
	/* an aligned SSE store to a stack slot that is not: 8 bytes off */
#if defined(GUEST_MODE_LONG)
	__asm__ volatile("and $-16, %%rsp\nsub $8, %%rsp\n"
			 ".global fault_at\nfault_at: movaps %%xmm0, (%%rsp)" ::
				 : "memory");
#else
	__asm__ volatile("and $-16, %%esp\nsub $8, %%esp\n"
			 ".global fault_at\nfault_at: movaps %%xmm0, (%%esp)" ::
				 : "memory");
#endif
#elif defined(CASE_forged)
	/* the fault port written by hand, with vector 99 where a handler's
	 * frame has its vector: refused as no exception's */
#if defined(GUEST_MODE_REAL)
	__asm__ volatile("pushw $99; pushw $0; pushw $0" ::: "memory");
#else
	__asm__ volatile("push $99; push $0; push $0" ::: "memory");
#endif
	hc_outb(HC_PORT_FAULT_REPORT, 0);
#else
#error "build with -DCASE_<name>"
#endif
	HC_exit(98); /* not reached when the exception stops the guest */
	return 0;
}
