/* run_output.c - the end of a simple-kvm run for its output. */
#include "run_output.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "preempt.h"
#include "status.h"

int run_output_open(struct outbuf *out)
{
	struct errbuf err;
	int ret;

	fflush(stdout);
	ret = outbuf_open(out, STDOUT_FILENO, 0, &err);
	if (!ret && !outbuf_stream(out))
		ret = err_fail(&err, ENOMEM, "stdout: out of memory");
	if (!ret)
		return 0;
	fprintf(stderr, "simple-kvm: %s\n", err.msg);
	outbuf_close(out);
	return -1;
}

uint64_t run_output_flush(struct outbuf *out)
{
	return outbuf_finish(out, preempt_run_mask(),
			     preempt_stop_requested() ? 0
						      : RUN_OUTPUT_FLUSH_NS);
}

void run_output_note(struct outbuf *out, const char *what, char *note,
		     size_t len)
{
	int first = !out->finished;
	uint64_t left = run_output_flush(out);

	note[0] = '\0';
	if (first && left)
		snprintf(note, len, "%" PRIu64 " bytes of %s not written (%s)",
			 left, what,
			 out->error ? "the write failed"
				    : "stdout did not take them");
}

void run_output_stopped(struct outbuf *out, const char *output,
			const char *place, const char *what, const char *detail)
{
	char note[160];

	run_output_note(out, output, note, sizeof(note));
	fprintf(stderr, "simple-kvm: guest stopped at %s: %s%s%s%s\n", place,
		what, detail, note[0] ? "; " : "", note);
}

int run_output_end(struct outbuf *out, const char *what, int status)
{
	char note[160];

	if (!out->finished) {
		run_output_note(out, what, note, sizeof(note));
		if (note[0])
			fprintf(stderr, "simple-kvm: %s\n", note);
	}
	if (out->error)
		return status <= STATUS_GUEST_MAX ? STATUS_IO_ERROR : status;
	return status;
}
