/* exit_stats.h - per-VM counters of exits by reason, I/O direction, port and
 * hypercall. */
#ifndef EXIT_STATS_H
#define EXIT_STATS_H

#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>

#include "exit_names.h"

#define STATS_PORT_SLOTS 32 /* distinct ports counted one by one */
#define STATS_MAX_CALLS	 16 /* room for every hypercall number */

#define STATS_MAX_DEVICES 4 /* device kinds with their own count */

/* A device kind's accesses that reached the VMM (its BARs' MMIO exits),
 * and of them the queue kicks; filled by the program before printing. */
struct device_count {
	const char *name; /* kept, not copied */
	uint64_t exits, kicks;
};

struct port_count {
	uint16_t port;
	uint8_t used;
	uint64_t in, out;
};

/*
 * 64-bit counters: at a million exits a second they wrap after half a
 * million years. Small and fixed-size (about 1.5 KiB), so that a process
 * running hundreds of VMs keeps one per VM.
 */
struct exit_stats {
	uint64_t total; /* every return from KVM_RUN, interrupted ones too */
	uint64_t by_reason[EXIT_REASON_COUNT + 1]; /* last: unknown reasons */
	uint64_t io_in, io_out;
	uint64_t by_call[STATS_MAX_CALLS];
	struct port_count ports[STATS_PORT_SLOTS];
	uint64_t other_ports;	  /* I/O exits once the port table is full */
	uint64_t output_stalls;	  /* entries held back: stdout was full */
	uint64_t output_stall_ns; /* and the time they waited */
	struct device_count devices[STATS_MAX_DEVICES];
	unsigned ndevices;
};

/* Counts one return from KVM_RUN (run_ret is vcpu_run's result). */
void stats_count_exit(struct exit_stats *s, const struct kvm_run *run,
		      int run_ret);

/* Adds exits and kicks to device kind name's count (a new kind past
 * STATS_MAX_DEVICES is dropped). Printed only when some kind was added. */
void stats_add_device(struct exit_stats *s, const char *name, uint64_t exits,
		      uint64_t kicks);

/* The total, saturated at UINT32_MAX: HC_numExits returns 32 bits,
 * and a count that stops is better than one that silently restarts. */
uint32_t stats_total_u32(const struct exit_stats *s);

/* Counters the kernel keeps for the vCPU (KVM_GET_STATS_FD), if any. */
struct kernel_stats {
	int valid;
	unsigned count;
	struct {
		char name[48];
		uint64_t value;
	} entry[16];
};

/* Prints a table (several lines) or one JSON object (one line) to out.
 * call_name maps a call number to its name (NULL for unused numbers). */
void stats_print_table(const struct exit_stats *s,
		       const struct kernel_stats *ks,
		       const char *(*call_name)(int call), FILE *out);
void stats_print_json(const struct exit_stats *s, const struct kernel_stats *ks,
		      const char *(*call_name)(int call), FILE *out);

/* stats_print_json without the object's closing brace and newline, for a
 * caller that adds members (simple-kvm's "vcpus"). */
void stats_print_json_open(const struct exit_stats *s,
			   const struct kernel_stats *ks,
			   const char *(*call_name)(int call), FILE *out);

/* The kernel's counters as one JSON object, or null when ks has none. */
void stats_print_kernel_json(const struct kernel_stats *ks, FILE *out);

/* Adds src's counts to dst's (several vCPUs' into a total): ports by
 * number (past dst's table, into other_ports), devices by name. */
void stats_merge(struct exit_stats *dst, const struct exit_stats *src);

#endif
