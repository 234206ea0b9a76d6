/* exit_stats.c - counting exits, and printing them as a table or JSON. */
#include "exit_stats.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

/* Finds (or claims) the slot of a port; NULL when the table is full. */
static struct port_count *port_slot(struct exit_stats *s, uint16_t port)
{
	for (unsigned i = 0; i < STATS_PORT_SLOTS; i++) {
		struct port_count *pc = &s->ports[i];

		if (pc->used && pc->port == port)
			return pc;
		if (!pc->used) {
			pc->used = 1;
			pc->port = port;
			return pc;
		}
	}
	return NULL;
}

void stats_count_exit(struct exit_stats *s, const struct kvm_run *run,
		      int run_ret)
{
	uint32_t reason = run->exit_reason;

	s->total++;
	/* KVM_RUN failing with EINTR leaves KVM_EXIT_INTR as the reason. */
	if (run_ret == -EINTR)
		reason = KVM_EXIT_INTR;
	else if (run_ret)
		return;
	s->by_reason[reason < EXIT_REASON_COUNT ? reason : EXIT_REASON_COUNT]++;
	if (reason == KVM_EXIT_IO) {
		int out = run->io.direction == KVM_EXIT_IO_OUT;
		struct port_count *pc = port_slot(s, run->io.port);

		if (out)
			s->io_out++;
		else
			s->io_in++;
		if (!pc)
			s->other_ports++;
		else if (out)
			pc->out++;
		else
			pc->in++;
	}
}

uint32_t stats_total_u32(const struct exit_stats *s)
{
	return s->total > UINT32_MAX ? UINT32_MAX : (uint32_t)s->total;
}

static const char *reason_name(unsigned i)
{
	return i < EXIT_REASON_COUNT ? exit_reason_name(i) : "KVM_EXIT_(other)";
}

void stats_print_table(const struct exit_stats *s,
		       const struct kernel_stats *ks,
		       const char *(*call_name)(int call), FILE *out)
{
	fprintf(out, "exits to the VMM: %" PRIu64 "\n", s->total);
	for (unsigned i = 0; i <= EXIT_REASON_COUNT; i++)
		if (s->by_reason[i])
			fprintf(out, "  %-26s %12" PRIu64 "\n", reason_name(i),
				s->by_reason[i]);
	fprintf(out, "  %-26s %12" PRIu64 "\n  %-26s %12" PRIu64 "\n", "IO in",
		s->io_in, "IO out", s->io_out);
	for (unsigned i = 0; i < STATS_PORT_SLOTS && s->ports[i].used; i++)
		fprintf(out, "  port 0x%04x %-14s %12" PRIu64 "\n",
			s->ports[i].port,
			s->ports[i].in ? (s->ports[i].out ? "in+out" : "in")
				       : "out",
			s->ports[i].in + s->ports[i].out);
	if (s->other_ports)
		fprintf(out, "  %-26s %12" PRIu64 "\n", "other ports",
			s->other_ports);
	if (s->output_stalls)
		fprintf(out, "  %-26s %12" PRIu64 " (%.3f s)\n",
			"output stalls (full)", s->output_stalls,
			(double)s->output_stall_ns / 1e9);
	for (int i = 0; i < STATS_MAX_CALLS; i++)
		if (s->by_call[i] && call_name(i))
			fprintf(out, "  %-26s %12" PRIu64 "\n", call_name(i),
				s->by_call[i]);
	for (unsigned i = 0; i < s->ndevices; i++)
		fprintf(out,
			"  %-26s %12" PRIu64 " (%" PRIu64 " queue kicks)\n",
			s->devices[i].name, s->devices[i].exits,
			s->devices[i].kicks);
	if (!ks || !ks->valid)
		return;
	fprintf(out, "kernel's vCPU counters (KVM_GET_STATS_FD):\n");
	for (unsigned i = 0; i < ks->count; i++)
		fprintf(out, "  %-26s %12" PRIu64 "\n", ks->entry[i].name,
			ks->entry[i].value);
}

/* ,"devices":{"virtio-blk":{"exits":N,"kicks":K}}, when there are any. */
static void print_devices_json(const struct exit_stats *s, FILE *out)
{
	if (!s->ndevices)
		return;
	fprintf(out, ",\"devices\":{");
	for (unsigned i = 0; i < s->ndevices; i++)
		fprintf(out,
			"%s\"%s\":{\"exits\":%" PRIu64 ",\"kicks\":%" PRIu64
			"}",
			i ? "," : "", s->devices[i].name, s->devices[i].exits,
			s->devices[i].kicks);
	fprintf(out, "}");
}

