/* test_cpu_topology.c - each vCPU's CPUID: its APIC ID and one package of
 * N cores, in the leaves Linux reads, on Intel- and AMD-like tables. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu_topology.h"

#define CAP 32

/* A table with room for CAP entries (kvm_cpuid2 ends in a flexible
 * array, which may not sit inside another struct). */
#define TABLE_SIZE                                                             \
	(sizeof(struct kvm_cpuid2) + CAP * sizeof(struct kvm_cpuid_entry2))
_Alignas(struct kvm_cpuid2) static unsigned char table_buf[TABLE_SIZE];

static struct kvm_cpuid2 *table(void)
{
	return (struct kvm_cpuid2 *)table_buf;
}

static void add(struct kvm_cpuid2 *t, uint32_t fn, uint32_t index, uint32_t eax,
		uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	t->entries[t->nent++] = (struct kvm_cpuid_entry2){.function = fn,
							  .index = index,
							  .eax = eax,
							  .ebx = ebx,
							  .ecx = ecx,
							  .edx = edx};
}

/* As KVM_GET_SUPPORTED_CPUID on a host with 8 threads answers, from a
 * host CPU whose APIC ID is 5: max basic leaf 0xd or 0x1f. */
static void host_table(struct kvm_cpuid2 *t, uint32_t max, int amd)
{
	memset(t, 0, TABLE_SIZE);
	add(t, 0, 0, max, 0, 0, 0);
	add(t, 1, 0, 0x00830f10, 5u << 24 | 8u << 16 | 0x0800, 0x80000000,
	    0x178bfbff);
	if (!amd) {
		add(t, 4, 0, 0x1c004121, 0, 0, 0); /* L1d, 8 cores */
		add(t, 4, 1, 0x1c004143, 0, 0, 0);
		add(t, 4, 2, 0, 0, 0, 0); /* the end: no cache */
	}
	if (max >= 0xb) {
		add(t, 0xb, 0, 1, 2, 0x100, 5);
		add(t, 0xb, 1, 3, 8, 0x201, 5);
		add(t, 0xb, 2, 0, 0, 2, 5);
	}
	if (max >= 0x1f)
		add(t, 0x1f, 0, 1, 2, 0x100, 5);
	add(t, 0x80000000, 0, amd ? 0x8000001f : 0x80000008, 0, 0, 0);
	add(t, 0x80000008, 0, 0x3030, 0, 0x00007007, 0);
	if (amd)
		add(t, 0x8000001e, 0, 5, 0x0102, 0x0300, 0);
}

static const struct kvm_cpuid_entry2 *get(const struct kvm_cpuid2 *t,
					  uint32_t fn, uint32_t index)
{
	for (uint32_t i = 0; i < t->nent; i++)
		if (t->entries[i].function == fn &&
		    t->entries[i].index == index)
			return &t->entries[i];
	return NULL;
}

static unsigned count(const struct kvm_cpuid2 *t, uint32_t fn)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < t->nent; i++)
		n += t->entries[i].function == fn;
	return n;
}

static void test_id_bits(void **state)
{
	(void)state;
	assert_int_equal(cpu_topology_id_bits(1), 0);
	assert_int_equal(cpu_topology_id_bits(2), 1);
	assert_int_equal(cpu_topology_id_bits(3), 2);
	assert_int_equal(cpu_topology_id_bits(4), 2);
	assert_int_equal(cpu_topology_id_bits(5), 3);
	assert_int_equal(cpu_topology_id_bits(16), 4);
	assert_int_equal(cpu_topology_id_bits(32), 5);
}

/* Leaf 1 on every vCPU of 4: its APIC ID, 4 IDs, HTT; the rest kept. */
static void test_leaf1(void **state)
{
	struct kvm_cpuid2 *t = table();

	(void)state;
	for (uint32_t id = 0; id < 4; id++) {
		host_table(t, 0xd, 1);
		assert_int_equal(cpu_topology_apply(t, CAP, id, 4), 0);
		const struct kvm_cpuid_entry2 *e = get(t, 1, 0);

		assert_int_equal(e->ebx >> 24, id);
		assert_int_equal((e->ebx >> 16) & 0xff, 4);
		assert_int_equal(e->ebx & 0xffff, 0x0800);
		assert_true(e->edx & (1u << 28));
		assert_int_equal(e->edx & ~(1u << 28),
				 0x178bfbff & ~(1u << 28));
		assert_int_equal(e->eax, 0x00830f10);
	}
	/* one vCPU: APIC ID 0 (not the host's 5), no HTT */
	host_table(t, 0xd, 1);
	assert_int_equal(cpu_topology_apply(t, CAP, 0, 1), 0);
	assert_int_equal(get(t, 1, 0)->ebx >> 24, 0);
	assert_int_equal((get(t, 1, 0)->ebx >> 16) & 0xff, 1);
	assert_false(get(t, 1, 0)->edx & (1u << 28));
	/* 3 vCPUs take 4 IDs' room */
	host_table(t, 0xd, 1);
	assert_int_equal(cpu_topology_apply(t, CAP, 2, 3), 0);
	assert_int_equal((get(t, 1, 0)->ebx >> 16) & 0xff, 4);
}

