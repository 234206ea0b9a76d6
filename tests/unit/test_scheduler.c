/* test_scheduler.c - the policies' picks and accounts, simulated without KVM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scheduler.h"

#define MAX  10000 /* entities in the largest simulations */
#define MANY 64

static struct sched s;
static struct sched_entity e[MAX];
static unsigned heap[MAX];

static void init_quantum(enum sched_policy p, const uint64_t *weights,
			 unsigned n, uint64_t quantum)
{
	memset(e, 0, sizeof(e));
	for (unsigned i = 0; i < n; i++)
		e[i].weight = weights[i];
	assert_int_equal(sched_init(&s, p, quantum, e, n, heap, NULL), 0);
}

static void init(enum sched_policy p, const uint64_t *weights, unsigned n)
{
	init_quantum(p, weights, n, 1000);
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
	uint64_t w[MANY];

	(void)state;
	for (unsigned i = 0; i < MANY; i++)
		w[i] = 1 + (i * 37) % 100;
	init(POLICY_FAIR, w, MANY);
	simulate(200000, full_quantum);
	uint64_t total_w = 0, total_ns = 0;

	for (unsigned i = 0; i < MANY; i++)
		total_w += w[i], total_ns += e[i].run_ns;
	for (unsigned i = 0; i < MANY; i++) {
		double err =
			(double)e[i].run_ns / total_ns - (double)w[i] / total_w;

		assert_true(err < 0.001 && err > -0.001);
	}
}

/* --- long runs: virtual time passes 2^64 ------------------------------------
 *
 * What stride scheduling guarantees while every slice is at most a quantum
 * q (every runnable pass lies within one stride of the lowest):
 *  - no entity runs more than q ahead of its weighted target w_i * T / W;
 *  - none falls more than n * w_i / W quanta behind it (one quantum for a
 *    weight at or below the mean; up to twice that for the heaviest of
 *    weights 1..100);
 *  - between two of its slices, the others run at most
 *    q * sum over j != i of (w_j / w_i + 1).
 * A comparison of passes that breaks when they wrap breaks all three.
 */
struct long_run {
	int eevdf; /* lag within one quantum either way */
	uint64_t quantum, total;
	uint64_t waited[MAX]; /* ns the others ran since i last ran */
	uint64_t max_waited[MAX];
};

/* How long slice k of entity i lasts: a few end early (an I/O yield). */
static uint64_t varied_slice(const struct long_run *r, unsigned i, uint64_t k)
{
	return (k + i) % 5 == 0 ? r->quantum / 3 : r->quantum;
}

static void check_lag(const struct long_run *r, unsigned n, uint64_t total_w)
{
	const long double q = r->quantum;

	for (unsigned i = 0; i < n; i++) {
		long double w = e[i].weight,
			    lag = w * r->total / total_w - e[i].run_ns,
			    behind = r->eevdf ? q : q * n * w / total_w;

		if (lag < -(q + 1000) || lag > behind + 1000)
			fail_msg("entity %u (weight %.0Lf) is %.3Lf quanta "
				 "from its target after %.1Lf days",
				 i, w, lag / q,
				 (long double)r->total / 86400e9);
	}
}

static void check_waits(const struct long_run *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		long double bound = 0;

		for (unsigned j = 0; j < n; j++)
			if (j != i)
				bound +=
					(long double)e[j].weight / e[i].weight +
					1;
		if (r->max_waited[i] > bound * r->quantum + 1000)
			fail_msg("entity %u (weight %llu) waited %.1Lf quanta, "
				 "more than %.1Lf",
				 i, (unsigned long long)e[i].weight,
				 (long double)r->max_waited[i] / r->quantum,
				 bound);
	}
}

