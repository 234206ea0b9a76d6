/* machine.h - simple-kvm's machine builder: the port and MMIO buses, PCI
 * bus 0 with a virtio-blk device per --disk, virtio-rng and virtio-console
 * behind their flags, and the disks' device thread. */
#ifndef SIMPLE_KVM_MACHINE_H
#define SIMPLE_KVM_MACHINE_H

#include <stdbool.h>
#include <stdio.h>

#include "bus.h"
#include "errbuf.h"
#include "guest_mem.h"
#include "layout.h"
#include "msi_router.h"
#include "outbuf.h"
#include "pci.h"
#include "virtio_blk.h"
#include "virtio_console.h"
#include "virtio_pci.h"
#include "virtio_kick.h"
#include "virtio_net.h"
#include "virtio_rng.h"
#include "virtio_worker.h"
#include "vnet_vhost.h"

#define MACHINE_MAX_DISKS 8
/* The first disk's PCI slot; disk i is in slot MACHINE_DISK_SLOT + i. */
#define MACHINE_DISK_SLOT 1u

/* --rng's and --console virtio's fixed slots, past the disks' (1-8), so
 * that adding a disk moves neither. */
#define MACHINE_RNG_SLOT     16u
#define MACHINE_CONSOLE_SLOT 17u

/* --net NICs: at most MACHINE_MAX_NICS, NIC i in slot MACHINE_NET_SLOT + i
 * (00:14.0 up), past the rng's and the console's. */
#define MACHINE_MAX_NICS 4
#define MACHINE_NET_SLOT 20u

/* What the device thread may serve: the disks, the rng and the NICs. */
#define MACHINE_WORKER_DEVICES (MACHINE_MAX_DISKS + 1 + MACHINE_MAX_NICS)

/* One --net unix=PATH[,listen][,mac=MAC][,pcap=FILE] or
 * --net tap=NAME[,vhost=on|off][,mac=MAC][,pcap=FILE]. */
struct net_spec {
	const char *unix_path; /* NULL for a tap */
	const char *tap_name;  /* --net tap=NAME, else NULL */
	bool listen;
	bool vhost;   /* tap=NAME,vhost=on: the kernel moves the frames */
	bool has_mac; /* else vnet_default_mac(pid, index) */
	uint8_t mac[6];
	const char *pcap; /* NULL: none */
};

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
	bool has_msi;
	struct msi_router msi;
	/* --rng and --console virtio */
	bool has_rng, has_console;
	struct virtio_pci vp_rng, vp_console;
	struct vrng rng;
	struct vcon console;
	/* --net, served on the vCPU (bare modes) */
	unsigned nnics;
	struct vnet *nic[MACHINE_MAX_NICS];
	struct virtio_pci vp_net[MACHINE_MAX_NICS];
	struct pcap pcap[MACHINE_MAX_NICS];
	/* vhost=on: the NIC's kernel path, NULL for the userspace one */
	struct vnet_vhost *vhost[MACHINE_MAX_NICS];
	/* machine_start_worker: the disks', the rng's and the NICs' kicks on
	 * ioeventfds (kick[i] for the i-th device served), served by one
	 * device thread under its own seccomp filter (confine) */
	bool has_worker, confine_worker;
	struct virtio_kicks kick[MACHINE_WORKER_DEVICES];
	unsigned nserved;
	struct vworker worker;
	struct errbuf worker_why; /* why the thread's setup failed */
};

/*
 * MSI-X into KVM for the devices added after it (machine_add_disks passes
 * them msi_router_deliver): a VM with an in-kernel irqchip (vm_fd), and
 * the seccomp rules the router's calls need. 0, or a negative errno.
 */
int machine_enable_msi(struct machine *m, int vm_fd, struct errbuf *err);

/* Empty buses: ports 0..0xffff, MMIO over the whole address space. */
void machine_init(struct machine *m);

