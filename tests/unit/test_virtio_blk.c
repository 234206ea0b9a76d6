/* test_virtio_blk.c - the block device driven as a driver would, through
 * fake guest RAM, against a small image in a temporary file. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "virtio_blk.h"
#include "virtio_worker.h"
#include "virtq_driver.h"

#define QSIZE	    16u
#define SECTORS	    64u
#define IMG_BYTES   (SECTORS * VBLK_SECTOR)
#define HDR_GPA	    DRV_DATA
#define BUF_GPA	    (DRV_DATA + 0x1000u)
#define STATUS_GPA  (DRV_DATA + 0x20000u)
#define STATUS_NONE 0xeeu /* what the driver leaves in the status byte */

struct fix {
	char path[64];
	struct vblk *b;
	struct drv d;
	struct fake_transport t;
	struct errbuf err;
};

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off * 7 + off / VBLK_SECTOR + 1);
}

static void make_image(char *path, size_t size)
{
	uint8_t *img = malloc(IMG_BYTES);
	int fd;

	strcpy(path, "/tmp/test_virtio_blk.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	for (uint64_t i = 0; i < IMG_BYTES; i++)
		img[i] = pattern(i);
	assert_int_equal(write(fd, img, size), (ssize_t)size);
	close(fd);
	free(img);
}

static uint64_t all_features(struct vblk *b)
{
	return vblk_ops.features(b) | 1ull << VIRTIO_F_VERSION_1 |
	       1ull << VIRTIO_F_EVENT_IDX | 1ull << VIRTIO_F_INDIRECT_DESC;
}

static int setup_disk(void **state, bool ro)
{
	struct fix *f = calloc(1, sizeof(*f));

	make_image(f->path, IMG_BYTES);
	assert_int_equal(vblk_open(f->path, ro, &f->b, &f->err), 0);
	drv_init(&f->d, QSIZE);
	fake_transport_init(&f->t);
	assert_int_equal(vblk_ops.activate(f->b, &f->d.mem, all_features(f->b),
					   &f->d.addr, &f->t.t, &f->err),
			 0);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_disk(state, false);
}

static int setup_ro(void **state)
{
	return setup_disk(state, true);
}

static int teardown(void **state)
{
	struct fix *f = *state;

	vblk_close(f->b);
	unlink(f->path);
	drv_free(&f->d);
	free(f);
	return 0;
}

/* --- a driver's requests ----------------------------------------------------
 */

/*
 * Lays out header, data (nseg equal buffers of len bytes in all, writable
 * for a read) and status from descriptor 0, offers it and kicks. The data
 * buffers sit at BUF_GPA; the header's first half is in its own
 * descriptor when split_hdr.
 */
static void request(struct fix *f, uint32_t type, uint64_t sector, uint32_t len,
		    unsigned nseg, bool data_writable, bool split_hdr)
{
	uint8_t hdr[16] = {0};
	unsigned i = 0;
	const uint16_t W = VIRTQ_DESC_F_WRITE, N = VIRTQ_DESC_F_NEXT;

	memcpy(hdr, &type, 4);
	memcpy(hdr + 8, &sector, 8);
	memcpy(f->d.ram + HDR_GPA, hdr, 16);
	f->d.ram[STATUS_GPA] = STATUS_NONE;
	if (split_hdr) {
		drv_desc(&f->d, i, HDR_GPA, 8, N, (uint16_t)(i + 1));
		i++;
		drv_desc(&f->d, i, HDR_GPA + 8, 8, N, (uint16_t)(i + 1));
	} else {
		drv_desc(&f->d, i, HDR_GPA, 16, N, (uint16_t)(i + 1));
	}
	i++;
	for (unsigned s = 0; s < nseg; s++, i++)
		drv_desc(&f->d, i, BUF_GPA + s * (len / nseg), len / nseg,
			 (data_writable ? W : 0) | N, (uint16_t)(i + 1));
	drv_desc(&f->d, i, STATUS_GPA, 1, W, 0);
	drv_offer(&f->d, 0);
	vblk_notify(f->b, 0);
}

static uint8_t status(const struct fix *f)
{
	return f->d.ram[STATUS_GPA];
}

static uint32_t last_used_len(const struct fix *f)
{
	uint32_t id, len;

	drv_used_elem(&f->d, (uint16_t)(drv_used_idx(&f->d) - 1), &id, &len);
	assert_int_equal(id, 0);
	return len;
}

static void read_image(const struct fix *f, void *buf, size_t len, off_t off)
{
	int fd = open(f->path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, len, off), (ssize_t)len);
	close(fd);
}

