/* vm.c - creating and tearing down a VM, and running its vCPU. */
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "layout.h"

int vm_check_ram_size(uint64_t ram_size, struct errbuf *err)
{
	if (ram_size % LAYOUT_PAGE_SIZE)
		return err_fail(
			err, EINVAL,
			"guest RAM size %llu is not a multiple of 4 KiB",
			(unsigned long long)ram_size);
	if (ram_size < LAYOUT_RAM_MIN || ram_size > LAYOUT_RAM_MAX)
		return err_fail(
			err, EINVAL,
			"guest RAM size %llu KiB is outside %llu KiB .. "
			"%llu MiB",
			(unsigned long long)ram_size >> 10,
			LAYOUT_RAM_MIN >> 10, LAYOUT_RAM_MAX >> 20);
	return 0;
}

/*
 * Anonymous memory for ram_size bytes of guest RAM. From 2 MiB up it is
 * aligned to 2 MiB and advised MADV_HUGEPAGE, so that KVM can map the
 * guest with 2 MiB pages (a guest physical 2 MiB frame is then one host
 * huge page, which needs the same offset within 2 MiB on both sides).
 * Smaller guests (matrix's thousands) keep a plain mapping: a huge page
 * each would cost 2 MiB of host memory for a few KiB of use.
 */
static void *alloc_ram(uint64_t ram_size)
{
	const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	const size_t huge = 2u << 20;
	uint8_t *raw, *host;
	size_t head, len;

	if (ram_size < huge)
		return mmap(NULL, ram_size, PROT_READ | PROT_WRITE, flags, -1,
			    0);
	len = ram_size + huge;
	raw = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (raw == MAP_FAILED)
		return MAP_FAILED;
	host = (uint8_t *)(((uintptr_t)raw + huge - 1) &
			   ~(uintptr_t)(huge - 1));
	head = (size_t)(host - raw);
	if (head)
		munmap(raw, head);
	munmap(host + ram_size, len - head - ram_size);
	/* Only advice: without transparent huge pages the guest still runs,
	 * on 4 KiB pages. */
	(void)madvise(host, ram_size, MADV_HUGEPAGE);
	return host;
}

static int map_ram(struct vm *vm, uint64_t ram_size, struct errbuf *err)
{
	struct kvm_userspace_memory_region region;
	void *host;

	host = alloc_ram(ram_size);
	if (host == MAP_FAILED)
		return err_fail(err, errno,
				"mmap of %llu bytes of guest RAM: %s",
				(unsigned long long)ram_size, strerror(errno));
	vm->mem.host = host;
	vm->mem.size = ram_size;

	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = ram_size,
		.userspace_addr = (uintptr_t)host,
	};
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return err_fail(err, errno, "KVM_SET_USER_MEMORY_REGION: %s",
				strerror(errno));
	return 0;
}

static int create_vcpu(struct vm *vm, struct vcpu *vcpu, uint32_t id,
		       const struct vm_platform *p, struct errbuf *err)
{
	void *run;

	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (vcpu->fd < 0)
		return err_fail(err, errno, "KVM_CREATE_VCPU(%u): %s", id,
				strerror(errno));

	vcpu->run_size = vm->kvm->vcpu_mmap_size;
	run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED)
		return err_fail(err, errno, "mmap of the vCPU's kvm_run: %s",
				strerror(errno));
	vcpu->run = run;
	/* KVM copies the control registers into kvm_run at every exit, so
	 * that a hypercall's pointers are walked without a KVM_GET_SREGS.
	 * Nothing reads the general registers there: they are not asked for. */
	if (vm->kvm->has_sync_regs)
		vcpu->run->kvm_valid_regs = KVM_SYNC_X86_SREGS;

	/* Give the guest the CPUID KVM supports: long mode needs the LM bit,
	 * and a guest that asks CPUID deserves a truthful answer. A PC gets
	 * it with the changes its platform makes (a PC's: pc_set_cpuid). */
	if (p && p->set_cpuid)
		return p->set_cpuid(vcpu, err);
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, vm->kvm->cpuid) < 0)
		return err_fail(err, errno, "KVM_SET_CPUID2: %s",
				strerror(errno));
	return 0;
}

