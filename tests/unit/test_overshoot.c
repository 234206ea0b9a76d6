/* test_overshoot.c - the slice timer armed early by the overshoot seen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "overshoot.h"

#define MS 1000000ull

/* A KVM_RUN that returns 0.56 ms after the tick: slices converge to the
 * quantum (1.56 ms before). */
static void test_converges_to_the_quantum(void **state)
{
	struct overshoot o = {0};
	uint64_t ran = 0;

	(void)state;
	assert_int_equal(overshoot_arm(&o, MS), MS);
	for (unsigned k = 0; k < 200; k++) {
		uint64_t armed = overshoot_arm(&o, MS);

		ran = armed + 560000;
		overshoot_note(&o, MS, armed, ran, ran);
	}
	assert_true(ran > MS - 10000 && ran < MS + 10000);
}

/* An overshoot larger than the quantum (or a host preemption) arms no
 * earlier than a quarter of the quantum; a single outlier moves the
 * estimate by a sixteenth of 3/4 of a quantum at most. */
static void test_bounded_by_the_floor(void **state)
{
	struct overshoot o = {0};

	(void)state;
	overshoot_note(&o, MS, MS, MS + 50 * MS, MS + 50 * MS);
	assert_true(o.estimate_ns <= MS / 4 * 3 / 16);
	for (unsigned k = 0; k < 500; k++)
		overshoot_note(&o, MS, overshoot_arm(&o, MS),
			       overshoot_arm(&o, MS) + 5 * MS,
			       overshoot_arm(&o, MS) + 5 * MS);
	assert_int_equal(overshoot_arm(&o, MS), MS / 4);
	/* and it comes back when KVM_RUN returns on time again */
	for (unsigned k = 0; k < 500; k++)
		overshoot_note(&o, MS, overshoot_arm(&o, MS),
			       overshoot_arm(&o, MS), overshoot_arm(&o, MS));
	assert_true(overshoot_arm(&o, MS) > MS - 20000);
}

/* A slice the host preempted (wall far beyond CPU) says nothing about
 * KVM_RUN: the estimate stays where clean slices put it. */
static void test_preempted_slices_teach_nothing(void **state)
{
	struct overshoot o = {0};

	(void)state;
	for (unsigned k = 0; k < 100; k++)
		overshoot_note(&o, MS, overshoot_arm(&o, MS),
			       overshoot_arm(&o, MS) + 100000,
			       overshoot_arm(&o, MS) + 100000);
	uint64_t before = o.estimate_ns;

	for (unsigned k = 0; k < 100; k++)
		overshoot_note(&o, MS, overshoot_arm(&o, MS), 30 * MS, MS);
	assert_int_equal(o.estimate_ns, before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_converges_to_the_quantum),
		cmocka_unit_test(test_bounded_by_the_floor),
		cmocka_unit_test(test_preempted_slices_teach_nothing),
	};

	return cmocka_run_group_tests_name("overshoot", tests, NULL, NULL);
}
