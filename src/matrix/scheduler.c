/* scheduler.c - the four policies: alternate on I/O, round robin, fractional
 * quanta, stride. */
#include "scheduler.h"

#include <errno.h>
#include <string.h>

static const char *const policy_names[] = {
	[POLICY_IO] = "io",
	[POLICY_RR] = "rr",
	[POLICY_FRAC] = "frac",
	[POLICY_FAIR] = "fair",
};

const char *sched_policy_name(enum sched_policy p)
{
	return p <= POLICY_FAIR ? policy_names[p] : "unknown";
}

int sched_policy_parse(const char *text, enum sched_policy *p)
{
	for (unsigned i = 0; i <= POLICY_FAIR; i++) {
		if (text && !strcmp(text, policy_names[i])) {
			*p = (enum sched_policy)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* --- fair: a binary min-heap of runnable entities by pass ---------------- */

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

static int heap_less(const struct sched *s, unsigned a, unsigned b)
{
	const struct sched_entity *x = &s->e[s->heap[a]],
				  *y = &s->e[s->heap[b]];

	/* Ties go to the lower index, so runs are reproducible. */
	return pass_before(x->pass, y->pass) ||
	       (x->pass == y->pass && s->heap[a] < s->heap[b]);
}

static void heap_swap(struct sched *s, unsigned a, unsigned b)
{
	unsigned t = s->heap[a];

	s->heap[a] = s->heap[b];
	s->heap[b] = t;
	s->e[s->heap[a]].heap_pos = a;
	s->e[s->heap[b]].heap_pos = b;
}

static void heap_up(struct sched *s, unsigned pos)
{
	while (pos > 0 && heap_less(s, pos, (pos - 1) / 2)) {
		heap_swap(s, pos, (pos - 1) / 2);
		pos = (pos - 1) / 2;
	}
}

static void heap_down(struct sched *s, unsigned pos)
{
	for (;;) {
		unsigned l = 2 * pos + 1, r = l + 1, min = pos;

		if (l < s->heap_len && heap_less(s, l, min))
			min = l;
		if (r < s->heap_len && heap_less(s, r, min))
			min = r;
		if (min == pos)
			return;
		heap_swap(s, pos, min);
		pos = min;
	}
}

static void heap_push(struct sched *s, unsigned i)
{
	s->heap[s->heap_len] = i;
	s->e[i].heap_pos = s->heap_len++;
	heap_up(s, s->e[i].heap_pos);
}

static void heap_remove(struct sched *s, unsigned i)
{
	unsigned pos = s->e[i].heap_pos;

	heap_swap(s, pos, --s->heap_len);
	if (pos < s->heap_len) {
		heap_down(s, pos);
		heap_up(s, pos);
	}
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
	s->heap = heap;
	s->current = count - 1; /* so that round robin starts with VM 0 */
	for (unsigned i = 0; i < count; i++) {
		if (!e[i].weight || e[i].weight > SCHED_WEIGHT_MAX)
			return err_fail(err, EINVAL,
					"VM %u has weight %llu, not 1..%llu", i,
					(unsigned long long)e[i].weight,
					SCHED_WEIGHT_MAX);
		e[i].run_ns = e[i].slices = 0;
		e[i].pass = PASS_START;
		e[i].credit = 0;
		e[i].runnable = 0;
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
		i = s->heap_len ? (int)s->heap[0] : -1;
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

	e->run_ns += ran_ns;
	e->slices++;
	if (s->policy == POLICY_FAIR && e->runnable) {
		uint64_t charged =
			ran_ns < SCHED_QUANTUM_MAX ? ran_ns : SCHED_QUANTUM_MAX;

		e->pass += charged * STRIDE_SCALE / e->weight;
		heap_down(s, e->heap_pos);
	}
}

void sched_join(struct sched *s, unsigned i)
{
	struct sched_entity *e = &s->e[i];

	if (e->runnable)
		return;
	e->runnable = 1;
	e->credit = 0;
	s->total_weight += e->weight;
	s->runnable++;
	if (s->policy == POLICY_FAIR) {
		e->pass = s->heap_len ? s->e[s->heap[0]].pass : e->pass;
		heap_push(s, i);
	}
}

void sched_retire(struct sched *s, unsigned i)
{
	struct sched_entity *e = &s->e[i];

	if (!e->runnable)
		return;
	e->runnable = 0;
	s->total_weight -= e->weight;
	s->runnable--;
	if (s->policy == POLICY_FAIR)
		heap_remove(s, i);
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
