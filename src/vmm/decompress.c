/* decompress.c - xz, zstd and gzip into a buffer of known size, with one
 * line for whatever is wrong with the input (it is untrusted). */
#include "decompress.h"

#include <errno.h>
#include <lzma.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

static int starts(const uint8_t *in, size_t len, const char *magic, size_t n)
{
	return len >= n && !memcmp(in, magic, n);
}

enum dc_format dc_detect(const uint8_t *in, size_t len)
{
	if (starts(in, len,
		   "\xfd"
		   "7zXZ\0",
		   6))
		return DC_XZ;
	if (starts(in, len, "\x28\xb5\x2f\xfd", 4))
		return DC_ZSTD;
	if (starts(in, len, "\x1f\x8b\x08", 3))
		return DC_GZIP;
	return DC_UNKNOWN;
}

const char *dc_name(enum dc_format fmt, const uint8_t *in, size_t len)
{
	switch (fmt) {
	case DC_XZ:
		return "xz";
	case DC_ZSTD:
		return "zstd";
	case DC_GZIP:
		return "gzip";
	case DC_UNKNOWN:
		break;
	}
	/* The other formats of CONFIG_KERNEL_*, by their magic bytes. */
	if (starts(in, len, "\x5d\x00\x00", 3))
		return "lzma";
	if (starts(in, len, "BZh", 3))
		return "bzip2";
	if (starts(in, len, "\x89LZO", 4))
		return "lzo";
	if (starts(in, len, "\x02\x21\x4c\x18", 4))
		return "lz4";
	return "unknown";
}

/* liblzma's stream decoder: the .xz container checks its own CRC and
 * runs whatever filters its header names (the kernel's: x86 BCJ, LZMA2). */
static int unxz(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len,
		struct errbuf *err)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r = lzma_stream_decoder(&s, UINT64_MAX, 0);
	uint8_t extra;
	size_t produced;

	if (r != LZMA_OK)
		return err_fail(err, ENOMEM, "xz: the decoder did not start");
	s.next_in = in;
	s.avail_in = in_len;
	s.next_out = out;
	s.avail_out = out_len;
	r = lzma_code(&s, LZMA_FINISH);
	if (r == LZMA_OK && !s.avail_out) {
		/* out is full: one byte more of room says whether it ends */
		s.next_out = &extra;
		s.avail_out = 1;
		r = lzma_code(&s, LZMA_FINISH);
	}
	produced = (size_t)s.total_out;
	lzma_end(&s);
	if (produced > out_len)
		return err_fail(err, EFBIG,
				"xz: the data is longer than the %zu bytes "
				"the payload says",
				out_len);
	if (r != LZMA_STREAM_END)
		return err_fail(err, ENOEXEC, "xz: %s after %zu bytes out",
				r == LZMA_BUF_ERROR   ? "truncated"
				: r == LZMA_MEM_ERROR ? "out of memory"
						      : "corrupt data",
				produced);
	if (produced != out_len)
		return err_fail(err, ENOEXEC,
				"xz: %zu bytes, not the %zu the payload says",
				produced, out_len);
	return 0;
}

/* One zstd frame, one call: the output's size is known, so no window
 * limit applies (the kernel's are built with -22 --ultra). */
static int unzstd(const uint8_t *in, size_t in_len, uint8_t *out,
		  size_t out_len, struct errbuf *err)
{
	size_t frame = ZSTD_findFrameCompressedSize(in, in_len);
	size_t n;

	if (ZSTD_isError(frame))
		return err_fail(err, ENOEXEC, "zstd: %s",
				ZSTD_getErrorName(frame));
	n = ZSTD_decompress(out, out_len, in, frame);
	if (ZSTD_isError(n))
		return err_fail(err,
				ZSTD_getErrorCode(n) ==
						ZSTD_error_dstSize_tooSmall
					? EFBIG
					: ENOEXEC,
				"zstd: %s", ZSTD_getErrorName(n));
	if (n != out_len)
		return err_fail(err, ENOEXEC,
				"zstd: %zu bytes, not the %zu the payload says",
				n, out_len);
	return 0;
}

/* zlib's inflate in gzip mode (windowBits 16 + 15): one member. */
static int ungzip(const uint8_t *in, size_t in_len, uint8_t *out,
		  size_t out_len, struct errbuf *err)
{
	size_t produced;
	z_stream z;
	int r;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return err_fail(err, ENOMEM, "gzip: the decoder did not start");
	/* zlib counts in uInt: a kernel is far below 4 GiB, and the caller
	 * caps out_len */
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = in_len > UINT32_MAX ? UINT32_MAX : (uInt)in_len;
	z.next_out = out;
	z.avail_out = out_len > UINT32_MAX ? UINT32_MAX : (uInt)out_len;
	r = inflate(&z, Z_FINISH);
	produced = z.total_out;
	inflateEnd(&z);
	if (r == Z_BUF_ERROR && produced == out_len)
		return err_fail(err, EFBIG,
				"gzip: the data is longer than the %zu bytes "
				"the payload says",
				out_len);
	if (r != Z_STREAM_END)
		return err_fail(err, ENOEXEC, "gzip: %s after %zu bytes out",
				r == Z_BUF_ERROR ? "truncated" : "corrupt data",
				produced);
	if (produced != out_len)
		return err_fail(err, ENOEXEC,
				"gzip: %zu bytes, not the %zu the payload says",
				produced, out_len);
	return 0;
}

int dc_decompress(enum dc_format fmt, const uint8_t *in, size_t in_len,
		  uint8_t *out, size_t out_len, struct errbuf *err)
{
	switch (fmt) {
	case DC_XZ:
		return unxz(in, in_len, out, out_len, err);
	case DC_ZSTD:
		return unzstd(in, in_len, out, out_len, err);
	case DC_GZIP:
		return ungzip(in, in_len, out, out_len, err);
	case DC_UNKNOWN:
		break;
	}
	return err_fail(err, ENOEXEC, "%s: a format simple-kvm cannot read",
			dc_name(fmt, in, in_len));
}
