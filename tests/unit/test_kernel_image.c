/* test_kernel_image.c - a bzImage's payload found, decompressed in each
 * format and cached: a miss stores, a hit reads back, a corrupt entry is
 * replaced, and whatever is wrong with the payload is one error. */
#include <dirent.h>
#include <errno.h>
#include <lzma.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cmocka.h>

#include "bzimage.h"
#include "decompress.h"
#include "fake_vmlinux.h"
#include "kernel_cache.h"
#include "kernel_image.h"
#include "kernel_index.h"

#define CAP (FV_SIZE + 4096)

static uint8_t elf[FV_SIZE], packed[CAP], bz[CAP + 0x1000];

/* The kernel's xz: an .xz container, CRC32, the x86 BCJ filter, LZMA2. */
static size_t pack_xz(const uint8_t *in, size_t len, uint8_t *out)
{
	lzma_options_lzma opt;
	lzma_filter f[3] = {{LZMA_FILTER_X86, NULL},
			    {LZMA_FILTER_LZMA2, &opt},
			    {LZMA_VLI_UNKNOWN, NULL}};
	size_t pos = 0;

	assert_false(lzma_lzma_preset(&opt, 6));
	assert_int_equal(lzma_stream_buffer_encode(f, LZMA_CHECK_CRC32, NULL,
						   in, len, out, &pos, CAP),
			 LZMA_OK);
	return pos;
}

/* As the zstd program makes it for the kernel: with its checksum. */
static size_t pack_zstd(const uint8_t *in, size_t len, uint8_t *out)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t n;

	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 19);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	n = ZSTD_compress2(c, out, CAP, in, len);
	ZSTD_freeCCtx(c);
	assert_false(ZSTD_isError(n));
	return n;
}

static size_t pack_gzip(const uint8_t *in, size_t len, uint8_t *out)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY),
			 Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = CAP;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return z.total_out;
}

static size_t (*const packers[])(const uint8_t *, size_t, uint8_t *) = {
	[DC_XZ] = pack_xz,
	[DC_ZSTD] = pack_zstd,
	[DC_GZIP] = pack_gzip,
};

static void test_round_trip(void **state)
{
	uint8_t out[FV_SIZE + 1];
	struct errbuf err;

	(void)state;
	fv_make(elf, 1);
	for (int f = DC_XZ; f <= DC_GZIP; f++) {
		size_t n = packers[f](elf, sizeof(elf), packed);

		assert_int_equal(dc_detect(packed, n), f);
		memset(out, 0, sizeof(out));
		/* the kernel's trailer after the stream is left alone */
		memset(packed + n, 0x99, 4);
		assert_int_equal(
			dc_decompress(f, packed, n + 4, out, FV_SIZE, &err), 0);
		assert_memory_equal(out, elf, FV_SIZE);
		/* too little room, too much room, cut short, damaged */
		assert_int_equal(
			dc_decompress(f, packed, n, out, FV_SIZE - 1, &err),
			-EFBIG);
		assert_int_equal(
			dc_decompress(f, packed, n, out, FV_SIZE + 1, &err),
			-ENOEXEC);
		assert_int_equal(
			dc_decompress(f, packed, n / 2, out, FV_SIZE, &err),
			-ENOEXEC);
		packed[n / 2] ^= 0x55;
		packed[n / 2 + 1] ^= 0xaa;
		assert_int_not_equal(
			dc_decompress(f, packed, n, out, FV_SIZE, &err), 0);
	}
}

