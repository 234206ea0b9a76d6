/* test_outbuf.c - the output buffer keeps every byte, never blocks, and
 * says when its reader is slow or gone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "outbuf.h"

static char block[4096];

/* Fills the pipe behind wfd until it takes no more; returns the bytes. */
static size_t fill_pipe(int wfd)
{
	int flags = fcntl(wfd, F_GETFL);
	size_t total = 0;
	ssize_t n;

	fcntl(wfd, F_SETFL, flags | O_NONBLOCK);
	while ((n = write(wfd, block, sizeof(block))) > 0)
		total += (size_t)n;
	fcntl(wfd, F_SETFL, flags);
	return total;
}

/* Reads and drops up to n bytes from rfd. */
static void drain(int rfd, size_t n)
{
	char buf[4096];

	while (n) {
		ssize_t got = read(rfd, buf, n < sizeof(buf) ? n : sizeof(buf));

		assert_true(got > 0);
		n -= (size_t)got;
	}
}

static void test_bytes_arrive_in_order(void **state)
{
	struct outbuf ob;
	char got[64] = {0};
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(outbuf_open(&ob, p[1], 0, NULL), 0);
	outbuf_append(&ob, "hello, ", 7);
	fprintf(outbuf_stream(&ob), "%s %d\n", "world", 42);
	assert_int_equal(ob.len, 16);
	assert_int_equal(outbuf_flush(&ob), 0);
	assert_int_equal(read(p[0], got, sizeof(got)), 16);
	assert_string_equal(got, "hello, world 42\n");
	assert_null(ob.data); /* an empty buffer holds no memory */
	outbuf_close(&ob);
	close(p[0]);
	close(p[1]);
}

/* The pipe's own descriptor keeps its flags: ours is a reopened one. */
static void test_shared_descriptor_keeps_its_flags(void **state)
{
	struct outbuf ob;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(outbuf_open(&ob, p[1], 0, NULL), 0);
	assert_int_not_equal(ob.fd, p[1]);
	assert_true(fcntl(ob.fd, F_GETFL) & O_NONBLOCK);
	assert_false(fcntl(p[1], F_GETFL) & O_NONBLOCK);
	outbuf_close(&ob);
	assert_int_equal(ob.fd, -1);
	close(p[0]);
	close(p[1]);
}

/* A socket cannot be reopened: its flags change for the run and come
 * back at the end. */
static void test_socket_flags_come_back(void **state)
{
	struct outbuf ob;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(outbuf_open(&ob, sv[1], 0, NULL), 0);
	assert_int_equal(ob.fd, sv[1]);
	assert_true(fcntl(sv[1], F_GETFL) & O_NONBLOCK);
	outbuf_close(&ob);
	assert_false(fcntl(sv[1], F_GETFL) & O_NONBLOCK);
	close(sv[0]);
	close(sv[1]);
}

/* A reader that does not read: the buffer fills past its mark without a
 * write that waits, and empties once the reader reads. */
static void test_full_pipe_never_blocks(void **state)
{
	struct outbuf ob;
	size_t in_pipe;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(outbuf_open(&ob, p[1], 8192, NULL), 0);
	in_pipe = fill_pipe(p[1]);
	for (int i = 0; i < 3; i++)
		assert_int_equal(outbuf_append(&ob, block, sizeof(block)),
				 sizeof(block));
	assert_int_equal(outbuf_flush(&ob), -EAGAIN);
	assert_true(outbuf_full(&ob));
	drain(p[0], in_pipe);
	assert_int_equal(outbuf_flush(&ob), 0);
	assert_false(outbuf_full(&ob));
	drain(p[0], 3 * sizeof(block));
	assert_int_equal(ob.written, 3 * sizeof(block));
	assert_int_equal(ob.lost, 0);
	outbuf_close(&ob);
	close(p[0]);
	close(p[1]);
}

/* Past high_water + OUTBUF_MSG_MAX nothing more is kept, and the bytes
 * refused are counted, not dropped silently. */
static void test_limit_counts_what_it_refuses(void **state)
{
	struct outbuf ob;
	char *big = calloc(1, OUTBUF_MSG_MAX + 100);
	size_t kept;

	(void)state;
	assert_non_null(big);
	outbuf_init_on(&ob, -1, 16);
	assert_int_equal(ob.limit, 16 + OUTBUF_MSG_MAX);
	outbuf_append(&ob, big, 10);
	kept = outbuf_append(&ob, big, OUTBUF_MSG_MAX + 100);
	assert_int_equal(kept, 16 + OUTBUF_MSG_MAX - 10);
	assert_int_equal(ob.len, ob.limit);
	assert_int_equal(ob.lost, OUTBUF_MSG_MAX + 100 - kept);
	outbuf_close(&ob);
	free(big);
}