/* Runs picks of varied slices, checking lag after every one of them. */
static void run_long(struct long_run *r, unsigned n, uint64_t total_ns)
{
	uint64_t total_w = 0;

	for (unsigned i = 0; i < n; i++)
		total_w += e[i].weight;
	for (uint64_t k = 0; r->total < total_ns; k++) {
		int i = sched_pick(&s);
		uint64_t ran;

		assert_true(i >= 0);
		ran = varied_slice(r, (unsigned)i, k);
		sched_charge(&s, (unsigned)i, ran);
		r->total += ran;
		for (unsigned j = 0; j < n; j++)
			r->waited[j] += (unsigned)i == j ? 0 : ran;
		if (r->waited[i] > r->max_waited[i])
			r->max_waited[i] = r->waited[i];
		r->waited[i] = 0;
		check_lag(r, n, total_w);
	}
	for (unsigned i = 0; i < n; i++)
		if (r->waited[i] > r->max_waited[i])
			r->max_waited[i] = r->waited[i];
	check_waits(r, n);
}

/* Weights 1..100 at one-hour quanta for 160 weeks: long enough for passes
 * that start at 0 to pass 2^64 (after 2^44 ns times the total weight of
 * 5050, 2.8 years). */
static void test_fair_weeks_weights_one_to_hundred(void **state)
{
	static struct long_run r;
	uint64_t w[100];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.quantum = 3600ull * 1000000000;
	for (unsigned i = 0; i < 100; i++)
		w[i] = i + 1;
	init_quantum(POLICY_FAIR, w, 100, r.quantum);
	run_long(&r, 100, 160ull * 7 * 86400 * 1000000000);
}

/* Two weight-1 VMs at one-second quanta: the passes wrap after 9.8 hours
 * (2^44 ns each); a comparison that does not survive it runs one VM for
 * hours while the other starves. */
static void test_fair_two_vms_past_the_wrap(void **state)
{
	static struct long_run r;
	const uint64_t w[] = {1, 1};

	(void)state;
	memset(&r, 0, sizeof(r));
	r.quantum = 1000000000;
	init_quantum(POLICY_FAIR, w, 2, r.quantum);
	run_long(&r, 2, 12ull * 3600 * 1000000000);
}

/* A slice far longer than any quantum (the host stopped matrix for four
 * days) is charged in full to run_ns but must neither wrap the VM's pass
 * ahead of the others' nor shut it out for days. */
static void test_fair_overlong_slice(void **state)
{
	const uint64_t w[] = {1, 1};
	const uint64_t second = 1000000000;
	unsigned picks_of_1 = 0;

	(void)state;
	init_quantum(POLICY_FAIR, w, 2, second);
	assert_int_equal(sched_pick(&s), 0);
	sched_charge(&s, 0, 96 * 3600 * second);
	assert_int_equal(e[0].run_ns, 96 * 3600 * second);
	while (sched_pick(&s) == 1) {
		sched_charge(&s, 1, second);
		assert_true(++picks_of_1 <= SCHED_QUANTUM_MAX / second);
	}
	assert_int_equal(picks_of_1, SCHED_QUANTUM_MAX / second);
}

/* --- eevdf ------------------------------------------------------------------
 */

static void test_eevdf_weights_one_to_eight(void **state)
{
	const uint64_t w[] = {1, 2, 3, 4, 5, 6, 7, 8};

	(void)state;
	init(POLICY_EEVDF, w, 8);
	simulate(36 * 100, full_quantum);
	/* 100 rounds of 36 quanta: each gets w_i quanta a round, exactly */
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(e[i].run_ns, w[i] * 100 * 1000);
}

/* The lag the scheduler tracks is the ideal integral: checked against a
 * brute-force sum over every slice, with joins and leaves, under each
 * policy. */
