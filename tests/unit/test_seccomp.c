/* test_seccomp.c - the run loop's allowlist kills what it does not list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp_filter.h"

/* The test's own process, for a child that must not signal it; and a
 * directory the child opens before its lockdown, as matrix opens
 * /proc/self. */
static pid_t parent;
static int proc_self = -1;

/* How the child locks itself down. */
enum lockdown {
	NO_OPENS,
	READS_UNDER_PROC_SELF,
	WITH_GETRANDOM,
	DEVICE_THREAD,
	DEVICE_THREAD_RNG,
	WITH_NET_LISTEN,
	WITH_NET_CONNECT,
	WITH_TAP,
	DEVICE_THREAD_NET_LISTEN,
	DEVICE_THREAD_NET_CONNECT,
	DEVICE_THREAD_TAP
};

/* --net tap=: a pipe stands for the tap (readv is allowed on it only),
 * another for any other descriptor. */
static int tap_pipe[2] = {-1, -1}, other_pipe[2] = {-1, -1};

/* --net: a connected pair standing for a wire, and a listening socket. */
static int net_pair[2] = {-1, -1}, net_lfd = -1;

/* The device thread's descriptors: it may read and write `mine`, never
 * `other`; vm_fd stands for the VM's descriptor. */
static int mine = -1, other = -1;
static const int fake_vm_fd = 1000;

static int lock_down(enum lockdown how)
{
	const struct seccomp_worker_fds fds = {fake_vm_fd, &mine, 1, &mine,
					       1,	   &mine, 1};

	switch (how) {
	case WITH_GETRANDOM: /* --rng */
		seccomp_allow_getrandom();
		return seccomp_lockdown(NULL);
	case DEVICE_THREAD_RNG: /* --rng: its device is on the thread */
		seccomp_allow_getrandom();
		/* fall through */
	case DEVICE_THREAD:
		seccomp_allow_msi_routing();
		return seccomp_lockdown_worker(&fds, NULL);
	case DEVICE_THREAD_NET_LISTEN: /* --kernel --net unix=PATH,listen */
		if (seccomp_allow_net(net_lfd))
			return -1;
		return seccomp_lockdown_worker(&fds, NULL);
	case DEVICE_THREAD_NET_CONNECT: /* --kernel --net unix=PATH */
		if (seccomp_allow_net(-1))
			return -1;
		return seccomp_lockdown_worker(&fds, NULL);
	case WITH_NET_LISTEN: /* --net unix=PATH,listen */
		if (seccomp_allow_net(net_lfd))
			return -1;
		return seccomp_lockdown(NULL);
	case WITH_NET_CONNECT: /* --net unix=PATH */
		if (seccomp_allow_net(-1))
			return -1;
		return seccomp_lockdown(NULL);
	case DEVICE_THREAD_TAP: /* --kernel --net tap=NAME */
		if (seccomp_allow_tap(tap_pipe[0]))
			return -1;
		return seccomp_lockdown_worker(&fds, NULL);
	case WITH_TAP: /* --net tap=NAME */
		if (seccomp_allow_tap(tap_pipe[0]))
			return -1;
		return seccomp_lockdown(NULL);
	case READS_UNDER_PROC_SELF:
		return seccomp_lockdown_reading(proc_self, NULL);
	default:
		return seccomp_lockdown(NULL);
	}
}

/* Forks a child that installs the filter and then does `what`; returns
 * the child's wait status. The child leaves with _exit so that no
 * sanitizer runs its exit-time work under the filter. */
static int child_status(enum lockdown how, void (*what)(void))
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (lock_down(how))
			_exit(2);
		what();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void assert_killed(enum lockdown how, void (*what)(void),
			  const char *name)
{
	int status = child_status(how, what);

	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS)
		fail_msg("%s: not killed by SIGSYS (wait status 0x%x)", name,
			 status);
}

static void assert_lives(enum lockdown how, void (*what)(void),
			 const char *name)
{
	int status = child_status(how, what);

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("%s: did not exit 0 (wait status 0x%x)", name, status);
}

