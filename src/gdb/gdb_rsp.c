/* gdb_rsp.c - GDB remote protocol packets: decoding byte by byte, framing,
 * escapes and hex. */
#include "gdb_rsp.h"

#include <string.h>

enum { ST_IDLE, ST_PAYLOAD, ST_CS1, ST_CS2 };

void rsp_decoder_init(struct rsp_decoder *d)
{
	d->state = ST_IDLE;
	d->len = 0;
	d->overflow = 0;
	d->sum = 0;
	d->cs_hi = 0;
	d->cs_bad = 0;
	d->buf[0] = '\0';
}

int rsp_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Between packets only the ack bytes and Ctrl-C mean something; noise
 * (a telnet user, a stray newline) is skipped rather than refused. */
static enum rsp_event feed_idle(struct rsp_decoder *d, uint8_t byte)
{
	switch (byte) {
	case '$':
		rsp_decoder_init(d);
		d->state = ST_PAYLOAD;
		return RSP_NONE;
	case '+':
		return RSP_ACK;
	case '-':
		return RSP_NAK;
	case 0x03:
		return RSP_INTERRUPT;
	}
	return RSP_NONE;
}

/* The payload is stored up to the limit and summed whole, so that an
 * overlong packet is still told apart from a corrupt one. */
static void feed_payload(struct rsp_decoder *d, uint8_t byte)
{
	if (byte == '#') {
		d->state = ST_CS1;
		return;
	}
	if (byte == '$') { /* a new start: the old packet was lost */
		rsp_decoder_init(d);
		d->state = ST_PAYLOAD;
		return;
	}
	d->sum += byte;
	if (d->len < RSP_PACKET_MAX) {
		d->buf[d->len++] = (char)byte;
		d->buf[d->len] = '\0';
	} else {
		d->overflow = 1;
	}
}

static enum rsp_event finish(struct rsp_decoder *d, uint8_t byte)
{
	int lo = rsp_hex_digit(byte);
	enum rsp_event ev;

	d->state = ST_IDLE;
	if (d->cs_bad || lo < 0 || (uint8_t)(d->cs_hi << 4 | lo) != d->sum)
		ev = RSP_BAD_CHECKSUM;
	else
		ev = d->overflow ? RSP_TOO_LONG : RSP_PACKET;
	if (ev != RSP_PACKET)
		d->len = 0, d->buf[0] = '\0';
	return ev;
}

enum rsp_event rsp_feed(struct rsp_decoder *d, uint8_t byte)
{
	int hi;

	switch (d->state) {
	case ST_PAYLOAD:
		feed_payload(d, byte);
		return RSP_NONE;
	case ST_CS1:
		hi = rsp_hex_digit(byte);
		d->cs_bad = hi < 0;
		d->cs_hi = hi < 0 ? 0 : (uint8_t)hi;
		d->state = ST_CS2;
		return RSP_NONE;
	case ST_CS2:
		return finish(d, byte);
	default:
		return feed_idle(d, byte);
	}
}

uint8_t rsp_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

static int needs_escape(uint8_t c)
{
	return c == '$' || c == '#' || c == '}' || c == '*';
}

long rsp_frame(char *out, size_t cap, const void *payload, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = payload;
	size_t n = 0;
	uint8_t sum = 0;

	if (cap < 5)
		return -1;
	out[n++] = '$';
	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];

		/* room for this byte (maybe escaped) and "#xx" and NUL */
		if (n + 2 + 4 > cap)
			return -1;
		if (needs_escape(c)) {
			out[n++] = '}';
			sum += '}';
			c ^= 0x20;
		}
		out[n++] = (char)c;
		sum += c;
	}
	if (n + 4 > cap)
		return -1;
	out[n++] = '#';
	out[n++] = hex[sum >> 4];
	out[n++] = hex[sum & 15];
	out[n] = '\0';
	return (long)n;
}

long rsp_unescape(uint8_t *data, size_t len)
{
	size_t in = 0, out = 0;

	while (in < len) {
		if (data[in] == '}') {
			if (in + 1 >= len)
				return -1;
			data[out++] = data[in + 1] ^ 0x20;
			in += 2;
		} else {
			data[out++] = data[in++];
		}
	}
	return (long)out;
}

void rsp_hex_encode(char *out, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		*out++ = hex[p[i] >> 4];
		*out++ = hex[p[i] & 15];
	}
	*out = '\0';
}

int rsp_hex_decode(const char *text, void *out, size_t len)
{
	uint8_t *p = out;

	for (size_t i = 0; i < len; i++) {
		int hi = rsp_hex_digit((unsigned char)text[2 * i]);
		int lo = hi < 0 ? -1
				: rsp_hex_digit((unsigned char)text[2 * i + 1]);

		if (lo < 0)
			return -1;
		p[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int rsp_parse_hex(const char **text, uint64_t *val)
{
	const char *s = *text;
	uint64_t v = 0;
	int digits = 0, d;

	/* leading zeros are fine; a 17th significant digit is not */
	while ((d = rsp_hex_digit((unsigned char)*s)) >= 0) {
		if (v >> 60)
			return -1;
		digits++;
		v = v << 4 | (uint64_t)d;
		s++;
	}
	if (!digits)
		return -1;
	*val = v;
	*text = s;
	return 0;
}
