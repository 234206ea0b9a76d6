/* linux_guest.c - simple-kvm --kernel: load, enter, tick and run. */
#include "linux_guest.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bzimage.h"
#include "clock.h"
#include "gdbstub.h"
#include "kernel_cache.h"
#include "linux_end.h"
#include "linux_smp.h"
#include "loader.h"
#include "pc_platform.h"
#include "vcpu_loop.h"
#include "vm.h"

/* What kimg_prepare decided, for -v. */
static void note_image(const struct kernel_image *k, struct linux_loaded *out)
{
	out->path = k->path;
	out->pvh_entry = k->pvh.entry;
	out->source = k->source;
	out->format =
		k->source == KIMG_FROM_FILE ? "" : dc_name(k->format, NULL, 0);
	memcpy(out->key, k->key, sizeof(out->key));
	out->decompress_ns = k->decompress_ns;
	out->stored = k->stored;
	out->key_indexed = k->key_indexed;
	memcpy(out->why_bzimage, k->why_bzimage, sizeof(out->why_bzimage));
	memcpy(out->cache_note, k->cache_note, sizeof(out->cache_note));
}

static int ident_of_path(const char *path, struct kindex_ident *id)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = kindex_ident_of(fd, id);
	close(fd);
	return ret;
}

/* The kernel file's bytes, and its identity in *id when the file did not
 * change while it was read (*have 1), for the cache's index. */
static int read_kernel(const char *path, uint8_t **image, size_t *size,
		       struct kindex_ident *id, int *have, struct errbuf *err)
{
	struct kindex_ident after;
	int ret;

	*have = !ident_of_path(path, id);
	ret = loader_read_file_max(path, PVH_MAX_FILE, image, size, err);
	if (!ret && *have)
		*have = !ident_of_path(path, &after) &&
			!memcmp(id, &after, sizeof(after));
	return ret;
}

/* The kernel, by the path kimg_prepare chose. */
static int place_kernel(struct vm *vm, const struct kernel_image *k,
			const char *cmdline, const uint8_t *rd, size_t rd_size,
			struct linux_loaded *out, struct errbuf *err)
{
	if (k->path == KIMG_PVH) {
		/* a bzImage's header says how long; a vmlinux has none */
		struct pvh_boot_args pa = {cmdline,
					   k->source == KIMG_FROM_FILE
						   ? PVH_CMDLINE_DEFAULT
						   : k->hdr.cmdline_size,
					   rd, rd_size, out->acpi.rsdp};

		return pvh_load(&vm->mem, k->elf, k->elf_size, &k->pvh, &pa,
				&out->pvh, err);
	}
	struct bz_boot_args ba = {cmdline, rd, rd_size, out->acpi.rsdp};

	return bz_load(&vm->mem, k->file, k->file_size, &k->hdr, &ba, &out->bz,
		       err);
}

int linux_load(struct vm *vm, const struct linux_load_args *args,
	       struct linux_loaded *out, struct errbuf *err)
{
	struct kimg_options ko = {args->boot, args->cache_dir, NULL};
	uint8_t *image = NULL, *rd = NULL;
	struct kernel_image k = {0};
	size_t size, rd_size = 0;
	struct kindex_ident id;
	int ret, have_id;

	memset(out, 0, sizeof(*out));
	ret = read_kernel(args->kernel, &image, &size, &id, &have_id, err);
	ko.ident = have_id ? &id : NULL;
	if (!ret && args->initrd)
		ret = loader_read_file(args->initrd, &rd, &rd_size, err);
	if (ret)
		goto out;
	ret = kimg_prepare(image, size, &ko, &k, err);
	if (ret) {
		err_wrap(err, ret, "%s", args->kernel);
		goto out;
	}
	note_image(&k, out);
	if (args->acpi)
		ret = acpi_tables_write(&vm->mem, args->acpi, &out->acpi, err);
	if (!ret)
		ret = place_kernel(vm, &k, args->cmdline, rd, rd_size, out,
				   err);
out:
	kimg_free(&k);
	free(image);
	free(rd);
	return ret;
}

/* len bytes to path, whole or not at all (a temporary file renamed). */
static int write_whole(const char *path, const uint8_t *data, size_t len,
		       struct errbuf *err)
{
	char tmp[4096 + 32];
	int n = snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());

	if (n < 0 || (size_t)n >= sizeof(tmp))
		return err_fail(err, ENAMETOOLONG, "%s: name too long", path);
	return kcache_write_replace(tmp, path, data, len, err);
}

/* The vmlinux a PVH boot of kernel enters, without a VM: kernel's bytes
 * in *image (the caller frees them and kimg_frees k, on failure too),
 * *out noted. 0, or a negative errno with a line naming kernel. */
static int prepare_pvh(const char *kernel, const char *cache_dir,
		       uint8_t **image, struct kernel_image *k,
		       struct linux_loaded *out, struct errbuf *err)
{
	struct kimg_options ko = {KIMG_BOOT_PVH, cache_dir, NULL};
	struct kindex_ident id;
	int ret, have_id;
	size_t size;

	memset(out, 0, sizeof(*out));
	*image = NULL;
	ret = read_kernel(kernel, image, &size, &id, &have_id, err);
	ko.ident = have_id ? &id : NULL;
	if (!ret)
		ret = kimg_prepare(*image, size, &ko, k, err);
	if (ret)
		return err_wrap(err, ret, "%s", kernel);
	note_image(k, out);
	return 0;
}

