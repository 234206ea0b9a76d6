/* gdb_target.c - what the gdb stub does to the guest: memory at virtual
 * addresses, int3 and debug-register breakpoints, watchpoints checked by
 * stepping, and KVM's guest-debug state. */
#include "gdb_target.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "layout.h"
#include "vm.h"

static int dr7_len_bits(int len)
{
	return len == 1 ? 0 : len == 2 ? 1 : len == 8 ? 2 : 3;
}

/* Programs KVM for the next run: int3 exits when we planted one, the
 * debug registers for Z1-Z4, single step when gdb asked for one. */
int gdbt_apply_debug(struct gdbstub *gs, int enable)
{
	struct kvm_guest_debug dbg = {0};
	static const int rw_bits[] = {
		[0] = 0, [1] = 0, [2] = 1, [3] = 3, [4] = 3};

	if (enable) {
		dbg.control = KVM_GUESTDBG_ENABLE;
		if (gs->stepping || gs->watch_stepping)
			dbg.control |= KVM_GUESTDBG_SINGLESTEP;
	}
	for (int i = 0; enable && i < GDB_HW_SLOTS; i++) {
		const struct gdb_hw_bp *bp = &gs->hw[i];

		if (!bp->used)
			continue;
		dbg.control |= KVM_GUESTDBG_USE_HW_BP;
		dbg.arch.debugreg[i] = bp->addr;
		/* L<i>, plus LE and GE (exact data breakpoints) and bit 10,
		 * which is reserved as 1 */
		dbg.arch.debugreg[7] |=
			0x700 | (1ull << (2 * i)) |
			(uint64_t)rw_bits[bp->type] << (16 + 4 * i) |
			(uint64_t)dr7_len_bits(bp->len) << (18 + 4 * i);
	}
	if (dbg.control == KVM_GUESTDBG_ENABLE)
		dbg.control = 0; /* nothing to trap: leave KVM out of it */
	if (ioctl(gs->vcpu->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0)
		return -errno;
	return 0;
}

/* The guest physical address of gdb's address addr, through the guest's
 * own page tables; none above 4 GiB outside long mode, where a linear
 * address has 32 bits. */
static int translate(struct gdbstub *gs, uint64_t addr, uint64_t *gpa)
{
	if (!gs->long_mode && addr > UINT32_MAX)
		return -EFAULT;
	return vcpu_translate(gs->vcpu, addr, gpa) < 0 ? -EFAULT : 0;
}

/* The int3 bytes we planted in [gpa, gpa + len) show gdb the guest's own
 * bytes, whichever virtual address gdb reads them at (an alias too). */
static void hide_sites(struct gdbstub *gs, uint64_t gpa, uint8_t *buf,
		       size_t len)
{
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++) {
		const struct gdb_sw_site *site = &gs->sites[i];

		if (site->users && site->gpa - gpa < len)
			buf[site->gpa - gpa] = site->saved;
	}
}

/* gdb wrote over planted int3 bytes: they become the guest's own bytes,
 * and the int3 goes back in. */
static void replant_sites(struct gdbstub *gs, uint64_t gpa, const uint8_t *buf,
			  size_t len)
{
	static const uint8_t int3 = 0xcc;

	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++) {
		struct gdb_sw_site *site = &gs->sites[i];

		if (site->users && site->gpa - gpa < len) {
			site->saved = buf[site->gpa - gpa];
			gmem_write(&gs->vcpu->vm->mem, site->gpa, &int3, 1);
		}
	}
}

/* Copies up to len bytes at guest virtual gva, page by page through the
 * guest's own page tables; stops at the first byte that is not mapped or
 * not RAM. Returns the bytes copied. */
size_t gdbt_access(struct gdbstub *gs, uint64_t gva, void *buf, size_t len,
		   int write)
{
	const struct guest_mem *mem = &gs->vcpu->vm->mem;
	uint8_t *p = buf;
	size_t done = 0;

	while (done < len) {
		uint64_t addr = gva + done, gpa;
		size_t chunk =
			LAYOUT_PAGE_SIZE - (addr & (LAYOUT_PAGE_SIZE - 1));

		if (chunk > len - done)
			chunk = len - done;
		if (translate(gs, addr, &gpa))
			break;
		if (write ? gmem_write(mem, gpa, p + done, chunk)
			  : gmem_read(mem, gpa, p + done, chunk))
			break;
		if (write)
			replant_sites(gs, gpa, p + done, chunk);
		else
			hide_sites(gs, gpa, p + done, chunk);
		done += chunk;
	}
	return done;
}

