/* virtio_blk.c - virtio-blk requests against a raw image file. */
#include "virtio_blk.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* Offsets in the configuration space (virtio 1.2, 5.2.4). */
#define CFG_CAPACITY		0u
#define CFG_SIZE_MAX		8u
#define CFG_SEG_MAX		12u
#define CFG_BLK_SIZE		20u
#define CFG_NUM_QUEUES		34u
#define CFG_MAX_DISCARD_SECTORS 36u
#define CFG_MAX_DISCARD_SEG	40u
#define CFG_DISCARD_ALIGNMENT	44u
#define CFG_MAX_ZEROES_SECTORS	48u
#define CFG_MAX_ZEROES_SEG	52u
#define CFG_ZEROES_MAY_UNMAP	56u

#define HDR_BYTES 16u
/* A discard or write-zeroes range (5.2.6), and its one flag. */
#define RANGE_BYTES 16u
#define RANGE_UNMAP 1u

struct blk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct blk_range {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
};

_Static_assert(sizeof(struct blk_hdr) == HDR_BYTES, "request header");
_Static_assert(sizeof(struct blk_range) == RANGE_BYTES, "discard range");

static bool offers_discard(const struct vblk *b)
{
	struct stat st;

	return !b->read_only && fstat(b->fd, &st) == 0 && S_ISREG(st.st_mode);
}

static uint64_t vblk_features(void *dev)
{
	struct vblk *b = dev;
	uint64_t f = 1ull << VIRTIO_BLK_F_SIZE_MAX |
		     1ull << VIRTIO_BLK_F_SEG_MAX |
		     1ull << VIRTIO_BLK_F_BLK_SIZE | 1ull << VIRTIO_BLK_F_FLUSH;

	if (b->read_only)
		f |= 1ull << VIRTIO_BLK_F_RO;
	if (offers_discard(b))
		f |= 1ull << VIRTIO_BLK_F_DISCARD |
		     1ull << VIRTIO_BLK_F_WRITE_ZEROES;
	return f;
}

static void put(uint8_t *cfg, uint32_t off, uint64_t v, unsigned bytes)
{
	memcpy(cfg + off, &v, bytes); /* little-endian, as virtio wants */
}

static void fill_config(struct vblk *b)
{
	uint8_t *c = b->config;

	memset(c, 0, sizeof(b->config));
	put(c, CFG_CAPACITY, b->capacity, 8);
	put(c, CFG_SIZE_MAX, VBLK_SIZE_MAX, 4);
	put(c, CFG_SEG_MAX, VBLK_SEG_MAX, 4);
	put(c, CFG_BLK_SIZE, VBLK_SECTOR, 4);
	put(c, CFG_NUM_QUEUES, 1, 2);
	put(c, CFG_MAX_DISCARD_SECTORS, VBLK_ZERO_SECTORS, 4);
	put(c, CFG_MAX_DISCARD_SEG, 1, 4);
	put(c, CFG_DISCARD_ALIGNMENT, 1, 4);
	put(c, CFG_MAX_ZEROES_SECTORS, VBLK_ZERO_SECTORS, 4);
	put(c, CFG_MAX_ZEROES_SEG, 1, 4);
	put(c, CFG_ZEROES_MAY_UNMAP, 1, 1);
}

static int vblk_config_read(void *dev, uint32_t off, void *data, uint32_t len)
{
	struct vblk *b = dev;

	if (off > sizeof(b->config) || len > sizeof(b->config) - off) {
		memset(data, 0, len);
		return -EINVAL;
	}
	memcpy(data, b->config + off, len);
	return 0;
}

static int vblk_activate(void *dev, const struct guest_mem *mem,
			 uint64_t features,
			 const struct virtio_queue_addr *addr,
			 struct virtio_transport *t, struct errbuf *err)
{
	struct vblk *b = dev;
	int ret;

	pthread_mutex_lock(&b->lock);
	ret = vq_activate(&b->vq, mem, &addr[0], features, err);
	if (ret == 0) {
		b->features = features;
		b->t = t;
		b->stopped = false;
	}
	pthread_mutex_unlock(&b->lock);
	return ret ? err_wrap(err, ret, "virtio-blk %s", b->path) : 0;
}

