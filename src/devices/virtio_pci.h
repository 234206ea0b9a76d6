/* virtio_pci.h - the modern virtio-pci transport (virtio 1.2, 4.1): one PCI
 * function per virtio device, its registers in one memory BAR. */
#ifndef VIRTIO_PCI_H
#define VIRTIO_PCI_H

#include <pthread.h>
#include <stdint.h>

#include "errbuf.h"
#include "guest_mem.h"
#include "pci.h"
#include "virtio_dev.h"

#define VIRTIO_PCI_VENDOR      0x1af4
#define VIRTIO_PCI_DEVICE_BASE 0x1040 /* + the device ID (4.1.2.1) */
#define VIRTIO_MSI_NO_VECTOR   0xffff

/* The vendor capabilities' cfg_type (4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG	  3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG	  5

/*
 * BAR 0 (32-bit memory, so that a bare 32-bit driver reaches it): one
 * 4 KiB page per structure, so that each may later be mapped or trapped
 * on its own.
 */
#define VIRTIO_PCI_BAR		  0
#define VIRTIO_PCI_BAR_SIZE	  0x8000u
#define VIRTIO_PCI_COMMON_OFF	  0x0000u
#define VIRTIO_PCI_ISR_OFF	  0x1000u
#define VIRTIO_PCI_DEVICE_OFF	  0x2000u
#define VIRTIO_PCI_NOTIFY_OFF	  0x3000u
#define VIRTIO_PCI_MSIX_TABLE_OFF 0x4000u
#define VIRTIO_PCI_MSIX_PBA_OFF	  0x5000u
#define VIRTIO_PCI_REGION_LEN	  0x1000u
/* Queue q's notify address is NOTIFY_OFF + q * this (queue_notify_off
 * is q). */
#define VIRTIO_PCI_NOTIFY_MULTIPLIER 4u

/* The common configuration structure's fields (4.1.4.3). */
#define VIRTIO_PCI_COMMON_DFSELECT	0x00
#define VIRTIO_PCI_COMMON_DF		0x04
#define VIRTIO_PCI_COMMON_GFSELECT	0x08
#define VIRTIO_PCI_COMMON_GF		0x0c
#define VIRTIO_PCI_COMMON_MSIX		0x10
#define VIRTIO_PCI_COMMON_NUMQ		0x12
#define VIRTIO_PCI_COMMON_STATUS	0x14
#define VIRTIO_PCI_COMMON_CFGGENERATION 0x15
#define VIRTIO_PCI_COMMON_Q_SELECT	0x16
#define VIRTIO_PCI_COMMON_Q_SIZE	0x18
#define VIRTIO_PCI_COMMON_Q_MSIX	0x1a
#define VIRTIO_PCI_COMMON_Q_ENABLE	0x1c
#define VIRTIO_PCI_COMMON_Q_NOFF	0x1e
#define VIRTIO_PCI_COMMON_Q_DESC	0x20
#define VIRTIO_PCI_COMMON_Q_DRIVER	0x28
#define VIRTIO_PCI_COMMON_Q_DEVICE	0x30
#define VIRTIO_PCI_COMMON_LEN		0x3c /* with queue_notify_data, queue_reset */

/* ISR status bits (4.1.4.5). */
#define VIRTIO_PCI_ISR_QUEUE  1u
#define VIRTIO_PCI_ISR_CONFIG 2u

/* One queue as the driver configured it through common cfg. */
struct virtio_pci_queue {
	uint16_t size;	 /* starts at the device's queue_max */
	uint16_t vector; /* MSI-X vector, or VIRTIO_MSI_NO_VECTOR */
	uint16_t enabled;
	uint64_t desc, driver, device;
};

struct virtio_pci {
	struct pci_func func; /* first: pci hands this back to us */
	const struct virtio_dev_ops *ops;
	void *dev;
	const struct guest_mem *mem;
	struct virtio_transport transport;
	/* Where a line about the driver goes (a needs_reset, a failed
	 * activate): stderr when NULL. Set before the guest runs. */
	void (*report)(void *ctx, const char *line);
	void *report_ctx;
	/* BAR 0 moved or stopped decoding: the owner moves its ioeventfds
	 * (virtio_pci_notify_addr gives the new addresses). Optional. */
	void (*bar_moved)(void *ctx, struct virtio_pci *vp);
	void *bar_moved_ctx;

	/* The transport's registers; lock makes the device thread's calls
	 * (notify_used, notify_config, needs_reset) safe beside a vCPU's
	 * accesses. Never held across a call into the device. */
	pthread_mutex_t lock;
	uint64_t offered;  /* device bits and the transport's */
	uint64_t accepted; /* what the driver wrote */
	uint32_t dfselect, gfselect;
	uint16_t config_vector, queue_select;
	uint8_t status, generation, isr;
	int live; /* activate succeeded; until reset */
	struct virtio_pci_queue q[VIRTIO_DEV_MAX_QUEUES];
	/* The vector each queue's irqfd was bound to (queue_irqfd), for its
	 * release: the driver may have moved the queue since. */
	uint16_t irqfd_vector[VIRTIO_DEV_MAX_QUEUES];
	uint8_t cfg_cap; /* the VIRTIO_PCI_CAP_PCI_CFG window's offset */
	/* Guest accesses to BAR 0 that reached the VMM (MMIO exits; not the
	 * pci_cfg window's port accesses), and how many were queue kicks:
	 * with ioeventfds on the notify addresses, kicks stay in KVM. Counted
	 * on the vCPU thread; read when it has stopped (--stats). */
	uint64_t bar_exits, notify_exits;
	struct errbuf why; /* the last line reported */
};

/*
 * Makes vp the transport of the device (ops, dev) and puts it in slot of
 * pb (BAR 0 from the hole, MSI-X with a vector per queue plus one for
 * configuration changes). The transport offers the device's feature bits
 * 0-23 plus VERSION_1, INDIRECT_DESC and EVENT_IDX. mem is handed to the
 * device at DRIVER_OK. While the driver leaves MSI-X off, interrupts go
 * to INTx if the caller wired it (pci_func_add_intx(&vp->func, gsi)),
 * held until the driver reads the ISR. 0, or a negative errno with one
 * line.
 */
int virtio_pci_init(struct virtio_pci *vp, struct pci_bus *pb, unsigned slot,
		    const struct virtio_dev_ops *ops, void *dev,
		    const struct guest_mem *mem, struct errbuf *err);

/* Frees what virtio_pci_init took (pci_bus_destroy frees the function). */
void virtio_pci_destroy(struct virtio_pci *vp);

/*
 * The guest physical address whose write kicks queue q (16 bits, the
 * queue's index, as Linux writes it), for an ioeventfd: 0, or -ENODEV
 * while BAR 0 does not decode, -EINVAL for a queue the device lacks. A
 * kick through an ioeventfd bypasses the transport's checks (DRIVER_OK,
 * queue enabled, no NEEDS_RESET): the device ignores kicks outside
 * activate..reset itself.
 */
int virtio_pci_notify_addr(const struct virtio_pci *vp, unsigned q,
			   uint64_t *addr);

#endif
