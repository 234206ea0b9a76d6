/* fuzz_cli.c - libFuzzer harness for the command-line value parsers:
 * parse_size, parse_duration, parse_uint, sched_policy_parse and
 * hc_parse_deny, each checked against a reference parser written from
 * the grammar in src/cli.h (and the names in scheduler.h and
 * hypercall_host.h).
 *
 * Input: TEXT [NUL MIN MAX]: the text is everything up to the first NUL
 * (copied into an exactly sized buffer, so ASan sees any read past its
 * NUL); parse_uint's bounds are the u64s (little-endian) after it, 0 and
 * UINT64_MAX when missing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "hypercall_host.h"
#include "scheduler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_cli: %s:%d: %s\n", __FILE__,     \
				__LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

struct unit {
	const char *name;
	uint64_t scale;
};

static const struct unit size_units[] = {
	{"", 1},	   {"B", 1},
	{"K", 1ull << 10}, {"KiB", 1ull << 10},
	{"M", 1ull << 20}, {"MiB", 1ull << 20},
	{"G", 1ull << 30}, {"GiB", 1ull << 30},
	{"T", 1ull << 40}, {"TiB", 1ull << 40},
	{NULL, 0},
};

static const struct unit duration_units[] = {
	{"", 1000000000ull},	 {"ns", 1},
	{"us", 1000ull},	 {"ms", 1000000ull},
	{"s", 1000000000ull},	 {"m", 60000000000ull},
	{"h", 3600000000000ull}, {NULL, 0},
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Digits in base 10 or 16 from p, at least one; 0, -EINVAL or -ERANGE. */
static int ref_digits(const char **p, unsigned base, uint64_t *val)
{
	unsigned __int128 n = 0;
	int d, any = 0, big = 0;

	while ((d = base == 16	    ? hex_value(**p)
		    : is_digit(**p) ? **p - '0'
				    : -1) >= 0) {
		n = n * base + (unsigned)d;
		if (n > UINT64_MAX) {
			big = 1;
			n = UINT64_MAX; /* keep going: stays too large */
		}
		any = 1;
		(*p)++;
	}
	*val = (uint64_t)n;
	return !any ? -EINVAL : big ? -ERANGE : 0;
}

/* "digits unit", the whole text; 0, -EINVAL or -ERANGE. */
static int ref_with_units(const char *text, const struct unit *units,
			  uint64_t *out)
{
	const char *p = text;
	uint64_t n;
	int ret = ref_digits(&p, 10, &n);

	if (ret == -EINVAL)
		return ret;
	for (; units->name; units++) {
		if (strcasecmp(p, units->name) == 0) {
			unsigned __int128 v =
				(unsigned __int128)n * units->scale;

			if (ret || v > UINT64_MAX)
				return -ERANGE;
			*out = (uint64_t)v;
			return 0;
		}
	}
	/* Too many digits before a bad unit: either error will do. */
	return ret ? -ERANGE - 1000 : -EINVAL;
}

static void check_errbuf(int ret, const struct errbuf *err)
{
	CHECK(memchr(err->msg, 0, sizeof(err->msg)) != NULL);
	if (ret)
		CHECK(err->msg[0] != '\0');
}

/* ret against the model's want; -ERANGE - 1000 accepts -EINVAL or -ERANGE. */
static void check_ret(const char *what, const char *text, int ret, int want)
{
	if (want == -ERANGE - 1000 ? ret == -EINVAL || ret == -ERANGE
				   : ret == want)
		return;
	fprintf(stderr,
		"fuzz_cli: %s(\"%s\") returned %d, the grammar says %d\n", what,
		text, ret, want == -ERANGE - 1000 ? -ERANGE : want);
	abort();
}

/* The largest unit of the table that divides v, as text. */
static void format_with_unit(char *buf, size_t len, uint64_t v,
			     const struct unit *units)
{
	const struct unit *best = NULL;

	for (const struct unit *u = units; u->name; u++)
		if ((!best || u->scale > best->scale) && u->scale &&
		    v % u->scale == 0)
			best = u;
	snprintf(buf, len, "%" PRIu64 "%s", v / best->scale, best->name);
}

static void fuzz_units(const char *what, const char *text,
		       int (*parse)(const char *, uint64_t *, struct errbuf *),
		       const struct unit *units)
{
	struct errbuf err;
	uint64_t v = 0, v2 = 0, want = 0;
	int ret, ret2, ref;
	char again[48];

	memset(&err, 0, sizeof(err));
	ret = parse(text, &v, &err);
	ref = ref_with_units(text, units, &want);
	check_ret(what, text, ret, ref);
	check_errbuf(ret, &err);
	ret2 = parse(text, &v2, NULL); /* a NULL errbuf is allowed */
	CHECK(ret2 == ret);
	if (ret)
		return;
	CHECK(v == want && v2 == v);
	/* The value with its largest exact unit parses back to itself. */
	format_with_unit(again, sizeof(again), v, units);
	CHECK(parse(again, &v2, NULL) == 0 && v2 == v);
}

