/* kernel_cache.c - the kernel cache's files: where they live, reading one
 * back with its checks, writing one with temp file and rename. */
#include "kernel_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"
#include "pvh.h"

static int put_path(char *out, size_t len, const char *a, const char *b)
{
	int n = snprintf(out, len, "%s%s", a, b);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int kcache_dir(const char *given, char *out, size_t len)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (given && given[0])
		return put_path(out, len, given, "");
	if (xdg && xdg[0] == '/')
		return put_path(out, len, xdg, "/simple-kvm");
	if (home && home[0] == '/')
		return put_path(out, len, home, "/.cache/simple-kvm");
	return -ENOENT;
}

int kcache_path(const char *dir, const char *key, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/vmlinux-%s", dir, key);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int kcache_get(const char *dir, const char *key, size_t want_size,
	       uint8_t **data, struct errbuf *err)
{
	char path[KCACHE_PATH_MAX];
	struct pvh_kernel k;
	uint8_t *buf = NULL;
	struct errbuf why;
	size_t size;
	int ret;

	*data = NULL;
	if (kcache_path(dir, key, path, sizeof(path)))
		return -ENOENT;
	if (access(path, F_OK) && errno == ENOENT)
		return -ENOENT;
	ret = loader_read_file_max(path, PVH_MAX_FILE, &buf, &size, &why);
	if (!ret && size != want_size)
		ret = err_fail(&why, EBADMSG, "%zu bytes, not %zu", size,
			       want_size);
	if (!ret)
		ret = pvh_parse(buf, size, &k, &why);
	if (!ret && !k.has_note)
		ret = err_fail(&why, EBADMSG, "no PVH note");
	if (ret) {
		free(buf);
		return err_fail(err, EBADMSG, "%s: a bad cache entry (%s)",
				path, why.msg);
	}
	*data = buf;
	return 0;
}

/* mkdir -p: each component of dir, those that exist left alone. */
static int make_dirs(const char *dir, struct errbuf *err)
{
	char path[KCACHE_PATH_MAX];
	size_t len = strlen(dir);

	if (len >= sizeof(path))
		return err_fail(err, ENAMETOOLONG, "%s: name too long", dir);
	memcpy(path, dir, len + 1);
	for (char *p = path + 1;; p++) {
		if (*p && *p != '/')
			continue;
		char c = *p;

		*p = 0;
		if (mkdir(path, 0755) && errno != EEXIST)
			return err_fail(err, errno, "%s: %s", path,
					strerror(errno));
		*p = c;
		if (!c)
			return 0;
	}
}

static int write_all(int fd, const uint8_t *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int kcache_put(const char *dir, const char *key, const uint8_t *data,
	       size_t len, struct errbuf *err)
{
	char path[KCACHE_PATH_MAX], tmp[KCACHE_PATH_MAX + 32];
	int ret = make_dirs(dir, err);

	if (ret)
		return ret;
	if (kcache_path(dir, key, path, sizeof(path)))
		return err_fail(err, ENAMETOOLONG, "%s: name too long", dir);
	/* beside the entry, so that rename stays in one file system; the
	 * pid keeps two VMMs filling the cache at once apart */
	snprintf(tmp, sizeof(tmp), "%s/.vmlinux-%s.%ld.tmp", dir, key,
		 (long)getpid());
	return kcache_write_replace(tmp, path, data, len, err);
}

int kcache_write_replace(const char *tmp, const char *path, const uint8_t *data,
			 size_t len, struct errbuf *err)
{
	int ret, fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return err_fail(err, errno, "%s: %s", path, strerror(errno));
	ret = write_all(fd, data, len);
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return err_fail(err, -ret, "%s: %s", path, strerror(-ret));
	}
	return 0;
}
