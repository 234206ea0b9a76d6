/* seccomp_filter.c - the run loop's system call allowlist, built with
 * libseccomp. */
#include "seccomp_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/vhost.h>
#include <seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Everything the run loops of simple-kvm and matrix call, and stdio and
 * malloc beneath them; getrusage for matrix's CPU-time figure; sigaltstack
 * because the sanitizers' runtime resets the signal stack on exit; ppoll
 * for a wait on a full stdout (outbuf.h). mremap stays: it moves or
 * resizes a mapping but never changes protection. */
static const int allowed_syscalls[] = {
	SCMP_SYS(read),		  SCMP_SYS(write),
	SCMP_SYS(writev),	  SCMP_SYS(pread64),
	SCMP_SYS(close),	  SCMP_SYS(fstat),
	SCMP_SYS(newfstatat),	  SCMP_SYS(lseek),
	SCMP_SYS(getdents64),	  SCMP_SYS(munmap),
	SCMP_SYS(mremap),	  SCMP_SYS(brk),
	SCMP_SYS(madvise),	  SCMP_SYS(mincore),
	SCMP_SYS(futex),	  SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigtimedwait),
	SCMP_SYS(timer_settime),  SCMP_SYS(timer_delete),
	SCMP_SYS(clock_gettime),  SCMP_SYS(getpid),
	SCMP_SYS(gettid),	  SCMP_SYS(exit),
	SCMP_SYS(exit_group),	  SCMP_SYS(sigaltstack),
	SCMP_SYS(getrusage),	  SCMP_SYS(ppoll),
};

/* ioctl is allowed with these requests only: KVM's on the vCPU (setting
 * the entry point once the image is parsed, under the filter), TCGETS,
 * which stdio uses to ask whether stdout is a terminal, and TCSETS, with
 * which a console puts the terminal back (tcsetattr, TCSANOW). */
static const unsigned long allowed_ioctls[] = {
	KVM_RUN,       KVM_GET_REGS,	 KVM_SET_REGS, KVM_GET_SREGS,
	KVM_TRANSLATE, KVM_GET_STATS_FD, TCGETS,       TCSETS,
};

/* One comparison of argument `arg`. Spelled out: libseccomp's SCMP_An
 * macros leave a field to zero-filling, which clang's
 * -Wmissing-field-initializers rejects. */
static struct scmp_arg_cmp arg_cmp(unsigned arg, enum scmp_compare op,
				   scmp_datum_t a, scmp_datum_t b)
{
	return (struct scmp_arg_cmp){
		.arg = arg, .op = op, .datum_a = a, .datum_b = b};
}

static int allow_if(scmp_filter_ctx ctx, int syscall, unsigned count,
		    const struct scmp_arg_cmp *cmp)
{
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, syscall, count, cmp);
}

/* ioctl with this request (argument 1) and no other. */
static int allow_ioctl(scmp_filter_ctx ctx, unsigned long request)
{
	const struct scmp_arg_cmp cmp = arg_cmp(1, SCMP_CMP_EQ, request, 0);

	return allow_if(ctx, SCMP_SYS(ioctl), 1, &cmp);
}

/*
 * The calls allowed only with some arguments. Memory never becomes
 * executable: a guest that got the VMM to write code could not run it.
 * Signals go to this process only (raise and abort use tgkill), with the
 * pid taken now; fork is refused, so it never changes. fcntl may only read
 * a descriptor's flags and set close-on-exec, as fdopen and fdopendir do,
 * and set stdout's flags, which outbuf_close puts back on a socket.
 */
