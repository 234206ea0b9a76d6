/* aml.c - AML terms as bytes: names, integers, PkgLength, buffers. */
#include "aml.h"

#include <string.h>

#define AML_ZERO_OP	  0x00
#define AML_ONE_OP	  0x01
#define AML_NAME_OP	  0x08
#define AML_BYTE_PREFIX	  0x0a
#define AML_WORD_PREFIX	  0x0b
#define AML_DWORD_PREFIX  0x0c
#define AML_QWORD_PREFIX  0x0e
#define AML_SCOPE_OP	  0x10
#define AML_BUFFER_OP	  0x11
#define AML_PACKAGE_OP	  0x12
#define AML_EXT_OP_PREFIX 0x5b
#define AML_DEVICE_OP	  0x82 /* after the ext prefix */
#define AML_ROOT_CHAR	  0x5c /* '\' */
#define AML_DUAL_NAME	  0x2e
#define AML_MULTI_NAME	  0x2f
#define AML_MAX_SEGS	  16
#define AML_PKGLEN_MAX	  0x0fffffffu /* 28 bits */

void aml_init(struct aml *a, uint8_t *buf, size_t cap)
{
	a->buf = buf;
	a->cap = cap;
	a->len = 0;
	a->bad = 0;
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	if (a->bad || n > a->cap - a->len) {
		a->bad = 1;
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

static void le(struct aml *a, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		byte(a, (uint8_t)(v >> (8 * i)));
}

/* One segment of 1-4 characters into seg[4], padded with '_'. */
static int name_seg(const char *s, size_t n, uint8_t seg[4])
{
	if (n < 1 || n > 4 || (s[0] >= '0' && s[0] <= '9'))
		return -1;
	for (size_t i = 0; i < 4; i++) {
		char c = i < n ? s[i] : '_';

		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return -1;
		seg[i] = (uint8_t)c;
	}
	return 0;
}

void aml_name(struct aml *a, const char *path)
{
	uint8_t segs[AML_MAX_SEGS][4];
	size_t n = 0;
	const char *p = path;

	if (*p == '\\') {
		byte(a, AML_ROOT_CHAR);
		p++;
	}
	while (*p) {
		size_t len = strcspn(p, ".");

		if (n == AML_MAX_SEGS || name_seg(p, len, segs[n]) < 0) {
			a->bad = 1;
			return;
		}
		n++;
		p += len;
		if (*p == '.' && !*++p) { /* a trailing dot */
			a->bad = 1;
			return;
		}
	}
	if (n == 0) { /* "\" alone is the root, NullName after it */
		byte(a, 0x00);
		return;
	}
	if (n == 2)
		byte(a, AML_DUAL_NAME);
	else if (n > 2) {
		byte(a, AML_MULTI_NAME);
		byte(a, (uint8_t)n);
	}
	aml_bytes(a, segs, n * 4);
}

void aml_integer(struct aml *a, uint64_t v)
{
	if (v == 0)
		byte(a, AML_ZERO_OP);
	else if (v == 1)
		byte(a, AML_ONE_OP);
	else if (v <= 0xff) {
		byte(a, AML_BYTE_PREFIX);
		le(a, v, 1);
	} else if (v <= 0xffff) {
		byte(a, AML_WORD_PREFIX);
		le(a, v, 2);
	} else if (v <= 0xffffffffu) {
		byte(a, AML_DWORD_PREFIX);
		le(a, v, 4);
	} else {
		byte(a, AML_QWORD_PREFIX);
		le(a, v, 8);
	}
}

size_t aml_open(struct aml *a, const uint8_t *op, size_t oplen)
{
	aml_bytes(a, op, oplen);
	return a->len;
}

/*
 * PkgLength (ACPI 6.4, 20.2.4): the length of the package counting the
 * PkgLength itself. One byte holds up to 63; longer, the lead byte's top
 * two bits count the bytes that follow, its low nibble is the length's
 * low nibble, and each following byte 8 bits more.
 */
void aml_close(struct aml *a, size_t mark)
{
	size_t body, n, total;
	uint8_t enc[4];

	if (a->bad || mark > a->len)
		return;
	body = a->len - mark;
	for (n = 1; n <= 4; n++)
		if (body + n <=
		    (n == 1 ? 0x3fu : (1u << (4 + 8 * (n - 1))) - 1))
			break;
	total = body + n;
	if (n > 4 || total > AML_PKGLEN_MAX || n > a->cap - a->len) {
		a->bad = 1;
		return;
	}
	if (n == 1) {
		enc[0] = (uint8_t)total;
	} else {
		enc[0] = (uint8_t)((n - 1) << 6 | (total & 0xf));
		for (size_t i = 1; i < n; i++)
			enc[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
	}
	memmove(a->buf + mark + n, a->buf + mark, body);
	memcpy(a->buf + mark, enc, n);
	a->len += n;
}

size_t aml_scope(struct aml *a, const char *path)
{
	static const uint8_t op[] = {AML_SCOPE_OP};
	size_t mark = aml_open(a, op, sizeof(op));

	aml_name(a, path);
	return mark;
}

size_t aml_device(struct aml *a, const char *path)
{
	static const uint8_t op[] = {AML_EXT_OP_PREFIX, AML_DEVICE_OP};
	size_t mark = aml_open(a, op, sizeof(op));

	aml_name(a, path);
	return mark;
}

size_t aml_package(struct aml *a, uint8_t nelem)
{
	static const uint8_t op[] = {AML_PACKAGE_OP};
	size_t mark = aml_open(a, op, sizeof(op));

	byte(a, nelem);
	return mark;
}

void aml_name_decl(struct aml *a, const char *path)
{
	byte(a, AML_NAME_OP);
	aml_name(a, path);
}

void aml_buffer(struct aml *a, const uint8_t *bytes, size_t n)
{
	static const uint8_t op[] = {AML_BUFFER_OP};
	size_t mark = aml_open(a, op, sizeof(op));

	aml_integer(a, n);
	aml_bytes(a, bytes, n);
	aml_close(a, mark);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint32_t aml_eisa_id(const char *id)
{
	uint32_t v = 0;

	if (strlen(id) != 7)
		return 0;
	for (int i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z')
			return 0;
		v = v << 5 | (uint32_t)(id[i] - 0x40);
	}
	for (int i = 3; i < 7; i++) {
		int d = hex_digit(id[i]);

		if (d < 0)
			return 0;
		v = v << 4 | (uint32_t)d;
	}
	/* stored big-endian, as the bytes read "PNP" then "0A03" */
	return __builtin_bswap32(v);
}
