/* linux_smp.h - simple-kvm --kernel --cpus N: a host thread for each vCPU
 * after the first, the device lock they share, and the one end of the run
 * that every vCPU obeys. */
#ifndef LINUX_SMP_H
#define LINUX_SMP_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "errbuf.h"
#include "exit_stats.h"
#include "hypercall_host.h"
#include "linux_end.h"
#include "mptable.h"

struct vm;
struct vcpu;
struct gdbstub;

/* --cpus: at most what the MP table describes. */
#define LINUX_MAX_CPUS MPTABLE_MAX_CPUS

/* The signal that ends another vCPU thread's KVM_RUN (with immediate_exit,
 * for one that is not in KVM_RUN yet). */
#define LINUX_KICK_SIGNAL (SIGRTMIN + 1)

struct linux_smp;

/* One vCPU after the first (an AP), on its own thread. */
struct linux_ap {
	struct linux_smp *smp;
	struct vcpu *vcpu;
	pthread_t thread;
	bool started;		 /* the thread exists: join it */
	struct exit_stats stats; /* its exits (HC_numExits reads these) */
	struct hc_env env;	 /* the boot vCPU's, with its own vCPU, stats */
	struct errbuf err;	 /* why it ended the run */
	uint64_t cpu_ns;	 /* the thread's CPU time in its run loop */
};

struct linux_smp {
	unsigned n; /* the VM's vCPUs */
	/* The device lock: held by whichever vCPU serves an exit (the port
	 * and MMIO buses and every device on them), flushes the output
	 * buffer, or polls the console (docs/linux.md, "Several vCPUs"). */
	pthread_mutex_t dev_lock;
	pthread_t bsp_thread; /* vCPU 0's: the thread of linux_smp_init */
	struct vcpu *bsp;
	struct bus *ports, *mmio;
	bool confine; /* each AP thread installs seccomp_lockdown itself */
	/* lock guards what follows, cond signals its changes */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned ready, failed; /* APs set up, or not (start_err says why) */
	bool go;		/* the boot vCPU's loop is ready: run */
	struct errbuf start_err;
	/* The end, set once by the first vCPU to end the run, which then
	 * kicks every other; ended is also read without the lock. */
	atomic_int ended;
	enum linux_end end;
	unsigned who; /* the vCPU that ended it */
	uint32_t exit_code;
	struct errbuf err;
	struct linux_ap *aps; /* n - 1 */
	/* --gdb: each AP's loop shows the stub its events and parks in it;
	 * the run's end releases every parked vCPU. NULL: none. */
	struct gdbstub *gdb;
};

/* For vm's vCPUs, on the thread that will run vCPU 0. 0, or -ENOMEM with
 * one line. */
int linux_smp_init(struct linux_smp *s, struct vm *vm, struct errbuf *err);

/*
 * Starts a thread per AP, made with every signal blocked. Each lets only
 * LINUX_KICK_SIGNAL through its KVM_RUN (its handler must be installed:
 * linux_tick_start), installs the seccomp allowlist on itself when
 * confine is set, and says it is ready; then it waits for linux_smp_go
 * and runs its vCPU (which waits in KVM for the guest's INIT and SIPI)
 * with a copy of env that counts into its own stats, on ports and mmio,
 * under the device lock. Returns once every AP is ready: 0, or a negative
 * errno with one line (every thread started is then stopped and joined).
 */
int linux_smp_start(struct linux_smp *s, const struct hc_env *env,
		    struct bus *ports, struct bus *mmio, bool confine,
		    struct errbuf *err);

/* The boot vCPU's loop has registered the hypercall device: the APs may
 * run. */
void linux_smp_go(struct linux_smp *s);

/* True once some vCPU ended the run. */
bool linux_smp_ended(struct linux_smp *s);

/* How the run ended (once linux_smp_ended). */
enum linux_end linux_smp_end_of(struct linux_smp *s);

/*
 * vCPU who ends the run with end (and exit_code, err's line): only the
 * first call counts; it kicks every other vCPU (immediate_exit and
 * LINUX_KICK_SIGNAL), so that each leaves KVM_RUN at once.
 */
void linux_smp_end(struct linux_smp *s, unsigned who, enum linux_end end,
		   uint32_t exit_code, const struct errbuf *err);

/*
 * On vCPU 0's thread once its loop returned end: ends the run with it
 * (unless a vCPU did first), joins every AP and takes the kick that may
 * be pending on this thread. Then *end, *exit_code and err are those of
 * the vCPU that ended the run; returns its index.
 */
unsigned linux_smp_finish(struct linux_smp *s, enum linux_end *end,
			  uint32_t *exit_code, struct errbuf *err);

/* For the gdb stub (struct gdb_cpus's kick, ctx a struct linux_smp):
 * ends vCPU index's KVM_RUN now, or its next one. */
void linux_smp_kick(void *ctx, unsigned index);

/*
 * On a vCPU's thread after its KVM_RUN was interrupted: the kick that did
 * it is spent (immediate_exit back to 0, its signal taken), else every
 * KVM_RUN after it would return at once. Safe because a kicker sets what
 * the kick is for (the run's end, gdb's stop) before it kicks, and the
 * loop checks that next.
 */
void linux_smp_take_kick(struct vcpu *vcpu);

/* Frees what init made; after linux_smp_finish (or a failed start). */
void linux_smp_destroy(struct linux_smp *s);

/* The calling thread's CPU time in nanoseconds (a vCPU's time in the
 * guest is most of it). */
uint64_t linux_thread_cpu_ns(void);

#endif