static int allow_narrow_calls(scmp_filter_ctx ctx)
{
	const struct scmp_arg_cmp no_exec =
		arg_cmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	const struct scmp_arg_cmp own_group =
		arg_cmp(0, SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0);
	const struct scmp_arg_cmp getfl = arg_cmp(1, SCMP_CMP_EQ, F_GETFL, 0);
	const struct scmp_arg_cmp cloexec[] = {
		arg_cmp(1, SCMP_CMP_EQ, F_SETFD, 0),
		arg_cmp(2, SCMP_CMP_EQ, FD_CLOEXEC, 0),
	};
	const struct scmp_arg_cmp stdout_flags[] = {
		arg_cmp(0, SCMP_CMP_EQ, STDOUT_FILENO, 0),
		arg_cmp(1, SCMP_CMP_EQ, F_SETFL, 0),
	};
	int ret;

	ret = allow_if(ctx, SCMP_SYS(mmap), 1, &no_exec);
	if (!ret)
		ret = allow_if(ctx, SCMP_SYS(tgkill), 1, &own_group);
	if (!ret)
		ret = allow_if(ctx, SCMP_SYS(fcntl), 1, &getfl);
	if (!ret)
		ret = allow_if(ctx, SCMP_SYS(fcntl), 2, cloexec);
	if (!ret)
		ret = allow_if(ctx, SCMP_SYS(fcntl), 2, stdout_flags);
	return ret;
}

/* The flags of an open that reads: access mode O_RDONLY, and nothing that
 * creates, truncates or appends. */
#define OPEN_WRITE_BITS (O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND)

/* openat read-only, from the descriptor dir only. */
static int allow_read_opens(scmp_filter_ctx ctx, int dir)
{
	const struct scmp_arg_cmp cmp[] = {
		arg_cmp(2, SCMP_CMP_MASKED_EQ, OPEN_WRITE_BITS, O_RDONLY),
		arg_cmp(0, SCMP_CMP_EQ, (scmp_datum_t)dir, 0),
	};

	return allow_if(ctx, SCMP_SYS(openat), 2, cmp);
}

/*
 * For sanitized programs only (seccomp_allow_sanitizer_runtime): at exit,
 * LeakSanitizer stops the world to scan it. It checks and sets the
 * process's dumpability, starts a tracer (clone, with a guard page under
 * its stack), lists the threads from /proc/self/task, attaches to each
 * with ptrace and waits for them. A release program never asks for this.
 */
static int sanitizer_runtime_allowed;

static const int sanitizer_syscalls[] = {
	SCMP_SYS(prctl),	   SCMP_SYS(clone),	   SCMP_SYS(ptrace),
	SCMP_SYS(wait4),	   SCMP_SYS(sched_yield),  SCMP_SYS(getppid),
	SCMP_SYS(openat),	   SCMP_SYS(open),	   SCMP_SYS(readlink),
	SCMP_SYS(set_robust_list), SCMP_SYS(rt_sigaction), SCMP_SYS(getdents),
};

void seccomp_allow_sanitizer_runtime(void)
{
	sanitizer_runtime_allowed = 1;
}

static int allow_sanitizer_calls(scmp_filter_ctx ctx)
{
	const size_t n =
		sizeof(sanitizer_syscalls) / sizeof(sanitizer_syscalls[0]);
	const struct scmp_arg_cmp no_exec =
		arg_cmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	int ret;

	if (!sanitizer_runtime_allowed)
		return 0;
	ret = allow_if(ctx, SCMP_SYS(mprotect), 1, &no_exec);
	for (size_t i = 0; !ret && i < n; i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
				       sanitizer_syscalls[i], 0);
	return ret;
}

/* syscall with argument 0 one of the n descriptors. */
static int allow_on_fds(scmp_filter_ctx ctx, int syscall, const int *fds,
			unsigned n)
{
	int ret = 0;

	for (unsigned i = 0; !ret && i < n; i++) {
		const struct scmp_arg_cmp fd =
			arg_cmp(0, SCMP_CMP_EQ, (scmp_datum_t)fds[i], 0);

		ret = allow_if(ctx, syscall, 1, &fd);
	}
	return ret;
}

/* The disk images' descriptors (seccomp_allow_disk_fd). */
static int disk_fds[SECCOMP_MAX_DISK_FDS];
static unsigned n_disk_fds;