/* 0xB: the host's levels replaced by SMT 1 and core N, x2APIC IDs ours;
 * added where the maximum leaf reaches it; 0x1F only where it was. */
static void test_x2apic_leaves(void **state)
{
	struct kvm_cpuid2 *t = table();

	(void)state;
	host_table(t, 0x1f, 0);
	assert_int_equal(cpu_topology_apply(t, CAP, 3, 4), 0);
	for (uint32_t fn = 0xb; fn <= 0x1f; fn += 0x1f - 0xb) {
		const struct kvm_cpuid_entry2 *smt = get(t, fn, 0);
		const struct kvm_cpuid_entry2 *core = get(t, fn, 1);
		const struct kvm_cpuid_entry2 *end = get(t, fn, 2);

		assert_int_equal(count(t, fn), 3);
		assert_non_null(smt);
		assert_int_equal(smt->eax & 0x1f, 0);
		assert_int_equal(smt->ebx & 0xffff, 1);
		assert_int_equal(smt->ecx, 0x100);
		assert_int_equal(smt->edx, 3);
		assert_true(smt->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX);
		assert_int_equal(core->eax & 0x1f, 2);
		assert_int_equal(core->ebx & 0xffff, 4);
		assert_int_equal(core->ecx, 0x201);
		assert_int_equal(core->edx, 3);
		assert_int_equal(end->ecx, 2); /* type 0: no more levels */
		assert_int_equal(end->ebx, 0);
		assert_int_equal(end->edx, 3);
	}
	/* max 0xa: neither leaf appears */
	host_table(t, 0xa, 1);
	assert_int_equal(cpu_topology_apply(t, CAP, 1, 2), 0);
	assert_int_equal(count(t, 0xb), 0);
	assert_int_equal(count(t, 0x1f), 0);
	/* max 0xd (the sandbox's EPYC) without KVM's 0xB entries: 0xB
	 * added, as a Zen 2 has it, 0x1F not */
	host_table(t, 0xa, 1);
	t->entries[0].eax = 0xd;
	assert_int_equal(count(t, 0xb), 0);
	assert_int_equal(cpu_topology_apply(t, CAP, 1, 2), 0);
	assert_int_equal(count(t, 0xb), 3);
	assert_int_equal(get(t, 0xb, 1)->ebx, 2);
	assert_int_equal(count(t, 0x1f), 0);
}

/* Intel's leaf 4: the core IDs less one in EAX[31:26], the cache kept;
 * the terminating entry untouched. */
static void test_leaf4(void **state)
{
	struct kvm_cpuid2 *t = table();

	(void)state;
	host_table(t, 0xd, 0);
	assert_int_equal(cpu_topology_apply(t, CAP, 0, 4), 0);
	assert_int_equal(get(t, 4, 0)->eax >> 26, 3);
	assert_int_equal(get(t, 4, 0)->eax & 0x03ffffff, 0x00004121);
	assert_int_equal(get(t, 4, 1)->eax >> 26, 3);
	assert_int_equal(get(t, 4, 2)->eax, 0);
}

/* AMD: NC and the APIC ID's core bits; the extended APIC ID is ours. */
static void test_amd(void **state)
{
	struct kvm_cpuid2 *t = table();

	(void)state;
	host_table(t, 0xd, 1);
	assert_int_equal(cpu_topology_apply(t, CAP, 2, 4), 0);
	assert_int_equal(get(t, 0x80000008, 0)->ecx & 0xff, 3);
	assert_int_equal((get(t, 0x80000008, 0)->ecx >> 12) & 0xf, 2);
	assert_int_equal(get(t, 0x80000008, 0)->eax, 0x3030);
	assert_int_equal(get(t, 0x8000001e, 0)->eax, 2);
	assert_int_equal(get(t, 0x8000001e, 0)->ebx, 2); /* 1 thread */
	assert_int_equal(get(t, 0x8000001e, 0)->ecx, 0); /* 1 node */
}

static void test_refusals(void **state)
{
	struct kvm_cpuid2 *t = table();

	(void)state;
	host_table(t, 0x1f, 0);
	assert_int_equal(cpu_topology_apply(t, CAP, 4, 4), -EINVAL);
	assert_int_equal(cpu_topology_apply(t, CAP, 0, 0), -EINVAL);
	assert_int_equal(cpu_topology_apply(t, CAP, 0, 256), -EINVAL);
	/* no room for what may be added: refused, table unchanged */
	assert_int_equal(cpu_topology_apply(t, t->nent + 5, 1, 2), -ENOSPC);
	assert_int_equal(get(t, 1, 0)->ebx >> 24, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_bits),
		cmocka_unit_test(test_leaf1),
		cmocka_unit_test(test_x2apic_leaves),
		cmocka_unit_test(test_leaf4),
		cmocka_unit_test(test_amd),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests_name("cpu_topology", tests, NULL, NULL);
}