/*
 * An instruction KVM's emulator cannot run then exits with its bytes in
 * kvm_run (emulation_failure), for the message that names it, rather than
 * as a #UD injected into the guest first. Where KVM lacks the capability,
 * the message reads the bytes at RIP instead.
 */
static int enable_emulation_exit(struct vm *vm, struct errbuf *err)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_EXIT_ON_EMULATION_FAILURE,
		.args = {1},
	};

	if (!vm->kvm->has_emulation_exit)
		return 0;
	return vm_ioctl(vm, KVM_ENABLE_CAP,
			"KVM_ENABLE_CAP(KVM_CAP_EXIT_ON_EMULATION_FAILURE)",
			&cap, err);
}

/* vCPU 0 in vm->vcpu, the others in vm->aps, every one before any runs
 * (KVM wants a vCPU's ID below KVM_CAP_MAX_VCPU_ID; it refuses more
 * vCPUs than KVM_CAP_MAX_VCPUS). */
static int create_vcpus(struct vm *vm, const struct vm_platform *p,
			struct errbuf *err)
{
	unsigned n = p && p->ncpus > 1 ? p->ncpus : 1;
	int ret;

	vm->nvcpus = n;
	if (n > 1) {
		vm->aps = calloc(n - 1, sizeof(*vm->aps));
		if (!vm->aps)
			return err_fail(err, ENOMEM, "%u vCPUs: out of memory",
					n);
		for (unsigned i = 0; i < n - 1; i++)
			vm->aps[i].fd = -1;
	}
	ret = create_vcpu(vm, &vm->vcpu, 0, p, err);
	for (unsigned i = 1; !ret && i < n; i++)
		ret = create_vcpu(vm, &vm->aps[i - 1], i, p, err);
	return ret;
}

struct vcpu *vm_vcpu(struct vm *vm, unsigned i)
{
	if (i >= vm->nvcpus)
		return NULL;
	return i == 0 ? &vm->vcpu : &vm->aps[i - 1];
}

int vm_create_platform(struct vm *vm, const struct kvm_dev *kvm,
		       uint64_t ram_size, const struct vm_platform *p,
		       struct errbuf *err)
{
	int ret;

	/* From here on vm_destroy may run: every field must say what it
	 * owns, and the KVM handle marks the descriptors as meaningful. */
	vm_init(vm);
	vm->kvm = kvm;

	ret = vm_check_ram_size(ram_size, err);
	if (ret)
		return ret;

	vm->fd = ioctl(kvm->fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		ret = err_fail(err, errno, "KVM_CREATE_VM: %s",
			       strerror(errno));
		goto out;
	}
	/* Intel VMX emulates real mode with a TSS it keeps in guest physical
	 * space; place it outside RAM before the first vCPU runs. */
	if (ioctl(vm->fd, KVM_SET_TSS_ADDR,
		  (unsigned long)LAYOUT_KVM_TSS_ADDR) < 0) {
		ret = err_fail(err, errno, "KVM_SET_TSS_ADDR: %s",
			       strerror(errno));
		goto out;
	}
	/* Not for a PC: a Linux process would stop the whole VM where KVM
	 * gives it a #UD (a SIGILL) without the capability. */
	ret = p && p->no_emulation_exit ? 0 : enable_emulation_exit(vm, err);
	if (!ret)
		ret = map_ram(vm, ram_size, err);
	if (!ret && p && p->before_vcpu)
		ret = p->before_vcpu(vm, err);
	if (ret)
		goto out;
	ret = create_vcpus(vm, p, err);
	if (ret)
		goto out;
	return 0;

out:
	vm_destroy(vm);
	return ret;
}

int vm_create(struct vm *vm, const struct kvm_dev *kvm, uint64_t ram_size,
	      struct errbuf *err)
{
	return vm_create_platform(vm, kvm, ram_size, NULL, err);
}

void vm_init(struct vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->fd = -1;
	vm->vcpu.fd = -1;
}

static void vcpu_free(struct vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
}

