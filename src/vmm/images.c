/* images.c - the one table of built-in guest images (image_blobs.S). */
#include "images.h"

#include <errno.h>
#include <string.h>

/* Start and end symbols defined in image_blobs.S by .incbin. */
#define IMAGE_SYMBOLS(sym) extern const uint8_t sym##_start[], sym##_end[]
IMAGE_SYMBOLS(image_demo_real);
IMAGE_SYMBOLS(image_demo_protected);
IMAGE_SYMBOLS(image_demo_paged);
IMAGE_SYMBOLS(image_demo_long);
IMAGE_SYMBOLS(image_guest1);
IMAGE_SYMBOLS(image_guest2);
IMAGE_SYMBOLS(image_guest1_b);
IMAGE_SYMBOLS(image_guest2_b);
IMAGE_SYMBOLS(image_counter);
IMAGE_SYMBOLS(image_counter_io);

/* The size is a difference of two symbols, which is no constant expression
 * in C, so the table keeps both ends. */
static const struct {
	const char *name;
	const uint8_t *start, *end;
} table[] = {
#define IMAGE(label, sym)                                                      \
	{                                                                      \
		label, sym##_start, sym##_end                                  \
	}
	IMAGE("demo-real", image_demo_real),
	IMAGE("demo-protected", image_demo_protected),
	IMAGE("demo-paged", image_demo_paged),
	IMAGE("demo-long", image_demo_long),
	IMAGE("guest1", image_guest1),
	IMAGE("guest2", image_guest2),
	IMAGE("guest1-b", image_guest1_b),
	IMAGE("guest2-b", image_guest2_b),
	IMAGE("counter", image_counter),
	IMAGE("counter-io", image_counter_io),
#undef IMAGE
};

int images_find(const char *name, struct builtin_image *img)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (!strcmp(table[i].name, name)) {
			*img = (struct builtin_image){
				table[i].name, table[i].start,
				(size_t)(table[i].end - table[i].start)};
			return 0;
		}
	}
	return -ENOENT;
}
