/* gdb_state.h - what the gdb stub keeps for one vCPU: its connection, the
 * last frame sent, and the breakpoints and watchpoints gdb asked for. The
 * stub's files below gdbstub.c (gdb_conn, gdb_target, gdb_cmds) take it,
 * so that none of them needs the stub that calls them. */
#ifndef GDB_STATE_H
#define GDB_STATE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/un.h>

#include "gdb_rsp.h"

struct vcpu;

#define GDB_SW_BREAKPOINTS 64 /* int3 bytes we patch into the guest */
#define GDB_HW_SLOTS	   4  /* DR0-DR3, shared by Z1 and Z2-Z4 */
/* A client that takes no byte of our replies for this long, or sends
 * nothing for this long once connected, is dropped. */
#define GDB_STALL_MS   5000
#define GDB_STALL_TEXT "5 s"

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

#endif
