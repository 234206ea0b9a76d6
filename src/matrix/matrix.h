/* matrix.h - several VMs on one thread and one CPU: setting them up, running
 * them slice by slice, and summing up. */
#ifndef MATRIX_H
#define MATRIX_H

#include <stdint.h>
#include <stdio.h>

#include "exit_stats.h"
#include "hypercall_host.h"
#include "kvm.h"
#include "options.h"
#include "outbuf.h"
#include "overshoot.h"
#include "preempt.h"
#include "report.h"
#include "scheduler.h"
#include "trace.h"
#include "vcpu_loop.h"
#include "vm.h"

enum vm_state { VM_RUNNING, VM_HALTED, VM_FAILED };

/* Why a slice ended. */
enum slice_end {
	END_TIMER,    /* the slice timer fired: the quantum is used up */
	END_DEADLINE, /* the timer fired at --duration's end */
	END_IO,	      /* io policy: every I/O exit passes the turn */
	END_HALT,     /* the guest halted or called HC_exit */
	END_FAILED,   /* the guest did something the VMM refuses */
	END_STOP,     /* SIGINT or SIGTERM */
	END_BLOCKED,  /* its output buffer is full: it waits for stdout */
	END_OUTPUT,   /* writing stdout failed: the run ends */
};

struct matrix;

struct matrix_vm {
	struct matrix *m; /* back pointer, for the exit hooks */
	struct vm vm;
	char name[32];
	const char *image; /* built-in name or file path */
	enum vm_state state;
	char failure[640]; /* why it failed, for the summary */
	struct exit_stats stats;
	struct hc_env hc;
	struct vcpu_loop loop;
	int vmfd; /* the VM's descriptor when it was made, for event lines */
	uint64_t slice_min_ns; /* over slices the quantum timer ended, */
	uint64_t slice_max_ns; /* in wall time */
	uint64_t timer_slices;
	struct outbuf out;	/* its output, events included, for stdout */
	int blocked;		/* out is full: out of the rotation */
	int pending;		/* out holds bytes: in m->pending */
	uint64_t blocked_since; /* when it was blocked */
};

struct matrix {
	struct kvm_dev kvm;
	struct matrix_vm *vms;
	struct sched_entity *entities;
	unsigned *heap;
	unsigned count;
	struct sched sched;
	struct preempt_timer timer;
	uint64_t start_ns;    /* CLOCK_MONOTONIC at the first slice */
	uint64_t end_ns;      /* and when the run stopped */
	uint64_t cpu_ns;      /* CPU time the host gave the run */
	uint64_t duration_ns; /* --duration, 0 = until a signal */
	uint64_t max_slices;  /* --slices, 0 = no limit */
	uint64_t slices;
	struct overshoot overshoot; /* how early to arm the slice timer */
	uint64_t slice_max_ns;	    /* the longest slice charged, any end */
	uint64_t slice_wall_max_ns; /* the longest in wall time */
	uint64_t
		preempted_ns; /* wall less CPU time inside slices: the host's */
	int cpu;	      /* the CPU we are pinned to */
	int threads;	 /* our tasks in /proc/self/task, sampled mid-run */
	int kvm_workers; /* the kernel's KVM workers among them */
	uint64_t rss_start_kb;	    /* RSS after the warm-up slices */
	int fds_start, fds_end;	    /* open descriptors, then and at the end */
	uint64_t rss_kb;	    /* RSS at the end of the run */
	uint64_t guest_resident_kb; /* of it, guest RAM pages (mincore) */
	uint64_t setup_ns;	    /* KVM open to the last VM ready */
	int close_vm_fds;  /* one descriptor per VM: see plan_descriptors */
	int proc_self;	   /* /proc/self, opened before the lockdown, or -1 */
	int events;	   /* print the event lines (not --quiet) */
	struct outbuf out; /* stdout, non-blocking; the VMs' buffers share its
			      descriptor, and the JSON summary goes here */
	unsigned *pending; /* VMs whose out holds bytes */
	unsigned npending;
	unsigned nblocked; /* VMs blocked on a full out */
	int out_error;	   /* errno of a failed write to stdout, or 0 */
	struct matrix_trace trace;
};

/* Opens KVM, pins the thread, creates and loads every VM, then locks the
 * process down. Returns an exit status (status.h) after one line on
 * stderr, or STATUS_OK. */
int matrix_setup(struct matrix *m, const struct matrix_options *opt);

/* Runs slices until --duration, --slices, a stop signal, a reader of
 * stdout that went away (m->out_error), or no VM left; then flushes the
 * VMs' output within a second, saying on stderr what was not written. */
void matrix_run(struct matrix *m);

/* The summary the report prints; rows has room for m->count rows. */
void matrix_summarize(const struct matrix *m, struct matrix_vm_row *rows,
		      struct matrix_summary *s);

/* Releases everything matrix_setup made; safe after a failed setup. With
 * exiting set, the VMs are left for the process's exit to release. */
void matrix_teardown(struct matrix *m, int exiting);

#endif
