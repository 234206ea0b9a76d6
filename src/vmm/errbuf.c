/* errbuf.c - formatting of the one-line error messages. */
#include "errbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_fail(struct errbuf *err, int errnum, const char *fmt, ...)
{
	if (errnum <= 0)
		errnum = EINVAL;
	if (err) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -errnum;
}

int err_wrap(struct errbuf *err, int ret, const char *fmt, ...)
{
	if (err) {
		char old[sizeof(err->msg)];
		size_t n, room;
		va_list ap;

		memcpy(old, err->msg, sizeof(old));
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		/* Append ": <old message>", cut to fit. */
		n = strlen(err->msg);
		room = sizeof(err->msg) - n;
		if (room > 3) {
			memcpy(err->msg + n, ": ", 2);
			strncpy(err->msg + n + 2, old, room - 3);
			err->msg[sizeof(err->msg) - 1] = '\0';
		}
	}
	return ret < 0 ? ret : -EINVAL;
}
