/* scheduler.h - who runs next and for how long: the matrix's policies, free of
 * KVM. */
#ifndef SCHEDULER_H
#define SCHEDULER_H

#include <stdint.h>

#include "errbuf.h"

enum sched_policy {
	POLICY_IO,   /* spec 2a: switch to the next VM on every I/O exit */
	POLICY_RR,   /* spec 2b: round robin, one quantum each */
	POLICY_FRAC, /* spec 2c: of every sum(w) quanta, VM i gets w_i */
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

/* Scaling of fair's virtual time: pass grows by ns * STRIDE_SCALE / weight.
 * Large enough that weight 1..1e6 keeps nanosecond resolution, small
 * enough that a week of run time stays far from 2^64. */
#define STRIDE_SCALE (1ull << 20)

struct sched {
	enum sched_policy policy;
	uint64_t quantum_ns;
	unsigned count;
	struct sched_entity *e; /* count entries, owned by the caller */
	unsigned current;	/* the VM that ran last (io, rr) */
	uint64_t total_weight;	/* of runnable entities (frac) */
	unsigned *heap; /* fair: runnable entity indices, min pass first */
	unsigned heap_len;
};

/*
 * Prepares s over count entities whose weights are already set; heap must
 * have room for count indices (only fair uses it). All start runnable.
 * Returns -EINVAL for no entities or a zero weight.
 */
int sched_init(struct sched *s, enum sched_policy policy, uint64_t quantum_ns,
	       struct sched_entity *e, unsigned count, unsigned *heap,
	       struct errbuf *err);

/* The entity to run next, or -1 when none is runnable. O(1) for io and rr,
 * O(n) for frac (n is the VM count, 2 in the spec), O(1) for fair. */
int sched_pick(struct sched *s);

/* Accounts a slice of ran_ns to entity i (which sched_pick returned). For
 * fair, restores the heap in O(log n). */
void sched_charge(struct sched *s, unsigned i, uint64_t ran_ns);

/* Brings entity i (back) into the rotation. Under fair it starts at the
 * current global virtual time (the smallest pass of the runnable), so it
 * neither starves the others to catch up nor waits for them. */
void sched_join(struct sched *s, unsigned i);

/* Takes entity i out of the rotation for good (its guest halted or failed). */
void sched_retire(struct sched *s, unsigned i);

/* The fair share entity i is owed: its weight over the runnable total
 * (for io and rr: an equal share). */
double sched_target_share(const struct sched *s, unsigned i);

#endif
