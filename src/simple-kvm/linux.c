/* linux.c - simple-kvm's Linux boot: from options to an exit status. */
#include "linux.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "acpi_pm.h"
#include "exit_stats.h"
#include "gdb_probe.h"
#include "gdbstub.h"
#include "guest_va.h"
#include "hypercall_host.h"
#include "kvm.h"
#include "kernel_cache.h"
#include "layout.h"
#include "kvm_stats.h"
#include "linux_guest.h"
#include "linux_smp.h"
#include "machine.h"
#include "mptable.h"
#include "outbuf.h"
#include "pc_platform.h"
#include "preempt.h"
#include "run_output.h"
#include "seccomp_filter.h"
#include "status.h"
#include "vm.h"

static uint64_t guest_rip(struct vcpu *vcpu)
{
	struct kvm_regs regs;

	return vcpu_get_regs(vcpu, &regs, NULL) ? 0 : regs.rip;
}

static void report(struct vcpu *vcpu, struct outbuf *out, const char *what,
		   const char *detail)
{
	char place[40];

	snprintf(place, sizeof(place), "RIP 0x%" PRIx64, guest_rip(vcpu));
	run_output_stopped(out, "the console's output", place, what, detail);
}

/* The exit status for how the run ended, with its one line. */
static int end_status(struct vcpu *vcpu, struct outbuf *out, enum linux_end end,
		      uint32_t exit_code, const struct linux_options *o,
		      const struct errbuf *err)
{
	switch (end) {
	case LINUX_RESET:
	case LINUX_POWEROFF:
	case LINUX_QUIT:
		return STATUS_OK;
	case LINUX_GUEST_EXIT:
		return (int)exit_code;
	case LINUX_TIMEOUT:
		report(vcpu, out, "timeout: still running after ",
		       o->timeout_text);
		return STATUS_TIMEOUT;
	case LINUX_STOPPED:
		report(vcpu, out, "stopped by a signal", "");
		return STATUS_INTERRUPTED;
	case LINUX_GDB_KILL: { /* or SIGINT/SIGTERM while gdb held it */
		int signo = preempt_stop_requested();

		report(vcpu, out, "stopped by ",
		       signo ? strsignal(signo) : "gdb's kill request");
		return STATUS_INTERRUPTED;
	}
	case LINUX_CRASHED:
		report(vcpu, out, err->msg, "");
		return STATUS_GUEST_CRASH;
	case LINUX_BAD_CALL:
		report(vcpu, out, "bad hypercall: ", err->msg);
		return STATUS_BAD_HYPERCALL;
	case LINUX_OUTPUT_ERR:
		report(vcpu, out, err->msg, "");
		return STATUS_IO_ERROR;
	case LINUX_HOST_ERROR:
		break;
	}
	report(vcpu, out, err->msg, "");
	return STATUS_HOST;
}

/* The disks' own exits, for --stats (counted with or without the device
 * thread, so that the two can be compared). */
static void add_disk_stats(const struct machine *m, struct exit_stats *stats)
{
	uint64_t exits, kicks;

	if (!m->ndisks)
		return;
	machine_disk_exits(m, &exits, &kicks);
	stats_add_device(stats, "virtio-blk", exits, kicks);
}

/* The NICs' own exits, for --stats: beside their packets (the lines of
 * machine_net_report) the exits per packet, near 0 with the kicks on
 * ioeventfds. */
static void add_net_stats(const struct machine *m, struct exit_stats *stats)
{
	uint64_t exits, kicks;

	if (!m->nnics)
		return;
	machine_net_exits(m, &exits, &kicks);
	stats_add_device(stats, "virtio-net", exits, kicks);
}

