/* machine.c - simple-kvm's machine builder: buses, PCI, virtio-blk disks,
 * virtio-rng, virtio-console and virtio-net NICs. */
#include "machine.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"
#include "net_tap.h"
#include "net_unix.h"
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
	if (!ret && m->has_msi) /* vhost-net's interrupts, straight to KVM */
		pci_bus_set_msi_kernel(&m->pci, &msi_router_kernel, &m->msi);
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

	vrng_init(&m->rng);
	if (!ret)
		ret = virtio_pci_init(&m->vp_rng, &m->pci, MACHINE_RNG_SLOT,
				      &vrng_ops, &m->rng, mem, err);
	if (ret) {
		vrng_destroy(&m->rng);
		return ret;
	}
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

/* --- the NICs ---------------------------------------------------------- */

/* The NIC's device on its backend, with its MAC. */
static int init_nic(struct machine *m, const struct net_spec *s, unsigned i,
		    struct net_backend *be, struct errbuf *err)
{
	uint8_t mac[6];

	if (s->has_mac)
		memcpy(mac, s->mac, 6);
	else
		vnet_default_mac(mac, (unsigned)getpid(), i);
	m->nic[i] = calloc(1, sizeof(*m->nic[i]));
	if (!m->nic[i]) {
		be->ops->close(be);
		return err_fail(err, ENOMEM, "--net: out of memory");
	}
	return vnet_init(m->nic[i], be, mac, VNET_MTU_DEFAULT,
			 s->pcap ? &m->pcap[i] : NULL, err);
}

/* vhost=on: /dev/vhost-net for NIC i's tap, its ioctls let through
 * after the lockdown (the vCPU starts and stops it at DRIVER_OK and
 * reset). Without the device: one line, and the userspace path. */
static int open_vhost(struct machine *m, unsigned i, int tap_fd,
		      struct errbuf *err)
{
	struct vnet_vhost *v = calloc(1, sizeof(*v));
	int ret;

	if (!v)
		return err_fail(err, ENOMEM, "--net: out of memory");
	ret = vnet_vhost_open(v, tap_fd, err);
	if (ret == -ENOENT) {
		fprintf(stderr, "simple-kvm: net%u: %s\n", i, err->msg);
		free(v);
		return 0;
	}
	if (!ret && seccomp_allow_vhost(v->vn.fd))
		ret = err_fail(err, ENOSPC, "--net: too many NICs for seccomp");
	if (ret) {
		vnet_vhost_close(v);
		free(v);
		return ret;
	}
	m->vhost[i] = v;
	vnet_set_kernel_path(m->nic[i], &v->path);
	return 0;
}

/* --net tap=NAME: opened and set up now, before the lockdown; afterwards
 * its frames are read (readv) and written (writev) on that fd only, by
 * the vCPU or the device thread, and the vCPU sets the offloads the
 * driver accepted (TUNSETOFFLOAD) at DRIVER_OK. */
static int open_tap_nic(struct machine *m, const struct net_spec *s, unsigned i,
			struct errbuf *err)
{
	struct net_backend *be;
	int ret = net_tap_backend_open(s->tap_name, &be, err);

	if (ret)
		return ret;
	if (seccomp_allow_tap(net_tap_backend_fd(be))) {
		be->ops->close(be);
		return err_fail(err, ENOSPC,
				"--net: too many NICs for seccomp");
	}
	ret = init_nic(m, s, i, be, err);
	if (!ret && s->vhost)
		ret = open_vhost(m, i, net_tap_backend_fd(be), err);
	return ret;
}

static int open_nic(struct machine *m, const struct net_spec *s, unsigned i,
		    struct errbuf *err)
{
	struct net_backend *be;
	int ret;

