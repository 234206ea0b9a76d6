/* le_bytes.h - little-endian fields of 1 to 8 bytes in byte arrays: PCI
 * configuration space, virtio's registers, the boot protocol's headers
 * and the firmware tables are little-endian whatever the host is. */
#ifndef LE_BYTES_H
#define LE_BYTES_H

#include <stdint.h>

/* The len-byte (1..8) little-endian value at data. */
static inline uint64_t le_get(const void *data, uint32_t len)
{
	const uint8_t *p = data;
	uint64_t v = 0;

	for (uint32_t i = 0; i < len; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Stores v's low len (1..8) bytes at data, least significant first. */
static inline void le_put(void *data, uint64_t v, uint32_t len)
{
	uint8_t *p = data;

	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The fixed widths, for headers and tables laid out field by field. */
static inline uint16_t le_get16(const void *p)
{
	return (uint16_t)le_get(p, 2);
}
static inline uint32_t le_get32(const void *p)
{
	return (uint32_t)le_get(p, 4);
}
static inline void le_put16(void *p, uint16_t v)
{
	le_put(p, v, 2);
}
static inline void le_put32(void *p, uint32_t v)
{
	le_put(p, v, 4);
}
static inline void le_put64(void *p, uint64_t v)
{
	le_put(p, v, 8);
}

#endif
