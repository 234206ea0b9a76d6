/* main.c - matrix: several VMs on one host thread and one core. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "matrix.h"
#include "seccomp_filter.h"
#include "status.h"

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
	/* through the run's stdout buffer: a reader that does not read can
	 * cost it a second, never the exit */
	if (json && outbuf_stream(&m->out)) {
		matrix_report_json(&s, m->out.stream);
		outbuf_finish(&m->out, preempt_run_mask(), 1000000000ull);
	}
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
