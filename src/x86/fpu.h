/* fpu.h - x87 and SSE for guests in every mode, so that code any compiler
 * emits (movups for a struct copy, x87 or SSE arithmetic) runs. */
#ifndef FPU_H
#define FPU_H

#include <linux/kvm.h>
#include <stdint.h>

#include "errbuf.h"

struct kvm_cpuid2;
struct vcpu;

#define CR0_EM	       (1u << 2)
#define CR0_TS	       (1u << 3)
#define CR4_OSFXSR     (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_OSXSAVE    (1u << 18)
#define XCR0_X87       (1u << 0)
#define XCR0_SSE       (1u << 1)
#define XCR0_AVX       (1u << 2)

/* 1 when CPUID (as KVM offers it) has XSAVE, and then *xcr0 the features
 * to enable: x87 and SSE, plus AVX when offered. */
int fpu_xcr0_for(const struct kvm_cpuid2 *cpuid, uint64_t *xcr0);

/* Sets the control-register bits that enable x87 and SSE in sregs: CR0.MP,
 * not EM or TS; CR4.OSFXSR, OSXMMEXCPT, and OSXSAVE when xsave is 1. */
void fpu_prepare_sregs(struct kvm_sregs *sregs, int xsave);

/*
 * Enables x87 and SSE on the vCPU: its control registers in sregs (which
 * the caller then sets), the x87 control word and MXCSR as FNINIT and a
 * reset leave them (all exceptions masked, double-extended precision),
 * and XCR0 where the CPU has XSAVE. 0 or a negative errno.
 */
int fpu_enable(struct vcpu *vcpu, struct kvm_sregs *sregs, struct errbuf *err);

#endif
