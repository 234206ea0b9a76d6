/* hcdemo.c - hypercalls from Linux user space: a static program for the
 * test initramfs (built with the host's gcc -static, not freestanding). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <unistd.h>

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

/*
 * HC_numExitsByType answers with a guest physical address in the
 * hypercall area, which simple-kvm's e820 map reserves: a process reads
 * it through /dev/mem (root; Debian's STRICT_DEVMEM serves reserved pages
 * below 1 MiB, and only zeros for RAM there). Prints what it read on one
 * line, its newlines as spaces; returns 0 when that is the string.
 */
static int exits_by_type_via_devmem(void)
{
	uint32_t gpa = (uint32_t)(uintptr_t)HC_numExitsByType();
	char text[HC_BYTYPE_SLOT_SIZE + 1] = "";
	int fd = open("/dev/mem", O_RDONLY | O_CLOEXEC);
	ssize_t n = -1;

	if (fd < 0) {
		perror("hcdemo: /dev/mem");
		return 1;
	}
	if (lseek(fd, gpa, SEEK_SET) == (off_t)gpa)
		n = read(fd, text, HC_BYTYPE_SLOT_SIZE);
	close(fd);
	if (n < 0) {
		perror("hcdemo: reading /dev/mem");
		return 1;
	}
	text[n] = 0;
	for (char *p = text; *p; p++)
		if (*p == '\n')
			*p = ' ';
	printf("hcdemo: numExitsByType at 0x%x via /dev/mem: '%s'\n", gpa,
	       text);
	return strncmp(text, "IO in: ", 7) != 0;
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
	/* A window title from a hypercall: shown as \xHH on a terminal. */
	snprintf(message, sizeof(message), "hcdemo: \033]0;pwned-by-hc\007\n");
	HC_printStr(message);
	printf("hcdemo: numExits said %u\n", exits);
	fflush(stdout);
	if (exits_by_type_via_devmem())
		return 1;
	return exits > 0 ? 0 : 1;
}
