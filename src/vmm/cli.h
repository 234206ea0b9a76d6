/* cli.h - parsers for command-line values shared by every program. */
#ifndef CLI_H
#define CLI_H

#include <stdint.h>

#include "errbuf.h"

/*
 * A byte size: a whole number with an optional binary suffix K, M, G or T
 * (also KiB/MiB/GiB/TiB, any case), e.g. "64K", "16M", "4096". No sign, no
 * fraction, no spaces; overflow is refused. 0 on success, else -EINVAL or
 * -ERANGE with a message naming the text.
 */
int parse_size(const char *text, uint64_t *bytes, struct errbuf *err);

/*
 * A duration: a whole number with a unit ns, us, ms, s, m or h, e.g.
 * "500ms", "2s"; a bare number means seconds. Result in nanoseconds.
 */
int parse_duration(const char *text, uint64_t *ns, struct errbuf *err);

/* A whole number in [min, max], decimal or 0x-prefixed hexadecimal. */
int parse_uint(const char *text, uint64_t min, uint64_t max, uint64_t *val,
	       struct errbuf *err);

/*
 * A vCPU count (--cpus): decimal digits only, 1 to max. 0, or -EINVAL /
 * -ERANGE with one line naming the text and the range.
 */
int parse_cpus(const char *text, unsigned max, unsigned *n, struct errbuf *err);

#endif