void vm_destroy(struct vm *vm)
{
	/* An all-zero VM reads as "descriptor 0"; only vm_create, which sets
	 * the KVM handle first, makes the descriptors mean anything. */
	if (!vm->kvm) {
		vm_init(vm);
		return;
	}
	vcpu_free(&vm->vcpu);
	for (unsigned i = 0; vm->aps && i + 1 < vm->nvcpus; i++)
		vcpu_free(&vm->aps[i]);
	free(vm->aps);
	if (vm->mem.host)
		munmap(vm->mem.host, vm->mem.size);
	if (vm->fd >= 0)
		close(vm->fd);
	vm_init(vm);
}

int vm_close_fd(struct vm *vm, struct errbuf *err)
{
	/* dup3 closes the VM's descriptor and puts the vCPU's in its slot,
	 * so that the next VM gets a new number: KVM names each VM's debugfs
	 * directory after its descriptor, and a reused one collides. */
	if (dup3(vm->vcpu.fd, vm->fd, O_CLOEXEC) < 0)
		return err_fail(err, errno, "dup3: %s", strerror(errno));
	close(vm->vcpu.fd);
	vm->vcpu.fd = vm->fd;
	vm->fd = -1;
	return 0;
}

int vcpu_run(struct vcpu *vcpu)
{
	if (ioctl(vcpu->fd, KVM_RUN, 0) < 0)
		return -errno;
	return 0;
}

int vcpu_translate(void *opaque, uint64_t gva, uint64_t *gpa)
{
	struct vcpu *vcpu = opaque;
	struct kvm_translation tr = {.linear_address = gva};

	if (ioctl(vcpu->fd, KVM_TRANSLATE, &tr) < 0)
		return -errno;
	if (!tr.valid)
		return -EFAULT;
	*gpa = tr.physical_address;
	return 0;
}

/* The checked register wrappers only differ in request and name. */
static int vcpu_ioctl(struct vcpu *vcpu, unsigned long req, const char *name,
		      const void *arg, struct errbuf *err)
{
	if (ioctl(vcpu->fd, req, arg) < 0)
		return err_fail(err, errno, "%s: %s", name, strerror(errno));
	return 0;
}

int vcpu_get_regs(struct vcpu *vcpu, struct kvm_regs *regs, struct errbuf *err)
{
	return vcpu_ioctl(vcpu, KVM_GET_REGS, "KVM_GET_REGS", regs, err);
}

int vcpu_set_regs(struct vcpu *vcpu, const struct kvm_regs *regs,
		  struct errbuf *err)
{
	return vcpu_ioctl(vcpu, KVM_SET_REGS, "KVM_SET_REGS", regs, err);
}

int vcpu_get_sregs(struct vcpu *vcpu, struct kvm_sregs *sregs,
		   struct errbuf *err)
{
	return vcpu_ioctl(vcpu, KVM_GET_SREGS, "KVM_GET_SREGS", sregs, err);
}

int vcpu_set_sregs(struct vcpu *vcpu, const struct kvm_sregs *sregs,
		   struct errbuf *err)
{
	return vcpu_ioctl(vcpu, KVM_SET_SREGS, "KVM_SET_SREGS", sregs, err);
}

int vcpu_get_fpu(struct vcpu *vcpu, struct kvm_fpu *fpu, struct errbuf *err)
{
	return vcpu_ioctl(vcpu, KVM_GET_FPU, "KVM_GET_FPU", fpu, err);
}

int vcpu_set_fpu(struct vcpu *vcpu, const struct kvm_fpu *fpu,
		 struct errbuf *err)
{
	return vcpu_ioctl(vcpu, KVM_SET_FPU, "KVM_SET_FPU", fpu, err);
}

int vcpu_get_xsave(struct vcpu *vcpu, struct kvm_xsave *xsave,
		   struct errbuf *err)
{
	return vcpu_ioctl(vcpu, KVM_GET_XSAVE, "KVM_GET_XSAVE", xsave, err);
}

int vcpu_set_xsave(struct vcpu *vcpu, const struct kvm_xsave *xsave,
		   struct errbuf *err)
{
	return vcpu_ioctl(vcpu, KVM_SET_XSAVE, "KVM_SET_XSAVE", xsave, err);
}

int vm_ioctl(struct vm *vm, unsigned long req, const char *name,
	     const void *arg, struct errbuf *err)
{
	if (ioctl(vm->fd, req, arg) < 0)
		return err_fail(err, errno, "%s: %s", name, strerror(errno));
	return 0;
}
