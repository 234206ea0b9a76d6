/* scheduler.h - who runs next and for how long: the matrix's policies, free of
 * KVM. */
#ifndef SCHEDULER_H
#define SCHEDULER_H

#include <stdint.h>

#include "errbuf.h"

enum sched_policy {
	POLICY_IO,    /* switch to the next VM on every I/O exit */
	POLICY_RR,    /* round robin, one quantum each */
	POLICY_FRAC,  /* of every sum(w) quanta, VM i gets w_i */
	POLICY_FAIR,  /* stride scheduling on measured nanoseconds */
	POLICY_EEVDF, /* eligible virtual deadline first, lag kept */
};

/* "io", "rr", "frac", "fair", "eevdf"; parse returns -EINVAL for anything
 * else. */
const char *sched_policy_name(enum sched_policy p);
int sched_policy_parse(const char *text, enum sched_policy *p);

/* Per-VM scheduling state. */
struct sched_entity {
	uint64_t weight;   /* > 0 */
	uint64_t run_ns;   /* time charged so far */
	uint64_t pass;	   /* fair: virtual time, run_ns scaled by 1/weight;
			    * eevdf: the virtual eligible time */
	uint64_t deadline; /* eevdf: pass + quantum scaled by 1/weight */
	uint64_t pass_rem; /* eevdf: what the division left over */
	int64_t vlag;	   /* eevdf: virtual lag kept while out of the run */
	int64_t credit;	   /* frac: smooth weighted round robin balance */
	uint64_t slices;
	int runnable;
	unsigned heap;	   /* eevdf: which heap it is in (fair: 0) */
	unsigned heap_pos; /* fair, eevdf: index in that heap */
	/* Lag against the ideal share (every policy): ideal_ns is what the
	 * entity was owed up to its last leave; since it last joined, it is
	 * owed its target weight times the ideal clock's advance. */
	long double ideal_ns, ideal_since;
	double lag_max_ns, lag_min_ns; /* the most behind and most ahead */
};

/* Scaling of fair's virtual time: pass grows by ns * STRIDE_SCALE / weight,
 * so that weights up to 1e6 keep nanosecond resolution. Passes wrap past
 * 2^64 (a weight-1 VM's every 2^44 ns of run time, 4.9 hours; the first
 * time sooner) and are only ever compared by their signed difference. */
#define STRIDE_SCALE (1ull << 20)

/* The weights a VM may have. */
#define SCHED_WEIGHT_MAX 1000000ull

/*
 * The longest quantum sched_init accepts: one hour. A slice charges at
 * most this much virtual time, so every runnable pass stays within
 * SCHED_QUANTUM_MAX * STRIDE_SCALE (2^61.7) of the lowest, inside the
 * 2^63 that a signed difference can order, for any weight from 1.
 */
#define SCHED_QUANTUM_MAX (3600ull * 1000000000)

/* A binary min-heap of entity indices, laid out from base upwards or
 * (down) downwards, so that two heaps share one array of count slots. */
struct sched_heap {
	unsigned *base;
	unsigned len;
	int down;
	int by_deadline; /* ordered by deadline, else by pass */
};

struct sched {
	enum sched_policy policy;
	uint64_t quantum_ns;
	unsigned count;
	struct sched_entity *e; /* count entries, owned by the caller */
	unsigned current;	/* the VM that ran last (io, rr) */
	uint64_t total_weight;	/* of runnable entities (frac, fair, eevdf) */
	unsigned runnable;	/* how many entities are runnable */
	/* fair: heap[0] holds the runnable, min pass first. eevdf: heap[1]
	 * the eligible by deadline, heap[0] the rest by eligible time. */
	struct sched_heap heap[2];
	uint64_t vtime;		 /* eevdf: the virtual time V */
	uint64_t vtime_rem;	 /* what its division left over */
	long double ideal_clock; /* ns of run time per unit of target weight */
};

/*
 * Prepares s over count entities whose weights are already set; heap must
 * have room for count indices (fair and eevdf use it). All start runnable.
 * Returns -EINVAL for no entities, a weight outside 1..SCHED_WEIGHT_MAX or
 * a quantum longer than SCHED_QUANTUM_MAX.
 */
int sched_init(struct sched *s, enum sched_policy policy, uint64_t quantum_ns,
	       struct sched_entity *e, unsigned count, unsigned *heap,
	       struct errbuf *err);

/* The entity to run next, or -1 when none is runnable. O(1) for io and rr,
 * O(n) for frac (n is the VM count, 2 by default), O(1) for fair, O(log n)
 * amortized for eevdf (entities that became eligible move heaps). */
int sched_pick(struct sched *s);

/* Accounts a slice of ran_ns to entity i (which sched_pick returned), and
 * its lag before and after. For fair and eevdf, restores the heaps in
 * O(log n); a slice longer than SCHED_QUANTUM_MAX (the host stopped the
 * process) counts in run_ns but advances virtual time by
 * SCHED_QUANTUM_MAX only. */
void sched_charge(struct sched *s, unsigned i, uint64_t ran_ns);

/* Brings entity i (back) into the rotation. Under fair it starts at the
 * current global virtual time (the smallest pass of the runnable), so it
 * neither starves the others to catch up nor waits for them. Under eevdf
 * it comes back with the lag it left with (at most two quanta either way),
 * and V moves so that the lags still sum to zero. */
void sched_join(struct sched *s, unsigned i);

/* Takes entity i out of the rotation (its guest halted or failed); under
 * eevdf its lag is kept for a later sched_join, and V moves so that the
 * others' lags still sum to zero. */
void sched_retire(struct sched *s, unsigned i);

/* Takes entity i out of the rotation until sched_unblock: its output is
 * full, and it may run again once stdout drains it. */
void sched_block(struct sched *s, unsigned i);

/* Brings a blocked entity i back, as sched_join does. */
void sched_unblock(struct sched *s, unsigned i);
/* Entity i's lag in ns: the run time its ideal share owed it (its target
 * share integrated over the run time charged while it was in the
 * rotation) less the run time it got. Positive: behind. */
double sched_lag_ns(const struct sched *s, unsigned i);

/* Under eevdf, the scheduler's own lag of entity i in ns, w_i (V - pass_i)
 * (kept, within two quanta, while it is out of the rotation); 0 under the
 * other policies. It differs from sched_lag_ns once entities leave: V
 * moves so that the lags in the rotation sum to zero, shifting a leaver's
 * lag onto those in the rotation at that moment. */
double sched_eevdf_lag_ns(const struct sched *s, unsigned i);

/* Folds every entity's current lag into its lag_max_ns and lag_min_ns
 * (sched_charge does it for the one it charges): call at the end of a
 * run, O(n). */
void sched_note_lags(struct sched *s);

/*
 * The worst pairwise error among the runnable, in ns: for two entities A
 * and B with target weights a and b, the distance of A's run time from
 * its part a/(a+b) of what the two got, |lag_A/a - lag_B/b| * ab/(a+b),
 * measured from lags so that joins start both at zero. O(n log n + d^2)
 * for d distinct weights. Returns 0 for fewer than two, -1 when out of
 * memory.
 */
double sched_pairwise_error_ns(const struct sched *s);

/* The share entity i is owed from now on: its weight over the total of the
 * runnable (for io and rr: an equal share of the runnable); 0 once it has
 * retired. */
double sched_target_share(const struct sched *s, unsigned i);

#endif