/* The planted int3 at guest physical gpa, or NULL. */
static struct gdb_sw_site *site_at(struct gdbstub *gs, uint64_t gpa)
{
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++)
		if (gs->sites[i].users && gs->sites[i].gpa == gpa)
			return &gs->sites[i];
	return NULL;
}

/* Plants the int3 at gpa, or counts one more user of the one there: two
 * virtual aliases of a byte share one saved byte, so that neither can
 * save the other's 0xcc as the guest's. */
static int plant_site(struct gdbstub *gs, uint64_t gpa)
{
	static const uint8_t int3 = 0xcc;
	const struct guest_mem *mem = &gs->vcpu->vm->mem;
	struct gdb_sw_site *site = site_at(gs, gpa);

	if (site) {
		site->users++;
		return (int)(site - gs->sites);
	}
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++) {
		site = &gs->sites[i];
		if (site->users)
			continue;
		if (gmem_read(mem, gpa, &site->saved, 1) ||
		    gmem_write(mem, gpa, &int3, 1))
			return -EFAULT;
		site->gpa = gpa;
		site->users = 1;
		return i;
	}
	return -ENOSPC; /* cannot happen: no more sites than Z0 slots */
}

/* One user less; the last one puts the guest's byte back. */
static void unplant_site(struct gdbstub *gs, int i)
{
	struct gdb_sw_site *site = &gs->sites[i];

	if (site->users && !--site->users)
		gmem_write(&gs->vcpu->vm->mem, site->gpa, &site->saved, 1);
}

static int insert_sw_bp(struct gdbstub *gs, uint64_t addr)
{
	struct gdb_sw_bp *free_bp = NULL;
	uint64_t gpa;
	int site;

	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++) {
		if (gs->sw[i].used && gs->sw[i].addr == addr)
			return 0;
		if (!gs->sw[i].used && !free_bp)
			free_bp = &gs->sw[i];
	}
	if (!free_bp)
		return -ENOSPC;
	if (translate(gs, addr, &gpa))
		return -EFAULT;
	site = plant_site(gs, gpa);
	if (site < 0)
		return site;
	*free_bp = (struct gdb_sw_bp){.addr = addr, .site = site, .used = 1};
	return 0;
}

static int remove_sw_bp(struct gdbstub *gs, uint64_t addr)
{
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++) {
		struct gdb_sw_bp *bp = &gs->sw[i];

		if (bp->used && bp->addr == addr) {
			unplant_site(gs, bp->site);
			bp->used = 0;
			return 0;
		}
	}
	return -ENOENT;
}

/* Whether the int3 at guest virtual at is one we planted: gdb's own
 * address, or an alias of a planted byte (then gdb sees a stop at an
 * address it set no breakpoint at, rather than a guest run into our 0xcc
 * and on past it). */
static int planted_at(struct gdbstub *gs, uint64_t at)
{
	uint64_t gpa;

	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++)
		if (gs->sw[i].used && gs->sw[i].addr == at)
			return 1;
	return !translate(gs, at, &gpa) && site_at(gs, gpa);
}

/* The debug registers watch 1, 2, 4 (or, in long mode, 8) aligned bytes.
 * type 0 is a Z0 breakpoint that found a free debug register. */
static int hw_bp(struct gdbstub *gs, int type, uint64_t addr, uint64_t len,
		 int insert)
{
	struct gdb_hw_bp *free_bp = NULL;

	if (type <= 1)
		len = 1; /* Z0/Z1's "kind" is the instruction's, not a range */
	if ((len != 1 && len != 2 && len != 4 &&
	     !(len == 8 && gs->long_mode)) ||
	    addr % len)
		return -EINVAL;
	for (int i = 0; i < GDB_HW_SLOTS; i++) {
		struct gdb_hw_bp *bp = &gs->hw[i];

		if (bp->used && bp->type == type && bp->addr == addr &&
		    bp->len == (int)len) {
			bp->used = insert; /* a second insert is a no-op */
			return 0;
		}
		if (!bp->used && !free_bp)
			free_bp = bp;
	}
	if (!insert)
		return -ENOENT;
	if (!free_bp)
		return -ENOSPC;
	*free_bp = (struct gdb_hw_bp){
		.addr = addr, .type = type, .len = (int)len, .used = 1};
	return 0;
}

/*
 * Write watchpoints are also checked by stepping: on kvm_pvm and under
 * QEMU's emulated SVM the debug registers' data breakpoints never fire.
 * Before a resume, remember each watched range; returns 1 when there is
 * one, so the guest runs one instruction at a time.
 */
