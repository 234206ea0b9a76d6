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
 * Before the lockdown: lets a virtio-blk image's requests through on fd
 * and no other descriptor (preadv, pwritev, pwrite64 for zeros the file
 * system cannot make, fdatasync, fallocate). 0, or -ENOSPC past
 * SECCOMP_MAX_DISK_FDS.
 */
#define SECCOMP_MAX_DISK_FDS 8
int seccomp_allow_disk_fd(int fd);

/*
 * Before the lockdown: lets MSI-X routing through (KVM_SET_GSI_ROUTING,
 * KVM_IRQFD, KVM_SIGNAL_MSI, and eventfd2 for a vector's first message),
 * for a machine whose devices deliver MSI-X through msi_router.
 */
void seccomp_allow_msi_routing(void);

/* Before the lockdown: lets getrandom(buf, len, 0) through, for a
 * virtio-rng device (--rng); other flags still kill. */
void seccomp_allow_getrandom(void);

/*
 * Before the lockdown: lets KVM_IOEVENTFD through, for a machine whose vCPU
 * moves the ioeventfds on its queues' notify addresses when the guest
 * moves a BAR.
 */
void seccomp_allow_ioeventfd(void);

/*
 * Before the lockdown, once per --net unix= NIC: lets the vCPU move its
 * frames (recvfrom with MSG_DONTWAIT | MSG_TRUNC, sendto with
 * MSG_DONTWAIT | MSG_NOSIGNAL and no address, on any socket: a peer's
 * descriptor changes as it comes and goes; never sendmsg, so no
 * descriptor can be passed with SCM_RIGHTS) and find a peer:
 * accept4(listen_fd, .., .., SOCK_NONBLOCK | SOCK_CLOEXEC) on that
 * listening socket only, or, with listen_fd -1 (a connecting side),
 * socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) and
 * connect. 0, or -ENOSPC past SECCOMP_MAX_NET_FDS.
 */
#define SECCOMP_MAX_NET_FDS 8
int seccomp_allow_net(int listen_fd);

/*
 * Before the lockdown, once per --net tap= NIC: lets the vCPU read frames
 * (readv) from that tap's descriptor only (writev is allowed already),
 * and ioctl(tap_fd, TUNSETOFFLOAD, flags) on it, with which the NIC's
 * activation (DRIVER_OK, on the vCPU) sets the offloads its driver
 * accepted; no other ioctl on it, and not on a device thread. The tap
 * is opened and set up (TUNSETIFF, TUNSETVNETHDRSZ, TUNSETVNETLE,
 * TUNSETOFFLOAD 0) before. 0, or -ENOSPC past SECCOMP_MAX_NET_FDS.
 */
int seccomp_allow_tap(int tap_fd);

/*
 * Before the lockdown, once per --net tap=,vhost=on NIC: lets the vCPU
 * hand the NIC's queues to the kernel and take them back (at DRIVER_OK
 * and reset) with the vhost-net ioctls on vhost_fd only: VHOST_SET_FEATURES,
 * VHOST_SET_MEM_TABLE, VHOST_SET_VRING_NUM, _BASE, _ADDR, _KICK, _CALL,
 * VHOST_GET_VRING_BASE and VHOST_NET_SET_BACKEND. 0, or -ENOSPC past
 * SECCOMP_MAX_NET_FDS.
 */
int seccomp_allow_vhost(int vhost_fd);

/* What a device thread may touch (seccomp_lockdown_worker). */
struct seccomp_worker_fds {
	int vm_fd;	     /* MSI-X routing ioctls, or -1 for none */
	const int *read_fds; /* its eventfds: the ioeventfds, its stop fd */
	unsigned n_read;
	const int *write_fds; /* the irqfds, its start fd (and stderr) */
	unsigned n_write;
	const int *writev_fds; /* the NICs' pcap files; may be NULL */
	unsigned n_writev;
};

/*
 * Installs a narrower allowlist on the calling thread only (a device
 * thread, started before seccomp_lockdown, installs it itself): ppoll;
 * read on read_fds and write on write_fds and stderr only; the disks'
 * calls on their images (seccomp_allow_disk_fd); KVM_SET_GSI_ROUTING,
 * KVM_IRQFD and KVM_SIGNAL_MSI on vm_fd when MSI-X routing is allowed;
 * getrandom with flags 0 when seccomp_allow_getrandom was called (--rng);
 * writev on writev_fds; the NICs' wires as seccomp_allow_net lets the
 * vCPU move them, and close (a peer's descriptor when it goes, a failed
 * connection's), when it was called (--net under --kernel); readv and
 * writev on the taps' descriptors (seccomp_allow_tap);
 * futex, memory without PROT_EXEC, signal masks and exit. No open, no
 * clone, no other ioctl. Anything else kills the process. 0, or a
 * negative errno with one line.
 */
int seccomp_lockdown_worker(const struct seccomp_worker_fds *w,
			    struct errbuf *err);

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

/*
 * For a program built with AddressSanitizer: its lockdowns also let
 * through what LeakSanitizer calls at exit (prctl, clone, ptrace, wait4,
 * opens of /proc/self/task, a no-exec mprotect...), which would otherwise
 * kill it with SIGSYS. Call seccomp_match_build() at the start of main()
 * instead of this: it asks only when the program itself is sanitized.
 */
void seccomp_allow_sanitizer_runtime(void);

#if defined(__SANITIZE_ADDRESS__)
#define SECCOMP_BUILD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SECCOMP_BUILD_SANITIZED 1
#endif
#endif

/* Compiled into the program's main(): the library's tests, sanitized or
 * not, keep checking the release filter exactly. */
static inline void seccomp_match_build(void)
{
#ifdef SECCOMP_BUILD_SANITIZED
	seccomp_allow_sanitizer_runtime();
#endif
}

#endif