static void test_formats_named(void **state)
{
	(void)state;
	assert_int_equal(dc_detect((const uint8_t *)"\x02\x21\x4c\x18", 4),
			 DC_UNKNOWN);
	assert_string_equal(
		dc_name(DC_UNKNOWN, (const uint8_t *)"\x02\x21\x4c\x18", 4),
		"lz4");
	assert_string_equal(dc_name(DC_UNKNOWN, (const uint8_t *)"BZh9", 4),
			    "bzip2");
	assert_string_equal(dc_name(DC_UNKNOWN, (const uint8_t *)"\x5d\0\0", 3),
			    "lzma");
	assert_string_equal(dc_name(DC_UNKNOWN, (const uint8_t *)"??", 2),
			    "unknown");
	assert_int_equal(dc_detect((const uint8_t *)"\xfd", 1), DC_UNKNOWN);
}

static void test_payload_locator(void **state)
{
	struct bz_payload pl;
	struct bz_header hdr;
	struct errbuf err;
	size_t size;
	uint32_t v;

	(void)state;
	memset(packed, 0x3c, 100);
	size = fv_bzimage(bz, packed, 100, 0x123456);
	assert_int_equal(bz_parse(bz, size, &hdr, NULL), 0);
	assert_int_equal(bz_payload(bz, size, &hdr, &pl, NULL), 0);
	assert_int_equal(pl.offset, 5 * 512 + 0x100);
	assert_int_equal(pl.length, 104);
	assert_int_equal(pl.decompressed_size, 0x123456);
	/* a payload past the end of the file */
	v = (uint32_t)(size - 5 * 512 - 0x100 + 1);
	memcpy(bz + 0x24c, &v, 4);
	assert_int_equal(bz_payload(bz, size, &hdr, &pl, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "not inside"));
	v = 0xffffff00; /* an offset that would wrap */
	memcpy(bz + 0x248, &v, 4);
	assert_int_equal(bz_payload(bz, size, &hdr, &pl, &err), -ENOEXEC);
	/* no room for the trailer */
	size = fv_bzimage(bz, packed, 100, 0x123456);
	v = 4;
	memcpy(bz + 0x24c, &v, 4);
	assert_int_equal(bz_payload(bz, size, &hdr, &pl, &err), -ENOEXEC);
	/* protocol 2.07: no payload fields */
	size = fv_bzimage(bz, packed, 100, 0x123456);
	bz[0x206] = 0x07;
	assert_int_equal(bz_parse(bz, size, &hdr, NULL), 0);
	assert_int_equal(bz_payload(bz, size, &hdr, &pl, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "2.08"));
}

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test_kernel_image.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* The files in the cache directory (a temporary file left over would
 * show here). */
static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' || strstr(e->d_name, ".tmp") != NULL;
	closedir(d);
	return n;
}

/* A bzImage with the fake vmlinux as its payload in format f. */
static size_t make_kernel(int f, int with_note)
{
	fv_make(elf, with_note);
	return fv_bzimage(bz, packed, packers[f](elf, sizeof(elf), packed),
			  FV_SIZE);
}