/* The reader went away: EPIPE, kept in error, and what follows is lost
 * and counted. */
static void test_reader_gone_is_epipe(void **state)
{
	struct outbuf ob;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(outbuf_open(&ob, p[1], 0, NULL), 0);
	close(p[0]);
	outbuf_append(&ob, "abc", 3);
	assert_int_equal(outbuf_flush(&ob), -EPIPE);
	assert_int_equal(ob.error, EPIPE);
	assert_int_equal(outbuf_append(&ob, "def", 3), 0);
	assert_int_equal(outbuf_finish(&ob, NULL, 0), 6);
	outbuf_close(&ob);
	close(p[1]);
}

static void on_usr1(int signo)
{
	(void)signo;
}

/* A wait on a full pipe ends with a signal that the mask lets through,
 * and with its timeout. */
static void test_wait_ends_by_signal_or_timeout(void **state)
{
	struct sigaction sa = {.sa_handler = on_usr1};
	sigset_t usr1, old, open_mask;
	struct outbuf ob;
	size_t in_pipe;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(outbuf_open(&ob, p[1], 0, NULL), 0);
	in_pipe = fill_pipe(p[1]);
	outbuf_append(&ob, block, sizeof(block));
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	sigprocmask(SIG_SETMASK, NULL, &open_mask);
	sigdelset(&open_mask, SIGUSR1);
	assert_int_equal(outbuf_wait(&ob, &open_mask, 20000000), -ETIMEDOUT);
	raise(SIGUSR1); /* pending until the wait lets it in */
	assert_int_equal(outbuf_wait(&ob, &open_mask, 0), -EINTR);
	/* the end of the run: bounded, and it counts what is left */
	assert_int_equal(outbuf_finish(&ob, &open_mask, 20000000),
			 sizeof(block));
	drain(p[0], in_pipe);
	assert_int_equal(outbuf_wait(&ob, &open_mask, 0), 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	outbuf_close(&ob);
	close(p[0]);
	close(p[1]);
}

/* A regular file never waits for a reader: it is written as it is. */
static void test_regular_file_written_directly(void **state)
{
	char path[] = "/tmp/test_outbuf.XXXXXX";
	int fd = mkstemp(path);
	struct outbuf ob;

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(outbuf_open(&ob, fd, 0, NULL), 0);
	assert_int_equal(ob.fd, fd);
	outbuf_append(&ob, "x", 1);
	assert_int_equal(outbuf_finish(&ob, NULL, 0), 0);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 1);
	outbuf_close(&ob);
	close(fd);
}

/* The VMM's own long output (matrix's JSON summary of thousands of VMs)
 * goes out whole, past the limit that bounds one exit's output; the
 * stream alone keeps only up to the limit. */
static void test_write_all_passes_the_limit(void **state)
{
	char path[] = "/tmp/test_outbuf.XXXXXX";
	int fd = mkstemp(path);
	size_t n = 3 * (OUTBUF_HIGH_WATER + OUTBUF_MSG_MAX) + 7;
	char *text = malloc(n);
	struct outbuf ob;

	(void)state;
	assert_true(fd >= 0 && text);
	unlink(path);
	memset(text, 'j', n);
	assert_int_equal(outbuf_open(&ob, fd, 0, NULL), 0);
	assert_int_equal(outbuf_write_all(&ob, text, n, NULL, 1000000000ull),
			 0);
	assert_int_equal(outbuf_finish(&ob, NULL, 0), 0);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), (off_t)n);
	outbuf_close(&ob);
	/* One append of as much is cut at the limit, and says so. */
	outbuf_init_on(&ob, -1, 0);
	assert_true(outbuf_append(&ob, text, n) < n);
	assert_true(ob.lost > 0);
	outbuf_close(&ob);
	free(text);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_arrive_in_order),
		cmocka_unit_test(test_shared_descriptor_keeps_its_flags),
		cmocka_unit_test(test_socket_flags_come_back),
		cmocka_unit_test(test_full_pipe_never_blocks),
		cmocka_unit_test(test_limit_counts_what_it_refuses),
		cmocka_unit_test(test_reader_gone_is_epipe),
		cmocka_unit_test(test_wait_ends_by_signal_or_timeout),
		cmocka_unit_test(test_regular_file_written_directly),
		cmocka_unit_test(test_write_all_passes_the_limit),
	};

	signal(SIGPIPE, SIG_IGN);
	memset(block, 'x', sizeof(block));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
