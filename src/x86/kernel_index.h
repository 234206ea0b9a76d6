/* kernel_index.h - the kernel cache's index: which SHA-256 key a bzImage
 * file had when it last had this identity (device, inode, size, times),
 * so that a boot of an unchanged file skips hashing it (0.5 s of 8 MB in
 * the sandbox, where the VMM itself runs under TCG). git's index makes
 * the same bet: a write changes the ctime, and nanoseconds tell two
 * writes apart. The cache's entries stay keyed by the hash alone. */
#ifndef KERNEL_INDEX_H
#define KERNEL_INDEX_H

#include <stdint.h>

#include "errbuf.h"
#include "sha256.h"

#define KINDEX_MAX_LINES 32 /* the newest identities kept */

struct kindex_ident {
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
};

/* The identity of the open file fd (fstat). 0 or a negative errno. */
int kindex_ident_of(int fd, struct kindex_ident *id);

/*
 * The key recorded for id in DIR/index, into key: 0, or -ENOENT when the
 * index is missing, unreadable or has no such line. Lines that are not
 * "DEV INO SIZE MTIME_NS CTIME_NS KEY" (decimal, then 64 hex digits) are
 * ignored: the index is a hint, never trusted for more than the key.
 */
int kindex_find(const char *dir, const struct kindex_ident *id,
		char key[SHA256_HEX]);

/*
 * Records id -> key in DIR/index (which must exist: the cache's), the
 * newest first, dropping older lines for the same identity and any
 * beyond KINDEX_MAX_LINES; written to a temporary file and renamed, so a
 * reader sees the old index or the new one. 0 or a negative errno with a
 * line in err.
 */
int kindex_add(const char *dir, const struct kindex_ident *id, const char *key,
	       struct errbuf *err);

#endif
