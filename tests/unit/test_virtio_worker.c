/* test_virtio_worker.c - the device thread calls each queue's notify when
 * its eventfd is signalled, and stops on request. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "virtio_rng.h"
#include "virtio_worker.h"
#include "virtq_driver.h"

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

/* The transport's irqfd: a used-buffer notification is an eventfd write. */
struct irq_transport {
	struct fake_transport f;
	int irqfd;
};

static void irq_notify_used(struct virtio_transport *t, unsigned q)
{
	struct irq_transport *it = (struct irq_transport *)(void *)t;
	uint64_t one = 1;

	(void)q;
	assert_int_equal(write(it->irqfd, &one, 8), 8);
}

/*
 * A driver on this thread and the entropy device on the worker: 1,000
 * requests, each offered with a release store of avail->idx and a kick,
 * each waited for through the "irqfd" and read back with an acquire load
 * of used->idx, as a guest on another CPU would.
 */
static void test_device_on_worker(void **state)
{
	struct irq_transport it;
	struct vrng *r = calloc(1, sizeof(*r));
	struct vworker w;
	struct errbuf err;
	struct drv d;
	int kick_fd = eventfd(0, 0);
	uint16_t *avail_idx, *used_idx;

	(void)state;
	vrng_init(r);
	fake_transport_init(&it.f);
	it.f.t.notify_used = irq_notify_used;
	it.irqfd = eventfd(0, 0);
	drv_init(&d, 8);
	avail_idx = (uint16_t *)(void *)(d.ram + DRV_AVAIL + 2);
	used_idx = (uint16_t *)(void *)(d.ram + DRV_USED + 2);
	assert_int_equal(vrng_ops.activate(r, &d.mem,
					   1ull << VIRTIO_F_VERSION_1 |
						   1ull << VIRTIO_F_EVENT_IDX,
					   &d.addr, &it.f.t, &err),
			 0);
	vworker_init(&w);
	assert_int_equal(vworker_add(&w, kick_fd, vrng_notify, r, 0, &err), 0);
	assert_int_equal(vworker_start(&w, NULL, NULL, &err), 0);
	for (unsigned i = 0; i < 1000; i++) {
		uint16_t head = (uint16_t)(i % 8), n = (uint16_t)(i + 1);
		struct pollfd p = {.fd = it.irqfd, .events = POLLIN};
		uint32_t id, len;
		uint64_t count;

		memset(d.ram + DRV_DATA + 64 * head, 0, 64);
		drv_desc(&d, head, DRV_DATA + 64 * head, 64, VIRTQ_DESC_F_WRITE,
			 0);
		drv_set_used_event(&d, (uint16_t)i); /* wake me for this one */
		drv_put16(&d, DRV_AVAIL + 4 + 2u * (i % 8), head);
		__atomic_store_n(avail_idx, n, __ATOMIC_RELEASE);
		kick(kick_fd);
		while (__atomic_load_n(used_idx, __ATOMIC_ACQUIRE) != n) {
			assert_int_equal(poll(&p, 1, 10000), 1);
			assert_int_equal(read(it.irqfd, &count, 8), 8);
		}
		drv_used_elem(&d, (uint16_t)i, &id, &len);
		assert_int_equal(id, head);
		assert_int_equal(len, 64);
	}
	vworker_stop(&w);
	assert_int_equal(r->vq.used_idx, 1000);
	assert_int_equal(it.f.resets, 0);
	close(kick_fd);
	close(it.irqfd);
	drv_free(&d);
	vrng_destroy(r);
	free(r);
}

/* A source over a pipe: ready drains it and counts the call. */
struct source {
	int pipe[2];
	bool hidden; /* fd() says -1: nothing to wait on now */
	struct counter c;
};

static int source_fd(void *arg)
{
	struct source *s = arg;

	return s->hidden ? -1 : s->pipe[0];
}

static void source_ready(void *arg)
{
	struct source *s = arg;
	char buf[16];

	if (!s->hidden)
		while (read(s->pipe[0], buf, sizeof(buf)) > 0)
			;
	count_notify(&s->c, 0);
}

static void test_source_readable_and_ticks(void **state)
{
	struct source s = {.c = {.done = eventfd(0, 0)}};
	struct vworker w;
	struct errbuf err;
	int calls;

	(void)state;
	assert_int_equal(pipe2(s.pipe, O_NONBLOCK), 0);
	vworker_init(&w);
	assert_int_equal(
		vworker_add_source(&w, source_fd, source_ready, &s, &err), 0);
	assert_int_equal(vworker_start(&w, NULL, NULL, &err), 0);
	assert_int_equal(write(s.pipe[1], "x", 1), 1);
	wait_call(&s.c); /* readable (or the tick: either serves it) */
	/* with no descriptor the tick alone calls it, again and again */
	s.hidden = true;
	wait_call(&s.c);
	wait_call(&s.c);
	vworker_stop(&w);
	calls = s.c.calls[0];
	assert_true(calls >= 3);
	assert_int_equal(
		vworker_add_source(&w, source_fd, source_ready, &s, &err), 0);
	for (unsigned i = 1; i < VWORKER_MAX_SOURCES; i++)
		vworker_add_source(&w, source_fd, source_ready, &s, &err);
	assert_int_equal(
		vworker_add_source(&w, source_fd, source_ready, &s, &err),
		-ENOSPC);
	close(s.pipe[0]);
	close(s.pipe[1]);
	close(s.c.done);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notifies_each_queue),
		cmocka_unit_test(test_setup_failure),
		cmocka_unit_test(test_too_many_queues),
		cmocka_unit_test(test_device_on_worker),
		cmocka_unit_test(test_source_readable_and_ticks),
	};

	return cmocka_run_group_tests_name("virtio_worker", tests, NULL, NULL);
}
