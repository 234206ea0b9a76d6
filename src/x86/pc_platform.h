/* pc_platform.h - what a PC kernel expects besides RAM and a CPU: the
 * in-kernel interrupt controllers and timer, a truthful CPUID, and the
 * register state of the 32-bit boot protocol. */
#ifndef PC_PLATFORM_H
#define PC_PLATFORM_H

#include <stdint.h>

#include "errbuf.h"

struct vm;
struct vcpu;

/* Guest physical page, outside RAM (below LAYOUT_KVM_TSS_ADDR), that
 * Intel VMX uses for its real-mode identity page table; QEMU puts it at
 * the page before the TSS too. */
#define PC_IDENTITY_MAP_ADDR 0xfffbc000ULL

/*
 * For vm_create_platform's before_vcpu, before the vCPU exists (KVM refuses
 * these afterwards): KVM_SET_IDENTITY_MAP_ADDR, KVM_CREATE_IRQCHIP (two 8259
 * PICs, an IOAPIC, and a local APIC in every vCPU created later) and
 * KVM_CREATE_PIT2 (an 8254 on ports 0x40-0x43, port 0x61 for channel 2's
 * gate, ticking on IRQ 0). Returns 0 or a negative errno.
 */
int pc_platform_create(struct vm *vm, struct errbuf *err);

/*
 * KVM_SET_CPUID2 with what KVM supports, plus the hypervisor bit (leaf 1
 * ECX bit 31) and the TSC deadline timer when KVM emulates it, so that
 * Linux trusts the KVM leaves 0x40000000.. (kvm-clock) and needs no PIT
 * to calibrate its local APIC timer; minus SMAP, under which KVM_TRANSLATE
 * cannot read user pages (see the .c file); and the vCPU's own APIC ID
 * and the machine's topology (cpu_topology.h: vcpu->id of
 * vm->nvcpus). Call before the first KVM_RUN.
 */
int pc_set_cpuid(struct vcpu *vcpu, struct errbuf *err);

/*
 * The 32-bit boot protocol's entry state: a GDT in guest memory at gdt
 * with __BOOT_CS (0x10) and __BOOT_DS (0x18) flat 4 GiB segments, CS
 * 0x10, DS/ES/SS 0x18, protected mode without paging, interrupts off,
 * ESI = the zero page, EIP = entry. 0 or a negative errno.
 */
int pc_enter_boot32(struct vcpu *vcpu, uint64_t gdt, uint64_t zero_page,
		    uint64_t entry, struct errbuf *err);

/*
 * The PVH entry state (Xen's docs/misc/pvh.pandoc, which Linux's
 * pvh_start_xen expects): the same flat 32-bit protected mode without
 * paging and GDT as pc_enter_boot32, EBX = the guest physical address of
 * the struct hvm_start_info, EIP = entry (the PVH note's). 0 or a
 * negative errno.
 */
int pc_enter_pvh(struct vcpu *vcpu, uint64_t gdt, uint64_t start_info,
		 uint32_t entry, struct errbuf *err);

#endif
