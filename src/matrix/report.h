/* report.h - what a matrix run tells at its end: a table and its JSON. */
#ifndef MATRIX_REPORT_H
#define MATRIX_REPORT_H

#include <stdint.h>
#include <stdio.h>

/* One VM's line of the summary. */
struct matrix_vm_row {
	const char *name, *image;
	const char *state;   /* "running", "halted", "failed" */
	const char *failure; /* why it failed, or "" */
	int vmfd;
	uint64_t weight;
	double target_share, share;
	uint64_t run_ns, slices;
	int has_work; /* a counter guest published its work counter */
	uint64_t work;
	uint64_t quantum_slices; /* slices the quantum timer ended */
	uint64_t slice_min_ns, slice_max_ns; /* of those, in wall time */
	/* Against the ideal share (see scheduler.h), ns; positive: behind. */
	double lag_ns, lag_max_ns, lag_min_ns; /* at the end, most, least */
	const uint64_t *exits;	  /* by KVM_EXIT_* reason, EXIT_REASON_COUNT */
	uint64_t output_stalls;	  /* times its full output blocked it */
	uint64_t output_stall_ns; /* and the time it waited */
};

/* A finished run, as matrix hands it over: the report reads nothing else. */
struct matrix_summary {
	const char *policy;
	uint64_t quantum_ns;
	uint64_t wall_ns; /* first slice to the end */
	uint64_t cpu_ns;  /* of it, CPU time the host gave us (getrusage) */
	uint64_t run_ns;  /* charged to the VMs (their thread's CPU time) */
	uint64_t slices;
	int cpu, threads, kvm_workers;
	uint64_t rss_start_kb, rss_kb, guest_resident_kb;
	int fds_start, fds_end;
	uint64_t setup_ns; /* opening KVM to the last VM ready */
	double lag_behind_ns, lag_ahead_ns; /* the extremes over every VM */
	double pairwise_ns;		    /* at the end; < 0: not computed */
	uint64_t slice_max_ns;		    /* the longest charged, any end */
	uint64_t slice_wall_max_ns;	    /* the longest in wall time */
	uint64_t preempted_ns; /* wall less CPU time inside the slices */
	uint64_t overshoot_ns; /* how early the timer was armed, at the end */
	int vm_fds_closed;     /* each VM kept only its vCPU's descriptor */
	unsigned count;
	const struct matrix_vm_row *vms;
};

/* The summary as a table (several lines), for stderr. */
void matrix_report_table(const struct matrix_summary *s, FILE *out);

/* The summary as one JSON object on one line. */
void matrix_report_json(const struct matrix_summary *s, FILE *out);

#endif
