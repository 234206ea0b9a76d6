/* gdbstub.c - the GDB remote stub: one client on a socket, its packets and
 * commands, and what each vcpu_step event means to gdb. */
#include "gdbstub.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gdb_cmds.h"
#include "gdb_conn.h"
#include "gdb_target.h"
#include "preempt.h"
#include "vm.h"

/* --- the socket ---------------------------------------------------- */

static int listen_tcp(struct gdbstub *gs, const char *spec, struct errbuf *err)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	uint64_t port;
	int one = 1;

	if (parse_uint(spec, 0, 65535, &port, err))
		return err_wrap(err, -EINVAL, "--gdb %s", spec);
	sa.sin_port = htons((uint16_t)port);
	gs->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (gs->listen_fd < 0)
		return err_fail(err, errno, "socket: %s", strerror(errno));
	setsockopt(gs->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(gs->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(gs->listen_fd, 1) < 0 ||
	    getsockname(gs->listen_fd, (struct sockaddr *)&sa, &len) < 0)
		return err_fail(err, errno, "--gdb 127.0.0.1:%" PRIu64 ": %s",
				port, strerror(errno));
	snprintf(gs->where, sizeof(gs->where), "127.0.0.1:%u",
		 ntohs(sa.sin_port));
	return 0;
}

static int listen_unix(struct gdbstub *gs, const char *path, struct errbuf *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (!*path || strlen(path) >= sizeof(sa.sun_path))
		return err_fail(err, EINVAL, "--gdb unix:%s: %s", path,
				*path ? "path too long" : "no path");
	strcpy(sa.sun_path, path);
	gs->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (gs->listen_fd < 0)
		return err_fail(err, errno, "socket: %s", strerror(errno));
	/* Only our user may connect: the mode is set before listen(), so no
	 * one can connect in between. */
	if (bind(gs->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0600) < 0 || listen(gs->listen_fd, 1) < 0)
		return err_fail(err, errno, "--gdb unix:%s: %s", path,
				strerror(errno));
	strcpy(gs->unix_path, path);
	snprintf(gs->where, sizeof(gs->where), "unix:%s", path);
	return 0;
}

int gdbstub_open(struct gdbstub *gs, const char *spec,
		 const struct gdb_cpus *cpus, int long_mode, FILE *log,
		 struct errbuf *err)
{
	int ret;

	memset(gs, 0, sizeof(*gs));
	gs->listen_fd = gs->conn_fd = -1;
	if (cpus->n < 1 || cpus->n > GDB_MAX_CPUS)
		return err_fail(err, EINVAL, "--gdb: %u vCPUs (1 to %d)",
				cpus->n, GDB_MAX_CPUS);
	memcpy(gs->cpu_list, cpus->vcpu, cpus->n * sizeof(*cpus->vcpu));
	gs->cpus = *cpus;
	gs->cpus.vcpu = gs->cpu_list;
	gs->vcpu = gs->cpu_list[0];
	gs->hc_any = 1;
	gs->long_mode = long_mode;
	gs->log = log;
	pthread_mutex_init(&gs->lock, NULL);
	pthread_cond_init(&gs->cond, NULL);
	gs->inited = 1;
	/* Until gdb lets them go, no vCPU has run: every one is parked. */
	gs->stopped = 1;
	memset(gs->parked, 1, sizeof(gs->parked));
	rsp_decoder_init(&gs->dec);
	/* Before the first KVM_RUN: the stub's reason to exist is to stop the
	 * guest before its first instruction. */
	if (cpus->n > 1)
		snprintf(gs->stop_reply, sizeof(gs->stop_reply),
			 "T%02xthread:1;", GDB_SIGTRAP);
	else
		snprintf(gs->stop_reply, sizeof(gs->stop_reply), "S%02x",
			 GDB_SIGTRAP);
	if (!strncmp(spec, "unix:", 5))
		ret = listen_unix(gs, spec + 5, err);
	else
		ret = listen_tcp(gs, spec, err);
	if (!ret)
		ret = preempt_catch_signal(SIGIO, err);
	if (ret)
		gdbstub_finish(gs, -1);
	return ret;
}

