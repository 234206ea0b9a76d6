/* cpu_topology.c - a vCPU's APIC ID and the machine's topology in the
 * CPUID leaves Linux reads them from. */
#include "cpu_topology.h"

#include <errno.h>
#include <string.h>

#define LEAF1_EDX_HTT	    (1u << 28)
#define TOPO_LEVEL_SMT	    1u
#define TOPO_LEVEL_CORE	    2u
#define AMD_SIZE_LEAF	    0x80000008u
#define AMD_TOPO_LEAF	    0x8000001eu
#define LEAF4_CORES_SHIFT   26
#define AMD_CORE_BITS_SHIFT 12

unsigned cpu_topology_id_bits(uint32_t n)
{
	unsigned bits = 0;

	while (bits < 32 && (1ull << bits) < n)
		bits++;
	return bits;
}

static struct kvm_cpuid_entry2 *find(struct kvm_cpuid2 *c, uint32_t fn,
				     uint32_t index)
{
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn &&
		    c->entries[i].index == index)
			return &c->entries[i];
	return NULL;
}

/* Drops every entry of leaf fn; returns how many there were. */
static uint32_t drop_leaf(struct kvm_cpuid2 *c, uint32_t fn)
{
	uint32_t kept = 0, n = c->nent;

	for (uint32_t i = 0; i < n; i++)
		if (c->entries[i].function != fn)
			c->entries[kept++] = c->entries[i];
	c->nent = kept;
	return n - kept;
}

/* Leaf fn (0xB or 0x1F) as three subleaves: SMT, core, the end. */
static void add_x2apic_leaf(struct kvm_cpuid2 *c, uint32_t fn, uint32_t id,
			    uint32_t ncpus)
{
	const uint32_t level_eax[3] = {0, cpu_topology_id_bits(ncpus), 0};
	const uint32_t level_ebx[3] = {1, ncpus, 0};
	const uint32_t level_type[3] = {TOPO_LEVEL_SMT, TOPO_LEVEL_CORE, 0};

	for (uint32_t sub = 0; sub < 3; sub++)
		c->entries[c->nent++] = (struct kvm_cpuid_entry2){
			.function = fn,
			.index = sub,
			.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
			.eax = level_eax[sub],
			.ebx = level_ebx[sub],
			.ecx = sub | level_type[sub] << 8,
			.edx = id,
		};
}

static void set_leaf1(struct kvm_cpuid2 *c, uint32_t id, uint32_t ncpus)
{
	const uint32_t ids = 1u << cpu_topology_id_bits(ncpus);

	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function != 1)
			continue;
		e->ebx = (e->ebx & 0xffff) | (ids & 0xff) << 16 | id << 24;
		if (ncpus > 1)
			e->edx |= LEAF1_EDX_HTT;
		else
			e->edx &= ~LEAF1_EDX_HTT;
	}
}

/* Intel's leaf 4, one entry per cache: the package's core IDs. */
static void set_leaf4(struct kvm_cpuid2 *c, uint32_t ncpus)
{
	const uint32_t cores = (1u << cpu_topology_id_bits(ncpus)) - 1;

	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == 4 && (e->eax & 0x1f))
			e->eax = (e->eax & 0x03ffffff) |
				 (cores & 0x3f) << LEAF4_CORES_SHIFT;
	}
}

/* AMD's: the cores of the package and the APIC ID bits they take; the
 * extended APIC ID and core ID, one thread per core, one node. */
static void set_amd(struct kvm_cpuid2 *c, uint32_t id, uint32_t ncpus)
{
	struct kvm_cpuid_entry2 *size = find(c, AMD_SIZE_LEAF, 0);
	struct kvm_cpuid_entry2 *topo = find(c, AMD_TOPO_LEAF, 0);

	if (size)
		size->ecx = (size->ecx & ~0xf0ffu) | (ncpus - 1) |
			    cpu_topology_id_bits(ncpus) << AMD_CORE_BITS_SHIFT;
	if (topo) {
		topo->eax = id;
		topo->ebx = id & 0xff;
		topo->ecx = 0;
	}
}

int cpu_topology_apply(struct kvm_cpuid2 *cpuid, uint32_t cap, uint32_t apic_id,
		       uint32_t ncpus)
{
	struct kvm_cpuid_entry2 *leaf0 = find(cpuid, 0, 0);
	const uint32_t max = leaf0 ? leaf0->eax : 0;
	int has_1f = find(cpuid, 0x1f, 0) != NULL && max >= 0x1f;

	if (ncpus < 1 || ncpus > 255 || apic_id >= ncpus)
		return -EINVAL;
	if (cpuid->nent + CPU_TOPOLOGY_EXTRA > cap)
		return -ENOSPC;
	set_leaf1(cpuid, apic_id, ncpus);
	set_leaf4(cpuid, ncpus);
	set_amd(cpuid, apic_id, ncpus);
	drop_leaf(cpuid, 0xb);
	drop_leaf(cpuid, 0x1f);
	if (max >= 0xb)
		add_x2apic_leaf(cpuid, 0xb, apic_id, ncpus);
	if (has_1f)
		add_x2apic_leaf(cpuid, 0x1f, apic_id, ncpus);
	return 0;
}
