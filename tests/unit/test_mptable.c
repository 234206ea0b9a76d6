/* test_mptable.c - the MP tables as Linux's mpparse.c reads them: the
 * floating pointer, the header, each entry, and both checksums. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mptable.h"

#define BASE 0x9fc00u

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static int build(unsigned ncpus, uint8_t *buf, size_t room)
{
	struct mptable_config c = {ncpus, 0x00830f10, 0x178bfbff};
	struct errbuf err;

	return mptable_build(&c, BASE, buf, room, &err);
}

/* The floating pointer: what smp_scan_config checks. */
static void test_floating_pointer(void **state)
{
	uint8_t buf[MPTABLE_ROOM];

	(void)state;
	assert_int_equal(build(2, buf, sizeof(buf)), (int)mptable_size(2));
	assert_memory_equal(buf, "_MP_", 4);
	assert_int_equal(get32(buf + 4), BASE + 16);
	assert_int_equal(buf[8], 1); /* 16 bytes */
	assert_int_equal(buf[9], 4); /* spec 1.4 */
	assert_int_equal(sum(buf, 16), 0);
	assert_int_equal(buf[11], 0);	     /* a table follows, no default */
	assert_int_equal(buf[12] & 0x80, 0); /* no IMCR: virtual wire */
}

/* The header: what smp_check_mpc checks, and the entries' count. */
static void test_header(void **state)
{
	uint8_t buf[MPTABLE_ROOM];
	const uint8_t *h = buf + 16;

	(void)state;
	for (unsigned n = 1; n <= MPTABLE_MAX_CPUS; n++) {
		assert_int_equal(build(n, buf, sizeof(buf)),
				 (int)mptable_size(n));
		assert_memory_equal(h, "PCMP", 4);
		assert_int_equal(get16(h + 4), mptable_size(n) - 16);
		assert_int_equal(h[6], 4);
		assert_int_equal(sum(h, get16(h + 4)), 0);
		/* processors, 2 buses, 1 IOAPIC, 15 ISA IRQs, 2 LINTs */
		assert_int_equal(get16(h + 34), n + 2 + 1 + 15 + 2);
		assert_int_equal(get32(h + 36), 0xfee00000u);
		assert_int_equal(get16(h + 40), 0); /* no extended table */
	}
}

/* Walks the entries as Linux does, by type and size; returns the count
 * and checks what each says. */
static unsigned walk(const uint8_t *h, unsigned ncpus)
{
	const uint8_t *p = h + 44, *end = h + get16(h + 4);
	unsigned cpus = 0, irqs = 0, lints = 0, count = 0, last_type = 0;
	int seen_pin[24] = {0};

	while (p < end) {
		assert_true(p[0] >= last_type); /* sorted by type */
		last_type = p[0];
		count++;
		switch (p[0]) {
		case MPT_PROCESSOR:
			assert_int_equal(p[1], cpus); /* APIC IDs 0.. */
			assert_int_equal(p[2], MPTABLE_LAPIC_VER);
			assert_int_equal(p[3], cpus == 0 ? 3 : 1); /* BP, EN */
			assert_int_equal(get32(p + 4), 0x00830f10);
			assert_int_equal(get32(p + 8), 0x178bfbff);
			cpus++;
			p += 20;
			continue;
		case MPT_BUS:
			assert_memory_equal(p + 2,
					    p[1] == 0 ? "PCI   " : "ISA   ", 6);
			break;
		case MPT_IOAPIC:
			assert_int_equal(p[1], ncpus); /* after the LAPICs */
			assert_int_equal(p[2], MPTABLE_IOAPIC_VER);
			assert_int_equal(p[3], 1);
			assert_int_equal(get32(p + 4), 0xfec00000u);
			break;
		case MPT_IOINTR:
			assert_int_equal(p[1], MPT_INT);
			assert_int_equal(get16(p + 2), 0); /* as the bus says */
			assert_int_equal(p[4], MPTABLE_BUS_ISA);
			assert_int_not_equal(p[5], 2); /* not the cascade */
			assert_int_equal(p[6], ncpus);
			assert_int_equal(p[7], p[5]); /* IRQ n on pin n */
			assert_false(seen_pin[p[7]]);
			seen_pin[p[7]] = 1;
			irqs++;
			break;
		case MPT_LINTR:
			assert_int_equal(p[1],
					 lints == 0 ? MPT_EXTINT : MPT_NMI);
			assert_int_equal(p[6], 0xff); /* every LAPIC */
			assert_int_equal(p[7], lints);
			lints++;
			break;
		default:
			fail_msg("entry type %u", p[0]);
		}
		p += 8;
	}
	assert_ptr_equal(p, end);
	assert_int_equal(cpus, ncpus);
	assert_int_equal(irqs, 15);
	assert_int_equal(lints, 2);
	return count;
}

static void test_entries(void **state)
{
	uint8_t buf[MPTABLE_ROOM];

	(void)state;
	for (unsigned n = 1; n <= MPTABLE_MAX_CPUS; n++) {
		build(n, buf, sizeof(buf));
		assert_int_equal(walk(buf + 16, n), get16(buf + 16 + 34));
	}
}

/* One byte changed anywhere breaks a checksum. */
static void test_checksums_catch_a_change(void **state)
{
	uint8_t buf[MPTABLE_ROOM];
	size_t size = mptable_size(4);

	(void)state;
	for (size_t i = 0; i < size; i++) {
		build(4, buf, sizeof(buf));
		buf[i] ^= 0x10;
		/* a changed length is caught before a sum reads past it */
		assert_true(sum(buf, 16) != 0 || get16(buf + 20) != size - 16 ||
			    sum(buf + 16, size - 16) != 0);
	}
}

static void test_refusals(void **state)
{
	uint8_t buf[MPTABLE_ROOM];
	struct mptable_config c = {0, 0, 0};
	struct errbuf err;

	(void)state;
	assert_int_equal(mptable_build(&c, BASE, buf, sizeof(buf), &err),
			 -EINVAL);
	c.ncpus = MPTABLE_MAX_CPUS + 1;
	assert_int_equal(mptable_build(&c, BASE, buf, sizeof(buf), &err),
			 -EINVAL);
	c.ncpus = 2;
	assert_int_equal(
		mptable_build(&c, BASE, buf, mptable_size(2) - 1, &err),
		-E2BIG);
	assert_int_equal(
		mptable_build(&c, 0xfffffff8ull, buf, sizeof(buf), &err),
		-E2BIG);
	/* the largest fits the room below 640 KiB */
	assert_true(mptable_size(MPTABLE_MAX_CPUS) <= MPTABLE_ROOM);
}

/* Into guest RAM at 0x9fc00 through the checked accessor; RAM that ends
 * before it is refused. */
static void test_place(void **state)
{
	struct guest_mem mem = {calloc(1, 0xa0000), 0xa0000};
	struct mptable_config c = {3, 1, 2};
	uint8_t buf[MPTABLE_ROOM];
	struct errbuf err;

	(void)state;
	assert_non_null(mem.host);
	assert_int_equal(mptable_place(&mem, &c, &err), 0);
	build(3, buf, sizeof(buf));
	assert_memory_equal(mem.host + MPTABLE_ADDR, "_MP_", 4);
	assert_int_equal(get16(mem.host + MPTABLE_ADDR + 20),
			 mptable_size(3) - 16);
	mem.size = 0x9fc00 + 100;
	assert_int_equal(mptable_place(&mem, &c, &err), -EFAULT);
	free(mem.host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_floating_pointer),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_checksums_catch_a_change),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_place),
	};

	return cmocka_run_group_tests_name("mptable", tests, NULL, NULL);
}
