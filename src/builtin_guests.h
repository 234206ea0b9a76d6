/* builtin_guests.h - the guest images compiled from guest/ and linked into the
 * programs. */
#ifndef BUILTIN_GUESTS_H
#define BUILTIN_GUESTS_H

#include <stddef.h>
#include <stdint.h>

#include "cpu_mode.h"

struct builtin_guest {
	const char *name;     /* e.g. "demo-long" */
	const uint8_t *image; /* flat binary, linked at LAYOUT_IMAGE_BASE */
	size_t size;
};

/* The built-in demo simple-kvm runs in mode when no image is given. */
struct builtin_guest builtin_guest_for_mode(enum cpu_mode mode);

#endif
