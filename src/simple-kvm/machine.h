/* machine.h - simple-kvm's machine builder: the port and MMIO buses, and
 * PCI bus 0 with a virtio-blk device per --disk. */
#ifndef SIMPLE_KVM_MACHINE_H
#define SIMPLE_KVM_MACHINE_H

#include <stdbool.h>

#include "bus.h"
#include "errbuf.h"
#include "guest_mem.h"
#include "layout.h"
#include "pci.h"
#include "virtio_blk.h"
#include "virtio_pci.h"

#define MACHINE_MAX_DISKS 8
/* The first disk's PCI slot; disk i is in slot MACHINE_DISK_SLOT + i. */
#define MACHINE_DISK_SLOT 1u

/* One --disk FILE[,ro]. */
struct disk_spec {
	const char *path;
	bool read_only;
};

struct machine {
	struct bus ports, mmio;
	bool has_pci;
	struct pci_bus pci;
	struct virtio_pci vp[MACHINE_MAX_DISKS];
	struct vblk *blk[MACHINE_MAX_DISKS];
	unsigned ndisks;
};

/* Empty buses: ports 0..0xffff, MMIO over the whole address space. */
void machine_init(struct machine *m);

/*
 * Puts PCI bus 0 on the buses (0xcf8..0xcff, BARs from the hole) with a
 * virtio-blk device over the virtio-pci transport for each of the n disks,
 * the image opened and locked (vblk_open). msi and msi_ctx deliver MSI-X
 * (NULL: dropped; a polling driver needs none). 0, or a negative errno
 * with one line; *image_fault says that the image was to blame (missing,
 * in use, unreadable), not the host.
 */
int machine_add_disks(struct machine *m, const struct disk_spec *disks,
		      unsigned n, const struct guest_mem *mem, pci_msi_fn msi,
		      void *msi_ctx, bool *image_fault, struct errbuf *err);

/* Closes the images and frees the buses. Safe on an initialized machine. */
void machine_destroy(struct machine *m);

#endif
