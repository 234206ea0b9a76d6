/* test_scheduler.c - the policies' picks and accounts, simulated without KVM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scheduler.h"

#define MAX 64

static struct sched s;
static struct sched_entity e[MAX];
static unsigned heap[MAX];

static void init(enum sched_policy p, const uint64_t *weights, unsigned n)
{
	memset(e, 0, sizeof(e));
	for (unsigned i = 0; i < n; i++)
		e[i].weight = weights[i];
	assert_int_equal(sched_init(&s, p, 1000, e, n, heap, NULL), 0);
}

/* Runs picks, charging each the time run_ns(i) says it ran. */
static void simulate(unsigned picks, uint64_t (*run_ns)(unsigned i))
{
	for (unsigned k = 0; k < picks; k++) {
		int i = sched_pick(&s);

		assert_true(i >= 0);
		sched_charge(&s, (unsigned)i, run_ns((unsigned)i));
	}
}

static uint64_t full_quantum(unsigned i)
{
	(void)i;
	return 1000;
}

static void test_frac_seven_three(void **state)
{
	const uint64_t w[] = {7, 3};
	unsigned run_of_a = 0, longest = 0;

	(void)state;
	init(POLICY_FRAC, w, 2);
	/* every window of 10 quanta: exactly 7 and 3 */
	for (unsigned cycle = 0; cycle < 10; cycle++) {
		unsigned count[2] = {0, 0};

		for (unsigned k = 0; k < 10; k++) {
			int i = sched_pick(&s);

			count[i]++;
			run_of_a = i == 0 ? run_of_a + 1 : 0;
			if (run_of_a > longest)
				longest = run_of_a;
			sched_charge(&s, (unsigned)i, 1000);
		}
		assert_int_equal(count[0], 7);
		assert_int_equal(count[1], 3);
	}
	/* smooth: Morpheus never waits for seven quanta in a row */
	assert_true(longest <= 3);
}

static void test_rr_alternates_and_skips_retired(void **state)
{
	const uint64_t w[] = {1, 1, 1};

	(void)state;
	init(POLICY_RR, w, 3);
	assert_int_equal(sched_pick(&s), 0);
	assert_int_equal(sched_pick(&s), 1);
	assert_int_equal(sched_pick(&s), 2);
	assert_int_equal(sched_pick(&s), 0);
	sched_retire(&s, 1);
	assert_int_equal(sched_pick(&s), 2);
	assert_int_equal(sched_pick(&s), 0);
	sched_retire(&s, 0);
	sched_retire(&s, 2);
	assert_int_equal(sched_pick(&s), -1);
}

static void test_fair_weights_one_to_eight(void **state)
{
	const uint64_t w[] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint64_t total = 0;

	(void)state;
	init(POLICY_FAIR, w, 8);
	simulate(36 * 100, full_quantum);
	for (unsigned i = 0; i < 8; i++)
		total += e[i].run_ns;
	for (unsigned i = 0; i < 8; i++) {
		double share = (double)e[i].run_ns / (double)total;

		assert_true(share > w[i] / 36.0 - 0.002 &&
			    share < w[i] / 36.0 + 0.002);
	}
}

/* A VM whose slices end early (it yields on I/O) is charged what it ran,
 * so it is picked more often and still gets its share of time. */
static uint64_t short_slices_for_zero(unsigned i)
{
	return i == 0 ? 100 : 1000;
}

static void test_fair_charges_measured_time(void **state)
{
	const uint64_t w[] = {1, 1};

	(void)state;
	init(POLICY_FAIR, w, 2);
	simulate(2200, short_slices_for_zero);
	assert_true(e[0].slices > 8 * e[1].slices);
	assert_true(e[0].run_ns * 100 / e[1].run_ns >= 98);
	assert_true(e[0].run_ns * 100 / e[1].run_ns <= 102);
}

static void test_fair_join_starts_at_global_pass(void **state)
{
	const uint64_t w[] = {1, 1, 1};

	(void)state;
	init(POLICY_FAIR, w, 3);
	sched_retire(&s, 2);
	simulate(100, full_quantum); /* 0 and 1 run for a while */
	sched_join(&s, 2);
	/* the newcomer is not owed the whole past: within a couple of picks
	 * the three take turns again */
	unsigned picks_of_2 = 0;

	for (unsigned k = 0; k < 30; k++) {
		int i = sched_pick(&s);

		picks_of_2 += i == 2;
		sched_charge(&s, (unsigned)i, 1000);
	}
	assert_true(picks_of_2 >= 9 && picks_of_2 <= 11);
}

static void test_fair_many_vms(void **state)
{
	uint64_t w[MAX];

	(void)state;
	for (unsigned i = 0; i < MAX; i++)
		w[i] = 1 + (i * 37) % 100;
	init(POLICY_FAIR, w, MAX);
	simulate(200000, full_quantum);
	uint64_t total_w = 0, total_ns = 0;

	for (unsigned i = 0; i < MAX; i++)
		total_w += w[i], total_ns += e[i].run_ns;
	for (unsigned i = 0; i < MAX; i++) {
		double err =
			(double)e[i].run_ns / total_ns - (double)w[i] / total_w;

		assert_true(err < 0.001 && err > -0.001);
	}
}

static void test_bad_setup(void **state)
{
	const uint64_t w[] = {1, 0};

	(void)state;
	memset(e, 0, sizeof(e));
	e[0].weight = w[0];
	e[1].weight = w[1];
	assert_int_equal(sched_init(&s, POLICY_FAIR, 1000, e, 2, heap, NULL),
			 -22);
	assert_int_equal(sched_init(&s, POLICY_FAIR, 1000, e, 0, heap, NULL),
			 -22);
}

static void test_policy_names(void **state)
{
	enum sched_policy p;

	(void)state;
	assert_int_equal(sched_policy_parse("fair", &p), 0);
	assert_int_equal(p, POLICY_FAIR);
	assert_string_equal(sched_policy_name(POLICY_IO), "io");
	assert_int_equal(sched_policy_parse("Fair", &p), -22);
	assert_int_equal(sched_policy_parse(NULL, &p), -22);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frac_seven_three),
		cmocka_unit_test(test_rr_alternates_and_skips_retired),
		cmocka_unit_test(test_fair_weights_one_to_eight),
		cmocka_unit_test(test_fair_charges_measured_time),
		cmocka_unit_test(test_fair_join_starts_at_global_pass),
		cmocka_unit_test(test_fair_many_vms),
		cmocka_unit_test(test_bad_setup),
		cmocka_unit_test(test_policy_names),
	};

	return cmocka_run_group_tests_name("scheduler", tests, NULL, NULL);
}