/* -v: how the guest ended the machine, when it did (ACPI or not). */
static void say_end(enum linux_end end, const struct linux_console *con,
		    const struct acpi_pm *pm)
{
	if (end == LINUX_POWEROFF)
		fprintf(stderr,
			"simple-kvm: the guest powered off: ACPI S5, "
			"PM1a_CNT 0x%04x written to port 0x%x\n",
			pm->slp_cnt, ACPI_PM_BASE + ACPI_PM1_CNT);
	else if (end == LINUX_RESET && pm->event == ACPI_PM_RESET)
		fprintf(stderr,
			"simple-kvm: the guest reset the machine: the ACPI "
			"reset register (port 0x%x)\n",
			ACPI_PM_BASE + ACPI_RESET_REG);
	else if (end == LINUX_RESET && con->reset)
		fprintf(stderr, "simple-kvm: the guest reset the machine: the "
				"keyboard controller (0xfe to port 0x64)\n");
	else if (end == LINUX_RESET)
		fprintf(stderr, "simple-kvm: the guest reset the machine: a "
				"triple fault (KVM_EXIT_SHUTDOWN)\n");
}

/* --- --cpus: the other vCPUs (linux_smp.h) ---------------------------- */

/* Their threads, before the process's lockdown (which forbids making
 * one): each installs the same allowlist on itself. */
static int start_aps(struct vm *vm, struct linux_smp *smp,
		     const struct hc_env *env, struct machine *m,
		     const struct linux_options *o, struct errbuf *err)
{
	int ret = linux_smp_init(smp, vm, err);

	if (!ret && vm->nvcpus > 1)
		ret = linux_smp_start(smp, env, &m->ports, &m->mmio,
				      !o->no_seccomp && !o->gdb, err);
	return ret;
}

/*
 * --gdb: the stub, with each vCPU as a thread. Linux has its own IDT, so
 * software breakpoints are port traps; where this KVM's debug registers do
 * not fire (the sandbox), hardware breakpoints are traps too, and we say
 * so. Before the tick and the APs, whose KVM_RUN masks then let the
 * stub's SIGIO through.
 */
static int open_gdb(struct gdbstub *gdb, struct vm *vm, struct linux_smp *smp,
		    struct machine *m, const struct linux_options *o,
		    const struct linux_loaded *l, struct errbuf *err)
{
	struct vcpu *list[LINUX_MAX_CPUS];
	struct gdb_cpus cpus = {.vcpu = list, .n = vm->nvcpus};
	int fires = gdb_probe_dr_fires(vm->kvm, err);
	int ret;

	if (fires < 0)
		return fires;
	for (unsigned i = 0; i < vm->nvcpus; i++)
		list[i] = vm_vcpu(vm, i);
	if (vm->nvcpus > 1) {
		cpus.kick = linux_smp_kick;
		cpus.ctx = smp;
	}
	ret = gdbstub_open(gdb, o->gdb, &cpus, 1, stderr, err);
	if (!ret)
		ret = gdbstub_use_port_traps(gdb, &m->ports, !fires, err);
	if (!ret && l->path == KIMG_PVH) /* a bzImage's is wherever it goes */
		gdbstub_set_image_alias(
			gdb, l->pvh.kernel_vstart, l->pvh.kernel_start,
			l->pvh.kernel_end - l->pvh.kernel_start);
	if (ret)
		gdbstub_finish(gdb, -1);
	else if (!fires)
		fprintf(stderr,
			"simple-kvm: gdb: this KVM's debug registers do not "
			"fire (QEMU's emulated SVM): hardware breakpoints are "
			"planted traps as well, watchpoints are checked by "
			"stepping\n");
	return ret;
}

/* --stats with several vCPUs: the total, then each vCPU's line. */
static void report_vcpus(struct vm *vm, struct linux_smp *smp,
			 const struct exit_stats *bsp_stats, uint64_t bsp_ns,
			 const struct machine *m, enum stats_format format)
{
	struct vcpu_report v[LINUX_MAX_CPUS];
	struct exit_stats total = *bsp_stats;

	v[0] = (struct vcpu_report){&vm->vcpu, bsp_stats, bsp_ns};
	for (unsigned i = 1; i < smp->n; i++) {
		const struct linux_ap *ap = &smp->aps[i - 1];

		stats_merge(&total, &ap->stats);
		v[i] = (struct vcpu_report){ap->vcpu, &ap->stats, ap->cpu_ns};
	}
	add_disk_stats(m, &total);
	add_net_stats(m, &total);
	kvm_stats_report_vcpus(v, smp->n, &total, format, stderr);
}

