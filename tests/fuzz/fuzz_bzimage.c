/* fuzz_bzimage.c - libFuzzer harness for bz_parse and bz_load: arbitrary
 * bytes as a bzImage, with an input-chosen RAM size, command line and
 * initrd, into exactly sized fake guest RAM (ASan sees any access outside
 * it, and any read past the file, the tail of libFuzzer's own buffer).
 * On success the layout is checked: the kernel's RAM and the initrd lie
 * inside RAM, the initrd page-aligned and above the kernel.
 *
 * Input:
 *   byte 0   RAM: (byte % 64 + 1) * 64 KiB, up to 4 MiB
 *   byte 1   command line length: byte * 16 ('a's)
 *   byte 2   initrd size: byte * 4 KiB
 *   bytes 3- the file
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER 3u

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_bzimage: %s:%d: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

static char cmdline[256 * 16 + 1];
static uint8_t initrd[255 * 4096];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bz_boot_args args = {cmdline, NULL, 0, 0};
	struct guest_mem mem;
	struct bz_layout lay;
	struct bz_header hdr;
	struct errbuf err;
	size_t cmdlen;

	if (size < HEADER)
		return 0;
	mem.size = ((uint64_t)data[0] % 64 + 1) << 16;
	cmdlen = (size_t)data[1] * 16;
	memset(cmdline, 'a', cmdlen);
	cmdline[cmdlen] = 0;
	args.initrd_size = (size_t)data[2] * 4096;
	args.initrd = args.initrd_size ? initrd : NULL;
	if (bz_parse(data + HEADER, size - HEADER, &hdr, &err))
		return 0;
	CHECK(hdr.setup_size + hdr.kernel_size == size - HEADER);
	mem.host = malloc(mem.size);
	CHECK(mem.host);
	if (!bz_load(&mem, data + HEADER, size - HEADER, &hdr, &args, &lay,
		     &err)) {
		CHECK(lay.kernel_end <= mem.size);
		CHECK(cmdlen <= hdr.cmdline_size);
		if (args.initrd_size) {
			CHECK(lay.initrd_addr % 4096 == 0);
			CHECK(lay.initrd_addr >= lay.kernel_end);
			CHECK(lay.initrd_addr + lay.initrd_size <= mem.size);
		}
	}
	free(mem.host);
	return 0;
}
