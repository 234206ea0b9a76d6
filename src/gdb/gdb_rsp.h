/* gdb_rsp.h - the GDB remote serial protocol's packet codec: framing,
 * checksums, escapes and hex, with no sockets. */
#ifndef GDB_RSP_H
#define GDB_RSP_H

#include <stddef.h>
#include <stdint.h>

/* The largest payload we accept; advertised to gdb as PacketSize (hex). */
#define RSP_PACKET_MAX 4096

/* What one byte fed to the decoder completed, if anything. */
enum rsp_event {
	RSP_NONE,	  /* nothing complete yet (or a byte ignored) */
	RSP_PACKET,	  /* a packet with a good checksum: ack it */
	RSP_BAD_CHECKSUM, /* a whole packet, wrong checksum: NAK it */
	RSP_TOO_LONG,	  /* a whole packet longer than RSP_PACKET_MAX */
	RSP_INTERRUPT,	  /* 0x03 between packets: gdb's Ctrl-C */
	RSP_ACK,	  /* '+' between packets */
	RSP_NAK,	  /* '-' between packets: resend the last reply */
};

/*
 * An incremental decoder for the bytes gdb sends. Payload bytes are kept
 * raw (escapes are undone by rsp_unescape, for binary packets only); the
 * buffer is always NUL-terminated so that text commands can be parsed as
 * strings, and never holds more than RSP_PACKET_MAX bytes.
 */
struct rsp_decoder {
	int state;
	size_t len;
	int overflow;  /* the payload outgrew buf: reported at its end */
	uint8_t sum;   /* running checksum of the payload */
	uint8_t cs_hi; /* the first checksum digit */
	int cs_bad;    /* a checksum digit was not hex */
	char buf[RSP_PACKET_MAX + 1];
};

/* Starts (or restarts) a decoder between packets. */
void rsp_decoder_init(struct rsp_decoder *d);

/*
 * Feeds one byte. For RSP_PACKET the payload is d->buf[0 .. d->len) and
 * stays valid until the next byte is fed. Bytes outside a packet other
 * than '+', '-' and 0x03 are ignored; a '$' inside a packet starts over.
 */
enum rsp_event rsp_feed(struct rsp_decoder *d, uint8_t byte);

/* The modulo-256 sum of len bytes, as the protocol's checksum. */
uint8_t rsp_checksum(const void *data, size_t len);

/*
 * Frames payload as $payload#cs into out (escaping '$', '#', '}' and '*'),
 * NUL-terminated. Returns the frame's length, or -1 when it does not fit
 * in cap bytes (then out holds nothing useful).
 */
long rsp_frame(char *out, size_t cap, const void *payload, size_t len);

/*
 * Undoes the binary escapes ('}' then byte ^ 0x20) of len bytes in place.
 * Returns the new length, or -1 when the data ends in a lone '}'.
 */
long rsp_unescape(uint8_t *data, size_t len);

/* The value of one hex digit, or -1. */
int rsp_hex_digit(int c);

/* Writes len bytes as 2 * len lowercase hex digits and a NUL. */
void rsp_hex_encode(char *out, const void *data, size_t len);

/*
 * Reads exactly 2 * len hex digits from text into out. Returns 0, or -1 on
 * a non-hex digit (out may then be partly written).
 */
int rsp_hex_decode(const char *text, void *out, size_t len);

/*
 * Parses a hex number (one digit or more) at *text and moves *text past it.
 * Returns 0, or -1 (and leaves *text) when there is no digit or the value
 * does not fit in 64 bits.
 */
int rsp_parse_hex(const char **text, uint64_t *val);

#endif
