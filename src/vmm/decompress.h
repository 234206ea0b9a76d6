/* decompress.h - one buffer to another through Debian's liblzma, libzstd and
 * zlib: the formats a Linux kernel's payload comes in. */
#ifndef DECOMPRESS_H
#define DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"

enum dc_format {
	DC_UNKNOWN = 0, /* none this module reads (lzma, bzip2, lzo, lz4) */
	DC_XZ,		/* .xz container, any filter chain liblzma knows */
	DC_ZSTD,	/* one zstd frame */
	DC_GZIP,	/* one gzip member */
};

/* The format by its magic bytes at in[0..]; DC_UNKNOWN when none fits. */
enum dc_format dc_detect(const uint8_t *in, size_t len);

/* "xz", "zstd", "gzip", or for DC_UNKNOWN the name of a kernel format
 * recognized but not read ("lzma", "bzip2", "lzo", "lz4"), else
 * "unknown". */
const char *dc_name(enum dc_format fmt, const uint8_t *in, size_t len);

/*
 * Decompresses the first stream (xz), frame (zstd) or member (gzip) of
 * in[0..in_len) into out, which holds exactly out_len bytes: the stream
 * must end and produce exactly out_len bytes. Bytes after the stream
 * (the kernel's size trailer) are ignored. Returns 0, -ENOEXEC for
 * corrupt or truncated data or a size that differs, -EFBIG for output
 * beyond out_len, -ENOMEM; one line in err.
 */
int dc_decompress(enum dc_format fmt, const uint8_t *in, size_t in_len,
		  uint8_t *out, size_t out_len, struct errbuf *err);

#endif