/*
 * The run, once the guest is loaded. The seccomp allowlist goes on here,
 * on a terminal too: putting the terminal back in its mode at the end is
 * TCSETS, which the allowlist lets through.
 */
static int run(struct vm *vm, const struct linux_options *o,
	       const struct linux_loaded *l, struct linux_console *con,
	       struct machine *m, const struct acpi_pm *pm, struct outbuf *out,
	       struct errbuf *err)
{
	struct exit_stats stats = {0};
	struct hc_env env = hc_env_for_vcpu(&vm->vcpu, &stats, out->stream);
	struct preempt_timer tick = {0};
	const bool smp_on = vm->nvcpus > 1;
	struct linux_smp smp = {0};
	/* gdbstub_finish on an error path finds nothing open */
	struct gdbstub gdb = {.listen_fd = -1, .conn_fd = -1};
	struct gdbstub *gdb_on = o->gdb ? &gdb : NULL;
	uint64_t bsp_ns = 0;
	uint32_t exit_code = 0;
	unsigned who = 0;
	enum linux_end end;
	int status;

	env.denied = o->denied;
	env.outbuf = out;
	/* On a terminal, hypercall output is escaped as in the bare mode, and
	 * the console passes only what stays on the screen (docs/linux.md). */
	env.escape_controls = !o->raw_output && isatty(STDOUT_FILENO);
	con->escape = env.escape_controls;
	m->console.escape = env.escape_controls;
	if ((gdb_on && open_gdb(&gdb, vm, &smp, m, o, l, err)) ||
	    linux_tick_start(&tick, &vm->vcpu, smp_on ? LINUX_KICK_SIGNAL : 0,
			     err) ||
	    (smp_on && start_aps(vm, &smp, &env, m, o, err)) ||
	    (!o->no_seccomp && !gdb_on && seccomp_lockdown(err))) {
		fprintf(stderr, "simple-kvm: %s\n", err->msg);
		if (smp_on && smp.ready) { /* the lockdown failed: stop them */
			end = LINUX_HOST_ERROR;
			linux_smp_finish(&smp, &end, &exit_code, err);
		}
		linux_smp_destroy(&smp);
		preempt_destroy(&tick);
		gdbstub_finish(&gdb, -1);
		linux_console_close(con);
		return STATUS_HOST;
	}
	smp.gdb = gdb_on; /* before the APs' go, in linux_run */
	bsp_ns = linux_thread_cpu_ns();
	if (gdb_on && gdbstub_attach(&gdb) == GDB_KILL)
		end = LINUX_GDB_KILL;
	else
		end = linux_run(&vm->vcpu, &env, &m->ports, &m->mmio, con,
				&tick, o->timeout_ns, smp_on ? &smp : NULL,
				gdb_on, &exit_code, err);
	bsp_ns = linux_thread_cpu_ns() - bsp_ns;
	/* every vCPU out of KVM_RUN, the end the first one saw */
	if (smp_on)
		who = linux_smp_finish(&smp, &end, &exit_code, err);
	preempt_destroy(&tick);
	linux_console_close(con);
	if (o->verbose)
		say_end(end, con, pm);
	status = end_status(vm_vcpu(vm, who), out, end, exit_code, o, err);
	status = run_output_end(out, "the console's output", status);
	gdbstub_finish(&gdb, status); /* gdb hears the exit status */
	if (smp_on) {
		report_vcpus(vm, &smp, &stats, bsp_ns, m, o->stats);
	} else {
		add_disk_stats(m, &stats);
		add_net_stats(m, &stats);
		kvm_stats_report(&vm->vcpu, &stats, o->stats, stderr);
	}
	if (o->stats) /* the thread may still run: a frame behind, at most */
		machine_net_report(m, o->stats == STATS_JSON, stderr);
	linux_smp_destroy(&smp);
	return status;
}

