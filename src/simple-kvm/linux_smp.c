/* linux_smp.c - the APs' threads, their start, and the end of the run that
 * reaches every vCPU. */
#include "linux_smp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gdbstub.h"
#include "guest_va.h"
#include "linux_end.h"
#include "preempt.h"
#include "seccomp_filter.h"
#include "vcpu_loop.h"
#include "vm.h"

uint64_t linux_thread_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int linux_smp_init(struct linux_smp *s, struct vm *vm, struct errbuf *err)
{
	memset(s, 0, sizeof(*s));
	s->n = vm->nvcpus;
	s->bsp = &vm->vcpu;
	s->bsp_thread = pthread_self();
	pthread_mutex_init(&s->dev_lock, NULL);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	if (s->n > 1) {
		s->aps = calloc(s->n - 1, sizeof(*s->aps));
		if (!s->aps)
			return err_fail(err, ENOMEM, "%u vCPUs: out of memory",
					s->n);
	}
	for (unsigned i = 1; i < s->n; i++) {
		s->aps[i - 1].smp = s;
		s->aps[i - 1].vcpu = vm_vcpu(vm, i);
	}
	return 0;
}

bool linux_smp_ended(struct linux_smp *s)
{
	return atomic_load(&s->ended) != 0;
}

enum linux_end linux_smp_end_of(struct linux_smp *s)
{
	enum linux_end end;

	pthread_mutex_lock(&s->lock);
	end = s->end;
	pthread_mutex_unlock(&s->lock);
	return end;
}

/* Out of KVM_RUN now, or at its next entry: the kick signal ends a
 * KVM_RUN in progress (or one that starts while it is pending, as the
 * vCPU's mask lets it through only there), immediate_exit one that the
 * thread enters after a kick it took elsewhere. */
static void kick(struct vcpu *vcpu, pthread_t thread)
{
	__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(thread, LINUX_KICK_SIGNAL);
}

void linux_smp_end(struct linux_smp *s, unsigned who, enum linux_end end,
		   uint32_t exit_code, const struct errbuf *err)
{
	pthread_mutex_lock(&s->lock);
	if (!atomic_load(&s->ended)) {
		s->end = end;
		s->who = who;
		s->exit_code = exit_code;
		s->err = *err;
		atomic_store(&s->ended, 1);
		/* under the lock: linux_smp_finish joins only after it */
		if (who != 0)
			kick(s->bsp, s->bsp_thread);
		for (unsigned i = 1; i < s->n; i++)
			if (i != who && s->aps[i - 1].started)
				kick(s->aps[i - 1].vcpu, s->aps[i - 1].thread);
		pthread_cond_broadcast(&s->cond); /* APs waiting for go */
		gdbstub_release_all(s->gdb);	  /* and those gdb parked */
	}
	pthread_mutex_unlock(&s->lock);
}

void linux_smp_kick(void *ctx, unsigned index)
{
	struct linux_smp *s = ctx;

	if (index == 0)
		kick(s->bsp, s->bsp_thread);
	else if (index < s->n && s->aps[index - 1].started)
		kick(s->aps[index - 1].vcpu, s->aps[index - 1].thread);
}

