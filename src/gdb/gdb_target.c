/* gdb_target.c - what the gdb stub does to the guest: memory at virtual
 * addresses, int3 and debug-register breakpoints, watchpoints checked by
 * stepping, and KVM's guest-debug state. */
#include "gdb_target.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "insn_decode.h"
#include "layout.h"
#include "vm.h"

static int dr7_len_bits(int len)
{
	return len == 1 ? 0 : len == 2 ? 1 : len == 8 ? 2 : 3;
}

/* KVM's guest-debug state for vCPU index: the debug registers for Z1-Z4
 * (the same on every vCPU), single step for the one gdb steps, or for all
 * while write watchpoints are checked by stepping. */
static struct kvm_guest_debug debug_state(const struct gdbstub *gs,
					  unsigned index, int enable)
{
	struct kvm_guest_debug dbg = {0};
	static const int rw_bits[] = {
		[0] = 0, [1] = 0, [2] = 1, [3] = 3, [4] = 3};

	if (enable) {
		dbg.control = KVM_GUESTDBG_ENABLE;
		if ((gs->stepping && index == gs->step_cpu) ||
		    gs->watch_stepping)
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
	return dbg;
}

/* Programs KVM for the next run of every vCPU (KVM_SET_GUEST_DEBUG). */
int gdbt_apply_debug(struct gdbstub *gs, int enable)
{
	for (unsigned i = 0; i < gs->cpus.n; i++) {
		struct kvm_guest_debug dbg = debug_state(gs, i, enable);

		if (ioctl(gs->cpus.vcpu[i]->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0)
			return -errno;
	}
	return 0;
}

/* The guest physical address of gdb's address addr, through vcpu's page
 * tables, or the image alias while paging is off; none above 4 GiB
 * outside long mode, where a linear address has 32 bits. */
static int translate_on(const struct gdbstub *gs, struct vcpu *vcpu,
			uint64_t addr, uint64_t *gpa)
{
	struct kvm_sregs sregs;

	/* before paging only: once the kernel's tables are on, a hole in
	 * them (freed init text) is no licence to write what is now another
	 * page's */
	if (addr - gs->alias_va < gs->alias_len &&
	    !vcpu_get_sregs(vcpu, &sregs, NULL) && !(sregs.cr0 & (1u << 31))) {
		*gpa = gs->alias_pa + (addr - gs->alias_va);
		return 0;
	}
	if (!gs->long_mode && addr > UINT32_MAX)
		return -EFAULT;
	return vcpu_translate(vcpu, addr, gpa) < 0 ? -EFAULT : 0;
}

static int translate(struct gdbstub *gs, uint64_t addr, uint64_t *gpa)
{
	return translate_on(gs, gs->vcpu, addr, gpa);
}

/* The planted trap bytes in [gpa, gpa + len) show gdb the guest's own
 * bytes, whichever virtual address gdb reads them at (an alias too). */
static void hide_sites(struct gdbstub *gs, uint64_t gpa, uint8_t *buf,
		       size_t len)
{
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++) {
		const struct gdb_sw_site *site = &gs->sites[i];

		for (int b = 0; site->users && b < site->len; b++)
			if (site->gpa[b] - gpa < len)
				buf[site->gpa[b] - gpa] = site->saved[b];
	}
}

/* The trap's bytes for this stub: int3, or out %al, $GDB_TRAP_PORT. */
static int trap_bytes(const struct gdbstub *gs, uint8_t bytes[])
{
	if (gs->trap == GDB_TRAP_PORT) {
		bytes[0] = 0xe6;
		bytes[1] = GDB_TRAP_PORT_NUMBER;
		return 2;
	}
	bytes[0] = 0xcc;
	return 1;
}

/* gdb wrote over planted trap bytes: they become the guest's own bytes,
 * and the trap goes back in. */
static void replant_sites(struct gdbstub *gs, uint64_t gpa, const uint8_t *buf,
			  size_t len)
{
	uint8_t trap[GDB_TRAP_MAX_LEN];

	trap_bytes(gs, trap);
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++) {
		struct gdb_sw_site *site = &gs->sites[i];

		for (int b = 0; site->users && b < site->len; b++)
			if (site->gpa[b] - gpa < len) {
				site->saved[b] = buf[site->gpa[b] - gpa];
				gmem_write(&gs->vcpu->vm->mem, site->gpa[b],
					   &trap[b], 1);
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

/* The planted trap that starts at guest physical gpa, or NULL. */
static struct gdb_sw_site *site_at(struct gdbstub *gs, uint64_t gpa)
{
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++)
		if (gs->sites[i].users && gs->sites[i].gpa[0] == gpa)
			return &gs->sites[i];
	return NULL;
}

/* Whether a planted trap other than one starting at gpa[0] covers any of
 * the n bytes at gpa[]: two traps must not overlap, or one would save the
 * other's byte as the guest's. */
static int overlaps_site(const struct gdbstub *gs, const uint64_t gpa[], int n)
{
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++) {
		const struct gdb_sw_site *site = &gs->sites[i];

		if (!site->users || site->gpa[0] == gpa[0])
			continue;
		for (int a = 0; a < site->len; a++)
			for (int b = 0; b < n; b++)
				if (site->gpa[a] == gpa[b])
					return 1;
	}
	return 0;
}

/* Plants the trap at gpa[], or counts one more user of the one there: two
 * virtual aliases of a byte share one saved copy, so that neither can
 * save the other's trap as the guest's. */
static int plant_site(struct gdbstub *gs, const uint64_t gpa[], int len)
{
	const struct guest_mem *mem = &gs->vcpu->vm->mem;
	struct gdb_sw_site *site = site_at(gs, gpa[0]);
	uint8_t trap[GDB_TRAP_MAX_LEN];

	if (site) { /* an alias: the same bytes, or it would half cover */
		if (site->len != len ||
		    memcmp(site->gpa, gpa, (size_t)len * sizeof(gpa[0])))
			return -EBUSY;
		site->users++;
		return (int)(site - gs->sites);
	}
	if (overlaps_site(gs, gpa, len))
		return -EBUSY;
	trap_bytes(gs, trap);
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++) {
		site = &gs->sites[i];
		if (site->users)
			continue;
		for (int b = 0; b < len; b++)
			if (gmem_read(mem, gpa[b], &site->saved[b], 1))
				return -EFAULT;
		for (int b = 0; b < len; b++) {
			site->gpa[b] = gpa[b];
			gmem_write(mem, gpa[b], &trap[b], 1);
		}
		site->len = len;
		site->users = 1;
		return i;
	}
	return -ENOSPC; /* cannot happen: no more sites than Z0 slots */
}

