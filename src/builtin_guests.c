/* builtin_guests.c - the table of guest images that guest_blobs.S embeds. */
#include "builtin_guests.h"

/* Start and end symbols defined in guest_blobs.S by .incbin. */
#define BLOB(name) extern const uint8_t name##_start[], name##_end[]
BLOB(guest_demo_real);
BLOB(guest_demo_protected);
BLOB(guest_demo_paged);
BLOB(guest_demo_long);

#define GUEST(label, sym)                                                      \
	{                                                                      \
		label, sym##_start, (size_t)(sym##_end - sym##_start)          \
	}

struct builtin_guest builtin_guest_for_mode(enum cpu_mode mode)
{
	switch (mode) {
	case CPU_MODE_REAL:
		return (struct builtin_guest)GUEST("demo-real",
						   guest_demo_real);
	case CPU_MODE_PROTECTED:
		return (struct builtin_guest)GUEST("demo-protected",
						   guest_demo_protected);
	case CPU_MODE_PAGED32:
		return (struct builtin_guest)GUEST("demo-paged",
						   guest_demo_paged);
	case CPU_MODE_LONG:
		break;
	}
	return (struct builtin_guest)GUEST("demo-long", guest_demo_long);
}
