/* le_bytes.h - little-endian fields of 1 to 8 bytes in byte arrays: PCI
 * configuration space and virtio's registers are little-endian whatever
 * the host is. */
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

#endif
