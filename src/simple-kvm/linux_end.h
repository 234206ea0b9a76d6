/* linux_end.h - how a Linux run ends, and which events of a vCPU's loop
 * end it. */
#ifndef LINUX_END_H
#define LINUX_END_H

#include "vcpu_loop.h"

/* How a Linux run ended. */
enum linux_end {
	LINUX_RESET,	  /* reset: ACPI, port 0x64 or triple fault (reboot) */
	LINUX_POWEROFF,	  /* ACPI S5 through PM1a_CNT (poweroff) */
	LINUX_GUEST_EXIT, /* a guest program called HC_exit; see *exit_code */
	LINUX_QUIT,	  /* Ctrl-A X on the terminal */
	LINUX_TIMEOUT,	  /* timeout_ns passed */
	LINUX_STOPPED,	  /* SIGINT or SIGTERM */
	LINUX_GDB_KILL,	  /* gdb's kill request (--gdb) */
	LINUX_CRASHED,	  /* an exit nothing serves; err says which */
	LINUX_BAD_CALL,	  /* a hypercall broke the ABI; err says how */
	LINUX_HOST_ERROR, /* KVM_RUN failed */
	LINUX_OUTPUT_ERR, /* writing the console's output failed (EPIPE) */
};

/*
 * How an event of vcpu_step ends a Linux run, or -1 when the vCPU runs on
 * (VCPU_INTERRUPTED is the caller's: ticks, signals, kicks). A reset and
 * a triple fault are LINUX_RESET, a device's power-off (BUS_STOP: ACPI
 * S5) LINUX_POWEROFF; ex->exit_code is the code of LINUX_GUEST_EXIT.
 */
int linux_event_end(enum vcpu_event ev, const struct vcpu_exit *ex);

#endif
