/* preempt.c - timer signals that interrupt KVM_RUN and nothing else. */
#include "preempt.h"

#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vm.h"

/* The handler only has to exist: the signal's default action would kill
 * us, and KVM_RUN returns -EINTR whatever the handler does. */
static void on_preempt_signal(int signo)
{
	(void)signo;
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

int preempt_attach_vcpu(const struct preempt_timer *t, struct vcpu *vcpu,
			struct errbuf *err)
{
	/* The kernel's sigset is 64 bits on x86-64: the first 8 bytes of the
	 * C library's sigset_t, in a kvm_signal_mask that ends in them. */
	_Alignas(struct kvm_signal_mask)
		uint8_t buf[sizeof(struct kvm_signal_mask) + 8];
	struct kvm_signal_mask *arg = (struct kvm_signal_mask *)buf;
	sigset_t during_run;

	if (sigprocmask(SIG_SETMASK, NULL, &during_run) < 0)
		return err_fail(err, errno, "sigprocmask: %s", strerror(errno));
	sigdelset(&during_run, t->signo);
	arg->len = 8;
	memcpy(arg->sigset, &during_run, 8);
	if (ioctl(vcpu->fd, KVM_SET_SIGNAL_MASK, arg) < 0)
		return err_fail(err, errno, "KVM_SET_SIGNAL_MASK: %s",
				strerror(errno));
	return 0;
}

int preempt_arm(const struct preempt_timer *t, uint64_t ns, struct errbuf *err)
{
	struct itimerspec its = {
		.it_value = {.tv_sec = ns / 1000000000u,
			     .tv_nsec = ns % 1000000000u},
	};

	if (timer_settime(t->id, 0, &its, NULL) < 0)
		return err_fail(err, errno, "timer_settime: %s",
				strerror(errno));
	return 0;
}

int preempt_drain(const struct preempt_timer *t)
{
	const struct timespec zero = {0, 0};
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, t->signo);
	return sigtimedwait(&set, NULL, &zero) == t->signo;
}

void preempt_destroy(struct preempt_timer *t)
{
	if (t->created)
		timer_delete(t->id);
	t->created = 0;
}
