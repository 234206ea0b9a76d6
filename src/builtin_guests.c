/* builtin_guests.c - the table of guest images that guest_blobs.S embeds. */
#include "builtin_guests.h"

/* Start and end symbols defined in guest_blobs.S by .incbin. */
#define BLOB(name) extern const uint8_t name##_start[], name##_end[]
BLOB(guest_answer_real);
BLOB(guest_answer_protected);
BLOB(guest_answer_paged);
BLOB(guest_answer_long);

#define GUEST(label, sym)                                                      \
	{                                                                      \
		label, sym##_start, (size_t)(sym##_end - sym##_start)          \
	}

struct builtin_guest builtin_guest_for_mode(enum cpu_mode mode)
{
	switch (mode) {
	case CPU_MODE_REAL:
		return (struct builtin_guest)GUEST("answer-real",
						   guest_answer_real);
	case CPU_MODE_PROTECTED:
		return (struct builtin_guest)GUEST("answer-protected",
						   guest_answer_protected);
	case CPU_MODE_PAGED32:
		return (struct builtin_guest)GUEST("answer-paged",
						   guest_answer_paged);
	case CPU_MODE_LONG:
		break;
	}
	return (struct builtin_guest)GUEST("answer-long", guest_answer_long);
}