/* -v: which path the kernel takes, and from where. */
static void say_path(const struct linux_loaded *l, const char *cache_dir)
{
	char path[KCACHE_PATH_MAX] = "";

	if (l->path == KIMG_BZIMAGE) {
		fprintf(stderr,
			"simple-kvm: boot path bzimage: the bzImage's own "
			"32-bit entry, which decompresses the kernel in the "
			"guest (%s)\n",
			l->why_bzimage);
		return;
	}
	if (cache_dir)
		kcache_path(cache_dir, l->key, path, sizeof(path));
	fprintf(stderr, "simple-kvm: boot path pvh: entry 0x%" PRIx32 " of ",
		l->pvh_entry);
	if (l->source == KIMG_FROM_FILE)
		fprintf(stderr, "the vmlinux file\n");
	else if (l->source == KIMG_FROM_CACHE)
		fprintf(stderr, "the vmlinux in the cache (hit): %s%s\n", path,
			l->key_indexed ? " (its key from the cache's index, "
					 "the bzImage not hashed)"
				       : "");
	else
		fprintf(stderr,
			"the vmlinux decompressed from the %s payload in "
			"%.2f s (cache miss)%s%s\n",
			l->format, l->decompress_ns / 1e9,
			l->stored ? ", cached as " : "", l->stored ? path : "");
}

/* -v: where the boot loader put things. */
static void say_layout(const struct vm *vm, const struct linux_loaded *l)
{
	if (l->path == KIMG_PVH) {
		const struct pvh_layout *p = &l->pvh;

		fprintf(stderr,
			"simple-kvm: Linux boot, %" PRIu64
			" MiB of RAM at host address %p; start info 0x%llx "
			"(%u memmap entries), command line 0x%llx, kernel "
			"0x%" PRIx64 "-0x%" PRIx64,
			vm->mem.size >> 20, (void *)vm->mem.host,
			PVH_START_INFO, p->memmap_entries, PVH_CMDLINE_ADDR,
			p->kernel_start, p->kernel_end);
		if (p->initrd_size)
			fprintf(stderr, ", initrd 0x%" PRIx64 "-0x%" PRIx64,
				p->initrd_addr,
				p->initrd_addr + p->initrd_size);
		fprintf(stderr, "\n");
		return;
	}
	const struct bz_layout *lay = &l->bz;

	fprintf(stderr,
		"simple-kvm: Linux boot, %" PRIu64
		" MiB of RAM at host address "
		"%p; zero page 0x%llx, command line 0x%llx, kernel 0x%llx "
		"needing RAM up to 0x%" PRIx64,
		vm->mem.size >> 20, (void *)vm->mem.host, BZ_ZERO_PAGE,
		BZ_CMDLINE_ADDR, BZ_KERNEL_ADDR, lay->kernel_end);
	if (lay->initrd_size)
		fprintf(stderr, ", initrd 0x%" PRIx64 "-0x%" PRIx64,
			lay->initrd_addr, lay->initrd_addr + lay->initrd_size);
	fprintf(stderr, "\n");
}

/* A PC, as Linux expects one: the in-kernel PICs, IOAPIC, PIT and LAPIC
 * before the vCPUs, and the PC's CPUID; --cpus of them. */
static struct vm_platform pc_platform(unsigned ncpus)
{
	return (struct vm_platform){
		.before_vcpu = pc_platform_create,
		.set_cpuid = pc_set_cpuid,
		.no_emulation_exit = 1,
		.ncpus = ncpus,
	};
}

/* The MP table (mptable.h): its processors, with the CPU's signature and
 * features from the CPUID the vCPUs got; Linux finds the CPUs there,
 * and the IOAPIC, whose pins then carry the ISA interrupts. */