	m->pcap[i].fd = -1;
	if (s->pcap && pcap_open(&m->pcap[i], s->pcap, err))
		return -EIO;
	if (s->tap_name)
		return open_tap_nic(m, s, i, err);
	ret = net_unix_open(s->unix_path, s->listen, &be, err);
	if (ret)
		return ret;
	if (seccomp_allow_net(s->listen ? net_unix_listen_fd(be) : -1)) {
		be->ops->close(be);
		return err_fail(err, ENOSPC,
				"--net: too many NICs for seccomp");
	}
	return init_nic(m, s, i, be, err);
}

int machine_add_net(struct machine *m, const struct net_spec *s,
		    const struct guest_mem *mem, struct errbuf *err)
{
	unsigned i = m->nnics;
	int ret;

	if (i == MACHINE_MAX_NICS)
		return err_fail(err, EINVAL, "at most %d NICs",
				MACHINE_MAX_NICS);
	ret = ensure_pci(m, err);
	if (!ret)
		ret = open_nic(m, s, i, err);
	if (!ret)
		ret = virtio_pci_init(&m->vp_net[i], &m->pci,
				      MACHINE_NET_SLOT + i, &vnet_ops,
				      m->nic[i], mem, err);
	if (ret) {
		if (m->nic[i] && m->nic[i]->be)
			vnet_destroy(m->nic[i]);
		free(m->nic[i]);
		m->nic[i] = NULL;
		if (m->vhost[i])
			vnet_vhost_close(m->vhost[i]);
		free(m->vhost[i]);
		m->vhost[i] = NULL;
		pcap_close(&m->pcap[i]);
		return err_wrap(err, ret, "--net %s=%s",
				s->tap_name ? "tap" : "unix",
				s->tap_name ? s->tap_name : s->unix_path);
	}
	m->vp_net[i].report = report_line;
	m->nnics++;
	return 0;
}

/* NIC i's accesses to its BAR that reached the VMM, per frame it moved:
 * near 0 when the kicks are ioeventfds (the handshake's are a fixed
 * cost); unknown (< 0) with vhost-net, which counts no frames here. */
static double exits_per_packet(const struct machine *m, unsigned i)
{
	const struct vnet_stats *st = &m->nic[i]->st;
	uint64_t pkts = st->tx_packets + st->rx_packets;

	return pkts ? (double)m->vp_net[i].bar_exits / (double)pkts : -1;
}

/* Every start of vhost-net had both queues' interrupts on irqfds. */
static bool irqfd_always(const struct vnet *n)
{
	return n->kernel_starts && n->irqfd_starts == n->kernel_starts;
}

static void net_report_text(const struct machine *m, unsigned i, FILE *out)
{
	const struct vnet_stats *st = &m->nic[i]->st;
	double per = exits_per_packet(m, i);

	fprintf(out,
		"net%u: %stx %" PRIu64 " packets %" PRIu64 " bytes, rx %" PRIu64
		" packets %" PRIu64 " bytes, ",
		i, m->vhost[i] ? "vhost-net: " : "", st->tx_packets,
		st->tx_bytes, st->rx_packets, st->rx_bytes);
	if (m->vhost[i] && irqfd_always(m->nic[i]))
		fprintf(out, "interrupts by irqfd, %" PRIu64 " relayed, ",
			m->nic[i]->kernel_irqs);
	else if (m->vhost[i])
		fprintf(out, "%" PRIu64 " interrupts relayed, ",
			m->nic[i]->kernel_irqs);
	fputs("drops:", out);
	for (unsigned d = 0; d < VNET_DROPS; d++)
		if (st->drops[d])
			fprintf(out, " %s %" PRIu64, vnet_drop_name(d),
				st->drops[d]);
	fprintf(out,
		"\nnet%u: %" PRIu64 " exits to the VMM (%" PRIu64 " kicks)", i,
		m->vp_net[i].bar_exits, m->vp_net[i].notify_exits);
	if (per >= 0)
		fprintf(out, ", %.4f per packet", per);
	fputc('\n', out);
}

