/* json.h - the small part of JSON that the programs write. */
#ifndef JSON_H
#define JSON_H

#include <stdio.h>

/* Writes s as a JSON string, quoted and escaped: names come from the
 * command line and files, so they may hold anything. */
void json_write_string(FILE *out, const char *s);

#endif