/* The trap port's device: a write is a breakpoint's trap, or the guest's
 * own (gdbt_port_trap tells which); reads give all ones. */
static int trap_port_write(void *opaque, uint64_t off, const void *data,
			   uint32_t len, struct errbuf *err)
{
	(void)opaque, (void)off, (void)data, (void)len, (void)err;
	return BUS_TRAP;
}

int gdbstub_use_port_traps(struct gdbstub *gs, struct bus *ports,
			   int z1_as_trap, struct errbuf *err)
{
	int ret = bus_register(ports, GDB_TRAP_PORT_NUMBER, 1, "gdb trap", NULL,
			       trap_port_write, gs, err);

	if (!ret) {
		gs->trap = GDB_TRAP_PORT;
		gs->z1_as_trap = z1_as_trap;
	}
	return ret;
}

void gdbstub_set_image_alias(struct gdbstub *gs, uint64_t va, uint64_t pa,
			     uint64_t len)
{
	gs->alias_va = va;
	gs->alias_pa = pa;
	gs->alias_len = len;
}

/* Waits until fd is readable: 0, or -1 when a stop signal came first. */
static int wait_readable(int fd)
{
	return gdb_wait_fd(fd, POLLIN, -1) > 0 ? 0 : -1;
}

/* Input from gdb raises SIGIO at this thread; the signal is blocked but in
 * KVM_RUN, so it is gdb's Ctrl-C that ends a running guest's KVM_RUN. */
static int arm_sigio(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETOWN, getpid()) < 0 ||
	    fcntl(fd, F_SETSIG, SIGIO) < 0 ||
	    fcntl(fd, F_SETFL, flags | O_ASYNC) < 0)
		return -errno;
	return 0;
}

static void drain_sigio(void)
{
	const struct timespec zero = {0, 0};
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGIO);
	while (sigtimedwait(&set, NULL, &zero) > 0)
		;
}

static void close_listener(struct gdbstub *gs)
{
	if (gs->listen_fd >= 0)
		close(gs->listen_fd);
	gs->listen_fd = -1;
	if (gs->unix_path[0])
		unlink(gs->unix_path);
	gs->unix_path[0] = '\0';
}

static void let_run(struct gdbstub *gs);

/* --- the connection ------------------------------------------------ */

/* The guest runs on without gdb, as after gdb's detach: our int3 bytes
 * go, KVM stops trapping. */
static void disconnect(struct gdbstub *gs, const char *why)
{
	gdbt_clear(gs);
	gs->stepping = gs->watch_stepping = 0;
	gdbt_apply_debug(gs, 0);
	if (gs->dropped)
		why = "client took none of our replies for " GDB_STALL_TEXT
		      ": dropped it";
	if (gs->conn_fd >= 0) {
		close(gs->conn_fd);
		if (gs->log && why)
			fprintf(gs->log,
				"simple-kvm: gdb %s; the guest runs "
				"on without it\n",
				why);
	}
	gs->conn_fd = -1;
	gs->dropped = 0;
	drain_sigio();
}

/* gdb is gone, was dropped, or a stop signal came while we talked to it:
 * a stop signal ends the run (status 130), else the guest runs on. */
static enum gdb_verdict lost(struct gdbstub *gs)
{
	if (preempt_stop_requested()) {
		disconnect(gs, NULL);
		return GDB_KILL;
	}
	disconnect(gs, "disconnected");
	return GDB_RESUME;
}

/* The next byte from gdb into the decoder, waiting for it: its event, or
 * -1 when gdb is gone or a stop signal came. */
static int next_event(struct gdbstub *gs)
{
	if (gs->in_pos == gs->in_len) {
		ssize_t n;

		if (wait_readable(gs->conn_fd))
			return -1;
		n = recv(gs->conn_fd, gs->in, sizeof(gs->in), 0);
		if (n <= 0)
			return -1;
		gs->in_len = (size_t)n;
		gs->in_pos = 0;
	}
	return rsp_feed(&gs->dec, gs->in[gs->in_pos++]);
}

/* One event from gdb while the guest is stopped: 1 to keep serving,
 * 0 after a resume, detach or kill (in *res), -1 when gdb is gone. */
