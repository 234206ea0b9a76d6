/* run_output.h - the end of a simple-kvm run for its output: flushed within
 * a bound, and what stdout did not take said once. */
#ifndef RUN_OUTPUT_H
#define RUN_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "outbuf.h"

/* How long the end of a run waits for stdout to take what is left. */
#define RUN_OUTPUT_FLUSH_NS 1000000000ull

/* Puts out, with its stdio stream, in front of stdout for the run: 0, or
 * -1 after one line on stderr saying why (then exit with STATUS_HOST). */
int run_output_open(struct outbuf *out);

/* Flushes out once the run is over: within RUN_OUTPUT_FLUSH_NS, or at
 * once when a signal asked us to stop. Returns the bytes not written. */
uint64_t run_output_flush(struct outbuf *out);

/* Flushes out, once, and says in note what it did not write of `what`
 * ("the guest's output"); "" when all went out or on a later call. */
void run_output_note(struct outbuf *out, const char *what, char *note,
		     size_t len);

/* The one line a stopped guest gets, after what it printed so far:
 * "simple-kvm: guest stopped at PLACE: WHAT DETAIL", and the note of
 * run_output_note on `output` ("the guest's output") when some of it
 * was not written. */
void run_output_stopped(struct outbuf *out, const char *output,
			const char *place, const char *what,
			const char *detail);

/* At the very end: a line for what stdout did not take, unless the run's
 * own line said so; a failed write (the reader went away) turns a guest's
 * status (0..63) into STATUS_IO_ERROR. Returns the status to exit with. */
int run_output_end(struct outbuf *out, const char *what, int status);

#endif
