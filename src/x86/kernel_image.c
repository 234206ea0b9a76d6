/* kernel_image.c - a bzImage's payload turned into the vmlinux it holds,
 * once per kernel: the cache first, liblzma/libzstd/zlib otherwise. */
#include "kernel_image.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "kernel_cache.h"

/* Below this, no vmlinux: a payload's trailer that says so is garbage. */
#define KIMG_MIN_VMLINUX 4096

static int fall_back(struct kernel_image *k, const struct kimg_options *o,
		     const char *why, struct errbuf *err)
{
	if (o->boot == KIMG_BOOT_PVH)
		return err_fail(err, ENOEXEC, "--boot pvh: %s", why);
	k->path = KIMG_BZIMAGE;
	snprintf(k->why_bzimage, sizeof(k->why_bzimage), "%s", why);
	return 0;
}

/* --kernel vmlinux: the file itself, which must carry the note. */
static int from_elf(const uint8_t *file, size_t size,
		    const struct kimg_options *o, struct kernel_image *k,
		    struct errbuf *err)
{
	int ret;

	if (o->boot == KIMG_BOOT_BZIMAGE)
		return err_fail(err, ENOEXEC,
				"--boot bzimage needs a bzImage, not a "
				"vmlinux ELF");
	ret = pvh_parse(file, size, &k->pvh, err);
	if (!ret && !k->pvh.has_note)
		ret = err_fail(err, ENOEXEC,
			       "a vmlinux without the PVH note "
			       "(XEN_ELFNOTE_PHYS32_ENTRY; CONFIG_PVH)");
	if (ret)
		return err_wrap(err, ret, "vmlinux");
	k->path = KIMG_PVH;
	k->source = KIMG_FROM_FILE;
	k->elf = file;
	k->elf_size = size;
	return 0;
}

/* The payload decompressed into a buffer of the trailer's size. */
static int decompress(const uint8_t *in, const struct bz_payload *pl,
		      struct kernel_image *k, struct errbuf *err)
{
	uint64_t t0 = monotonic_ns();
	uint8_t *out = malloc(pl->decompressed_size);
	int ret;

	if (!out)
		return err_fail(err, ENOMEM,
				"no memory for the %" PRIu32
				" bytes of the vmlinux",
				pl->decompressed_size);
	ret = dc_decompress(k->format, in, pl->length, out,
			    pl->decompressed_size, err);
	if (ret) {
		free(out);
		return err_wrap(err, -ENOEXEC, "the bzImage's payload");
	}
	k->owned = out;
	k->elf = out;
	k->elf_size = pl->decompressed_size;
	k->source = KIMG_FROM_PAYLOAD;
	k->decompress_ns = monotonic_ns() - t0;
	return 0;
}

/* A hit, or nothing (a bad entry is noted; kcache_put replaces it). */
static void look_up(const struct kimg_options *o, struct kernel_image *k,
		    size_t want)
{
	struct errbuf why;
	uint8_t *data;
	int ret;

	if (!o->cache_dir)
		return;
	ret = kcache_get(o->cache_dir, k->key, want, &data, &why);
	if (ret == -EBADMSG)
		snprintf(k->cache_note, sizeof(k->cache_note), "%s; replaced",
			 why.msg);
	if (ret)
		return;
	k->owned = data;
	k->elf = data;
	k->elf_size = want;
	k->source = KIMG_FROM_CACHE;
	pvh_parse(data, want, &k->pvh, NULL); /* kcache_get checked it */
}

static void store(const struct kimg_options *o, struct kernel_image *k)
{
	struct errbuf why;

	if (!o->cache_dir)
		return;
	if (kcache_put(o->cache_dir, k->key, k->elf, k->elf_size, &why))
		snprintf(k->cache_note, sizeof(k->cache_note), "not cached: %s",
			 why.msg);
	else
		k->stored = 1;
}

/* The bzImage's key: from the cache's index when its identity is there
 * (an index that lies only names an entry that then fails its checks or
 * boots another kernel the same user cached: the cache is the user's
 * own), else its SHA-256. */
static void key_of(const struct kimg_options *o, struct kernel_image *k)
{
	if (o->cache_dir && o->ident &&
	    !kindex_find(o->cache_dir, o->ident, k->key)) {
		k->key_indexed = 1;
		return;
	}
	sha256_hex(k->file, k->file_size, k->key);
}

/* A hashed key into the index, for the next boot; only a hint, so a
 * failure to write it is no error. */
static void remember_key(const struct kimg_options *o, struct kernel_image *k)
{
	struct errbuf why;

	if (o->cache_dir && o->ident && !k->key_indexed)
		(void)kindex_add(o->cache_dir, o->ident, k->key, &why);
}

/* The vmlinux inside a bzImage, from the cache or its payload. */
static int from_payload(const struct kimg_options *o, struct kernel_image *k,
			struct errbuf *err)
{
	struct bz_payload pl;
	char why[sizeof(k->why_bzimage)];
	int ret = bz_payload(k->file, k->file_size, &k->hdr, &pl, err);

	if (ret) { /* an old kernel: its own decompressor still works */
		snprintf(why, sizeof(why), "%s", err->msg);
		return fall_back(k, o, why, err);
	}
	k->format = dc_detect(k->file + pl.offset, pl.length);
	if (k->format == DC_UNKNOWN) {
		snprintf(why, sizeof(why),
			 "the payload is %s, which simple-kvm does not "
			 "decompress",
			 dc_name(k->format, k->file + pl.offset, pl.length));
		return fall_back(k, o, why, err);
	}
	if (pl.decompressed_size < KIMG_MIN_VMLINUX ||
	    pl.decompressed_size > PVH_MAX_FILE)
		return err_fail(err, ENOEXEC,
				"the bzImage's payload says it holds %" PRIu32
				" bytes (its last 4), no vmlinux",
				pl.decompressed_size);
	key_of(o, k);
	look_up(o, k, pl.decompressed_size);
	if (k->source == KIMG_FROM_CACHE) {
		remember_key(o, k);
		return 0;
	}
	ret = decompress(k->file + pl.offset, &pl, k, err);
	if (ret)
		return ret;
	ret = pvh_parse(k->elf, k->elf_size, &k->pvh, err);
	if (ret)
		return err_wrap(err, -ENOEXEC, "the vmlinux in the payload");
	if (!k->pvh.has_note) /* CONFIG_PVH off: nothing worth caching */
		return fall_back(
			k, o, "the vmlinux has no PVH note (CONFIG_PVH)", err);
	store(o, k);
	if (k->stored)
		remember_key(o, k);
	return 0;
}

int kimg_prepare(const uint8_t *file, size_t size, const struct kimg_options *o,
		 struct kernel_image *k, struct errbuf *err)
{
	int ret;

	memset(k, 0, sizeof(*k));
	k->file = file;
	k->file_size = size;
	if (pvh_is_elf(file, size))
		return from_elf(file, size, o, k, err);
	ret = bz_parse(file, size, &k->hdr, err);
	if (ret)
		return ret;
	k->path = KIMG_PVH;
	if (o->boot == KIMG_BOOT_BZIMAGE)
		return fall_back(k, o, "--boot bzimage", err);
	ret = from_payload(o, k, err);
	if (ret) /* nothing to free for the caller after an error */
		kimg_free(k);
	return ret;
}

void kimg_free(struct kernel_image *k)
{
	free(k->owned);
	k->owned = NULL;
	k->elf = NULL;
}
