/* preempt.c - timer signals that interrupt KVM_RUN and nothing else. */
#include "preempt.h"

#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vm.h"

/* Signals the handler saw, by number. KVM_RUN returns -EINTR with the
 * signal still pending, but a wait in ppoll (a full output buffer) lets
 * the handler run and consume it: preempt_drain looks here too. */
static volatile sig_atomic_t delivered[_NSIG];

/* Otherwise the handler only has to exist: the signal's default action
 * would kill us. */
static void on_preempt_signal(int signo)
{
	if (signo > 0 && signo < _NSIG)
		delivered[signo] = 1;
}

int preempt_init(struct preempt_timer *t, int signo, struct errbuf *err)
{
	struct sigaction sa = {.sa_handler = on_preempt_signal};
	struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL,
			       .sigev_signo = signo};
	sigset_t block;

	memset(t, 0, sizeof(*t));
	t->signo = signo;
	sigemptyset(&sa.sa_mask);
	if (sigaction(signo, &sa, NULL) < 0)
		return err_fail(err, errno, "sigaction(%d): %s", signo,
				strerror(errno));
	sigemptyset(&block);
	sigaddset(&block, signo);
	if (sigprocmask(SIG_BLOCK, &block, NULL) < 0)
		return err_fail(err, errno, "sigprocmask: %s", strerror(errno));
	if (timer_create(CLOCK_MONOTONIC, &sev, &t->id) < 0)
		return err_fail(err, errno, "timer_create: %s",
				strerror(errno));
	t->created = 1;
	return 0;
}

/* The stop signal that arrived (SIGINT or SIGTERM), or 0. Set by the
 * handler when the signal is delivered (it is blocked everywhere but in
 * KVM_RUN), or by preempt_stop_requested when it finds it pending. */
static volatile sig_atomic_t stop_signal;
static int catching_stop_signals;

static void on_stop_signal(int signo)
{
	stop_signal = signo;
}

int preempt_catch_stop_signals(struct errbuf *err)
{
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigset_t block;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigprocmask(SIG_BLOCK, &block, NULL) < 0)
		return err_fail(err, errno, "stop signals: %s",
				strerror(errno));
	catching_stop_signals = 1;
	return 0;
}

/* preempt_catch_signal's signals: gdbstub's SIGIO, simple-kvm's kick of
 * another vCPU's thread (--cpus). */
static sigset_t caught_signals;
static int caught_any;

int preempt_catch_signal(int signo, struct errbuf *err)
{
	struct sigaction sa = {.sa_handler = on_preempt_signal};
	sigset_t block;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, signo);
	if (sigaction(signo, &sa, NULL) < 0 ||
	    sigprocmask(SIG_BLOCK, &block, NULL) < 0)
		return err_fail(err, errno, "signal %d: %s", signo,
				strerror(errno));
	if (!caught_any)
		sigemptyset(&caught_signals);
	sigaddset(&caught_signals, signo);
	caught_any = 1;
	return 0;
}

int preempt_stop_requested(void)
{
	const struct timespec zero = {0, 0};
	sigset_t set;
	int signo;

	/* KVM_RUN restores the blocked mask before it returns, so a stop
	 * signal that interrupted it is still pending, never delivered:
	 * consume it here, as preempt_drain does the timer's. */
	if (!stop_signal && catching_stop_signals) {
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		signo = sigtimedwait(&set, NULL, &zero);
		if (signo > 0)
			stop_signal = signo;
	}
	return stop_signal;
}

/* The mask preempt_attach_vcpu gave KVM_RUN last on this thread, for
 * preempt_run_mask: with --cpus, each vCPU's thread has its own. */
static _Thread_local sigset_t run_mask;
static _Thread_local int run_mask_set;

/* KVM_RUN's mask for vcpu, and this thread's run mask. */
static int set_run_mask(struct vcpu *vcpu, const sigset_t *during_run,
			struct errbuf *err)
{
	/* The kernel's sigset is 64 bits on x86-64: the first 8 bytes of the
	 * C library's sigset_t, in a kvm_signal_mask that ends in them. */
	_Alignas(struct kvm_signal_mask)
		uint8_t buf[sizeof(struct kvm_signal_mask) + 8];
	struct kvm_signal_mask *arg = (struct kvm_signal_mask *)buf;

	run_mask = *during_run;
	run_mask_set = 1;
	arg->len = 8;
	memcpy(arg->sigset, during_run, 8);
	if (ioctl(vcpu->fd, KVM_SET_SIGNAL_MASK, arg) < 0)
		return err_fail(err, errno, "KVM_SET_SIGNAL_MASK: %s",
				strerror(errno));
	return 0;
}

/* Lets every signal preempt_catch_signal caught through mask. */
static void allow_caught(sigset_t *mask)
{
	for (int s = 1; caught_any && s < _NSIG; s++)
		if (sigismember(&caught_signals, s) == 1)
			sigdelset(mask, s);
}

int preempt_attach_vcpu(const struct preempt_timer *t, struct vcpu *vcpu,
			struct errbuf *err)
{
	sigset_t during_run;

	if (sigprocmask(SIG_SETMASK, NULL, &during_run) < 0)
		return err_fail(err, errno, "sigprocmask: %s", strerror(errno));
	if (t)
		sigdelset(&during_run, t->signo);
	if (catching_stop_signals) {
		sigdelset(&during_run, SIGINT);
		sigdelset(&during_run, SIGTERM);
	}
	allow_caught(&during_run);
	return set_run_mask(vcpu, &during_run, err);
}

int preempt_attach_caught(struct vcpu *vcpu, struct errbuf *err)
{
	sigset_t during_run;

	sigfillset(&during_run);
	allow_caught(&during_run);
	return set_run_mask(vcpu, &during_run, err);
}

static struct timespec timespec_of(uint64_t ns)
{
	return (struct timespec){.tv_sec = ns / 1000000000u,
				 .tv_nsec = ns % 1000000000u};
}

static int arm(const struct preempt_timer *t, uint64_t ns, uint64_t every_ns,
	       struct errbuf *err)
{
	struct itimerspec its = {
		.it_value = timespec_of(ns),
		.it_interval = timespec_of(every_ns),
	};

	if (timer_settime(t->id, 0, &its, NULL) < 0)
		return err_fail(err, errno, "timer_settime: %s",
				strerror(errno));
	return 0;
}

int preempt_arm(const struct preempt_timer *t, uint64_t ns, struct errbuf *err)
{
	return arm(t, ns, 0, err);
}

int preempt_arm_every(const struct preempt_timer *t, uint64_t ns,
		      struct errbuf *err)
{
	return arm(t, ns, ns, err);
}

const sigset_t *preempt_run_mask(void)
{
	if (!run_mask_set) {
		sigprocmask(SIG_SETMASK, NULL, &run_mask);
		run_mask_set = 1;
	}
	return &run_mask;
}

int preempt_drain(const struct preempt_timer *t)
{
	const struct timespec zero = {0, 0};
	int was_delivered = delivered[t->signo];
	sigset_t set;

	delivered[t->signo] = 0;
	sigemptyset(&set);
	sigaddset(&set, t->signo);
	return sigtimedwait(&set, NULL, &zero) == t->signo || was_delivered;
}

void preempt_destroy(struct preempt_timer *t)
{
	if (t->created)
		timer_delete(t->id);
	t->created = 0;
}
