/* sha256.h - SHA-256 (FIPS 180-4), to name a cached kernel by its contents. */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32
#define SHA256_HEX   (SHA256_BYTES * 2 + 1) /* with its NUL */

/* The running state of one digest. */
struct sha256 {
	uint32_t h[8];
	uint64_t bytes;	   /* message bytes so far */
	uint8_t block[64]; /* a partial block */
	size_t used;	   /* bytes in block */
};

/* Starts a digest. */
void sha256_init(struct sha256 *s);

/* Adds len bytes of the message (any length, any number of calls). */
void sha256_update(struct sha256 *s, const void *data, size_t len);

/* Pads, writes the 32-byte digest to out; s must be started anew after. */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_BYTES]);

/* The digest of one buffer as 64 lowercase hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX]);

#endif
