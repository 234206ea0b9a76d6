/* gdb_probe.c - trying a debug feature of KVM in a throwaway VM. */
#include "gdb_probe.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "layout.h"
#include "vm.h"

#define PROBE_CODE 0x1000 /* in the low reserved RAM of every VM */

/* Real mode at PROBE_CODE, DR0 on the instruction after it. */
static int arm_probe(struct vm *vm, struct errbuf *err)
{
	static const uint8_t code[] = {0x90, 0x90, 0xf4}; /* nop; nop; hlt */
	struct kvm_guest_debug dbg = {.control = KVM_GUESTDBG_ENABLE |
						 KVM_GUESTDBG_USE_HW_BP};
	struct kvm_regs regs = {.rip = PROBE_CODE, .rflags = 2};
	struct kvm_sregs sregs;

	dbg.arch.debugreg[0] = PROBE_CODE + 1;
	dbg.arch.debugreg[7] = 0x401; /* L0, execute, one byte */
	if (gmem_write(&vm->mem, PROBE_CODE, code, sizeof(code)) ||
	    vcpu_get_sregs(&vm->vcpu, &sregs, err))
		return err_fail(err, EIO, "the debug-register probe's VM");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (vcpu_set_sregs(&vm->vcpu, &sregs, err) ||
	    vcpu_set_regs(&vm->vcpu, &regs, err))
		return -EIO;
	if (ioctl(vm->vcpu.fd, KVM_SET_GUEST_DEBUG, &dbg) < 0)
		return err_fail(err, errno, "KVM_SET_GUEST_DEBUG: %s",
				strerror(errno));
	return 0;
}

int gdb_probe_dr_fires(const struct kvm_dev *kvm, struct errbuf *err)
{
	const struct kvm_debug_exit_arch *arch;
	struct vm vm;
	int ret = vm_create(&vm, kvm, LAYOUT_RAM_MIN, err);

	if (ret)
		return ret;
	ret = arm_probe(&vm, err);
	/* a signal may end a run early: a few tries, never a loop */
	for (int i = 0; !ret && i < 4; i++) {
		int run = vcpu_run(&vm.vcpu);

		if (run == -EINTR)
			continue;
		arch = &vm.vcpu.run->debug.arch;
		ret = !run && vm.vcpu.run->exit_reason == KVM_EXIT_DEBUG &&
		      arch->exception == 1 && arch->pc == PROBE_CODE + 1;
		break;
	}
	vm_destroy(&vm);
	return ret;
}
