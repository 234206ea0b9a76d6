/* gdbstub.c - the GDB remote stub: one client on a socket, its packets and
 * commands, and what each vcpu_step event means to gdb. */
#include "gdbstub.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "gdb_regs.h"
#include "gdb_target.h"
#include "preempt.h"

/* What a command asks of the serving loop. */
enum cmd_result { CMD_STAY, CMD_RESUME, CMD_DETACH, CMD_KILL };

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
	if (bind(gs->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(gs->listen_fd, 1) < 0)
		return err_fail(err, errno, "--gdb unix:%s: %s", path,
				strerror(errno));
	strcpy(gs->unix_path, path);
	snprintf(gs->where, sizeof(gs->where), "unix:%s", path);
	return 0;
}

int gdbstub_open(struct gdbstub *gs, const char *spec, struct vcpu *vcpu,
		 int long_mode, FILE *log, struct errbuf *err)
{
	int ret;

	memset(gs, 0, sizeof(*gs));
	gs->listen_fd = gs->conn_fd = -1;
	gs->vcpu = vcpu;
	gs->long_mode = long_mode;
	gs->log = log;
	rsp_decoder_init(&gs->dec);
	/* Before the first KVM_RUN: the stub's reason to exist is to stop the
	 * guest before its first instruction. */
	snprintf(gs->stop_reply, sizeof(gs->stop_reply), "S%02x", GDB_SIGTRAP);
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

/* The mask for waiting on gdb: what is blocked now, but SIGINT and SIGTERM,
 * so that they end a wait for a debugger who never comes. */
static void wait_mask(sigset_t *mask)
{
	sigprocmask(SIG_SETMASK, NULL, mask);
	sigdelset(mask, SIGINT);
	sigdelset(mask, SIGTERM);
}

/* Waits until fd is readable: 0, or -1 when a stop signal came first. */
static int wait_readable(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	sigset_t mask;

	wait_mask(&mask);
	while (ppoll(&pfd, 1, NULL, &mask) < 0) {
		if (errno != EINTR || preempt_stop_requested())
			return -1;
	}
	return 0;
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

/* --- replies ------------------------------------------------------- */

static int send_all(struct gdbstub *gs, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = send(gs->conn_fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_packet(struct gdbstub *gs, const void *payload, size_t len)
{
	gs->frame_len = rsp_frame(gs->frame, sizeof(gs->frame), payload, len);
	if (gs->frame_len < 0) /* cannot happen with our replies' sizes */
		gs->frame_len =
			rsp_frame(gs->frame, sizeof(gs->frame), "E01", 3);
	return send_all(gs, gs->frame, (size_t)gs->frame_len);
}

static int reply(struct gdbstub *gs, const char *text)
{
	return send_packet(gs, text, strlen(text));
}

/* "E" and two hex digits of a positive errno, as gdb expects errors. */
static int reply_error(struct gdbstub *gs, int errnum)
{
	char text[8];

	snprintf(text, sizeof(text), "E%02x", errnum & 0xff);
	return reply(gs, text);
}

/* --- commands ------------------------------------------------------ */

static int read_cpu(struct gdbstub *gs, struct gdb_cpu *cpu)
{
	if (vcpu_get_regs(gs->vcpu, &cpu->regs, NULL) ||
	    vcpu_get_sregs(gs->vcpu, &cpu->sregs, NULL) ||
	    ioctl(gs->vcpu->fd, KVM_GET_FPU, &cpu->fpu) < 0)
		return -1;
	return 0;
}

static int write_cpu(struct gdbstub *gs, const struct gdb_cpu *cpu)
{
	if (vcpu_set_regs(gs->vcpu, &cpu->regs, NULL) ||
	    ioctl(gs->vcpu->fd, KVM_SET_FPU, &cpu->fpu) < 0)
		return -1;
	return 0;
}

static int cmd_read_registers(struct gdbstub *gs)
{
	uint8_t block[GDB_REGS_MAX_BYTES];
	struct gdb_cpu cpu;

	if (read_cpu(gs, &cpu))
		return reply_error(gs, EIO);
	gdb_regs_to_block(gs->long_mode, &cpu, block);
	rsp_hex_encode(gs->reply, block, gdb_regs_block_size(gs->long_mode));
	return reply(gs, gs->reply);
}

static int cmd_write_registers(struct gdbstub *gs, const char *hex)
{
	size_t size = gdb_regs_block_size(gs->long_mode);
	uint8_t block[GDB_REGS_MAX_BYTES];
	struct gdb_cpu cpu;

	if (strlen(hex) != 2 * size || rsp_hex_decode(hex, block, size))
		return reply_error(gs, EINVAL);
	if (read_cpu(gs, &cpu))
		return reply_error(gs, EIO);
	gdb_regs_from_block(gs->long_mode, block, &cpu);
	return write_cpu(gs, &cpu) ? reply_error(gs, EIO) : reply(gs, "OK");
}

/* p NUM and P NUM=VALUE: one register, through the whole block. */
static int cmd_register(struct gdbstub *gs, const char *args, int write)
{
	uint8_t block[GDB_REGS_MAX_BYTES];
	struct gdb_cpu cpu;
	size_t off, size;
	uint64_t num;

	if (rsp_parse_hex(&args, &num) || num > INT32_MAX ||
	    gdb_regs_slot(gs->long_mode, (int)num, &off, &size) ||
	    (write && *args++ != '=') || (!write && *args))
		return reply_error(gs, EINVAL);
	if (read_cpu(gs, &cpu))
		return reply_error(gs, EIO);
	gdb_regs_to_block(gs->long_mode, &cpu, block);
	if (!write) {
		rsp_hex_encode(gs->reply, block + off, size);
		return reply(gs, gs->reply);
	}
	if (strlen(args) != 2 * size || rsp_hex_decode(args, block + off, size))
		return reply_error(gs, EINVAL);
	gdb_regs_from_block(gs->long_mode, block, &cpu);
	return write_cpu(gs, &cpu) ? reply_error(gs, EIO) : reply(gs, "OK");
}

/* "ADDR,LEN" then the separator sep (or the end of the text when 0). */
static int parse_addr_len(const char **args, uint64_t *addr, uint64_t *len,
			  char sep)
{
	const char *s = *args;

	if (rsp_parse_hex(&s, addr) || *s++ != ',' || rsp_parse_hex(&s, len))
		return -1;
	if (sep ? *s++ != sep : *s != '\0')
		return -1;
	*args = s;
	return 0;
}

static int cmd_read_memory(struct gdbstub *gs, const char *args)
{
	uint8_t data[RSP_PACKET_MAX / 2];
	uint64_t addr, len;
	size_t got;

	if (parse_addr_len(&args, &addr, &len, 0))
		return reply_error(gs, EINVAL);
	if (len > sizeof(data)) /* a short answer is allowed */
		len = sizeof(data);
	got = gdbt_access(gs, addr, data, len, 0);
	if (!got && len)
		return reply_error(gs, EFAULT);
	gdbt_hide_breakpoints(gs, addr, data, got);
	rsp_hex_encode(gs->reply, data, got);
	return reply(gs, gs->reply);
}

/* M ADDR,LEN:HEX and X ADDR,LEN:BINARY. All or nothing is promised only
 * per page: a write that runs into an unmapped page fails there. */
static int cmd_write_memory(struct gdbstub *gs, char *args, size_t args_len,
			    int binary)
{
	uint8_t data[RSP_PACKET_MAX];
	const char *s = args;
	uint64_t addr, len;
	size_t data_len;
	long n;

	if (parse_addr_len(&s, &addr, &len, ':') || len > sizeof(data))
		return reply_error(gs, EINVAL);
	data_len = args_len - (size_t)(s - args);
	if (binary) {
		memcpy(data, s, data_len);
		n = rsp_unescape(data, data_len);
		if (n < 0 || (uint64_t)n != len)
			return reply_error(gs, EINVAL);
	} else if (data_len != 2 * len || rsp_hex_decode(s, data, len)) {
		return reply_error(gs, EINVAL);
	}
	if (gdbt_access(gs, addr, data, len, 1) != len)
		return reply_error(gs, EFAULT);
	gdbt_replant_breakpoints(gs, addr, data, len);
	return reply(gs, "OK");
}

/* Z TYPE,ADDR,KIND and z TYPE,ADDR,KIND (conditions after ';' ignored). */
static int cmd_breakpoint(struct gdbstub *gs, const char *args, int insert)
{
	uint64_t type, addr, kind;
	const char *s = args;
	int ret;

	if (rsp_parse_hex(&s, &type) || *s++ != ',' ||
	    parse_addr_len(&s, &addr, &kind, 0) != 0) {
		/* a ";cond" tail: parse again up to it */
		s = args;
		if (rsp_parse_hex(&s, &type) || *s++ != ',' ||
		    parse_addr_len(&s, &addr, &kind, ';'))
			return reply_error(gs, EINVAL);
	}
	if (type > 4)
		return reply(gs, ""); /* unsupported kind: say so, not fail */
	ret = gdbt_breakpoint(gs, (int)type, addr, kind, insert);
	return ret ? reply_error(gs, -ret) : reply(gs, "OK");
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static int cmd_read_features(struct gdbstub *gs, const char *args)
{
	const char *xml = gdb_regs_target_xml(gs->long_mode);
	size_t size = strlen(xml);
	uint64_t off, len;

	if (strncmp(args, "target.xml:", 11))
		return reply_error(gs, ENOENT);
	args += 11;
	if (parse_addr_len(&args, &off, &len, 0))
		return reply_error(gs, EINVAL);
	if (off > size)
		return reply_error(gs, EINVAL);
	if (len > RSP_PACKET_MAX - 1)
		len = RSP_PACKET_MAX - 1;
	if (len > size - off)
		len = size - off;
	gs->reply[0] = off + len < size ? 'm' : 'l';
	memcpy(gs->reply + 1, xml + off, len);
	return send_packet(gs, gs->reply, len + 1);
}

static int cmd_query(struct gdbstub *gs, const char *pkt)
{
	char text[80];

	if (!strncmp(pkt, "qSupported", 10)) {
		snprintf(text, sizeof(text),
			 "PacketSize=%x;qXfer:features:read+;swbreak+;"
			 "hwbreak+",
			 RSP_PACKET_MAX);
		return reply(gs, text);
	}
	if (!strncmp(pkt, "qXfer:features:read:", 20))
		return cmd_read_features(gs, pkt + 20);
	if (!strcmp(pkt, "qAttached"))
		return reply(gs, "1"); /* gdb's quit detaches, not kills */
	return reply(gs, ""); /* unknown: the protocol's "unsupported" */
}

/* c [ADDR], s [ADDR], and C/S SIG[;ADDR] (the signal is not delivered:
 * a guest has no signals). */
static enum cmd_result cmd_resume(struct gdbstub *gs, const char *pkt)
{
	const char *s = pkt + 1;
	struct kvm_regs regs;
	uint64_t addr, sig;

	if ((*pkt == 'C' || *pkt == 'S') &&
	    (rsp_parse_hex(&s, &sig) || (*s && *s++ != ';')))
		return reply_error(gs, EINVAL), CMD_STAY;
	if (*s) {
		if (rsp_parse_hex(&s, &addr) || *s ||
		    vcpu_get_regs(gs->vcpu, &regs, NULL))
			return reply_error(gs, EINVAL), CMD_STAY;
		regs.rip = addr;
		if (vcpu_set_regs(gs->vcpu, &regs, NULL))
			return reply_error(gs, EIO), CMD_STAY;
	}
	gs->stepping = *pkt == 's' || *pkt == 'S';
	gs->watch_stepping = gdbt_snapshot_watches(gs);
	if (gdbt_apply_debug(gs, 1))
		return reply_error(gs, EIO), CMD_STAY;
	return CMD_RESUME;
}

static enum cmd_result dispatch(struct gdbstub *gs, char *pkt, size_t len)
{
	switch (pkt[0]) {
	case '?':
		reply(gs, gs->stop_reply);
		return CMD_STAY;
	case 'g':
		cmd_read_registers(gs);
		return CMD_STAY;
	case 'G':
		cmd_write_registers(gs, pkt + 1);
		return CMD_STAY;
	case 'p':
	case 'P':
		cmd_register(gs, pkt + 1, pkt[0] == 'P');
		return CMD_STAY;
	case 'm':
		cmd_read_memory(gs, pkt + 1);
		return CMD_STAY;
	case 'M':
	case 'X':
		cmd_write_memory(gs, pkt + 1, len - 1, pkt[0] == 'X');
		return CMD_STAY;
	case 'Z':
	case 'z':
		cmd_breakpoint(gs, pkt + 1, pkt[0] == 'Z');
		return CMD_STAY;
	case 'c':
	case 's':
	case 'C':
	case 'S':
		return cmd_resume(gs, pkt);
	case 'D':
		reply(gs, "OK");
		return CMD_DETACH;
	case 'k':
		return CMD_KILL; /* gdb expects no reply */
	case 'H':
	case 'T':
		reply(gs, "OK"); /* one thread: any choice of it is fine */
		return CMD_STAY;
	case 'q':
		cmd_query(gs, pkt);
		return CMD_STAY;
	}
	reply(gs, ""); /* unknown, vCont? and v-packets included */
	return CMD_STAY;
}

/* --- the connection ------------------------------------------------ */

/* The guest runs on without gdb: our int3 bytes go, KVM stops trapping. */
static void disconnect(struct gdbstub *gs, const char *why)
{
	gdbt_clear(gs);
	gs->stepping = gs->watch_stepping = 0;
	gdbt_apply_debug(gs, 0);
	if (gs->conn_fd >= 0) {
		close(gs->conn_fd);
		if (gs->log && why)
			fprintf(gs->log,
				"simple-kvm: gdb %s; the guest runs "
				"on without it\n",
				why);
	}
	gs->conn_fd = -1;
	drain_sigio();
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
static int serve_one(struct gdbstub *gs, enum cmd_result *res)
{
	int ev = next_event(gs);

	switch (ev) {
	case -1:
		return -1;
	case RSP_PACKET:
		if (send_all(gs, "+", 1))
			return -1;
		*res = dispatch(gs, gs->dec.buf, gs->dec.len);
		return *res == CMD_STAY;
	case RSP_BAD_CHECKSUM: /* gdb sends it again */
		return send_all(gs, "-", 1) ? -1 : 1;
	case RSP_TOO_LONG: /* received whole, refused: resending won't help */
		return send_all(gs, "+", 1) || reply_error(gs, EMSGSIZE) ? -1
									 : 1;
	case RSP_NAK:
		if (gs->frame_len > 0 &&
		    send_all(gs, gs->frame, (size_t)gs->frame_len))
			return -1;
		return 1;
	}
	return 1; /* acks, Ctrl-C while stopped, noise */
}

/* Serves gdb with the guest stopped; says how the stop ended. */
static enum gdb_verdict serve(struct gdbstub *gs)
{
	enum cmd_result res = CMD_STAY;
	int more;

	while ((more = serve_one(gs, &res)) > 0)
		;
	if (more < 0) {
		if (preempt_stop_requested()) {
			disconnect(gs, NULL);
			return GDB_KILL;
		}
		disconnect(gs, "disconnected");
		return GDB_RESUME;
	}
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

/* Tells gdb why the guest stopped, then serves it. */
static enum gdb_verdict stop(struct gdbstub *gs, const char *why)
{
	snprintf(gs->stop_reply, sizeof(gs->stop_reply), "%s", why);
	if (reply(gs, why) < 0) {
		disconnect(gs, "disconnected");
		return GDB_RESUME;
	}
	return serve(gs);
}

enum gdb_verdict gdbstub_attach(struct gdbstub *gs)
{
	int fd;

	if (gs->log)
		fprintf(gs->log,
			"simple-kvm: waiting for gdb on %s (target remote "
			"%s%s)\n",
			gs->where, gs->unix_path[0] ? "" : ":",
			gs->unix_path[0] ? gs->where
					 : strchr(gs->where, ':') + 1);
	if (gs->log)
		fflush(gs->log);
	if (wait_readable(gs->listen_fd))
		return GDB_KILL;
	fd = accept4(gs->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	/* One client: later ones find no one listening. */
	close_listener(gs);
	if (fd < 0 || arm_sigio(fd) < 0) {
		if (fd >= 0)
			close(fd);
		if (gs->log)
			fprintf(gs->log,
				"simple-kvm: gdb: accept: %s; the "
				"guest runs without gdb\n",
				strerror(errno));
		return GDB_RESUME;
	}
	gs->conn_fd = fd;
	return serve(gs);
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

enum gdb_verdict gdbstub_on_event(struct gdbstub *gs,
				  const struct vcpu_exit *ex)
{
	char why[64];
	int irq;

	if (gs->conn_fd < 0)
		return GDB_NOT_MINE;
	switch (ex->event) {
	case VCPU_DEBUG:
		if (!gdbt_stop_reason(gs, why, sizeof(why)))
			return GDB_RESUME; /* a watch step that saw nothing */
		return stop(gs, why);
	case VCPU_INTERRUPTED:
		irq = interrupt_requested(gs);
		if (irq < 0)
			disconnect(gs, "disconnected");
		if (irq <= 0)
			return GDB_NOT_MINE;
		snprintf(why, sizeof(why), "T%02x", GDB_SIGINT);
		return stop(gs, why);
	case VCPU_GUEST_FAULT:
		if (gdbt_int3_reported(gs, &ex->fault))
			return stop(gs, "T05swbreak:;");
		/* gdb reads the live registers: make them the faulting
		 * instruction's rather than the VMM handler's. */
		if (ex->fault.kind == FAULT_EXCEPTION)
			vcpu_set_regs(gs->vcpu, &ex->fault.regs, NULL);
		return fatal_stop(gs, fault_signal(&ex->fault));
	case VCPU_CRASHED:
		return fatal_stop(gs, GDB_SIGSEGV);
	case VCPU_BAD_HYPERCALL:
		return fatal_stop(gs, GDB_SIGSYS);
	default:
		return GDB_NOT_MINE;
	}
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
		if (!reply(gs, text))
			wait_for_ack(gs);
	}
	if (gs->conn_fd >= 0)
		close(gs->conn_fd);
	gs->conn_fd = -1;
	close_listener(gs);
}
