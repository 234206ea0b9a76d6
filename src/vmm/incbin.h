/* incbin.h - the assembler macro that embeds a built guest image as name_start
 * .. name_end. */
#ifndef INCBIN_H
#define INCBIN_H

/* For .S files only: the file is found on the assembler's -I path.
 * clang-format reads this as C and would glue ".section" to ".rodata". */
/* clang-format off */
#define BLOB(name, file)               \
	.section .rodata;              \
	.balign 16;                    \
	.global name##_start;          \
	.global name##_end;            \
name##_start:                          \
	.incbin file;                  \
name##_end:
/* clang-format on */

#endif
