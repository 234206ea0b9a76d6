/* main.c - matrix: several VMs on one host thread and one core. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "matrix.h"
#include "seccomp_filter.h"
#include "status.h"

/* How long the JSON summary may wait for stdout without progress. */
#define SUMMARY_WAIT_NS 1000000000ull

/*
 * The JSON summary on stdout, through the run's stdout buffer (after the
 * guests' output): whole, however many VMs it has, or a line saying how
 * much a reader that did not read, or went away, left unwritten.
 */
static void report_json(struct matrix *m, const struct matrix_summary *s)
{
	char *text = NULL;
	size_t len = 0;
	uint64_t left;
	FILE *f = open_memstream(&text, &len);

	if (!f) {
		fprintf(stderr, "matrix: out of memory for the JSON summary\n");
		return;
	}
	matrix_report_json(s, f);
	if (fclose(f) || !text) {
		fprintf(stderr, "matrix: out of memory for the JSON summary\n");
		free(text);
		return;
	}
	left = outbuf_write_all(&m->out, text, len, preempt_run_mask(),
				SUMMARY_WAIT_NS);
	left += outbuf_finish(&m->out, preempt_run_mask(), SUMMARY_WAIT_NS);
	if (left)
		fprintf(stderr,
			"matrix: %llu bytes of output not written (%s)\n",
			(unsigned long long)left,
			m->out.error ? "the write failed"
				     : "stdout did not take them");
	free(text);
}

/* Prints the table on stderr and, with --summary=json, JSON on stdout. */
static int report(struct matrix *m, int json)
{
	struct matrix_vm_row *rows = calloc(m->count, sizeof(*rows));
	struct matrix_summary s;

	if (!rows) {
		fprintf(stderr, "matrix: out of memory for the summary\n");
		return STATUS_HOST;
	}
	matrix_summarize(m, rows, &s);
	matrix_report_table(&s, stderr);
	if (json)
		report_json(m, &s);
	free(rows);
	return m->out_error ? STATUS_IO_ERROR : STATUS_OK;
}

int main(int argc, char **argv)
{
	struct matrix_options opt;
	struct matrix m = {0};
	int status, ret;

	seccomp_match_build();
	ret = matrix_options_parse(argc, argv, &opt);
	if (ret) {
		matrix_options_free(&opt);
		return ret > 0 ? STATUS_OK : STATUS_USAGE;
	}
	/* A reader that goes away is an EPIPE and STATUS_IO_ERROR, never a
	 * death by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	status = matrix_setup(&m, &opt);
	if (status == STATUS_OK) {
		matrix_run(&m);
		matrix_trace_close(&m.trace);
		status = report(&m, opt.json);
		for (unsigned i = 0; i < m.count; i++)
			if (m.vms[i].state == VM_FAILED && status == STATUS_OK)
				status = STATUS_GUEST_CRASH;
	}
	matrix_teardown(&m, 1);
	matrix_options_free(&opt);
	return status;
}
