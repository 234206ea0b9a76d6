/* footprint.h - what a matrix run costs the host: threads, memory,
 * descriptors. */
#ifndef MATRIX_FOOTPRINT_H
#define MATRIX_FOOTPRINT_H

#include <stdint.h>

#include "guest_mem.h"

/* Each function that reads /proc takes proc, a descriptor of /proc/self
 * opened before the seccomp lockdown, and opens files only beneath it
 * (openat), which is all seccomp_lockdown_reading lets it do. */

/* Our own tasks in /proc/self/task, and apart from them the kernel's KVM
 * workers, which Linux 6.x starts inside the VMM's thread group. */
void footprint_threads(int proc, int *threads, int *kvm_workers);

/* Resident set size in KiB (smaps_rollup, which walks the page tables;
 * VmRSS can lag by dozens of pages on older kernels). 0 when unknown. */
uint64_t footprint_rss_kb(int proc);

/* Resident pages of one guest's RAM, in KiB (mincore): what the guest and
 * the VMM's tables touched, as opposed to what the host keeps per VM. */
uint64_t footprint_guest_resident_kb(const struct guest_mem *mem);

/* Open file descriptors of the process (proc among them). */
int footprint_fds(int proc);

#endif
