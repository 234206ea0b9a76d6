/* kvm_stats.h - the kernel's own counters for a vCPU, from KVM_GET_STATS_FD. */
#ifndef KVM_STATS_H
#define KVM_STATS_H

#include <stdint.h>

#include "exit_stats.h"

struct vcpu;

/*
 * Reads the vCPU counters named in the table of kvm_stats.c (exits,
 * io_exits, halt_exits, signal_exits, ...) into ks. Where the kernel has
 * no KVM_GET_STATS_FD, ks->valid stays 0 and the call still succeeds.
 */
int kvm_stats_read(struct vcpu *vcpu, struct kernel_stats *ks);

/* How --stats prints: not at all, as a table, or as one JSON object. */
enum stats_format { STATS_NONE, STATS_TABLE, STATS_JSON };

/* --stats at the end of a run: the exit counts beside the kernel's own,
 * on out, after whatever the guest printed on stdout. */
void kvm_stats_report(struct vcpu *vcpu, const struct exit_stats *stats,
		      enum stats_format format, FILE *out);

/* One vCPU of several, for kvm_stats_report_vcpus. */
struct vcpu_report {
	struct vcpu *vcpu;
	const struct exit_stats *stats; /* its own exits */
	uint64_t cpu_ns;		/* its thread's CPU time */
};

/*
 * --stats for n vCPUs: total (every vCPU's exits, merged by the caller,
 * with the devices' counts) beside the kernel's counters summed over the
 * vCPUs, printed as kvm_stats_report prints one vCPU's; then a line per
 * vCPU ("  vcpu N: E exits to the VMM, K kernel exits, T s CPU time"
 * under "per vCPU:"), or, in JSON, a "vcpus" array in the same object
 * ({"vcpu":N,"exits":E,"cpu_ns":T,"kernel":{...}} each).
 */
void kvm_stats_report_vcpus(const struct vcpu_report *v, unsigned n,
			    const struct exit_stats *total,
			    enum stats_format format, FILE *out);

#endif