/*
 * Puts PCI bus 0 on the buses (0xcf8..0xcff, BARs from the hole) with a
 * virtio-blk device over the virtio-pci transport for each of the n disks,
 * the image opened and locked (vblk_open). MSI-X goes to KVM after
 * machine_enable_msi, else it is dropped (a polling driver needs none).
 * 0, or a negative errno
 * with one line; *image_fault says that the image was to blame (missing,
 * in use, unreadable), not the host.
 */
int machine_add_disks(struct machine *m, const struct disk_spec *disks,
		      unsigned n, const struct guest_mem *mem,
		      bool *image_fault, struct errbuf *err);

/*
 * --rng: a virtio-rng device (virtio_rng.h) in MACHINE_RNG_SLOT, on PCI
 * bus 0 (put on the buses here if no disk did it), with the seccomp rule
 * for its getrandom. 0, or a negative errno with one line.
 */
int machine_add_rng(struct machine *m, const struct guest_mem *mem,
		    struct errbuf *err);

/*
 * --console virtio: a virtio console (virtio_console.h) in
 * MACHINE_CONSOLE_SLOT whose output goes to out, filtered for a terminal
 * when escape is set (m->console.escape may be set later, before the
 * guest runs). The caller feeds it typed bytes (linux_console_input_to)
 * and polls it at every tick. 0, or a negative errno with one line.
 */
int machine_add_console(struct machine *m, const struct guest_mem *mem,
			struct outbuf *out, int escape, struct errbuf *err);

/*
 * --net: a virtio-net NIC (virtio_net.h) on the unix wire of s, in slot
 * MACHINE_NET_SLOT + its index, its MAC s->mac or the default one for
 * this process, every frame into s->pcap when given, with the seccomp
 * rules of its wire (seccomp_allow_net, seccomp_allow_tap). Its frames
 * move when the guest kicks either queue, on the thread that takes the
 * kick. With s->vhost the NIC's queues go to vhost-net at DRIVER_OK
 * (machine_start_worker gives it the kicks); without /dev/vhost-net it
 * says so in one line on stderr and uses the userspace path. 0, or a
 * negative errno with one line.
 */
int machine_add_net(struct machine *m, const struct net_spec *s,
		    const struct guest_mem *mem, struct errbuf *err);

/* --stats: per NIC on out, its packets, bytes and drops by reason (and
 * with vhost-net, which moves the frames past these counters, the
 * interrupts it asked for), then its exits to the VMM and their number
 * per packet; as two lines of text, or one JSON object per line. */
void machine_net_report(const struct machine *m, bool json, FILE *out);

/*
 * For a machine with MSI-X into KVM (machine_enable_msi), its disks, its
 * rng and its NICs, each NIC's wire a source of the thread (add them
 * first; the console stays on the vCPU, whose output
 * buffer it shares): puts each of their queues' kicks on an ioeventfd (moved
 * with the BAR, on the vCPU thread) and starts one device thread that serves
 * them and sends the completions through the disks' irqfds, so that a request
 * costs no exit to userspace. With confine the thread first installs
 * seccomp_lockdown_worker's allowlist on itself; and the process's
 * lockdown lets KVM_IOEVENTFD through. Call it before seccomp_lockdown
 * (which forbids making a thread). 0, or a negative errno with one line.
 */
int machine_start_worker(struct machine *m, int vm_fd, bool confine,
			 struct errbuf *err);

/* The NICs' accesses to their BARs that reached the VMM, and of them the
 * queue kicks (--stats). */
void machine_net_exits(const struct machine *m, uint64_t *exits,
		       uint64_t *kicks);

/* The disks' accesses to their BARs that reached the VMM, and of them
 * the queue kicks (--stats). */
void machine_disk_exits(const struct machine *m, uint64_t *bar_exits,
			uint64_t *notify_exits);

/* Stops and joins the device thread, then closes the images and frees the
 * buses. Safe on an initialized machine. */
void machine_destroy(struct machine *m);

#endif
