/* overshoot.h - how much earlier than the quantum to arm a slice's timer,
 * learnt from how late KVM_RUN returned. */
#ifndef MATRIX_OVERSHOOT_H
#define MATRIX_OVERSHOOT_H

#include <stdint.h>

/* A running estimate of the time from the timer's tick to the end of the
 * slice (KVM_RUN returning, on kvm_pvm 0.3 to 0.6 ms). */
struct overshoot {
	uint64_t estimate_ns;
};

/* How long to arm the timer for a slice of quantum_ns: the quantum less
 * the estimate, never less than a quarter of the quantum (the floor: a
 * host hiccup cannot make slices vanish). */
uint64_t overshoot_arm(const struct overshoot *o, uint64_t quantum_ns);

/* Learns from a slice that the timer ended: armed_ns after arming, it had
 * run wall_ns, of which the thread got cpu_ns. A moving average of the
 * overshoot, each sample bounded to [0, 3/4 of the quantum]; a slice in
 * which the host took more than an eighth of the quantum teaches nothing
 * (its lateness is the host's, not KVM_RUN's). */
void overshoot_note(struct overshoot *o, uint64_t quantum_ns, uint64_t armed_ns,
		    uint64_t wall_ns, uint64_t cpu_ns);

#endif
