/* kernel_cache.h - decompressed kernels on disk, named by the SHA-256 of the
 * bzImage they came from, so that no boot decompresses the same kernel
 * twice. */
#ifndef KERNEL_CACHE_H
#define KERNEL_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"
#include "sha256.h"

#define KCACHE_PATH_MAX 4096

/*
 * The cache directory: given if not NULL (--kernel-cache), else
 * $XDG_CACHE_HOME/simple-kvm, else $HOME/.cache/simple-kvm (relative
 * values of either are ignored, as the XDG spec says). Returns 0 with the
 * path in out, -ENOENT when there is no such place (then no cache), or
 * -ENAMETOOLONG.
 */
int kcache_dir(const char *given, char *out, size_t len);

/* The entry's path: DIR/vmlinux-KEY. -ENAMETOOLONG when it does not fit. */
int kcache_path(const char *dir, const char *key, char *out, size_t len);

/*
 * Reads the entry for key (64 hex digits) and checks it: want_size bytes
 * and a vmlinux that pvh_parse accepts, with its PVH note. Returns 0 with
 * *data (malloc'ed, the caller frees it) on a hit, -ENOENT when there is
 * no entry, or -EBADMSG for an entry that fails the checks (one line in
 * err; kcache_put replaces it).
 */
int kcache_get(const char *dir, const char *key, size_t want_size,
	       uint8_t **data, struct errbuf *err);

/*
 * Stores len bytes as the entry for key, atomically: the directory is
 * made if missing (with its parents), the bytes go to a temporary file
 * beside the entry, which rename() then puts in its place, so a reader
 * sees the old entry, none or the whole new one. 0 or a negative errno
 * with one line in err.
 */
int kcache_put(const char *dir, const char *key, const uint8_t *data,
	       size_t len, struct errbuf *err);

/*
 * The write under kcache_put, for any file: len bytes to the temporary
 * file tmp (beside path, on the same file system), then rename() to path,
 * so path is the whole data or as it was. 0, or a negative errno with a
 * line naming path in err (and tmp removed).
 */
int kcache_write_replace(const char *tmp, const char *path, const uint8_t *data,
			 size_t len, struct errbuf *err);

#endif
