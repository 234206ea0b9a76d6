/* kvm_stats.c - reading the binary statistics the kernel keeps per vCPU. */
#include "kvm_stats.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hypercall_host.h"
#include "vm.h"

/* The counters worth showing beside ours: they also count the exits that
 * KVM handles itself and the VMM never sees. */
static const char *const wanted[] = {
	"exits",
	"io_exits",
	"mmio_exits",
	"halt_exits",
	"signal_exits",
	"irq_exits",
	"irq_window_exits",
	"nmi_window_exits",
	"request_irq_exits",
	"insn_emulation",
	"hypercalls",
	"l1d_flush",
};

static void take_if_wanted(struct kernel_stats *ks, const char *name,
			   uint64_t value)
{
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		if (strcmp(name, wanted[i]) || ks->count >= 16)
			continue;
		strncpy(ks->entry[ks->count].name, name,
			sizeof(ks->entry[0].name) - 1);
		ks->entry[ks->count].value = value;
		ks->count++;
	}
}

/* Walks the descriptors (each followed by its name) and reads the first
 * value of every wanted counter from the data block. */
static int read_descriptors(int fd, const struct kvm_stats_header *h,
			    struct kernel_stats *ks)
{
	size_t desc_size = sizeof(struct kvm_stats_desc) + h->name_size;
	char *descs = calloc(h->num_desc, desc_size);
	int ret = 0;

	if (!descs)
		return -ENOMEM;
	if (pread(fd, descs, desc_size * h->num_desc, h->desc_offset) !=
	    (ssize_t)(desc_size * h->num_desc)) {
		ret = -EIO;
		goto out;
	}
	for (uint32_t i = 0; i < h->num_desc; i++) {
		struct kvm_stats_desc *d = (void *)(descs + i * desc_size);
		uint64_t value;

		d->name[h->name_size - 1] = '\0';
		if (pread(fd, &value, sizeof(value),
			  h->data_offset + d->offset) != (ssize_t)sizeof(value))
			continue;
		take_if_wanted(ks, d->name, value);
	}
	ks->valid = 1;
out:
	free(descs);
	return ret;
}

int kvm_stats_read(struct vcpu *vcpu, struct kernel_stats *ks)
{
	struct kvm_stats_header h;
	int fd, ret;

	memset(ks, 0, sizeof(*ks));
	if (!vcpu->vm->kvm->has_stats_fd)
		return 0;
	fd = ioctl(vcpu->fd, KVM_GET_STATS_FD, NULL);
	if (fd < 0)
		return 0;
	ret = -EIO;
	if (pread(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) && h.name_size &&
	    h.num_desc < 4096)
		ret = read_descriptors(fd, &h, ks);
	close(fd);
	return ret;
}

void kvm_stats_report(struct vcpu *vcpu, const struct exit_stats *stats,
		      enum stats_format format, FILE *out)
{
	struct kernel_stats ks;

	if (format == STATS_NONE)
		return;
	kvm_stats_read(vcpu, &ks);
	fflush(stdout);
	if (format == STATS_JSON)
		stats_print_json(stats, &ks, hc_call_name, out);
	else
		stats_print_table(stats, &ks, hc_call_name, out);
}

/* Adds ks's counters to sum's, by name. */
static void kernel_stats_add(struct kernel_stats *sum,
			     const struct kernel_stats *ks)
{
	if (!ks->valid)
		return;
	sum->valid = 1;
	for (unsigned i = 0; i < ks->count; i++) {
		unsigned j = 0;

		while (j < sum->count &&
		       strcmp(sum->entry[j].name, ks->entry[i].name))
			j++;
		if (j == sum->count && sum->count < 16)
			sum->entry[sum->count++] = ks->entry[i];
		else if (j < sum->count)
			sum->entry[j].value += ks->entry[i].value;
	}
}

static uint64_t kernel_exits(const struct kernel_stats *ks)
{
	for (unsigned i = 0; ks->valid && i < ks->count; i++)
		if (!strcmp(ks->entry[i].name, "exits"))
			return ks->entry[i].value;
	return 0;
}

void kvm_stats_report_vcpus(const struct vcpu_report *v, unsigned n,
			    const struct exit_stats *total,
			    enum stats_format format, FILE *out)
{
	struct kernel_stats *ks = calloc(n, sizeof(*ks)), sum = {0};

	if (format == STATS_NONE || !ks) {
		free(ks);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		kvm_stats_read(v[i].vcpu, &ks[i]);
		kernel_stats_add(&sum, &ks[i]);
	}
	fflush(stdout);
	if (format == STATS_JSON) {
		stats_print_json_open(total, &sum, hc_call_name, out);
		fprintf(out, ",\"vcpus\":[");
		for (unsigned i = 0; i < n; i++) {
			fprintf(out,
				"%s{\"vcpu\":%u,\"exits\":%" PRIu64
				",\"cpu_ns\":%" PRIu64 ",\"kernel\":",
				i ? "," : "", i, v[i].stats->total,
				v[i].cpu_ns);
			stats_print_kernel_json(&ks[i], out);
			fputc('}', out);
		}
		fprintf(out, "]}\n");
	} else {
		stats_print_table(total, &sum, hc_call_name, out);
		fprintf(out, "per vCPU:\n");
		for (unsigned i = 0; i < n; i++)
			fprintf(out,
				"  vcpu %u: %" PRIu64
				" exits to the VMM, %" PRIu64
				" kernel exits, %.3f s CPU time\n",
				i, v[i].stats->total, kernel_exits(&ks[i]),
				(double)v[i].cpu_ns / 1e9);
	}
	free(ks);
}
