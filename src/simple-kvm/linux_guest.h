/* linux_guest.h - booting a Linux bzImage and running it to its end: the
 * steps simple-kvm --kernel takes, in order. */
#ifndef LINUX_GUEST_H
#define LINUX_GUEST_H

#include <stdint.h>

#include "acpi_tables.h"
#include "bzimage.h"
#include "kernel_image.h"
#include "errbuf.h"
#include "hypercall_host.h"
#include "linux_console.h"
#include "linux_end.h"
#include "preempt.h"
#include "vcpu_loop.h"

struct vm;
struct vcpu;

/* Default guest RAM for a Linux boot: room for a distribution kernel's
 * decompression (it runs at 16 MiB and needs its init_size above) and a
 * small initramfs. */
#define LINUX_RAM_DEFAULT (256ULL << 20)

/* The console's tick: how often stdin is read while the guest sleeps in
 * HLT, which the in-kernel LAPIC handles without leaving KVM_RUN. */
#define LINUX_TICK_NS 10000000ULL

/* What --kernel, --initrd, --append, --boot and --kernel-cache ask for. */
struct linux_load_args {
	const char *kernel; /* a bzImage or a vmlinux */
	const char *initrd; /* NULL: none */
	const char *cmdline;
	enum kimg_boot boot;
	const char *cache_dir;		/* NULL: no cache */
	const struct acpi_config *acpi; /* the firmware tables; NULL: none */
};

/* Where things went and how, for -v and linux_enter. */
struct linux_loaded {
	enum kimg_path path;
	struct bz_layout bz;   /* KIMG_BZIMAGE */
	struct pvh_layout pvh; /* KIMG_PVH */
	uint32_t pvh_entry;
	enum kimg_source source;
	const char *format; /* the payload's, "" for a vmlinux */
	char key[SHA256_HEX];
	uint64_t decompress_ns;
	int stored;	 /* written to the cache */
	int key_indexed; /* the bzImage's key from the cache's index */
	char why_bzimage[sizeof(struct errbuf)];
	char cache_note[600];
	struct acpi_layout acpi; /* rsdp 0: no tables */
};

/*
 * Reads the kernel and initrd and lays them out in the VM's RAM with
 * cmdline: a vmlinux, or the vmlinux inside a bzImage (kimg_prepare:
 * the cache, or the payload decompressed), by its PVH note (pvh_load);
 * the bzImage itself when args->boot or its payload says so (bz_load).
 * With args->acpi, the ACPI tables first (acpi_tables_write), their RSDP
 * given to the kernel by either path. The vmlinux's buffer is freed before this
 * returns. Every failure is the files' or the user's: a missing or malformed
 * file, a command line too long, RAM too small; a negative errno with one line
 * in err.
 */
int linux_load(struct vm *vm, const struct linux_load_args *args,
	       struct linux_loaded *out, struct errbuf *err);

/*
 * Fills the cache for kernel (a bzImage) without a VM: make linux and
 * make test run it natively before the sandbox boots. *out says whether
 * it was a hit. 0, or a negative errno with one line in err (a kernel
 * whose payload cannot be decompressed here, a cache not written).
 */
int linux_fill_cache(const char *kernel, const char *cache_dir,
		     struct linux_loaded *out, struct errbuf *err);

/*
 * --extract-vmlinux: writes the vmlinux that a PVH boot of kernel would
 * enter (a bzImage's payload, decompressed or from the cache when
 * cache_dir is not NULL; a vmlinux as it is) to path, through a
 * temporary file beside it and rename(), so path is the whole ELF or
 * untouched. *size is its length. 0, or a negative errno with one line in
 * err (no PVH vmlinux in kernel, path not writable).
 */
int linux_extract_vmlinux(const char *kernel, const char *cache_dir,
			  const char *path, struct linux_loaded *out,
			  size_t *size, struct errbuf *err);

/* The entry state of the path linux_load took (KVM calls only): the
 * 32-bit boot protocol's, or PVH's; the CPUID came with the vCPU (the
 * PC platform's set_cpuid hook). */
int linux_enter(struct vcpu *vcpu, const struct linux_loaded *loaded,
		struct errbuf *err);

/*
 * The tick: a periodic LINUX_TICK_NS timer whose signal, like SIGINT and
 * SIGTERM, only KVM_RUN lets through; kick_signo too when not 0 (the
 * other vCPUs' threads end this one's KVM_RUN with it: linux_smp.h),
 * with a handler for every thread. 0 or a negative errno.
 */
int linux_tick_start(struct preempt_timer *tick, struct vcpu *vcpu,
		     int kick_signo, struct errbuf *err);

struct linux_smp;
struct gdbstub;

/*
 * Runs the vCPU until the guest resets or something stops it: ports go
 * through the port bus (where the console's devices are, linux_console_
 * attach; the hypercall ABI is added here), MMIO through the MMIO bus (NULL:
 * none), and at each tick stdin is read and output flushed. A device's
 * reset ends the run as LINUX_RESET, its power-off (BUS_STOP) as
 * LINUX_POWEROFF. timeout_ns 0: no limit.
 * *exit_code is set for LINUX_GUEST_EXIT. With smp (--cpus, else NULL)
 * this is vCPU 0: the buses are served under smp's device lock, the APs
 * start once the hypercall device is on the bus, and the run also ends
 * (returning how) when another vCPU ended it. With gdb (--gdb, else
 * NULL) each event goes to the stub first, and the vCPU parks in it while
 * gdb holds the guest; gdb's kill ends the run as LINUX_GDB_KILL.
 */
enum linux_end linux_run(struct vcpu *vcpu, struct hc_env *hc,
			 struct bus *ports, struct bus *mmio,
			 struct linux_console *con,
			 const struct preempt_timer *tick, uint64_t timeout_ns,
			 struct linux_smp *smp, struct gdbstub *gdb,
			 uint32_t *exit_code, struct errbuf *err);

#endif
