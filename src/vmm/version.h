/* version.h - the release of both programs and the ABI they serve. */
#ifndef VERSION_H
#define VERSION_H

#include <stdio.h>

#define VMM_VERSION "0.4.0"

/* "PROG 0.4.0 (hypercall ABI 1)" and a newline, for --version. */
void version_print(FILE *out, const char *prog);

#endif
