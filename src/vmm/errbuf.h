/* errbuf.h - one-line error messages that library code hands back to main(). */
#ifndef ERRBUF_H
#define ERRBUF_H

#include <stddef.h>

/*
 * Library functions that can fail take a struct errbuf * as their last
 * argument, return a negative errno and leave one line (no newline) in
 * msg saying what failed and where. Only a program's main() prints it and
 * decides the exit status. A NULL errbuf is allowed: the message is dropped.
 */
struct errbuf {
	char msg[512];
};

/* Formats the message and returns -errnum (errnum is a positive errno;
 * 0 or negative values are mapped to EINVAL). */
int err_fail(struct errbuf *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like err_fail, but prepends to an existing message: "what: <old>". */
int err_wrap(struct errbuf *err, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
