/* vcpu_loop.h - the one place that enters a vCPU and sorts out why it left. */
#ifndef VCPU_LOOP_H
#define VCPU_LOOP_H

#include <pthread.h>
#include <stdint.h>

#include "bus.h"
#include "errbuf.h"
#include "faults.h"
#include "hypercall_host.h"
#include "vm.h"

/*
 * What one return from KVM_RUN meant. Programs decide what an event means
 * to them: simple-kvm maps it to an exit status, matrix to a slice end.
 */
enum vcpu_event {
	VCPU_CONTINUE,	     /* an exit was served: run the vCPU again */
	VCPU_INTERRUPTED,    /* a signal interrupted KVM_RUN (KVM_EXIT_INTR) */
	VCPU_HALTED,	     /* the guest executed HLT */
	VCPU_GUEST_EXIT,     /* the guest called HC_exit; see exit_code */
	VCPU_BAD_HYPERCALL,  /* the guest broke the hypercall ABI */
	VCPU_CRASHED,	     /* an exit no one serves: triple fault, MMIO... */
	VCPU_DEBUG,	     /* KVM_EXIT_DEBUG or a trap: breakpoint, step... */
	VCPU_HOST_ERROR,     /* KVM_RUN itself failed */
	VCPU_GUEST_FAULT,    /* an exception or triple fault; see fault */
	VCPU_OUTPUT_BLOCKED, /* output_nowait: the output buffer is full */
	VCPU_OUTPUT_ERROR,   /* writing the guest's output failed (EPIPE) */
	VCPU_RESET, /* a device: the guest asked to reset (BUS_RESET) */
	VCPU_STOP,  /* a device: the guest asked to power off */
};

struct vcpu_exit {
	enum vcpu_event event;
	uint32_t reason;    /* KVM_EXIT_*, KVM_EXIT_INTR when interrupted */
	uint32_t exit_code; /* VCPU_GUEST_EXIT: the guest's code, 0..63 */
	int call;	    /* the hypercall served, or -1 */
	struct guest_fault fault; /* VCPU_GUEST_FAULT: what is known */
};

/*
 * Serves an I/O exit to a port outside the hypercall ABI: 0 to run on, or
 * a negative errno with one line in err, which stops the guest as a bad
 * hypercall.
 */
typedef int (*vcpu_port_fn)(void *ctx, struct kvm_run *run, struct errbuf *err);

/* Sees each exit after it is counted and before it is served (tracing). */
typedef void (*vcpu_observe_fn)(void *ctx, const struct vcpu_exit *ex);

/*
 * Everything vcpu_step needs for one vCPU; the hooks may be NULL.
 *
 * With a port bus, each KVM_EXIT_IO goes through it, one access per repeat
 * of a string instruction; the hypercall ABI is a device there
 * (vcpu_loop_add_hypercalls), and a port no device claims gets other_port
 * or hc's rule (an unknown port is a bad hypercall unless
 * hc->ignore_unknown_ports). Without one, every port goes straight to hc
 * (and other_port), as before the bus. KVM_EXIT_MMIO goes to the MMIO bus;
 * an address no device claims, or no bus, is a crash.
 */
struct vcpu_loop {
	struct vcpu *vcpu;
	struct hc_env *hc;	 /* serves the ABI; exits count in hc->stats */
	struct bus *ports;	 /* NULL: none */
	struct bus *mmio;	 /* NULL: none */
	vcpu_port_fn other_port; /* NULL: hc's rule (refuse, or ignore) */
	vcpu_observe_fn observe;
	void *ctx; /* passed to the hooks */
	/* With hc->outbuf over its high-water mark: 0 waits for the reader
	 * before KVM_RUN, 1 returns VCPU_OUTPUT_BLOCKED at once (matrix). */
	int output_nowait;
	/* vcpu_step's, for the hypercall device's handlers. */
	struct vcpu_exit *cur;
	enum vcpu_event stop_event; /* what a BUS_STOP of theirs means */
	/* Several vCPU threads on the same buses and output buffer (simple-
	 * kvm --cpus): held while an exit is served (the buses and every
	 * device on them) and while the output gate flushes hc->outbuf, let
	 * go while it waits for the reader. NULL: one vCPU, no lock. */
	pthread_mutex_t *lock;
};

/*
 * Registers the hypercall ABI (0xe9, 0x500..0x507) and the fault-report
 * port (HC_PORT_FAULT_REPORT) on ports as one device served by l's hc
 * with every check of hc_handle_io (direction, size, count), and makes
 * ports l's port bus. l must outlive the ranges. Other vCPU loops may
 * share ports (set their ports field to it): an exit is served by the
 * loop of the vCPU that made it, with that loop's hc and vCPU. 0, or a
 * negative errno with one line.
 */
int vcpu_loop_add_hypercalls(struct vcpu_loop *l, struct bus *ports,
			     struct errbuf *err);

/*
 * Runs the vCPU until its next exit to userspace, counts the exit, serves
 * it when it is a hypercall (or another port, through other_port), and
 * says what happened. A device's BUS_RESET and BUS_STOP come back as
 * VCPU_RESET and VCPU_STOP, its BUS_TRAP as VCPU_DEBUG (with reason
 * KVM_EXIT_IO and the OUT not yet finished: gdbstub.h), a device's error
 * as VCPU_BAD_HYPERCALL. For
 * VCPU_BAD_HYPERCALL, VCPU_CRASHED,
 * VCPU_HOST_ERROR, VCPU_GUEST_FAULT and VCPU_OUTPUT_ERROR, err holds one
 * line saying what went wrong (for a fault, fault_format's text).
 *
 * Before KVM_RUN, the guest's output (hc->outbuf, when set) is flushed
 * without waiting. While it holds more than its high-water mark the vCPU
 * is not entered: the call waits in ppoll for the reader, with KVM_RUN's
 * signal mask (preempt_run_mask), and a signal there returns
 * VCPU_INTERRUPTED as an interrupted KVM_RUN would; the stall is counted
 * in hc->stats. With output_nowait, VCPU_OUTPUT_BLOCKED comes back instead.
 */
enum vcpu_event vcpu_step(struct vcpu_loop *l, struct vcpu_exit *ex,
			  struct errbuf *err);

/* "halted", "crashed", ...: for messages and tests. */
const char *vcpu_event_name(enum vcpu_event event);

#endif