static int serve_one(struct gdbstub *gs, enum gdb_cmd_result *res)
{
	int ev = next_event(gs);

	switch (ev) {
	case -1:
		return -1;
	case RSP_PACKET:
		if (gdb_send_all(gs, "+", 1))
			return -1;
		*res = gdb_dispatch(gs, gs->dec.buf, gs->dec.len);
		if (gs->dropped) /* its reply found no reader */
			return -1;
		return *res == CMD_STAY;
	case RSP_BAD_CHECKSUM: /* gdb sends it again */
		return gdb_send_all(gs, "-", 1) ? -1 : 1;
	case RSP_TOO_LONG: /* received whole, refused: resending won't help */
		return gdb_send_all(gs, "+", 1) || gdb_reply_error(gs, EMSGSIZE)
			       ? -1
			       : 1;
	case RSP_NAK:
		if (gs->frame_len > 0 &&
		    gdb_send_all(gs, gs->frame, (size_t)gs->frame_len))
			return -1;
		return 1;
	}
	return 1; /* acks, Ctrl-C while stopped, noise */
}

/* Serves gdb with the guest stopped; says how the stop ended. */
static enum gdb_verdict serve(struct gdbstub *gs)
{
	enum gdb_cmd_result res = CMD_STAY;
	int more;

	while ((more = serve_one(gs, &res)) > 0)
		;
	if (more < 0)
		return lost(gs);
	switch (res) {
	case CMD_KILL:
		disconnect(gs, NULL);
		return GDB_KILL;
	case CMD_DETACH:
		disconnect(gs, "detached");
		return GDB_RESUME;
	default:
		drain_sigio(); /* our own replies' traffic is no Ctrl-C */
		return GDB_RESUME;
	}
}

/* Tells gdb why the guest stopped ("T05...", with the reporter's thread
 * when there are several), then serves it. */
static enum gdb_verdict stop(struct gdbstub *gs, const char *why)
{
	if (gs->cpus.n > 1 && why[0] == 'T')
		snprintf(gs->stop_reply, sizeof(gs->stop_reply),
			 "%.3sthread:%x;%s", why, gs->reporter + 1, why + 3);
	else
		snprintf(gs->stop_reply, sizeof(gs->stop_reply), "%s", why);
	if (gdb_reply(gs, gs->stop_reply) < 0)
		return lost(gs);
	return serve(gs);
}

/*
 * Whether a new client speaks gdb's protocol: gdb's first byte is '+' (an
 * ack), '$' (a packet) or 0x03 (Ctrl-C). Anything else, such as the
 * "POST / HTTP/1.1" a web page's fetch() sends to a local port with RSP
 * packets in its body, gets nothing back. 1 yes, 0 no (with a notice),
 * -1 when a stop signal came while we waited for the first byte.
 */
static int speaks_rsp(struct gdbstub *gs, int fd)
{
	unsigned char first;
	ssize_t n;
	int ready = gdb_wait_fd(fd, POLLIN, GDB_STALL_MS);

	if (ready < 0)
		return -1;
	n = ready ? recv(fd, &first, 1, MSG_PEEK | MSG_DONTWAIT) : 0;
	if (n == 1 && (first == '+' || first == '$' || first == 0x03))
		return 1;
	if (!gs->log)
		return 0;
	if (n == 1)
		fprintf(gs->log,
			"simple-kvm: gdb: refused a client whose first byte "
			"(0x%02x) is not gdb's; waiting for gdb again\n",
			first);
	else
		fprintf(gs->log,
			"simple-kvm: gdb: a client sent nothing %s; waiting "
			"for gdb again\n",
			ready ? "before it left" : "for " GDB_STALL_TEXT);
	fflush(gs->log);
	return 0;
}

/* The first client that speaks gdb's protocol (its socket), or -1 with
 * *killed set when a stop signal came first, or -1 alone when accept
 * failed. Others are closed unanswered, and we listen on. */
