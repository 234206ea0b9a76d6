/* fpu.c - enabling x87 and SSE on a vCPU in any mode. */
#include "fpu.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "cpu_regs.h"
#include "kvm.h"
#include "vm.h"

#define CPUID_1_ECX_XSAVE (1u << 26)
#define FCW_DEFAULT	  0x37f	 /* as FNINIT: all masked, 64-bit mantissa */
#define MXCSR_DEFAULT	  0x1f80 /* all SIMD exceptions masked */

int fpu_xcr0_for(const struct kvm_cpuid2 *cpuid, uint64_t *xcr0)
{
	const struct kvm_cpuid_entry2 *leaf1 = kvm_cpuid_find(cpuid, 1, 0);
	const struct kvm_cpuid_entry2 *xsave = kvm_cpuid_find(cpuid, 0xd, 0);

	if (!leaf1 || !(leaf1->ecx & CPUID_1_ECX_XSAVE))
		return 0;
	*xcr0 = XCR0_X87 | XCR0_SSE;
	/* Leaf 0xd's EAX lists the XCR0 bits the CPU supports. */
	if (xsave && (xsave->eax & XCR0_AVX))
		*xcr0 |= XCR0_AVX;
	return 1;
}

void fpu_prepare_sregs(struct kvm_sregs *sregs, int xsave)
{
	sregs->cr0 = (sregs->cr0 | CR0_MP) & ~(uint64_t)(CR0_EM | CR0_TS);
	sregs->cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (xsave)
		sregs->cr4 |= CR4_OSXSAVE;
}

static int set_fpu_defaults(struct vcpu *vcpu, struct errbuf *err)
{
	struct kvm_fpu fpu;

	int ret = vcpu_get_fpu(vcpu, &fpu, err);

	if (ret)
		return ret;
	fpu.fcw = FCW_DEFAULT;
	/* KVM_SET_FPU ignores mxcsr (KVM_SET_XSAVE carries it); a vCPU's
	 * reset MXCSR is this value already, so this only documents it. */
	fpu.mxcsr = MXCSR_DEFAULT;
	return vcpu_set_fpu(vcpu, &fpu, err);
}

static int set_xcr0(struct vcpu *vcpu, uint64_t xcr0, struct errbuf *err)
{
	struct kvm_xcrs xcrs = {.nr_xcrs = 1};

	xcrs.xcrs[0].xcr = 0;
	xcrs.xcrs[0].value = xcr0;
	if (ioctl(vcpu->fd, KVM_SET_XCRS, &xcrs) < 0)
		return err_fail(err, errno, "KVM_SET_XCRS (XCR0=0x%llx): %s",
				(unsigned long long)xcr0, strerror(errno));
	return 0;
}

int fpu_enable(struct vcpu *vcpu, struct kvm_sregs *sregs, struct errbuf *err)
{
	uint64_t xcr0 = 0;
	int xsave = fpu_xcr0_for(vcpu->vm->kvm->cpuid, &xcr0);
	int ret = set_fpu_defaults(vcpu, err);

	if (!ret && xsave)
		ret = set_xcr0(vcpu, xcr0, err);
	if (!ret)
		fpu_prepare_sregs(sregs, xsave);
	return ret;
}
