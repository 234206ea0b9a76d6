/* test_term_filter.c - the console's terminal filter: what a shell and an
 * editor send passes, what reaches past the screen is shown as \xHH, fed
 * whole, byte by byte and split at every point. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "term_filter.h"

#define OUT_CAP 65536

/* in[0..len) fed in pieces that end at the cut points (0: whole), then
 * finished; the output, NUL-terminated, in a static buffer. */
static const char *filter_cut(const char *in, size_t len, size_t cut)
{
	static uint8_t out[OUT_CAP];
	struct term_filter f;
	size_t n = 0, at = 0;

	term_filter_init(&f);
	while (at < len) {
		size_t piece = cut && len - at > cut ? cut : len - at;

		assert_true(n + TERM_FILTER_OUT_MAX(piece) < OUT_CAP);
		n += term_filter_feed(&f, (const uint8_t *)in + at, piece,
				      out + n);
		at += piece;
	}
	n += term_filter_finish(&f, out + n);
	out[n] = 0;
	return (const char *)out;
}

/* The same output whole, byte by byte, and split once at every point. */
static void expect_len(const char *in, size_t len, const char *want)
{
	char *whole = strdup(filter_cut(in, len, 0));

	assert_string_equal(whole, want);
	assert_string_equal(filter_cut(in, len, 1), want);
	for (size_t cut = 2; cut < len; cut++)
		assert_string_equal(filter_cut(in, len, cut), want);
	free(whole);
}

static void expect(const char *in, const char *want)
{
	expect_len(in, strlen(in), want);
}

static void test_text_and_utf8_pass(void **state)
{
	(void)state;
	expect("plain text 123 ~!", "plain text 123 ~!");
	/* é, a box-drawing line (E2 94 80: its 0x80 is no C1 control), a
	 * right quote (E2 80 9D) and an emoji (four bytes). */
	expect("caf\xc3\xa9 \xe2\x94\x80 \xe2\x80\x9d \xf0\x9f\x98\x80",
	       "caf\xc3\xa9 \xe2\x94\x80 \xe2\x80\x9d \xf0\x9f\x98\x80");
	expect("\xc2\xa0nbsp", "\xc2\xa0nbsp");
}

static void test_shell_controls_pass(void **state)
{
	(void)state;
	expect("a\bb\tc\r\nd\a\v\f", "a\bb\tc\r\nd\a\v\f");
}

static void test_csi_passes(void **state)
{
	(void)state;
	/* ash's line editing and busybox vi: erase to end of line, cursor
	 * moves, a position report, colours, reverse video, clear. */
	expect("\033[K\033[3D\033[12;40H\033[6n",
	       "\033[K\033[3D\033[12;40H\033[6n");
	expect("\033[1;31mred\033[0m\033[7m\033[m",
	       "\033[1;31mred\033[0m\033[7m\033[m");
	expect("\033[H\033[2J\033[?25l\033[?25h\033[?1049h",
	       "\033[H\033[2J\033[?25l\033[?25h\033[?1049h");
	expect("\033[2 q", "\033[2 q"); /* an intermediate: cursor shape */
}

static void test_short_escapes_pass(void **state)
{
	(void)state;
	/* save, restore, reverse index, keypad, reset, charsets, ST */
	expect("\0337\0338\033M\033=\033>\033c",
	       "\0337\0338\033M\033=\033>\033c");
	expect("\033(B\033)0\033#8", "\033(B\033)0\033#8");
	expect("\033\\", "\033\\");
}

static void test_osc_shown(void **state)
{
	(void)state;
	expect("\033]0;pwned\a$ ", "\\x1b]0;pwned\\x07$ ");
	expect("\033]2;title\033\\ok", "\\x1b]2;title\\x1b\\ok");
	/* OSC 52: the clipboard */
	expect("\033]52;c;cm0gLXJmIH4K\a", "\\x1b]52;c;cm0gLXJmIH4K\\x07");
	/* a CSI inside a refused string is part of its payload */
	expect("\033]0;\033[2J\a", "\\x1b]0;\\x1b[2J\\x07");
}

