/* msi_router.h - the KVM side of MSI-X: each vector's message becomes a GSI
 * route and an irqfd, kept current as the driver rewrites its table. */
#ifndef MSI_ROUTER_H
#define MSI_ROUTER_H

#include <pthread.h>
#include <stdint.h>

#include "errbuf.h"
#include "kvm_irq.h"
#include "pci.h"

/* The KVM calls, as kvm_irq.h's raw wrappers; a test passes fakes. */
struct msi_router_ops {
	int (*set_routing)(int vm_fd, const struct gsi_routes *r);
	int (*irqfd)(int vm_fd, int efd, uint32_t gsi, int resample_fd,
		     int deassign);
	int (*signal_msi)(int vm_fd, uint64_t addr, uint32_t data);
};

/* One vector of one function: its GSI, its irqfd, and the message its
 * route carries now. */
struct msi_route {
	int used;
	uint32_t gsi;
	int efd;
	struct pci_msi_msg msg;
	int efd_open; /* efd made (by msi_router_reserve or first use) */
	int assigned; /* KVM_IRQFD holds efd (lifted while a bound vector is
		       * masked, so that a write waits in the eventfd) */
	int bound;    /* msi_router_kernel's bind: efd is someone else's to
		       * write, e.g. vhost-net's */
};

/*
 * The VM's whole GSI routing table (KVM_SET_GSI_ROUTING replaces it: the
 * PC's pins stay in it) and one route per (slot, vector) in use. The
 * lock serialises device threads delivering beside each other.
 */
struct msi_router {
	int vm_fd;
	const struct msi_router_ops *ops;
	struct gsi_routes routes;
	pthread_mutex_t lock;
	struct msi_route vec[PCI_SLOTS][PCI_MSIX_MAX];
	/* messages sent through KVM_SIGNAL_MSI because a route or an irqfd
	 * could not be made; the last reason, for the owner to report */
	unsigned fallbacks;
	struct errbuf why;
};

/* A router for the VM vm_fd (which has an in-kernel irqchip); ops NULL
 * means KVM's. 0, or -ENOMEM with one line. No ioctl yet. */
int msi_router_init(struct msi_router *r, int vm_fd,
		    const struct msi_router_ops *ops, struct errbuf *err);

/* Closes the irqfds' eventfds (the VM's end goes with the VM) and frees
 * the table. */
void msi_router_free(struct msi_router *r);

/*
 * A pci_msi_fn (ctx is the router): the first message of a vector adds
 * its route (KVM_SET_GSI_ROUTING) and binds an eventfd to it (KVM_IRQFD);
 * a changed message updates the route; then the eventfd is written, which
 * KVM turns into the interrupt. When a step fails the message goes out
 * through KVM_SIGNAL_MSI instead, and fallbacks and why say so.
 */
void msi_router_deliver(void *ctx, struct pci_func *f, unsigned vector,
			const struct pci_msi_msg *msg);

/*
 * Makes the eventfds of vectors 0..nvec-1 of slot now, before any message,
 * so that a device thread under a seccomp filter writes only descriptors
 * known when the filter was built (msi_router_efds) and never makes one.
 * 0, or a negative errno with one line (what was made stays, for free).
 */
int msi_router_reserve(struct msi_router *r, unsigned slot, unsigned nvec,
		       struct errbuf *err);

/*
 * pci_msi_kernel_ops for pci_bus_set_msi_kernel (ctx is the router): a
 * vector's irqfd handed to the kernel (vhost-net's call eventfd), its
 * route made now and kept current at every change of the message, its
 * KVM_IRQFD lifted while the vector is masked and put back at the unmask
 * (when KVM finds the eventfd already written, it injects at once: the
 * pending bit's job). A bind that fails returns -1 (the caller relays).
 */
extern const struct pci_msi_kernel_ops msi_router_kernel;

/* The eventfds made so far, up to max of them into fds; their count. */
unsigned msi_router_efds(const struct msi_router *r, int *fds, unsigned max);

#endif
