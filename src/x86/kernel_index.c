/* kernel_index.c - the kernel cache's index file: a bzImage's identity to
 * the key it hashed to, read line by line and rewritten whole. */
#include "kernel_index.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KINDEX_LINE 160

int kindex_ident_of(int fd, struct kindex_ident *id)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	*id = (struct kindex_ident){
		(uint64_t)st.st_dev,
		(uint64_t)st.st_ino,
		(uint64_t)st.st_size,
		(int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
		(int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec,
	};
	return 0;
}

static int index_path(const char *dir, const char *name, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int is_key(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n == SHA256_HEX - 1 && s[n] == '\0';
}

/* One line of the index: 1 when it parses, with its identity and key. */
static int parse_line(const char *line, struct kindex_ident *id,
		      char key[SHA256_HEX])
{
	char k[SHA256_HEX + 1];
	int end = 0;

	if (sscanf(line,
		   "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNd64 " %" SCNd64
		   " %65s%n",
		   &id->dev, &id->ino, &id->size, &id->mtime_ns, &id->ctime_ns,
		   k, &end) != 6)
		return 0;
	if (line[end] != '\n' && line[end] != '\0')
		return 0;
	if (!is_key(k))
		return 0;
	memcpy(key, k, SHA256_HEX);
	return 1;
}

static int same(const struct kindex_ident *a, const struct kindex_ident *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

int kindex_find(const char *dir, const struct kindex_ident *id,
		char key[SHA256_HEX])
{
	char path[4096], line[KINDEX_LINE], k[SHA256_HEX];
	struct kindex_ident got;
	int found = 0;
	FILE *f;

	if (index_path(dir, "index", path, sizeof(path)))
		return -ENOENT;
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	while (!found && fgets(line, sizeof(line), f))
		if (parse_line(line, &got, k) && same(&got, id)) {
			memcpy(key, k, SHA256_HEX);
			found = 1;
		}
	fclose(f);
	return found ? 0 : -ENOENT;
}

static int write_line(FILE *f, const struct kindex_ident *id, const char *key)
{
	return fprintf(f,
		       "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRId64
		       " %" PRId64 " %s\n",
		       id->dev, id->ino, id->size, id->mtime_ns, id->ctime_ns,
		       key) < 0;
}

/* The old index's lines but id's, up to KINDEX_MAX_LINES - 1 of them. */
static int copy_others(const char *path, const struct kindex_ident *id,
		       FILE *out)
{
	char line[KINDEX_LINE], k[SHA256_HEX];
	struct kindex_ident got;
	unsigned kept = 0;
	int bad = 0;
	FILE *in = fopen(path, "re");

	if (!in)
		return 0;
	while (kept < KINDEX_MAX_LINES - 1 && fgets(line, sizeof(line), in))
		if (parse_line(line, &got, k) && !same(&got, id)) {
			bad |= write_line(out, &got, k);
			kept++;
		}
	fclose(in);
	return bad;
}

int kindex_add(const char *dir, const struct kindex_ident *id, const char *key,
	       struct errbuf *err)
{
	char path[4096], tmp[4096 + 32], name[48];
	int bad;
	FILE *f;

	if (!is_key(key))
		return err_fail(err, EINVAL, "not a key: %.80s", key);
	snprintf(name, sizeof(name), ".index.%ld.tmp", (long)getpid());
	if (index_path(dir, "index", path, sizeof(path)) ||
	    index_path(dir, name, tmp, sizeof(tmp)))
		return err_fail(err, ENAMETOOLONG, "%s: name too long", dir);
	f = fopen(tmp, "we");
	if (!f)
		return err_fail(err, errno, "%s: %s", tmp, strerror(errno));
	bad = write_line(f, id, key) | copy_others(path, id, f);
	if (fclose(f) || bad || rename(tmp, path)) {
		int e = errno ? errno : EIO;

		unlink(tmp);
		return err_fail(err, e, "%s: %s", path, strerror(e));
	}
	return 0;
}
