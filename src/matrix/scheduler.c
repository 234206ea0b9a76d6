/* scheduler.c - the five policies: alternate on I/O, round robin, fractional
 * quanta, stride, EEVDF; and each entity's lag against its ideal share. */
#include "scheduler.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const policy_names[] = {
	[POLICY_IO] = "io",	  [POLICY_RR] = "rr",
	[POLICY_FRAC] = "frac",	  [POLICY_FAIR] = "fair",
	[POLICY_EEVDF] = "eevdf",
};

const char *sched_policy_name(enum sched_policy p)
{
	return p <= POLICY_EEVDF ? policy_names[p] : "unknown";
}

int sched_policy_parse(const char *text, enum sched_policy *p)
{
	for (unsigned i = 0; i <= POLICY_EEVDF; i++) {
		if (text && !strcmp(text, policy_names[i])) {
			*p = (enum sched_policy)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* --- fair and eevdf: binary min-heaps of entities by virtual time ------- */

/* A charge moves a pass by at most SCHED_QUANTUM_MAX * STRIDE_SCALE, so
 * runnable passes stay that close to each other, and a signed difference
 * orders them. */
_Static_assert(SCHED_QUANTUM_MAX <= INT64_MAX / STRIDE_SCALE,
	       "runnable passes stay within 2^63 of each other");

/*
 * Passes start this close to 2^64, as the kernel starts jiffies five
 * minutes before they wrap: a comparison that does not survive the wrap
 * then fails within minutes of any run (two VMs of weight 1 pass 2^64
 * after 69 s, weights 7 and 3 after 5.7 min), not after hours.
 */
#define PASS_START (0 - (1ull << 55))

/* a comes before b in virtual time; wrap-safe for passes within 2^63. */
static int pass_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

static unsigned *heap_at(const struct sched_heap *h, unsigned pos)
{
	return h->down ? h->base - pos : h->base + pos;
}

static uint64_t heap_key(const struct sched_heap *h,
			 const struct sched_entity *x)
{
	return h->by_deadline ? x->deadline : x->pass;
}

static int heap_less(const struct sched *s, const struct sched_heap *h,
		     unsigned a, unsigned b)
{
	unsigned ia = *heap_at(h, a), ib = *heap_at(h, b);
	uint64_t ka = heap_key(h, &s->e[ia]), kb = heap_key(h, &s->e[ib]);

	/* Ties go to the lower index, so runs are reproducible. */
	return pass_before(ka, kb) || (ka == kb && ia < ib);
}

static void heap_swap(struct sched *s, struct sched_heap *h, unsigned a,
		      unsigned b)
{
	unsigned *x = heap_at(h, a), *y = heap_at(h, b), t = *x;

	*x = *y;
	*y = t;
	s->e[*x].heap_pos = a;
	s->e[*y].heap_pos = b;
}

static void heap_up(struct sched *s, struct sched_heap *h, unsigned pos)
{
	while (pos > 0 && heap_less(s, h, pos, (pos - 1) / 2)) {
		heap_swap(s, h, pos, (pos - 1) / 2);
		pos = (pos - 1) / 2;
	}
}

static void heap_down(struct sched *s, struct sched_heap *h, unsigned pos)
{
	for (;;) {
		unsigned l = 2 * pos + 1, r = l + 1, min = pos;

		if (l < h->len && heap_less(s, h, l, min))
			min = l;
		if (r < h->len && heap_less(s, h, r, min))
			min = r;
		if (min == pos)
			return;
		heap_swap(s, h, pos, min);
		pos = min;
	}
}

static void heap_push(struct sched *s, unsigned which, unsigned i)
{
	struct sched_heap *h = &s->heap[which];

	*heap_at(h, h->len) = i;
	s->e[i].heap = which;
	s->e[i].heap_pos = h->len++;
	heap_up(s, h, s->e[i].heap_pos);
}

static void heap_remove(struct sched *s, unsigned i)
{
	struct sched_heap *h = &s->heap[s->e[i].heap];
	unsigned pos = s->e[i].heap_pos;

	heap_swap(s, h, pos, --h->len);
	if (pos < h->len) {
		heap_down(s, h, pos);
		heap_up(s, h, pos);
	}
}

static unsigned heap_top(const struct sched_heap *h)
{
	return *heap_at(h, 0);
}

/* --- eevdf: eligible virtual deadline first ----------------------------------
 *
 * V advances by the run time charged over the total weight, each pass
 * (virtual eligible time) by the entity's run time over its weight, so
 * that the lags w_i (V - pass_i) always sum to zero. An entity is eligible
 * when its pass is not after V (it is not ahead), and its deadline is its
 * pass plus one quantum's worth of virtual time: of the eligible, the one
 * with the earliest deadline runs. heap[1] holds the eligible by deadline,
 * heap[0] the others by pass; a pick first moves those that V has reached,
 * and moves back any that a join or leave made ineligible again.
 */

#define EEVDF_LAG_LIMIT_QUANTA 2 /* kept across a leave, as Linux's */

static void eevdf_set_deadline(struct sched *s, struct sched_entity *e)
{
	e->deadline = e->pass + s->quantum_ns * STRIDE_SCALE / e->weight;
}

static int eevdf_eligible(const struct sched *s, const struct sched_entity *e)
{
	return !pass_before(s->vtime, e->pass);
}

static void eevdf_enqueue(struct sched *s, unsigned i)
{
	heap_push(s, eevdf_eligible(s, &s->e[i]) ? 1 : 0, i);
}

static int eevdf_pick(struct sched *s)
{
	struct sched_heap *waiting = &s->heap[0], *eligible = &s->heap[1];

	while (waiting->len && eevdf_eligible(s, &s->e[heap_top(waiting)])) {
		unsigned i = heap_top(waiting);

		heap_remove(s, i);
		heap_push(s, 1, i);
	}
	while (eligible->len && !eevdf_eligible(s, &s->e[heap_top(eligible)])) {
		unsigned i = heap_top(eligible);

		heap_remove(s, i);
		heap_push(s, 0, i);
	}
	/* The lags sum to zero, so one is eligible; rounding aside. */
	if (eligible->len)
		return (int)heap_top(eligible);
	return waiting->len ? (int)heap_top(waiting) : -1;
}

/* x * num / den in virtual time, without overflow for any lag the
 * scheduler holds. */
static int64_t scale(int64_t x, uint64_t num, uint64_t den)
{
	return (int64_t)((long double)x * (long double)num / (long double)den);
}

static void eevdf_charge(struct sched *s, struct sched_entity *e,
			 uint64_t charged)
{
	uint64_t v = charged * STRIDE_SCALE + e->pass_rem;
	uint64_t g = charged * STRIDE_SCALE + s->vtime_rem;

	e->pass += v / e->weight;
	e->pass_rem = v % e->weight;
	s->vtime += g / s->total_weight;
	s->vtime_rem = g % s->total_weight;
	eevdf_set_deadline(s, e);
}

/* Entity e joins with its kept lag; total_weight does not count it yet. */
static void eevdf_join(struct sched *s, struct sched_entity *e)
{
	/* Alone, an entity has no one to lag behind or run ahead of. */
	if (!s->total_weight)
		e->vlag = 0;
	else
		s->vtime -=
			(uint64_t)scale(e->vlag, e->weight, s->total_weight);
	e->pass = s->vtime - (uint64_t)e->vlag;
	e->pass_rem = 0;
	s->vtime_rem = 0;
	eevdf_set_deadline(s, e);
}

/* Entity e leaves, keeping its lag; total_weight no longer counts it. */
static void eevdf_leave(struct sched *s, struct sched_entity *e)
{
	int64_t vlag = (int64_t)(s->vtime - e->pass);
	int64_t limit = (int64_t)(EEVDF_LAG_LIMIT_QUANTA * s->quantum_ns *
				  STRIDE_SCALE / e->weight);

	if (s->total_weight)
		s->vtime += (uint64_t)scale(vlag, e->weight, s->total_weight);
	s->vtime_rem = 0;
	e->vlag = vlag > limit ? limit : vlag < -limit ? -limit : vlag;
}

double sched_eevdf_lag_ns(const struct sched *s, unsigned i)
{
	const struct sched_entity *e = &s->e[i];
	int64_t vlag = e->runnable ? (int64_t)(s->vtime - e->pass) : e->vlag;

	if (s->policy != POLICY_EEVDF)
		return 0;
	return (double)((long double)vlag * e->weight / STRIDE_SCALE);
}

/* --- lag against the ideal share -------------------------------------------
 *
 * The ideal: every entity in the rotation gets its target share (weight
 * over the total, or an equal share under io and rr) of each nanosecond
 * charged. ideal_clock integrates 1 / (the total target weight) over the
 * charged time, so an entity is owed its target weight times the clock's
 * advance while it is in the rotation.
 */

static uint64_t target_weight(const struct sched *s, unsigned i)
{
	return s->policy == POLICY_IO || s->policy == POLICY_RR
		       ? 1
		       : s->e[i].weight;
}

static uint64_t total_target_weight(const struct sched *s)
{
	return s->policy == POLICY_IO || s->policy == POLICY_RR
		       ? s->runnable
		       : s->total_weight;
}

static long double ideal_ns(const struct sched *s, unsigned i)
{
	const struct sched_entity *e = &s->e[i];

	if (!e->runnable)
		return e->ideal_ns;
	return e->ideal_ns +
	       target_weight(s, i) * (s->ideal_clock - e->ideal_since);
}

double sched_lag_ns(const struct sched *s, unsigned i)
{
	return (double)(ideal_ns(s, i) - (long double)s->e[i].run_ns);
}

static void note_lag(struct sched *s, unsigned i)
{
	double lag = sched_lag_ns(s, i);
	struct sched_entity *e = &s->e[i];

	if (lag > e->lag_max_ns)
		e->lag_max_ns = lag;
	if (lag < e->lag_min_ns)
		e->lag_min_ns = lag;
}

void sched_note_lags(struct sched *s)
{
	for (unsigned i = 0; i < s->count; i++)
		note_lag(s, i);
}

/* --- the policies ------------------------------------------------------------
 */

int sched_init(struct sched *s, enum sched_policy policy, uint64_t quantum_ns,
	       struct sched_entity *e, unsigned count, unsigned *heap,
	       struct errbuf *err)
{
	if (!count)
		return err_fail(err, EINVAL, "no VMs to schedule");
	if (quantum_ns > SCHED_QUANTUM_MAX)
		return err_fail(err, EINVAL,
				"quantum of %llu ns is longer than %llu s",
				(unsigned long long)quantum_ns,
				SCHED_QUANTUM_MAX / 1000000000);
	memset(s, 0, sizeof(*s));
	s->policy = policy;
	s->quantum_ns = quantum_ns;
	s->count = count;
	s->e = e;
	/* Two heaps in one array: an entity is in one of them at most. */
	s->heap[0] = (struct sched_heap){.base = heap};
	s->heap[1] = (struct sched_heap){
		.base = heap + count - 1, .down = 1, .by_deadline = 1};
	s->vtime = PASS_START;
	s->current = count - 1; /* so that round robin starts with VM 0 */
	for (unsigned i = 0; i < count; i++) {
		if (!e[i].weight || e[i].weight > SCHED_WEIGHT_MAX)
			return err_fail(err, EINVAL,
					"VM %u has weight %llu, not 1..%llu", i,
					(unsigned long long)e[i].weight,
					SCHED_WEIGHT_MAX);
		uint64_t weight = e[i].weight;

		e[i] = (struct sched_entity){.weight = weight,
					     .pass = PASS_START};
	}
	for (unsigned i = 0; i < count; i++)
		sched_join(s, i);
	return 0;
}

static int pick_next_in_turn(struct sched *s)
{
	for (unsigned k = 1; k <= s->count; k++) {
		unsigned i = (s->current + k) % s->count;

		if (s->e[i].runnable)
			return (int)i;
	}
	return -1;
}

/*
 * Smooth weighted round robin (as nginx balances upstreams): every pick
 * adds each weight to its entity's credit and takes the total from the
 * winner. Over any sum(w) picks entity i wins exactly w_i times, and its
 * turns are spread out, so with 7:3 Morpheus never waits seven quanta.
 */
static int pick_frac(struct sched *s)
{
	int best = -1;

	for (unsigned i = 0; i < s->count; i++) {
		struct sched_entity *e = &s->e[i];

		if (!e->runnable)
			continue;
		e->credit += (int64_t)e->weight;
		if (best < 0 || e->credit > s->e[best].credit)
			best = (int)i;
	}
	if (best >= 0)
		s->e[best].credit -= (int64_t)s->total_weight;
	return best;
}

int sched_pick(struct sched *s)
{
	int i;

	switch (s->policy) {
	case POLICY_FRAC:
		i = pick_frac(s);
		break;
	case POLICY_FAIR:
		i = s->heap[0].len ? (int)heap_top(&s->heap[0]) : -1;
		break;
	case POLICY_EEVDF:
		i = eevdf_pick(s);
		break;
	default:
		i = pick_next_in_turn(s);
		break;
	}
	if (i >= 0)
		s->current = (unsigned)i;
	return i;
}

void sched_charge(struct sched *s, unsigned i, uint64_t ran_ns)
{
	struct sched_entity *e = &s->e[i];
	uint64_t charged =
		ran_ns < SCHED_QUANTUM_MAX ? ran_ns : SCHED_QUANTUM_MAX;
	uint64_t total = total_target_weight(s);

	note_lag(s, i); /* as far behind as it gets: when it starts to run */
	if (e->runnable && total)
		s->ideal_clock += (long double)ran_ns / total;
	e->run_ns += ran_ns;
	e->slices++;
	note_lag(s, i); /* as far ahead as it gets: when its slice ends */
	if (!e->runnable)
		return;
	if (s->policy == POLICY_FAIR) {
		e->pass += charged * STRIDE_SCALE / e->weight;
		heap_down(s, &s->heap[0], e->heap_pos);
	} else if (s->policy == POLICY_EEVDF) {
		heap_remove(s, i);
		eevdf_charge(s, e, charged);
		eevdf_enqueue(s, i);
	}
}

void sched_join(struct sched *s, unsigned i)
{
	struct sched_entity *e = &s->e[i];

	if (e->runnable)
		return;
	if (s->policy == POLICY_EEVDF)
		eevdf_join(s, e);
	e->runnable = 1;
	e->credit = 0;
	e->ideal_since = s->ideal_clock;
	s->total_weight += e->weight;
	s->runnable++;
	if (s->policy == POLICY_FAIR) {
		e->pass = s->heap[0].len ? s->e[heap_top(&s->heap[0])].pass
					 : e->pass;
		heap_push(s, 0, i);
	} else if (s->policy == POLICY_EEVDF) {
		eevdf_enqueue(s, i);
	}
}

void sched_retire(struct sched *s, unsigned i)
{
	struct sched_entity *e = &s->e[i];

	if (!e->runnable)
		return;
	note_lag(s, i);
	e->ideal_ns = ideal_ns(s, i);
	e->runnable = 0;
	s->total_weight -= e->weight;
	s->runnable--;
	if (s->policy == POLICY_FAIR || s->policy == POLICY_EEVDF)
		heap_remove(s, i);
	if (s->policy == POLICY_EEVDF)
		eevdf_leave(s, e);
}

void sched_block(struct sched *s, unsigned i)
{
	sched_retire(s, i);
}

void sched_unblock(struct sched *s, unsigned i)
{
	sched_join(s, i);
}

double sched_target_share(const struct sched *s, unsigned i)
{
	if (!s->e[i].runnable)
		return 0.0;
	if (s->policy != POLICY_IO && s->policy != POLICY_RR)
		return (double)s->e[i].weight / (double)s->total_weight;
	return 1.0 / s->runnable;
}

/* --- the worst pairwise error ----------------------------------------------
 */

struct weight_class {
	uint64_t w;    /* a target weight */
	double lo, hi; /* the least and greatest lag / w among them */
};

static double dmin(double a, double b)
{
	return a < b ? a : b;
}

static double dmax(double a, double b)
{
	return a > b ? a : b;
}

/* Heapsort by weight, in place: glibc's qsort may call sysinfo for large
 * arrays, which the run's seccomp filter refuses. */
static void sift_down(struct weight_class *c, unsigned n, unsigned pos)
{
	for (;;) {
		unsigned l = 2 * pos + 1, r = l + 1, max = pos;
		struct weight_class t;

		if (l < n && c[l].w > c[max].w)
			max = l;
		if (r < n && c[r].w > c[max].w)
			max = r;
		if (max == pos)
			return;
		t = c[pos];
		c[pos] = c[max];
		c[max] = t;
		pos = max;
	}
}

static void sort_by_weight(struct weight_class *c, unsigned n)
{
	for (unsigned k = n / 2; k-- > 0;)
		sift_down(c, n, k);
	for (unsigned end = n; end-- > 1;) {
		struct weight_class t = c[0];

		c[0] = c[end];
		c[end] = t;
		sift_down(c, end, 0);
	}
}

double sched_pairwise_error_ns(const struct sched *s)
{
	struct weight_class *c = calloc(s->count ? s->count : 1, sizeof(*c));
	unsigned n = 0, d = 0;
	double worst = 0;

	if (!c)
		return -1;
	for (unsigned i = 0; i < s->count; i++) {
		if (!s->e[i].runnable)
			continue;
		double x = sched_lag_ns(s, i) / (double)target_weight(s, i);

		c[n++] = (struct weight_class){target_weight(s, i), x, x};
	}
	/* One class per distinct weight: pairs within a class and across
	 * two are decided by the classes' extremes. */
	sort_by_weight(c, n);
	for (unsigned k = 0; k < n; k++) {
		if (d && c[d - 1].w == c[k].w) {
			c[d - 1].lo = dmin(c[d - 1].lo, c[k].lo);
			c[d - 1].hi = dmax(c[d - 1].hi, c[k].hi);
		} else {
			c[d++] = c[k];
		}
	}
	for (unsigned a = 0; a < d; a++) {
		for (unsigned b = a; b < d; b++) {
			double wa = (double)c[a].w, wb = (double)c[b].w;
			double spread =
				dmax(c[a].hi - c[b].lo, c[b].hi - c[a].lo);

			worst = dmax(worst, spread * wa * wb / (wa + wb));
		}
	}
	free(c);
	return worst;
}
