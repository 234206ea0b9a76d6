/* net_unix.h - the unix wire: a SOCK_SEQPACKET socket between two VMMs, one
 * Ethernet frame per message, so that two simple-kvm processes are two
 * machines on one cable, with no root and no host network. */
#ifndef NET_UNIX_H
#define NET_UNIX_H

#include <stdbool.h>
#include <stdint.h>

#include "errbuf.h"
#include "net_backend.h"

/* The connecting side retries at most this often while it has no peer. */
#define NET_UNIX_RETRY_NS 100000000ull

/* The longest message a send gathers from several iovecs (a frame of the
 * largest MTU, and room): one iovec is sent as it is, at any length. */
#define NET_UNIX_GATHER_MAX 65600u

struct net_unix {
	struct net_backend b; /* first: the backend's common head */
	char path[108];	      /* sun_path */
	bool listen;
	int lfd;		    /* the listening socket, or -1 */
	int fd;			    /* the peer's connection, or -1 */
	uint64_t next_try_ns;	    /* CLOCK_MONOTONIC of the next connect */
	uint64_t peers, drops_gone; /* peers taken; sends with no peer */
	/* A frame in several pieces is gathered here and sent with sendto,
	 * which carries no control message: the seccomp filter can then
	 * allow sending without allowing a descriptor to be passed
	 * (SCM_RIGHTS needs sendmsg). */
	uint8_t gather[NET_UNIX_GATHER_MAX];
};

/*
 * Opens the wire at path (at most 107 bytes). With listen: binds and
 * listens there (a stale socket file left by a dead listener is removed
 * first; any other file is refused) and takes one peer at a time, the
 * next one after a peer goes away. Without: connects to a listener,
 * retrying every NET_UNIX_RETRY_NS at each tick while none is there, so
 * that the VMM never waits for its peer. Every socket is non-blocking.
 * 0 and *out, or a negative errno with one line.
 */
int net_unix_open(const char *path, bool listen, struct net_backend **out,
		  struct errbuf *err);

/* The listening socket of a wire opened with listen, else -1 (for the
 * seccomp rule that lets only it accept). Closing the wire leaves the
 * socket file in place. */
int net_unix_listen_fd(const struct net_backend *b);

#endif
