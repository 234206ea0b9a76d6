/* pci.h - PCI bus 0: a host bridge, configuration mechanism #1, memory BARs
 * in a hole below 4 GiB, capabilities and MSI-X. */
#ifndef PCI_H
#define PCI_H

#include <pthread.h>
#include <stdint.h>

#include "bus.h"
#include "errbuf.h"

#define PCI_SLOTS    32
#define PCI_CFG_SIZE 256
#define PCI_NUM_BARS 6
#define PCI_MSIX_MAX 32

/* Configuration space offsets and bits (PCI Local Bus 3.0, 6.1). */
#define PCI_VENDOR_ID		    0x00
#define PCI_DEVICE_ID		    0x02
#define PCI_COMMAND		    0x04
#define PCI_COMMAND_MEMORY	    0x0002
#define PCI_COMMAND_MASTER	    0x0004
#define PCI_COMMAND_INTX_DISABLE    0x0400
#define PCI_STATUS		    0x06
#define PCI_STATUS_INTERRUPT	    0x0008
#define PCI_STATUS_CAP_LIST	    0x0010
#define PCI_REVISION_ID		    0x08
#define PCI_HEADER_TYPE		    0x0e
#define PCI_BAR0		    0x10
#define PCI_SUBSYSTEM_VENDOR_ID	    0x2c
#define PCI_SUBSYSTEM_ID	    0x2e
#define PCI_CAPABILITY_LIST	    0x34
#define PCI_INTERRUPT_LINE	    0x3c
#define PCI_INTERRUPT_PIN	    0x3d
#define PCI_BAR_MEM_64		    0x4
#define PCI_BAR_PREFETCH	    0x8
#define PCI_CAP_ID_VNDR		    0x09
#define PCI_CAP_ID_MSIX		    0x11
#define PCI_MSIX_FLAGS		    2 /* message control, from the capability */
#define PCI_MSIX_FLAGS_MASKALL	    0x4000
#define PCI_MSIX_FLAGS_ENABLE	    0x8000
#define PCI_MSIX_ENTRY_SIZE	    16
#define PCI_MSIX_ENTRY_CTRL_MASKBIT 1

/* The configuration ports of mechanism #1: address at 0xcf8, data at
 * 0xcfc..0xcff. */
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_PORTS   8

/* The host bridge at 00:00.0 is QEMU q35's: Intel's 82G33 MCH, which
 * Linux knows and leaves alone. */
#define PCI_HOST_VENDOR 0x8086
#define PCI_HOST_DEVICE 0x29c0

/* An MSI message: a 32-bit write of data to addr (the local APIC's
 * window at 0xfee00000 on x86). */
struct pci_msi_msg {
	uint64_t addr;
	uint32_t data;
};

struct pci_func;

/*
 * Delivers vector's message. The KVM side implements it: an irqfd write
 * to a GSI routed to msg (it updates the route when msg changed since the
 * last time), or KVM_SIGNAL_MSI. Called with the function's MSI-X lock
 * held, from a vCPU thread or a device's; it must not call back into pci.
 */
typedef void (*pci_msi_fn)(void *ctx, struct pci_func *f, unsigned vector,
			   const struct pci_msi_msg *msg);

/*
 * A vector whose interrupts something outside the VMM raises (vhost-net
 * writing an eventfd): bind returns that eventfd, which delivers msg
 * while the vector is unmasked and is held while it is masked (a write
 * then waits for the unmask); update follows every later change of the
 * vector's message or mask; release ends that (its interrupts come
 * through pci_msix_notify again). The KVM side implements them with the
 * vector's irqfd (msi_router.h). Called with the function's MSI-X lock
 * held; they must not call back into pci.
 */
struct pci_msi_kernel_ops {
	int (*bind)(void *ctx, struct pci_func *f, unsigned vector,
		    const struct pci_msi_msg *msg, int masked);
	void (*update)(void *ctx, struct pci_func *f, unsigned vector,
		       const struct pci_msi_msg *msg, int masked);
	void (*release)(void *ctx, struct pci_func *f, unsigned vector);
};

/*
 * Drives the INTx line of f, wired to gsi: level 1 asserts it (again,
 * after a resample), 0 lowers it. The KVM side implements it with a
 * resampling irqfd (level-triggered: KVM lowers the line at the guest's
 * EOI and signals the resample eventfd, whose handler calls
 * pci_intx_resample). Called with the function's interrupt lock held.
 */
typedef void (*pci_intx_fn)(void *ctx, struct pci_func *f, unsigned gsi,
			    int level);

/* The identity a function shows in its configuration header. */
struct pci_id {
	uint16_t vendor, device;
	uint32_t class_code; /* base class, subclass, prog-if: 0x060000 */
	uint8_t revision;
	uint16_t subsys_vendor, subsys_id;
};

