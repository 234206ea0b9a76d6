/* linux_console.h - the PC devices a Linux guest talks to through ports:
 * COM1 wired to stdin/stdout, the keyboard controller's reset line, and an
 * empty ISA bus everywhere else. */
#ifndef LINUX_CONSOLE_H
#define LINUX_CONSOLE_H

#include <linux/kvm.h>
#include <stdio.h>
#include <termios.h>

#include "bus.h"
#include "cmos_rtc.h"
#include "errbuf.h"
#include "term_filter.h"
#include "uart.h"
#include "virtio_console.h"

struct vm;

struct linux_console {
	struct uart uart;
	struct cmos_rtc rtc;
	FILE *out;  /* what the guest transmits */
	int escape; /* filter it for a terminal; set after open */
	struct term_filter filter;
	int in_fd;	      /* console input (stdin); -1: none */
	int read_fd;	      /* in_fd's file reopened O_NONBLOCK; -1: none */
	int irq_fd;	      /* eventfd bound to COM1's IRQ by KVM_IRQFD */
	int irq_level;	      /* the UART's line as last seen */
	int raw;	      /* in_fd is a terminal we put in raw mode */
	struct termios saved; /* its mode before, restored at the end */
	int ctrl_a;	      /* the last byte typed was Ctrl-A */
	int quit;	      /* Ctrl-A X was typed */
	int reset;	      /* the guest pulsed the reset line */
	int in_eof;	      /* stdin is at its end */
	unsigned char pending[256]; /* read but not yet taken by the FIFO */
	unsigned pending_len, pending_pos;
	/* keys typed on a terminal while pending was full (the guest took
	 * none): read anyway, so that Ctrl-A X is always seen, and dropped */
	unsigned long long keys_dropped;
	struct vcon *vcon; /* typed bytes go here, not to the UART; or NULL */
};

/*
 * Opens the console: an eventfd bound with KVM_IRQFD to GSI 4 (COM1's IRQ
 * on both PICs and the IOAPIC, by KVM's default routing), in_fd's file
 * reopened for reads that never block, and, when it is a terminal, raw mode (no
 * echo, no line editing, no signals from keys: Ctrl-C goes to the guest; Ctrl-A
 * X quits). Returns 0 or a negative errno; linux_console_close undoes it.
 */
int linux_console_open(struct linux_console *c, struct vm *vm, int in_fd,
		       FILE *out, struct errbuf *err);

/* Writes out what the terminal filter still holds, restores the terminal
 * and closes the eventfd. Safe to call twice. */
void linux_console_close(struct linux_console *c);

/*
 * Registers the console's devices on the port bus: COM1 (0x3f8-0x3ff), the
 * CMOS clock (0x70-0x71) and the keyboard controller's status port 0x64,
 * whose write of 0xFE sets c->reset and returns BUS_RESET. The rest of the
 * bus is the builder's to decide (a PC's is an empty ISA bus:
 * unclaimed_ok). 0, or a negative errno.
 */
int linux_console_attach(struct linux_console *c, struct bus *ports,
			 struct errbuf *err);

/* --console virtio: from now on, what stdin has (after Ctrl-A X is taken
 * out) goes to v's receive queue instead of the UART's FIFO, and each
 * poll serves v (vcon_poll); close writes out v's filter. */
void linux_console_input_to(struct linux_console *c, struct vcon *v);

/* Moves what stdin has into the UART's FIFO (or the virtio console) and raises
 * its interrupt; flushes the guest's output. Call at every tick. */
void linux_console_poll(struct linux_console *c);

#endif
