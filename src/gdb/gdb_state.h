/* gdb_state.h - what the gdb stub keeps for one vCPU: its connection, the
 * last frame sent, and the breakpoints and watchpoints gdb asked for. The
 * stub's files below gdbstub.c (gdb_conn, gdb_target, gdb_cmds) take it,
 * so that none of them needs the stub that calls them. */
#ifndef GDB_STATE_H
#define GDB_STATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/un.h>

#include "gdb_rsp.h"

struct vcpu;

#define GDB_SW_BREAKPOINTS 64 /* trap instructions we patch into the guest */
#define GDB_MAX_CPUS	   64 /* vCPUs the stub shows as threads */
#define GDB_HW_SLOTS	   4  /* DR0-DR3, shared by Z1 and Z2-Z4 */
/* A client that takes no byte of our replies for this long, or sends
 * nothing for this long once connected, is dropped. */
#define GDB_STALL_MS   5000
#define GDB_STALL_TEXT "5 s"

/* A Z0 that gdb gave, at a guest virtual address. */
struct gdb_sw_bp {
	uint64_t addr; /* guest virtual address gdb gave */
	int site;      /* its trap: an index into gdbstub.sites */
	int z_type;    /* 0 (Z0), or 1: a Z1 served by a trap (z1_as_trap) */
	int used;
};

/*
 * How a software breakpoint traps (gdb_target.h): an int3 that the VMM's
 * own #BP handler reports (the bare guests), or, for a guest OS with its
 * own IDT, "out %al, $GDB_TRAP_PORT": two bytes whose I/O exit every KVM
 * gives to userspace, where neither int3 nor the debug registers reach us
 * on some KVMs (docs/debugging.md).
 */
enum gdb_trap {
	GDB_TRAP_INT3,
	GDB_TRAP_PORT,
};

#define GDB_TRAP_MAX_LEN 2
/* The port of the port trap's "out %al, $imm8": one no PC device uses. */
#define GDB_TRAP_PORT_NUMBER 0xef

/* A planted trap in guest RAM, shared by every virtual alias of it. Its
 * bytes may straddle a page: each has its own guest physical address. */
struct gdb_sw_site {
	uint64_t gpa[GDB_TRAP_MAX_LEN];	 /* where each of the trap's bytes is */
	uint8_t saved[GDB_TRAP_MAX_LEN]; /* the guest's own bytes */
	int len;			 /* the trap's bytes */
	int users; /* the breakpoints that planted it; 0: a free entry */
};

struct gdb_hw_bp {
	uint64_t addr;
	int type; /* 0 a Z0's twin, 1 execute, 2 write, 3 read, 4 access */
	int len;
	int used;
	uint8_t seen[8]; /* type 2: the bytes when the guest last resumed */
};

/* The vCPUs as gdb's threads (thread id = index + 1), and how the one
 * that stops the guest stops the others: it kicks each out of KVM_RUN,
 * and each parks in gdbstub_hold until gdb lets it run (all-stop). */
struct gdb_cpus {
	struct vcpu *const *vcpu; /* n of them */
	unsigned n;
	/* Ends vCPU index's KVM_RUN now or at its next entry; NULL with one
	 * vCPU. Called with the stub's lock held, after the stub set what
	 * gdbstub_hold checks; the vCPU's loop spends the kick (its next
	 * KVM_RUN must not return at once) before it calls gdbstub_hold. */
	void (*kick)(void *ctx, unsigned index);
	void *ctx;
};

struct gdbstub {
	struct vcpu *vcpu; /* the thread gdb's Hg picked: registers, memory */
	struct gdb_cpus cpus; /* its vcpu is cpu_list */
	struct vcpu *cpu_list[GDB_MAX_CPUS];
	unsigned reporter; /* the vCPU whose stop gdb was told of */
	unsigned step_cpu; /* Hc's pick, or the reporter (Hc0, Hc-1) */
	int hc_any;	   /* Hc named no one thread */
	enum gdb_trap trap;
	/* Hardware breakpoints (Z1) are planted traps too: this KVM's debug
	 * registers do not fire (gdb_probe.h). */
	int z1_as_trap;
	/* All-stop: lock guards what follows; cond signals its changes. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int inited;	    /* lock and cond exist */
	atomic_int stopped; /* the vCPUs without may_run must park */
	int released;	    /* the run ends: nobody parks any more */
	unsigned char may_run[GDB_MAX_CPUS];
	/* Outside KVM_RUN until let go: set by the vCPU as it parks (and
	 * for all at the start, before any runs), cleared by whoever lets
	 * it run, since a vCPU that runs unstopped never passes the lock. */
	unsigned char parked[GDB_MAX_CPUS];
	int long_mode; /* serve i386:x86-64 registers, else i386 */
	/* gdbstub_set_image_alias: va..va+len is pa..pa+len while paging is
	 * off (len 0: none) */
	uint64_t alias_va, alias_pa, alias_len;
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
	int stepping;	     /* gdb asked step_cpu for one instruction */
	int watch_stepping;  /* we step to check write watchpoints */
	struct gdb_sw_bp sw[GDB_SW_BREAKPOINTS];
	struct gdb_sw_site sites[GDB_SW_BREAKPOINTS];
	struct gdb_hw_bp hw[GDB_HW_SLOTS];
};

#endif
