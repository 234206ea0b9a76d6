/* fuzz_gdb_rsp.c - libFuzzer harness for the gdb packet decoder and its
 * helpers: any bytes a client sends, fed one at a time as the stub does.
 *
 * Checks, for every input: the decoder never holds more than
 * RSP_PACKET_MAX bytes and keeps its buffer NUL-terminated; a packet it
 * accepts has the checksum it was sent with; framing that payload again
 * and decoding the frame gives the same bytes back (escapes round-trip);
 * and the hex and unescape helpers stay inside their buffers on it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdb_rsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_gdb_rsp: %s:%d: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

/* Frames the payload, decodes the frame, and expects it back unescaped. */
static void check_round_trip(const char *payload, size_t len)
{
	static char frame[2 * RSP_PACKET_MAX + 8];
	static struct rsp_decoder d;
	enum rsp_event ev = RSP_NONE;
	long n = rsp_frame(frame, sizeof(frame), payload, len);
	long back;

	CHECK(n > 0);
	rsp_decoder_init(&d);
	for (long i = 0; i < n; i++) {
		ev = rsp_feed(&d, (uint8_t)frame[i]);
		CHECK(ev == RSP_NONE || i == n - 1);
	}
	CHECK(ev == RSP_PACKET);
	back = rsp_unescape((uint8_t *)d.buf, d.len);
	CHECK(back == (long)len);
	CHECK(!memcmp(d.buf, payload, len));
}

/* The helpers the stub runs on a packet's text. */
static void poke_helpers(const char *text, size_t len)
{
	static uint8_t out[RSP_PACKET_MAX / 2 + 1];
	static uint8_t copy[RSP_PACKET_MAX];
	const char *s = text;
	uint64_t v;
	long n;

	if (!rsp_parse_hex(&s, &v))
		CHECK(s > text && s <= text + len);
	else
		CHECK(s == text);
	/* decode only as far as the text goes, as the stub checks first */
	if (rsp_hex_decode(text, out, len / 2) == 0)
		for (size_t i = 0; i < len / 2 * 2; i++)
			CHECK(rsp_hex_digit((unsigned char)text[i]) >= 0);
	memcpy(copy, text, len);
	n = rsp_unescape(copy, len);
	CHECK(n <= (long)len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rsp_decoder d;

	rsp_decoder_init(&d);
	for (size_t i = 0; i < size; i++) {
		enum rsp_event ev = rsp_feed(&d, data[i]);

		CHECK(d.len <= RSP_PACKET_MAX);
		CHECK(d.buf[d.len] == '\0');
		if (ev != RSP_PACKET)
			continue;
		/* the two digits just fed are the sum of what was kept */
		CHECK(i >= 3 + d.len);
		CHECK(rsp_hex_digit(data[i]) >= 0 &&
		      rsp_hex_digit(data[i - 1]) >= 0);
		CHECK(rsp_checksum(d.buf, d.len) ==
		      (uint8_t)(rsp_hex_digit(data[i]) |
				rsp_hex_digit(data[i - 1]) << 4));
		check_round_trip(d.buf, d.len);
		poke_helpers(d.buf, d.len);
	}
	return 0;
}