/* --- what the run loop never does ---------------------------------------- */

static void open_a_socket(void)
{
	socket(AF_INET, SOCK_STREAM, 0);
}

static void create_a_vm(void)
{
	/* ioctl itself is allowed, this request is not */
	ioctl(-1, KVM_CREATE_VM, 0);
}

static void open_for_writing(void)
{
	open("/tmp/seccomp-test-must-not-exist", O_WRONLY | O_CREAT, 0600);
}

static void open_for_reading(void)
{
	open("/dev/null", O_RDONLY);
}

static void exec_a_shell(void)
{
	execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
}

/* Code the VMM could be tricked into writing must never become
 * executable: no new executable mapping, no change to one. */
static void map_executable(void)
{
	mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
	     0);
}

static void map_writable_executable(void)
{
	mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
	     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void make_executable(void)
{
	static char page[4096] __attribute__((aligned(4096)));

	mprotect(page, sizeof(page), PROT_READ | PROT_EXEC);
}

/* raw syscall: glibc's wrappers would not hand over another process */
static void signal_another_process(void)
{
	syscall(SYS_tgkill, parent, parent, 0);
}

static void test_forbidden_calls_die_with_sigsys(void **state)
{
	static const struct {
		void (*what)(void);
		const char *name;
	} forbidden[] = {
		{open_a_socket, "socket"},
		{create_a_vm, "ioctl(KVM_CREATE_VM)"},
		{exec_a_shell, "execve"},
		{open_for_writing, "open for writing"},
		{open_for_reading, "open for reading"},
		{map_executable, "mmap(PROT_EXEC)"},
		{map_writable_executable, "mmap(PROT_WRITE | PROT_EXEC)"},
		{make_executable, "mprotect(PROT_EXEC)"},
		{signal_another_process, "tgkill of another process"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++)
		assert_killed(NO_OPENS, forbidden[i].what, forbidden[i].name);
}

/* --- --rng: getrandom with flags 0, and only then ------------------------- */

static void getrandom_plain(void)
{
	char buf[16];

	if (syscall(SYS_getrandom, buf, sizeof(buf), 0) != (long)sizeof(buf))
		_exit(3);
}

static void getrandom_nonblock(void)
{
	char buf[16];

	syscall(SYS_getrandom, buf, sizeof(buf), 1 /* GRND_NONBLOCK */);
}

static void test_getrandom_only_for_rng(void **state)
{
	(void)state;
	assert_killed(NO_OPENS, getrandom_plain, "getrandom without --rng");
	assert_lives(WITH_GETRANDOM, getrandom_plain, "getrandom under --rng");
	assert_killed(WITH_GETRANDOM, getrandom_nonblock,
		      "getrandom(GRND_NONBLOCK) under --rng");
}

/* --- what it does -------------------------------------------------------- */

static void write_and_read(void)
{
	char c;

	if (write(STDOUT_FILENO, "", 0) < 0 || read(STDIN_FILENO, &c, 0) < 0)
		_exit(3);
	ioctl(-1, KVM_RUN, 0); /* allowed request, bad fd: just EBADF */
}

/* malloc's calls: anonymous read-write memory, grown, given back */
static void map_memory(void)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *big;

	if (p == MAP_FAILED)
		_exit(3);
	p[0] = 1;
	p = mremap(p, 8192, 1 << 20, MREMAP_MAYMOVE);
	if (p == MAP_FAILED || p[0] != 1 || munmap(p, 1 << 20))
		_exit(4);
	big = malloc(1 << 20); /* beyond glibc's mmap threshold */
	if (!big)
		_exit(5);
	free(big);
}

/* raise() and abort() signal the process itself */
static void signal_itself(void)
{
	if (syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 0))
		_exit(3);
}

/* outbuf's wait on a full stdout, and the flags it puts back on a socket
 * it could not reopen */
