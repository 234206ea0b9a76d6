/* loader.c - reading guest files and copying images into guest RAM, with every
 * range checked. */
#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"

/* True when [a, a + alen) and [b, b + blen) share a byte; no overflow
 * because callers pass ranges already known to lie inside RAM. */
static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

int loader_check_range(const struct guest_mem *mem, gpa_t gpa, uint64_t len,
		       const char *what, struct errbuf *err)
{
	uint64_t vmm = layout_vmm_area(mem->size);

	if (!gmem_contains(mem, gpa, len))
		return err_fail(err, ERANGE,
				"%s: 0x%llx bytes at 0x%llx do not fit in %llu "
				"KiB of guest RAM",
				what, (unsigned long long)len,
				(unsigned long long)gpa,
				(unsigned long long)mem->size >> 10);
	if (overlaps(gpa, len, LAYOUT_STACK_BOTTOM,
		     LAYOUT_LOW_RESERVED_END - LAYOUT_STACK_BOTTOM))
		return err_fail(err, EINVAL,
				"%s: 0x%llx-0x%llx overlaps the stack and "
				"hypercall area 0x%llx-0x%llx",
				what, (unsigned long long)gpa,
				(unsigned long long)(gpa + len - 1),
				LAYOUT_STACK_BOTTOM,
				LAYOUT_LOW_RESERVED_END - 1);
	if (overlaps(gpa, len, vmm, LAYOUT_VMM_AREA_SIZE))
		return err_fail(err, EINVAL,
				"%s: 0x%llx-0x%llx overlaps the VMM area "
				"0x%llx-0x%llx at the end of RAM",
				what, (unsigned long long)gpa,
				(unsigned long long)(gpa + len - 1),
				(unsigned long long)vmm,
				(unsigned long long)(mem->size - 1));
	return 0;
}

int load_flat(const struct guest_mem *mem, gpa_t load_addr, const void *image,
	      size_t size, const char *name, struct errbuf *err)
{
	int ret = loader_check_range(mem, load_addr, size, name, err);

	if (ret)
		return ret;
	return gmem_write(mem, load_addr, image, size);
}

int load_read_file(const char *path, uint8_t **data, size_t *size,
		   struct errbuf *err)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_fail(err, errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		ret = err_fail(err, errno, "%s: %s", path, strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = err_fail(err, EINVAL, "%s: not a regular file", path);
		goto out_close;
	}
	if (st.st_size == 0) {
		ret = err_fail(err, EINVAL, "%s: empty file", path);
		goto out_close;
	}
	if ((uint64_t)st.st_size > LOADER_MAX_FILE) {
		ret = err_fail(err, EFBIG,
			       "%s: %lld bytes, more than the %llu MiB "
			       "a guest image may have",
			       path, (long long)st.st_size,
			       LOADER_MAX_FILE >> 20);
		goto out_close;
	}
	buf = malloc(st.st_size);
	if (!buf) {
		ret = err_fail(err, ENOMEM, "%s: out of memory", path);
		goto out_close;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = err_fail(err, n < 0 ? errno : EIO, "%s: read: %s",
				       path,
				       n < 0 ? strerror(errno)
					     : "file shrank while reading");
			free(buf);
			goto out_close;
		}
		done += n;
	}
	*data = buf;
	*size = done;
out_close:
	close(fd);
	return ret;
}
