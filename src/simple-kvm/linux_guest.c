/* linux_guest.c - simple-kvm --kernel: load, enter, tick and run. */
#include "linux_guest.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "bzimage.h"
#include "clock.h"
#include "loader.h"
#include "pc_platform.h"
#include "vcpu_loop.h"
#include "vm.h"

int linux_load(struct vm *vm, const char *kernel, const char *initrd,
	       const char *cmdline, struct bz_layout *layout,
	       struct errbuf *err)
{
	struct bz_boot_args args = {.cmdline = cmdline};
	uint8_t *image = NULL, *rd = NULL;
	struct bz_header hdr;
	size_t size;
	int ret;

	ret = loader_read_file(kernel, &image, &size, err);
	if (!ret && initrd)
		ret = loader_read_file(initrd, &rd, &args.initrd_size, err);
	if (ret)
		goto out;
	args.initrd = rd;
	ret = bz_parse(image, size, &hdr, err);
	if (ret) {
		err_wrap(err, ret, "%s", kernel);
		goto out;
	}
	ret = bz_load(&vm->mem, image, size, &hdr, &args, layout, err);
out:
	free(image);
	free(rd);
	return ret;
}

int linux_enter(struct vcpu *vcpu, struct errbuf *err)
{
	return pc_enter_boot32(vcpu, BZ_GDT_ADDR, BZ_ZERO_PAGE, BZ_KERNEL_ADDR,
			       err);
}

int linux_tick_start(struct preempt_timer *tick, struct vcpu *vcpu,
		     struct errbuf *err)
{
	int ret = preempt_catch_stop_signals(err);

	if (!ret)
		ret = preempt_init(tick, SIGRTMIN, err);
	if (!ret)
		ret = preempt_attach_vcpu(tick, vcpu, err);
	if (!ret)
		ret = preempt_arm_every(tick, LINUX_TICK_NS, err);
	return ret;
}

/* A tick or a signal: read the console, check the clock and the signals.
 * Returns -1 to go on, or how the run ends. */
static int on_interrupt(struct linux_console *con,
			const struct preempt_timer *tick, uint64_t deadline)
{
	preempt_drain(tick);
	if (preempt_stop_requested())
		return LINUX_STOPPED;
	linux_console_poll(con);
	if (con->quit)
		return LINUX_QUIT;
	if (deadline && monotonic_ns() >= deadline)
		return LINUX_TIMEOUT;
	return -1;
}

enum linux_end linux_run(struct vcpu *vcpu, struct hc_env *hc,
			 struct bus *ports, struct bus *mmio,
			 struct linux_console *con,
			 const struct preempt_timer *tick, uint64_t timeout_ns,
			 uint32_t *exit_code, struct errbuf *err)
{
	struct vcpu_loop loop = {.vcpu = vcpu, .hc = hc, .mmio = mmio};
	uint64_t deadline = timeout_ns ? monotonic_ns() + timeout_ns : 0;
	struct vcpu_exit ex;
	int end;

	if (vcpu_loop_add_hypercalls(&loop, ports, err))
		return LINUX_HOST_ERROR;
	for (;;) {
		switch (vcpu_step(&loop, &ex, err)) {
		case VCPU_CONTINUE:
		case VCPU_HALTED: /* not with an in-kernel LAPIC; harmless */
			break;
		case VCPU_INTERRUPTED:
			end = on_interrupt(con, tick, deadline);
			if (end >= 0)
				return (enum linux_end)end;
			break;
		case VCPU_GUEST_EXIT: /* HC_exit from a guest program */
			*exit_code = ex.exit_code;
			return LINUX_GUEST_EXIT;
		case VCPU_RESET: /* 0xFE to port 0x64 */
		case VCPU_STOP:
			return LINUX_RESET;
		case VCPU_BAD_HYPERCALL:
			return LINUX_BAD_CALL;
		case VCPU_HOST_ERROR:
			return LINUX_HOST_ERROR;
		case VCPU_OUTPUT_ERROR: /* the reader of stdout went away */
			return LINUX_OUTPUT_ERR;
		default: /* crashed, debug exit, guest fault */
			/* reboot=t, and the last resort of every reboot
			 * method: a triple fault, which KVM reports as a
			 * shutdown. */
			return ex.reason == KVM_EXIT_SHUTDOWN ? LINUX_RESET
							      : LINUX_CRASHED;
		}
	}
}
