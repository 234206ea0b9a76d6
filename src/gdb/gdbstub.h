/* gdbstub.h - a GDB remote stub for one vCPU: a socket, gdb's commands, and
 * KVM's guest-debug state. */
#ifndef GDBSTUB_H
#define GDBSTUB_H

#include <stdint.h>
#include <stdio.h>
#include <sys/un.h>

#include "errbuf.h"
#include "gdb_rsp.h"
#include "vcpu_loop.h"
#include "vm.h"

#define GDB_SW_BREAKPOINTS 64 /* int3 bytes we patch into the guest */
#define GDB_HW_SLOTS	   4  /* DR0-DR3, shared by Z1 and Z2-Z4 */
/* A client that takes no byte of our replies for this long, or sends
 * nothing for this long once connected, is dropped. */
#define GDB_STALL_MS   5000
#define GDB_STALL_TEXT "5 s"

/* What the run loop should do with a vcpu_step event once gdb saw it. */
enum gdb_verdict {
	GDB_NOT_MINE, /* the program handles the event as without gdb */
	GDB_RESUME,   /* gdb served it (a stop, a detach): run the vCPU on */
	GDB_KILL,     /* gdb's kill, or SIGINT/SIGTERM while gdb held the
			 guest: end the run (simple-kvm: status 130) */
};

/* A Z0 that gdb gave, at a guest virtual address. */
struct gdb_sw_bp {
	uint64_t addr; /* guest virtual address gdb gave */
	int site;      /* its int3 byte: an index into gdbstub.sites */
	int used;
};

/* An int3 byte in guest RAM, shared by every virtual alias of it. */
struct gdb_sw_site {
	uint64_t gpa;  /* where the int3 byte is */
	uint8_t saved; /* the guest's own byte */
	int users;     /* the Z0s that planted it; 0: a free entry */
};

struct gdb_hw_bp {
	uint64_t addr;
	int type; /* 0 a Z0's twin, 1 execute, 2 write, 3 read, 4 access */
	int len;
	int used;
	uint8_t seen[8]; /* type 2: the bytes when the guest last resumed */
};

struct gdbstub {
	struct vcpu *vcpu;
	int long_mode; /* serve i386:x86-64 registers, else i386 */
	int listen_fd, conn_fd;
	FILE *log; /* one-line notices: waiting, attached, detached */
	char where[sizeof(struct sockaddr_un) + 16]; /* for notices */
	char unix_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct rsp_decoder dec;
	uint8_t in[512]; /* bytes received, not yet decoded */
	size_t in_len, in_pos;
	char reply[RSP_PACKET_MAX + 1];	    /* payload being built */
	char frame[2 * RSP_PACKET_MAX + 8]; /* last frame sent, for a NAK */
	long frame_len;
	char stop_reply[64]; /* the answer to '?' */
	int dropped;	     /* the client took no reply for GDB_STALL_MS */
	int fatal_signal;    /* the stop was a crash: the guest cannot resume */
	int stepping;	     /* gdb asked for one instruction */
	int watch_stepping;  /* we step to check write watchpoints */
	struct gdb_sw_bp sw[GDB_SW_BREAKPOINTS];
	struct gdb_sw_site sites[GDB_SW_BREAKPOINTS];
	struct gdb_hw_bp hw[GDB_HW_SLOTS];
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