/* A device's hooks, all optional, called on the vCPU thread. */
struct pci_func_ops {
	/* Before the guest reads configuration bytes [off, off + len), for
	 * capabilities whose bytes the device computes. */
	void (*cfg_read)(struct pci_func *f, uint32_t off, uint32_t len);
	/* After the guest wrote [off, off + len) (writable bits only). */
	void (*cfg_write)(struct pci_func *f, uint32_t off, uint32_t len);
	/* BAR bar now decodes at addr (mapped 1) or no longer (mapped 0):
	 * where ioeventfds on the BAR must follow it. */
	void (*bar_moved)(struct pci_func *f, unsigned bar, uint64_t addr,
			  int mapped);
};

struct pci_bar {
	uint64_t size; /* a power of two, 4 KiB or more; 0: no BAR */
	int is64;
	int mapped; /* registered on the MMIO bus at mapped_at */
	uint64_t mapped_at;
	const char *name;
	bus_read_fn read; /* the device's, by offset into the BAR */
	bus_write_fn write;
	void *opaque;
	struct pci_func *f; /* for the bus's handlers */
};

/* MSI-X state. The lock makes a device thread's notify safe beside a
 * vCPU's table and control writes. */
/* INTx: the device's level and what reaches the line. */
struct pci_intx {
	int wired; /* pci_func_add_intx was called */
	unsigned gsi;
	int level; /* the device's */
	int out;   /* the line's: level, unless the command register masks */
};

struct pci_msix {
	unsigned nvec; /* 0: no MSI-X */
	uint8_t cap;   /* the capability's configuration offset */
	unsigned bar;
	uint32_t table_off, pba_off;
	int enabled, masked; /* the control bits, copied under the lock */
	uint32_t kernel;     /* bit v: vector v bound (pci_msix_irqfd) */
	uint8_t table[PCI_MSIX_MAX * PCI_MSIX_ENTRY_SIZE];
	uint32_t pending; /* the PBA: bit v for vector v */
	pthread_mutex_t lock;
};

struct pci_bus;

/* One function (function 0 of its slot): config space, BARs, MSI-X. */
struct pci_func {
	uint8_t cfg[PCI_CFG_SIZE];
	uint8_t wmask[PCI_CFG_SIZE]; /* bits the guest may write */
	struct pci_bar bar[PCI_NUM_BARS];
	struct pci_msix msix; /* its lock is the function's interrupt lock */
	struct pci_intx intx;
	const struct pci_func_ops *ops;
	struct pci_bus *bus; /* set by pci_register */
	unsigned slot;
	uint8_t cap_link; /* where the next capability's offset goes */
	uint8_t cap_free; /* first free configuration byte */
};

struct pci_bus {
	struct bus *mmio;
	struct pci_func *slots[PCI_SLOTS];
	struct pci_func host;	 /* 00:00.0 */
	uint32_t config_address; /* 0xcf8 */
	uint64_t hole_next, hole_last;
	pci_msi_fn msi;
	void *msi_ctx;
	pci_intx_fn intx; /* optional: pci_bus_set_intx */
	void *intx_ctx;
	const struct pci_msi_kernel_ops *kernel; /* optional: set_msi_kernel */
	void *kernel_ctx;
	/* BAR placements the MMIO bus refused (a guest put two BARs over
	 * each other); that BAR decodes nothing until moved. */
	unsigned map_conflicts;
};

/*
 * Sets up bus 0 with the host bridge, registers the configuration ports
 * on ports, and takes the BAR hole [hole_base, hole_base + hole_len) (the
 * caller reserves it in the memory map). msi delivers MSI-X messages.
 * 0, or a negative errno with one line.
 */
int pci_bus_init(struct pci_bus *pb, struct bus *ports, struct bus *mmio,
		 uint64_t hole_base, uint64_t hole_len, pci_msi_fn msi,
		 void *msi_ctx, struct errbuf *err);

/*
 * ECAM (PCI Express enhanced configuration) for bus 0 on mmio: 4 KiB per
 * function at base + (slot << 15 | function << 12), 1 MiB in all. The
 * same space as 0xcf8 (bytes from 256 read as 0: no extended
 * capabilities). For a bare guest told the base; Linux finds it only
 * through ACPI's MCFG. Put it outside the BAR hole (q35 has it at
 * 0xb0000000). 0, or a negative errno with one line.
 */
#define PCI_ECAM_BUS0_SIZE 0x100000u
int pci_bus_add_ecam(struct pci_bus *pb, uint64_t base, struct errbuf *err);

/* Where INTx levels go (none until set: a level then changes nothing
 * but the status bit). */
