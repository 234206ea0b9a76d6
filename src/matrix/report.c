/* report.c - printing a matrix run's summary as a table or as JSON. */
#include "report.h"

#include <inttypes.h>
#include <string.h>

#include "exit_names.h"
#include "json.h"

/* VMM time: everything between slices that no VM was charged for (the
 * host's time inside slices is charged to no one, and is not ours). */
static uint64_t vmm_ns(const struct matrix_summary *s)
{
	uint64_t in_slices = s->run_ns + s->preempted_ns;

	return s->wall_ns > in_slices ? s->wall_ns - in_slices : 0;
}

/* Host memory the VMM keeps per VM: the RSS less the guest pages that
 * were touched, shared out over the VMs. */
static double host_kb_per_vm(const struct matrix_summary *s)
{
	uint64_t host = s->rss_kb > s->guest_resident_kb
				? s->rss_kb - s->guest_resident_kb
				: 0;

	return s->count ? (double)host / s->count : 0.0;
}

/* ns in quanta (the io policy's backstop quantum too). */
static double quanta(const struct matrix_summary *s, double ns)
{
	return s->quantum_ns ? ns / (double)s->quantum_ns : 0.0;
}

/* The worst lag either way, ns. */
static double worst_lag_ns(const struct matrix_summary *s)
{
	return s->lag_behind_ns > -s->lag_ahead_ns ? s->lag_behind_ns
						   : -s->lag_ahead_ns;
}

static void table_row(const struct matrix_summary *s,
		      const struct matrix_vm_row *v, FILE *out)
{
	char work[24] = "-";

	if (v->has_work)
		snprintf(work, sizeof(work), "%" PRIu64, v->work);
	fprintf(out,
		"%-12s %6" PRIu64 " %6.1f%% %11.3f %6.1f%% %7.2f %8" PRIu64
		" %14s ",
		v->name, v->weight, 100 * v->target_share, v->run_ns / 1e9,
		100 * v->share, quanta(s, v->lag_ns), v->slices, work);
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
		if (v->exits[r])
			fprintf(out, " %s=%" PRIu64, exit_reason_short_name(r),
				v->exits[r]);
	if (v->output_stalls)
		fprintf(out, " [output full %" PRIu64 "x, %.3f s]",
			v->output_stalls, v->output_stall_ns / 1e9);
	if (strcmp(v->state, "running"))
		fprintf(out, " [%s%s%s]", v->state, v->failure[0] ? ": " : "",
			v->failure);
	fputc('\n', out);
}

void matrix_report_table(const struct matrix_summary *s, FILE *out)
{
	uint64_t vmm = vmm_ns(s);

	fprintf(out,
		"matrix: policy %s, quantum %.3f ms, %" PRIu64
		" slices in %.3f s on CPU %d (%.0f %% of it ours), %d "
		"thread(s); VMM time between slices %.3f ms in all, %.1f us "
		"per slice\n",
		s->policy, s->quantum_ns / 1e6, s->slices, s->wall_ns / 1e9,
		s->cpu, s->wall_ns ? 100.0 * s->cpu_ns / s->wall_ns : 0.0,
		s->threads, vmm / 1e6,
		s->slices ? vmm / 1e3 / (double)s->slices : 0.0);
	fprintf(out,
		"matrix: %u VMs set up in %.1f ms (%.1f us each), %.1f KiB of "
		"host memory each beyond guest pages, %s\n",
		s->count, s->setup_ns / 1e6,
		s->count ? s->setup_ns / 1e3 / s->count : 0.0,
		host_kb_per_vm(s),
		s->vm_fds_closed ? "one descriptor each (vCPU only)"
				 : "two descriptors each");
	fprintf(out,
		"matrix: worst lag %.3f quanta (behind %.3f, ahead %.3f), "
		"worst pairwise error %.3f quanta; longest slice %.3f quanta "
		"charged, %.3f wall; the host took %.3f ms inside slices; timer "
		"armed %.1f us early\n",
		quanta(s, worst_lag_ns(s)), quanta(s, s->lag_behind_ns),
		quanta(s, -s->lag_ahead_ns), quanta(s, s->pairwise_ns),
		quanta(s, (double)s->slice_max_ns),
		quanta(s, (double)s->slice_wall_max_ns), s->preempted_ns / 1e6,
		s->overshoot_ns / 1e3);
	fprintf(out, "%-12s %6s %7s %11s %7s %7s %8s %14s  %s\n", "VM",
		"weight", "target", "run (s)", "share", "lag (q)", "slices",
		"work", "exits");
	for (unsigned i = 0; i < s->count; i++)
		table_row(s, &s->vms[i], out);
}

