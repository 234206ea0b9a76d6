/* vm_name.c - cutting a VM's name at a UTF-8 character boundary. */
#include "vm_name.h"

#include <string.h>

#include "json.h"

size_t vm_name_copy(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	while (src[n]) {
		size_t len = json_utf8_len(src + n);

		/* A byte that is no character is one byte long. */
		len = len ? len : 1;
		if (n + len >= size)
			break;
		n += len;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}