static int place_mptable(struct vm *vm, struct errbuf *err)
{
	const struct kvm_cpuid2 *c = vm->kvm->cpuid;
	struct mptable_config mc = {.ncpus = vm->nvcpus};

	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == 1) {
			mc.cpu_signature = c->entries[i].eax;
			mc.cpu_features = c->entries[i].edx;
		}
	return mptable_place(&vm->mem, &mc, err);
}

/* --console virtio, on PCI beside the disks. The virtio console takes
 * stdin from the UART; the UART still prints, so the kernel's log stays
 * on ttyS0 until the command line says console=hvc0 (simple-kvm adds
 * nothing to it: docs/virtio.md). */
static int build_virtio_console(struct vm *vm, const struct linux_options *o,
				struct linux_console *con, struct machine *m,
				struct outbuf *out, struct errbuf *err)
{
	int ret = 0;

	if (o->console_virtio) {
		ret = machine_add_console(m, &vm->mem, out, 0, err);
		if (!ret)
			linux_console_input_to(con, &m->console);
	}
	return ret;
}

/* Whether the machine has PCI: any virtio device. */
static bool has_pci(const struct linux_options *o)
{
	return o->ndisks || o->rng || o->console_virtio || o->nnets;
}

/* The ACPI tables describe this machine: its vCPUs, and the PCI host
 * bridge with the BAR hole when there is PCI. */
static struct acpi_config acpi_for(const struct linux_options *o)
{
	struct acpi_config c = {
		.ncpus = o->ncpus,
		.pci = has_pci(o),
		.pci_mmio_base = LAYOUT_PCI_HOLE_BASE,
		.pci_mmio_size = LAYOUT_PCI_HOLE_SIZE,
	};

	return c;
}

/* The devices on the buses: the console's and the ACPI PM block, then PCI
 * with the disks. */
static int build_devices(struct vm *vm, const struct linux_options *o,
			 struct linux_console *con, struct machine *m,
			 struct acpi_pm *pm, struct outbuf *out,
			 struct errbuf *err)
{
	bool image_fault = false;
	bool pci = has_pci(o);
	int ret = linux_console_attach(con, &m->ports, err);

	acpi_pm_init(pm);
	if (!ret)
		ret = acpi_pm_attach(pm, &m->ports, err);

	/* Every other port Linux probes: a PC's empty ISA bus (reads 0xFF,
	 * writes dropped). */
	m->ports.unclaimed_ok = 1;

	/* The PC has an irqchip: a device's interrupts are MSI-X into KVM. */
	if (!ret && pci)
		ret = machine_enable_msi(m, vm->fd, err);
	if (!ret && o->ndisks)
		ret = machine_add_disks(m, o->disks, o->ndisks, &vm->mem,
					&image_fault, err);
	if (!ret && o->rng)
		ret = machine_add_rng(m, &vm->mem, err);
	/* --net: the NICs, their wires polled by the device thread */
	for (unsigned i = 0; !ret && i < o->nnets; i++)
		ret = machine_add_net(m, &o->nets[i], &vm->mem, err);
	/* Kicks on ioeventfds and a device thread, confined as the vCPU is
	 * (before the lockdown, which forbids making a thread). */
	if (!ret && (o->ndisks || o->rng || o->nnets) && !o->disk_traps)
		ret = machine_start_worker(m, vm->fd, !o->no_seccomp, err);
	if (!ret)
		ret = build_virtio_console(vm, o, con, m, out, err);
	if (!ret)
		return STATUS_OK;
	fprintf(stderr, "simple-kvm: %s\n", err->msg);
	return image_fault ? STATUS_IMAGE : STATUS_HOST;
}

/* The boot, once stdout is behind its buffer (outbuf.h): the program
 * composes its machine, as Firecracker's builder does. */
static int boot(const struct kvm_dev *kvm, const struct linux_options *o,
		struct outbuf *out)
{
	struct acpi_config acpi = acpi_for(o);
	struct linux_load_args la = {o->kernel,
				     o->initrd,
				     o->append ? o->append : "",
				     (enum kimg_boot)o->boot,
				     NULL,
				     &acpi};
	char cache_dir[KCACHE_PATH_MAX];
	struct acpi_pm pm;
	struct linux_console con;
	struct linux_loaded loaded;
	const struct vm_platform pc = pc_platform(o->ncpus);
	struct machine m;
	struct errbuf err;
	struct vm vm;
	int status;

