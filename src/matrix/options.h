/* options.h - matrix's command line: which VMs, which policy, how long. */
#ifndef MATRIX_OPTIONS_H
#define MATRIX_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "layout.h"
#include "scheduler.h"

/* A sanity bound: what really limits the count is the descriptor limit
 * (one descriptor per VM at the least; see matrix_setup). */
#define MATRIX_MAX_VMS	   100000u
#define MATRIX_DEFAULT_MEM LAYOUT_RAM_MIN /* 128 KiB: the guests are tiny */

/* One --vm IMAGE[:WEIGHT[:NAME]], or one line of a --vms file. */
struct vm_spec {
	const char *image;
	uint64_t weight;
	const char *name; /* NULL: the image's name */
	char *text;	  /* owned: image and name point into it */
};

struct matrix_options {
	enum sched_policy policy;
	uint64_t quantum_ns;
	uint64_t duration_ns;
	uint64_t max_slices;
	uint64_t mem_size;
	long cpu; /* -1: the first CPU we may run on */
	int quiet;
	int json;
	int no_seccomp;
	uint32_t denied; /* --deny: hypercalls refused to every VM */
	const char *trace_path;
	const char *weights; /* --weights, applied after the VM list is known */
	struct vm_spec *vms;
	unsigned nvms, capacity;
};

/*
 * Parses argv into opt (defaults first; argv[0] as matrix-a or matrix-b
 * picks the io or rr policy). Returns 0 to run, 1 after --help or
 * --version (printed on stdout), or -EINVAL after one line on stderr.
 * Free with matrix_options_free.
 */
int matrix_options_parse(int argc, char **argv, struct matrix_options *opt);
void matrix_options_free(struct matrix_options *opt);

#endif