int linux_extract_vmlinux(const char *kernel, const char *cache_dir,
			  const char *path, struct linux_loaded *out,
			  size_t *size, struct errbuf *err)
{
	struct kernel_image k = {0};
	uint8_t *image;
	int ret = prepare_pvh(kernel, cache_dir, &image, &k, out, err);

	*size = 0;
	if (!ret)
		ret = write_whole(path, k.elf, k.elf_size, err);
	if (!ret)
		*size = k.elf_size;
	kimg_free(&k);
	free(image);
	return ret;
}

int linux_fill_cache(const char *kernel, const char *cache_dir,
		     struct linux_loaded *out, struct errbuf *err)
{
	struct kernel_image k = {0};
	uint8_t *image;
	int ret = prepare_pvh(kernel, cache_dir, &image, &k, out, err);

	if (!ret && k.source == KIMG_FROM_FILE)
		ret = err_fail(err, EINVAL,
			       "%s: a vmlinux already; nothing to cache",
			       kernel);
	else if (!ret && k.source == KIMG_FROM_PAYLOAD && !k.stored)
		ret = err_fail(err, EIO, "%s", k.cache_note);
	kimg_free(&k);
	free(image);
	return ret;
}

int linux_enter(struct vcpu *vcpu, const struct linux_loaded *loaded,
		struct errbuf *err)
{
	if (loaded->path == KIMG_PVH)
		return pc_enter_pvh(vcpu, BZ_GDT_ADDR, PVH_START_INFO,
				    loaded->pvh_entry, err);
	return pc_enter_boot32(vcpu, BZ_GDT_ADDR, BZ_ZERO_PAGE, BZ_KERNEL_ADDR,
			       err);
}

int linux_tick_start(struct preempt_timer *tick, struct vcpu *vcpu,
		     int kick_signo, struct errbuf *err)
{
	int ret = preempt_catch_stop_signals(err);

	if (!ret && kick_signo)
		ret = preempt_catch_signal(kick_signo, err);

	if (!ret)
		ret = preempt_init(tick, SIGRTMIN, err);
	if (!ret)
		ret = preempt_attach_vcpu(tick, vcpu, err);
	if (!ret)
		ret = preempt_arm_every(tick, LINUX_TICK_NS, err);
	return ret;
}

/* A tick or a signal: read the console, check the clock and the signals,
 * and whether another vCPU ended the run. Returns -1 to go on, or how
 * the run ends. */
static int on_interrupt(struct linux_console *con,
			const struct preempt_timer *tick, uint64_t deadline,
			struct linux_smp *smp, pthread_mutex_t *lock)
{
	int quit;

	preempt_drain(tick);
	if (preempt_stop_requested())
		return LINUX_STOPPED;
	if (smp && linux_smp_ended(smp))
		return linux_smp_end_of(smp);
	if (lock)
		pthread_mutex_lock(lock);
	linux_console_poll(con);
	quit = con->quit;
	if (lock)
		pthread_mutex_unlock(lock);
	if (quit)
		return LINUX_QUIT;
	if (deadline && monotonic_ns() >= deadline)
		return LINUX_TIMEOUT;
	return -1;
}

enum linux_end linux_run(struct vcpu *vcpu, struct hc_env *hc,
			 struct bus *ports, struct bus *mmio,
			 struct linux_console *con,
			 const struct preempt_timer *tick, uint64_t timeout_ns,
			 struct linux_smp *smp, struct gdbstub *gdb,
			 uint32_t *exit_code, struct errbuf *err)
{
	struct vcpu_loop loop = {.vcpu = vcpu, .hc = hc, .mmio = mmio};
	uint64_t deadline = timeout_ns ? monotonic_ns() + timeout_ns : 0;
	struct vcpu_exit ex;
	enum vcpu_event ev;
	int end;

	if (vcpu_loop_add_hypercalls(&loop, ports, err))
		return LINUX_HOST_ERROR;
	if (smp) { /* the other vCPUs share the buses from now on */
		loop.lock = &smp->dev_lock;
		linux_smp_go(smp);
	}
	for (;;) {
		if (gdb)
			gdbstub_hold(gdb, 0);
		ev = vcpu_step(&loop, &ex, err);
		if (ev == VCPU_INTERRUPTED && smp)
			linux_smp_take_kick(vcpu);
		switch (gdb ? gdbstub_on_event(gdb, 0, &ex) : GDB_NOT_MINE) {
		case GDB_RESUME: /* a stop gdb served, a kick to park */
			/* the kick that ended the run may have been spent
			 * on the stop: its end is still to be seen */
			if (smp && linux_smp_ended(smp))
				return linux_smp_end_of(smp);
			continue;
		case GDB_KILL:
			return LINUX_GDB_KILL;
		case GDB_NOT_MINE:
			break;
		}
		if (ev == VCPU_INTERRUPTED)
			end = on_interrupt(con, tick, deadline, smp, loop.lock);
		else
			end = linux_event_end(ev, &ex);
		if (end == LINUX_GUEST_EXIT && ev == VCPU_GUEST_EXIT)
			*exit_code = ex.exit_code;
		if (end >= 0)
			return (enum linux_end)end;
	}
}
