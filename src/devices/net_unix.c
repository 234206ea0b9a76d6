/* net_unix.c - the unix wire's two ends: a listener that accepts one peer
 * at a time and a connector that retries; a peer that goes away is the
 * link going down. */
#include "net_unix.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const struct net_backend_ops net_unix_ops;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct sockaddr_un address(const struct net_unix *u)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	memcpy(sa.sun_path, u->path, sizeof(u->path));
	return sa;
}

static int new_socket(void)
{
	return socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
		      0);
}

static void drop_peer(struct net_unix *u)
{
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	u->next_try_ns = 0; /* a connector tries again at once */
}

/* A listener's socket file that no one listens on any more (a VMM that
 * died) is removed; anything else at path is left alone and refused. */
static int remove_stale(const struct net_unix *u, struct errbuf *err)
{
	struct sockaddr_un sa = address(u);
	struct stat st;
	int fd, ret;

	if (lstat(u->path, &st))
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return err_fail(err, EEXIST, "unix=%s: not a socket", u->path);
	fd = new_socket();
	if (fd < 0)
		return err_fail(err, errno, "socket: %s", strerror(errno));
	ret = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (!ret || errno == EAGAIN)
		return err_fail(err, EADDRINUSE,
				"unix=%s: another VMM listens there", u->path);
	unlink(u->path);
	return 0;
}

static int open_listener(struct net_unix *u, struct errbuf *err)
{
	struct sockaddr_un sa = address(u);
	int ret = remove_stale(u, err);

	if (ret)
		return ret;
	u->lfd = new_socket();
	if (u->lfd < 0)
		return err_fail(err, errno, "socket: %s", strerror(errno));
	if (bind(u->lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(u->lfd, 1))
		return err_fail(err, errno, "unix=%s: %s", u->path,
				strerror(errno));
	return 0;
}

/* One connection attempt: a unix connect succeeds or fails at once. */
static void try_connect(struct net_unix *u)
{
	struct sockaddr_un sa = address(u);
	int fd = new_socket();

	u->next_try_ns = now_ns() + NET_UNIX_RETRY_NS;
	if (fd < 0)
		return;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return;
	}
	u->fd = fd;
	u->peers++;
}

static bool nu_tick(struct net_backend *b)
{
	struct net_unix *u = (struct net_unix *)b;
	int fd;

	if (u->fd >= 0)
		return false;
	if (u->listen) {
		fd = accept4(u->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return false;
		u->fd = fd;
		u->peers++;
		return true;
	}
	if (now_ns() >= u->next_try_ns)
		try_connect(u);
	return u->fd >= 0;
}

/* The frame of n iovecs as one buffer: the first iovec itself when it is
 * alone, else a copy in u->gather. NULL when it is too long to gather. */
static const void *one_buffer(struct net_unix *u, const struct iovec *iov,
			      unsigned n, size_t *len)
{
	size_t done = 0;

	if (n == 1) {
		*len = iov[0].iov_len;
		return iov[0].iov_base;
	}
	for (unsigned i = 0; i < n; i++) {
		if (iov[i].iov_len > sizeof(u->gather) - done)
			return NULL;
		memcpy(u->gather + done, iov[i].iov_base, iov[i].iov_len);
		done += iov[i].iov_len;
	}
	*len = done;
	return u->gather;
}

static int nu_send(struct net_backend *b, const struct iovec *iov, unsigned n)
{
	struct net_unix *u = (struct net_unix *)b;
	size_t len = 0;
	const void *frame = one_buffer(u, iov, n, &len);

	if (!frame)
		return -EMSGSIZE;
	if (u->fd < 0) {
		u->drops_gone++;
		return -ENOTCONN;
	}
	/* send is sendto with no address: one message, no control data */
	if (send(u->fd, frame, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
		return 0;
	if (errno == EAGAIN || errno == ENOBUFS)
		return -EAGAIN;
	if (errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN) {
		drop_peer(u);
		return -ENOTCONN;
	}
	return -errno;
}

static ssize_t nu_recv(struct net_backend *b, void *buf, size_t cap)
{
	struct net_unix *u = (struct net_unix *)b;
	ssize_t n;

	if (u->fd < 0)
		return 0;
	/* MSG_TRUNC: the message's whole length even when cap cuts it (a
	 * descriptor a peer passes is dropped by the kernel: no control
	 * buffer takes it) */
	n = recv(u->fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0) { /* end of file (the peer closed) or an error */
		drop_peer(u);
		return -ENOTCONN;
	}
	if ((size_t)n > cap)
		return -EMSGSIZE;
	return n;
}

static int nu_poll_fd(const struct net_backend *b)
{
	const struct net_unix *u = (const struct net_unix *)b;

	return u->fd >= 0 ? u->fd : u->listen ? u->lfd : -1;
}

int net_unix_listen_fd(const struct net_backend *b)
{
	return ((const struct net_unix *)b)->lfd;
}

static bool nu_link_up(const struct net_backend *b)
{
	return ((const struct net_unix *)b)->fd >= 0;
}

static void nu_close(struct net_backend *b)
{
	struct net_unix *u = (struct net_unix *)b;

	drop_peer(u);
	/* The socket file stays: the run's seccomp filter forbids unlink,
	 * and the next listener replaces a stale one (remove_stale). */
	if (u->lfd >= 0)
		close(u->lfd);
	free(u);
}

int net_unix_open(const char *path, bool listen, struct net_backend **out,
		  struct errbuf *err)
{
	struct net_unix *u;
	int ret = 0;

	if (!path[0] || strlen(path) >= sizeof(u->path))
		return err_fail(err, ENAMETOOLONG,
				"unix=%s: a path of 1 to %zu bytes", path,
				sizeof(u->path) - 1);
	u = calloc(1, sizeof(*u));
	if (!u)
		return err_fail(err, ENOMEM, "unix=%s: out of memory", path);
	u->b = (struct net_backend){&net_unix_ops, 0, 0}; /* no offloads */
	snprintf(u->path, sizeof(u->path), "%s", path);
	u->listen = listen;
	u->lfd = u->fd = -1;
	if (listen)
		ret = open_listener(u, err);
	else
		try_connect(u);
	if (ret) {
		if (u->lfd >= 0)
			close(u->lfd);
		free(u);
		return ret;
	}
	*out = &u->b;
	return 0;
}

static const struct net_backend_ops net_unix_ops = {
	.kind = "unix",
	.send = nu_send,
	.recv = nu_recv,
	.poll_fd = nu_poll_fd,
	.link_up = nu_link_up,
	.tick = nu_tick,
	.close = nu_close,
};
