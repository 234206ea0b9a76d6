/* preempt.h - a POSIX timer whose signal reaches the thread only inside
 * KVM_RUN. */
#ifndef PREEMPT_H
#define PREEMPT_H

#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "errbuf.h"

struct vcpu;

/*
 * The signal is blocked in the thread at all times and let through only
 * while a vCPU is in KVM_RUN (KVM_SET_SIGNAL_MASK). A tick that arrives
 * during KVM_RUN makes it return -EINTR with KVM_EXIT_INTR; one that
 * arrives outside stays pending, so KVM_RUN returns at once next time,
 * and a signal is never lost between checking and entering the guest.
 * After each run, preempt_drain() consumes what is pending, so that an
 * old tick cannot cut the next slice short.
 */
struct preempt_timer {
	timer_t id;
	int signo;
	int created;
};

/* Installs a handler (the default action would kill the process), blocks
 * signo in the calling thread and creates a CLOCK_MONOTONIC timer. */
int preempt_init(struct preempt_timer *t, int signo, struct errbuf *err);

/*
 * SIGINT and SIGTERM the same way: blocked in the thread, and let through
 * by preempt_attach_vcpu inside KVM_RUN only, so that one arriving between
 * a check and KVM_RUN makes that KVM_RUN return at once instead of being
 * noticed at some later exit (or never, under a guest that never exits).
 * Call before preempt_attach_vcpu.
 */
int preempt_catch_stop_signals(struct errbuf *err);

/*
 * One more signal treated like the stop signals (blocked, a handler that
 * does nothing, let through inside KVM_RUN only), without being a stop
 * request: gdbstub's SIGIO, so that gdb's Ctrl-C ends KVM_RUN; with
 * --cpus, the signal one vCPU's thread sends another to end its KVM_RUN.
 * May be called for several signals. Call before preempt_attach_vcpu.
 */
int preempt_catch_signal(int signo, struct errbuf *err);

/* SIGINT or SIGTERM once one of them arrived, else 0. */
int preempt_stop_requested(void);

/* Lets t's signal (t may be NULL) and the stop signals being caught
 * through while this vCPU is in KVM_RUN, and only then. */
int preempt_attach_vcpu(const struct preempt_timer *t, struct vcpu *vcpu,
			struct errbuf *err);

/*
 * For a vCPU on a thread of its own that takes no timer and no stop
 * signal (simple-kvm's other vCPUs with --cpus): KVM_RUN lets through
 * the signals preempt_catch_signal caught so far (a kick, the gdb stub's
 * SIGIO) and nothing else, and so does this thread's preempt_run_mask.
 * The thread should block everything outside KVM_RUN. 0 or a negative
 * errno.
 */
int preempt_attach_caught(struct vcpu *vcpu, struct errbuf *err);

/*
 * The signal mask KVM_RUN runs with (the one preempt_attach_vcpu or
 * preempt_attach_caught set last on this thread; the thread's mask when none
 * was set): for a wait outside KVM_RUN, in
 * ppoll, that the same signals must cut short. A timer's signal that
 * arrives there is delivered, and preempt_drain still reports it.
 */
const sigset_t *preempt_run_mask(void);

/* One-shot: the signal fires ns nanoseconds from now (0 disarms). */
int preempt_arm(const struct preempt_timer *t, uint64_t ns, struct errbuf *err);

/* Periodic: the signal fires every ns nanoseconds from now on. */
int preempt_arm_every(const struct preempt_timer *t, uint64_t ns,
		      struct errbuf *err);

/* Consumes a pending signal without waiting: 1 if there was one, else 0. */
int preempt_drain(const struct preempt_timer *t);

void preempt_destroy(struct preempt_timer *t);

#endif
