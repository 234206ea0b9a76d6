/* cpu_topology.h - what CPUID says about one vCPU's place in the machine:
 * its APIC ID, and one package of N cores with a thread each. */
#ifndef CPU_TOPOLOGY_H
#define CPU_TOPOLOGY_H

#include <linux/kvm.h>
#include <stdint.h>

/* Entries cpu_topology_apply may add (leaves 0xB and 0x1F, 3 each). */
#define CPU_TOPOLOGY_EXTRA 6

/*
 * Rewrites cpuid (KVM_GET_SUPPORTED_CPUID's table, which carries the
 * host's topology and the APIC ID of whatever host CPU answered) for the
 * vCPU with APIC ID apic_id of ncpus, one package of ncpus cores, one
 * thread each:
 * - leaf 1: EBX[31:24] the APIC ID, EBX[23:16] the addressable IDs in the
 *   package (ncpus rounded up to a power of two), EDX's HTT bit when
 *   ncpus > 1;
 * - leaf 4 (Intel's caches): EAX[31:26] the core IDs less one;
 * - leaves 0xB and 0x1F (the x2APIC topology): their entries replaced by
 *   an SMT level of 1, a core level of ncpus and the end, EDX the APIC
 *   ID; 0xB is added when leaf 0's maximum reaches it, 0x1F only where
 *   KVM listed it;
 * - AMD's 0x80000008 ECX (cores less one, APIC ID core bits) and
 *   0x8000001E (extended APIC ID, core ID), where present.
 * cap is the room of cpuid->entries; the table grows by at most
 * CPU_TOPOLOGY_EXTRA. Returns 0, or -ENOSPC (cpuid unchanged) without
 * room, -EINVAL when apic_id >= ncpus or ncpus > 255.
 */
int cpu_topology_apply(struct kvm_cpuid2 *cpuid, uint32_t cap, uint32_t apic_id,
		       uint32_t ncpus);

/* Bits an APIC ID needs for n of them: 0 for 1, 1 for 2, 2 for 3 or 4. */
unsigned cpu_topology_id_bits(uint32_t n);

#endif