static void test_lag_is_the_ideal_integral(void **state)
{
	const uint64_t w[] = {3, 1, 4, 1, 5};
	const enum sched_policy policies[] = {POLICY_RR, POLICY_FAIR,
					      POLICY_EEVDF, POLICY_FRAC};

	(void)state;
	for (unsigned p = 0; p < 4; p++) {
		long double ideal[5] = {0}, hi[5] = {0}, lo[5] = {0};

		init(policies[p], w, 5);
		for (unsigned k = 0; k < 3000; k++) {
			int i = sched_pick(&s);
			uint64_t ran = 200 + (k * 7919) % 1000, tw = 0;

			for (unsigned j = 0; j < 5; j++)
				if (e[j].runnable)
					tw += p == 0 ? 1 : w[j];
			for (unsigned j = 0; j < 5; j++) {
				long double lag = ideal[j] - e[j].run_ns;

				hi[j] = lag > hi[j] ? lag : hi[j];
			}
			for (unsigned j = 0; j < 5; j++)
				if (e[j].runnable)
					ideal[j] += (long double)ran *
						    (p == 0 ? 1 : w[j]) / tw;
			sched_charge(&s, (unsigned)i, ran);
			for (unsigned j = 0; j < 5; j++) {
				long double lag = ideal[j] - e[j].run_ns;

				lo[j] = lag < lo[j] ? lag : lo[j];
				assert_true(sched_lag_ns(&s, j) - lag < 1e-3 &&
					    lag - sched_lag_ns(&s, j) < 1e-3);
			}
			if (k % 97 == 13)
				sched_retire(&s, k % 5);
			if (k % 89 == 7)
				sched_join(&s, (k / 89) % 5);
		}
		sched_note_lags(&s);
		for (unsigned j = 0; j < 5; j++) {
			assert_true(e[j].lag_max_ns - hi[j] < 1e-3 &&
				    hi[j] - e[j].lag_max_ns < 1e-3);
			assert_true(e[j].lag_min_ns - lo[j] < 1e-3 &&
				    lo[j] - e[j].lag_min_ns < 1e-3);
		}
	}
}

/* 10,000 entities of weights 1..8, slices of a quantum or a third of one:
 * EEVDF keeps every lag within one quantum (the longest slice) of the
 * ideal over 30 slices each, where stride scheduling lets the heavy ones
 * fall more than a quantum behind. */
static double worst_lag_of_ten_thousand(enum sched_policy p)
{
	const uint64_t q = 1000000;
	double worst = 0;

	memset(e, 0, sizeof(e));
	for (unsigned i = 0; i < MAX; i++)
		e[i].weight = 1 + i % 8;
	assert_int_equal(sched_init(&s, p, q, e, MAX, heap, NULL), 0);
	for (unsigned k = 0; k < 30 * MAX; k++) {
		int i = sched_pick(&s);

		assert_true(i >= 0);
		sched_charge(&s, (unsigned)i, k % 5 == 0 ? q / 3 : q);
	}
	sched_note_lags(&s);
	for (unsigned i = 0; i < MAX; i++) {
		worst = e[i].lag_max_ns > worst ? e[i].lag_max_ns : worst;
		worst = -e[i].lag_min_ns > worst ? -e[i].lag_min_ns : worst;
	}
	return worst / q;
}

static void test_eevdf_ten_thousand_within_a_quantum(void **state)
{
	double eevdf, fair;

	(void)state;
	eevdf = worst_lag_of_ten_thousand(POLICY_EEVDF);
	fair = worst_lag_of_ten_thousand(POLICY_FAIR);
	if (eevdf > 1.0 + 1e-6)
		fail_msg("eevdf: worst lag %.3f quanta (fair %.3f)", eevdf,
			 fair);
	assert_true(fair > 1.0);
}

/* Joins and leaves at 10,000 entities: EEVDF's own lag stays within a
 * quantum of V for everyone in the rotation, and within two (its clamp)
 * for those out of it. */
static void test_eevdf_ten_thousand_joins_and_leaves(void **state)
{
	const uint64_t q = 1000000;

	(void)state;
	memset(e, 0, sizeof(e));
	for (unsigned i = 0; i < MAX; i++)
		e[i].weight = 1 + i % 8;
	assert_int_equal(sched_init(&s, POLICY_EEVDF, q, e, MAX, heap, NULL),
			 0);
	srand(17);
	for (unsigned k = 0; k < 20 * MAX; k++) {
		int i = sched_pick(&s);
		unsigned j = (unsigned)rand() % MAX;

		assert_true(i >= 0);
		sched_charge(&s, (unsigned)i, k % 5 == 0 ? q / 3 : q);
		if (k % 7 == 0) {
			if (e[j].runnable && s.runnable > 1)
				sched_retire(&s, j);
			else
				sched_join(&s, j);
		}
		if (k % 10007 != 0)
			continue;
		for (unsigned n = 0; n < MAX; n++) {
			double lag = sched_eevdf_lag_ns(&s, n) / q,
			       bound = e[n].runnable ? 1.0 + 1e-6 : 2.0;

			if (lag > bound || lag < -bound)
				fail_msg(
					"entity %u (weight %llu, %s): lag %.3f "
					"quanta after %u picks",
					n, (unsigned long long)e[n].weight,
					e[n].runnable ? "in" : "out", lag, k);
		}
	}
	assert_true(s.runnable > MAX / 4 && s.runnable < MAX * 3 / 4);
}

