/* seccomp_filter.h - after setup, the VMM may make only the system calls its
 * run loop needs. */
#ifndef SECCOMP_FILTER_H
#define SECCOMP_FILTER_H

#include "errbuf.h"

/* seccomp_lockdown flag: also allow opening files read-only (matrix reads
 * /proc/self for its figures); nothing can be opened for writing. */
#define SECCOMP_ALLOW_READ_OPENS 1u

/*
 * Installs a seccomp allowlist on the calling process (with
 * PR_SET_NO_NEW_PRIVS), for good: read and write on open descriptors,
 * memory for malloc, the timer and signal calls of preemption, and ioctl
 * only with the KVM requests the run loop uses (KVM_RUN, KVM_GET_REGS,
 * KVM_GET_SREGS, KVM_TRANSLATE, KVM_GET_STATS_FD) and the terminal query
 * stdio makes. Anything else kills the process with SIGSYS. Call it after
 * every VM is created and loaded, before the first KVM_RUN. Returns 0 or
 * a negative errno.
 */
int seccomp_lockdown(unsigned flags, struct errbuf *err);

#endif