int seccomp_allow_disk_fd(int fd)
{
	if (n_disk_fds == SECCOMP_MAX_DISK_FDS)
		return -ENOSPC;
	disk_fds[n_disk_fds++] = fd;
	return 0;
}

/* MSI-X through KVM (seccomp_allow_msi_routing). */
static int msi_routing_allowed;

void seccomp_allow_msi_routing(void)
{
	msi_routing_allowed = 1;
}

/* A vector's first message makes its eventfd, route and irqfd while the
 * guest runs; a failed step sends it with KVM_SIGNAL_MSI. */
static int allow_msi_calls(scmp_filter_ctx ctx)
{
	static const unsigned long ioctls[] = {
		KVM_SET_GSI_ROUTING,
		KVM_IRQFD,
		KVM_SIGNAL_MSI,
	};
	int ret = 0;

	if (!msi_routing_allowed)
		return 0;
	for (size_t i = 0; !ret && i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		ret = allow_ioctl(ctx, ioctls[i]);
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(eventfd2),
				       0);
	return ret;
}

/* A virtio-rng device's entropy (seccomp_allow_getrandom). */
static int getrandom_allowed;

void seccomp_allow_getrandom(void)
{
	getrandom_allowed = 1;
}

/* getrandom with flags 0 only: no GRND_RANDOM, no GRND_NONBLOCK games. */
static int allow_getrandom_call(scmp_filter_ctx ctx)
{
	const struct scmp_arg_cmp flags = arg_cmp(2, SCMP_CMP_EQ, 0, 0);

	return getrandom_allowed ? allow_if(ctx, SCMP_SYS(getrandom), 1, &flags)
				 : 0;
}

/* Queue kicks through ioeventfds (seccomp_allow_ioeventfd). */
static int ioeventfd_allowed;

void seccomp_allow_ioeventfd(void)
{
	ioeventfd_allowed = 1;
}

/* The vCPU deassigns and assigns them as the guest moves a BAR. */
static int allow_ioeventfd_calls(scmp_filter_ctx ctx)
{
	return ioeventfd_allowed ? allow_ioctl(ctx, KVM_IOEVENTFD) : 0;
}

/* --net unix=: the NICs' wires (seccomp_allow_net). */
static int net_allowed, net_connect_allowed;
static int net_listen_fds[SECCOMP_MAX_NET_FDS];
static unsigned n_net_listen_fds;

int seccomp_allow_net(int listen_fd)
{
	net_allowed = 1;
	if (listen_fd < 0) {
		net_connect_allowed = 1;
		return 0;
	}
	if (n_net_listen_fds == SECCOMP_MAX_NET_FDS)
		return -ENOSPC;
	net_listen_fds[n_net_listen_fds++] = listen_fd;
	return 0;
}

/* Non-blocking frames on any socket (a peer's descriptor changes as it
 * comes and goes); accept4 on the listening sockets only; a connecting
 * side makes a new unix SOCK_SEQPACKET socket and connects it. */