static void expect_image_untouched(const struct fix *f)
{
	uint8_t *img = malloc(IMG_BYTES + 1);
	int fd = open(f->path, O_RDONLY);

	assert_int_equal(read(fd, img, IMG_BYTES + 1), (ssize_t)IMG_BYTES);
	close(fd);
	for (uint64_t i = 0; i < IMG_BYTES; i++)
		if (img[i] != pattern(i))
			fail_msg("image byte %llu changed",
				 (unsigned long long)i);
	free(img);
}

/* --- configuration and features ---------------------------------------------
 */

static void test_config(void **state)
{
	struct fix *f = *state;
	uint64_t cap = 0;
	uint32_t v = 0;

	assert_int_equal(vblk_ops.config_read(f->b, 0, &cap, 8), 0);
	assert_int_equal(cap, SECTORS);
	assert_int_equal(vblk_ops.config_read(f->b, 12, &v, 4), 0);
	assert_int_equal(v, VBLK_SEG_MAX);
	assert_int_equal(vblk_ops.config_read(f->b, 20, &v, 4), 0);
	assert_int_equal(v, 512);
	v = 0x12345678;
	assert_int_equal(
		vblk_ops.config_read(f->b, VBLK_CONFIG_SIZE - 2, &v, 4),
		-EINVAL);
	assert_int_equal(v, 0);
	assert_int_equal(vblk_ops.config_read(f->b, UINT32_MAX, &v, 4),
			 -EINVAL);
	assert_int_equal(vblk_ops.config_write(f->b, 0, &v, 4), -EINVAL);
}

static void test_features(void **state)
{
	struct fix *f = *state;
	uint64_t feat = vblk_ops.features(f->b);

	assert_true(feat & 1ull << VIRTIO_BLK_F_SEG_MAX);
	assert_true(feat & 1ull << VIRTIO_BLK_F_SIZE_MAX);
	assert_true(feat & 1ull << VIRTIO_BLK_F_FLUSH);
	assert_true(feat & 1ull << VIRTIO_BLK_F_BLK_SIZE);
	assert_true(feat & 1ull << VIRTIO_BLK_F_DISCARD);
	assert_true(feat & 1ull << VIRTIO_BLK_F_WRITE_ZEROES);
	assert_false(feat & 1ull << VIRTIO_BLK_F_RO);
}

static void test_features_ro(void **state)
{
	struct fix *f = *state;
	uint64_t feat = vblk_ops.features(f->b);

	assert_true(feat & 1ull << VIRTIO_BLK_F_RO);
	assert_false(feat & 1ull << VIRTIO_BLK_F_DISCARD);
	assert_false(feat & 1ull << VIRTIO_BLK_F_WRITE_ZEROES);
}

/* --- good requests -----------------------------------------------------------
 */

static void test_read_multi_segment(void **state)
{
	struct fix *f = *state;

	memset(f->d.ram + BUF_GPA, 0, 4 * 512);
	request(f, VIRTIO_BLK_T_IN, 5, 4 * 512, 4, true, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_OK);
	assert_int_equal(drv_used_idx(&f->d), 1);
	assert_int_equal(last_used_len(f), 4 * 512 + 1);
	for (unsigned i = 0; i < 4 * 512; i++)
		assert_int_equal(f->d.ram[BUF_GPA + i], pattern(5 * 512 + i));
	assert_int_equal(f->t.notified, 1);
	assert_int_equal(f->t.resets, 0);
}

static void test_read_split_header(void **state)
{
	struct fix *f = *state;

	request(f, VIRTIO_BLK_T_IN, SECTORS - 1, 512, 1, true, true);
	assert_int_equal(status(f), VIRTIO_BLK_S_OK);
	assert_int_equal(f->d.ram[BUF_GPA + 511], pattern(IMG_BYTES - 1));
}

