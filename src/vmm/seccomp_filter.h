/* seccomp_filter.h - after setup, the VMM may make only the system calls its
 * run loop needs. */
#ifndef SECCOMP_FILTER_H
#define SECCOMP_FILTER_H

#include "errbuf.h"

/*
 * Installs a seccomp allowlist on the calling process (with
 * PR_SET_NO_NEW_PRIVS), for good: read and write on open descriptors,
 * memory for malloc (mmap never with PROT_EXEC, no mprotect), the timer
 * and signal calls of preemption (tgkill only to this process), fcntl only
 * to read a descriptor's flags or set close-on-exec (fdopen, fdopendir), and
 * ioctl only with the KVM requests the run loop uses (KVM_RUN, KVM_GET_REGS,
 * KVM_SET_REGS, KVM_GET_SREGS, KVM_TRANSLATE, KVM_GET_STATS_FD), the
 * terminal query stdio makes and the terminal restore a console makes
 * (TCSETS). Nothing can be opened. Anything else kills the process
 * with SIGSYS. Call it after every VM is created and loaded, before the
 * first KVM_RUN. Returns 0 or a negative errno.
 */
int seccomp_lockdown(struct errbuf *err);

/*
 * seccomp_lockdown, and one more call: openat(dir, path, flags) with dir
 * the very descriptor given, which the caller opened before (matrix:
 * /proc/self, O_RDONLY | O_DIRECTORY), and flags read-only: no O_WRONLY,
 * O_RDWR, O_CREAT, O_TRUNC or O_APPEND. open(), and openat from
 * AT_FDCWD or any other descriptor, still kill. seccomp cannot read the
 * path, so an absolute path or ".." in it is not stopped: this keeps the
 * VMM from opening anything by mistake, not a hijacked VMM from reading
 * what its user may read. Returns -EBADF, before installing anything, when
 * dir is not an open directory.
 */
int seccomp_lockdown_reading(int dir, struct errbuf *err);

#endif
