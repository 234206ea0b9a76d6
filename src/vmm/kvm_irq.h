/* kvm_irq.h - interrupts into KVM and doorbells out of it: irqfd, ioeventfd,
 * MSI, and the GSI routing table that KVM_SET_GSI_ROUTING replaces whole. */
#ifndef KVM_IRQ_H
#define KVM_IRQ_H

#include <stdint.h>

#include "errbuf.h"

struct kvm_irq_routing;

/* GSIs 0-23 are the PC's pins (KVM's default table: 0-15 on the IOAPIC
 * and a PIC, 16-23 on the IOAPIC only); MSI routes take GSIs from 24. */
#define GSI_PC_PINS    24
#define GSI_ROUTES_MAX 1024 /* GSIs; KVM allows 4096 routes on x86 */

/*
 * The table KVM_SET_GSI_ROUTING takes, kept here because the ioctl
 * replaces the whole table: the default PIC and IOAPIC routes (the UART's
 * and the timer's interrupts need them once any route is set) plus one
 * MSI route per MSI-X vector in use.
 */
struct gsi_routes {
	struct kvm_irq_routing *table; /* kvm's layout: nr, then entries */
	unsigned cap;		       /* entries table has room for */
	uint32_t msi_used[GSI_ROUTES_MAX / 32]; /* GSIs with an MSI route */
};

/* The default routes, as KVM's own default table has them: 0, or
 * -ENOMEM with one line. */
int gsi_routes_init(struct gsi_routes *r, struct errbuf *err);

/* Frees the table; safe on a zeroed or freed one. */
void gsi_routes_free(struct gsi_routes *r);

/* Adds an MSI route (a write of data to addr) on the lowest free GSI from
 * GSI_PC_PINS, returned in *gsi: 0, or -ENOSPC/-ENOMEM with one line. */
int gsi_routes_add_msi(struct gsi_routes *r, uint64_t addr, uint32_t data,
		       uint32_t *gsi, struct errbuf *err);

/* Changes the message of gsi's MSI route (the driver rewrote its MSI-X
 * entry): 0, or -ENOENT with one line. */
int gsi_routes_set_msi(struct gsi_routes *r, uint32_t gsi, uint64_t addr,
		       uint32_t data, struct errbuf *err);

/* Removes gsi's MSI route, freeing the GSI: 0, or -ENOENT with one line
 * (the PC's pins cannot be removed). */
int gsi_routes_remove_msi(struct gsi_routes *r, uint32_t gsi,
			  struct errbuf *err);

/* KVM_SET_GSI_ROUTING with the whole table: raw returns 0 or -errno;
 * the checked one adds a line naming the ioctl. */
int kvm_set_gsi_routing_raw(int vm_fd, const struct gsi_routes *r);
int kvm_set_gsi_routing(int vm_fd, const struct gsi_routes *r,
			struct errbuf *err);

/*
 * KVM_IRQFD: a write to eventfd efd raises gsi. With resample_fd >= 0 the
 * line is level-triggered (INTx): KVM lowers it and signals resample_fd
 * when the guest acknowledges it. deassign removes the binding instead.
 */
int kvm_irqfd_raw(int vm_fd, int efd, uint32_t gsi, int resample_fd,
		  int deassign);
int kvm_irqfd(int vm_fd, int efd, uint32_t gsi, int resample_fd, int deassign,
	      struct errbuf *err);

/* Where an ioeventfd listens: a guest write of len bytes (1, 2, 4, 8; or
 * 0 for any length, MMIO only) to addr, optionally only of datamatch. */
struct ioeventfd_spec {
	uint64_t addr;
	uint32_t len;
	int pio; /* a port, not MMIO */
	int has_datamatch;
	uint64_t datamatch;
};

/* KVM_IOEVENTFD: such a write signals efd inside KVM, with no exit to
 * userspace; deassign removes it (the same spec is needed). */
int kvm_ioeventfd_raw(int vm_fd, int efd, const struct ioeventfd_spec *s,
		      int deassign);
int kvm_ioeventfd(int vm_fd, int efd, const struct ioeventfd_spec *s,
		  int deassign, struct errbuf *err);

/* KVM_SIGNAL_MSI: delivers one MSI now, without a route. Raw returns
 * 1 delivered, 0 blocked by the guest, or -errno (-EPERM when no vCPU
 * takes it: KVM's -1); checked adds a line. */
int kvm_signal_msi_raw(int vm_fd, uint64_t addr, uint32_t data);
int kvm_signal_msi(int vm_fd, uint64_t addr, uint32_t data, struct errbuf *err);

#endif