/* A VM that leaves behind comes back behind and runs first; one that
 * leaves ahead comes back ahead and waits: the lag is kept. */
static void test_eevdf_lag_kept_across_a_leave(void **state)
{
	const uint64_t w[] = {1, 1, 1};

	(void)state;
	init(POLICY_EEVDF, w, 3);
	assert_int_equal(sched_pick(&s), 0);
	sched_charge(&s, 0, 1000);
	/* 2 has not run: a third of a quantum behind... or more */
	assert_true(sched_eevdf_lag_ns(&s, 2) > 300);
	sched_retire(&s, 2);
	assert_true(sched_eevdf_lag_ns(&s, 2) > 300);
	simulate(20, full_quantum);
	sched_join(&s, 2);
	assert_true(sched_eevdf_lag_ns(&s, 2) > 300);
	/* it is eligible at once; one of the others may have the earlier
	 * deadline (half a quantum behind), then 2 runs */
	for (unsigned k = 0; sched_pick(&s) != 2; k++) {
		assert_true(k < 1);
		sched_charge(&s, (unsigned)s.current, 1000);
	}
	/* now 2 runs and leaves ahead: the others run before it again */
	sched_charge(&s, 2, 1000);
	sched_charge(&s, 2, 1000);
	assert_true(sched_eevdf_lag_ns(&s, 2) < -300);
	sched_retire(&s, 2);
	sched_join(&s, 2);
	assert_true(sched_eevdf_lag_ns(&s, 2) < -300);
	assert_true(sched_pick(&s) != 2);
}

/* Weeks at one-hour quanta with weights 1..100: virtual times wrap, and
 * lag and waits stay within stride's bounds (EEVDF's are tighter). */
static void test_eevdf_weeks_weights_one_to_hundred(void **state)
{
	static struct long_run r;
	uint64_t w[100];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.quantum = 3600ull * 1000000000;
	for (unsigned i = 0; i < 100; i++)
		w[i] = i + 1;
	r.eevdf = 1;
	init_quantum(POLICY_EEVDF, w, 100, r.quantum);
	run_long(&r, 100, 160ull * 7 * 86400 * 1000000000);
}

static void test_pairwise_error(void **state)
{
	const uint64_t w[] = {1, 3, 1};

	(void)state;
	init(POLICY_FAIR, w, 3);
	assert_true(sched_pairwise_error_ns(&s) == 0);
	/* 1 runs 2000 ns alone: lags 400, -800, 400 (ideal 400, 1200,
	 * 400). Pair (0,1): |400/1 - (-800)/3| * 3/4 = 500; (0,2): 0;
	 * (1,2) as (0,1). */
	sched_charge(&s, 1, 2000);
	assert_true(sched_pairwise_error_ns(&s) > 500 - 1e-6 &&
		    sched_pairwise_error_ns(&s) < 500 + 1e-6);
	/* one left in the rotation: no pairs */
	sched_retire(&s, 0);
	sched_retire(&s, 2);
	assert_true(sched_pairwise_error_ns(&s) == 0);
}

/* The worst pairwise error by weight classes is the worst over all pairs:
 * 300 entities of weights 1..8 after an uneven run, against O(n^2). */
static void test_pairwise_error_of_many(void **state)
{
	uint64_t w[300];
	double worst = 0;

	(void)state;
	for (unsigned i = 0; i < 300; i++)
		w[i] = 1 + (i * 5) % 8;
	init(POLICY_FAIR, w, 300);
	simulate(5000, short_slices_for_zero);
	sched_retire(&s, 7);
	for (unsigned a = 0; a < 300; a++) {
		for (unsigned b = 0; b < 300; b++) {
			double x = sched_lag_ns(&s, a) / w[a],
			       y = sched_lag_ns(&s, b) / w[b];
			double err = (x > y ? x - y : y - x) * w[a] * w[b] /
				     (w[a] + w[b]);

			if (e[a].runnable && e[b].runnable && err > worst)
				worst = err;
		}
	}
	assert_true(worst > 0);
	assert_true(sched_pairwise_error_ns(&s) - worst < 1e-6 &&
		    worst - sched_pairwise_error_ns(&s) < 1e-6);
}