/* One user less; the last one puts the guest's bytes back. */
static void unplant_site(struct gdbstub *gs, int i)
{
	struct gdb_sw_site *site = &gs->sites[i];

	if (site->users && !--site->users)
		for (int b = 0; b < site->len; b++)
			gmem_write(&gs->vcpu->vm->mem, site->gpa[b],
				   &site->saved[b], 1);
}

/* The width of the code at addr: the upper half of a 64-bit address space
 * holds a kernel's 64-bit code, even while the vCPU is still at its 32-bit
 * entry; elsewhere the vCPU's code segment says. */
static unsigned code_bits(struct gdbstub *gs, uint64_t addr)
{
	struct kvm_sregs sregs;

	if (gs->long_mode && addr >= 0xffff800000000000ull)
		return 64;
	if (vcpu_get_sregs(gs->vcpu, &sregs, NULL))
		return gs->long_mode ? 64 : 32;
	return sregs.cs.l ? 64 : sregs.cs.db ? 32 : 16;
}

/* The length of the guest's instruction at addr (planted traps hidden),
 * as far as the port trap needs it: 1, 2 for "two or more", or -EFAULT
 * when it cannot be read. A prefix or an escape byte means at least two;
 * the decoder knows every one-byte opcode. */
static int insn_len_at(struct gdbstub *gs, uint64_t addr)
{
	uint8_t bytes[INSN_MAX_LEN];
	size_t got = gdbt_access(gs, addr, bytes, sizeof(bytes), 0);
	struct insn in;

	if (got < 2)
		return -EFAULT;
	if (!insn_decode(bytes, got, code_bits(gs, addr), addr, &in))
		return in.len >= 2 ? 2 : 1;
	return 2; /* a form the decoder lacks: VEX, 3-byte maps, prefixed */
}