void linux_smp_take_kick(struct vcpu *vcpu)
{
	const struct timespec zero = {0, 0};
	sigset_t kick_set;

	__atomic_store_n(&vcpu->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
	sigemptyset(&kick_set);
	sigaddset(&kick_set, LINUX_KICK_SIGNAL);
	while (sigtimedwait(&kick_set, NULL, &zero) > 0)
		;
}

/* An AP's run: vcpu_step until the run ends, here or elsewhere. */
static void ap_loop(struct linux_ap *ap, unsigned index)
{
	struct linux_smp *s = ap->smp;
	struct vcpu_loop loop = {.vcpu = ap->vcpu,
				 .hc = &ap->env,
				 .ports = s->ports,
				 .mmio = s->mmio,
				 .lock = &s->dev_lock};
	struct vcpu_exit ex;
	enum vcpu_event ev;
	int end;

	while (!linux_smp_ended(s)) {
		if (s->gdb)
			gdbstub_hold(s->gdb, index);
		ev = vcpu_step(&loop, &ex, &ap->err);
		if (ev == VCPU_INTERRUPTED) /* a kick, or KVM took a SIPI */
			linux_smp_take_kick(ap->vcpu);
		switch (s->gdb ? gdbstub_on_event(s->gdb, index, &ex)
			       : GDB_NOT_MINE) {
		case GDB_RESUME:
			continue;
		case GDB_KILL:
			linux_smp_end(s, index, LINUX_GDB_KILL, 0, &ap->err);
			return;
		case GDB_NOT_MINE:
			break;
		}
		if (ev == VCPU_INTERRUPTED)
			continue;
		end = linux_event_end(ev, &ex);
		if (end >= 0) {
			linux_smp_end(s, index, (enum linux_end)end,
				      ex.exit_code, &ap->err);
			return;
		}
	}
}

/* Signals, then seccomp, on the AP's own thread. */
static int ap_setup(struct linux_ap *ap)
{
	/* the kick, and with --gdb its SIGIO: gdb's Ctrl-C reaches a vCPU
	 * that gdb steps while vCPU 0 is parked */
	int ret = preempt_attach_caught(ap->vcpu, &ap->err);

	/* one at a time: libseccomp keeps some state of its own */
	pthread_mutex_lock(&ap->smp->lock);
	if (!ret && ap->smp->confine)
		ret = seccomp_lockdown(&ap->err);
	pthread_mutex_unlock(&ap->smp->lock);
	return ret;
}

/* Ready (or not), then wait for go or the end; 1 to run. */
static int ap_ready(struct linux_ap *ap, unsigned index, int ret)
{
	struct linux_smp *s = ap->smp;
	int run;

	pthread_mutex_lock(&s->lock);
	if (ret && !s->failed++)
		err_fail(&s->start_err, -ret, "vCPU %u: %s", index,
			 ap->err.msg);
	else if (!ret)
		s->ready++;
	pthread_cond_broadcast(&s->cond);
	while (!ret && !s->go && !atomic_load(&s->ended))
		pthread_cond_wait(&s->cond, &s->lock);
	run = !ret && !atomic_load(&s->ended);
	pthread_mutex_unlock(&s->lock);
	return run;
}

static void *ap_main(void *arg)
{
	struct linux_ap *ap = arg;
	unsigned index = (unsigned)(ap - ap->smp->aps) + 1;
	uint64_t t0;

	if (!ap_ready(ap, index, ap_setup(ap)))
		return NULL;
	t0 = linux_thread_cpu_ns();
	ap_loop(ap, index);
	ap->cpu_ns = linux_thread_cpu_ns() - t0;
	return NULL;
}

/* Thread creation with every signal blocked, so that the thread never
 * takes the timer's or a stop signal, even before its setup. */
static int start_thread(struct linux_ap *ap, struct errbuf *err)
{
	sigset_t all, old;
	int ret;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&ap->thread, NULL, ap_main, ap);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return err_fail(err, ret, "a thread for a vCPU: %s",
				strerror(ret));
	ap->started = true;
	return 0;
}

static void join_all(struct linux_smp *s)
{
	for (unsigned i = 0; i + 1 < s->n; i++)
		if (s->aps[i].started) {
			pthread_join(s->aps[i].thread, NULL);
			s->aps[i].started = false;
		}
}

int linux_smp_start(struct linux_smp *s, const struct hc_env *env,
		    struct bus *ports, struct bus *mmio, bool confine,
		    struct errbuf *err)
{
	unsigned started = 0;
	int ret = 0;

	s->ports = ports;
	s->mmio = mmio;
	s->confine = confine;
	for (unsigned i = 0; i + 1 < s->n; i++) {
		struct linux_ap *ap = &s->aps[i];

		ap->env = *env;
		ap->env.stats = &ap->stats;
		ap->env.translate_ctx = ap->vcpu; /* its own page tables */
		ap->env.bytype_next = 0;
	}
	for (unsigned i = 0; !ret && i + 1 < s->n; i++) {
		ret = start_thread(&s->aps[i], err);
		started += !ret;
	}
	pthread_mutex_lock(&s->lock);
	while (s->ready + s->failed < started)
		pthread_cond_wait(&s->cond, &s->lock);
	if (!ret && s->failed) {
		*err = s->start_err;
		ret = -EINVAL;
	}
	pthread_mutex_unlock(&s->lock);
	if (ret) {
		linux_smp_end(s, 0, LINUX_HOST_ERROR, 0, err);
		join_all(s);
	}
	return ret;
}

void linux_smp_go(struct linux_smp *s)
{
	pthread_mutex_lock(&s->lock);
	s->go = true;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

unsigned linux_smp_finish(struct linux_smp *s, enum linux_end *end,
			  uint32_t *exit_code, struct errbuf *err)
{
	const struct timespec zero = {0, 0};
	sigset_t kick_set;

	/* the winner kicks under the lock this takes: when it returns, no
	 * kick is on its way to a thread joined below */
	linux_smp_end(s, 0, *end, *exit_code, err);
	join_all(s);
	/* an AP's kick left pending here would cut the last flush of the
	 * output short (it waits with the run's mask) */
	sigemptyset(&kick_set);
	sigaddset(&kick_set, LINUX_KICK_SIGNAL);
	while (sigtimedwait(&kick_set, NULL, &zero) > 0)
		;
	*end = s->end;
	*exit_code = s->exit_code;
	if (s->who != 0)
		*err = s->err;
	return s->who;
}

void linux_smp_destroy(struct linux_smp *s)
{
	if (!s->bsp)
		return;
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->dev_lock);
	free(s->aps);
	memset(s, 0, sizeof(*s));
}
