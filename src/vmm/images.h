/* images.h - guest images built from guest/ and linked into the programs. */
#ifndef IMAGES_H
#define IMAGES_H

#include <stddef.h>
#include <stdint.h>

/* A flat binary, linked to run at LAYOUT_IMAGE_BASE. */
struct builtin_image {
	const char *name; /* e.g. "demo-long", "guest1", "counter" */
	const uint8_t *data;
	size_t size;
};

/*
 * Finds the built-in image called name: 0 with *img, or -ENOENT. Both
 * programs know every image, so simple-kvm can run matrix's guests by
 * name and matrix can run the demos.
 */
int images_find(const char *name, struct builtin_image *img);

#endif