/* Whether addr is in the lower, user half while the guest is in long
 * mode (EFER.LMA), where a port trap would be an OUT in ring 3: a #GP that
 * kills the process, in a page that may be shared page cache. */
static int user_half(struct gdbstub *gs, uint64_t addr)
{
	struct kvm_sregs sregs;

	return gs->long_mode && addr < 0xffff800000000000ull &&
	       !vcpu_get_sregs(gs->vcpu, &sregs, NULL) &&
	       (sregs.efer & (1u << 10));
}

/* Where the trap's bytes go for a breakpoint at addr: 1 or 2 guest
 * physical addresses, or a negative errno. A port trap needs an
 * instruction of two bytes or more: over a one-byte one it would cover the
 * next, which something may jump to; and kernel code (user_half). */
static int site_addresses(struct gdbstub *gs, uint64_t addr, uint64_t gpa[])
{
	uint8_t trap[GDB_TRAP_MAX_LEN];
	int len = trap_bytes(gs, trap);

	if (len > 1 && user_half(gs, addr))
		return -EPERM;
	if (len > 1 && insn_len_at(gs, addr) < len)
		return -EINVAL;
	for (int b = 0; b < len; b++)
		if (translate(gs, addr + (uint64_t)b, &gpa[b]))
			return -EFAULT;
	return len;
}

static int insert_sw_bp(struct gdbstub *gs, int z_type, uint64_t addr)
{
	struct gdb_sw_bp *free_bp = NULL;
	uint64_t gpa[GDB_TRAP_MAX_LEN];
	int site, len;

	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++) {
		if (gs->sw[i].used && gs->sw[i].addr == addr &&
		    gs->sw[i].z_type == z_type)
			return 0;
		if (!gs->sw[i].used && !free_bp)
			free_bp = &gs->sw[i];
	}
	if (!free_bp)
		return -ENOSPC;
	len = site_addresses(gs, addr, gpa);
	if (len < 0)
		return len;
	site = plant_site(gs, gpa, len);
	if (site < 0)
		return site;
	*free_bp = (struct gdb_sw_bp){
		.addr = addr, .site = site, .z_type = z_type, .used = 1};
	return 0;
}

static int remove_sw_bp(struct gdbstub *gs, int z_type, uint64_t addr)
{
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++) {
		struct gdb_sw_bp *bp = &gs->sw[i];

		if (bp->used && bp->addr == addr && bp->z_type == z_type) {
			unplant_site(gs, bp->site);
			bp->used = 0;
			return 0;
		}
	}
	return -ENOENT;
}

/* The breakpoint whose trap starts at guest virtual at on vcpu: gdb's own
 * address, or an alias of a planted trap (then gdb sees a stop at an
 * address it set no breakpoint at, rather than a guest run into our trap
 * and on past it). NULL when none; an alias gives its first user. */
static const struct gdb_sw_bp *planted_on(struct gdbstub *gs, struct vcpu *vcpu,
					  uint64_t at)
{
	const struct gdb_sw_site *site;
	uint64_t gpa;

	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++)
		if (gs->sw[i].used && gs->sw[i].addr == at)
			return &gs->sw[i];
	if (translate_on(gs, vcpu, at, &gpa) || !(site = site_at(gs, gpa)))
		return NULL;
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++)
		if (gs->sw[i].used && &gs->sites[gs->sw[i].site] == site)
			return &gs->sw[i];
	return NULL;
}

