/* guest_mem.c - bounds-checked access to guest RAM. */
#include "guest_mem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

int gmem_contains(const struct guest_mem *mem, gpa_t gpa, uint64_t len)
{
	uint64_t end;

	if (!mem || !mem->host)
		return 0;
	/* Check the end of the range, not only its start: it may wrap. */
	if (__builtin_add_overflow(gpa, len, &end))
		return 0;
	return end <= mem->size;
}

void *gmem_ptr(const struct guest_mem *mem, gpa_t gpa, uint64_t len)
{
	if (!gmem_contains(mem, gpa, len))
		return NULL;
	return mem->host + gpa;
}

int gmem_read(const struct guest_mem *mem, gpa_t gpa, void *dst, size_t len)
{
	const void *src = gmem_ptr(mem, gpa, len);

	if (!src)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

int gmem_write(const struct guest_mem *mem, gpa_t gpa, const void *src,
	       size_t len)
{
	void *dst = gmem_ptr(mem, gpa, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

/* x86 is little-endian and so is every host this VMM runs on (x86-64), so
 * a memcpy of the host value is the guest's byte order. */
int gmem_write_u32(const struct guest_mem *mem, gpa_t gpa, uint32_t val)
{
	return gmem_write(mem, gpa, &val, sizeof(val));
}

int gmem_write_u64(const struct guest_mem *mem, gpa_t gpa, uint64_t val)
{
	return gmem_write(mem, gpa, &val, sizeof(val));
}

int gmem_read_u32(const struct guest_mem *mem, gpa_t gpa, uint32_t *val)
{
	return gmem_read(mem, gpa, val, sizeof(*val));
}

int gmem_read_u64(const struct guest_mem *mem, gpa_t gpa, uint64_t *val)
{
	return gmem_read(mem, gpa, val, sizeof(*val));
}

int gmem_touched(const struct guest_mem *mem, gpa_t gpa)
{
	unsigned char resident = 1;
	uint8_t *page = gmem_ptr(mem, gpa & ~0xfffull, 0x1000);

	/* mincore says whether a page is in memory; an anonymous page that
	 * was never touched is not. */
	if (page && mincore(page, 0x1000, &resident) < 0)
		return 1;
	return resident & 1;
}
