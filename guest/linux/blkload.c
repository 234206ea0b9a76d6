/*
 * blkload.c - a block-device read load for a Linux guest: sequential or
 * random reads of one size at a fixed queue depth, through Linux AIO with
 * O_DIRECT, so that each read is one request to the disk (no page cache,
 * no readahead) and QD requests are in flight at once.
 *
 *   blkload DEV seq|rand BS QD SECONDS
 *
 * prints one line, for a benchmark to parse:
 *   blkload: dev=/dev/vda mode=rand bs=4096 qd=8 secs=5.001 ios=12345
 *            iops=2468.5 MBps=9.64        (one line)
 * and exits 0, or prints "blkload: ..." on stderr and exits 1.
 * Built static (gcc -static -O2 guest/linux/blkload.c) for an initramfs
 * with nothing but busybox: no libaio, the system calls directly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_QD 256
#define ALIGN  4096 /* O_DIRECT wants the buffer aligned to the block */

struct load {
	const char *dev;
	int random;
	uint64_t bs, qd, blocks; /* blocks: whole BS-sized blocks on DEV */
	double secs;
	int fd;
	aio_context_t ctx;
	uint64_t next;	/* sequential: the next block */
	uint64_t state; /* random: xorshift64 state */
	struct iocb cb[MAX_QD];
	void *buf[MAX_QD];
};

static int fail(const char *what)
{
	fprintf(stderr, "blkload: %s: %s\n", what, strerror(errno));
	return 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The block the next read covers: in order, wrapping at the end, or one
 * drawn uniformly (xorshift64: cheap, and the same sequence every run). */
static uint64_t next_block(struct load *l)
{
	uint64_t x;

	if (!l->random) {
		x = l->next;
		l->next = (l->next + 1) % l->blocks;
		return x;
	}
	x = l->state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	l->state = x;
	return x % l->blocks;
}

/* Submits slot i's next read: 0, or 1 with a line. */
static int submit(struct load *l, unsigned i)
{
	struct iocb *cb = &l->cb[i];
	struct iocb *list[1] = {cb};

	memset(cb, 0, sizeof(*cb));
	cb->aio_data = i;
	cb->aio_lio_opcode = IOCB_CMD_PREAD;
	cb->aio_fildes = (uint32_t)l->fd;
	cb->aio_buf = (uint64_t)(uintptr_t)l->buf[i];
	cb->aio_nbytes = l->bs;
	cb->aio_offset = (int64_t)(next_block(l) * l->bs);
	if (syscall(SYS_io_submit, l->ctx, 1L, list) != 1)
		return fail("io_submit");
	return 0;
}

/* Opens DEV for direct reads and sizes it in whole blocks. */
static int open_dev(struct load *l)
{
	uint64_t bytes = 0;

	l->fd = open(l->dev, O_RDONLY | O_DIRECT);
	if (l->fd < 0)
		return fail(l->dev);
	if (ioctl(l->fd, BLKGETSIZE64, &bytes) != 0) {
		off_t end = lseek(l->fd, 0, SEEK_END);

		if (end < 0)
			return fail("size");
		bytes = (uint64_t)end;
	}
	l->blocks = bytes / l->bs;
	if (!l->blocks) {
		fprintf(stderr, "blkload: %s: smaller than one block\n",
			l->dev);
		return 1;
	}
	return 0;
}

static int setup(struct load *l)
{
	if (open_dev(l))
		return 1;
	for (unsigned i = 0; i < l->qd; i++)
		if (posix_memalign(&l->buf[i], ALIGN, l->bs)) {
			errno = ENOMEM;
			return fail("buffers");
		}
	if (syscall(SYS_io_setup, (long)l->qd, &l->ctx))
		return fail("io_setup");
	return 0;
}

/* Keeps QD reads in flight for the run's seconds, then lets them drain:
 * the completed reads in *ios and the elapsed time in *secs. */
static int run(struct load *l, uint64_t *ios, double *secs)
{
	struct io_event ev[MAX_QD];
	double t0 = now_s(), end = t0 + l->secs;
	uint64_t inflight = 0;

	*ios = 0;
	for (unsigned i = 0; i < l->qd; i++, inflight++)
		if (submit(l, i))
			return 1;
	while (inflight) {
		long n = syscall(SYS_io_getevents, l->ctx, 1L, (long)l->qd, ev,
				 NULL);
		int more = now_s() < end;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail("io_getevents");
		for (long k = 0; k < n; k++) {
			if (ev[k].res != (int64_t)l->bs) {
				errno = ev[k].res < 0 ? (int)-ev[k].res : EIO;
				return fail("read");
			}
			(*ios)++;
			inflight--;
			if (more && submit(l, (unsigned)ev[k].data))
				return 1;
			inflight += more;
		}
	}
	*secs = now_s() - t0;
	return 0;
}

int main(int argc, char **argv)
{
	struct load l = {.state = 0x9e3779b97f4a7c15ull};
	uint64_t ios = 0;
	double secs = 0;

	if (argc != 6 || (strcmp(argv[2], "seq") && strcmp(argv[2], "rand"))) {
		fprintf(stderr, "usage: blkload DEV seq|rand BS QD SECONDS\n");
		return 1;
	}
	l.dev = argv[1];
	l.random = !strcmp(argv[2], "rand");
	l.bs = strtoull(argv[3], NULL, 0);
	l.qd = strtoull(argv[4], NULL, 0);
	l.secs = strtod(argv[5], NULL);
	if (!l.bs || l.bs % 512 || l.bs > (64u << 20) || !l.qd ||
	    l.qd > MAX_QD || !(l.secs > 0)) {
		fprintf(stderr,
			"blkload: BS a multiple of 512 up to 64 MiB, "
			"QD 1..%d, SECONDS > 0\n",
			MAX_QD);
		return 1;
	}
	if (setup(&l) || run(&l, &ios, &secs))
		return 1;
	printf("blkload: dev=%s mode=%s bs=%llu qd=%llu secs=%.3f ios=%llu "
	       "iops=%.1f MBps=%.2f\n",
	       l.dev, argv[2], (unsigned long long)l.bs,
	       (unsigned long long)l.qd, secs, (unsigned long long)ios,
	       (double)ios / secs, (double)ios * (double)l.bs / secs / 1e6);
	return 0;
}