static void fuzz_uint(const char *text, uint64_t min, uint64_t max)
{
	const uint64_t sentinel = 0x5eed5eed5eed5eedull;
	struct errbuf err;
	uint64_t v = sentinel, want = 0;
	const char *p = text;
	unsigned base = 10;
	int ret, ref;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		base = 16;
	}
	ref = ref_digits(&p, base, &want);
	if (ref == -ERANGE && *p)
		ref = -ERANGE - 1000; /* too large and trailing junk */
	else if (!ref && *p)
		ref = -EINVAL;
	else if (!ref && (want < min || want > max))
		ref = -ERANGE;

	memset(&err, 0, sizeof(err));
	ret = parse_uint(text, min, max, &v, &err);
	check_ret("parse_uint", text, ret, ref);
	check_errbuf(ret, &err);
	if (ret) {
		CHECK(v == sentinel); /* untouched on failure */
		return;
	}
	CHECK(v == want && v >= min && v <= max);
	/* Decimal and hexadecimal renderings parse back. */
	{
		char again[32];
		uint64_t v2 = 0;

		snprintf(again, sizeof(again), "%" PRIu64, v);
		CHECK(parse_uint(again, min, max, &v2, NULL) == 0 && v2 == v);
		snprintf(again, sizeof(again), "0x%" PRIX64, v);
		CHECK(parse_uint(again, min, max, &v2, NULL) == 0 && v2 == v);
	}
}

static void fuzz_policy(const char *text)
{
	static const char *const names[] = {"io", "rr", "frac", "fair",
					    "eevdf"};
	enum sched_policy p = POLICY_IO;
	int ret = sched_policy_parse(text, &p), want = -EINVAL;

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(text, names[i]))
			want = 0;
	CHECK(ret == want);
	if (!ret)
		CHECK(!strcmp(sched_policy_name(p), text));
}

/* hc_parse_deny: names with or without "HC_", comma-separated. */
static void fuzz_deny(const char *text)
{
	struct errbuf err;
	uint32_t mask = 0, want = 0, back = 0;
	const char *p = text;
	int ret, ref = 0;
	char list[512];
	size_t used = 0;

	while (*p) {
		size_t len = strcspn(p, ",");
		int call;

		if (len > 3 && !strncmp(p, "HC_", 3))
			p += 3, len -= 3;
		for (call = 0; call < (int)HC_NR_COUNT; call++) {
			const char *name = hc_call_name(call) + 3;

			if (strlen(name) == len && !strncmp(p, name, len))
				break;
		}
		if (call == HC_NR_COUNT) {
			ref = -EINVAL;
			break;
		}
		want |= 1u << call;
		p += len;
		p += *p == ',';
	}

	memset(&err, 0, sizeof(err));
	ret = hc_parse_deny(text, &mask, &err);
	CHECK(ret == ref);
	check_errbuf(ret, &err);
	if (ret)
		return;
	CHECK(mask == want && mask < (1u << HC_NR_COUNT));
	/* The names of the mask's calls parse back to the mask. */
	list[0] = '\0';
	for (int call = 0; call < (int)HC_NR_COUNT; call++)
		if (mask & (1u << call))
			used += (size_t)snprintf(
				list + used, sizeof(list) - used, "%s%s",
				used ? "," : "", hc_call_name(call));
	CHECK(hc_parse_deny(list, &back, NULL) == 0 && back == mask);
}

static uint64_t le64(const uint8_t *p, size_t n, uint64_t missing)
{
	uint64_t v = 0;

	if (n < 8)
		return missing;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t len = nul ? (size_t)(nul - data) : size;
	const uint8_t *tail = nul ? nul + 1 : data + size;
	size_t rest = nul ? size - len - 1 : 0;
	uint64_t min = le64(tail, rest, 0);
	uint64_t max = le64(rest >= 8 ? tail + 8 : tail,
			    rest >= 8 ? rest - 8 : 0, UINT64_MAX);
	char *text = malloc(len + 1);

	CHECK(text);
	memcpy(text, data, len);
	text[len] = '\0';
	fuzz_units("parse_size", text, parse_size, size_units);
	fuzz_units("parse_duration", text, parse_duration, duration_units);
	fuzz_uint(text, min, max);
	fuzz_policy(text);
	fuzz_deny(text);
	free(text);
	return 0;
}
