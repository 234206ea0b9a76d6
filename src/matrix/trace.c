/* trace.c - writing matrix's schedule as Chrome trace-event JSON. */
#include "trace.h"

#include <errno.h>
#include <string.h>

#include "json.h"

int matrix_trace_open(struct matrix_trace *t, const char *path,
		      const char *const *names, unsigned count,
		      struct errbuf *err)
{
	*t = (struct matrix_trace){.file = fopen(path, "w")};
	if (!t->file)
		return err_fail(err, errno, "--trace %s: %s", path,
				strerror(errno));
	fprintf(t->file, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
	for (unsigned i = 0; i < count; i++) {
		fprintf(t->file,
			"%s{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,"
			"\"tid\":%u,\"args\":{\"name\":",
			i ? ",\n" : "", i + 1);
		json_write_string(t->file, names[i]);
		fprintf(t->file, "}}");
	}
	t->first_event = count == 0;
	return 0;
}

void matrix_trace_start(struct matrix_trace *t, uint64_t start_ns)
{
	t->start_ns = start_ns;
}

void matrix_trace_slice(struct matrix_trace *t, unsigned i, const char *name,
			uint64_t start_ns, uint64_t dur_ns, const char *why)
{
	if (!t->file)
		return;
	fprintf(t->file, "%s{\"name\":", t->first_event ? "" : ",\n");
	json_write_string(t->file, name);
	fprintf(t->file,
		",\"cat\":\"slice\",\"ph\":\"X\",\"pid\":1,\"tid\":%u,"
		"\"ts\":%.3f,\"dur\":%.3f,\"args\":{\"end\":\"%s\"}}",
		i + 1, (double)(start_ns - t->start_ns) / 1e3,
		(double)dur_ns / 1e3, why);
	t->first_event = 0;
}

void matrix_trace_close(struct matrix_trace *t)
{
	if (!t->file)
		return;
	fprintf(t->file, "\n]}\n");
	fclose(t->file);
	t->file = NULL;
}