static void net_report_json(const struct machine *m, unsigned i, FILE *out)
{
	const struct vnet_stats *st = &m->nic[i]->st;
	double per = exits_per_packet(m, i);
	const char *sep = "";

	fprintf(out,
		"{\"virtio-net\":%u,\"vhost\":%s,\"tx_packets\":%" PRIu64
		",\"tx_bytes\":%" PRIu64 ",\"rx_packets\":%" PRIu64
		",\"rx_bytes\":%" PRIu64 ",\"irqfd\":%s"
		",\"interrupts_relayed\":%" PRIu64 ",\"exits\":%" PRIu64
		",\"kicks\":%" PRIu64,
		i, m->vhost[i] ? "true" : "false", st->tx_packets, st->tx_bytes,
		st->rx_packets, st->rx_bytes,
		irqfd_always(m->nic[i]) ? "true" : "false",
		m->nic[i]->kernel_irqs, m->vp_net[i].bar_exits,
		m->vp_net[i].notify_exits);
	if (per >= 0)
		fprintf(out, ",\"exits_per_packet\":%.6f", per);
	fputs(",\"drops\":{", out);
	for (unsigned d = 0; d < VNET_DROPS; d++) {
		fprintf(out, "%s\"%s\":%" PRIu64, sep, vnet_drop_name(d),
			st->drops[d]);
		sep = ",";
	}
	fputs("}}\n", out);
}

void machine_net_report(const struct machine *m, bool json, FILE *out)
{
	for (unsigned i = 0; i < m->nnics; i++)
		(json ? net_report_json : net_report_text)(m, i, out);
}

/* --- the device thread ------------------------------------------------- */

/* On the device thread, before it serves anything: no signal for it (the
 * timer's and the stop signals are the vCPU's to take), then its filter. */
static int worker_on_start(void *arg)
{
	struct machine *m = arg;
	int rd[MACHINE_WORKER_DEVICES * VIRTIO_DEV_MAX_QUEUES + 1 +
	       MACHINE_MAX_NICS * VHOST_NET_QUEUES];
	int wr[PCI_SLOTS * PCI_MSIX_MAX + 1];
	int wv[MACHINE_MAX_NICS];
	struct seccomp_worker_fds fds = {.vm_fd = m->msi.vm_fd,
					 .read_fds = rd,
					 .write_fds = wr,
					 .writev_fds = wv};
	sigset_t all;

	sigfillset(&all);
	if (pthread_sigmask(SIG_BLOCK, &all, NULL))
		return -EINVAL;
	if (!m->confine_worker)
		return 0;
	for (unsigned i = 0; i < m->nserved; i++)
		for (unsigned q = 0; q < m->kick[i].n; q++)
			rd[fds.n_read++] = m->kick[i].efd[q];
	for (unsigned i = 0; i < m->nnics; i++) /* vhost-net's interrupts */
		for (unsigned q = 0; m->vhost[i] && q < VHOST_NET_QUEUES; q++)
			rd[fds.n_read++] = m->vhost[i]->call_fd[q];
	rd[fds.n_read++] = m->worker.stop_efd;
	fds.n_write = msi_router_efds(&m->msi, wr, PCI_SLOTS * PCI_MSIX_MAX);
	wr[fds.n_write++] = m->worker.start_efd;
	for (unsigned i = 0; i < m->nnics; i++) /* pcap= records */
		if (m->pcap[i].fd >= 0)
			wv[fds.n_writev++] = m->pcap[i].fd;
	return seccomp_lockdown_worker(&fds, &m->worker_why);
}

/* A device the thread serves: its vectors' irqfds made now, its queues
 * on ioeventfds read by the worker. */
static int add_worker_device(struct machine *m, struct virtio_pci *vp,
			     int vm_fd, struct errbuf *err)
{
	struct virtio_kicks *k = &m->kick[m->nserved];
	int ret = msi_router_reserve(&m->msi, vp->func.slot,
				     vp->ops->num_queues + 1, err);

	if (!ret)
		ret = virtio_kicks_init(k, vp, vm_fd, NULL, err);
	if (ret)
		return ret;
	m->nserved++; /* machine_destroy frees its kicks */
	for (unsigned q = 0; !ret && q < vp->ops->num_queues; q++)
		ret = vworker_add(&m->worker, k->efd[q], vp->ops->notify,
				  vp->dev, q, err);
	return ret;
}