static int accept_gdb(struct gdbstub *gs, int *killed)
{
	for (;;) {
		int fd, ok;

		if (wait_readable(gs->listen_fd)) {
			*killed = 1;
			return -1;
		}
		fd = accept4(gs->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			return -1;
		ok = speaks_rsp(gs, fd);
		if (ok > 0)
			return fd;
		close(fd);
		if (ok < 0) {
			*killed = 1;
			return -1;
		}
	}
}

enum gdb_verdict gdbstub_attach(struct gdbstub *gs)
{
	enum gdb_verdict verdict;
	int fd, killed = 0;

	if (gs->log)
		fprintf(gs->log,
			"simple-kvm: waiting for gdb on %s (target remote "
			"%s%s)\n",
			gs->where, gs->unix_path[0] ? "" : ":",
			gs->unix_path[0] ? gs->where
					 : strchr(gs->where, ':') + 1);
	if (gs->log)
		fflush(gs->log);
	fd = accept_gdb(gs, &killed);
	if (killed)
		return GDB_KILL;
	/* One client: later ones find no one listening. */
	close_listener(gs);
	pthread_mutex_lock(&gs->lock);
	if (fd < 0 || arm_sigio(fd) < 0) {
		if (fd >= 0)
			close(fd);
		if (gs->log)
			fprintf(gs->log,
				"simple-kvm: gdb: accept: %s; the "
				"guest runs without gdb\n",
				strerror(errno));
		verdict = GDB_RESUME;
	} else {
		gs->conn_fd = fd;
		verdict = serve(gs);
	}
	let_run(gs);
	pthread_mutex_unlock(&gs->lock);
	return verdict;
}

/* Whether gdb sent Ctrl-C while the guest ran (1), or left (-1). Reads
 * all there is: the SIGIO that announced it is gone once drained. Other
 * bytes (gdb sends none while the guest runs) are decoded and dropped. */
static int interrupt_requested(struct gdbstub *gs)
{
	int seen = 0;

	drain_sigio();
	for (;;) {
		if (gs->in_pos == gs->in_len) {
			ssize_t n = recv(gs->conn_fd, gs->in, sizeof(gs->in),
					 MSG_DONTWAIT);

			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
				      errno == EINTR))
				return seen;
			if (n <= 0)
				return -1;
			gs->in_len = (size_t)n;
			gs->in_pos = 0;
		}
		seen |= rsp_feed(&gs->dec, gs->in[gs->in_pos++]) ==
			RSP_INTERRUPT;
	}
}

/* gdb's signal for an exception vector, as a Unix kernel would pick it. */
static int fault_signal(const struct guest_fault *f)
{
	if (f->kind != FAULT_EXCEPTION)
		return GDB_SIGSEGV;
	switch (f->vector) {
	case 0:	 /* #DE */
	case 16: /* #MF */
	case 19: /* #XM */
		return GDB_SIGFPE;
	case 1:
	case 3:
		return GDB_SIGTRAP;
	case 6: /* #UD */
		return GDB_SIGILL;
	case 17: /* #AC */
		return GDB_SIGBUS;
	}
	return GDB_SIGSEGV;
}

/* A stop the guest cannot resume from; gdb may look, then it ends. */
static enum gdb_verdict fatal_stop(struct gdbstub *gs, int signo)
{
	char why[8];

	gs->fatal_signal = signo;
	snprintf(why, sizeof(why), "T%02x", signo);
	return stop(gs, why) == GDB_KILL ? GDB_KILL : GDB_NOT_MINE;
}

/* --- all-stop: one vCPU stops them all ------------------------------ */

/* Every vCPU but index out of KVM_RUN and parked (or the run ending):
 * each that runs is kicked and parks at its loop's next gdbstub_hold.
 * With the lock held; the wait lets it go. */
static void stop_others(struct gdbstub *gs, unsigned index)
{
	int waiting;

	atomic_store(&gs->stopped, 1);
	memset(gs->may_run, 0, sizeof(gs->may_run));
	for (unsigned i = 0; i < gs->cpus.n; i++)
		if (i != index && !gs->parked[i] && gs->cpus.kick)
			gs->cpus.kick(gs->cpus.ctx, i);
	do {
		waiting = 0;
		for (unsigned i = 0; i < gs->cpus.n; i++)
			waiting |= i != index && !gs->parked[i];
		if (waiting && !gs->released)
			pthread_cond_wait(&gs->cond, &gs->lock);
	} while (waiting && !gs->released);
}

