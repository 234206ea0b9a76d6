/* test_net_unix.c - the unix wire between two ends in one process: frames
 * both ways, one per message, an over-long frame refused whole, a peer
 * that goes and comes back; and the pcap file of a few frames. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "net_unix.h"
#include "pcap.h"

struct fix {
	char dir[64], path[128];
	struct net_backend *l, *c;
	struct errbuf err;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/test_net_unix.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/wire", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	if (f->c)
		f->c->ops->close(f->c);
	if (f->l)
		f->l->ops->close(f->l);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* s in two pieces, as a chain of two buffers would send it. */
static int send_str(struct net_backend *b, const char *s)
{
	char copy[64];
	struct iovec iov[2] = {{copy, 3}, {copy + 3, strlen(s) - 3}};

	snprintf(copy, sizeof(copy), "%s", s);

	return b->ops->send(b, iov, 2);
}

/* Both ends up: the listener has accepted the connector. */
static void connect_both(struct fix *f)
{
	assert_int_equal(net_unix_open(f->path, true, &f->l, &f->err), 0);
	assert_false(f->l->ops->link_up(f->l));
	assert_int_equal(f->l->ops->poll_fd(f->l) >= 0, 1);
	assert_int_equal(net_unix_open(f->path, false, &f->c, &f->err), 0);
	assert_true(f->c->ops->link_up(f->c));
	assert_true(f->l->ops->tick(f->l)); /* accepts: the link changed */
	assert_true(f->l->ops->link_up(f->l));
	assert_false(f->l->ops->tick(f->l));
}

