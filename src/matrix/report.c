/* matrix_report.c - what a matrix run tells: the summary table, its JSON, and
 * the trace. */
#include <inttypes.h>

#include "exit_names.h"
#include "matrix.h"

const char *slice_end_name(enum slice_end why)
{
	static const char *const names[] = {
		[END_TIMER] = "quantum", [END_DEADLINE] = "duration",
		[END_IO] = "io",	 [END_HALT] = "halt",
		[END_FAILED] = "failed", [END_STOP] = "signal",
	};

	return why <= END_STOP ? names[why] : "unknown";
}

static const char *state_name(enum vm_state s)
{
	return s == VM_RUNNING	? "running"
	       : s == VM_HALTED ? "halted"
				: "failed";
}

static uint64_t total_run_ns(const struct matrix *m)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < m->count; i++)
		total += m->entities[i].run_ns;
	return total;
}

static double share_of(const struct matrix *m, unsigned i)
{
	uint64_t total = total_run_ns(m);

	return total ? (double)m->entities[i].run_ns / (double)total : 0.0;
}

void matrix_print_table(const struct matrix *m, FILE *out)
{
	uint64_t wall = m->end_ns - m->start_ns, run = total_run_ns(m);

	fprintf(out,
		"matrix: policy %s, quantum %.3f ms, %" PRIu64
		" slices in %.3f s "
		"on CPU %d, %d thread(s); VMM time between slices %.3f ms\n",
		sched_policy_name(m->sched.policy), m->sched.quantum_ns / 1e6,
		m->slices, wall / 1e9, m->cpu, m->threads,
		(wall > run ? wall - run : 0) / 1e6);
	fprintf(out, "%-12s %6s %7s %11s %7s %8s %14s  %s\n", "VM", "weight",
		"target", "run (s)", "share", "slices", "work", "exits");
	for (unsigned i = 0; i < m->count; i++) {
		const struct matrix_vm *v = &m->vms[i];
		const struct sched_entity *e = &m->entities[i];
		char work[24] = "-";
		uint64_t w;

		if (matrix_vm_work(v, &w) == 0)
			snprintf(work, sizeof(work), "%" PRIu64, w);
		fprintf(out,
			"%-12s %6" PRIu64 " %6.1f%% %11.3f %6.1f%% %8" PRIu64
			" %14s ",
			v->name, e->weight,
			100 * sched_target_share(&m->sched, i), e->run_ns / 1e9,
			100 * share_of(m, i), e->slices, work);
		for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
			if (v->stats.by_reason[r])
				fprintf(out, " %s=%" PRIu64,
					exit_reason_name(r) + 9,
					v->stats.by_reason[r]);
		if (v->state != VM_RUNNING)
			fprintf(out, " [%s%s%s]", state_name(v->state),
				v->failure[0] ? ": " : "", v->failure);
		fputc('\n', out);
	}
}

/* JSON strings: names come from the command line, so escape them. */
static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", *s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void json_vm(const struct matrix *m, unsigned i, FILE *out)
{
	const struct matrix_vm *v = &m->vms[i];
	const struct sched_entity *e = &m->entities[i];
	const char *sep = "";
	uint64_t w;

	fprintf(out, "{\"name\":");
	json_string(out, v->name);
	fprintf(out, ",\"image\":");
	json_string(out, v->image);
	fprintf(out,
		",\"vmfd\":%d,\"weight\":%" PRIu64 ",\"target_share\":%.6f,"
		"\"run_ns\":%" PRIu64 ",\"share\":%.6f,\"slices\":%" PRIu64,
		v->vm.fd, e->weight, sched_target_share(&m->sched, i),
		e->run_ns, share_of(m, i), e->slices);
	if (matrix_vm_work(v, &w) == 0)
		fprintf(out, ",\"work\":%" PRIu64, w);
	else
		fprintf(out, ",\"work\":null");
	fprintf(out,
		",\"quantum_slices\":%" PRIu64 ",\"slice_min_ns\":%" PRIu64
		",\"slice_max_ns\":%" PRIu64 ",\"state\":\"%s\",\"exits\":{",
		v->timer_slices, v->timer_slices ? v->slice_min_ns : 0,
		v->slice_max_ns, state_name(v->state));
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++) {
		if (!v->stats.by_reason[r])
			continue;
		fprintf(out, "%s\"%s\":%" PRIu64, sep, exit_reason_name(r),
			v->stats.by_reason[r]);
		sep = ",";
	}
	fprintf(out, "}}");
}

void matrix_print_json(const struct matrix *m, FILE *out)
{
	fprintf(out,
		"{\"policy\":\"%s\",\"quantum_ns\":%" PRIu64
		",\"duration_ns\":%" PRIu64 ",\"slices\":%" PRIu64
		",\"cpu\":%d,\"threads\":%d,\"kvm_workers\":%d,"
		"\"rss_start_kb\":%" PRIu64 ",\"rss_kb\":%" PRIu64
		",\"guest_resident_kb\":%" PRIu64
		",\"fds_start\":%d,\"fds_end\":%d,\"vms\":[",
		sched_policy_name(m->sched.policy), m->sched.quantum_ns,
		m->end_ns - m->start_ns, m->slices, m->cpu, m->threads,
		m->kvm_workers, m->rss_start_kb, m->rss_kb,
		m->guest_resident_kb, m->fds_start, m->fds_end);
	for (unsigned i = 0; i < m->count; i++) {
		if (i)
			fputc(',', out);
		json_vm(m, i, out);
	}
	fprintf(out, "]}\n");
}

/* Trace events are written as the run goes, one line each, so that a run
 * stopped by a signal still leaves a usable file. */
void trace_begin(struct matrix *m)
{
	fprintf(m->trace, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
	for (unsigned i = 0; i < m->count; i++) {
		fprintf(m->trace,
			"%s{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,"
			"\"tid\":%u,\"args\":{\"name\":",
			i ? ",\n" : "", i + 1);
		json_string(m->trace, m->vms[i].name);
		fprintf(m->trace, "}}");
	}
	m->trace_first = m->count == 0;
}

void trace_slice(struct matrix *m, unsigned i, uint64_t start_ns,
		 uint64_t dur_ns, enum slice_end why)
{
	fprintf(m->trace, "%s{\"name\":", m->trace_first ? "" : ",\n");
	json_string(m->trace, m->vms[i].name);
	fprintf(m->trace,
		",\"cat\":\"slice\",\"ph\":\"X\",\"pid\":1,\"tid\":%u,"
		"\"ts\":%.3f,\"dur\":%.3f,\"args\":{\"end\":\"%s\"}}",
		i + 1, (start_ns - m->start_ns) / 1e3, dur_ns / 1e3,
		slice_end_name(why));
	m->trace_first = 0;
}

void trace_end(struct matrix *m)
{
	fprintf(m->trace, "\n]}\n");
}
