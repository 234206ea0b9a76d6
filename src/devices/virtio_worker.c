/* virtio_worker.c - the device thread's loop: ppoll the queues' eventfds,
 * drain a signalled one, call its notify; serve the other sources. */
#include "virtio_worker.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <sys/eventfd.h>
#include <unistd.h>

void vworker_init(struct vworker *w)
{
	memset(w, 0, sizeof(*w));
	w->stop_efd = -1;
	w->start_efd = -1;
}

int vworker_add(struct vworker *w, int efd, void (*notify)(void *, unsigned),
		void *dev, unsigned q, struct errbuf *err)
{
	if (w->running)
		return err_fail(err, EBUSY,
				"device thread: queues are added before it "
				"starts");
	if (w->n == VWORKER_MAX_QUEUES)
		return err_fail(err, ENOSPC,
				"device thread: more than %d queues",
				VWORKER_MAX_QUEUES);
	w->queue[w->n++] = (struct vworker_queue){efd, notify, dev, q};
	return 0;
}

int vworker_add_source(struct vworker *w, int (*fd)(void *arg),
		       void (*ready)(void *arg), void *arg, struct errbuf *err)
{
	if (w->running)
		return err_fail(err, EBUSY,
				"device thread: sources are added before it "
				"starts");
	if (w->nsources == VWORKER_MAX_SOURCES)
		return err_fail(err, ENOSPC,
				"device thread: more than %d sources",
				VWORKER_MAX_SOURCES);
	w->source[w->nsources++] = (struct vworker_source){fd, ready, arg};
	return 0;
}

/* Reads an eventfd's count (resetting it); false when there was none. */
static bool drain(int fd)
{
	uint64_t count;
	ssize_t r;

	do
		r = read(fd, &count, sizeof(count));
	while (r < 0 && errno == EINTR);
	return r == sizeof(count);
}

static void post(int fd)
{
	uint64_t one = 1;

	while (write(fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

/* The sources' descriptors, asked again before each wait (a -1 is
 * skipped by ppoll). */
static void refresh_sources(const struct vworker *w, struct pollfd *fds)
{
	for (unsigned i = 0; i < w->nsources; i++)
		fds[i] =
			(struct pollfd){.fd = w->source[i].fd(w->source[i].arg),
					.events = POLLIN};
}

/* A source is served when its descriptor is readable (or in error: the
 * callback finds out) and at every tick without one. */
static void serve_sources(const struct vworker *w, const struct pollfd *fds,
			  bool timed_out)
{
	for (unsigned i = 0; i < w->nsources; i++)
		if (timed_out || fds[i].revents)
			w->source[i].ready(w->source[i].arg);
}

static void *run(void *arg)
{
	struct vworker *w = arg;
	struct pollfd fds[VWORKER_MAX_QUEUES + 1 + VWORKER_MAX_SOURCES];
	struct pollfd *src = fds + w->n + 1;
	const struct timespec tick = {0, VWORKER_SOURCE_TICK_MS * 1000000L};
	int r;

	w->start_ret = w->on_start ? w->on_start(w->arg) : 0;
	post(w->start_efd);
	if (w->start_ret)
		return NULL;
	for (unsigned i = 0; i < w->n; i++)
		fds[i] = (struct pollfd){.fd = w->queue[i].efd,
					 .events = POLLIN};
	fds[w->n] = (struct pollfd){.fd = w->stop_efd, .events = POLLIN};
	for (;;) {
		refresh_sources(w, src);
		r = ppoll(fds, w->n + 1 + w->nsources,
			  w->nsources ? &tick : NULL, NULL);
		if (r < 0)
			continue; /* EINTR; nothing else can fail here */
		if (fds[w->n].revents)
			return NULL;
		for (unsigned i = 0; i < w->n; i++) {
			const struct vworker_queue *q = &w->queue[i];

			if ((fds[i].revents & POLLIN) && drain(q->efd))
				q->notify(q->dev, q->q);
			else if (fds[i].revents & (POLLERR | POLLNVAL))
				fds[i].fd = -1; /* closed under us: ignored */
		}
		serve_sources(w, src, r == 0);
	}
}

int vworker_start(struct vworker *w, int (*on_start)(void *arg), void *arg,
		  struct errbuf *err)
{
	int ret;

	w->on_start = on_start;
	w->arg = arg;
	w->stop_efd = eventfd(0, EFD_CLOEXEC);
	w->start_efd = eventfd(0, EFD_CLOEXEC);
	if (w->stop_efd < 0 || w->start_efd < 0) {
		ret = err_fail(err, errno, "device thread: eventfd: %s",
			       strerror(errno));
		goto out_close;
	}
	ret = pthread_create(&w->thread, NULL, run, w);
	if (ret) {
		ret = err_fail(err, ret, "device thread: pthread_create: %s",
			       strerror(ret));
		goto out_close;
	}
	drain(w->start_efd); /* blocks until on_start has run */
	if (w->start_ret) {
		pthread_join(w->thread, NULL);
		ret = err_fail(err, w->start_ret < 0 ? -w->start_ret : EINVAL,
			       "device thread: its setup failed (%d)",
			       w->start_ret);
		goto out_close;
	}
	w->running = true;
	return 0;
out_close:
	if (w->stop_efd >= 0)
		close(w->stop_efd);
	if (w->start_efd >= 0)
		close(w->start_efd);
	w->stop_efd = w->start_efd = -1;
	return ret;
}

void vworker_stop(struct vworker *w)
{
	if (!w->running)
		return;
	post(w->stop_efd);
	pthread_join(w->thread, NULL);
	close(w->stop_efd);
	close(w->start_efd);
	w->stop_efd = w->start_efd = -1;
	w->running = false;
}