static void wait_for_stdout(void)
{
	struct pollfd pfd = {.fd = STDOUT_FILENO, .events = POLLOUT};
	const struct timespec zero = {0, 0};
	sigset_t mask;
	int flags = fcntl(STDOUT_FILENO, F_GETFL);

	sigemptyset(&mask);
	if (ppoll(&pfd, 1, &zero, &mask) < 0 || flags < 0 ||
	    fcntl(STDOUT_FILENO, F_SETFL, flags) < 0)
		_exit(3);
}

static void test_the_run_loop_calls_live(void **state)
{
	(void)state;
	assert_lives(NO_OPENS, wait_for_stdout, "ppoll, fcntl(1, F_SETFL)");
	assert_lives(NO_OPENS, write_and_read, "read and write");
	assert_lives(NO_OPENS, map_memory, "mmap, mremap, munmap");
	assert_lives(NO_OPENS, signal_itself, "tgkill of itself");
}

/* --- reading under a directory opened before the lockdown ---------------- */

/* What matrix reads for its figures, as it must read it: openat from the
 * descriptor, then stdio (fdopen and fdopendir ask fcntl for the mode). */
static void read_under_proc_self(void)
{
	char line[256];
	FILE *f;
	int fd;

	fd = openat(proc_self, "smaps_rollup", O_RDONLY | O_CLOEXEC);
	f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f || !fgets(line, sizeof(line), f))
		_exit(3);
	fclose(f);
	fd = openat(proc_self, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !fdopendir(fd))
		_exit(4);
}

static void write_under_proc_self(void)
{
	openat(proc_self, "comm", O_WRONLY);
}

static void read_write_under_proc_self(void)
{
	openat(proc_self, "comm", O_RDWR);
}

static void create_under_proc_self(void)
{
	openat(proc_self, "new", O_RDONLY | O_CREAT, 0600);
}

static void truncate_under_proc_self(void)
{
	openat(proc_self, "comm", O_RDONLY | O_TRUNC);
}

static void read_from_cwd(void)
{
	openat(AT_FDCWD, "/proc/self/status", O_RDONLY);
}

static void read_under_another_descriptor(void)
{
	openat(proc_self + 1, "status", O_RDONLY);
}

static void change_a_descriptor_flag(void)
{
	fcntl(proc_self, F_SETFL, O_NONBLOCK);
}

static void test_reads_only_under_the_directory(void **state)
{
	(void)state;
	assert_lives(READS_UNDER_PROC_SELF, read_under_proc_self,
		     "read under /proc/self");
	assert_killed(READS_UNDER_PROC_SELF, write_under_proc_self,
		      "O_WRONLY under /proc/self");
	assert_killed(READS_UNDER_PROC_SELF, read_write_under_proc_self,
		      "O_RDWR under /proc/self");
	assert_killed(READS_UNDER_PROC_SELF, create_under_proc_self,
		      "O_CREAT under /proc/self");
	assert_killed(READS_UNDER_PROC_SELF, truncate_under_proc_self,
		      "O_TRUNC under /proc/self");
	assert_killed(READS_UNDER_PROC_SELF, read_from_cwd,
		      "open from the working directory");
	assert_killed(READS_UNDER_PROC_SELF, read_under_another_descriptor,
		      "openat from another descriptor");
	assert_killed(READS_UNDER_PROC_SELF, change_a_descriptor_flag,
		      "fcntl(F_SETFL)");
	assert_killed(NO_OPENS, read_under_proc_self,
		      "read under /proc/self without leave");
}

static void test_bad_directory_refused(void **state)
{
	struct errbuf err;

	(void)state;
	assert_int_equal(seccomp_lockdown_reading(-1, &err), -EBADF);
	assert_non_null(strstr(err.msg, "-1"));
}

static int setup(void **state)
{
	(void)state;
	parent = getpid();
	proc_self = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return proc_self < 0;
}

static int teardown(void **state)
{
	(void)state;
	close(proc_self);
	return 0;
}

/* --- the device thread's narrower list ----------------------------------- */

