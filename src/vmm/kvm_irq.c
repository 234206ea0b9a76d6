/* kvm_irq.c - irqfd, ioeventfd, MSI and GSI routing, raw and checked. */
#include "kvm_irq.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

/* Each ioctl's argument has the size its number encodes. */
_Static_assert(sizeof(struct kvm_irqfd) == _IOC_SIZE(KVM_IRQFD),
	       "KVM_IRQFD argument");
_Static_assert(sizeof(struct kvm_ioeventfd) == _IOC_SIZE(KVM_IOEVENTFD),
	       "KVM_IOEVENTFD argument");
_Static_assert(sizeof(struct kvm_irq_routing) == _IOC_SIZE(KVM_SET_GSI_ROUTING),
	       "KVM_SET_GSI_ROUTING argument");
_Static_assert(sizeof(struct kvm_msi) == _IOC_SIZE(KVM_SIGNAL_MSI),
	       "KVM_SIGNAL_MSI argument");

static int grow(struct gsi_routes *r, unsigned want, struct errbuf *err)
{
	struct kvm_irq_routing *t;
	unsigned cap = r->cap ? r->cap : 64;

	if (want <= r->cap)
		return 0;
	while (cap < want)
		cap *= 2;
	t = realloc(r->table, sizeof(*t) + cap * sizeof(t->entries[0]));
	if (!t)
		return err_fail(err, ENOMEM, "GSI routing: no memory");
	if (!r->table) {
		t->nr = 0;
		t->flags = 0; /* KVM refuses any flag */
	}
	r->table = t;
	r->cap = cap;
	return 0;
}

static struct kvm_irq_routing_entry pin(uint32_t gsi, uint32_t chip, uint32_t p)
{
	struct kvm_irq_routing_entry e;

	memset(&e, 0, sizeof(e));
	e.gsi = gsi;
	e.type = KVM_IRQ_ROUTING_IRQCHIP;
	e.u.irqchip.irqchip = chip;
	e.u.irqchip.pin = p;
	return e;
}

int gsi_routes_init(struct gsi_routes *r, struct errbuf *err)
{
	struct kvm_irq_routing_entry *e;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = grow(r, 64, err);
	if (ret < 0)
		return ret;
	e = r->table->entries;
	/* as KVM's default_routing: the IOAPIC pin first, then the PIC's */
	for (uint32_t gsi = 0; gsi < GSI_PC_PINS; gsi++) {
		*e++ = pin(gsi, KVM_IRQCHIP_IOAPIC, gsi);
		if (gsi < 16)
			*e++ = pin(gsi,
				   gsi < 8 ? KVM_IRQCHIP_PIC_MASTER
					   : KVM_IRQCHIP_PIC_SLAVE,
				   gsi % 8);
	}
	r->table->nr = (uint32_t)(e - r->table->entries);
	return 0;
}

void gsi_routes_free(struct gsi_routes *r)
{
	free(r->table);
	memset(r, 0, sizeof(*r));
}

static int msi_used(const struct gsi_routes *r, uint32_t gsi)
{
	return gsi < GSI_ROUTES_MAX &&
	       (r->msi_used[gsi / 32] >> (gsi % 32)) & 1;
}

static void mark(struct gsi_routes *r, uint32_t gsi, int used)
{
	if (used)
		r->msi_used[gsi / 32] |= 1u << (gsi % 32);
	else
		r->msi_used[gsi / 32] &= ~(1u << (gsi % 32));
}

/* The index of gsi's MSI route, or -1. */
static int find_msi(const struct gsi_routes *r, uint32_t gsi)
{
	if (!msi_used(r, gsi))
		return -1;
	for (uint32_t i = 0; r->table && i < r->table->nr; i++)
		if (r->table->entries[i].gsi == gsi &&
		    r->table->entries[i].type == KVM_IRQ_ROUTING_MSI)
			return (int)i;
	return -1;
}

static void set_msg(struct kvm_irq_routing_entry *e, uint64_t addr,
		    uint32_t data)
{
	e->u.msi.address_lo = (uint32_t)addr;
	e->u.msi.address_hi = (uint32_t)(addr >> 32);
	e->u.msi.data = data;
}

int gsi_routes_add_msi(struct gsi_routes *r, uint64_t addr, uint32_t data,
		       uint32_t *gsi, struct errbuf *err)
{
	struct kvm_irq_routing_entry *e;
	uint32_t g = GSI_PC_PINS;
	int ret;

	while (g < GSI_ROUTES_MAX && msi_used(r, g))
		g++;
	if (g == GSI_ROUTES_MAX)
		return err_fail(err, ENOSPC, "GSI routing: all %u GSIs in use",
				GSI_ROUTES_MAX);
	ret = grow(r, r->table->nr + 1, err);
	if (ret < 0)
		return ret;
	e = &r->table->entries[r->table->nr++];
	memset(e, 0, sizeof(*e));
	e->gsi = g;
	e->type = KVM_IRQ_ROUTING_MSI;
	set_msg(e, addr, data);
	mark(r, g, 1);
	*gsi = g;
	return 0;
}