static int allow_net_calls(scmp_filter_ctx ctx)
{
	const int sock_flags = SOCK_NONBLOCK | SOCK_CLOEXEC;
	/* recvfrom and sendto: they carry no control message, so no
	 * descriptor is ever passed (SCM_RIGHTS needs sendmsg); sendto only
	 * on a connected socket (no address) */
	const struct scmp_arg_cmp recv_args[] = {
		arg_cmp(3, SCMP_CMP_EQ, MSG_DONTWAIT | MSG_TRUNC, 0),
		arg_cmp(4, SCMP_CMP_EQ, 0, 0),
	};
	const struct scmp_arg_cmp send_args[] = {
		arg_cmp(3, SCMP_CMP_EQ, MSG_DONTWAIT | MSG_NOSIGNAL, 0),
		arg_cmp(4, SCMP_CMP_EQ, 0, 0),
	};
	const struct scmp_arg_cmp unix_seqpacket[] = {
		arg_cmp(0, SCMP_CMP_EQ, AF_UNIX, 0),
		arg_cmp(1, SCMP_CMP_EQ, SOCK_SEQPACKET | sock_flags, 0),
		arg_cmp(2, SCMP_CMP_EQ, 0, 0),
	};
	int ret = 0;

	if (!net_allowed)
		return 0;
	ret = allow_if(ctx, SCMP_SYS(recvfrom), 2, recv_args);
	if (!ret)
		ret = allow_if(ctx, SCMP_SYS(sendto), 2, send_args);
	for (unsigned i = 0; !ret && i < n_net_listen_fds; i++) {
		const struct scmp_arg_cmp acc[] = {
			arg_cmp(0, SCMP_CMP_EQ, (scmp_datum_t)net_listen_fds[i],
				0),
			arg_cmp(3, SCMP_CMP_EQ, (scmp_datum_t)sock_flags, 0),
		};

		ret = allow_if(ctx, SCMP_SYS(accept4), 2, acc);
	}
	if (!ret && net_connect_allowed)
		ret = allow_if(ctx, SCMP_SYS(socket), 3, unix_seqpacket);
	if (!ret && net_connect_allowed)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(connect),
				       0);
	return ret;
}

/* --net tap=: readv on the taps' descriptors only (seccomp_allow_tap);
 * writev is in the base list already. And TUNSETOFFLOAD on them: the
 * NIC's activate (on the vCPU thread) sets what its driver accepted. */
static int tap_fds[SECCOMP_MAX_NET_FDS];
static unsigned n_tap_fds;

int seccomp_allow_tap(int tap_fd)
{
	if (n_tap_fds == SECCOMP_MAX_NET_FDS)
		return -ENOSPC;
	tap_fds[n_tap_fds++] = tap_fd;
	return 0;
}

static int allow_tap_calls(scmp_filter_ctx ctx)
{
	return allow_on_fds(ctx, SCMP_SYS(readv), tap_fds, n_tap_fds);
}

/* The vCPU's only: it runs DRIVER_OK; the device thread never sets
 * offloads. */
static int allow_tap_offload(scmp_filter_ctx ctx)
{
	int ret = 0;

	for (unsigned i = 0; !ret && i < n_tap_fds; i++) {
		const struct scmp_arg_cmp cmp[] = {
			arg_cmp(0, SCMP_CMP_EQ, (scmp_datum_t)tap_fds[i], 0),
			arg_cmp(1, SCMP_CMP_EQ, TUNSETOFFLOAD, 0),
		};

		ret = allow_if(ctx, SCMP_SYS(ioctl), 2, cmp);
	}
	return ret;
}

/* --net tap=,vhost=on: the vhost-net ioctls on those descriptors only
 * (seccomp_allow_vhost). */
static int vhost_fds[SECCOMP_MAX_NET_FDS];
static unsigned n_vhost_fds;

int seccomp_allow_vhost(int vhost_fd)
{
	if (n_vhost_fds == SECCOMP_MAX_NET_FDS)
		return -ENOSPC;
	vhost_fds[n_vhost_fds++] = vhost_fd;
	return 0;
}

static int allow_vhost_calls(scmp_filter_ctx ctx)
{
	static const unsigned long requests[] = {
		VHOST_SET_FEATURES,    VHOST_SET_MEM_TABLE,
		VHOST_SET_VRING_NUM,   VHOST_SET_VRING_BASE,
		VHOST_SET_VRING_ADDR,  VHOST_SET_VRING_KICK,
		VHOST_SET_VRING_CALL,  VHOST_GET_VRING_BASE,
		VHOST_NET_SET_BACKEND,
	};
	int ret = 0;

	for (unsigned i = 0; !ret && i < n_vhost_fds; i++)
		for (size_t r = 0;
		     !ret && r < sizeof(requests) / sizeof(requests[0]); r++) {
			const struct scmp_arg_cmp cmp[] = {
				arg_cmp(0, SCMP_CMP_EQ,
					(scmp_datum_t)vhost_fds[i], 0),
				arg_cmp(1, SCMP_CMP_EQ, requests[r], 0),
			};

			ret = allow_if(ctx, SCMP_SYS(ioctl), 2, cmp);
		}
	return ret;
}

