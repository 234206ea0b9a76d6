/* guest_mem.h - the one place that turns a guest physical address into a host
 * pointer. */
#ifndef GUEST_MEM_H
#define GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Guest addresses are plain integers on the host side (uint64_t), never
 * pointers, so that a missed check cannot compile into a raw access.
 */
typedef uint64_t gpa_t;

struct guest_mem {
	uint8_t *host; /* host mapping of guest physical address 0 */
	uint64_t size; /* bytes of RAM from guest physical address 0 */
};

/*
 * Returns a host pointer to the len bytes at gpa, or NULL unless the whole
 * range [gpa, gpa + len) lies inside RAM. Overflow-safe for any gpa and len.
 * A zero-length range is valid anywhere from 0 up to and including size.
 */
void *gmem_ptr(const struct guest_mem *mem, gpa_t gpa, uint64_t len);

/* True when [gpa, gpa + len) lies inside RAM (the same rule as gmem_ptr). */
int gmem_contains(const struct guest_mem *mem, gpa_t gpa, uint64_t len);

/* Copy between guest RAM and a host buffer; 0, or -EFAULT when any byte
 * of the guest range lies outside RAM (then nothing is copied). */
int gmem_read(const struct guest_mem *mem, gpa_t gpa, void *dst, size_t len);
int gmem_write(const struct guest_mem *mem, gpa_t gpa, const void *src,
	       size_t len);

/* False when the page holding gpa was never touched (so it reads as
 * zeros); true when it was, or when the kernel cannot say. */
int gmem_touched(const struct guest_mem *mem, gpa_t gpa);

/* Little-endian 32- and 64-bit stores, as page tables and descriptors need. */
int gmem_write_u32(const struct guest_mem *mem, gpa_t gpa, uint32_t val);
int gmem_write_u64(const struct guest_mem *mem, gpa_t gpa, uint64_t val);
int gmem_read_u32(const struct guest_mem *mem, gpa_t gpa, uint32_t *val);
int gmem_read_u64(const struct guest_mem *mem, gpa_t gpa, uint64_t *val);

#endif