/* After a stop: a step runs step_cpu alone, anything else every vCPU. */
static void let_run(struct gdbstub *gs)
{
	if (gs->stepping && gs->conn_fd >= 0) {
		memset(gs->may_run, 0, sizeof(gs->may_run));
		gs->may_run[gs->step_cpu] = 1;
		gs->parked[gs->step_cpu] = 0;
	} else {
		atomic_store(&gs->stopped, 0);
		memset(gs->may_run, 1, sizeof(gs->may_run));
		memset(gs->parked, 0, sizeof(gs->parked));
	}
	pthread_cond_broadcast(&gs->cond);
}

void gdbstub_hold(struct gdbstub *gs, unsigned index)
{
	if (!gs->inited || !atomic_load(&gs->stopped))
		return; /* a kick makes the next KVM_RUN come back here */
	pthread_mutex_lock(&gs->lock);
	while (atomic_load(&gs->stopped) && !gs->may_run[index] &&
	       !gs->released) {
		if (!gs->parked[index]) {
			/* gdb reads what the last exit left consistent */
			gdbt_finish_exit(gs->cpus.vcpu[index]);
			gs->parked[index] = 1;
			pthread_cond_broadcast(&gs->cond);
		}
		pthread_cond_wait(&gs->cond, &gs->lock);
	}
	gs->parked[index] = 0;
	pthread_mutex_unlock(&gs->lock);
}

void gdbstub_release_all(struct gdbstub *gs)
{
	if (!gs || !gs->inited)
		return;
	pthread_mutex_lock(&gs->lock);
	gs->released = 1;
	atomic_store(&gs->stopped, 0); /* no stop may outlive the run */
	memset(gs->may_run, 1, sizeof(gs->may_run));
	pthread_cond_broadcast(&gs->cond);
	pthread_mutex_unlock(&gs->lock);
}

/* Whether vCPU index's event is one gdb hears of, with the stop reply in
 * why: 1 a stop, 0 none (*verdict says what the loop does), -1 a stop
 * the guest cannot resume from (signal in *signo). */
static int classify(struct gdbstub *gs, unsigned index,
		    const struct vcpu_exit *ex, char *why, size_t cap,
		    int *signo, enum gdb_verdict *verdict)
{
	struct vcpu *vcpu = gs->cpus.vcpu[index];
	int irq;

	*verdict = GDB_NOT_MINE;
	switch (ex->event) {
	case VCPU_DEBUG:
		*verdict = GDB_RESUME; /* a watch step that saw nothing */
		return gdbt_stop_reason(gs, vcpu, why, cap);
	case VCPU_INTERRUPTED:
		irq = interrupt_requested(gs);
		if (irq < 0) {
			/* parked first: no vCPU ioctl races KVM_RUN */
			stop_others(gs, index);
			disconnect(gs, "disconnected");
			let_run(gs);
		}
		if (irq <= 0)
			return 0;
		snprintf(why, cap, "T%02x", GDB_SIGINT);
		return 1;
	case VCPU_GUEST_FAULT:
		if (gdbt_int3_reported(gs, &ex->fault)) {
			snprintf(why, cap, "T05swbreak:;");
			return 1;
		}
		/* gdb reads the live registers: make them the faulting
		 * instruction's rather than the VMM handler's. */
		if (ex->fault.kind == FAULT_EXCEPTION)
			vcpu_set_regs(vcpu, &ex->fault.regs, NULL);
		*signo = fault_signal(&ex->fault);
		return -1;
	case VCPU_CRASHED:
		*signo = GDB_SIGSEGV;
		return -1;
	case VCPU_BAD_HYPERCALL:
		*signo = GDB_SIGSYS;
		return -1;
	default:
		return 0;
	}
}

/* vCPU index's stop: the others parked, gdb told and served, then the
 * vCPUs gdb lets run are let go. With the lock held. */