static void json_vm(const struct matrix_summary *s,
		    const struct matrix_vm_row *v, FILE *out)
{
	const char *sep = "";

	fprintf(out, "{\"name\":");
	json_write_string(out, v->name);
	fprintf(out, ",\"image\":");
	json_write_string(out, v->image);
	fprintf(out,
		",\"vmfd\":%d,\"weight\":%" PRIu64 ",\"target_share\":%.6f,"
		"\"run_ns\":%" PRIu64 ",\"share\":%.6f,\"slices\":%" PRIu64,
		v->vmfd, v->weight, v->target_share, v->run_ns, v->share,
		v->slices);
	if (v->has_work)
		fprintf(out, ",\"work\":%" PRIu64, v->work);
	else
		fprintf(out, ",\"work\":null");
	fprintf(out, ",\"lag_q\":%.4f,\"lag_max_q\":%.4f,\"lag_min_q\":%.4f",
		quanta(s, v->lag_ns), quanta(s, v->lag_max_ns),
		quanta(s, v->lag_min_ns));
	fprintf(out,
		",\"quantum_slices\":%" PRIu64 ",\"slice_min_ns\":%" PRIu64
		",\"slice_max_ns\":%" PRIu64 ",\"output_stalls\":%" PRIu64
		",\"output_stall_ns\":%" PRIu64 ",\"state\":\"%s\",\"exits\":{",
		v->quantum_slices, v->slice_min_ns, v->slice_max_ns,
		v->output_stalls, v->output_stall_ns, v->state);
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++) {
		if (!v->exits[r])
			continue;
		fprintf(out, "%s\"%s\":%" PRIu64, sep, exit_reason_name(r),
			v->exits[r]);
		sep = ",";
	}
	fprintf(out, "}}");
}

void matrix_report_json(const struct matrix_summary *s, FILE *out)
{
	fprintf(out,
		"{\"policy\":\"%s\",\"quantum_ns\":%" PRIu64
		",\"duration_ns\":%" PRIu64 ",\"cpu_ns\":%" PRIu64
		",\"vmm_ns\":%" PRIu64 ",\"slices\":%" PRIu64
		",\"cpu\":%d,\"threads\":%d,"
		"\"kvm_workers\":%d,\"rss_start_kb\":%" PRIu64
		",\"rss_kb\":%" PRIu64 ",\"guest_resident_kb\":%" PRIu64
		",\"fds_start\":%d,\"fds_end\":%d,\"setup_ns\":%" PRIu64
		",\"host_kb_per_vm\":%.2f,\"vm_fds_closed\":%s,",
		s->policy, s->quantum_ns, s->wall_ns, s->cpu_ns, vmm_ns(s),
		s->slices, s->cpu, s->threads, s->kvm_workers, s->rss_start_kb,
		s->rss_kb, s->guest_resident_kb, s->fds_start, s->fds_end,
		s->setup_ns, host_kb_per_vm(s),
		s->vm_fds_closed ? "true" : "false");
	fprintf(out,
		"\"worst_lag_q\":%.4f,\"lag_behind_q\":%.4f,"
		"\"lag_ahead_q\":%.4f,\"pairwise_error_q\":",
		quanta(s, worst_lag_ns(s)), quanta(s, s->lag_behind_ns),
		quanta(s, s->lag_ahead_ns));
	if (s->pairwise_ns < 0)
		fprintf(out, "null");
	else
		fprintf(out, "%.4f", quanta(s, s->pairwise_ns));
	fprintf(out,
		",\"slice_max_ns\":%" PRIu64 ",\"slice_max_q\":%.4f"
		",\"slice_wall_max_ns\":%" PRIu64 ",\"preempted_ns\":%" PRIu64
		",\"overshoot_ns\":%" PRIu64 ",\"vms\":[",
		s->slice_max_ns, quanta(s, (double)s->slice_max_ns),
		s->slice_wall_max_ns, s->preempted_ns, s->overshoot_ns);
	for (unsigned i = 0; i < s->count; i++) {
		if (i)
			fputc(',', out);
		json_vm(s, &s->vms[i], out);
	}
	fprintf(out, "]}\n");
}