/* A virtio-blk device's requests, on its image's descriptor only. */
static int allow_disk_calls(scmp_filter_ctx ctx)
{
	static const int calls[] = {
		SCMP_SYS(preadv),    SCMP_SYS(pwritev),	  SCMP_SYS(pwrite64),
		SCMP_SYS(fdatasync), SCMP_SYS(fallocate),
	};
	int ret = 0;

	for (size_t c = 0; !ret && c < sizeof(calls) / sizeof(calls[0]); c++)
		ret = allow_on_fds(ctx, calls[c], disk_fds, n_disk_fds);
	return ret;
}

static int add_rules(scmp_filter_ctx ctx)
{
	const size_t nsys = sizeof(allowed_syscalls) /
			    sizeof(allowed_syscalls[0]),
		     nioctl =
			     sizeof(allowed_ioctls) / sizeof(allowed_ioctls[0]);
	int ret = 0;

	for (size_t i = 0; !ret && i < nsys; i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_syscalls[i],
				       0);
	for (size_t i = 0; !ret && i < nioctl; i++)
		ret = allow_ioctl(ctx, allowed_ioctls[i]);
	if (!ret)
		ret = allow_narrow_calls(ctx);
	if (!ret)
		ret = allow_sanitizer_calls(ctx);
	if (!ret)
		ret = allow_disk_calls(ctx);
	if (!ret)
		ret = allow_msi_calls(ctx);
	if (!ret)
		ret = allow_getrandom_call(ctx);
	if (!ret)
		ret = allow_ioeventfd_calls(ctx);
	if (!ret)
		ret = allow_net_calls(ctx);
	if (!ret)
		ret = allow_tap_calls(ctx);
	if (!ret)
		ret = allow_tap_offload(ctx);
	if (!ret)
		ret = allow_vhost_calls(ctx);
	return ret;
}

/* Installs the allowlist; with dir >= 0, also read-only opens from dir. */
static int lockdown(int dir, struct errbuf *err)
{
	scmp_filter_ctx ctx;
	int ret;

	/* NO_NEW_PRIVS first: it lets an unprivileged process install the
	 * filter and keeps exec from regaining privileges. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_fail(err, errno, "PR_SET_NO_NEW_PRIVS: %s",
				strerror(errno));
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return err_fail(err, ENOMEM, "seccomp_init failed");
	ret = add_rules(ctx);
	if (!ret && dir >= 0)
		ret = allow_read_opens(ctx, dir);
	if (!ret)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret)
		return err_fail(err, -ret, "seccomp: %s", strerror(-ret));
	return 0;
}

/* --- a device thread's allowlist --------------------------------------- */

/* What every device thread calls whatever its descriptors: the wait, the
 * locks, glibc's thread exit (signals blocked, the stack released),
 * malloc's memory, sigaltstack (the sanitizers' runtime resets the
 * signal stack as a thread ends), and exit_group, which only ends the
 * process (as a failed assertion in it would). */
static const int worker_syscalls[] = {
	SCMP_SYS(ppoll),
	SCMP_SYS(futex),
	SCMP_SYS(exit),
	SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(madvise),
	SCMP_SYS(munmap),
	SCMP_SYS(brk),
	SCMP_SYS(mremap),
	SCMP_SYS(clock_gettime),
	SCMP_SYS(gettid),
	SCMP_SYS(getpid),
	SCMP_SYS(restart_syscall),
	SCMP_SYS(exit_group),
	SCMP_SYS(sigaltstack),
};

/* MSI-X routing's ioctls, on the VM's descriptor only. */
static int allow_worker_msi(scmp_filter_ctx ctx, int vm_fd)
{
	static const unsigned long ioctls[] = {
		KVM_SET_GSI_ROUTING,
		KVM_IRQFD,
		KVM_SIGNAL_MSI,
	};
	int ret = 0;

	if (!msi_routing_allowed || vm_fd < 0)
		return 0;
	for (size_t i = 0; !ret && i < sizeof(ioctls) / sizeof(ioctls[0]);
	     i++) {
		const struct scmp_arg_cmp cmp[] = {
			arg_cmp(0, SCMP_CMP_EQ, (scmp_datum_t)vm_fd, 0),
			arg_cmp(1, SCMP_CMP_EQ, ioctls[i], 0),
		};

		ret = allow_if(ctx, SCMP_SYS(ioctl), 2, cmp);
	}
	return ret;
}

/* The NICs on the device thread: the vCPU's wire calls, and close, which
 * the wire needs when a peer goes (its descriptor is not known before);
 * close is harmless to allow: it cannot reach anything new. */
static int allow_worker_net(scmp_filter_ctx ctx,
			    const struct seccomp_worker_fds *w)
{
	int ret = 0;

	if (w->writev_fds)
		ret = allow_on_fds(ctx, SCMP_SYS(writev), w->writev_fds,
				   w->n_writev);
	if (!ret && net_allowed)
		ret = allow_net_calls(ctx);
	if (!ret && net_allowed)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(close), 0);
	if (!ret) /* the taps' frames: readv in, writev out, on them only */
		ret = allow_tap_calls(ctx);
	if (!ret)
		ret = allow_on_fds(ctx, SCMP_SYS(writev), tap_fds, n_tap_fds);
	return ret;
}

