/* linux.h - simple-kvm --kernel: the options of a Linux boot and the one
 * call that runs it. */
#ifndef SIMPLE_KVM_LINUX_H
#define SIMPLE_KVM_LINUX_H

#include <stdint.h>

#include "kvm_stats.h"
#include "machine.h"

struct kvm_dev;

struct linux_options {
	const char *kernel; /* bzImage or vmlinux; NULL: not a Linux boot */
	const char *initrd; /* NULL: none */
	const char *append; /* the kernel command line; NULL: empty */
	uint64_t mem_size;
	uint64_t timeout_ns; /* 0: none */
	const char *timeout_text;
	enum stats_format stats;
	uint32_t denied;
	int no_seccomp;
	int verbose;
	int raw_output; /* no escaping on a terminal either */
	int disk_traps; /* --no-ioeventfd: kicks trap, the vCPU serves */
	struct disk_spec disks[MACHINE_MAX_DISKS]; /* --disk, in order */
	unsigned ndisks;
	int rng;	    /* --rng: a virtio-rng device */
	int console_virtio; /* --console virtio: stdin and stdout on hvc0 */
	struct net_spec nets[MACHINE_MAX_NICS]; /* --net, in order */
	unsigned nnets;
	int boot; /* --boot: an enum kimg_boot */
	int boot_given;
	const char *kernel_cache; /* --kernel-cache DIR; NULL: the default */
	int fill_cache;		  /* --fill-kernel-cache: no VM, no KVM */
	const char *extract;	  /* --extract-vmlinux FILE: no VM, no KVM */
	unsigned ncpus;		  /* --cpus: 1 to LINUX_MAX_CPUS */
	const char *gdb;	  /* --gdb PORT or unix:PATH, else NULL */
};

/*
 * --fill-kernel-cache: decompresses o->kernel's payload into the kernel
 * cache (or finds it there) and says so on stderr; no VM. Returns 0, 65
 * for a kernel whose payload cannot be decompressed, 70 when the cache
 * has no place or cannot be written.
 */
int linux_fill_main(const struct linux_options *o);

/*
 * --extract-vmlinux FILE: writes the vmlinux a PVH boot of o->kernel
 * enters to FILE (for gdb: docs/debugging.md), through the kernel cache
 * when there is one; no VM. Returns 0, 65 for a kernel with no PVH
 * vmlinux to give, 70 when FILE cannot be written.
 */
int linux_extract_main(const struct linux_options *o);

/*
 * Boots o->kernel in a new VM made from kvm and runs it to its end;
 * prints its own diagnostics and returns simple-kvm's exit status: 0 when
 * the guest rebooted (reboot, panic with panic=-1) or Ctrl-A X was typed,
 * the code of a guest program's HC_exit, 65 for a bad kernel, initrd or command
 * line or too little RAM, 70, 71, 72, 124, 130 as for any guest.
 */
int linux_main(const struct kvm_dev *kvm, const struct linux_options *o);

#endif