void pci_bus_set_intx(struct pci_bus *pb, pci_intx_fn intx, void *ctx);

/* Lets pci_msix_irqfd bind vectors through ops (ctx: msi_router). */
void pci_bus_set_msi_kernel(struct pci_bus *pb,
			    const struct pci_msi_kernel_ops *ops, void *ctx);

/* Frees what the functions hold (not the buses, which the caller owns). */
void pci_bus_destroy(struct pci_bus *pb);

/* A function with this identity, no BARs and no capabilities yet. */
void pci_func_init(struct pci_func *f, const struct pci_id *id,
		   const struct pci_func_ops *ops);

/*
 * Declares memory BAR bar (0..5; a 64-bit one takes bar + 1 too) of size
 * bytes (a power of two, 4 KiB..1 GiB) whose accesses go to read/write by
 * offset. Before pci_register. 0, or -EINVAL with one line.
 */
int pci_func_add_bar(struct pci_func *f, unsigned bar, uint64_t size, int is64,
		     const char *name, bus_read_fn read, bus_write_fn write,
		     void *opaque, struct errbuf *err);

/*
 * Appends a capability of len bytes (id, next, then len - 2 of the
 * device's, read-only unless it sets wmask) to the list. Returns its
 * configuration offset, or -ENOSPC with one line.
 */
int pci_func_add_cap(struct pci_func *f, uint8_t id, uint8_t len,
		     struct errbuf *err);

/*
 * Gives the function nvec (1..PCI_MSIX_MAX) MSI-X vectors, with the table
 * at table_off and the PBA at pba_off inside BAR bar (already added; the
 * table and PBA then answer there instead of the device). Every vector
 * starts masked. 0, or a negative errno with one line.
 */
int pci_func_add_msix(struct pci_func *f, unsigned nvec, unsigned bar,
		      uint32_t table_off, uint32_t pba_off, struct errbuf *err);

/*
 * Wires f's INTA# to gsi (an IOAPIC pin, 0..23) and shows it to the guest
 * as interrupt pin 1 and line gsi (the line is the guest's to rewrite;
 * the wiring stays). 0, or -EINVAL with one line.
 */
int pci_func_add_intx(struct pci_func *f, unsigned gsi, struct errbuf *err);

/*
 * Puts f in slot (1..31) and assigns its BARs from the hole, each aligned
 * to its size; memory decoding starts off, as after a PCI reset. 0, or
 * -EEXIST, -EINVAL or -ENOSPC with one line.
 */
int pci_register(struct pci_bus *pb, struct pci_func *f, unsigned slot,
		 struct errbuf *err);

/* A configuration access to f, as a guest makes it: len 1, 2 or 4 inside
 * one aligned dword of the 256 bytes; anything else reads all ones and
 * writes nothing. Writes change writable bits only, then move BARs and
 * deliver MSI-X messages that the write unmasked. */
uint32_t pci_cfg_read(struct pci_func *f, uint32_t off, uint32_t len);
void pci_cfg_write(struct pci_func *f, uint32_t off, uint32_t val,
		   uint32_t len);

/* Where BAR bar decodes now: 1 and *addr, or 0 when it does not. */
int pci_bar_address(const struct pci_func *f, unsigned bar, uint64_t *addr);

enum pci_msix_outcome {
	PCI_MSIX_SENT,	  /* delivered through the bus's msi callback */
	PCI_MSIX_PENDING, /* masked: its pending bit is set */
	PCI_MSIX_DROPPED, /* MSI-X off, or no such vector (no INTx here) */
};

/* Sets the device's INTx level; the line follows unless the command
 * register's INTx-disable bit holds it low, and the status register's
 * interrupt bit shows the level. Safe from any thread; no-op unwired. */
void pci_intx_set(struct pci_func *f, int level);

/* The line was resampled (the guest's EOI lowered it): asserts it again
 * while the device's level is still high. */
void pci_intx_resample(struct pci_func *f);

/* True while MSI-X is enabled (the device then sends no INTx). */
int pci_msix_enabled(struct pci_func *f);

/* Vector v of f fires (a device's interrupt): sent, left pending until
 * unmasked, or dropped. Safe from any thread. */
enum pci_msix_outcome pci_msix_notify(struct pci_func *f, unsigned v);

/*
 * An eventfd that raises vector v of f with no VMM in the way (the
 * bus's kernel ops), kept in step with the vector's message and mask
 * from now on; -1 when MSI-X is off, v is not a vector, or the bus has no
 * kernel ops (the caller then delivers through pci_msix_notify).
 */
int pci_msix_irqfd(struct pci_func *f, unsigned v);

/* Ends what pci_msix_irqfd(f, v) began. */
void pci_msix_irqfd_release(struct pci_func *f, unsigned v);

#endif