static void test_cache_miss_hit_corrupt(void **state)
{
	struct kimg_options o = {KIMG_BOOT_AUTO, dir, NULL};
	char path[KCACHE_PATH_MAX];
	struct kernel_image k;
	struct errbuf err;
	FILE *f;

	(void)state;
	for (int fmt = DC_XZ; fmt <= DC_GZIP; fmt++) {
		size_t size = make_kernel(fmt, 1);

		/* a miss: decompressed and stored under the file's hash */
		assert_int_equal(kimg_prepare(bz, size, &o, &k, &err), 0);
		assert_int_equal(k.path, KIMG_PVH);
		assert_int_equal(k.source, KIMG_FROM_PAYLOAD);
		assert_int_equal(k.format, fmt);
		assert_true(k.stored);
		assert_int_equal(k.pvh.entry, FV_ENTRY);
		assert_memory_equal(k.elf, elf, FV_SIZE);
		assert_int_equal(strlen(k.key), 64);
		kcache_path(dir, k.key, path, sizeof(path));
		assert_int_equal(access(path, R_OK), 0);
		kimg_free(&k);
		/* a hit: the same bytes, read back */
		assert_int_equal(kimg_prepare(bz, size, &o, &k, &err), 0);
		assert_int_equal(k.source, KIMG_FROM_CACHE);
		assert_int_equal(k.pvh.entry, FV_ENTRY);
		assert_memory_equal(k.elf, elf, FV_SIZE);
		assert_string_equal(k.cache_note, "");
		kimg_free(&k);
		/* a corrupt entry (its ELF magic gone) is replaced */
		f = fopen(path, "r+");
		assert_non_null(f);
		fputs("junk", f);
		fclose(f);
		assert_int_equal(kimg_prepare(bz, size, &o, &k, &err), 0);
		assert_int_equal(k.source, KIMG_FROM_PAYLOAD);
		assert_non_null(strstr(k.cache_note, "a bad cache entry"));
		assert_true(k.stored);
		kimg_free(&k);
		/* a truncated one too */
		assert_int_equal(truncate(path, FV_SIZE / 2), 0);
		assert_int_equal(kimg_prepare(bz, size, &o, &k, &err), 0);
		assert_int_equal(k.source, KIMG_FROM_PAYLOAD);
		assert_non_null(strstr(k.cache_note, "bytes, not"));
		kimg_free(&k);
		assert_int_equal(kimg_prepare(bz, size, &o, &k, &err), 0);
		assert_int_equal(k.source, KIMG_FROM_CACHE);
		kimg_free(&k);
	}
	/* one entry per kernel, no temporary file left */
	assert_int_equal(entries(), 3);
}

/* Another byte anywhere in the bzImage is another key. */
static void test_key_is_the_contents(void **state)
{
	struct kimg_options o = {KIMG_BOOT_AUTO, dir, NULL};
	struct kernel_image k;
	char key[SHA256_HEX];
	size_t size = make_kernel(DC_XZ, 1);

	(void)state;
	assert_int_equal(kimg_prepare(bz, size, &o, &k, NULL), 0);
	memcpy(key, k.key, sizeof(key));
	kimg_free(&k);
	bz[size - 1] ^= 1; /* past the payload: the kernel is the same */
	assert_int_equal(kimg_prepare(bz, size, &o, &k, NULL), 0);
	assert_string_not_equal(k.key, key);
	assert_int_equal(k.source, KIMG_FROM_PAYLOAD);
	kimg_free(&k);
}

/* The index: an identity seen before gives its key without a hash; a
 * changed identity is hashed again; nonsense lines are ignored. */
static void test_index(void **state)
{
	struct kindex_ident id = {1, 2, 3, 4, 5}, other = id;
	struct kimg_options o = {KIMG_BOOT_AUTO, dir, &id};
	char key[SHA256_HEX], got[SHA256_HEX], path[KCACHE_PATH_MAX];
	size_t size = make_kernel(DC_XZ, 1);
	struct kernel_image k;
	FILE *f;

	(void)state;
	assert_int_equal(kindex_find(dir, &id, got), -ENOENT); /* no index */
	/* a miss: hashed, stored, and the identity noted */
	assert_int_equal(kimg_prepare(bz, size, &o, &k, NULL), 0);
	assert_int_equal(k.source, KIMG_FROM_PAYLOAD);
	assert_false(k.key_indexed);
	memcpy(key, k.key, sizeof(key));
	kimg_free(&k);
	assert_int_equal(kindex_find(dir, &id, got), 0);
	assert_string_equal(got, key);
	/* the same identity: a hit by the index's key, no hash */
	assert_int_equal(kimg_prepare(bz, size, &o, &k, NULL), 0);
	assert_int_equal(k.source, KIMG_FROM_CACHE);
	assert_true(k.key_indexed);
	assert_string_equal(k.key, key);
	kimg_free(&k);
	/* a write moves the ctime: another identity, hashed (and a hit) */
	other.ctime_ns++;
	o.ident = &other;
	assert_int_equal(kimg_prepare(bz, size, &o, &k, NULL), 0);
	assert_false(k.key_indexed);
	assert_int_equal(k.source, KIMG_FROM_CACHE);
	kimg_free(&k);
	assert_int_equal(kindex_find(dir, &other, got), 0);
	assert_int_equal(kindex_find(dir, &id, got), 0); /* both kept */
	/* garbage in the index: ignored, never a key */
	snprintf(path, sizeof(path), "%s/index", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "1 2 3 4 5 %.63s\n1 2 3 4 5 %sx\nx 2 3 4 5 %s\n1 2 3 4 5\n",
		key, key, key);
	fclose(f);
	assert_int_equal(kindex_find(dir, &id, got), -ENOENT);
	assert_int_not_equal(kindex_add(dir, &id, "not-a-key", NULL), 0);
	/* at most KINDEX_MAX_LINES identities, the newest kept */
	for (uint64_t i = 0; i < KINDEX_MAX_LINES + 5; i++) {
		other.ino = 100 + i;
		assert_int_equal(kindex_add(dir, &other, key, NULL), 0);
	}
	other.ino = 100 + KINDEX_MAX_LINES + 4;
	assert_int_equal(kindex_find(dir, &other, got), 0);
	other.ino = 100 + 5;
	assert_int_equal(kindex_find(dir, &other, got), 0);
	other.ino = 100 + 4;
	assert_int_equal(kindex_find(dir, &other, got), -ENOENT);
}