/* A NIC: its queues as any device's, and its wire as a source, so that a
 * frame off the wire (and a connecting side's retry, on the source's
 * tick) is taken on the thread, not on the vCPU. Its pcap file is
 * written there too. */
static int add_worker_nic(struct machine *m, unsigned i, int vm_fd,
			  struct errbuf *err)
{
	int ret = add_worker_device(m, &m->vp_net[i], vm_fd, err);
	struct vnet_vhost *v = m->vhost[i];

	if (!ret)
		ret = vworker_add_source(&m->worker, vnet_source_fd,
					 vnet_source_ready, m->nic[i], err);
	if (ret || !v)
		return ret;
	/* vhost-net: the kernel takes the kicks from the same ioeventfds,
	 * and its interrupts come to this thread, which sends them on */
	vnet_vhost_set_kicks(v, m->kick[m->nserved - 1].efd);
	for (unsigned q = 0; !ret && q < VHOST_NET_QUEUES; q++)
		ret = vworker_add(&m->worker, v->call_fd[q], vnet_kernel_used,
				  m->nic[i], q, err);
	return ret;
}

int machine_start_worker(struct machine *m, int vm_fd, bool confine,
			 struct errbuf *err)
{
	int ret = 0;

	if (!m->has_msi || (!m->ndisks && !m->has_rng && !m->nnics))
		return 0;
	vworker_init(&m->worker);
	m->has_worker = true; /* machine_destroy undoes what was done */
	m->confine_worker = confine;
	seccomp_allow_ioeventfd();
	for (unsigned i = 0; !ret && i < m->ndisks; i++)
		ret = add_worker_device(m, &m->vp[i], vm_fd, err);
	if (!ret && m->has_rng)
		ret = add_worker_device(m, &m->vp_rng, vm_fd, err);
	for (unsigned i = 0; !ret && i < m->nnics; i++)
		ret = add_worker_nic(m, i, vm_fd, err);
	if (!ret)
		ret = vworker_start(&m->worker, worker_on_start, m, err);
	if (ret && m->worker_why.msg[0])
		err_wrap(err, ret, "%s", m->worker_why.msg);
	return ret;
}

void machine_net_exits(const struct machine *m, uint64_t *exits,
		       uint64_t *kicks)
{
	*exits = *kicks = 0;
	for (unsigned i = 0; i < m->nnics; i++) {
		*exits += m->vp_net[i].bar_exits;
		*kicks += m->vp_net[i].notify_exits;
	}
}

void machine_disk_exits(const struct machine *m, uint64_t *bar_exits,
			uint64_t *notify_exits)
{
	*bar_exits = *notify_exits = 0;
	for (unsigned i = 0; i < m->ndisks; i++) {
		*bar_exits += m->vp[i].bar_exits;
		*notify_exits += m->vp[i].notify_exits;
	}
}

void machine_destroy(struct machine *m)
{
	/* the thread first: it uses the images, the irqfds, guest memory */
	if (m->has_worker) {
		vworker_stop(&m->worker);
		for (unsigned i = 0; i < m->nserved; i++)
			virtio_kicks_free(&m->kick[i]);
	}
	if (m->has_rng) {
		virtio_pci_destroy(&m->vp_rng);
		vrng_destroy(&m->rng);
	}
	if (m->has_console)
		virtio_pci_destroy(&m->vp_console);
	for (unsigned i = 0; i < m->nnics; i++) {
		virtio_pci_destroy(&m->vp_net[i]);
		vnet_destroy(m->nic[i]); /* gives vhost-net's queues back */
		free(m->nic[i]);
		if (m->vhost[i])
			vnet_vhost_close(m->vhost[i]);
		free(m->vhost[i]);
		pcap_close(&m->pcap[i]);
	}
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