static void test_write_then_read_back(void **state)
{
	struct fix *f = *state;
	uint8_t back[1024];

	for (unsigned i = 0; i < 1024; i++)
		f->d.ram[BUF_GPA + i] = (uint8_t)(i ^ 0x5a);
	request(f, VIRTIO_BLK_T_OUT, 10, 1024, 2, false, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_OK);
	assert_int_equal(last_used_len(f), 1);
	read_image(f, back, sizeof(back), 10 * 512);
	assert_memory_equal(back, f->d.ram + BUF_GPA, sizeof(back));
	request(f, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_OK);
}

static void test_indirect_request(void **state)
{
	struct fix *f = *state;
	const gpa_t t = DRV_INDIRECT;
	uint8_t hdr[16] = {0};
	uint64_t sector = 3;

	memcpy(hdr + 8, &sector, 8); /* type 0: IN */
	memcpy(f->d.ram + HDR_GPA, hdr, 16);
	drv_desc_in(&f->d, t, 0, HDR_GPA, 16, VIRTQ_DESC_F_NEXT, 1);
	drv_desc_in(&f->d, t, 1, BUF_GPA, 512,
		    VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	drv_desc_in(&f->d, t, 2, STATUS_GPA, 1, VIRTQ_DESC_F_WRITE, 0);
	drv_desc(&f->d, 0, t, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	drv_offer(&f->d, 0);
	vblk_notify(f->b, 0);
	assert_int_equal(status(f), VIRTIO_BLK_S_OK);
	assert_int_equal(f->d.ram[BUF_GPA], pattern(3 * 512));
}

static void test_get_id(void **state)
{
	struct fix *f = *state;

	memset(f->d.ram + BUF_GPA, 0xff, 20);
	request(f, VIRTIO_BLK_T_GET_ID, 0, 20, 1, true, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_OK);
	assert_int_equal(last_used_len(f), 21);
	assert_memory_equal(f->d.ram + BUF_GPA, "skvm-", 5);
	assert_memory_equal(f->d.ram + BUF_GPA, f->b->id, 20);
}

static void test_unknown_type(void **state)
{
	struct fix *f = *state;

	request(f, 77, 0, 0, 0, false, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(f->t.resets, 0);
}

/* One discard or write-zeroes range {sector, num, flags} as the data. */
static void zero_request(struct fix *f, uint32_t type, uint64_t sector,
			 uint32_t num, uint32_t flags)
{
	memcpy(f->d.ram + BUF_GPA, &sector, 8);
	memcpy(f->d.ram + BUF_GPA + 8, &num, 4);
	memcpy(f->d.ram + BUF_GPA + 12, &flags, 4);
	request(f, type, 0, 16, 1, false, false);
}

static void test_write_zeroes_and_discard(void **state)
{
	struct fix *f = *state;
	uint8_t back[3 * 512], zeros[3 * 512] = {0};

	zero_request(f, VIRTIO_BLK_T_WRITE_ZEROES, 8, 3, 0);
	assert_int_equal(status(f), VIRTIO_BLK_S_OK);
	read_image(f, back, sizeof(back), 8 * 512);
	assert_memory_equal(back, zeros, sizeof(back));
	zero_request(f, VIRTIO_BLK_T_WRITE_ZEROES, 20, 3, 1 /* unmap */);
	assert_int_equal(status(f), VIRTIO_BLK_S_OK);
	read_image(f, back, sizeof(back), 20 * 512);
	assert_memory_equal(back, zeros, sizeof(back));
	zero_request(f, VIRTIO_BLK_T_DISCARD, 30, 2, 0);
	assert_int_equal(status(f), VIRTIO_BLK_S_OK);
	/* an unknown flag, and a range past the end */
	zero_request(f, VIRTIO_BLK_T_WRITE_ZEROES, 40, 1, 2);
	assert_int_equal(status(f), VIRTIO_BLK_S_UNSUPP);
	zero_request(f, VIRTIO_BLK_T_WRITE_ZEROES, SECTORS - 1, 2, 0);
	assert_int_equal(status(f), VIRTIO_BLK_S_IOERR);
	read_image(f, back, 512, (SECTORS - 1) * 512);
	assert_int_equal(back[0], pattern((SECTORS - 1) * 512));
	/* the image keeps its size */
	read_image(f, back, 1, IMG_BYTES - 1);
	assert_int_equal(f->b->capacity, SECTORS);
}

/* --- requests the disk refuses with a status
 * ---------------------------------- */

static void test_read_past_end(void **state)
{
	struct fix *f = *state;

	memset(f->d.ram + BUF_GPA, 0xcc, 1024);
	/* the last sector and one past it */
	request(f, VIRTIO_BLK_T_IN, SECTORS - 1, 1024, 2, true, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_IOERR);
	for (unsigned i = 0; i < 1024; i++)
		assert_int_equal(f->d.ram[BUF_GPA + i], 0xcc);
	/* sector + length overflowing 64 bits */
	request(f, VIRTIO_BLK_T_IN, UINT64_MAX, 512, 1, true, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_IOERR);
	request(f, VIRTIO_BLK_T_IN, UINT64_MAX / 512 + 1, 512, 1, true, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_IOERR);
	assert_int_equal(f->d.ram[BUF_GPA], 0xcc);
	/* an empty read at the very end is inside */
	request(f, VIRTIO_BLK_T_IN, SECTORS, 0, 0, true, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_OK);
	assert_int_equal(f->t.resets, 0);
}

static void test_write_past_end(void **state)
{
	struct fix *f = *state;

	memset(f->d.ram + BUF_GPA, 0xcc, 1024);
	request(f, VIRTIO_BLK_T_OUT, SECTORS - 1, 1024, 1, false, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_IOERR);
	request(f, VIRTIO_BLK_T_OUT, UINT64_MAX / 256, 1024, 1, false, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_IOERR);
	expect_image_untouched(f);
}

static void test_partial_sector(void **state)
{
	struct fix *f = *state;

	request(f, VIRTIO_BLK_T_OUT, 0, 100, 1, false, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_IOERR);
	request(f, VIRTIO_BLK_T_IN, 0, 513, 1, true, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_IOERR);
	expect_image_untouched(f);
}

static void test_write_read_only(void **state)
{
	struct fix *f = *state;

	memset(f->d.ram + BUF_GPA, 0xcc, 512);
	request(f, VIRTIO_BLK_T_OUT, 0, 512, 1, false, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_IOERR);
	zero_request(f, VIRTIO_BLK_T_WRITE_ZEROES, 0, 1, 0);
	assert_int_equal(status(f), VIRTIO_BLK_S_UNSUPP);
	zero_request(f, VIRTIO_BLK_T_DISCARD, 0, 1, 0);
	assert_int_equal(status(f), VIRTIO_BLK_S_UNSUPP);
	expect_image_untouched(f);
	/* reads still work */
	request(f, VIRTIO_BLK_T_IN, 0, 512, 1, true, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_OK);
	assert_int_equal(f->t.resets, 0);
}

/* --- requests of the wrong shape: needs-reset
 * --------------------------------- */

static void expect_reset(struct fix *f, const char *words)
{
	uint16_t used = drv_used_idx(&f->d);

	assert_int_equal(f->t.resets, 1);
	assert_non_null(strstr(f->t.why, "virtio-blk /tmp/test_virtio_blk."));
	assert_non_null(strstr(f->t.why, words));
	assert_int_equal(status(f), STATUS_NONE);
	/* stopped: a good request is left alone */
	request(f, VIRTIO_BLK_T_IN, 0, 512, 1, true, false);
	assert_int_equal(status(f), STATUS_NONE);
	assert_int_equal(drv_used_idx(&f->d), used);
	assert_int_equal(f->t.resets, 1);
	expect_image_untouched(f);
}

static void test_short_header(void **state)
{
	struct fix *f = *state;

	f->d.ram[STATUS_GPA] = STATUS_NONE;
	drv_desc(&f->d, 0, HDR_GPA, 15, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&f->d, 1, STATUS_GPA, 1, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 0);
	vblk_notify(f->b, 0);
	expect_reset(f, "without a header or a status");
}

static void test_no_status(void **state)
{
	struct fix *f = *state;

	f->d.ram[STATUS_GPA] = STATUS_NONE;
	drv_desc(&f->d, 0, HDR_GPA, 16, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&f->d, 1, BUF_GPA, 512, 0, 0);
	drv_offer(&f->d, 0);
	vblk_notify(f->b, 0);
	expect_reset(f, "without a header or a status");
}

static void test_read_with_readable_data(void **state)
{
	struct fix *f = *state;

	request(f, VIRTIO_BLK_T_IN, 0, 512, 1, false, false);
	expect_reset(f, "a read with 528 readable and 1 writable bytes");
}

static void test_write_with_writable_data(void **state)
{
	struct fix *f = *state;

	request(f, VIRTIO_BLK_T_OUT, 0, 512, 1, true, false);
	expect_reset(f, "a write with 16 readable and 513 writable bytes");
}

static void test_bad_ring_resets(void **state)
{
	struct fix *f = *state;

	f->d.ram[STATUS_GPA] = STATUS_NONE;
	drv_desc(&f->d, 0, HDR_GPA, 16, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&f->d, 1, BUF_GPA, 512, VIRTQ_DESC_F_NEXT, 0);
	drv_offer(&f->d, 0);
	vblk_notify(f->b, 0);
	expect_reset(f, "a loop");
}

static void test_descriptor_outside_ram(void **state)
{
	struct fix *f = *state;

	f->d.ram[STATUS_GPA] = STATUS_NONE;
	drv_desc(&f->d, 0, HDR_GPA, 16, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&f->d, 1, DRV_RAM_SIZE - 256, 512,
		 VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	drv_desc(&f->d, 2, STATUS_GPA, 1, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 0);
	vblk_notify(f->b, 0);
	expect_reset(f, "outside RAM");
}

/* Each bad ring of the list, through the device: needs_reset, once. */
static void test_every_bad_ring_resets(void **state)
{
	static const char *const words[] = {
		"a loop",
		"an indirect table inside an indirect table",
		"an indirect descriptor with NEXT set",
		"a buffer at 0x3ff00 (512 bytes) is outside RAM",
		"a buffer at 0xffffffffffffff00 (512 bytes) is outside RAM",
		"avail index 17 is more than the queue size ahead of 0",
		"head index 16 is past the queue of 16",
	};
	const uint16_t W = VIRTQ_DESC_F_WRITE, N = VIRTQ_DESC_F_NEXT;

	for (unsigned k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
		struct fix *f;

		if (k) {
			teardown(state);
			setup(state);
		}
		f = *state;
		f->d.ram[STATUS_GPA] = STATUS_NONE;
		drv_desc(&f->d, 0, HDR_GPA, 16, N, 1);
		drv_desc(&f->d, 1, BUF_GPA, 512, W | N, 2);
		drv_desc(&f->d, 2, STATUS_GPA, 1, W, 0);
		switch (k) {
		case 0:
			drv_desc(&f->d, 2, STATUS_GPA, 1, W | N, 1);
			break;
		case 1:
			drv_desc(&f->d, 0, DRV_INDIRECT, 16,
				 VIRTQ_DESC_F_INDIRECT, 0);
			drv_desc_in(&f->d, DRV_INDIRECT, 0,
				    DRV_INDIRECT + 0x400, 16,
				    VIRTQ_DESC_F_INDIRECT, 0);
			break;
		case 2:
			drv_desc(&f->d, 0, DRV_INDIRECT, 16,
				 VIRTQ_DESC_F_INDIRECT | N, 1);
			break;
		case 3:
			drv_desc(&f->d, 1, DRV_RAM_SIZE - 256, 512, W | N, 2);
			break;
		case 4:
			drv_desc(&f->d, 1, UINT64_MAX - 255, 512, W | N, 2);
			break;
		}
		if (k == 5)
			drv_set_avail_idx(&f->d, QSIZE + 1);
		else
			drv_offer(&f->d, k == 6 ? QSIZE : 0);
		vblk_notify(f->b, 0);
		expect_reset(f, words[k]);
	}
}

/* A reset, a new activation: the queue serves again. */
static void test_reset_recovers(void **state)
{
	struct fix *f = *state;

	drv_offer(&f->d, QSIZE);
	vblk_notify(f->b, 0);
	assert_int_equal(f->t.resets, 1);
	vblk_ops.reset(f->b);
	memset(f->d.ram, 0, DRV_RAM_SIZE);
	f->d.avail_idx = 0;
	assert_int_equal(vblk_ops.activate(f->b, &f->d.mem, all_features(f->b),
					   &f->d.addr, &f->t.t, &f->err),
			 0);
	request(f, VIRTIO_BLK_T_IN, 1, 512, 1, true, false);
	assert_int_equal(status(f), VIRTIO_BLK_S_OK);
	assert_int_equal(f->d.ram[BUF_GPA], pattern(512));
}

static void test_bad_activation(void **state)
{
	struct fix *f = *state;
	struct virtio_queue_addr a = f->d.addr;

	vblk_ops.reset(f->b);
	a.desc = DRV_RAM_SIZE;
	assert_int_equal(vblk_ops.activate(f->b, &f->d.mem, all_features(f->b),
					   &a, &f->t.t, &f->err),
			 -EINVAL);
	assert_non_null(strstr(f->err.msg, "virtio-blk /tmp/test_virtio_blk."));
	assert_non_null(strstr(f->err.msg, "descriptor table"));
	vblk_notify(f->b, 0); /* not active: nothing happens */
	assert_int_equal(f->t.resets, 0);
}

/* --- opening and locking
 * ------------------------------------------------------- */

static void test_locks(void **state)
{
	struct fix *f = *state; /* f->b holds the image for writing */
	struct vblk *other = NULL;
	struct errbuf err = {{0}};

	assert_int_equal(vblk_open(f->path, false, &other, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "the disk image is in use"));
	assert_non_null(strstr(err.msg, f->path));
	assert_int_equal(vblk_open(f->path, true, &other, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "in use"));
	vblk_close(f->b);
	f->b = NULL;
	/* readers share; a writer beside them is refused */
	assert_int_equal(vblk_open(f->path, true, &f->b, &err), 0);
	assert_int_equal(vblk_open(f->path, true, &other, &err), 0);
	assert_int_equal(vblk_open(f->path, false, &f->b, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "in use"));
	vblk_close(other);
	assert_int_equal(vblk_open(f->path, false, &other, &err), -EBUSY);
	vblk_close(f->b);
	f->b = NULL;
	/* all gone: a writer may have it */
	assert_int_equal(vblk_open(f->path, false, &f->b, &err), 0);
}

static void test_open_errors(void **state)
{
	struct vblk *b = NULL;
	struct errbuf err = {{0}};
	char path[64];

	(void)state;
	assert_int_equal(vblk_open("/nonexistent/disk.img", false, &b, &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/disk.img: cannot open"));
	assert_int_equal(vblk_open("/tmp", true, &b, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "regular file"));
	/* a size that is not whole sectors: the tail is not the disk's */
	make_image(path, IMG_BYTES - 100);
	assert_int_equal(vblk_open(path, true, &b, &err), 0);
	assert_int_equal(b->capacity, SECTORS - 1);
	vblk_close(b);
	unlink(path);
}

#define T(fn)	 cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define T_RO(fn) cmocka_unit_test_setup_teardown(fn, setup_ro, teardown)

/* --- a vCPU's reset beside the device thread ------------------------------ */

/* A transport whose completion blocks until told: the request is still
 * being served (the device's lock held) while the test resets. */
static int inside_efd = -1, go_efd = -1;
static volatile int reset_done;

static void blocking_notify_used(struct virtio_transport *t, unsigned q)
{
	uint64_t v = 1;

	(void)t, (void)q;
	assert_int_equal(write(inside_efd, &v, 8), 8);
	assert_int_equal(read(go_efd, &v, 8), 8);
}

static void *serve_one(void *arg)
{
	request(arg, VIRTIO_BLK_T_IN, 1, 512, 1, true, false);
	return NULL;
}

static void *reset_now(void *arg)
{
	vblk_ops.reset(((struct fix *)arg)->b);
	reset_done = 1;
	return NULL;
}

static void test_reset_waits_for_the_request(void **state)
{
	struct fix *f = *state;
	pthread_t server, resetter;
	uint64_t v = 1;
	uint16_t used;

	inside_efd = eventfd(0, 0);
	go_efd = eventfd(0, 0);
	reset_done = 0;
	f->t.t.notify_used = blocking_notify_used;
	assert_int_equal(pthread_create(&server, NULL, serve_one, f), 0);
	assert_int_equal(read(inside_efd, &v, 8), 8);
	assert_int_equal(pthread_create(&resetter, NULL, reset_now, f), 0);
	/* not a measurement: a reset that does not wait returns at once,
	 * one that waits never returns before "go" */
	usleep(50000);
	assert_int_equal(reset_done, 0);
	assert_int_equal(write(go_efd, &v, 8), 8);
	pthread_join(server, NULL);
	pthread_join(resetter, NULL);
	assert_int_equal(reset_done, 1);
	assert_int_equal(status(f), VIRTIO_BLK_S_OK);
	/* a kick after the reset (an ioeventfd does not check the status)
	 * finds no queue: nothing is served */
	used = drv_used_idx(&f->d);
	f->d.ram[STATUS_GPA] = STATUS_NONE;
	drv_offer(&f->d, 0);
	vblk_notify(f->b, 0);
	assert_int_equal(drv_used_idx(&f->d), used);
	assert_int_equal(status(f), STATUS_NONE);
	close(inside_efd);
	close(go_efd);
}

/* The device thread's notify: vblk_notify, then "served". */
static int served_efd = -1;

static void notify_then_say(void *dev, unsigned q)
{
	uint64_t v = 1;

	vblk_notify(dev, q);
	assert_int_equal(write(served_efd, &v, 8), 8);
}

static void wait_served(void)
{
	struct pollfd p = {.fd = served_efd, .events = POLLIN};
	uint64_t v;

	/* a guard against a hang, not a measurement */
	assert_int_equal(poll(&p, 1, 10000), 1);
	assert_int_equal(read(served_efd, &v, 8), 8);
}

/* A bad ring kicked through an eventfd, served on the device thread:
 * one needs-reset, the queue stopped, later kicks ignored. */
static void test_bad_ring_on_the_device_thread(void **state)
{
	struct fix *f = *state;
	struct vworker w;
	int kick_efd = eventfd(0, EFD_NONBLOCK);
	uint64_t one = 1;

	served_efd = eventfd(0, 0);
	vworker_init(&w);
	assert_int_equal(
		vworker_add(&w, kick_efd, notify_then_say, f->b, 0, &f->err),
		0);
	assert_int_equal(vworker_start(&w, NULL, NULL, &f->err), 0);
	drv_desc(&f->d, 0, HDR_GPA, 16, VIRTQ_DESC_F_NEXT, 1);
	drv_desc(&f->d, 1, BUF_GPA, 512, VIRTQ_DESC_F_NEXT, 0);
	drv_offer(&f->d, 0);
	assert_int_equal(write(kick_efd, &one, 8), 8);
	wait_served();
	assert_int_equal(f->t.resets, 1);
	assert_non_null(strstr(f->t.why, "a loop"));
	/* a good request now: the queue stays stopped until a reset */
	f->d.ram[STATUS_GPA] = STATUS_NONE;
	drv_desc(&f->d, 2, HDR_GPA, 16, VIRTQ_DESC_F_NEXT, 3);
	drv_desc(&f->d, 3, STATUS_GPA, 1, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, 2);
	assert_int_equal(write(kick_efd, &one, 8), 8);
	wait_served();
	vworker_stop(&w);
	assert_int_equal(f->t.resets, 1);
	assert_int_equal(f->d.ram[STATUS_GPA], STATUS_NONE);
	close(kick_efd);
	close(served_efd);
}

/* A kick before DRIVER_OK (no activate yet) is ignored. */
static void test_kick_before_activate(void **state)
{
	struct fix *f = *state;

	vblk_ops.reset(f->b);
	f->d.ram[STATUS_GPA] = STATUS_NONE;
	request(f, VIRTIO_BLK_T_IN, 1, 512, 1, true, false);
	assert_int_equal(status(f), STATUS_NONE);
	assert_int_equal(drv_used_idx(&f->d), 0);
	assert_int_equal(f->t.notified, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_config),
		T(test_reset_waits_for_the_request),
		T(test_kick_before_activate),
		T(test_bad_ring_on_the_device_thread),
		T(test_features),
		T_RO(test_features_ro),
		T(test_read_multi_segment),
		T(test_read_split_header),
		T(test_write_then_read_back),
		T(test_indirect_request),
		T(test_get_id),
		T(test_unknown_type),
		T(test_write_zeroes_and_discard),
		T(test_read_past_end),
		T(test_write_past_end),
		T(test_partial_sector),
		T_RO(test_write_read_only),
		T(test_short_header),
		T(test_no_status),
		T(test_read_with_readable_data),
		T(test_write_with_writable_data),
		T(test_bad_ring_resets),
		T(test_descriptor_outside_ram),
		T(test_every_bad_ring_resets),
		T(test_reset_recovers),
		T(test_bad_activation),
		T(test_locks),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests_name("virtio_blk", tests, NULL, NULL);
}