static void test_paths_and_fallbacks(void **state)
{
	struct kimg_options o = {KIMG_BOOT_AUTO, NULL, NULL};
	struct kernel_image k;
	struct errbuf err;
	size_t size;

	(void)state;
	/* no cache: decompressed, nothing stored */
	size = make_kernel(DC_ZSTD, 1);
	assert_int_equal(kimg_prepare(bz, size, &o, &k, &err), 0);
	assert_int_equal(k.source, KIMG_FROM_PAYLOAD);
	assert_false(k.stored);
	kimg_free(&k);
	/* --boot bzimage: the file as it is */
	o.boot = KIMG_BOOT_BZIMAGE;
	assert_int_equal(kimg_prepare(bz, size, &o, &k, &err), 0);
	assert_int_equal(k.path, KIMG_BZIMAGE);
	assert_string_equal(k.why_bzimage, "--boot bzimage");
	kimg_free(&k);
	/* a vmlinux: by PVH, never by --boot bzimage */
	fv_make(elf, 1);
	assert_int_equal(kimg_prepare(elf, FV_SIZE, &o, &k, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "needs a bzImage"));
	o.boot = KIMG_BOOT_AUTO;
	assert_int_equal(kimg_prepare(elf, FV_SIZE, &o, &k, &err), 0);
	assert_int_equal(k.source, KIMG_FROM_FILE);
	assert_ptr_equal(k.elf, elf);
	kimg_free(&k);
	fv_make(elf, 0); /* a vmlinux without the note cannot boot */
	assert_int_equal(kimg_prepare(elf, FV_SIZE, &o, &k, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "CONFIG_PVH"));
	/* an lz4 payload: the bzImage's own path, or an error for pvh */
	memcpy(packed, "\x02\x21\x4c\x18", 4);
	size = fv_bzimage(bz, packed, 64, FV_SIZE);
	assert_int_equal(kimg_prepare(bz, size, &o, &k, &err), 0);
	assert_int_equal(k.path, KIMG_BZIMAGE);
	assert_non_null(strstr(k.why_bzimage, "lz4"));
	o.boot = KIMG_BOOT_PVH;
	assert_int_equal(kimg_prepare(bz, size, &o, &k, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "--boot pvh: the payload is lz4"));
	/* a vmlinux without the note inside: the bzImage's path */
	o.boot = KIMG_BOOT_AUTO;
	size = make_kernel(DC_GZIP, 0);
	assert_int_equal(kimg_prepare(bz, size, &o, &k, &err), 0);
	assert_int_equal(k.path, KIMG_BZIMAGE);
	assert_non_null(strstr(k.why_bzimage, "no PVH note"));
	kimg_free(&k);
}

