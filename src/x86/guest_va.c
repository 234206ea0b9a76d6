/* guest_va.c - guest virtual addresses for the VMM: the software walk over
 * synced registers, and KVM_TRANSLATE. */
#include "guest_va.h"

#include <errno.h>

#include "cpu_regs.h"
#include "kvm.h"
#include "layout.h"
#include "vm.h"

/* hc_translate_fn's access bits are the walker's (hypercall_host.h). */
_Static_assert(HC_ACCESS_WRITE == PW_WRITE, "HC_ACCESS_WRITE is PW_WRITE");

/* The vCPU's paging registers and privilege level, from the copy KVM left
 * in kvm_run at the last exit (KVM_CAP_SYNC_REGS), or else from
 * KVM_GET_SREGS, with the paging facts kvm_dev_open read from the CPUID
 * once. 0, or a negative errno. */
static int gva_paging_state(struct vcpu *vcpu, struct pw_regs *regs, int *cpl)
{
	const struct kvm_sregs *sregs = &vcpu->run->s.regs.sregs;
	struct kvm_sregs fetched;
	struct pw_cpu cpu;
	int ret;

	if (!(vcpu->run->kvm_valid_regs & KVM_SYNC_X86_SREGS)) {
		ret = vcpu_get_sregs(vcpu, &fetched, NULL);
		if (ret)
			return ret;
		sregs = &fetched;
	}
	pw_cpu_from_facts(&vcpu->vm->kvm->paging, &cpu);
	pw_regs_from_sregs(sregs, &cpu, regs);
	/* The CPL is SS.DPL in protected and long mode, 0 in real mode. */
	*cpl = (sregs->cr0 & CR0_PE) ? sregs->ss.dpl : 0;
	return 0;
}

int gva_translate(void *ctx, uint64_t gva, unsigned access, uint64_t *gpa)
{
	struct vcpu *vcpu = ctx;
	struct pw_regs regs;
	int cpl, ret;

	ret = gva_paging_state(vcpu, &regs, &cpl);
	if (ret)
		return ret;
	if (cpl == 3)
		access |= PW_USER;
	return pw_translate(&vcpu->vm->mem, &regs, gva, access, gpa, NULL);
}

int gva_translate_kvm(void *ctx, uint64_t gva, uint64_t *gpa)
{
	struct vcpu *vcpu = ctx;
	struct pw_regs regs;
	int cpl, ret;

	ret = gva_paging_state(vcpu, &regs, &cpl);
	if (ret)
		return ret;
	if (!(regs.efer & EFER_LMA) && gva > 0xffffffffull)
		return -EFAULT;
	return vcpu_translate(vcpu, gva, gpa);
}

size_t gva_read_prefix(struct vcpu *vcpu, uint64_t gva, void *buf, size_t len)
{
	uint8_t *bytes = buf;
	uint64_t gpa = 0;
	size_t n;

	for (n = 0; n < len; n++, gpa++) {
		if ((n == 0 || ((gva + n) & (LAYOUT_PAGE_SIZE - 1)) == 0) &&
		    gva_translate(vcpu, gva + n, 0, &gpa))
			break;
		if (gmem_read(&vcpu->vm->mem, gpa, &bytes[n], 1))
			break;
	}
	return n;
}

struct hc_env hc_env_for_vcpu(struct vcpu *vcpu, struct exit_stats *stats,
			      FILE *out)
{
	return (struct hc_env){
		.mem = &vcpu->vm->mem,
		.translate = gva_translate,
		.kvm_translate = gva_translate_kvm,
		.translate_ctx = vcpu,
		.out = out,
		.stats = stats,
	};
}
