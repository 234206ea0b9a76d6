/* vm_name.h - a VM's display name: cut to fit without splitting a UTF-8
 * character. */
#ifndef MATRIX_VM_NAME_H
#define MATRIX_VM_NAME_H

#include <stddef.h>

/*
 * Copies src into dst (size bytes, size > 0), always terminated. When src
 * does not fit it is cut before the first character that does not: a
 * multi-byte UTF-8 sequence is kept whole or left out, never split. Bytes
 * that are not UTF-8 are copied as they are (the JSON writer replaces
 * them). Returns the length written.
 */
size_t vm_name_copy(char *dst, size_t size, const char *src);

#endif