static void vblk_reset(void *dev)
{
	struct vblk *b = dev;

	pthread_mutex_lock(&b->lock); /* waits out a notify in progress */
	vq_reset(&b->vq);
	b->features = 0;
	b->t = NULL;
	b->stopped = false;
	pthread_mutex_unlock(&b->lock);
}

/* --- the buffers of a chain as one byte stream -----------------------------
 */

/* Copies len bytes at offset skip of the n buffers to or from host memory. */
static void seg_copy(const struct vq_seg *seg, unsigned n, uint64_t skip,
		     void *host, size_t len, bool to_guest)
{
	uint8_t *h = host;

	for (unsigned i = 0; i < n && len; i++) {
		uint64_t l = seg[i].len;
		size_t k;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		k = l - skip < len ? (size_t)(l - skip) : len;
		if (to_guest)
			memcpy(seg[i].base + skip, h, k);
		else
			memcpy(h, seg[i].base + skip, k);
		h += k;
		len -= k;
		skip = 0;
	}
}

/* The iovecs for bytes [skip, skip + len) of the n buffers; their count. */
static unsigned seg_iov(const struct vq_seg *seg, unsigned n, uint64_t skip,
			uint64_t len, struct iovec *iov)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n && len; i++) {
		uint64_t l = seg[i].len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		l -= skip;
		if (l > len)
			l = len;
		iov[k++] = (struct iovec){seg[i].base + skip, l};
		len -= l;
		skip = 0;
	}
	return k;
}

/* --- requests ------------------------------------------------------------- */

/* Inside the disk: sector + sectors neither overflows nor passes the end. */
static bool in_disk(const struct vblk *b, uint64_t sector, uint64_t sectors)
{
	return sector <= b->capacity && sectors <= b->capacity - sector;
}

/* preadv or pwritev of the whole iovec, through short transfers and
 * signals. 0, or an errno (EIO for a read past a shrunk file's end). */
