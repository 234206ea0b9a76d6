/* trace.h - matrix's schedule as Chrome trace-event JSON, for Perfetto. */
#ifndef MATRIX_TRACE_H
#define MATRIX_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "errbuf.h"

struct matrix_trace {
	FILE *file;
	int first_event;   /* no comma before the next event */
	uint64_t start_ns; /* timestamps are relative to it */
};

/*
 * Creates path and writes the header, naming track i + 1 after names[i].
 * Events are written as the run goes, one line each, so that a run stopped
 * by a signal still leaves a usable file. 0, or a negative errno.
 */
int matrix_trace_open(struct matrix_trace *t, const char *path,
		      const char *const *names, unsigned count,
		      struct errbuf *err);

/* Sets the run's time zero (CLOCK_MONOTONIC ns). */
void matrix_trace_start(struct matrix_trace *t, uint64_t start_ns);

/* One complete event: VM i ran from start_ns for dur_ns; why it ended. */
void matrix_trace_slice(struct matrix_trace *t, unsigned i, const char *name,
			uint64_t start_ns, uint64_t dur_ns, const char *why);

/* Closes the JSON and the file; safe when nothing was opened. */
void matrix_trace_close(struct matrix_trace *t);

#endif
