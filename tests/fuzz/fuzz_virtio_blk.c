/* fuzz_virtio_blk.c - libFuzzer harness for the virtio-blk device: the input
 * is the queue's registers, the guest's RAM (rings, descriptors, request
 * headers and data) and a sequence of kicks, resets and config reads; the
 * disk is a small image in a memfd, opened through vblk_open.
 *
 * Input (little-endian; a short input reads zeros):
 *   0      u8   queue size 1 << (v % 9)
 *   1      u8   bit 0 EVENT_IDX, bit 1 INDIRECT_DESC, bit 2 a read-only
 *               disk, bit 3 negotiate DISCARD and WRITE_ZEROES if offered
 *   2      u8   RAM size: 1 KiB << (v % 5)
 *   3..8   u16  descriptor table, driver area, device area (GPAs)
 *   9      u8   image size: (v % 33) sectors, plus (v >> 6) * 100 bytes
 *   10..17 u8   8 steps, each (v & 3): 0 kick, 1 the driver adds v >> 2 to
 *               avail->idx and kicks, 2 a config read of (v >> 2) % 64 at
 *               1, 2, 4 or 8 bytes, 3 reset and activate again
 *   18..   RAM from GPA 0 (the rest is zeros)
 *
 * Checked besides ASan/UBSan: the image never changes size (a request
 * past the end touches nothing), a read-only image never changes; the
 * transport hears needs_reset at most once per activation, with a line
 * that names the device; a stopped queue hands nothing back, and the
 * device is stopped exactly when its queue is broken; RO is offered
 * exactly for a read-only disk, DISCARD never for one; config reads
 * outside the space read as zeros.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_virtio.h"
#include "virtio_blk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER	18u
#define STEPS	8u
#define IMG_MAX (32u * VBLK_SECTOR + 300u)

static void on_used(struct virtio_transport *t, unsigned q)
{
	(void)t;
	CHECK(q == 0);
}

static void on_config(struct virtio_transport *t)
{
	(void)t;
}

static void on_reset(struct virtio_transport *t, const char *why)
{
	fuzz_count_reset(t, why, "virtio-blk ");
}

static uint8_t pattern(unsigned i)
{
	return (uint8_t)(i * 13 + 7);
}

static int image_fd = -1;
static char image_path[64];

/* The image afresh: len bytes of the pattern. */
static void make_image(unsigned len)
{
	static uint8_t img[IMG_MAX];

	if (image_fd < 0) {
		image_fd = memfd_create("fuzz_virtio_blk", MFD_CLOEXEC);
		CHECK(image_fd >= 0);
		snprintf(image_path, sizeof(image_path), "/proc/self/fd/%d",
			 image_fd);
		for (unsigned i = 0; i < IMG_MAX; i++)
			img[i] = pattern(i);
	}
	CHECK(ftruncate(image_fd, 0) == 0);
	CHECK(pwrite(image_fd, img, len, 0) == (ssize_t)len);
}

static void check_image(unsigned len, bool ro)
{
	static uint8_t back[IMG_MAX + 1];
	struct stat st;

	CHECK(fstat(image_fd, &st) == 0 && st.st_size == (off_t)len);
	if (!ro)
		return;
	CHECK(pread(image_fd, back, len, 0) == (ssize_t)len);
	for (unsigned i = 0; i < len; i++)
		CHECK(back[i] == pattern(i));
}

struct run {
	struct guest_mem mem;
	struct virtio_queue_addr addr;
	struct vblk *b;
	struct fake_transport t;
	uint64_t features;
	bool active;
	int resets_allowed;
};

static uint16_t ram16(const struct run *r, uint64_t gpa)
{
	uint16_t v;

	memcpy(&v, r->mem.host + gpa, 2);
	return v;
}

static void activate(struct run *r)
{
	struct errbuf err = {{0}};
	int ret = vblk_ops.activate(r->b, &r->mem, r->features, &r->addr,
				    &r->t.t, &err);

	CHECK(ret == 0 || ret == -EINVAL);
	r->active = ret == 0;
	if (ret)
		CHECK(strncmp(err.msg, "virtio-blk ", 11) == 0);
	else
		r->resets_allowed++;
}

