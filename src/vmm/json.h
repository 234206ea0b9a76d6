/* json.h - the small part of JSON that the programs write. */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>
#include <stdio.h>

/* Writes s as a JSON string, quoted and escaped: names come from the
 * command line and files, so they may hold anything. Control bytes become
 * \u00XX; a byte that does not belong to well-formed UTF-8 becomes
 * \ufffd, so the output is valid JSON (RFC 8259 wants UTF-8) for any s. */
void json_write_string(FILE *out, const char *s);

/* The length (1..4) of the well-formed UTF-8 character at s, or 0 when the
 * bytes there are none: a stray continuation byte, a cut or overlong
 * sequence, a surrogate, a code point past U+10FFFF, or the NUL. */
size_t json_utf8_len(const char *s);

#endif
