/* machine.c - simple-kvm's machine builder: buses, PCI, virtio-blk disks,
 * virtio-rng and virtio-console. */
#include "machine.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "layout.h"
#include "seccomp_filter.h"

void machine_init(struct machine *m)
{
	memset(m, 0, sizeof(*m));
	bus_init(&m->ports, "port", 0xffff);
	bus_init(&m->mmio, "mmio", UINT64_MAX);
}

/* A line about a driver that broke the rules: simple-kvm's, on stderr. */
static void report_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "simple-kvm: %s\n", line);
}

/* One disk: the image, then its transport in its slot. */
static int add_disk(struct machine *m, const struct disk_spec *d,
		    const struct guest_mem *mem, bool *image_fault,
		    struct errbuf *err)
{
	unsigned i = m->ndisks;
	int ret = vblk_open(d->path, d->read_only, &m->blk[i], err);

	if (ret) {
		*image_fault = true;
		return ret;
	}
	ret = virtio_pci_init(&m->vp[i], &m->pci, MACHINE_DISK_SLOT + i,
			      &vblk_ops, m->blk[i], mem, err);
	if (ret) {
		vblk_close(m->blk[i]);
		m->blk[i] = NULL;
		return ret;
	}
	m->vp[i].report = report_line;
	m->ndisks++;
	/* The device's system calls, on this image only, after lockdown. */
	if (seccomp_allow_disk_fd(m->blk[i]->fd))
		return err_fail(err, ENOSPC, "%s: too many disks for seccomp",
				d->path);
	return 0;
}

int machine_enable_msi(struct machine *m, int vm_fd, struct errbuf *err)
{
	int ret = msi_router_init(&m->msi, vm_fd, NULL, err);

	if (ret)
		return ret;
	m->has_msi = true;
	seccomp_allow_msi_routing();
	return 0;
}

/* PCI bus 0 on the buses, once, for whichever device comes first. */
static int ensure_pci(struct machine *m, struct errbuf *err)
{
	int ret;

	if (m->has_pci)
		return 0;
	ret = pci_bus_init(&m->pci, &m->ports, &m->mmio, LAYOUT_PCI_HOLE_BASE,
			   LAYOUT_PCI_HOLE_SIZE,
			   m->has_msi ? msi_router_deliver : NULL,
			   m->has_msi ? &m->msi : NULL, err);
	if (!ret)
		m->has_pci = true;
	return ret;
}

int machine_add_disks(struct machine *m, const struct disk_spec *disks,
		      unsigned n, const struct guest_mem *mem,
		      bool *image_fault, struct errbuf *err)
{
	int ret = 0;

	*image_fault = false;
	if (n > MACHINE_MAX_DISKS)
		return err_fail(err, EINVAL, "at most %d disks",
				MACHINE_MAX_DISKS);
	ret = ensure_pci(m, err);
	for (unsigned i = 0; !ret && i < n; i++)
		ret = add_disk(m, &disks[i], mem, image_fault, err);
	return ret;
}

int machine_add_rng(struct machine *m, const struct guest_mem *mem,
		    struct errbuf *err)
{
	int ret = ensure_pci(m, err);

	if (!ret)
		ret = virtio_pci_init(&m->vp_rng, &m->pci, MACHINE_RNG_SLOT,
				      &vrng_ops, &m->rng, mem, err);
	if (ret)
		return ret;
	m->vp_rng.report = report_line;
	m->has_rng = true;
	seccomp_allow_getrandom();
	return 0;
}

int machine_add_console(struct machine *m, const struct guest_mem *mem,
			struct outbuf *out, int escape, struct errbuf *err)
{
	int ret = ensure_pci(m, err);

	vcon_init(&m->console, out, escape);
	if (!ret)
		ret = virtio_pci_init(&m->vp_console, &m->pci,
				      MACHINE_CONSOLE_SLOT, &vcon_ops,
				      &m->console, mem, err);
	if (ret)
		return ret;
	m->vp_console.report = report_line;
	m->has_console = true;
	return 0;
}

void machine_destroy(struct machine *m)
{
	if (m->has_rng)
		virtio_pci_destroy(&m->vp_rng);
	if (m->has_console)
		virtio_pci_destroy(&m->vp_console);
	for (unsigned i = 0; i < m->ndisks; i++) {
		virtio_pci_destroy(&m->vp[i]);
		vblk_close(m->blk[i]);
	}
	if (m->has_pci)
		pci_bus_destroy(&m->pci);
	if (m->has_msi)
		msi_router_free(&m->msi);
	bus_free(&m->ports);
	bus_free(&m->mmio);
	memset(m, 0, sizeof(*m));
}
