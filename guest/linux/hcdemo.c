/* hcdemo.c - hypercalls from Linux user space: a static program for the
 * test initramfs (built with the host's gcc -static, not freestanding). */
#include <stdint.h>
#include <stdio.h>
#include <sys/io.h>

#include "hypercall.h"

/*
 * Pointer-passing calls hand the VMM a 32-bit user-space virtual address,
 * which it translates through Linux's own page tables (KVM_TRANSLATE with
 * the guest's CR3). So the string lives in the static data of this
 * non-PIE program (below 4 GiB, unlike the stack), and it is written
 * first, so that its page is present: Linux maps data pages on first
 * touch, and the VMM cannot fault them in.
 */
static char message[64];

static void print_bytes(const char *s)
{
	while (*s)
		HC_print8bit((uint8_t)*s++);
}

int main(void)
{
	uint32_t exits;

	/* I/O ports from ring 3: IOPL 3 lets this process use in/out. */
	if (iopl(3) < 0) {
		perror("hcdemo: iopl(3)");
		return 1;
	}
	print_bytes("hcdemo: HC_print8bit from user space\n");
	HC_print32bit(1234567890);
	exits = HC_numExits();
	HC_print32bit(exits);
	snprintf(message, sizeof(message), "hcdemo: HC_printStr of %p\n",
		 (void *)message);
	HC_printStr(message);
	printf("hcdemo: numExits said %u\n", exits);
	return exits > 0 ? 0 : 1;
}