static void test_bad_payloads(void **state)
{
	struct kimg_options o = {KIMG_BOOT_AUTO, NULL, NULL};
	struct kernel_image k;
	struct errbuf err;
	size_t n, size;

	(void)state;
	fv_make(elf, 1);
	/* a trailer that is not the stream's size */
	n = pack_xz(elf, sizeof(elf), packed);
	size = fv_bzimage(bz, packed, n, FV_SIZE + 1);
	assert_int_equal(kimg_prepare(bz, size, &o, &k, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "the bzImage's payload: xz:"));
	/* a trailer no vmlinux has */
	size = fv_bzimage(bz, packed, n, 0xffffffff);
	assert_int_equal(kimg_prepare(bz, size, &o, &k, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "no vmlinux"));
	/* a payload that decompresses to something not a vmlinux */
	memset(elf, 0x41, sizeof(elf));
	size = fv_bzimage(bz, packed, pack_zstd(elf, sizeof(elf), packed),
			  FV_SIZE);
	assert_int_equal(kimg_prepare(bz, size, &o, &k, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "the vmlinux in the payload"));
	/* neither a bzImage nor an ELF */
	assert_int_equal(kimg_prepare(elf, sizeof(elf), &o, &k, &err),
			 -ENOEXEC);
	assert_non_null(strstr(err.msg, "not a bzImage"));
}

static void test_cache_dir(void **state)
{
	char out[KCACHE_PATH_MAX];

	(void)state;
	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	setenv("HOME", "/home/h", 1);
	assert_int_equal(kcache_dir("given", out, sizeof(out)), 0);
	assert_string_equal(out, "given");
	assert_int_equal(kcache_dir(NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "/x/cache/simple-kvm");
	setenv("XDG_CACHE_HOME", "relative", 1); /* ignored, as XDG says */
	assert_int_equal(kcache_dir(NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "/home/h/.cache/simple-kvm");
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	assert_int_equal(kcache_dir(NULL, out, sizeof(out)), -ENOENT);
	assert_int_equal(kcache_dir("given", out, 4), -ENAMETOOLONG);
}

/* The directory is made, parents and all; a file in the way fails. */
static void test_cache_put(void **state)
{
	char sub[128], path[KCACHE_PATH_MAX];
	uint8_t *data;
	struct errbuf err;
	const char *key = "00112233445566778899aabbccddeeff"
			  "00112233445566778899aabbccddeeff";

	(void)state;
	fv_make(elf, 1);
	snprintf(sub, sizeof(sub), "%s/a/b/c", dir);
	assert_int_equal(kcache_put(sub, key, elf, sizeof(elf), &err), 0);
	assert_int_equal(kcache_get(sub, key, sizeof(elf), &data, &err), 0);
	assert_memory_equal(data, elf, sizeof(elf));
	free(data);
	assert_int_equal(kcache_get(sub, key, sizeof(elf) + 1, &data, &err),
			 -EBADMSG);
	assert_int_equal(kcache_get(dir, key, sizeof(elf), &data, &err),
			 -ENOENT);
	kcache_path(sub, key, path, sizeof(path)); /* a file, not a dir */
	assert_int_not_equal(kcache_put(path, key, elf, sizeof(elf), &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_formats_named),
		cmocka_unit_test(test_payload_locator),
		cmocka_unit_test_setup_teardown(test_cache_miss_hit_corrupt,
						make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_key_is_the_contents,
						make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_index, make_dir,
						remove_dir),
		cmocka_unit_test(test_paths_and_fallbacks),
		cmocka_unit_test(test_bad_payloads),
		cmocka_unit_test(test_cache_dir),
		cmocka_unit_test_setup_teardown(test_cache_put, make_dir,
						remove_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