static int planted_at(struct gdbstub *gs, uint64_t at)
{
	return planted_on(gs, gs->vcpu, at) != NULL;
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
static int our_int3(struct gdbstub *gs, struct vcpu *vcpu, uint64_t pc)
{
	struct kvm_regs regs;
	uint64_t at;

	if (planted_on(gs, vcpu, pc))
		at = pc;
	else if (planted_on(gs, vcpu, pc - 1))
		at = pc - 1;
	else
		return 0;
	if (!vcpu_get_regs(vcpu, &regs, NULL) && regs.rip == at + 1) {
		regs.rip = at;
		vcpu_set_regs(vcpu, &regs, NULL);
	}
	return 1;
}

/* The stop reply for a debug exit: which breakpoint, watchpoint or step.
 * 0 when the exit is only our own watch step and nothing changed. */
int gdbt_stop_reason(struct gdbstub *gs, struct vcpu *vcpu, char *out,
		     size_t cap)
{
	const struct kvm_debug_exit_arch *arch = &vcpu->run->debug.arch;
	static const char *const watch[] = {
		[2] = "watch", [3] = "rwatch", [4] = "awatch"};
	const struct gdb_hw_bp *bp = NULL;

	if (arch->exception == 3 && our_int3(gs, vcpu, arch->pc)) {
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
 * An exit's I/O or MMIO is finished only at the next KVM_RUN (on SVM an
 * OUT's RIP is still the OUT's until then): finish it now with a KVM_RUN
 * that enters no guest code (immediate_exit), so that the registers are
 * the instruction's after, on every KVM.
 */
int gdbt_finish_exit(struct vcpu *vcpu)
{
	int was = __atomic_exchange_n(&vcpu->run->immediate_exit, 1,
				      __ATOMIC_SEQ_CST);
	int ret = vcpu_run(vcpu);

	if (!was) /* a kick that set it meanwhile has its signal pending */
		__atomic_store_n(&vcpu->run->immediate_exit, 0,
				 __ATOMIC_SEQ_CST);
	return ret == -EINTR || ret == 0 ? 0 : ret;
}

int gdbt_port_trap(struct gdbstub *gs, struct vcpu *vcpu, char *out, size_t cap)
{
	const struct gdb_sw_bp *bp;
	struct kvm_regs regs;

	if (gdbt_finish_exit(vcpu) || vcpu_get_regs(vcpu, &regs, NULL))
		return 0;
	bp = planted_on(gs, vcpu, regs.rip - 2);
	if (!bp || gs->sites[bp->site].len != 2)
		return 0; /* the guest wrote the port itself */
	regs.rip -= 2;
	if (vcpu_set_regs(vcpu, &regs, NULL))
		return 0;
	snprintf(out, cap, "T%02x%s:;", GDB_SIGTRAP,
		 bp->z_type ? "hwbreak" : "swbreak");
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

	if (gs->trap != GDB_TRAP_INT3 || f->kind != FAULT_EXCEPTION ||
	    f->vector != 3 || !planted_at(gs, f->regs.rip - 1))
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

	if (type == 1 && gs->z1_as_trap) /* see gdb_probe.h */
		return insert ? insert_sw_bp(gs, 1, addr)
			      : remove_sw_bp(gs, 1, addr);
	if (type != 0)
		return hw_bp(gs, type, addr, kind, insert);
	/* A trap, and a debug register as well while one is free: each
	 * catches what the other misses on some KVM (see docs/debugging.md),
	 * and the register fires first. */
	ret = insert ? insert_sw_bp(gs, 0, addr) : remove_sw_bp(gs, 0, addr);
	if (!ret || !insert)
		hw_bp(gs, 0, addr, 1, insert);
	return ret;
}

void gdbt_clear(struct gdbstub *gs)
{
	for (int i = 0; i < GDB_SW_BREAKPOINTS; i++)
		if (gs->sw[i].used)
			remove_sw_bp(gs, gs->sw[i].z_type, gs->sw[i].addr);
	memset(gs->hw, 0, sizeof(gs->hw));
}
