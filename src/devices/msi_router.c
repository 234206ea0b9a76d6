/* msi_router.c - MSI-X messages into KVM: a route and an irqfd per vector,
 * made on first use and updated when the message changes. */
#include "msi_router.h"

#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

static const struct msi_router_ops kvm_ops = {
	.set_routing = kvm_set_gsi_routing_raw,
	.irqfd = kvm_irqfd_raw,
	.signal_msi = kvm_signal_msi_raw,
};

int msi_router_init(struct msi_router *r, int vm_fd,
		    const struct msi_router_ops *ops, struct errbuf *err)
{
	int ret;

	memset(r, 0, sizeof(*r));
	r->vm_fd = vm_fd;
	r->ops = ops ? ops : &kvm_ops;
	ret = gsi_routes_init(&r->routes, err);
	if (ret < 0)
		return ret;
	pthread_mutex_init(&r->lock, NULL);
	return 0;
}

void msi_router_free(struct msi_router *r)
{
	for (unsigned s = 0; s < PCI_SLOTS; s++)
		for (unsigned v = 0; v < PCI_MSIX_MAX; v++)
			if (r->vec[s][v].efd_open)
				close(r->vec[s][v].efd);
	gsi_routes_free(&r->routes);
	pthread_mutex_destroy(&r->lock);
}

/* A new route and irqfd for e: 0, or a negative errno with why set (and
 * nothing left behind). Called with the lock held. */
static int route_new(struct msi_router *r, struct msi_route *e,
		     const struct pci_msi_msg *msg)
{
	uint32_t gsi;
	int efd = e->efd_open ? e->efd : -1, ret;

	ret = gsi_routes_add_msi(&r->routes, msg->addr, msg->data, &gsi,
				 &r->why);
	if (ret < 0)
		return ret;
	ret = r->ops->set_routing(r->vm_fd, &r->routes);
	if (ret < 0) {
		err_fail(&r->why, -ret, "KVM_SET_GSI_ROUTING: %s",
			 strerror(-ret));
		goto out_route;
	}
	if (efd < 0)
		efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0) {
		ret = err_fail(&r->why, errno, "eventfd: %s", strerror(errno));
		goto out_route;
	}
	ret = r->ops->irqfd(r->vm_fd, efd, gsi, -1, 0);
	if (ret < 0) {
		err_fail(&r->why, -ret, "KVM_IRQFD (GSI %u): %s", gsi,
			 strerror(-ret));
		if (!e->efd_open)
			close(efd);
		goto out_route;
	}
	*e = (struct msi_route){1, gsi, efd, *msg, 1, 1, 0};
	return 0;
out_route:
	/* KVM keeps its old table, or one with an unused route: harmless */
	gsi_routes_remove_msi(&r->routes, gsi, NULL);
	return ret;
}

/* e's route to carry msg: 0, or a negative errno with why set (the old
 * route then stays, in the table as in KVM). Lock held. */
static int route_update(struct msi_router *r, struct msi_route *e,
			const struct pci_msi_msg *msg)
{
	int ret;

	if (e->msg.addr == msg->addr && e->msg.data == msg->data)
		return 0;
	gsi_routes_set_msi(&r->routes, e->gsi, msg->addr, msg->data, NULL);
	ret = r->ops->set_routing(r->vm_fd, &r->routes);
	if (ret < 0) {
		gsi_routes_set_msi(&r->routes, e->gsi, e->msg.addr, e->msg.data,
				   NULL);
		return err_fail(&r->why, -ret, "KVM_SET_GSI_ROUTING: %s",
				strerror(-ret));
	}
	e->msg = *msg;
	return 0;
}

void msi_router_deliver(void *ctx, struct pci_func *f, unsigned vector,
			const struct pci_msi_msg *msg)
{
	struct msi_router *r = ctx;
	struct msi_route *e;
	uint64_t one = 1;
	int ret;

	if (f->slot >= PCI_SLOTS || vector >= PCI_MSIX_MAX)
		return;
	pthread_mutex_lock(&r->lock);
	e = &r->vec[f->slot][vector];
	ret = e->used ? route_update(r, e, msg) : route_new(r, e, msg);
	if (ret == 0 && write(e->efd, &one, sizeof(one)) != sizeof(one))
		ret = err_fail(&r->why, errno, "irqfd write: %s",
			       strerror(errno));
	if (ret < 0) {
		r->fallbacks++;
		r->ops->signal_msi(r->vm_fd, msg->addr, msg->data);
	}
	pthread_mutex_unlock(&r->lock);
}