int gsi_routes_set_msi(struct gsi_routes *r, uint32_t gsi, uint64_t addr,
		       uint32_t data, struct errbuf *err)
{
	int i = find_msi(r, gsi);

	if (i < 0)
		return err_fail(err, ENOENT,
				"GSI routing: GSI %" PRIu32 " has no MSI route",
				gsi);
	set_msg(&r->table->entries[i], addr, data);
	return 0;
}

int gsi_routes_remove_msi(struct gsi_routes *r, uint32_t gsi,
			  struct errbuf *err)
{
	int i = find_msi(r, gsi);

	if (i < 0)
		return err_fail(err, ENOENT,
				"GSI routing: GSI %" PRIu32 " has no MSI route",
				gsi);
	memmove(&r->table->entries[i], &r->table->entries[i + 1],
		(r->table->nr - (uint32_t)i - 1) *
			sizeof(r->table->entries[0]));
	r->table->nr--;
	mark(r, gsi, 0);
	return 0;
}

static int checked(int ret, struct errbuf *err, const char *what)
{
	return ret < 0 ? err_fail(err, -ret, "%s: %s", what, strerror(-ret))
		       : ret;
}

int kvm_set_gsi_routing_raw(int vm_fd, const struct gsi_routes *r)
{
	return ioctl(vm_fd, KVM_SET_GSI_ROUTING, r->table) < 0 ? -errno : 0;
}

int kvm_set_gsi_routing(int vm_fd, const struct gsi_routes *r,
			struct errbuf *err)
{
	return checked(kvm_set_gsi_routing_raw(vm_fd, r), err,
		       "KVM_SET_GSI_ROUTING");
}

int kvm_irqfd_raw(int vm_fd, int efd, uint32_t gsi, int resample_fd,
		  int deassign)
{
	struct kvm_irqfd fd;

	memset(&fd, 0, sizeof(fd));
	fd.fd = (uint32_t)efd;
	fd.gsi = gsi;
	if (deassign)
		fd.flags |= KVM_IRQFD_FLAG_DEASSIGN;
	else if (resample_fd >= 0) {
		fd.flags |= KVM_IRQFD_FLAG_RESAMPLE;
		fd.resamplefd = (uint32_t)resample_fd;
	}
	return ioctl(vm_fd, KVM_IRQFD, &fd) < 0 ? -errno : 0;
}

int kvm_irqfd(int vm_fd, int efd, uint32_t gsi, int resample_fd, int deassign,
	      struct errbuf *err)
{
	int ret = kvm_irqfd_raw(vm_fd, efd, gsi, resample_fd, deassign);

	if (ret < 0)
		return err_fail(err, -ret, "KVM_IRQFD (GSI %" PRIu32 "%s): %s",
				gsi,
				deassign	   ? ", deassign"
				: resample_fd >= 0 ? ", resample"
						   : "",
				strerror(-ret));
	return 0;
}

int kvm_ioeventfd_raw(int vm_fd, int efd, const struct ioeventfd_spec *s,
		      int deassign)
{
	struct kvm_ioeventfd io;

	memset(&io, 0, sizeof(io));
	io.addr = s->addr;
	io.len = s->len;
	io.fd = efd;
	io.datamatch = s->datamatch;
	if (s->pio)
		io.flags |= KVM_IOEVENTFD_FLAG_PIO;
	if (s->has_datamatch)
		io.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
	if (deassign)
		io.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
	return ioctl(vm_fd, KVM_IOEVENTFD, &io) < 0 ? -errno : 0;
}

int kvm_ioeventfd(int vm_fd, int efd, const struct ioeventfd_spec *s,
		  int deassign, struct errbuf *err)
{
	int ret = kvm_ioeventfd_raw(vm_fd, efd, s, deassign);

	if (ret < 0)
		return err_fail(err, -ret,
				"KVM_IOEVENTFD (%s 0x%" PRIx64 ", %" PRIu32
				" bytes%s): %s",
				s->pio ? "port" : "MMIO", s->addr, s->len,
				deassign ? ", deassign" : "", strerror(-ret));
	return 0;
}

int kvm_signal_msi_raw(int vm_fd, uint64_t addr, uint32_t data)
{
	struct kvm_msi msi;
	int ret;

	memset(&msi, 0, sizeof(msi));
	msi.address_lo = (uint32_t)addr;
	msi.address_hi = (uint32_t)(addr >> 32);
	msi.data = data;
	ret = ioctl(vm_fd, KVM_SIGNAL_MSI, &msi);
	return ret < 0 ? -errno : ret > 0;
}

int kvm_signal_msi(int vm_fd, uint64_t addr, uint32_t data, struct errbuf *err)
{
	return checked(kvm_signal_msi_raw(vm_fd, addr, data), err,
		       "KVM_SIGNAL_MSI");
}