static void post_and_drain_mine(void)
{
	uint64_t v = 1;
	struct pollfd p = {.fd = mine, .events = POLLIN};

	if (write(mine, &v, 8) != 8 || ppoll(&p, 1, NULL, NULL) != 1 ||
	    read(mine, &v, 8) != 8)
		_exit(3);
}

static void read_other(void)
{
	uint64_t v;

	read(other, &v, 8);
}

static void write_other(void)
{
	uint64_t v = 1;

	write(other, &v, 8);
}

/* the vCPU's own request, refused to the device thread */
static void run_a_vcpu(void)
{
	ioctl(fake_vm_fd, KVM_RUN, 0);
}

/* routing is allowed on the VM's descriptor only */
static void irqfd_elsewhere(void)
{
	ioctl(other, KVM_IRQFD, 0);
}

static void irqfd_on_the_vm(void)
{
	ioctl(fake_vm_fd, KVM_IRQFD, 0); /* EBADF: no such descriptor */
}

static void make_an_eventfd(void)
{
	eventfd(0, 0);
}

static void test_device_thread_list(void **state)
{
	(void)state;
	mine = eventfd(0, EFD_NONBLOCK);
	other = eventfd(0, EFD_NONBLOCK);
	assert_true(mine >= 0 && other >= 0);
	assert_lives(DEVICE_THREAD, post_and_drain_mine, "its own eventfd");
	assert_lives(DEVICE_THREAD, irqfd_on_the_vm, "KVM_IRQFD on the VM");
	assert_killed(DEVICE_THREAD, read_other, "read elsewhere");
	assert_killed(DEVICE_THREAD, write_other, "write elsewhere");
	assert_killed(DEVICE_THREAD, run_a_vcpu, "KVM_RUN");
	assert_killed(DEVICE_THREAD, irqfd_elsewhere, "KVM_IRQFD elsewhere");
	assert_killed(DEVICE_THREAD, make_an_eventfd, "eventfd");
	assert_killed(DEVICE_THREAD, open_for_reading, "open");
	assert_killed(DEVICE_THREAD, open_a_socket, "socket");
	assert_killed(DEVICE_THREAD, map_executable, "PROT_EXEC");
	assert_killed(DEVICE_THREAD, getrandom_plain,
		      "getrandom without --rng");
	assert_lives(DEVICE_THREAD_RNG, getrandom_plain,
		     "getrandom on the thread under --rng");
	assert_killed(DEVICE_THREAD_RNG, getrandom_nonblock,
		      "getrandom(GRND_NONBLOCK) on the thread");
	close(mine);
	close(other);
}

/* --- --net: frames without blocking, accept on the listener only -------- */

static void frame_both_ways(void)
{
	char byte = 'x';

	if (send(net_pair[0], &byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL) != 1 ||
	    recv(net_pair[1], &byte, 1, MSG_DONTWAIT | MSG_TRUNC) != 1)
		_exit(3);
}

static void recv_blocking(void)
{
	char byte;

	recv(net_pair[1], &byte, 1, 0);
}

/* A descriptor passed to the peer (SCM_RIGHTS): the kind of sendmsg the
 * wire never makes, and a hijacked VMM must not. */
