/* overshoot.c - arming the slice timer early by the overshoot seen so far. */
#include "overshoot.h"

/* The average's weight of a new sample: 1/16, so that the estimate
 * follows a change of the host within tens of slices. */
#define OVERSHOOT_SHIFT 4

uint64_t overshoot_arm(const struct overshoot *o, uint64_t quantum_ns)
{
	uint64_t most = quantum_ns / 4 * 3;

	return quantum_ns - (o->estimate_ns < most ? o->estimate_ns : most);
}

void overshoot_note(struct overshoot *o, uint64_t quantum_ns, uint64_t armed_ns,
		    uint64_t wall_ns, uint64_t cpu_ns)
{
	uint64_t late = wall_ns > armed_ns ? wall_ns - armed_ns : 0;

	if (wall_ns > cpu_ns && wall_ns - cpu_ns > quantum_ns / 8)
		return;
	if (late > quantum_ns / 4 * 3)
		late = quantum_ns / 4 * 3;
	/* estimate += (late - estimate) / 16, in unsigned arithmetic */
	o->estimate_ns = o->estimate_ns - (o->estimate_ns >> OVERSHOOT_SHIFT) +
			 (late >> OVERSHOOT_SHIFT);
}
