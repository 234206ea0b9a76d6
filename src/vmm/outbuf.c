/* outbuf.c - a bounded buffer in front of stdout, flushed by non-blocking
 * writes. */
#include "outbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"

static void reset(struct outbuf *ob, int fd, size_t high_water)
{
	*ob = (struct outbuf){
		.fd = fd,
		.orig_fd = fd,
		.high_water = high_water ? high_water : OUTBUF_HIGH_WATER,
	};
	ob->limit = ob->high_water + OUTBUF_MSG_MAX;
}

void outbuf_init_on(struct outbuf *ob, int fd, size_t high_water)
{
	reset(ob, fd, high_water);
}

/*
 * A descriptor of our own on fd's file, so that O_NONBLOCK does not reach
 * the shell's descriptor (a terminal's, a pipe's), which it shares. A
 * socket cannot be reopened: its own flags are changed, and put back by
 * outbuf_close.
 */
static int make_nonblocking(struct outbuf *ob, int fd, struct errbuf *err)
{
	char path[32];
	int flags, own;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	own = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (own >= 0) {
		ob->fd = own;
		ob->own_fd = 1;
		return 0;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return err_fail(err, errno, "stdout: O_NONBLOCK: %s",
				strerror(errno));
	ob->restore = 1;
	ob->saved_flags = flags;
	return 0;
}

int outbuf_open(struct outbuf *ob, int fd, size_t high_water,
		struct errbuf *err)
{
	struct stat st;

	reset(ob, fd, high_water);
	if (fstat(fd, &st) < 0)
		return err_fail(err, errno, "stdout: %s", strerror(errno));
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
		return 0; /* never waits for a reader */
	return make_nonblocking(ob, fd, err);
}

/* Room for n more bytes at the end of data: moves the pending bytes to
 * the front, or grows the storage by doubling up to the limit. */
static int make_room(struct outbuf *ob, size_t n)
{
	size_t want = ob->len + n, cap;
	char *grown;

	if (ob->start + want <= ob->cap)
		return 0;
	if (want <= ob->cap) {
		memmove(ob->data, ob->data + ob->start, ob->len);
		ob->start = 0;
		return 0;
	}
	for (cap = ob->cap ? ob->cap : 256; cap < want; cap *= 2)
		;
	if (cap > ob->limit)
		cap = ob->limit;
	if (ob->start) {
		memmove(ob->data, ob->data + ob->start, ob->len);
		ob->start = 0;
	}
	grown = realloc(ob->data, cap);
	if (!grown)
		return -ENOMEM;
	ob->data = grown;
	ob->cap = cap;
	return 0;
}

size_t outbuf_append(struct outbuf *ob, const void *p, size_t n)
{
	size_t kept = n;

	if (ob->error)
		kept = 0;
	else if (ob->len + kept > ob->limit)
		kept = ob->limit - ob->len;
	if (kept && make_room(ob, kept))
		kept = 0;
	if (kept) {
		memcpy(ob->data + ob->start + ob->len, p, kept);
		ob->len += kept;
	}
	ob->lost += n - kept;
	return kept;
}

/* The storage goes once it is empty: with thousands of VMs, only those
 * whose output is waiting hold any. */
static void drop_storage(struct outbuf *ob)
{
	free(ob->data);
	ob->data = NULL;
	ob->start = ob->len = ob->cap = 0;
}

int outbuf_flush(struct outbuf *ob)
{
	while (ob->len && !ob->error && ob->fd >= 0) {
		ssize_t n = write(ob->fd, ob->data + ob->start, ob->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return -EAGAIN;
		if (n <= 0) {
			ob->error = n < 0 ? errno : EIO;
			break;
		}
		ob->start += (size_t)n;
		ob->len -= (size_t)n;
		ob->written += (uint64_t)n;
	}
	if (ob->error)
		return -ob->error;
	if (!ob->len)
		drop_storage(ob);
	return ob->len ? -EAGAIN : 0;
}

int outbuf_full(const struct outbuf *ob)
{
	return ob->len > ob->high_water;
}

int outbuf_poll(const struct outbuf *ob, const sigset_t *mask,
		uint64_t timeout_ns)
{
	struct pollfd pfd = {.fd = ob->fd, .events = POLLOUT};
	struct timespec ts = {.tv_sec = timeout_ns / 1000000000u,
			      .tv_nsec = timeout_ns % 1000000000u};
	int ret;

	if (ob->fd < 0)
		return -EAGAIN; /* detached: nothing will ever drain it */
	ret = ppoll(&pfd, 1, timeout_ns ? &ts : NULL, mask);
	if (ret < 0)
		return -errno;
	return ret == 0 ? -ETIMEDOUT : 0;
}

int outbuf_wait(struct outbuf *ob, const sigset_t *mask, uint64_t timeout_ns)
{
	int ret;

	if (ob->error)
		return -ob->error;
	ret = outbuf_poll(ob, mask, timeout_ns);
	return ret ? ret : outbuf_flush_ready(ob);
}

int outbuf_flush_ready(struct outbuf *ob)
{
	/* POLLERR or POLLHUP: the write says which error it is. */
	int ret = outbuf_flush(ob);

	return ret == -EAGAIN ? 0 : ret;
}

size_t outbuf_write_all(struct outbuf *ob, const void *p, size_t n,
			const sigset_t *mask, uint64_t timeout_ns)
{
	const char *c = p;

	while (n && !ob->error) {
		size_t room = ob->len < ob->limit ? ob->limit - ob->len : 0;
		size_t k = n < room ? n : room;
		int ret;

		if (k) {
			k = outbuf_append(ob, c, k);
			if (!k)
				break; /* no memory for the storage */
			c += k;
			n -= k;
		}
		ret = outbuf_flush(ob);
		if (ret && ret != -EAGAIN)
			break;
		if (n && ob->len >= ob->limit &&
		    outbuf_wait(ob, mask, timeout_ns))
			break; /* a signal, no reader in time, or detached */
	}
	return n;
}

uint64_t outbuf_finish(struct outbuf *ob, const sigset_t *mask,
		       uint64_t timeout_ns)
{
	uint64_t deadline, now;

	if (ob->finished)
		timeout_ns = 0;
	ob->finished = 1;
	deadline = monotonic_ns() + timeout_ns;
	while (outbuf_flush(ob) == -EAGAIN && ob->fd >= 0) {
		now = monotonic_ns();
		if (now >= deadline ||
		    outbuf_wait(ob, mask, deadline - now) == -EINTR)
			break;
	}
	return ob->lost + ob->len;
}

/* The stream's write: every byte into the buffer, none refused to stdio
 * (refused ones are counted in lost instead, and reported at the end). */
static ssize_t stream_write(void *cookie, const char *buf, size_t size)
{
	outbuf_append(cookie, buf, size);
	return (ssize_t)size;
}

FILE *outbuf_stream(struct outbuf *ob)
{
	static const cookie_io_functions_t io = {.write = stream_write};

	if (!ob->stream) {
		ob->stream = fopencookie(ob, "w", io);
		if (ob->stream)
			setvbuf(ob->stream, NULL, _IONBF, 0);
	}
	return ob->stream;
}

void outbuf_close(struct outbuf *ob)
{
	if (ob->stream)
		fclose(ob->stream);
	ob->stream = NULL;
	if (ob->own_fd)
		close(ob->fd);
	ob->own_fd = 0;
	ob->fd = -1;
	if (ob->restore)
		fcntl(ob->orig_fd, F_SETFL, ob->saved_flags);
	ob->restore = 0;
	drop_storage(ob);
}
