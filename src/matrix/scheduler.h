/* scheduler.h - who runs next and for how long: the matrix's policies, free of
 * KVM. */
#ifndef SCHEDULER_H
#define SCHEDULER_H

#include <stdint.h>

#include "errbuf.h"

enum sched_policy {
	POLICY_IO,   /* switch to the next VM on every I/O exit */
	POLICY_RR,   /* round robin, one quantum each */
	POLICY_FRAC, /* of every sum(w) quanta, VM i gets w_i */
	POLICY_FAIR, /* stride scheduling on measured nanoseconds */
};

/* "io", "rr", "frac", "fair"; parse returns -EINVAL for anything else. */
const char *sched_policy_name(enum sched_policy p);
int sched_policy_parse(const char *text, enum sched_policy *p);

/* Per-VM scheduling state. */
struct sched_entity {
	uint64_t weight; /* > 0 */
	uint64_t run_ns; /* time charged so far */
	uint64_t pass;	 /* fair: virtual time, run_ns scaled by 1/weight */
	int64_t credit;	 /* frac: smooth weighted round robin balance */
	uint64_t slices;
	int runnable;
	unsigned heap_pos; /* fair: index in the heap */
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

struct sched {
	enum sched_policy policy;
	uint64_t quantum_ns;
	unsigned count;
	struct sched_entity *e; /* count entries, owned by the caller */
	unsigned current;	/* the VM that ran last (io, rr) */
	uint64_t total_weight;	/* of runnable entities (frac) */
	unsigned runnable;	/* how many entities are runnable */
	unsigned *heap; /* fair: runnable entity indices, min pass first */
	unsigned heap_len;
};

/*
 * Prepares s over count entities whose weights are already set; heap must
 * have room for count indices (only fair uses it). All start runnable.
 * Returns -EINVAL for no entities, a weight outside 1..SCHED_WEIGHT_MAX or
 * a quantum longer than SCHED_QUANTUM_MAX.
 */
int sched_init(struct sched *s, enum sched_policy policy, uint64_t quantum_ns,
	       struct sched_entity *e, unsigned count, unsigned *heap,
	       struct errbuf *err);

/* The entity to run next, or -1 when none is runnable. O(1) for io and rr,
 * O(n) for frac (n is the VM count, 2 by default), O(1) for fair. */
int sched_pick(struct sched *s);

/* Accounts a slice of ran_ns to entity i (which sched_pick returned). For
 * fair, restores the heap in O(log n); a slice longer than
 * SCHED_QUANTUM_MAX (the host stopped the process) counts in run_ns but
 * advances the pass by SCHED_QUANTUM_MAX only. */
void sched_charge(struct sched *s, unsigned i, uint64_t ran_ns);

/* Brings entity i (back) into the rotation. Under fair it starts at the
 * current global virtual time (the smallest pass of the runnable), so it
 * neither starves the others to catch up nor waits for them. */
void sched_join(struct sched *s, unsigned i);

/* Takes entity i out of the rotation for good (its guest halted or failed). */
void sched_retire(struct sched *s, unsigned i);

/* Takes entity i out of the rotation until sched_unblock: its output is
 * full, and it may run again once stdout drains it. */
void sched_block(struct sched *s, unsigned i);

/* Brings a blocked entity i back, as sched_join does. */
void sched_unblock(struct sched *s, unsigned i);

/* The share entity i is owed from now on: its weight over the total of the
 * runnable (for io and rr: an equal share of the runnable); 0 once it has
 * retired. */
double sched_target_share(const struct sched *s, unsigned i);

#endif
