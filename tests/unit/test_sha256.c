/* test_sha256.c - SHA-256 against FIPS 180-4's examples, and the same
 * digest whatever the pieces a message is fed in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"

static void test_vectors(void **state)
{
	char hex[SHA256_HEX];

	(void)state;
	sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
				 "27ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
	/* two blocks: the padding's length field spills into the second */
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		   56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039"
				 "a33ce45964ff2167f6ecedd419db06c1");
}

/* A million 'a's, fed in uneven pieces, as FIPS 180-4's long example. */
static void test_pieces(void **state)
{
	static const size_t sizes[] = {1, 63, 64, 65, 1000, 7};
	uint8_t *a = malloc(1000000), d[SHA256_BYTES];
	char hex[SHA256_HEX];
	struct sha256 s;
	size_t done = 0, i = 0;

	(void)state;
	memset(a, 'a', 1000000);
	sha256_init(&s);
	while (done < 1000000) {
		size_t n = sizes[i++ % 6];

		if (n > 1000000 - done)
			n = 1000000 - done;
		sha256_update(&s, a + done, n);
		done += n;
	}
	sha256_final(&s, d);
	for (int j = 0; j < SHA256_BYTES; j++)
		snprintf(hex + 2 * j, 3, "%02x", d[j]);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
				 "f1809a48a497200e046d39ccc7112cd0");
	sha256_hex(a, 1000000, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
				 "f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