static void test_dcs_apc_pm_sos_shown(void **state)
{
	(void)state;
	expect("\033P$qm\033\\", "\\x1bP$qm\\x1b\\");
	expect("\033_apc\033\\", "\\x1b_apc\\x1b\\");
	expect("\033^pm\a", "\\x1b^pm\\x07");
	expect("\033Xsos\030x", "\\x1bXsos\\x18x"); /* CAN ends it */
}

/* ESC % @ would leave UTF-8, and the 0x9d of a right quote (E2 80 9D) would
 * then open an OSC: no change of encoding passes. */
static void test_encoding_change_shown(void **state)
{
	(void)state;
	expect("\033%@\xe2\x80\x9d"
	       "0;t\a",
	       "\\x1b%@\xe2\x80\x9d"
	       "0;t\a");
	expect("\033%G", "\\x1b%G");
	expect("\033%/I", "\\x1b%/I");
}

static void test_window_and_printer_csi_shown(void **state)
{
	(void)state;
	expect("\033[8;5;5t", "\\x1b[8;5;5t"); /* resize the window */
	expect("\033[21t", "\\x1b[21t");       /* report the title */
	expect("\033[5i", "\\x1b[5i");	       /* printer on */
}

static void test_c1_controls_shown(void **state)
{
	(void)state;
	/* 8-bit OSC, DCS, APC, PM, SOS: the string's payload shows too */
	expect("\x9d"
	       "0;t\a",
	       "\\x9d0;t\\x07");
	expect("\x90q\x9c", "\\x90q\\x9c");
	expect("\x9f"
	       "a\a\x9e"
	       "b\a\x98"
	       "c\a",
	       "\\x9fa\\x07\\x9eb\\x07\\x98c\\x07");
	expect("\x9b"
	       "2J",
	       "\\x9b2J"); /* 8-bit CSI */
	/* the same code points in UTF-8: U+009D, U+009B */
	expect("\xc2\x9d"
	       "0;t\a",
	       "\\xc2\\x9d0;t\\x07");
	expect("\xc2\x9b"
	       "2J",
	       "\\xc2\\x9b2J");
}

static void test_other_controls_shown(void **state)
{
	static const char in[] = "a\x00"
				 "b\x0e"
				 "c\x7f"
				 "d\x05";

	expect_len(in, sizeof(in) - 1, "a\\x00b\\x0ec\\x7fd\\x05");
	(void)state;
}

static void test_bad_utf8_shown(void **state)
{
	(void)state;
	expect("\xe0\x80\x80", "\\xe0\\x80\\x80"); /* overlong */
	expect("\xed\xa0\x80", "\\xed\\xa0\\x80"); /* a surrogate */
	expect("\xc3"
	       "A",
	       "\\xc3A");			      /* cut by ASCII */
	expect("\xe2\x94\033[K", "\\xe2\\x94\033[K"); /* cut by a CSI */
	expect("\xc0\xaf\xff", "\\xc0\\xaf\\xff");
}

static void test_malformed_escapes_shown(void **state)
{
	(void)state;
	expect("\033[1\n;2m", "\\x1b[1\n;2m"); /* cut by a control */
	expect("\033[ 1m", "\\x1b[ 1m");       /* a parameter after one */
	expect("\033\033[K", "\\x1b\033[K");
	expect("\033\x01", "\\x1b\\x01");
}

/* An unterminated OSC: the filter holds none of it, and its escaping ends
 * at a newline or after TERM_FILTER_STRING_MAX bytes. */