	if (vm_create_platform(&vm, kvm, o->mem_size, &pc, &err)) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		return STATUS_HOST;
	}
	if (!kcache_dir(o->kernel_cache, cache_dir, sizeof(cache_dir)))
		la.cache_dir = cache_dir;
	if (linux_load(&vm, &la, &loaded, &err) || place_mptable(&vm, &err)) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		vm_destroy(&vm);
		return STATUS_IMAGE;
	}
	if (loaded.cache_note[0]) /* it costs every boot a decompression */
		fprintf(stderr, "simple-kvm: kernel cache: %s\n",
			loaded.cache_note);
	if (o->verbose) {
		say_path(&loaded, la.cache_dir);
		say_layout(&vm, &loaded);
		fprintf(stderr,
			"simple-kvm: ACPI: RSDP 0x%" PRIx64 ", tables up to "
			"0x%" PRIx64 " (%u CPU%s%s)\n",
			loaded.acpi.rsdp, loaded.acpi.rsdp + loaded.acpi.size,
			acpi.ncpus, acpi.ncpus == 1 ? "" : "s",
			acpi.pci ? ", the PCI host bridge" : "");
	}
	if (linux_enter(&vm.vcpu, &loaded, &err) ||
	    linux_console_open(&con, &vm, STDIN_FILENO, out->stream, &err)) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		vm_destroy(&vm);
		return STATUS_HOST;
	}
	machine_init(&m);
	status = build_devices(&vm, o, &con, &m, &pm, out, &err);
	if (status == STATUS_OK)
		status = run(&vm, o, &loaded, &con, &m, &pm, out, &err);
	else
		linux_console_close(&con);
	machine_destroy(&m);
	vm_destroy(&vm);
	return status;
}

int linux_fill_main(const struct linux_options *o)
{
	char dir[KCACHE_PATH_MAX];
	struct linux_loaded l;
	struct errbuf err;
	int ret;

	if (kcache_dir(o->kernel_cache, dir, sizeof(dir))) {
		fprintf(stderr, "simple-kvm: --fill-kernel-cache: no cache "
				"directory (no --kernel-cache, $XDG_CACHE_HOME "
				"or $HOME)\n");
		return STATUS_HOST;
	}
	ret = linux_fill_cache(o->kernel, dir, &l, &err);
	if (ret) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		return ret == -EIO ? STATUS_HOST : STATUS_IMAGE;
	}
	if (o->verbose || l.source != KIMG_FROM_CACHE)
		say_path(&l, dir);
	return STATUS_OK;
}

int linux_extract_main(const struct linux_options *o)
{
	char dir[KCACHE_PATH_MAX];
	struct linux_loaded l;
	struct errbuf err;
	size_t size;
	int ret, cached = !kcache_dir(o->kernel_cache, dir, sizeof(dir));

	ret = linux_extract_vmlinux(o->kernel, cached ? dir : NULL, o->extract,
				    &l, &size, &err);
	if (ret) {
		fprintf(stderr, "simple-kvm: --extract-vmlinux: %s\n", err.msg);
		return ret == -ENOEXEC || ret == -EBADMSG ? STATUS_IMAGE
							  : STATUS_HOST;
	}
	if (o->verbose)
		say_path(&l, cached ? dir : NULL);
	fprintf(stderr,
		"simple-kvm: wrote the vmlinux (%zu bytes, PVH entry 0x%" PRIx32
		") to %s\n",
		size, l.pvh_entry, o->extract);
	return STATUS_OK;
}

int linux_main(const struct kvm_dev *kvm, const struct linux_options *o)
{
	struct outbuf out;
	int status;

	if (run_output_open(&out))
		return STATUS_HOST;
	status = boot(kvm, o, &out);
	outbuf_close(&out);
	return status;
}