/* e's irqfd assigned in KVM, or lifted: 0, or a negative errno with why.
 * Lock held. */
static int set_assigned(struct msi_router *r, struct msi_route *e, int on)
{
	int ret;

	if (e->assigned == on)
		return 0;
	ret = r->ops->irqfd(r->vm_fd, e->efd, e->gsi, -1, !on);
	if (ret < 0)
		return err_fail(&r->why, -ret, "KVM_IRQFD %s (GSI %u): %s",
				on ? "assign" : "deassign", e->gsi,
				strerror(-ret));
	e->assigned = on;
	return 0;
}

static int kernel_bind(void *ctx, struct pci_func *f, unsigned vector,
		       const struct pci_msi_msg *msg, int masked)
{
	struct msi_router *r = ctx;
	struct msi_route *e;
	int ret;

	if (f->slot >= PCI_SLOTS || vector >= PCI_MSIX_MAX)
		return -1;
	pthread_mutex_lock(&r->lock);
	e = &r->vec[f->slot][vector];
	ret = e->used ? route_update(r, e, msg) : route_new(r, e, msg);
	if (!ret)
		ret = set_assigned(r, e, !masked);
	if (!ret)
		e->bound = 1;
	else
		r->fallbacks++;
	pthread_mutex_unlock(&r->lock);
	return ret ? -1 : e->efd;
}

static void kernel_update(void *ctx, struct pci_func *f, unsigned vector,
			  const struct pci_msi_msg *msg, int masked)
{
	struct msi_router *r = ctx;
	struct msi_route *e;

	if (f->slot >= PCI_SLOTS || vector >= PCI_MSIX_MAX)
		return;
	pthread_mutex_lock(&r->lock);
	e = &r->vec[f->slot][vector];
	/* a failure keeps the old route or assignment, with why said */
	if (e->bound &&
	    (route_update(r, e, msg) || set_assigned(r, e, !masked)))
		r->fallbacks++;
	pthread_mutex_unlock(&r->lock);
}

/* The vector's interrupts come through msi_router_deliver again, which
 * writes the eventfd only when unmasked: the irqfd stays assigned. */
static void kernel_release(void *ctx, struct pci_func *f, unsigned vector)
{
	struct msi_router *r = ctx;
	struct msi_route *e;

	if (f->slot >= PCI_SLOTS || vector >= PCI_MSIX_MAX)
		return;
	pthread_mutex_lock(&r->lock);
	e = &r->vec[f->slot][vector];
	e->bound = 0;
	if (e->used && set_assigned(r, e, 1))
		r->fallbacks++;
	pthread_mutex_unlock(&r->lock);
}

const struct pci_msi_kernel_ops msi_router_kernel = {
	.bind = kernel_bind,
	.update = kernel_update,
	.release = kernel_release,
};

int msi_router_reserve(struct msi_router *r, unsigned slot, unsigned nvec,
		       struct errbuf *err)
{
	if (slot >= PCI_SLOTS || nvec > PCI_MSIX_MAX)
		return err_fail(err, EINVAL,
				"MSI-X: slot %u with %u vectors: out of range",
				slot, nvec);
	for (unsigned v = 0; v < nvec; v++) {
		struct msi_route *e = &r->vec[slot][v];

		if (e->efd_open)
			continue;
		e->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (e->efd < 0)
			return err_fail(err, errno, "MSI-X: eventfd: %s",
					strerror(errno));
		e->efd_open = 1;
	}
	return 0;
}

unsigned msi_router_efds(const struct msi_router *r, int *fds, unsigned max)
{
	unsigned n = 0;

	for (unsigned s = 0; s < PCI_SLOTS; s++)
		for (unsigned v = 0; v < PCI_MSIX_MAX; v++)
			if (r->vec[s][v].efd_open && n < max)
				fds[n++] = r->vec[s][v].efd;
	return n;
}