static int add_worker_rules(scmp_filter_ctx ctx,
			    const struct seccomp_worker_fds *w)
{
	const size_t nsys =
		sizeof(worker_syscalls) / sizeof(worker_syscalls[0]);
	const struct scmp_arg_cmp no_exec =
		arg_cmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	const int err_fd = STDERR_FILENO;
	int ret = 0;

	for (size_t i = 0; !ret && i < nsys; i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, worker_syscalls[i],
				       0);
	if (!ret)
		ret = allow_if(ctx, SCMP_SYS(mmap), 1, &no_exec);
	if (!ret)
		ret = allow_on_fds(ctx, SCMP_SYS(read), w->read_fds, w->n_read);
	if (!ret)
		ret = allow_on_fds(ctx, SCMP_SYS(write), w->write_fds,
				   w->n_write);
	if (!ret) /* the line a bad ring gets */
		ret = allow_on_fds(ctx, SCMP_SYS(write), &err_fd, 1);
	if (!ret)
		ret = allow_disk_calls(ctx);
	if (!ret)
		ret = allow_worker_msi(ctx, w->vm_fd);
	if (!ret) /* --rng's device runs on the thread too */
		ret = allow_getrandom_call(ctx);
	if (!ret) /* and --net's NICs: their wires, their pcap files */
		ret = allow_worker_net(ctx, w);
	if (!ret)
		ret = allow_sanitizer_calls(ctx);
	return ret;
}

int seccomp_lockdown_worker(const struct seccomp_worker_fds *w,
			    struct errbuf *err)
{
	scmp_filter_ctx ctx;
	int ret;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_fail(err, errno, "PR_SET_NO_NEW_PRIVS: %s",
				strerror(errno));
	/* libseccomp's default: this thread only (no TSYNC) */
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return err_fail(err, ENOMEM, "seccomp_init failed");
	ret = add_worker_rules(ctx, w);
	if (!ret)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret)
		return err_fail(err, -ret, "seccomp (device thread): %s",
				strerror(-ret));
	return 0;
}

int seccomp_lockdown(struct errbuf *err)
{
	return lockdown(-1, err);
}

int seccomp_lockdown_reading(int dir, struct errbuf *err)
{
	struct stat st;

	if (dir < 0 || fstat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return err_fail(err, EBADF,
				"seccomp: descriptor %d is not an open "
				"directory",
				dir);
	return lockdown(dir, err);
}
