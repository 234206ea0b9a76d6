/* test_virtio_worker.c - the device thread calls each queue's notify when
 * its eventfd is signalled, and stops on request. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "virtio_worker.h"

/* What a device's notify saw; done is signalled after each call. */
struct counter {
	int calls[4];
	unsigned last_q;
	void *last_dev;
	int done;
};

static void count_notify(void *dev, unsigned q)
{
	struct counter *c = dev;
	uint64_t one = 1;

	c->calls[q]++;
	c->last_q = q;
	c->last_dev = dev;
	assert_int_equal(write(c->done, &one, 8), 8);
}

/* Waits for the worker's next call (a guard against a hang, not a
 * measurement: a working worker answers in microseconds). */
static void wait_call(struct counter *c)
{
	struct pollfd p = {.fd = c->done, .events = POLLIN};
	uint64_t n;

	assert_int_equal(poll(&p, 1, 10000), 1);
	assert_int_equal(read(c->done, &n, 8), 8);
}

static void kick(int efd)
{
	uint64_t one = 1;

	assert_int_equal(write(efd, &one, 8), 8);
}

static void test_notifies_each_queue(void **state)
{
	struct counter c = {.done = eventfd(0, 0)};
	struct vworker w;
	struct errbuf err;
	int q0 = eventfd(0, 0), q1 = eventfd(0, 0);

	(void)state;
	vworker_init(&w);
	assert_int_equal(vworker_add(&w, q0, count_notify, &c, 0, &err), 0);
	assert_int_equal(vworker_add(&w, q1, count_notify, &c, 1, &err), 0);
	assert_int_equal(vworker_start(&w, NULL, NULL, &err), 0);
	assert_int_equal(vworker_add(&w, q1, count_notify, &c, 2, &err),
			 -EBUSY);
	kick(q1);
	wait_call(&c);
	assert_int_equal(c.calls[1], 1);
	assert_int_equal(c.calls[0], 0);
	assert_ptr_equal(c.last_dev, &c);
	kick(q0);
	wait_call(&c);
	assert_int_equal(c.calls[0], 1);
	vworker_stop(&w); /* joined: the thread is gone */
	kick(q0);
	assert_int_equal(c.calls[0], 1);
	vworker_stop(&w); /* twice is harmless */
	close(q0);
	close(q1);
	close(c.done);
}

static int failing_start(void *arg)
{
	*(int *)arg = 1;
	return -EPERM;
}

static void test_setup_failure(void **state)
{
	struct vworker w;
	struct errbuf err;
	int ran = 0;

	(void)state;
	vworker_init(&w);
	assert_int_equal(vworker_start(&w, failing_start, &ran, &err), -EPERM);
	assert_int_equal(ran, 1);
	assert_non_null(strstr(err.msg, "device thread: its setup failed"));
	assert_false(w.running);
	vworker_stop(&w);
}

static void test_too_many_queues(void **state)
{
	struct vworker w;
	struct errbuf err;

	(void)state;
	vworker_init(&w);
	for (unsigned i = 0; i < VWORKER_MAX_QUEUES; i++)
		assert_int_equal(
			vworker_add(&w, 0, count_notify, NULL, i, &err), 0);
	assert_int_equal(vworker_add(&w, 0, count_notify, NULL, 0, &err),
			 -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notifies_each_queue),
		cmocka_unit_test(test_setup_failure),
		cmocka_unit_test(test_too_many_queues),
	};

	return cmocka_run_group_tests_name("virtio_worker", tests, NULL, NULL);
}
