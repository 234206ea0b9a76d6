/* gdbstub.h - a GDB remote stub for one vCPU: a socket, gdb's commands, and
 * KVM's guest-debug state. */
#ifndef GDBSTUB_H
#define GDBSTUB_H

#include <stdint.h>
#include <stdio.h>
#include <sys/un.h>

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
 * or "unix:PATH" (created, and removed again once gdb connects). Also
 * arranges for the connection's input to raise SIGIO, let through only in
 * KVM_RUN (preempt_catch_signal): call before preempt_attach_vcpu. The
 * vCPU must stay where it is while the stub lives. long_mode picks the
 * register set. 0, or a negative errno with the reason in err.
 */
int gdbstub_open(struct gdbstub *gs, const char *spec, struct vcpu *vcpu,
		 int long_mode, FILE *log, struct errbuf *err);

/*
 * Says where it listens, waits for gdb to connect (only one client: the
 * listening socket is closed once one is in, so a second one is refused)
 * and serves it with the guest stopped before its first instruction, until
 * gdb resumes, detaches or kills it. A client whose first byte is not
 * gdb's ('+', '$', 0x03), or that sends nothing for GDB_STALL_MS, is
 * closed unanswered with a notice, and the stub waits for the next one.
 * Every reply, here and later, is sent without blocking: a client that
 * takes none of it for GDB_STALL_MS is dropped as if it had detached.
 * SIGINT or SIGTERM while waiting or sending: GDB_KILL.
 */
enum gdb_verdict gdbstub_attach(struct gdbstub *gs);

/*
 * Shows gdb one vcpu_step result first. VCPU_DEBUG becomes a SIGTRAP stop,
 * gdb's Ctrl-C (seen at a VCPU_INTERRUPTED) a SIGINT stop, a guest fault
 * a signal stop at the faulting instruction (SIGSEGV, SIGILL, SIGFPE...;
 * the vCPU's registers are set to the fault's), a crash SIGSEGV and a bad
 * hypercall SIGSYS; each is served until gdb resumes. A fault, crash or
 * bad hypercall is then the program's again (GDB_NOT_MINE): the guest
 * cannot go on. Without gdb attached, every event is GDB_NOT_MINE.
 */
enum gdb_verdict gdbstub_on_event(struct gdbstub *gs,
				  const struct vcpu_exit *ex);

/*
 * Tells gdb that the run ended: "W status" (exited with that code), or
 * "X signal" after a crash stop. Then closes everything; safe to call
 * again, and after a failed or skipped gdbstub_open (gs zeroed).
 */
void gdbstub_finish(struct gdbstub *gs, int status);

#endif
