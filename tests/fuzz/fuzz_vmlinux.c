/* fuzz_vmlinux.c - libFuzzer harness for the PVH path's parsers: the bytes
 * as a vmlinux (pvh_parse, then pvh_load into exactly sized fake RAM) and
 * as a bzImage whose payload is located (bz_payload), recognized
 * (dc_detect, dc_name) and, when it claims at most 256 KiB, decompressed
 * (dc_decompress) and parsed as a vmlinux in its turn, as kimg_prepare
 * does. ASan sees any access outside RAM or past the file.
 *
 * Checked besides: a parsed vmlinux has its PT_LOADs at or above 1 MiB
 * and a PVH entry inside [start, end); a loaded one lies inside RAM, with
 * the start info's magic at PVH_START_INFO and the initrd page-aligned
 * above the kernel; a located payload lies inside the file and holds more
 * than its trailer; a decompression either fills its buffer exactly or
 * fails with one line.
 *
 * Input:
 *   byte 0   RAM: (byte % 32 + 1) * 256 KiB, up to 8 MiB
 *   byte 1   initrd size: (byte & 15) * 4 KiB; command line: (byte >> 4)
 *            * 200 'a's
 *   bytes 2- the file
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzimage.h"
#include "decompress.h"
#include "pvh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER	       2u
#define MAX_DECOMPRESS (256u << 10)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_vmlinux: %s:%d: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

static char cmdline[15 * 200 + 1];
static uint8_t initrd[15 * 4096];

/* The file as a vmlinux: parsed, and loaded when it has the note. */
static void as_vmlinux(const uint8_t *file, size_t size, uint8_t shape,
		       uint64_t ram)
{
	struct pvh_boot_args args = {cmdline, PVH_CMDLINE_DEFAULT, NULL, 0, 0};
	size_t cmdlen = (size_t)(shape >> 4) * 200;
	struct guest_mem mem = {NULL, ram};
	struct pvh_layout lay;
	struct pvh_kernel k;
	struct errbuf err;
	uint32_t magic;

	if (pvh_parse(file, size, &k, &err))
		return;
	CHECK(k.nload > 0 && k.start >= PVH_KERNEL_LOWEST && k.end >= k.start);
	if (!k.has_note)
		return;
	CHECK(k.entry >= k.start && k.entry < k.end);
	memset(cmdline, 'a', cmdlen);
	cmdline[cmdlen] = 0;
	args.initrd_size = (size_t)(shape & 15) * 4096;
	args.initrd = args.initrd_size ? initrd : NULL;
	mem.host = malloc(mem.size);
	CHECK(mem.host);
	if (!pvh_load(&mem, file, size, &k, &args, &lay, &err)) {
		CHECK(lay.kernel_end <= mem.size);
		CHECK(cmdlen <= PVH_CMDLINE_DEFAULT);
		memcpy(&magic, mem.host + PVH_START_INFO, 4);
		CHECK(magic == PVH_START_MAGIC);
		if (args.initrd_size) {
			CHECK(lay.initrd_addr % 4096 == 0);
			CHECK(lay.initrd_addr >= lay.kernel_end);
			CHECK(lay.initrd_addr + lay.initrd_size <= mem.size);
		}
	}
	free(mem.host);
}

/* The file as a bzImage: its payload found and, if small, unpacked. */
static void as_bzimage(const uint8_t *file, size_t size, uint8_t shape,
		       uint64_t ram)
{
	struct bz_payload pl;
	struct bz_header hdr;
	struct errbuf err;
	enum dc_format fmt;
	uint8_t *out;

	if (bz_parse(file, size, &hdr, &err) ||
	    bz_payload(file, size, &hdr, &pl, &err))
		return;
	CHECK(pl.offset <= size && pl.length <= size - pl.offset);
	CHECK(pl.length > 4);
	fmt = dc_detect(file + pl.offset, pl.length);
	CHECK(dc_name(fmt, file + pl.offset, pl.length) != NULL);
	if (fmt == DC_UNKNOWN || !pl.decompressed_size ||
	    pl.decompressed_size > MAX_DECOMPRESS)
		return;
	out = malloc(pl.decompressed_size);
	CHECK(out);
	err.msg[0] = 0;
	if (!dc_decompress(fmt, file + pl.offset, pl.length, out,
			   pl.decompressed_size, &err))
		as_vmlinux(out, pl.decompressed_size, shape, ram);
	else
		CHECK(err.msg[0] && !strchr(err.msg, '\n'));
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t ram;

	if (size < HEADER)
		return 0;
	ram = ((uint64_t)data[0] % 32 + 1) << 18;
	as_vmlinux(data + HEADER, size - HEADER, data[1], ram);
	as_bzimage(data + HEADER, size - HEADER, data[1], ram);
	return 0;
}
