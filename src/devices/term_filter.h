/* term_filter.h - what a guest's serial console may send to the user's
 * terminal: the screen's own sequences pass, those that reach beyond it are
 * shown as \xHH. */
#ifndef TERM_FILTER_H
#define TERM_FILTER_H

#include <stddef.h>
#include <stdint.h>

/* The longest escape sequence held back to be checked whole: a CSI longer
 * than this is shown as \xHH and text, never passed. */
#define TERM_FILTER_HELD_MAX 64
/* After this many bytes of a refused string (OSC, DCS, APC, PM, SOS) with
 * no terminator, the filter stops treating what follows as its payload. */
#define TERM_FILTER_STRING_MAX 4096
/* Room term_filter_feed needs for len input bytes: each input byte, and
 * each byte held from an earlier call, becomes at most four (\xHH). */
#define TERM_FILTER_OUT_MAX(len) (4 * ((size_t)(len) + TERM_FILTER_HELD_MAX))

struct term_filter {
	uint8_t state;
	uint8_t held[TERM_FILTER_HELD_MAX]; /* a sequence not yet judged */
	unsigned held_len;
	unsigned utf8_need;	  /* continuation bytes still to come */
	uint8_t utf8_lo, utf8_hi; /* the range the next one must be in */
	int csi_intermediate;	  /* the CSI held has an intermediate byte */
	unsigned string_len;	  /* bytes into a refused string */
};

/* A filter at the start of a stream: nothing held. */
void term_filter_init(struct term_filter *f);

/*
 * Filters len bytes of guest output for a UTF-8 terminal and writes the
 * result to out, which has room for TERM_FILTER_OUT_MAX(len) bytes;
 * returns how many it wrote. A sequence split between calls is held in f
 * until it can be judged (at most TERM_FILTER_HELD_MAX bytes), so the
 * output may lag the input by that much, never more. What passes as it
 * is: printable ASCII, well-formed UTF-8 other than U+0080-U+009F, BEL,
 * BS, HT, LF, VT, FF, CR, CSI sequences (ESC [ params intermediates final)
 * except those ending in 't' (window operations) and 'i' (printer), and
 * ESC with intermediates and one final byte (ESC 7, ESC ( B, ESC c) except
 * ESC % (a change of encoding, which would undo the UTF-8 rule).
 * Everything else is shown as \xHH: the other C0 controls and DEL, C1
 * controls in 8 bits or in UTF-8, ill-formed UTF-8, and the ESC that
 * opens an OSC, DCS, APC, PM or SOS string, whose payload then shows as
 * text and its controls, terminator included, as \xHH, until BEL, ST,
 * CAN, SUB, a newline or TERM_FILTER_STRING_MAX bytes.
 */
size_t term_filter_feed(struct term_filter *f, const uint8_t *in, size_t len,
			uint8_t *out);

/* At the end of the stream: writes what f still holds as \xHH to out
 * (room for TERM_FILTER_OUT_MAX(0) bytes), resets f, returns the count. */
size_t term_filter_finish(struct term_filter *f, uint8_t *out);

#endif
