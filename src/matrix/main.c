/* main.c - matrix: several VMs on one host thread and one core. */
#include <stdio.h>
#include <stdlib.h>

#include "matrix.h"
#include "seccomp_filter.h"
#include "status.h"

/* Prints the table on stderr and, with --summary=json, JSON on stdout. */
static int report(const struct matrix *m, int json)
{
	struct matrix_vm_row *rows = calloc(m->count, sizeof(*rows));
	struct matrix_summary s;

	if (!rows) {
		fprintf(stderr, "matrix: out of memory for the summary\n");
		return STATUS_HOST;
	}
	matrix_summarize(m, rows, &s);
	fflush(stdout);
	matrix_report_table(&s, stderr);
	if (json)
		matrix_report_json(&s, stdout);
	free(rows);
	return STATUS_OK;
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
	status = matrix_setup(&m, &opt);
	if (status == STATUS_OK) {
		matrix_run(&m);
		fflush(stdout);
		matrix_trace_close(&m.trace);
		status = report(&m, opt.json);
		for (unsigned i = 0; i < m.count; i++)
			if (m.vms[i].state == VM_FAILED)
				status = STATUS_GUEST_CRASH;
	}
	matrix_teardown(&m, 1);
	matrix_options_free(&opt);
	return status;
}
