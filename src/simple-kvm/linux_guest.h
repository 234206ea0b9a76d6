/* linux_guest.h - booting a Linux bzImage and running it to its end: the
 * steps simple-kvm --kernel takes, in order. */
#ifndef LINUX_GUEST_H
#define LINUX_GUEST_H

#include <stdint.h>

#include "bzimage.h"
#include "errbuf.h"
#include "hypercall_host.h"
#include "linux_console.h"
#include "preempt.h"

struct vm;
struct vcpu;

/* Default guest RAM for a Linux boot: room for a distribution kernel's
 * decompression (it runs at 16 MiB and needs its init_size above) and a
 * small initramfs. */
#define LINUX_RAM_DEFAULT (256ULL << 20)

/* The console's tick: how often stdin is read while the guest sleeps in
 * HLT, which the in-kernel LAPIC handles without leaving KVM_RUN. */
#define LINUX_TICK_NS 10000000ULL

/*
 * Reads kernel (a bzImage) and initrd (NULL: none) and lays them out in
 * the VM's RAM with cmdline (bz_load). Every failure is the files' or
 * the user's: a missing or malformed file, a command line too long, RAM
 * too small; a negative errno with one line in err. *layout says where
 * things went.
 */
int linux_load(struct vm *vm, const char *kernel, const char *initrd,
	       const char *cmdline, struct bz_layout *layout,
	       struct errbuf *err);

/* The 32-bit boot protocol's entry state (KVM calls only); the CPUID
 * came with the vCPU (the PC platform's set_cpuid hook). */
int linux_enter(struct vcpu *vcpu, struct errbuf *err);

/*
 * The tick: a periodic LINUX_TICK_NS timer whose signal, like SIGINT and
 * SIGTERM, only KVM_RUN lets through. 0 or a negative errno.
 */
int linux_tick_start(struct preempt_timer *tick, struct vcpu *vcpu,
		     struct errbuf *err);

/* How a Linux run ended. */
enum linux_end {
	LINUX_RESET,	  /* reset via port 0x64, or triple fault (reboot) */
	LINUX_GUEST_EXIT, /* a guest program called HC_exit; see *exit_code */
	LINUX_QUIT,	  /* Ctrl-A X on the terminal */
	LINUX_TIMEOUT,	  /* timeout_ns passed */
	LINUX_STOPPED,	  /* SIGINT or SIGTERM */
	LINUX_CRASHED,	  /* an exit nothing serves; err says which */
	LINUX_BAD_CALL,	  /* a hypercall broke the ABI; err says how */
	LINUX_HOST_ERROR, /* KVM_RUN failed */
	LINUX_OUTPUT_ERR, /* writing the console's output failed (EPIPE) */
};

/*
 * Runs the vCPU until the guest resets or something stops it: ports go
 * through the port bus (where the console's devices are, linux_console_
 * attach; the hypercall ABI is added here), MMIO through the MMIO bus (NULL:
 * none), and at each tick stdin is read and output flushed. A device's
 * reset or power-off ends the run as LINUX_RESET. timeout_ns 0: no limit.
 * *exit_code is set for LINUX_GUEST_EXIT.
 */
enum linux_end linux_run(struct vcpu *vcpu, struct hc_env *hc,
			 struct bus *ports, struct bus *mmio,
			 struct linux_console *con,
			 const struct preempt_timer *tick, uint64_t timeout_ns,
			 uint32_t *exit_code, struct errbuf *err);

#endif
