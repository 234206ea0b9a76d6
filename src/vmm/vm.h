/* vm.h - one virtual machine: its file descriptors, its RAM and its
 * vCPUs (one, or a PC's several). */
#ifndef VM_H
#define VM_H

#include <linux/kvm.h>
#include <stdint.h>

#include "errbuf.h"
#include "guest_mem.h"
#include "kvm.h"

struct vm;

struct vcpu {
	struct vm *vm; /* back pointer to the VM that owns this vCPU */
	uint32_t id;   /* KVM's vCPU ID, which is its LAPIC's APIC ID */
	int fd;
	struct kvm_run *run; /* shared with the kernel, mmap'ed from fd */
	size_t run_size;
};

/*
 * All state of one VM. Nothing about a VM lives in file-scope variables,
 * so one process can hold many of them (matrix does).
 */
struct vm {
	const struct kvm_dev *kvm;
	int fd;
	struct guest_mem mem; /* guest RAM, guest physical 0 .. mem.size */
	struct vcpu vcpu;     /* vCPU 0, the boot processor */
	/* vm_platform's ncpus - 1 more, IDs 1.. (NULL with one vCPU) */
	struct vcpu *aps;
	unsigned nvcpus; /* 1 + the APs */
};

/*
 * Makes vm empty: no descriptor (-1), no RAM, no KVM handle. vm_destroy on
 * an empty VM does nothing, so a caller that holds VMs before creating them
 * (an array, as matrix has) calls this on each one first.
 */
void vm_init(struct vm *vm);

/*
 * Creates a VM with ram_size bytes of RAM at guest physical address 0 and
 * one vCPU. ram_size must be a multiple of 4 KiB between LAYOUT_RAM_MIN and
 * LAYOUT_RAM_MAX. RAM is anonymous, zero-filled and MAP_NORESERVE: only the
 * pages the guest or the VMM touches cost host memory. On failure nothing
 * is left open and a negative errno is returned.
 */
int vm_create(struct vm *vm, const struct kvm_dev *kvm, uint64_t ram_size,
	      struct errbuf *err);

/*
 * What a program's platform adds to a VM (simple-kvm's Linux boot makes a
 * PC of it with x86/pc_platform.h): the generic code knows no platform
 * and calls these hooks.
 */
struct vm_platform {
	/* After RAM, before the vCPU (KVM wants an irqchip, a PIT and the
	 * identity map address then). NULL: nothing. */
	int (*before_vcpu)(struct vm *vm, struct errbuf *err);
	/* The vCPU's CPUID. NULL: what KVM supports, unchanged. */
	int (*set_cpuid)(struct vcpu *vcpu, struct errbuf *err);
	/* Leave KVM_CAP_EXIT_ON_EMULATION_FAILURE off (a guest OS, whose
	 * processes would stop the VM where they should get a #UD). */
	int no_emulation_exit;
	/* vCPUs to create, all before any runs (0: one). With an in-kernel
	 * irqchip, KVM starts those after vCPU 0 waiting for INIT and SIPI
	 * (KVM_MP_STATE_UNINITIALIZED), which the guest's BSP sends through
	 * its LAPIC. set_cpuid sees each vCPU's id and vm->nvcpus. */
	unsigned ncpus;
};

/* vm_create with a platform's hooks (p NULL: vm_create), and its ncpus
 * vCPUs. */
int vm_create_platform(struct vm *vm, const struct kvm_dev *kvm,
		       uint64_t ram_size, const struct vm_platform *p,
		       struct errbuf *err);

/* Releases everything vm_create made and leaves vm empty (vm_init). Safe
 * to call again, and on an empty or all-zero VM, which vm_create never
 * touched: it closes nothing, not even descriptor 0. */
void vm_destroy(struct vm *vm);

/*
 * Gives up the VM's own descriptor once it is set up: the vCPU's keeps the
 * VM alive, and running it needs nothing else, so a process with thousands
 * of VMs holds one descriptor for each. The vCPU's descriptor moves to the
 * number the VM had. The VM can no longer get memory slots, vCPUs,
 * interrupt lines or a TSS address.
 */
int vm_close_fd(struct vm *vm, struct errbuf *err);

/* vCPU i of vm->nvcpus (0: vm->vcpu), or NULL past them. */
struct vcpu *vm_vcpu(struct vm *vm, unsigned i);

/* Checks a RAM size against the limits vm_create enforces. */
int vm_check_ram_size(uint64_t ram_size, struct errbuf *err);

/*
 * Runs the vCPU until the next exit to userspace. Returns 0 with the reason
 * in vcpu->run->exit_reason, or a negative errno (-EINTR when a signal
 * interrupted KVM_RUN; then the exit reason is KVM_EXIT_INTR).
 */
int vcpu_run(struct vcpu *vcpu);

/*
 * Translates a guest virtual address through the vCPU's current paging
 * mode (KVM_TRANSLATE; identity when paging is off). 0 with *gpa, or
 * -EFAULT when nothing is mapped there. Its signature fits hc_kvm_translate_fn.
 */
int vcpu_translate(void *vcpu, uint64_t gva, uint64_t *gpa);

/* Thin register wrappers: 0 or a negative errno with the ioctl named. */
int vcpu_get_regs(struct vcpu *vcpu, struct kvm_regs *regs, struct errbuf *err);
int vcpu_set_regs(struct vcpu *vcpu, const struct kvm_regs *regs,
		  struct errbuf *err);
int vcpu_get_sregs(struct vcpu *vcpu, struct kvm_sregs *sregs,
		   struct errbuf *err);
int vcpu_set_sregs(struct vcpu *vcpu, const struct kvm_sregs *sregs,
		   struct errbuf *err);
int vcpu_get_fpu(struct vcpu *vcpu, struct kvm_fpu *fpu, struct errbuf *err);
int vcpu_set_fpu(struct vcpu *vcpu, const struct kvm_fpu *fpu,
		 struct errbuf *err);
/* The whole x87/SSE/AVX state in XSAVE's standard layout (the legacy
 * FXSAVE area first, MXCSR at byte 24): KVM_GET_FPU and KVM_SET_FPU leave
 * MXCSR out, these carry it. 0 or a negative errno with the ioctl named. */
int vcpu_get_xsave(struct vcpu *vcpu, struct kvm_xsave *xsave,
		   struct errbuf *err);
int vcpu_set_xsave(struct vcpu *vcpu, const struct kvm_xsave *xsave,
		   struct errbuf *err);

/* A VM ioctl that takes a pointer (or nothing): 0, or a negative errno
 * with the ioctl named. */
int vm_ioctl(struct vm *vm, unsigned long req, const char *name,
	     const void *arg, struct errbuf *err);

#endif
