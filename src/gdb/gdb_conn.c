/* gdb_conn.c - the gdb stub's connection: waiting on its socket with only
 * the stop signals let through, and sending framed replies without
 * blocking on a client that reads nothing. */
#include "gdb_conn.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "preempt.h"

/* The mask for waiting on gdb: what is blocked now, but SIGINT and SIGTERM,
 * so that they end a wait for a debugger who never comes. */
static void wait_mask(sigset_t *mask)
{
	sigprocmask(SIG_SETMASK, NULL, mask);
	sigdelset(mask, SIGINT);
	sigdelset(mask, SIGTERM);
}

int gdb_wait_fd(int fd, short events, int ms)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	const struct timespec bound = {ms / 1000, ms % 1000 * 1000000L};
	sigset_t mask;
	int n;

	if (preempt_stop_requested())
		return -1;
	wait_mask(&mask);
	while ((n = ppoll(&pfd, 1, ms < 0 ? NULL : &bound, &mask)) < 0) {
		if (errno != EINTR || preempt_stop_requested())
			return -1;
	}
	return n > 0;
}

int gdb_send_all(struct gdbstub *gs, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n =
			send(gs->conn_fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return -1;
		switch (gdb_wait_fd(gs->conn_fd, POLLOUT, GDB_STALL_MS)) {
		case 0:
			gs->dropped = 1;
			return -1;
		case -1:
			return -1;
		}
	}
	return 0;
}

int gdb_send_packet(struct gdbstub *gs, const void *payload, size_t len)
{
	gs->frame_len = rsp_frame(gs->frame, sizeof(gs->frame), payload, len);
	if (gs->frame_len < 0) /* cannot happen with our replies' sizes */
		gs->frame_len =
			rsp_frame(gs->frame, sizeof(gs->frame), "E01", 3);
	return gdb_send_all(gs, gs->frame, (size_t)gs->frame_len);
}

int gdb_reply(struct gdbstub *gs, const char *text)
{
	return gdb_send_packet(gs, text, strlen(text));
}

int gdb_reply_error(struct gdbstub *gs, int errnum)
{
	char text[8];

	snprintf(text, sizeof(text), "E%02x", errnum & 0xff);
	return gdb_reply(gs, text);
}
