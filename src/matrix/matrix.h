/* matrix.h - the state of a matrix run: its VMs, their schedule and their
 * accounts. */
#ifndef MATRIX_H
#define MATRIX_H

#include <stdint.h>
#include <stdio.h>

#include "exit_stats.h"
#include "hypercall_host.h"
#include "kvm.h"
#include "preempt.h"
#include "scheduler.h"
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
};

struct matrix_vm {
	struct vm vm;
	char name[32];
	const char *image; /* built-in name or file path */
	enum vm_state state;
	char failure[640]; /* why it failed, for the summary */
	struct exit_stats stats;
	struct hc_env hc;
	uint64_t slice_min_ns; /* over slices the quantum timer ended */
	uint64_t slice_max_ns;
	uint64_t timer_slices;
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
	uint64_t duration_ns; /* --duration, 0 = until a signal */
	uint64_t max_slices;  /* --slices, 0 = no limit */
	uint64_t slices;
	int quiet;
	int cpu;	 /* the CPU we are pinned to */
	int threads;	 /* our tasks in /proc/self/task, sampled mid-run */
	int kvm_workers; /* the kernel's KVM workers among them */
	uint64_t rss_start_kb;	    /* RSS after 100 slices (or fewer) */
	int fds_start, fds_end;	    /* open descriptors, then and at the end */
	uint64_t rss_kb;	    /* RSS at the end of the run */
	uint64_t guest_resident_kb; /* of it, guest RAM pages (mincore) */
	FILE *events; /* the spec's event lines (stdout), NULL with --quiet */
	FILE *trace;  /* --trace FILE, or NULL */
	int trace_first;
};

/* The work counter of a counter guest (see guest/matrix_abi.h); returns
 * 0 and sets *work, or -1 when the guest publishes none. */
int matrix_vm_work(const struct matrix_vm *v, uint64_t *work);

/* --- matrix_report.c -------------------------------------------------------
 */

/* The per-VM summary: a table on out (stderr), or one JSON object. */
void matrix_print_table(const struct matrix *m, FILE *out);
void matrix_print_json(const struct matrix *m, FILE *out);

/* Chrome trace-event JSON (Perfetto opens it): one complete event per slice. */
void trace_begin(struct matrix *m);
void trace_slice(struct matrix *m, unsigned i, uint64_t start_ns,
		 uint64_t dur_ns, enum slice_end why);
void trace_end(struct matrix *m);

const char *slice_end_name(enum slice_end why);

#endif
