/* cli.c - strict parsing of sizes, durations and numbers given on the command
 * line. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <strings.h>

/* Reads the leading digits of text; refuses signs, spaces and overflow.
 * *rest points past the digits. */
static int leading_number(const char *text, int base, uint64_t *val,
			  const char **rest)
{
	uint64_t n = 0;
	const char *p = text;

	/* the first digit is one of the base's, as every other is */
	if (!(base == 16 ? isxdigit((unsigned char)*p)
			 : isdigit((unsigned char)*p)))
		return -EINVAL;
	for (; *p; p++) {
		int d;

		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			break;
		if (__builtin_mul_overflow(n, (uint64_t)base, &n) ||
		    __builtin_add_overflow(n, (uint64_t)d, &n))
			return -ERANGE;
	}
	*val = n;
	*rest = p;
	return 0;
}

struct unit {
	const char *name;
	uint64_t scale;
};

/* Multiplies n by the scale of the unit named by suffix (case-insensitive). */
static int apply_unit(const struct unit *units, const char *suffix, uint64_t n,
		      uint64_t *out)
{
	for (; units->name; units++) {
		if (strcasecmp(units->name, suffix))
			continue;
		if (__builtin_mul_overflow(n, units->scale, out))
			return -ERANGE;
		return 0;
	}
	return -EINVAL;
}

static int parse_with_units(const char *text, const struct unit *units,
			    const char *what, const char *example,
			    uint64_t *out, struct errbuf *err)
{
	const char *rest = "";
	uint64_t n = 0;
	int ret = text ? leading_number(text, 10, &n, &rest) : -EINVAL;

	if (!ret)
		ret = apply_unit(units, rest, n, out);
	if (ret == -ERANGE)
		return err_fail(err, ERANGE, "%s '%s' is too large", what,
				text);
	if (ret)
		return err_fail(err, EINVAL, "'%s' is not a %s (example: %s)",
				text ? text : "", what, example);
	return 0;
}

int parse_size(const char *text, uint64_t *bytes, struct errbuf *err)
{
	static const struct unit units[] = {
		{"", 1},
		{"B", 1},
		{"K", 1ull << 10},
		{"KiB", 1ull << 10},
		{"M", 1ull << 20},
		{"MiB", 1ull << 20},
		{"G", 1ull << 30},
		{"GiB", 1ull << 30},
		{"T", 1ull << 40},
		{"TiB", 1ull << 40},
		{0, 0},
	};

	return parse_with_units(text, units, "size", "64K, 16M, 1G", bytes,
				err);
}

int parse_duration(const char *text, uint64_t *ns, struct errbuf *err)
{
	static const struct unit units[] = {
		{"", 1000000000ull},	 {"ns", 1},
		{"us", 1000ull},	 {"ms", 1000000ull},
		{"s", 1000000000ull},	 {"m", 60000000000ull},
		{"h", 3600000000000ull}, {0, 0},
	};

	return parse_with_units(text, units, "duration", "500ms, 2s, 1m", ns,
				err);
}

int parse_uint(const char *text, uint64_t min, uint64_t max, uint64_t *val,
	       struct errbuf *err)
{
	const char *digits = text, *rest = "";
	int base = 10, ret;
	uint64_t n = 0;

	if (text && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		digits = text + 2;
		base = 16;
	}
	ret = text ? leading_number(digits, base, &n, &rest) : -EINVAL;
	if (!ret && *rest)
		ret = -EINVAL;
	if (!ret && (n < min || n > max))
		ret = -ERANGE;
	if (ret)
		return err_fail(err, -ret,
				"'%s' is not a number from %llu to %llu",
				text ? text : "", (unsigned long long)min,
				(unsigned long long)max);
	*val = n;
	return 0;
}

int parse_cpus(const char *text, unsigned max, unsigned *n, struct errbuf *err)
{
	const char *c = text ? text : "";
	uint64_t v = 0;
	int ret = *c ? 0 : -EINVAL;

	for (; !ret && *c; c++)
		if (*c < '0' || *c > '9')
			ret = -EINVAL;
	if (!ret)
		ret = leading_number(text, 10, &v, &c);
	if (!ret && (v < 1 || v > max))
		ret = -ERANGE;
	if (ret)
		return err_fail(err, -ret,
				"'%s' is not a number of vCPUs from 1 to %u",
				text ? text : "", max);
	*n = (unsigned)v;
	return 0;
}
