/* virtio.h - a bare virtio-blk driver's pieces (virtio 1.2), for any mode:
 * PCI (pci.c), the virtio-pci transport (virtio_pci.c), one split
 * virtqueue (virtqueue.c) and block requests (blk.c). Polling, no
 * interrupts, one request in flight. */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include <stdint.h>

/* --- port I/O (configuration mechanism #1 lives on ports) -------------- */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}
static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

/*
 * The compiler must not move guest-memory accesses across this. On x86
 * that is all the ordering virtio needs between RAM accesses: stores are
 * seen in program order, and so are loads (Linux's virt_wmb and virt_rmb
 * are barrier() there too). An MMIO or port access is a VM exit, which
 * orders everything before it.
 */
#define barrier() __asm__ volatile("" : : : "memory")

/* A guest pointer as the device sees it: RAM is identity-mapped in every
 * mode (real mode's segments have base 0), so the address is the
 * physical one. */
static inline uint64_t phys(const volatile void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* --- PCI (pci.c) ------------------------------------------------------- */

/* Reads and writes configuration space of bus 0, slot, function 0,
 * through 0xcf8/0xcfc; off aligned to the width. */
uint32_t pci_read(unsigned slot, unsigned off, unsigned width);
void pci_write(unsigned slot, unsigned off, unsigned width, uint32_t v);

/* The first slot whose vendor and device IDs match, or -1. */
int pci_find(uint16_t vendor, uint16_t device);

/* One virtio structure (4.1.4): where it is in which BAR. */
struct vio_region {
	uint8_t bar;
	uint32_t offset, length; /* length 0: the capability was not found */
};

/* What the driver needs of one virtio-pci function. */
struct vio_dev {
	unsigned slot;
	uint32_t bar_addr[6]; /* the memory BARs' addresses (below 4 GiB) */
	struct vio_region common, notify, isr, device;
	uint32_t notify_mult; /* notify_off_multiplier (4.1.4.4) */
	uint8_t window;	      /* config offset of the pci_cfg capability */
	int use_window;	      /* reach the BAR through it (real mode) */
};

/*
 * Walks slot's capability list (4.1.4) for the four structures and the
 * pci_cfg window, reads the BARs they live in and turns on memory
 * decoding and bus mastering. 0, or -1 when a structure is missing.
 */
int pci_virtio_caps(struct vio_dev *d, unsigned slot);

/* --- the virtio-pci transport (virtio_pci.c) --------------------------- */

#define VIRTIO_VENDOR	   0x1af4
#define VIRTIO_BLK_DEVICE  0x1042 /* 0x1040 + device ID 2 (4.1.2.1) */
#define VIRTIO_F_INDIRECT  28
#define VIRTIO_F_VERSION_1 32

/* Device status bits (2.1). */
#define STATUS_ACKNOWLEDGE 1u
#define STATUS_DRIVER	   2u
#define STATUS_DRIVER_OK   4u
#define STATUS_FEATURES_OK 8u
#define STATUS_NEEDS_RESET 64u
#define STATUS_FAILED	   128u

/* Reads and writes of 1, 2 or 4 bytes at off inside a structure. */
uint32_t vio_read(const struct vio_dev *d, const struct vio_region *r,
		  uint32_t off, unsigned width);
void vio_write(const struct vio_dev *d, const struct vio_region *r,
	       uint32_t off, unsigned width, uint32_t v);

/* The 64 feature bits the device offers. */
uint64_t virtio_device_features(const struct vio_dev *d);

/*
 * Resets the device and runs the handshake up to FEATURES_OK (3.1.1),
 * accepting exactly want (which must be offered and include VERSION_1).
 * 0, or -1 when the device refused the features (FAILED is then set).
 */
int virtio_begin(const struct vio_dev *d, uint64_t want);

/* Sets DRIVER_OK: the device goes live. */
void virtio_driver_ok(const struct vio_dev *d);

/* The device status byte. */
uint8_t virtio_status(const struct vio_dev *d);

/* --- one split virtqueue (virtqueue.c) --------------------------------- */

#define VQ_SIZE 16 /* descriptors; the device's maximum may be larger */

#define VIRTQ_DESC_F_NEXT     1u
#define VIRTQ_DESC_F_WRITE    2u
#define VIRTQ_DESC_F_INDIRECT 4u

/* The three areas (2.7), laid out as the spec draws them. */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
struct virtq_avail {
	uint16_t flags, idx;
	uint16_t ring[VQ_SIZE];
	uint16_t used_event;
};
struct virtq_used_elem {
	uint32_t id, len;
};
struct virtq_used {
	uint16_t flags, idx;
	struct virtq_used_elem ring[VQ_SIZE];
	uint16_t avail_event;
};

struct virtq {
	const struct vio_dev *dev;
	uint16_t index, size;
	volatile struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;
	uint16_t last_used;  /* the used index we have consumed up to */
	uint32_t notify_off; /* this queue's doorbell in the notify region */
};

/* One buffer of a request: the device reads it, or writes it. */
struct vq_buf {
	volatile void *addr;
	uint32_t len;
	int device_writes;
};

/*
 * Sets queue `index` up in the device with the driver's static rings
 * (4.1.5.1.3): size VQ_SIZE (or the device's maximum if smaller), the
 * three addresses as 32-bit halves, then queue_enable. 0, or -1 when the
 * device has no such queue.
 */
int vq_setup(struct virtq *vq, const struct vio_dev *d, uint16_t index);

/* The same with the rings of area (below VQ_AREAS): a device with two
 * queues in use (virtio-net's receiveq and transmitq) gives each its own. */
#define VQ_AREAS 2u
int vq_setup_in(struct virtq *vq, const struct vio_dev *d, uint16_t index,
		unsigned area);

/* Makes the chain of bufs available and kicks the device (2.7.13). */
void vq_submit(struct virtq *vq, const struct vq_buf *bufs, unsigned n);

/* Puts head into the avail ring and publishes the index, no kick. */
void vq_publish(struct virtq *vq, uint16_t head);

/* Kicks the device: a write of the queue's index to its doorbell. */
void vq_kick(struct virtq *vq);

/*
 * Polls the used ring until the device hands a chain back (2.7.14);
 * *len gets the bytes it wrote. 0; -1 when the device set NEEDS_RESET
 * or did not answer within a bound.
 */
int vq_wait(struct virtq *vq, uint32_t *len);

/* --- block requests (blk.c) --------------------------------------------- */

#define SECTOR		512u
#define BLK_T_IN	0u
#define BLK_T_OUT	1u
#define BLK_T_FLUSH	4u
#define BLK_T_GET_ID	8u
#define BLK_S_OK	0u
#define BLK_S_IOERR	1u
#define BLK_S_UNSUPP	2u
#define BLK_NO_ANSWER	0xffu /* ours: the device never completed it */
#define VIRTIO_BLK_F_RO 5

/* The disk's capacity in 512-byte sectors, from the device config. */
uint64_t blk_capacity(const struct vio_dev *d);

/* Each returns the request's status byte (BLK_S_*), or BLK_NO_ANSWER. */
uint8_t blk_read(struct virtq *vq, uint64_t sector, void *buf,
		 uint32_t sectors);
uint8_t blk_write(struct virtq *vq, uint64_t sector, const void *buf,
		  uint32_t sectors);
uint8_t blk_flush(struct virtq *vq);
uint8_t blk_get_id(struct virtq *vq, char id[20]);

#endif
