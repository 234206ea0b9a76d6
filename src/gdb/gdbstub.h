/* gdbstub.h - a GDB remote stub: a socket, gdb's commands, KVM's guest-
 * debug state, and each vCPU as one of gdb's threads, all stopped when one
 * stops (all-stop). */
#ifndef GDBSTUB_H
#define GDBSTUB_H

#include <stdint.h>
#include <stdio.h>
#include <sys/un.h>

#include "bus.h"
#include "errbuf.h"
#include "gdb_rsp.h"
#include "gdb_state.h"
#include "vcpu_loop.h"
#include "vm.h"

/* What the run loop should do with a vcpu_step event once gdb saw it. */
enum gdb_verdict {
	GDB_NOT_MINE, /* the program handles the event as without gdb */
	GDB_RESUME,   /* gdb served it (a stop, a detach): run the vCPU on */
	GDB_KILL,     /* gdb's kill, or SIGINT/SIGTERM while gdb held the
			 guest: end the run (simple-kvm: status 130) */
};

/*
 * Listens on spec: "PORT" (TCP on 127.0.0.1 only; 0 lets the kernel pick)
 * or "unix:PATH" (created, and removed again once gdb connects), for the
 * vCPUs in cpus (copied; 1 to GDB_MAX_CPUS, each gdb's thread index + 1;
 * cpus->kick is needed with more than one). Also arranges for the
 * connection's input to raise SIGIO, let through only in KVM_RUN
 * (preempt_catch_signal): call before preempt_attach_vcpu, and let SIGIO
 * through every vCPU's KVM_RUN (preempt_attach_caught for the others). The
 * vCPUs must stay where they are while the stub lives. long_mode picks the
 * register set. Software breakpoints are int3s, for the VMM's own #BP handler
 * (gdbstub_use_port_traps changes that). 0, or a negative errno with the reason
 * in err.
 */
int gdbstub_open(struct gdbstub *gs, const char *spec,
		 const struct gdb_cpus *cpus, int long_mode, FILE *log,
		 struct errbuf *err);

/*
 * For a guest with its own IDT (Linux): software breakpoints become port
 * traps (gdb_state.h), and the trap port GDB_TRAP_PORT_NUMBER a device on
 * ports whose writes come back from vcpu_step as VCPU_DEBUG (BUS_TRAP).
 * z1_as_trap serves hardware breakpoints as traps too, for a KVM whose
 * debug registers do not fire (gdb_probe.h). 0, or a negative errno.
 */
int gdbstub_use_port_traps(struct gdbstub *gs, struct bus *ports,
			   int z1_as_trap, struct errbuf *err);

/*
 * A kernel image linked at va but loaded at pa (len bytes): while the
 * vCPU's paging is off (CR0.PG 0: a kernel's entry code), gdb's reads and
 * breakpoints there take the link-time mapping, so "hbreak start_kernel"
 * can be set before the kernel runs. Once paging is on, and for other
 * addresses, the page tables decide.
 */
void gdbstub_set_image_alias(struct gdbstub *gs, uint64_t va, uint64_t pa,
			     uint64_t len);

/*
 * Says where it listens, waits for gdb to connect (only one client: the
 * listening socket is closed once one is in, so a second one is refused)
 * and serves it with the guest stopped before its first instruction, until
 * gdb resumes, detaches or kills it. A client whose first byte is not
 * gdb's ('+', '$', 0x03), or that sends nothing for GDB_STALL_MS, is
 * closed unanswered with a notice, and the stub waits for the next one.
 * Every reply, here and later, is sent without blocking: a client that
 * takes none of it for GDB_STALL_MS is dropped as if it had detached.
 * SIGINT or SIGTERM while waiting or sending: GDB_KILL. Until it returns
 * every vCPU is parked (gdbstub_hold); then gdb's resume lets them run.
 */
enum gdb_verdict gdbstub_attach(struct gdbstub *gs);

/*
 * Shows gdb one vcpu_step result of vCPU index first. VCPU_DEBUG becomes
 * a SIGTRAP stop (a debug exit, or a write to the trap port: one of our
 * traps, else the guest's own OUT, which runs on), gdb's Ctrl-C (seen at
 * a VCPU_INTERRUPTED) a SIGINT stop, a guest fault a signal stop at the
 * faulting instruction (SIGSEGV, SIGILL, SIGFPE...; the vCPU's registers
 * are set to the fault's), a crash SIGSEGV and a bad hypercall SIGSYS.
 * A stop first parks every other vCPU (cpus->kick, then gdbstub_hold),
 * says thread:ID when there are several, and is served until gdb resumes:
 * s runs the stepped vCPU alone, c all of them. A fault, crash or bad
 * hypercall is then the program's again (GDB_NOT_MINE): the guest cannot
 * go on. An event of a vCPU while another's stop is under way waits: it
 * is reported when that vCPU runs again (GDB_RESUME). Without gdb
 * attached, every event is GDB_NOT_MINE. Thread-safe: each vCPU's thread
 * calls it for its own events.
 */
enum gdb_verdict gdbstub_on_event(struct gdbstub *gs, unsigned index,
				  const struct vcpu_exit *ex);

/*
 * vCPU index's thread calls this before each vcpu_step: while gdb holds
 * the guest and does not let this vCPU run, it waits here, parked outside
 * KVM_RUN. Costs an atomic load when gdb holds nothing. The loop spends
 * a kick that ended its last KVM_RUN before it comes here (struct
 * gdb_cpus), or every KVM_RUN after the stop would return at once.
 */
void gdbstub_hold(struct gdbstub *gs, unsigned index);

/* The run ends: no vCPU parks any more, and a stop under way serves no
 * one (the program then ends every vCPU's loop). gs may be NULL. */
void gdbstub_release_all(struct gdbstub *gs);

/*
 * Tells gdb that the run ended: "W status" (exited with that code), or
 * "X signal" after a crash stop. Then closes everything; safe to call
 * again, and after a failed or skipped gdbstub_open (gs zeroed).
 */
void gdbstub_finish(struct gdbstub *gs, int status);

#endif
