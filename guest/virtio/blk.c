/* blk.c - virtio-blk requests (virtio 1.2, 5.2.6): a header the device
 * reads, the data, a status byte the device writes; one chain each. */
#include "virtio.h"

/* The device configuration (5.2.4): capacity first, in 512-byte
 * sectors, a 64-bit field. */
#define BLK_CFG_CAPACITY 0

/* The common configuration's generation counter (4.1.4.3). */
#define COMMON_CFGGENERATION 0x15

/* 5.2.6: struct virtio_blk_req's two ends. */
struct blk_header {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector; /* in 512-byte units, whatever the block size */
};

/* One request at a time: its header and status live here. */
static volatile struct blk_header header;
static volatile uint8_t status;

uint64_t blk_capacity(const struct vio_dev *d)
{
	uint32_t gen, lo, hi;

	/* A field wider than 32 bits is read in halves; if the generation
	 * changed in between, the halves may not belong together (4.1.3.1,
	 * 2.5.1): read again. */
	do {
		gen = vio_read(d, &d->common, COMMON_CFGGENERATION, 1);
		lo = vio_read(d, &d->device, BLK_CFG_CAPACITY, 4);
		hi = vio_read(d, &d->device, BLK_CFG_CAPACITY + 4, 4);
	} while (gen != vio_read(d, &d->common, COMMON_CFGGENERATION, 1));
	return (uint64_t)hi << 32 | lo;
}

/*
 * One request: header (device-readable), then len bytes of data at buf
 * (readable for OUT, writable for IN and GET_ID; none for FLUSH), then
 * the status byte (writable). 5.2.6.1: the device may not see the
 * status until it is done, so we preset it to a value it never writes.
 */
static uint8_t request(struct virtq *vq, uint32_t type, uint64_t sector,
		       volatile void *buf, uint32_t len, int device_writes)
{
	struct vq_buf bufs[3];
	unsigned n = 0;
	uint32_t written;

	header.type = type;
	header.reserved = 0;
	header.sector = sector;
	status = BLK_NO_ANSWER;
	bufs[n++] = (struct vq_buf){&header, sizeof(header), 0};
	if (len)
		bufs[n++] = (struct vq_buf){buf, len, device_writes};
	bufs[n++] = (struct vq_buf){&status, 1, 1};
	vq_submit(vq, bufs, n);
	if (vq_wait(vq, &written) < 0)
		return BLK_NO_ANSWER;
	return status;
}

uint8_t blk_read(struct virtq *vq, uint64_t sector, void *buf, uint32_t sectors)
{
	return request(vq, BLK_T_IN, sector, buf, sectors * SECTOR, 1);
}

uint8_t blk_write(struct virtq *vq, uint64_t sector, const void *buf,
		  uint32_t sectors)
{
	/* the device only reads it: the cast drops const for the buffer
	 * list's one pointer type */
	return request(vq, BLK_T_OUT, sector, (volatile void *)(uintptr_t)buf,
		       sectors * SECTOR, 0);
}

uint8_t blk_flush(struct virtq *vq)
{
	return request(vq, BLK_T_FLUSH, 0, 0, 0, 0);
}

uint8_t blk_get_id(struct virtq *vq, char id[20])
{
	/* 5.2.6: 20 bytes, not NUL-terminated when all are used */
	return request(vq, BLK_T_GET_ID, 0, id, 20, 1);
}
