/* pc_platform.c - in-kernel PIC, IOAPIC, LAPIC and PIT, CPUID for Linux,
 * and the 32-bit boot protocol's register state. */
#include "pc_platform.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "cpu_mode.h"
#include "cpu_topology.h"
#include "vm.h"

#define BOOT_CS			 0x10 /* the selectors boot.rst requires */
#define BOOT_DS			 0x18
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_ECX_HYPERVISOR	 (1u << 31)
#define CPUID_7_EBX_SMAP	 (1u << 20)

int pc_platform_create(struct vm *vm, struct errbuf *err)
{
	/* SPEAKER_DUMMY: the kernel also serves port 0x61, whose bits gate
	 * and read PIT channel 2, which Linux uses to calibrate the TSC when
	 * nothing better is there. */
	struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};
	uint64_t ident = PC_IDENTITY_MAP_ADDR;
	int ret;

	ret = vm_ioctl(vm, KVM_SET_IDENTITY_MAP_ADDR,
		       "KVM_SET_IDENTITY_MAP_ADDR", &ident, err);
	if (!ret)
		ret = vm_ioctl(vm, KVM_CREATE_IRQCHIP, "KVM_CREATE_IRQCHIP",
			       NULL, err);
	if (!ret)
		ret = vm_ioctl(vm, KVM_CREATE_PIT2, "KVM_CREATE_PIT2", &pit,
			       err);
	return ret;
}

int pc_set_cpuid(struct vcpu *vcpu, struct errbuf *err)
{
	const struct kvm_cpuid2 *sup = vcpu->vm->kvm->cpuid;
	size_t size = sizeof(*sup) + sup->nent * sizeof(sup->entries[0]);
	const uint32_t cap = sup->nent + CPU_TOPOLOGY_EXTRA;
	int deadline = ioctl(vcpu->vm->kvm->fd, KVM_CHECK_EXTENSION,
			     KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	struct kvm_cpuid2 *cpuid =
		malloc(sizeof(*sup) + cap * sizeof(sup->entries[0]));
	unsigned ncpus = vcpu->vm->nvcpus ? vcpu->vm->nvcpus : 1;
	int ret = 0;

	if (!cpuid)
		return err_fail(err, ENOMEM, "CPUID table");
	memcpy(cpuid, sup, size);
	/* Its own APIC ID, which the MP table and the LAPIC say too, in a
	 * package of ncpus cores: KVM's table has the host's. */
	if (cpu_topology_apply(cpuid, cap, vcpu->id, ncpus)) {
		free(cpuid);
		return err_fail(err, EINVAL, "CPUID for vCPU %u of %u",
				vcpu->id, ncpus);
	}
	for (uint32_t i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		/* No SMAP: KVM_TRANSLATE walks as a supervisor read, which
		 * SMAP forbids on user pages while the guest is at CPL 3, so
		 * every pointer a user-space program passes in a hypercall
		 * would read as unmapped. */
		if (e->function == 7 && e->index == 0)
			e->ebx &= ~CPUID_7_EBX_SMAP;
		if (e->function != 1)
			continue;
		e->ecx |= CPUID_1_ECX_HYPERVISOR;
		if (deadline)
			e->ecx |= CPUID_1_ECX_TSC_DEADLINE;
	}
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid) < 0)
		ret = err_fail(err, errno, "KVM_SET_CPUID2: %s",
			       strerror(errno));
	free(cpuid);
	return ret;
}

/* Flat 32-bit protected mode without paging, with regs. */
static int enter_flat32(struct vcpu *vcpu, uint64_t gdt,
			const struct kvm_regs *regs, struct errbuf *err)
{
	/* Flat 4 GiB ring-0 code and data, as the boot protocol wants. */
	const uint64_t table[4] = {
		[BOOT_CS / 8] =
			gdt_descriptor(0, 0xfffff, ACCESS_CODE, FLAGS_32),
		[BOOT_DS / 8] =
			gdt_descriptor(0, 0xfffff, ACCESS_DATA, FLAGS_32),
	};
	struct kvm_sregs sregs;
	int ret;

	if (gmem_write(&vcpu->vm->mem, gdt, table, sizeof(table)))
		return err_fail(err, EFAULT, "GDT at 0x%llx is outside RAM",
				(unsigned long long)gdt);
	ret = vcpu_get_sregs(vcpu, &sregs, err);
	if (ret)
		return ret;
	sregs.gdt.base = gdt;
	sregs.gdt.limit = sizeof(table) - 1;
	sregs.cs = segment_from_descriptor(table[BOOT_CS / 8], BOOT_CS);
	sregs.ds = segment_from_descriptor(table[BOOT_DS / 8], BOOT_DS);
	sregs.es = sregs.ss = sregs.fs = sregs.gs = sregs.ds;
	sregs.cr0 = (sregs.cr0 | CR0_PE) & ~(uint64_t)CR0_PG;
	sregs.cr4 = 0;
	sregs.efer = 0;
	ret = vcpu_set_sregs(vcpu, &sregs, err);
	if (!ret)
		ret = vcpu_set_regs(vcpu, regs, err);
	return ret;
}

int pc_enter_boot32(struct vcpu *vcpu, uint64_t gdt, uint64_t zero_page,
		    uint64_t entry, struct errbuf *err)
{
	struct kvm_regs regs = {.rflags = 0x2, .rip = entry, .rsi = zero_page};

	return enter_flat32(vcpu, gdt, &regs, err);
}

int pc_enter_pvh(struct vcpu *vcpu, uint64_t gdt, uint64_t start_info,
		 uint32_t entry, struct errbuf *err)
{
	struct kvm_regs regs = {.rflags = 0x2, .rip = entry, .rbx = start_info};

	return enter_flat32(vcpu, gdt, &regs, err);
}