static void test_unterminated_osc(void **state)
{
	static char in[TERM_FILTER_STRING_MAX + 64];
	uint8_t out[TERM_FILTER_OUT_MAX(16)];
	struct term_filter f;
	size_t n, len;

	(void)state;
	term_filter_init(&f);
	n = term_filter_feed(&f, (const uint8_t *)"\033]0;abc", 7, out);
	assert_int_equal(n, 10);
	assert_memory_equal(out, "\\x1b]0;abc", 10);
	expect("\033]0;abc\n\033[K$ ", "\\x1b]0;abc\n\033[K$ ");

	memcpy(in, "\033]0;", 4);
	memset(in + 4, 'a', TERM_FILTER_STRING_MAX);
	strcpy(in + 4 + TERM_FILTER_STRING_MAX, "\033[K");
	len = strlen(in);
	n = strlen(filter_cut(in, len, 0));
	/* the 4096 a's and "\x1b]0;" shown, then the CSI passes */
	assert_int_equal(n, 7 + TERM_FILTER_STRING_MAX + 3);
	assert_memory_equal(filter_cut(in, len, 0) + n - 3, "\033[K", 3);
}

/* A sequence cut off at the end of the stream is shown, not lost; one
 * longer than the filter holds is shown, not passed. */
static void test_cut_off_and_overlong(void **state)
{
	static char in[200];

	(void)state;
	expect("$ \033", "$ \\x1b");
	expect("\033[12;4", "\\x1b[12;4");
	expect("\033(", "\\x1b(");
	memcpy(in, "\033[", 2);
	memset(in + 2, '1', 100);
	in[102] = 'm';
	in[103] = 0;
	assert_int_equal(strncmp(filter_cut(in, 103, 0), "\\x1b[111", 8), 0);
	assert_int_equal(strlen(filter_cut(in, 103, 0)), 103 + 3);
}

/* What no output may hold, whatever the input: a raw ESC followed by a
 * string introducer, U+0080-U+009F in UTF-8, or a C1 byte right after an
 * ASCII byte (where no UTF-8 sequence can be under way). prev carries the
 * last byte across calls. */
static void check_output(const uint8_t *out, size_t n, uint8_t *prev)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t b = out[i];

		if (*prev == 0x1b)
			assert_null(memchr("]P_^X", b, 5));
		if (*prev == 0xc2)
			assert_false(b >= 0x80 && b <= 0x9f);
		if (*prev < 0x80)
			assert_false(b >= 0x80 && b <= 0x9f);
		*prev = b;
	}
}

/* Random bytes, rich in escapes: the output stays within
 * TERM_FILTER_OUT_MAX and check_output holds. */
static void test_random_bytes_bounded(void **state)
{
	static const char tricky[] = "\033[]P_^X\a\\;0\x9d\xc2\x9b";
	uint8_t in[64], out[TERM_FILTER_OUT_MAX(64)], prev = 0;
	struct term_filter f;
	uint32_t seed = 12345;

	(void)state;
	term_filter_init(&f);
	for (int round = 0; round < 20000; round++) {
		size_t len = 1 + round % 64, n;

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (uint8_t)(seed >> 16);
			if (seed & 0x10000000u)
				in[i] = (uint8_t)tricky[(seed >> 8) %
							(sizeof(tricky) - 1)];
		}
		n = term_filter_feed(&f, in, len, out);
		assert_true(n <= TERM_FILTER_OUT_MAX(len));
		check_output(out, n, &prev);
	}
	check_output(out, term_filter_finish(&f, out), &prev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_and_utf8_pass),
		cmocka_unit_test(test_shell_controls_pass),
		cmocka_unit_test(test_csi_passes),
		cmocka_unit_test(test_short_escapes_pass),
		cmocka_unit_test(test_osc_shown),
		cmocka_unit_test(test_dcs_apc_pm_sos_shown),
		cmocka_unit_test(test_window_and_printer_csi_shown),
		cmocka_unit_test(test_encoding_change_shown),
		cmocka_unit_test(test_c1_controls_shown),
		cmocka_unit_test(test_other_controls_shown),
		cmocka_unit_test(test_bad_utf8_shown),
		cmocka_unit_test(test_malformed_escapes_shown),
		cmocka_unit_test(test_unterminated_osc),
		cmocka_unit_test(test_cut_off_and_overlong),
		cmocka_unit_test(test_random_bytes_bounded),
	};

	return cmocka_run_group_tests_name("term_filter", tests, NULL, NULL);
}
