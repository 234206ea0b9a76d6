/* linux_end.c - what each of vcpu_step's events means to a Linux run,
 * for every vCPU's loop alike. */
#include "linux_end.h"

int linux_event_end(enum vcpu_event ev, const struct vcpu_exit *ex)
{
	switch (ev) {
	case VCPU_CONTINUE:
	case VCPU_HALTED: /* not with an in-kernel LAPIC; harmless */
	case VCPU_INTERRUPTED:
		return -1;
	case VCPU_GUEST_EXIT: /* HC_exit from a guest program */
		return LINUX_GUEST_EXIT;
	case VCPU_RESET: /* 0xFE to port 0x64, the ACPI reset register */
		return LINUX_RESET;
	case VCPU_STOP: /* a device's power-off: ACPI S5 */
		return LINUX_POWEROFF;
	case VCPU_BAD_HYPERCALL:
		return LINUX_BAD_CALL;
	case VCPU_HOST_ERROR:
		return LINUX_HOST_ERROR;
	case VCPU_OUTPUT_ERROR: /* the reader of stdout went away */
		return LINUX_OUTPUT_ERR;
	default: /* crashed, debug exit, guest fault */
		/* reboot=t, and the last resort of every reboot method: a
		 * triple fault, which KVM reports as a shutdown. */
		return ex->reason == KVM_EXIT_SHUTDOWN ? LINUX_RESET
						       : LINUX_CRASHED;
	}
}