static int transfer(int fd, struct iovec *iov, unsigned n, off_t off,
		    bool write, uint64_t *done)
{
	while (n) {
		ssize_t r = write ? pwritev(fd, iov, (int)n, off)
				  : preadv(fd, iov, (int)n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno;
		if (r == 0)
			return EIO;
		*done += (uint64_t)r;
		off += r;
		while (n && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return 0;
}

/* IN or OUT of len bytes at sector; the status, and *done bytes moved. */
static uint8_t read_write(struct vblk *b, const struct vq_chain *c,
			  uint64_t sector, uint64_t len, bool write,
			  uint64_t *done)
{
	struct iovec iov[VQ_SEG_MAX];
	unsigned n;

	if (write && b->read_only)
		return VIRTIO_BLK_S_IOERR;
	if (len % VBLK_SECTOR || !in_disk(b, sector, len / VBLK_SECTOR))
		return VIRTIO_BLK_S_IOERR;
	if (write)
		n = seg_iov(c->seg, c->n_out, HDR_BYTES, len, iov);
	else
		n = seg_iov(c->seg + c->n_out, c->n_in, 0, len, iov);
	if (transfer(b->fd, iov, n, (off_t)(sector * VBLK_SECTOR), write, done))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

static uint8_t flush(struct vblk *b)
{
	while (fdatasync(b->fd) < 0)
		if (errno != EINTR)
			return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

/* Zeros written by hand, where the file system cannot zero a range. */
static int write_zeros(int fd, off_t off, uint64_t len)
{
	static const uint8_t zeros[65536];

	while (len) {
		size_t k = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
		ssize_t r = pwrite(fd, zeros, k, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		off += r;
		len -= (uint64_t)r;
	}
	return 0;
}

/* DISCARD or WRITE_ZEROES of the one range in the request's data. */
static uint8_t zero_range(struct vblk *b, const struct vq_chain *c,
			  uint64_t data_len, bool discard)
{
	unsigned bit =
		discard ? VIRTIO_BLK_F_DISCARD : VIRTIO_BLK_F_WRITE_ZEROES;
	struct blk_range r;
	off_t off, len;
	int mode;

	if (!(b->features & (1ull << bit)))
		return VIRTIO_BLK_S_UNSUPP;
	if (data_len != RANGE_BYTES) /* max_*_seg is 1 */
		return VIRTIO_BLK_S_IOERR;
	seg_copy(c->seg, c->n_out, HDR_BYTES, &r, sizeof(r), false);
	if (r.flags & ~(discard ? 0u : RANGE_UNMAP))
		return VIRTIO_BLK_S_UNSUPP;
	if (r.num_sectors > VBLK_ZERO_SECTORS ||
	    !in_disk(b, r.sector, r.num_sectors))
		return VIRTIO_BLK_S_IOERR;
	off = (off_t)(r.sector * VBLK_SECTOR);
	len = (off_t)r.num_sectors * VBLK_SECTOR;
	mode = FALLOC_FL_KEEP_SIZE |
	       (discard || (r.flags & RANGE_UNMAP) ? FALLOC_FL_PUNCH_HOLE
						   : FALLOC_FL_ZERO_RANGE);
	if (len == 0 || fallocate(b->fd, mode, off, len) == 0)
		return VIRTIO_BLK_S_OK;
	if (discard) /* a hint: the data may stay */
		return VIRTIO_BLK_S_OK;
	return write_zeros(b->fd, off, (uint64_t)len) ? VIRTIO_BLK_S_IOERR
						      : VIRTIO_BLK_S_OK;
}

/* A request of the wrong shape for its type: the driver broke 5.2.6. */
static int bad_shape(const struct vq_chain *c, const char *type,
		     struct errbuf *err)
{
	return err_fail(err, EINVAL,
			"request %u: a %s with %llu readable and %llu writable "
			"bytes",
			c->head, type, (unsigned long long)c->out_len,
			(unsigned long long)c->in_len);
}

/* The last byte of the writable buffers: the status. */
static uint8_t *status_byte(const struct vq_chain *c)
{
	for (unsigned i = c->n_out + c->n_in; i-- > c->n_out;)
		if (c->seg[i].len)
			return c->seg[i].base + c->seg[i].len - 1;
	return NULL;
}

/*
 * Serves one request: 0 with the bytes written into the driver's buffers
 * in *written, or -EINVAL with one line when the chain has the wrong shape.
 */
static int serve(struct vblk *b, const struct vq_chain *c, uint32_t *written,
		 struct errbuf *err)
{
	uint8_t *status = status_byte(c), st;
	uint64_t out, in, done = 0;
	struct blk_hdr h;

	if (c->out_len < HDR_BYTES || !status)
		return bad_shape(c, "request without a header or a status",
				 err);
	seg_copy(c->seg, c->n_out, 0, &h, sizeof(h), false);
	out = c->out_len - HDR_BYTES;
	in = c->in_len - 1;
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		if (out)
			return bad_shape(c, "read", err);
		st = read_write(b, c, h.sector, in, false, &done);
		break;
	case VIRTIO_BLK_T_OUT:
		if (in)
			return bad_shape(c, "write", err);
		st = read_write(b, c, h.sector, out, true, &done);
		done = 0; /* nothing was written into the driver's buffers */
		break;
	case VIRTIO_BLK_T_FLUSH:
		if (out || in)
			return bad_shape(c, "flush", err);
		st = flush(b);
		break;
	case VIRTIO_BLK_T_GET_ID:
		if (out)
			return bad_shape(c, "get-id", err);
		done = in < VBLK_ID_BYTES ? in : VBLK_ID_BYTES;
		seg_copy(c->seg + c->n_out, c->n_in, 0, b->id, (size_t)done,
			 true);
		st = VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (in)
			return bad_shape(c, "discard or write-zeroes", err);
		st = zero_range(b, c, out, h.type == VIRTIO_BLK_T_DISCARD);
		break;
	default:
		st = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	*status = st;
	/* the used length is 32 bits; SIZE_MAX and SEG_MAX keep a driver
	 * far below, a hostile one gets the cap */
	*written = done < UINT32_MAX ? (uint32_t)done + 1 : UINT32_MAX;
	return 0;
}

/* The driver broke a rule: stop the queue and tell the transport. */
static void stop(struct vblk *b, struct errbuf *err)
{
	b->stopped = true;
	b->vq.broken = true;
	err_wrap(err, -EINVAL, "virtio-blk %s", b->path);
	b->t->needs_reset(b->t, err->msg);
}

/* vblk_notify's work, with b->lock held. */
static void serve_queue(struct vblk *b)
{
	struct errbuf err = {{0}};
	bool pushed = false;
	uint32_t written = 0;
	int r;

	while ((r = vq_pop(&b->vq, &b->chain, &err)) > 0) {
		if (serve(b, &b->chain, &written, &err)) {
			r = -EINVAL;
			break;
		}
		vq_push(&b->vq, b->chain.head, written);
		pushed = true;
	}
	if (r < 0)
		stop(b, &err);
	else if (pushed && vq_should_notify(&b->vq))
		b->t->notify_used(b->t, 0);
}

/* A kick outside activate..reset (an ioeventfd does not check the
 * status), or after the device stopped the queue, is ignored. */
void vblk_notify(void *dev, unsigned q)
{
	struct vblk *b = dev;

	if (q != 0)
		return;
	pthread_mutex_lock(&b->lock);
	if (b->t && !b->stopped)
		serve_queue(b);
	pthread_mutex_unlock(&b->lock);
}

const struct virtio_dev_ops vblk_ops = {
	.name = "virtio-blk",
	.device_id = 2,
	.num_queues = 1,
	.queue_max = VBLK_QUEUE_SIZE,
	.features = vblk_features,
	.config_read = vblk_config_read,
	.config_write = virtio_config_write_ro, /* no CONFIG_WCE offered */
	.activate = vblk_activate,
	.notify = vblk_notify,
	.reset = vblk_reset,
};

/* --- opening and locking ---------------------------------------------------
 */

/* An OFD lock conflicts with any other open file description's, in this
 * process or another: exactly one writer, or any number of readers. */
static int lock_image(int fd, bool read_only, const char *path,
		      struct errbuf *err)
{
	struct flock fl = {.l_type = read_only ? F_RDLCK : F_WRLCK,
			   .l_whence = SEEK_SET};

	if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
		return 0;
	if (errno == EAGAIN || errno == EACCES)
		return err_fail(err, EBUSY,
				"%s: the disk image is in use (another user "
				"holds a lock; a writer needs it alone, "
				"readers share it)",
				path);
	return err_fail(err, errno, "%s: cannot lock the disk image: %s", path,
			strerror(errno));
}

/* A serial number for GET_ID, from where the file lives. */
static void make_id(struct vblk *b, const struct stat *st)
{
	char s[64];

	snprintf(s, sizeof(s), "skvm-%llx-%llx", (unsigned long long)st->st_dev,
		 (unsigned long long)st->st_ino);
	memset(b->id, 0, sizeof(b->id));
	memcpy(b->id, s, strnlen(s, sizeof(b->id)));
}

int vblk_open(const char *path, bool read_only, struct vblk **out,
	      struct errbuf *err)
{
	struct vblk *b;
	struct stat st;
	off_t size;
	int fd, ret;

	fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return err_fail(err, errno,
				"%s: cannot open the disk image: %s", path,
				strerror(errno));
	if (fstat(fd, &st) < 0 ||
	    !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
		ret = err_fail(err, EINVAL,
			       "%s: a disk image is a regular file or a block "
			       "device",
			       path);
		goto out_close;
	}
	ret = lock_image(fd, read_only, path, err);
	if (ret)
		goto out_close;
	size = lseek(fd, 0, SEEK_END);
	if (size < 0) {
		ret = err_fail(err, errno, "%s: cannot size the disk image: %s",
			       path, strerror(errno));
		goto out_close;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		ret = err_fail(err, ENOMEM, "%s: no memory for the disk", path);
		goto out_close;
	}
	b->fd = fd;
	b->read_only = read_only;
	b->capacity = (uint64_t)size / VBLK_SECTOR;
	b->path = path;
	pthread_mutex_init(&b->lock, NULL);
	make_id(b, &st);
	fill_config(b);
	*out = b;
	return 0;
out_close:
	close(fd);
	return ret;
}

void vblk_close(struct vblk *b)
{
	if (!b)
		return;
	close(b->fd);
	pthread_mutex_destroy(&b->lock);
	free(b);
}