/* A kick; then what came back is checked. */
static void kick(struct run *r)
{
	uint16_t before = r->b->vq.used_idx;
	bool stopped = r->b->stopped;

	vblk_notify(r->b, 0);
#ifdef FUZZ_TRACE
	fprintf(stderr, "kick: used %u -> %u, status byte at 0x800: %u\n",
		before, r->b->vq.used_idx,
		r->mem.size > 0x800 ? r->mem.host[0x800] : 0);
#endif
	CHECK(r->t.resets <= r->resets_allowed);
	CHECK(r->b->stopped == r->b->vq.broken);
	if (stopped || !r->active)
		CHECK(r->b->vq.used_idx == before);
}

static void step(struct run *r, unsigned v)
{
	switch (v & 3) {
	case 0:
		kick(r);
		break;
	case 1:
		if (r->active) {
			uint16_t idx = ram16(r, r->addr.avail + 2);

			idx = (uint16_t)(idx + (v >> 2));
			memcpy(r->mem.host + r->addr.avail + 2, &idx, 2);
		}
		kick(r);
		break;
	case 2: {
		static const uint32_t lens[4] = {1, 2, 4, 8};
		uint64_t out = 0;
		uint32_t off = (v >> 2) % 64, len = lens[(v >> 4) & 3];
		int ret = vblk_ops.config_read(r->b, off, &out, len);

		CHECK(ret == 0 ? off + len <= VBLK_CONFIG_SIZE
			       : ret == -EINVAL && out == 0);
		break;
	}
	default:
		vblk_ops.reset(r->b);
		activate(r);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run r;
	unsigned flags = fuzz_get(data, size, 1, 1),
		 img = fuzz_get(data, size, 9, 1);
	unsigned img_len = (img % 33) * VBLK_SECTOR + (img >> 6) * 100;
	struct errbuf err = {{0}};
	uint64_t offered;
	bool ro = flags & 4;

	memset(&r, 0, sizeof(r));
	make_image(img_len);
	CHECK(vblk_open(image_path, ro, &r.b, &err) == 0);
	CHECK(r.b->capacity == img_len / VBLK_SECTOR);
	r.mem.size = 1024u << (fuzz_get(data, size, 2, 1) % 5);
	r.mem.host = calloc(1, r.mem.size);
	if (size > HEADER)
		memcpy(r.mem.host, data + HEADER,
		       size - HEADER < r.mem.size ? size - HEADER : r.mem.size);
	r.addr.size = (uint16_t)(1u << (fuzz_get(data, size, 0, 1) % 9));
	r.addr.desc = fuzz_get(data, size, 3, 2);
	r.addr.avail = fuzz_get(data, size, 5, 2);
	r.addr.used = fuzz_get(data, size, 7, 2);
	r.t.t = (struct virtio_transport){on_used, on_config, on_reset, NULL,
					  NULL};
	offered = vblk_ops.features(r.b);
	CHECK(ro == !!(offered & (1ull << VIRTIO_BLK_F_RO)));
	CHECK(!ro || !(offered & (1ull << VIRTIO_BLK_F_DISCARD)));
	r.features = offered & ~(1ull << VIRTIO_BLK_F_DISCARD |
				 1ull << VIRTIO_BLK_F_WRITE_ZEROES);
	if (flags & 8)
		r.features = offered;
	if (flags & 1)
		r.features |= 1ull << VIRTIO_F_EVENT_IDX;
	if (flags & 2)
		r.features |= 1ull << VIRTIO_F_INDIRECT_DESC;

	activate(&r);
	for (unsigned i = 0; i < STEPS; i++)
		step(&r, fuzz_get(data, size, 10 + i, 1));
	check_image(img_len, ro);
	vblk_close(r.b);
	free(r.mem.host);
	return 0;
}