static void test_target_share_of_the_runnable(void **state)
{
	const uint64_t w[] = {1, 2, 3};

	(void)state;
	init(POLICY_FAIR, w, 3);
	assert_true(sched_target_share(&s, 2) == 0.5);
	sched_retire(&s, 2); /* its guest halted */
	assert_true(sched_target_share(&s, 0) == 1.0 / 3);
	assert_true(sched_target_share(&s, 1) == 2.0 / 3);
	assert_true(sched_target_share(&s, 2) == 0.0);
	sched_join(&s, 2);
	assert_true(sched_target_share(&s, 2) == 0.5);
	init(POLICY_FRAC, w, 3);
	sched_retire(&s, 0);
	assert_true(sched_target_share(&s, 1) == 0.4);
	init(POLICY_RR, w, 3);
	sched_retire(&s, 1);
	assert_true(sched_target_share(&s, 0) == 0.5);
	assert_true(sched_target_share(&s, 1) == 0.0);
	sched_retire(&s, 0);
	sched_retire(&s, 2);
	assert_true(sched_target_share(&s, 2) == 0.0); /* none left */
}

static void test_bad_setup(void **state)
{
	const uint64_t w[] = {1, 0};
	struct errbuf err;

	(void)state;
	memset(e, 0, sizeof(e));
	e[0].weight = w[0];
	e[1].weight = w[1];
	assert_int_equal(sched_init(&s, POLICY_FAIR, 1000, e, 2, heap, NULL),
			 -22);
	assert_int_equal(sched_init(&s, POLICY_FAIR, 1000, e, 0, heap, NULL),
			 -22);
	e[1].weight = SCHED_WEIGHT_MAX + 1;
	assert_int_equal(sched_init(&s, POLICY_FAIR, 1000, e, 2, heap, NULL),
			 -22);
	e[1].weight = SCHED_WEIGHT_MAX;
	assert_int_equal(sched_init(&s, POLICY_FAIR, SCHED_QUANTUM_MAX, e, 2,
				    heap, NULL),
			 0);
	assert_int_equal(sched_init(&s, POLICY_FAIR, SCHED_QUANTUM_MAX + 1, e,
				    2, heap, &err),
			 -22);
	assert_non_null(strstr(err.msg, "longer than 3600 s"));
}

static void test_policy_names(void **state)
{
	enum sched_policy p;

	(void)state;
	assert_int_equal(sched_policy_parse("fair", &p), 0);
	assert_int_equal(p, POLICY_FAIR);
	assert_int_equal(sched_policy_parse("eevdf", &p), 0);
	assert_int_equal(p, POLICY_EEVDF);
	assert_string_equal(sched_policy_name(POLICY_EEVDF), "eevdf");
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
		cmocka_unit_test(test_fair_weeks_weights_one_to_hundred),
		cmocka_unit_test(test_fair_two_vms_past_the_wrap),
		cmocka_unit_test(test_fair_overlong_slice),
		cmocka_unit_test(test_eevdf_weights_one_to_eight),
		cmocka_unit_test(test_lag_is_the_ideal_integral),
		cmocka_unit_test(test_eevdf_ten_thousand_within_a_quantum),
		cmocka_unit_test(test_eevdf_ten_thousand_joins_and_leaves),
		cmocka_unit_test(test_eevdf_lag_kept_across_a_leave),
		cmocka_unit_test(test_eevdf_weeks_weights_one_to_hundred),
		cmocka_unit_test(test_pairwise_error),
		cmocka_unit_test(test_pairwise_error_of_many),
		cmocka_unit_test(test_target_share_of_the_runnable),
		cmocka_unit_test(test_bad_setup),
		cmocka_unit_test(test_policy_names),
	};

	return cmocka_run_group_tests_name("scheduler", tests, NULL, NULL);
}