static void test_frames_both_ways(void **state)
{
	struct fix *f = *state;
	char buf[64];

	connect_both(f);
	assert_int_equal(f->l->ops->recv(f->l, buf, sizeof(buf)), 0);
	assert_int_equal(send_str(f->c, "hello, listener"), 0);
	assert_int_equal(send_str(f->c, "second"), 0);
	assert_int_equal(f->l->ops->recv(f->l, buf, sizeof(buf)), 15);
	assert_memory_equal(buf, "hello, listener", 15);
	assert_int_equal(f->l->ops->recv(f->l, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "second", 6);
	assert_int_equal(send_str(f->l, "and back"), 0);
	assert_int_equal(f->c->ops->recv(f->c, buf, sizeof(buf)), 8);
	assert_memory_equal(buf, "and back", 8);
}

static void test_long_frame_refused_whole(void **state)
{
	struct fix *f = *state;
	char buf[8];

	connect_both(f);
	assert_int_equal(send_str(f->c, "longer than eight"), 0);
	assert_int_equal(send_str(f->c, "short"), 0);
	assert_int_equal(f->l->ops->recv(f->l, buf, sizeof(buf)), -EMSGSIZE);
	/* the rest of the long one is gone with it, not read as a frame */
	assert_int_equal(f->l->ops->recv(f->l, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "short", 5);
}

static void test_connector_comes_back(void **state)
{
	struct fix *f = *state;
	char buf[16];

	connect_both(f);
	f->c->ops->close(f->c);
	f->c = NULL;
	assert_int_equal(f->l->ops->recv(f->l, buf, sizeof(buf)), -ENOTCONN);
	assert_false(f->l->ops->link_up(f->l));
	assert_int_equal(send_str(f->l, "nobody"), -ENOTCONN);
	assert_int_equal(net_unix_open(f->path, false, &f->c, &f->err), 0);
	assert_true(f->l->ops->tick(f->l));
	assert_true(f->l->ops->link_up(f->l));
	assert_int_equal(send_str(f->c, "again"), 0);
	assert_int_equal(f->l->ops->recv(f->l, buf, sizeof(buf)), 5);
}

static void test_listener_comes_back(void **state)
{
	struct fix *f = *state;
	char buf[16];

	connect_both(f);
	f->l->ops->close(f->l);
	f->l = NULL;
	assert_int_equal(f->c->ops->recv(f->c, buf, sizeof(buf)), -ENOTCONN);
	assert_false(f->c->ops->link_up(f->c));
	assert_false(f->c->ops->tick(f->c)); /* nobody listens yet */
	assert_int_equal(f->c->ops->poll_fd(f->c), -1);
	assert_int_equal(net_unix_open(f->path, true, &f->l, &f->err), 0);
	/* the failed try above set the next one 100 ms away */
	while (!f->c->ops->tick(f->c))
		usleep(10000);
	assert_true(f->c->ops->link_up(f->c));
	assert_true(f->l->ops->tick(f->l));
	assert_int_equal(send_str(f->l, "welcome"), 0);
	assert_int_equal(f->c->ops->recv(f->c, buf, sizeof(buf)), 7);
}

static void test_connector_before_listener(void **state)
{
	struct fix *f = *state;

	assert_int_equal(net_unix_open(f->path, false, &f->c, &f->err), 0);
	assert_false(f->c->ops->link_up(f->c));
	assert_int_equal(send_str(f->c, "lost"), -ENOTCONN);
}

static void test_listener_refuses(void **state)
{
	struct fix *f = *state;
	struct net_backend *b;
	int fd;

	assert_int_equal(net_unix_open(f->path, true, &f->l, &f->err), 0);
	assert_int_equal(net_unix_open(f->path, true, &b, &f->err),
			 -EADDRINUSE);
	f->l->ops->close(f->l);
	f->l = NULL;
	assert_int_equal(unlink(f->path), 0); /* closing left the file */
	fd = open(f->path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(net_unix_open(f->path, true, &b, &f->err), -EEXIST);
	assert_non_null(strstr(f->err.msg, "not a socket"));
	unlink(f->path);
	assert_int_equal(net_unix_open("", true, &b, &f->err), -ENAMETOOLONG);
}

static void test_stale_socket_replaced(void **state)
{
	struct fix *f = *state;
	struct stat st;

	assert_int_equal(net_unix_open(f->path, true, &f->l, &f->err), 0);
	/* a listener that died leaves its file behind: close lfd only */
	close(((struct net_unix *)f->l)->lfd);
	((struct net_unix *)f->l)->lfd = -1;
	free(f->l);
	f->l = NULL;
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(net_unix_open(f->path, true, &f->l, &f->err), 0);
}

static void test_pcap_records(void **state)
{
	struct fix *f = *state;
	struct pcap p;
	uint8_t frame[60], file[256];
	uint32_t w[6];
	int fd;
	ssize_t n;

	for (unsigned i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)i;
	assert_int_equal(pcap_open(&p, f->path, &f->err), 0);
	pcap_write(&p, frame, 60);
	pcap_write(&p, frame, 14);
	pcap_close(&p);
	assert_int_equal(p.records, 2);
	fd = open(f->path, O_RDONLY);
	n = read(fd, file, sizeof(file));
	close(fd);
	assert_int_equal(n, 24 + 16 + 60 + 16 + 14);
	memcpy(w, file, 24);
	assert_int_equal(w[0], 0xa1b2c3d4u);
	assert_int_equal(w[1], 2 | 4u << 16); /* version 2.4 */
	assert_int_equal(w[4], PCAP_SNAPLEN);
	assert_int_equal(w[5], 1); /* LINKTYPE_ETHERNET */
	memcpy(w, file + 24, 16);
	assert_int_equal(w[2], 60);
	assert_int_equal(w[3], 60);
	assert_memory_equal(file + 40, frame, 60);
	memcpy(w, file + 100, 16);
	assert_int_equal(w[2], 14);
	assert_memory_equal(file + 116, frame, 14);
	unlink(f->path);
	assert_int_equal(pcap_open(&p, "/nonexistent/x.pcap", &f->err),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frames_both_ways, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_long_frame_refused_whole,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_connector_comes_back,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_listener_comes_back, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_connector_before_listener,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_listener_refuses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stale_socket_replaced,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pcap_records, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