static void pass_a_descriptor(void)
{
	char byte = 'x';
	struct iovec iov = {&byte, 1};
	union {
		struct cmsghdr h;
		char room[CMSG_SPACE(sizeof(int))];
	} ctl = {0};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = &ctl,
			     .msg_controllen = sizeof(ctl)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	int fd = STDIN_FILENO;

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	sendmsg(net_pair[0], &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* sendto with an address: not the connected wire's send. */
static void send_to_an_address(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char byte = 'x';

	sendto(net_pair[0], &byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL,
	       (struct sockaddr *)&sa, sizeof(sa));
}

static void accept_on_listener(void)
{
	if (accept4(net_lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC) >= 0 ||
	    errno != EAGAIN)
		_exit(3);
}

static void accept_elsewhere(void)
{
	accept4(net_pair[0], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

static void unix_seqpacket_socket(void)
{
	if (socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) <
	    0)
		_exit(3);
}

static void unix_stream_socket(void)
{
	socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

static void test_net_calls_only_with_net(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, net_pair), 0);
	net_lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
	assert_true(net_lfd >= 0);
	/* an abstract address: nothing left behind in the file system */
	snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "test_seccomp.%d",
		 getpid());
	assert_int_equal(bind(net_lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(net_lfd, 1), 0);
	assert_killed(NO_OPENS, frame_both_ways, "send without --net");
	assert_lives(WITH_NET_CONNECT, frame_both_ways, "frames under --net");
	assert_killed(WITH_NET_CONNECT, recv_blocking, "a blocking recv");
	assert_killed(WITH_NET_CONNECT, pass_a_descriptor,
		      "sendmsg (SCM_RIGHTS) under --net");
	assert_killed(WITH_NET_CONNECT, send_to_an_address,
		      "sendto with an address under --net");
	assert_lives(WITH_NET_CONNECT, unix_seqpacket_socket,
		     "a connecting side's socket");
	assert_killed(WITH_NET_CONNECT, unix_stream_socket,
		      "a unix stream socket");
	assert_killed(WITH_NET_CONNECT, open_a_socket, "an inet socket");
	assert_killed(WITH_NET_LISTEN, unix_seqpacket_socket,
		      "a socket on a listening side");
	assert_lives(WITH_NET_LISTEN, accept_on_listener,
		     "accept4 on the listener");
	assert_killed(WITH_NET_LISTEN, accept_elsewhere,
		      "accept4 on another descriptor");
	close(net_pair[0]);
	close(net_pair[1]);
	close(net_lfd);
}

/* --- --net tap=: readv on the tap's descriptor only -------------------- */

static void readv_fd(int fd)
{
	char byte;
	struct iovec iov = {&byte, 1};

	if (readv(fd, &iov, 1) != 1)
		_exit(3);
}

static void readv_tap(void)
{
	readv_fd(tap_pipe[0]);
}

static void readv_other(void)
{
	readv_fd(other_pipe[0]);
}

static void test_tap_reads_only_on_the_tap(void **state)
{
	(void)state;
	assert_int_equal(pipe(tap_pipe), 0);
	assert_int_equal(pipe(other_pipe), 0);
	assert_int_equal(write(tap_pipe[1], "tt", 2), 2);
	assert_int_equal(write(other_pipe[1], "oo", 2), 2);
	assert_killed(NO_OPENS, readv_tap, "readv without --net tap=");
	assert_lives(WITH_TAP, readv_tap, "readv on the tap");
	assert_killed(WITH_TAP, readv_other, "readv on another descriptor");
	for (int i = 0; i < 2; i++) {
		close(tap_pipe[i]);
		close(other_pipe[i]);
	}
}

/* The NIC's activation sets the tap's offloads under the filter: that
 * one request on the tap's descriptor only (a pipe answers ENOTTY, but
 * the filter let it through). */
static void offload_tap(void)
{
	if (ioctl(tap_pipe[0], TUNSETOFFLOAD, TUN_F_CSUM) == 0 ||
	    errno != ENOTTY)
		_exit(3);
}

static void offload_other(void)
{
	ioctl(other_pipe[0], TUNSETOFFLOAD, TUN_F_CSUM);
}

static void other_ioctl_on_tap(void)
{
	unsigned int flags;

	ioctl(tap_pipe[0], TUNGETFEATURES, &flags);
}

static void test_tap_offloads_only_on_the_tap(void **state)
{
	(void)state;
	assert_int_equal(pipe(tap_pipe), 0);
	assert_int_equal(pipe(other_pipe), 0);
	assert_killed(NO_OPENS, offload_tap,
		      "TUNSETOFFLOAD without --net tap=");
	assert_lives(WITH_TAP, offload_tap, "TUNSETOFFLOAD on the tap");
	assert_killed(WITH_TAP, offload_other,
		      "TUNSETOFFLOAD on another descriptor");
	assert_killed(WITH_TAP, other_ioctl_on_tap,
		      "another tun ioctl on the tap");
	/* the device thread moves the frames but never sets offloads */
	assert_int_equal(write(tap_pipe[1], "t", 1), 1);
	assert_lives(DEVICE_THREAD_TAP, readv_tap, "the thread's readv");
	assert_killed(DEVICE_THREAD_TAP, offload_tap,
		      "TUNSETOFFLOAD on the device thread");
	for (int i = 0; i < 2; i++) {
		close(tap_pipe[i]);
		close(other_pipe[i]);
	}
}

/* --- --kernel --net: the wire on the device thread ----------------------- */

static void close_a_peer(void)
{
	if (close(net_pair[0]))
		_exit(3);
}

/* a pcap record: writev on the file named (mine), nowhere else */
static void writev_mine(void)
{
	uint64_t v = 1;
	struct iovec iov = {&v, sizeof(v)};

	if (writev(mine, &iov, 1) != (ssize_t)sizeof(v))
		_exit(3);
}

static void writev_other(void)
{
	uint64_t v = 1;
	struct iovec iov = {&v, sizeof(v)};

	writev(other, &iov, 1);
}

static void test_device_thread_net(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	(void)state;
	mine = eventfd(0, EFD_NONBLOCK);
	other = eventfd(0, EFD_NONBLOCK);
	assert_true(mine >= 0 && other >= 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, net_pair), 0);
	net_lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
	assert_true(net_lfd >= 0);
	snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1,
		 "test_seccomp.thread.%d", getpid());
	assert_int_equal(bind(net_lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(net_lfd, 1), 0);
	assert_killed(DEVICE_THREAD, frame_both_ways,
		      "frames on the thread without --net");
	assert_killed(DEVICE_THREAD, close_a_peer,
		      "close on the thread without --net");
	assert_lives(DEVICE_THREAD_NET_CONNECT, frame_both_ways,
		     "frames on the thread under --net");
	assert_lives(DEVICE_THREAD_NET_CONNECT, close_a_peer,
		     "a peer's close on the thread");
	assert_killed(DEVICE_THREAD_NET_CONNECT, recv_blocking,
		      "a blocking recv on the thread");
	assert_killed(DEVICE_THREAD_NET_CONNECT, pass_a_descriptor,
		      "sendmsg (SCM_RIGHTS) on the thread");
	assert_lives(DEVICE_THREAD_NET_CONNECT, unix_seqpacket_socket,
		     "a connecting side's retry on the thread");
	assert_killed(DEVICE_THREAD_NET_CONNECT, open_a_socket,
		      "an inet socket on the thread");
	assert_killed(DEVICE_THREAD_NET_LISTEN, unix_seqpacket_socket,
		      "a socket on the thread of a listening side");
	assert_lives(DEVICE_THREAD_NET_LISTEN, accept_on_listener,
		     "accept4 on the listener, on the thread");
	assert_killed(DEVICE_THREAD_NET_LISTEN, accept_elsewhere,
		      "accept4 elsewhere on the thread");
	assert_lives(DEVICE_THREAD, writev_mine, "writev on a pcap file");
	assert_killed(DEVICE_THREAD, writev_other, "writev elsewhere");
	close(net_pair[0]);
	close(net_pair[1]);
	close(net_lfd);
	close(mine);
	close(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forbidden_calls_die_with_sigsys),
		cmocka_unit_test(test_getrandom_only_for_rng),
		cmocka_unit_test(test_the_run_loop_calls_live),
		cmocka_unit_test(test_reads_only_under_the_directory),
		cmocka_unit_test(test_bad_directory_refused),
		cmocka_unit_test(test_device_thread_list),
		cmocka_unit_test(test_net_calls_only_with_net),
		cmocka_unit_test(test_tap_reads_only_on_the_tap),
		cmocka_unit_test(test_tap_offloads_only_on_the_tap),
		cmocka_unit_test(test_device_thread_net),
	};

	return cmocka_run_group_tests_name("seccomp", tests, setup, teardown);
}