static enum gdb_verdict report(struct gdbstub *gs, unsigned index, int kind,
			       const char *why, int signo)
{
	enum gdb_verdict verdict;

	stop_others(gs, index);
	if (gs->released) { /* the run ends meanwhile: nothing to serve */
		let_run(gs);
		return GDB_RESUME;
	}
	gs->reporter = index;
	gs->vcpu = gs->cpus.vcpu[index]; /* gdb's thread is the reporter */
	gs->step_cpu = index;
	verdict = kind < 0 ? fatal_stop(gs, signo) : stop(gs, why);
	let_run(gs);
	return verdict;
}

/* The events a stop can come from; the others are always the
 * program's, whatever gdb is doing. */
static int stub_looks_at(enum vcpu_event event)
{
	switch (event) {
	case VCPU_DEBUG:
	case VCPU_INTERRUPTED:
	case VCPU_GUEST_FAULT:
	case VCPU_CRASHED:
	case VCPU_BAD_HYPERCALL:
		return 1;
	default:
		return 0;
	}
}

enum gdb_verdict gdbstub_on_event(struct gdbstub *gs, unsigned index,
				  const struct vcpu_exit *ex)
{
	struct vcpu *vcpu = gs->cpus.vcpu[index];
	enum gdb_verdict verdict = GDB_RESUME;
	int kind, signo = 0, trap = 0;
	char why[64];

	if (!gs->inited || !stub_looks_at(ex->event))
		return GDB_NOT_MINE; /* every port and MMIO exit: no lock */
	pthread_mutex_lock(&gs->lock);
	/* The trap port: ours or the guest's own OUT, finished either way;
	 * with gdb gone it is only the guest's. */
	if (ex->event == VCPU_DEBUG && ex->reason == KVM_EXIT_IO)
		trap = gdbt_port_trap(gs, vcpu, why, sizeof(why)) ? 1 : -1;
	/* with the run ending, every event is the program's (a trap's RIP
	 * is back on it: the vCPU ends before it runs it again) */
	if (gs->conn_fd < 0 || trap < 0 || gs->released) {
		pthread_mutex_unlock(&gs->lock);
		return trap ? GDB_RESUME : GDB_NOT_MINE;
	}
	/* Another vCPU's stop is under way, or gdb steps another: a stop
	 * this vCPU met waits. A trap's RIP is back on it and a debug
	 * register fires again, so the breakpoint is reported once this vCPU
	 * runs again. What ends the guest (a reset, a fault) is the
	 * program's at once. */
	if (atomic_load(&gs->stopped) && !gs->may_run[index]) {
		pthread_mutex_unlock(&gs->lock);
		return trap || ex->event == VCPU_DEBUG ||
				       ex->event == VCPU_INTERRUPTED
			       ? GDB_RESUME
			       : GDB_NOT_MINE;
	}
	kind = trap ? 1
		    : classify(gs, index, ex, why, sizeof(why), &signo,
			       &verdict);
	if (kind)
		verdict = report(gs, index, kind, why, signo);
	pthread_mutex_unlock(&gs->lock);
	return verdict;
}

/* gdb acks the exit reply: closing before that would make its ack fail
 * and gdb call the exit a communication error. A second at most. */
static void wait_for_ack(struct gdbstub *gs)
{
	struct pollfd pfd = {.fd = gs->conn_fd, .events = POLLIN};
	char byte;

	if (poll(&pfd, 1, 1000) > 0)
		(void)!recv(gs->conn_fd, &byte, 1, MSG_DONTWAIT);
}

void gdbstub_finish(struct gdbstub *gs, int status)
{
	char text[8];

	if (gs->conn_fd >= 0 && status >= 0) {
		if (gs->fatal_signal)
			snprintf(text, sizeof(text), "X%02x", gs->fatal_signal);
		else
			snprintf(text, sizeof(text), "W%02x", status & 0xff);
		if (!gdb_reply(gs, text))
			wait_for_ack(gs);
	}
	if (gs->conn_fd >= 0)
		close(gs->conn_fd);
	gs->conn_fd = -1;
	close_listener(gs);
	if (gs->inited) {
		pthread_cond_destroy(&gs->cond);
		pthread_mutex_destroy(&gs->lock);
		gs->inited = 0;
	}
}