int gdbt_snapshot_watches(struct gdbstub *gs)
{
	int any = 0;

	for (int i = 0; i < GDB_HW_SLOTS; i++) {
		struct gdb_hw_bp *bp = &gs->hw[i];

		if (bp->used && bp->type == 2) {
			memset(bp->seen, 0, sizeof(bp->seen));
			gdbt_access(gs, bp->addr, bp->seen, (size_t)bp->len, 0);
			any = 1;
		}
	}
	return any;
}

/* The first write watchpoint whose bytes changed since the snapshot. */
static const struct gdb_hw_bp *changed_watch(struct gdbstub *gs)
{
	for (int i = 0; i < GDB_HW_SLOTS; i++) {
		const struct gdb_hw_bp *bp = &gs->hw[i];
		uint8_t now[8] = {0};

		if (!bp->used || bp->type != 2)
			continue;
		gdbt_access(gs, bp->addr, now, (size_t)bp->len, 0);
		if (memcmp(now, bp->seen, (size_t)bp->len))
			return bp;
	}
	return NULL;
}

/* Whether the #BP at pc came from an int3 we planted. Intel reports the
 * int3's own address, AMD the next one; gdb wants the former in RIP. */
static int our_int3(struct gdbstub *gs, uint64_t pc)
{
	struct kvm_regs regs;
	uint64_t at;

	if (planted_at(gs, pc))
		at = pc;
	else if (planted_at(gs, pc - 1))
		at = pc - 1;
	else
		return 0;
	if (!vcpu_get_regs(gs->vcpu, &regs, NULL) && regs.rip == at + 1) {
		regs.rip = at;
		vcpu_set_regs(gs->vcpu, &regs, NULL);
	}
	return 1;
}

/* The stop reply for a debug exit: which breakpoint, watchpoint or step.
 * 0 when the exit is only our own watch step and nothing changed. */
int gdbt_stop_reason(struct gdbstub *gs, char *out, size_t cap)
{
	const struct kvm_debug_exit_arch *arch = &gs->vcpu->run->debug.arch;
	static const char *const watch[] = {
		[2] = "watch", [3] = "rwatch", [4] = "awatch"};
	const struct gdb_hw_bp *bp = NULL;

	if (arch->exception == 3 && our_int3(gs, arch->pc)) {
		snprintf(out, cap, "T%02xswbreak:;", GDB_SIGTRAP);
		return 1;
	}
	for (int i = 0; arch->exception == 1 && i < GDB_HW_SLOTS; i++)
		if (gs->hw[i].used && (arch->dr6 & (1u << i)))
			bp = &gs->hw[i];
	if (!bp && gs->watch_stepping)
		bp = changed_watch(gs);
	if (bp && bp->type <= 1)
		snprintf(out, cap, "T%02x%s:;", GDB_SIGTRAP,
			 bp->type ? "hwbreak" : "swbreak");
	else if (bp)
		snprintf(out, cap, "T%02x%s:%" PRIx64 ";", GDB_SIGTRAP,
			 watch[bp->type], bp->addr);
	else if (gs->watch_stepping && !gs->stepping)
		return 0;
	else
		snprintf(out, cap, "T%02x", GDB_SIGTRAP);
	return 1;
}

/*
 * Our int3 went to the VMM's own #BP handler, whose report has the
 * registers after it: put them back at the int3, and the guest can go on
 * as if it never ran the handler (it only pushed below its stack pointer).
 */
int gdbt_int3_reported(struct gdbstub *gs, const struct guest_fault *f)
{
	struct kvm_regs regs = f->regs;

	if (f->kind != FAULT_EXCEPTION || f->vector != 3 ||
	    !planted_at(gs, f->regs.rip - 1))
		return 0;
	regs.rip = f->regs.rip - 1;
	/* a TF in the frame is KVM's, from our own stepping */
	if (gs->stepping || gs->watch_stepping)
		regs.rflags &= ~0x100ull;
	return !vcpu_set_regs(gs->vcpu, &regs, NULL);
}

int gdbt_breakpoint(struct gdbstub *gs, int type, uint64_t addr, uint64_t kind,
		    int insert)
{
	int ret;

	if (type != 0)
		return hw_bp(gs, type, addr, kind, insert);
	/* int3, and a debug register as well while one is free: each catches
	 * what the other misses on some KVM (see docs/debugging.md), and the
	 * register fires first. */
	ret = insert ? insert_sw_bp(gs, addr) : remove_sw_bp(gs, addr);
	if (!ret || !insert)
		hw_bp(gs, 0, addr, 1, insert);
	return ret;
}

void gdbt_clear(struct gdbstub *gs)
{
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++)
		if (gs->sw[i].used)
			remove_sw_bp(gs, gs->sw[i].addr);
	memset(gs->hw, 0, sizeof(gs->hw));
}
