/* virtio_worker.c - the device thread's loop: ppoll the queues' eventfds,
 * drain a signalled one, call its notify. */
#include "virtio_worker.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
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

static void *run(void *arg)
{
	struct vworker *w = arg;
	struct pollfd fds[VWORKER_MAX_QUEUES + 1];

	w->start_ret = w->on_start ? w->on_start(w->arg) : 0;
	post(w->start_efd);
	if (w->start_ret)
		return NULL;
	for (unsigned i = 0; i < w->n; i++)
		fds[i] = (struct pollfd){.fd = w->queue[i].efd,
					 .events = POLLIN};
	fds[w->n] = (struct pollfd){.fd = w->stop_efd, .events = POLLIN};
	for (;;) {
		if (ppoll(fds, w->n + 1, NULL, NULL) < 0)
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
