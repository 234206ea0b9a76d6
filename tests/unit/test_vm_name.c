/* test_vm_name.c - VM names cut at character boundaries, and JSON strings
 * that stay valid for any bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "vm_name.h"

/* Is every byte of s part of a well-formed UTF-8 character? */
static int all_utf8(const char *s)
{
	while (*s) {
		size_t len = json_utf8_len(s);

		if (!len)
			return 0;
		s += len;
	}
	return 1;
}

/* 30 ASCII bytes and then "é" (c3 a9): a 32-byte buffer holds 31 bytes,
 * and a cut by bytes would keep the lone c3. */
static void test_two_byte_character_at_the_cut(void **state)
{
	char name[32];
	char src[64];

	(void)state;
	memset(src, 'a', 30);
	strcpy(src + 30, "\xc3\xa9");
	assert_int_equal(vm_name_copy(name, sizeof(name), src), 30);
	assert_int_equal(strlen(name), 30);
	assert_true(all_utf8(name));
}

static void test_cuts_keep_whole_characters(void **state)
{
	/* 2-, 3- and 4-byte characters (é, €, 😀) in every position of the
	 * cut: the result is the longest whole-character prefix. */
	static const char *const chars[] = {"\xc3\xa9", "\xe2\x82\xac",
					    "\xf0\x9f\x98\x80"};
	char src[80], name[32];

	(void)state;
	for (unsigned c = 0; c < 3; c++) {
		size_t clen = strlen(chars[c]);

		for (size_t pad = 25; pad <= 31; pad++) {
			size_t got, want;

			memset(src, 'x', pad);
			strcpy(src + pad, chars[c]);
			strcat(src, "tail");
			got = vm_name_copy(name, sizeof(name), src);
			assert_true(all_utf8(name));
			assert_int_equal(got, strlen(name));
			/* the character whole and ASCII after it, or not at all
			 */
			want = pad + clen > 31 ? pad : pad + clen + 4;
			assert_int_equal(got, want < 31 ? want : 31);
			assert_memory_equal(name, src, got);
		}
	}
}

static void test_short_names_are_copied_whole(void **state)
{
	char name[32];

	(void)state;
	assert_int_equal(vm_name_copy(name, sizeof(name), "Neo"), 3);
	assert_string_equal(name, "Neo");
	assert_int_equal(vm_name_copy(name, sizeof(name), ""), 0);
	assert_string_equal(name, "");
	/* a byte that is no character is kept as it is: the JSON writer
	 * deals with it */
	assert_int_equal(vm_name_copy(name, sizeof(name), "a\xff"), 2);
	assert_string_equal(name, "a\xff");
}

/* json_write_string's output for s, in buf. */
static void json_of(const char *s, char *buf, size_t size)
{
	FILE *f = fmemopen(buf, size, "w");

	assert_non_null(f);
	json_write_string(f, s);
	assert_int_equal(fclose(f), 0);
}

static void test_json_escapes_controls_and_bad_bytes(void **state)
{
	char buf[256];

	(void)state;
	json_of("a\"b\\c\n\x01\x7f", buf, sizeof(buf));
	assert_string_equal(buf, "\"a\\\"b\\\\c\\u000a\\u0001\x7f\"");
	/* a cut sequence, a stray continuation byte, an overlong NUL, a
	 * surrogate, a byte that never occurs: each a U+FFFD escape */
	json_of("x\xc3", buf, sizeof(buf));
	assert_string_equal(buf, "\"x\\ufffd\"");
	json_of("\xa9y", buf, sizeof(buf));
	assert_string_equal(buf, "\"\\ufffdy\"");
	json_of("\xc0\x80", buf, sizeof(buf));
	assert_string_equal(buf, "\"\\ufffd\\ufffd\"");
	json_of("\xed\xa0\x80", buf, sizeof(buf));
	assert_string_equal(buf, "\"\\ufffd\\ufffd\\ufffd\"");
	json_of("\xff", buf, sizeof(buf));
	assert_string_equal(buf, "\"\\ufffd\"");
	/* well-formed characters pass unchanged */
	json_of("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", buf, sizeof(buf));
	assert_string_equal(buf, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	assert_true(all_utf8(buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_byte_character_at_the_cut),
		cmocka_unit_test(test_cuts_keep_whole_characters),
		cmocka_unit_test(test_short_names_are_copied_whole),
		cmocka_unit_test(test_json_escapes_controls_and_bad_bytes),
	};

	return cmocka_run_group_tests_name("vm_name", tests, NULL, NULL);
}
