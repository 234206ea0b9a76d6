/* outbuf.h - a bounded buffer in front of stdout that never blocks the run
 * loop. */
#ifndef OUTBUF_H
#define OUTBUF_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "errbuf.h"
#include "hypercall_abi.h"

/*
 * The most one exit may add: an HC_printStr escaped on a terminal (each
 * byte as \xHH), with room for a line of the VMM's own (matrix's event
 * lines). A writer stops before each guest entry while the buffer holds
 * more than its high-water mark, so the buffer never needs more than
 * high_water + OUTBUF_MSG_MAX bytes.
 */
#define OUTBUF_MSG_MAX (4u * HC_STR_MAX + 256u)

/* The default high-water mark: what a pipe holds, twice. */
#define OUTBUF_HIGH_WATER (128u * 1024)

/*
 * Bytes go into data[start, start + len) and out through write(2) on a
 * descriptor that never blocks: a reopened descriptor of the same file
 * with O_NONBLOCK (the shell's own descriptor keeps its flags), or, when
 * the file cannot be reopened (a socket), fd itself set O_NONBLOCK until
 * outbuf_close. Nothing is dropped while there is room: bytes beyond the
 * limit, or after a write failed, are counted in lost.
 */
struct outbuf {
	int fd;		   /* where the bytes go */
	int own_fd;	   /* fd was opened here: close it at the end */
	int restore;	   /* put saved_flags back on orig_fd at the end */
	int orig_fd;	   /* the descriptor outbuf_open was given */
	int saved_flags;   /* its F_GETFL flags before */
	char *data;	   /* NULL while empty: an idle VM holds no memory */
	size_t start, len; /* pending bytes */
	size_t cap;	   /* allocated */
	size_t high_water; /* above it, the writer's vCPU waits */
	size_t limit;	   /* high_water + OUTBUF_MSG_MAX: never held more */
	int error;	   /* errno of the write that failed (EPIPE), or 0 */
	uint64_t written;  /* bytes that reached fd */
	uint64_t lost;	   /* bytes refused: past limit, or after error */
	FILE *stream;	   /* outbuf_stream's, or NULL */
	int finished;	   /* outbuf_finish ran: later ones do not wait */
};

/*
 * Sets ob up in front of fd (a descriptor that stays open for the run)
 * with the given high-water mark (0: OUTBUF_HIGH_WATER). A regular file
 * is written as it is (its writes do not wait for a reader). Returns 0, or
 * a negative errno with one line in err.
 */
int outbuf_open(struct outbuf *ob, int fd, size_t high_water,
		struct errbuf *err);

/*
 * A buffer that writes to fd as it is, which the caller keeps open and
 * non-blocking (another outbuf's fd, which matrix's VMs share), or to
 * nothing (fd -1: bytes are kept until outbuf_close, for tests).
 */
void outbuf_init_on(struct outbuf *ob, int fd, size_t high_water);

/* Appends n bytes without writing them; returns how many were kept (fewer
 * only past the limit or after an error, counted in lost). */
size_t outbuf_append(struct outbuf *ob, const void *p, size_t n);

/* A stdio stream whose every write is an outbuf_append (unbuffered, so
 * that what a handler printed is in ob when it returns); NULL without
 * memory. Closed by outbuf_close. */
FILE *outbuf_stream(struct outbuf *ob);

/*
 * Writes what it can without waiting. Returns 0 when ob is empty, -EAGAIN
 * when bytes remain, or the negative errno of a failed write (also kept
 * in ob->error: the run should end, -EPIPE when the reader went away).
 */
int outbuf_flush(struct outbuf *ob);

/* True while ob holds more than its high-water mark. */
int outbuf_full(const struct outbuf *ob);

/*
 * The wait of outbuf_wait alone: ppoll on fd for POLLOUT with mask, at
 * most timeout_ns (0: no limit); nothing written, nothing of ob changed,
 * so that a caller may wait without holding the lock that guards ob.
 * Returns 0 when fd takes bytes (or has an error a write will report),
 * -EINTR, -ETIMEDOUT, or -EAGAIN for a detached buffer.
 */
int outbuf_poll(const struct outbuf *ob, const sigset_t *mask,
		uint64_t timeout_ns);

/*
 * The rest of outbuf_wait, once outbuf_poll said fd takes bytes: a flush.
 * 0 (all written, or some left), or the write's negative errno.
 */
int outbuf_flush_ready(struct outbuf *ob);

/*
 * Waits in ppoll, with the signal mask `mask` (the signals that should
 * interrupt: KVM_RUN's), until fd takes bytes, then flushes; at most
 * timeout_ns (0: no limit). Returns 0 when fd took bytes, -EINTR when a
 * signal came, -ETIMEDOUT, or a failed write's negative errno.
 */
int outbuf_wait(struct outbuf *ob, const sigset_t *mask, uint64_t timeout_ns);

/*
 * The end of the run: flushes within timeout_ns, waiting as outbuf_wait
 * does (a signal ends the wait); a second call only tries once more,
 * without waiting. Returns the number of bytes not written: those lost
 * before and those still left.
 */
uint64_t outbuf_finish(struct outbuf *ob, const sigset_t *mask,
		       uint64_t timeout_ns);

/*
 * Appends all n bytes, flushing as it goes and, whenever the buffer is at
 * its limit, waiting as outbuf_wait does (at most timeout_ns each time;
 * a signal in mask ends it): for the VMM's own long output at the end of
 * a run (matrix's JSON summary of 10,000 VMs), which the limit that bounds
 * what one exit may add must not cut. Returns the bytes not taken (0 when
 * all went into the buffer; outbuf_finish then writes them out).
 */
size_t outbuf_write_all(struct outbuf *ob, const void *p, size_t n,
			const sigset_t *mask, uint64_t timeout_ns);

/* Closes the stream and the reopened descriptor, puts back fd's flags and
 * frees the storage. Safe on a zeroed or already closed ob. */
void outbuf_close(struct outbuf *ob);

#endif
