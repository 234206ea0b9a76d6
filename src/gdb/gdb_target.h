/* gdb_target.h - the guest as the gdb stub sees it: memory at virtual
 * addresses, breakpoints, watchpoints and KVM's guest-debug state. Used by
 * gdbstub.c and gdb_cmds.c. */
#ifndef GDB_TARGET_H
#define GDB_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "faults.h"
#include "gdb_state.h"

/* gdb's signal numbers (its own, not the host's) for stop replies. */
enum {
	GDB_SIGINT = 2,
	GDB_SIGILL = 4,
	GDB_SIGTRAP = 5,
	GDB_SIGFPE = 8,
	GDB_SIGBUS = 10,
	GDB_SIGSEGV = 11,
	GDB_SIGSYS = 12,
};

/*
 * Copies up to len bytes from (or, with write, to) guest virtual gva, page
 * by page through the page tables of gs->vcpu (gdb's Hg thread;
 * KVM_TRANSLATE) and the bounds-checked RAM accessors; stops at the first
 * byte not mapped or not RAM. Returns the bytes copied. The trap bytes we
 * planted are hidden: a read sees the guest's own bytes, a write over one
 * becomes the guest's byte and the trap stays, at whichever virtual
 * address gdb uses.
 */
size_t gdbt_access(struct gdbstub *gs, uint64_t gva, void *buf, size_t len,
		   int write);

/*
 * Z/z TYPE,ADDR,KIND: 0 a trap (gs->trap: an int3, or a port trap, which
 * needs an instruction of 2 bytes or more there), plus a debug register
 * while one is free; kept per guest physical byte with a count of the
 * virtual addresses that planted it, so that aliases share the guest's
 * saved bytes; 1 an execution breakpoint (a trap with z1_as_trap),
 * 2/3/4 write/read/access watchpoints of 1, 2, 4 or (long mode) 8 aligned
 * bytes, all in DR0-DR3. 0, or -EINVAL (a port trap over a one-byte
 * instruction, a bad length), -ENOSPC (no free slot), -EFAULT (address
 * not in RAM), -EBUSY (it would overlap another trap), -EPERM (a port
 * trap in user space: long mode's lower half), -ENOENT.
 */
int gdbt_breakpoint(struct gdbstub *gs, int type, uint64_t addr, uint64_t kind,
		    int insert);

/* Removes every breakpoint and watchpoint, restoring the guest's bytes. */
void gdbt_clear(struct gdbstub *gs);

/*
 * Before a resume: remembers each write watchpoint's bytes, for the check
 * by stepping. Returns 1 when there is one (the guest must then step).
 */
int gdbt_snapshot_watches(struct gdbstub *gs);

/*
 * Programs KVM for the next run of every vCPU (KVM_SET_GUEST_DEBUG): the
 * debug registers, single step for gs->step_cpu when gs->stepping, for
 * all with gs->watch_stepping; all off when enable is 0. 0 or a negative
 * errno.
 */
int gdbt_apply_debug(struct gdbstub *gs, int enable);

/*
 * The stop reply for vcpu's KVM_EXIT_DEBUG ("T05swbreak:;",
 * "T05watch:ADDR;", "T05"...) in out; 0 when the exit is only our own
 * watch step and nothing changed (the guest should simply go on).
 */
int gdbt_stop_reason(struct gdbstub *gs, struct vcpu *vcpu, char *out,
		     size_t cap);

/*
 * vcpu wrote GDB_TRAP_PORT_NUMBER (a VCPU_DEBUG from the trap port's
 * device): finishes the OUT, and when it was one of our traps puts RIP
 * back on it and writes the stop reply ("T05swbreak:;", or hwbreak for a
 * Z1 served by a trap) to out: 1. 0 when the guest wrote the port itself
 * (it runs on past its OUT).
 */
int gdbt_port_trap(struct gdbstub *gs, struct vcpu *vcpu, char *out,
		   size_t cap);

/* Finishes what vcpu's last exit left for the next KVM_RUN (an OUT's or
 * IN's completion, an MMIO read's value) without running guest code, so
 * that its registers are consistent for gdb: 0, or a negative errno. */
int gdbt_finish_exit(struct vcpu *vcpu);

/*
 * Whether a fault report is one of our int3s caught by the VMM's #BP
 * handler; if so, puts the vCPU back at the int3 with the registers from
 * before the handler ran, and returns 1.
 */
int gdbt_int3_reported(struct gdbstub *gs, const struct guest_fault *f);

#endif
