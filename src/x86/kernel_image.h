/* kernel_image.h - what --kernel's file becomes before it is loaded: a
 * vmlinux to enter by its PVH note (the file itself, a cached copy, or the
 * bzImage's payload decompressed here), or the bzImage as it is. */
#ifndef KERNEL_IMAGE_H
#define KERNEL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "bzimage.h"
#include "decompress.h"
#include "errbuf.h"
#include "kernel_index.h"
#include "pvh.h"
#include "sha256.h"

enum kimg_boot {
	KIMG_BOOT_AUTO,	   /* PVH where possible, else the bzImage */
	KIMG_BOOT_PVH,	   /* PVH or an error */
	KIMG_BOOT_BZIMAGE, /* the 32-bit boot protocol (a bzImage only) */
};

enum kimg_path {
	KIMG_PVH,     /* enter elf by its PVH note */
	KIMG_BZIMAGE, /* load file with bz_load */
};

/* Where the vmlinux came from. */
enum kimg_source {
	KIMG_FROM_FILE,	  /* --kernel is a vmlinux */
	KIMG_FROM_CACHE,  /* a cache hit */
	KIMG_FROM_PAYLOAD /* decompressed in this run */
};

struct kimg_options {
	enum kimg_boot boot;
	const char *cache_dir; /* NULL: no cache */
	/* the bzImage file's identity, unchanged while it was read (NULL:
	 * unknown): with the cache, its key comes from the cache's index
	 * (kernel_index.h) when it is there, and goes in after a hash */
	const struct kindex_ident *ident;
};

struct kernel_image {
	enum kimg_path path;
	const uint8_t *file; /* the caller's bytes, not owned */
	size_t file_size;
	struct bz_header hdr; /* KIMG_BZIMAGE, or a bzImage on the PVH path */
	const uint8_t *elf;   /* KIMG_PVH */
	size_t elf_size;
	struct pvh_kernel pvh;
	enum kimg_source source;
	enum dc_format format;
	char key[SHA256_HEX];	/* the bzImage's SHA-256, or "" */
	uint64_t decompress_ns; /* KIMG_FROM_PAYLOAD */
	int stored;		/* written to the cache in this run */
	int key_indexed;	/* the key came from the index, not a hash */
	char why_bzimage[sizeof(struct errbuf)]; /* why KIMG_BZIMAGE, for -v */
	char cache_note[600]; /* a cache entry replaced or not written */
	uint8_t *owned;	      /* elf's buffer when it is ours */
};

/*
 * Decides how to boot file (size bytes, kept by the caller until
 * kimg_free): a vmlinux goes by PVH; a bzImage, unless o->boot says
 * KIMG_BOOT_BZIMAGE, has its payload found (bz_payload), looked up in
 * o->cache_dir by the file's SHA-256 (a hit is checked: kcache_get), or
 * else decompressed and stored there (a failure to store is a note in
 * k->cache_note, not an error). A payload in a format this build does not
 * read, and a vmlinux without the PVH note, fall back to KIMG_BZIMAGE
 * (k->why_bzimage says why) unless o->boot is KIMG_BOOT_PVH. Returns 0
 * (then kimg_free releases what k holds), or
 * -ENOEXEC (-ENOMEM) with one line in err for a file that is neither
 * kernel, a malformed payload or vmlinux, or a path o->boot rules out
 * (then k holds nothing).
 */
int kimg_prepare(const uint8_t *file, size_t size, const struct kimg_options *o,
		 struct kernel_image *k, struct errbuf *err);

/* Frees what kimg_prepare allocated (the decompressed or cached vmlinux
 * once it is loaded: Linux owns its copy in guest RAM). */
void kimg_free(struct kernel_image *k);

#endif