void stats_add_device(struct exit_stats *s, const char *name, uint64_t exits,
		      uint64_t kicks)
{
	unsigned i = 0;

	while (i < s->ndevices && strcmp(s->devices[i].name, name))
		i++;
	if (i == STATS_MAX_DEVICES)
		return;
	if (i == s->ndevices)
		s->devices[s->ndevices++] = (struct device_count){name, 0, 0};
	s->devices[i].exits += exits;
	s->devices[i].kicks += kicks;
}

void stats_merge(struct exit_stats *dst, const struct exit_stats *src)
{
	dst->total += src->total;
	for (unsigned i = 0; i <= EXIT_REASON_COUNT; i++)
		dst->by_reason[i] += src->by_reason[i];
	dst->io_in += src->io_in;
	dst->io_out += src->io_out;
	for (unsigned i = 0; i < STATS_MAX_CALLS; i++)
		dst->by_call[i] += src->by_call[i];
	for (unsigned i = 0; i < STATS_PORT_SLOTS && src->ports[i].used; i++) {
		struct port_count *pc = port_slot(dst, src->ports[i].port);

		if (!pc) {
			dst->other_ports +=
				src->ports[i].in + src->ports[i].out;
			continue;
		}
		pc->in += src->ports[i].in;
		pc->out += src->ports[i].out;
	}
	dst->other_ports += src->other_ports;
	dst->output_stalls += src->output_stalls;
	dst->output_stall_ns += src->output_stall_ns;
	for (unsigned i = 0; i < src->ndevices; i++)
		stats_add_device(dst, src->devices[i].name,
				 src->devices[i].exits, src->devices[i].kicks);
}

void stats_print_json(const struct exit_stats *s, const struct kernel_stats *ks,
		      const char *(*call_name)(int call), FILE *out)
{
	stats_print_json_open(s, ks, call_name, out);
	fprintf(out, "}\n");
}

void stats_print_json_open(const struct exit_stats *s,
			   const struct kernel_stats *ks,
			   const char *(*call_name)(int call), FILE *out)
{
	const char *sep = "";

	fprintf(out, "{\"exits\":%" PRIu64 ",\"by_reason\":{", s->total);
	for (unsigned i = 0; i <= EXIT_REASON_COUNT; i++) {
		if (!s->by_reason[i])
			continue;
		fprintf(out, "%s\"%s\":%" PRIu64, sep, reason_name(i),
			s->by_reason[i]);
		sep = ",";
	}
	fprintf(out,
		"},\"io_in\":%" PRIu64 ",\"io_out\":%" PRIu64 ",\"ports\":{",
		s->io_in, s->io_out);
	sep = "";
	for (unsigned i = 0; i < STATS_PORT_SLOTS && s->ports[i].used; i++) {
		fprintf(out,
			"%s\"0x%04x\":{\"in\":%" PRIu64 ",\"out\":%" PRIu64 "}",
			sep, s->ports[i].port, s->ports[i].in, s->ports[i].out);
		sep = ",";
	}
	fprintf(out,
		"},\"other_ports\":%" PRIu64 ",\"output_stalls\":%" PRIu64
		",\"output_stall_ns\":%" PRIu64 ",\"hypercalls\":{",
		s->other_ports, s->output_stalls, s->output_stall_ns);
	sep = "";
	for (int i = 0; i < STATS_MAX_CALLS; i++) {
		if (!s->by_call[i] || !call_name(i))
			continue;
		fprintf(out, "%s\"%s\":%" PRIu64, sep, call_name(i),
			s->by_call[i]);
		sep = ",";
	}
	fprintf(out, "}");
	print_devices_json(s, out);
	fprintf(out, ",\"kernel\":");
	stats_print_kernel_json(ks, out);
}

void stats_print_kernel_json(const struct kernel_stats *ks, FILE *out)
{
	if (!ks || !ks->valid) {
		fprintf(out, "null");
		return;
	}
	fprintf(out, "{");
	for (unsigned i = 0; i < ks->count; i++)
		fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "",
			ks->entry[i].name, ks->entry[i].value);
	fprintf(out, "}");
}
