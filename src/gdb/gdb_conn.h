/* gdb_conn.h - the gdb stub's connection: waits with the stop signals let
 * through, and replies framed and sent without blocking. Below the stub's
 * commands (gdb_cmds.c) and its serving loop (gdbstub.c), which both reply
 * through it. */
#ifndef GDB_CONN_H
#define GDB_CONN_H

#include <stddef.h>

#include "gdb_state.h"

/* Waits until fd has one of events, at most ms milliseconds (-1: for
 * good): 1 when it has, 0 when the time ran out, -1 when a stop signal
 * came first, now or before (a reply whose send a signal cut short is not
 * checked by its caller). Only SIGINT and SIGTERM get through, so an
 * interrupted wait is always a stop. */
int gdb_wait_fd(int fd, short events, int ms);

/*
 * Sends without blocking: while the socket is full, waits for room at most
 * GDB_STALL_MS at a time, with SIGINT and SIGTERM let through. A client
 * that takes no byte for that long (one that sends NAKs and never reads)
 * is given up: -1 with gs->dropped set. -1 too when gdb is gone or a stop
 * signal came (preempt_stop_requested).
 */
int gdb_send_all(struct gdbstub *gs, const void *data, size_t len);

/* Frames and sends one reply and keeps it in gs->frame for a NAK; 0, or -1
 * when the connection failed (as gdb_send_all). */
int gdb_send_packet(struct gdbstub *gs, const void *payload, size_t len);
int gdb_reply(struct gdbstub *gs, const char *text);

/* "E" and two hex digits of a positive errno, as gdb expects errors. */
int gdb_reply_error(struct gdbstub *gs, int errnum);

#endif
