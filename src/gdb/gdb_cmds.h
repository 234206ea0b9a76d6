/* gdb_cmds.h - the gdb stub's commands, and the replies they send through
 * the stub's connection (gdb_conn.h). Used by gdbstub.c only. */
#ifndef GDB_CMDS_H
#define GDB_CMDS_H

#include <stddef.h>

#include "gdb_state.h"

/* What a command asks of the serving loop. */
enum gdb_cmd_result { CMD_STAY, CMD_RESUME, CMD_DETACH, CMD_KILL };

/*
 * Serves one packet (payload pkt of len bytes, NUL-terminated) with the
 * guest stopped, replying as the protocol says: registers, memory,
 * breakpoints, threads (each vCPU is one: H, T, qfThreadInfo, qC,
 * qThreadExtraInfo), queries (unknown ones get the empty reply). c and s
 * program KVM's debug state and ask to resume (s: gs->step_cpu alone);
 * D to detach; k to kill.
 */
enum gdb_cmd_result gdb_dispatch(struct gdbstub *gs, char *pkt, size_t len);

/* The index of gdb's current thread (Hg's vCPU, gs->vcpu). */
unsigned gdb_cpu_index(const struct gdbstub *gs);

#endif
