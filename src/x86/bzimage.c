/* bzimage.c - checks a bzImage's setup header and lays out a Linux boot in
 * guest RAM (Documentation/arch/x86/boot.rst, the 32-bit boot protocol). */
#include "bzimage.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "layout.h"
#include "le_bytes.h"

/* Offsets in the file and in the zero page (they coincide from 0x1f1). */
#define OFF_ACPI_RSDP_ADDR 0x070 /* the zero page's; boot protocol 2.14 */
#define OFF_E820_ENTRIES   0x1e8
#define OFF_SETUP_SECTS	   0x1f1
#define OFF_BOOT_FLAG	   0x1fe
#define OFF_JUMP	   0x200
#define OFF_HEADER	   0x202
#define OFF_VERSION	   0x206
#define OFF_TYPE_OF_LOADER 0x210
#define OFF_LOADFLAGS	   0x211
#define OFF_CODE32_START   0x214
#define OFF_RAMDISK_IMAGE  0x218
#define OFF_RAMDISK_SIZE   0x21c
#define OFF_HEAP_END_PTR   0x224
#define OFF_CMD_LINE_PTR   0x228
#define OFF_INITRD_MAX	   0x22c
#define OFF_KERNEL_ALIGN   0x230
#define OFF_RELOCATABLE	   0x234
#define OFF_CMDLINE_SIZE   0x238
#define OFF_PAYLOAD_OFFSET 0x248
#define OFF_PAYLOAD_LENGTH 0x24c
#define OFF_PREF_ADDRESS   0x258
#define OFF_INIT_SIZE	   0x260
#define OFF_E820_TABLE	   0x2d0
#define ZERO_PAGE_SIZE	   0x1000

#define HDRS_MAGIC	 0x53726448u /* "HdrS" */
#define LOADED_HIGH	 0x01
#define CAN_USE_HEAP	 0x80
#define LOADER_UNDEFINED 0xff /* type_of_loader: no assigned ID */
#define E820_ENTRY_SIZE	 20
#define MIN_PROTOCOL	 0x0206 /* cmdline_size appeared in 2.06 */
#define PAYLOAD_PROTOCOL 0x0208 /* payload_offset/length appeared in 2.08 */
#define PAGE_MASK_4K	 0xfffULL

/* The header fields, read once the magic numbers and protocol version
 * said the file has them. */
static void read_fields(const uint8_t *image, struct bz_header *hdr)
{
	hdr->loadflags = image[OFF_LOADFLAGS];
	hdr->initrd_addr_max = le_get32(image + OFF_INITRD_MAX);
	hdr->kernel_alignment = le_get32(image + OFF_KERNEL_ALIGN);
	hdr->relocatable = image[OFF_RELOCATABLE];
	hdr->cmdline_size = le_get32(image + OFF_CMDLINE_SIZE);
	hdr->pref_address = (uint64_t)le_get32(image + OFF_PREF_ADDRESS) |
			    (uint64_t)le_get32(image + OFF_PREF_ADDRESS + 4)
				    << 32;
	hdr->init_size = le_get32(image + OFF_INIT_SIZE);
}

int bz_parse(const uint8_t *image, size_t size, struct bz_header *hdr,
	     struct errbuf *err)
{
	memset(hdr, 0, sizeof(*hdr));
	if (size < OFF_INIT_SIZE + 4 ||
	    le_get16(image + OFF_BOOT_FLAG) != 0xaa55 ||
	    le_get32(image + OFF_HEADER) != HDRS_MAGIC)
		return err_fail(err, ENOEXEC,
				"not a bzImage (no boot flag 0xAA55 and "
				"\"HdrS\" setup header)");
	hdr->version = le_get16(image + OFF_VERSION);
	if (hdr->version < MIN_PROTOCOL)
		return err_fail(err, ENOEXEC,
				"boot protocol %u.%02u is too old (2.06 or "
				"later needed)",
				hdr->version >> 8, hdr->version & 0xff);
	/* 0 means 4, for the oldest kernels (boot.rst). */
	hdr->setup_sects = image[OFF_SETUP_SECTS] ? image[OFF_SETUP_SECTS] : 4;
	hdr->setup_size = ((uint64_t)hdr->setup_sects + 1) * 512;
	if (hdr->setup_size >= size)
		return err_fail(err, ENOEXEC,
				"setup of %" PRIu64 " bytes is not followed by "
				"a kernel (file of %zu bytes)",
				hdr->setup_size, size);
	hdr->kernel_size = size - hdr->setup_size;
	read_fields(image, hdr);
	if (!(hdr->loadflags & LOADED_HIGH))
		return err_fail(err, ENOEXEC,
				"a zImage (loads below 1 MiB), not a bzImage");
	if (hdr->init_size < hdr->kernel_size)
		return err_fail(err, ENOEXEC,
				"init_size %" PRIu32 " is smaller than the "
				"kernel's %" PRIu64 " bytes",
				hdr->init_size, hdr->kernel_size);
	return 0;
}

/* The guest physical address where the kernel runs and needs init_size
 * bytes: a relocatable kernel entered at 1 MiB moves itself up to
 * pref_address (LOAD_PHYSICAL_ADDR) before decompressing. */
static uint64_t run_address(const struct bz_header *hdr)
{
	return hdr->pref_address > BZ_KERNEL_ADDR ? hdr->pref_address
						  : BZ_KERNEL_ADDR;
}

/*
 * The e820 map: low RAM, the legacy hole (EBDA, VGA, BIOS), RAM above.
 * The hypercall area is reserved, so that HC_numExitsByType's ring never
 * overwrites a page Linux owns, and a process may read it through
 * /dev/mem, which serves reserved pages but not RAM. The PCI hole is
 * reserved, so that Linux puts nothing of its own over the BARs.
 */
size_t bz_e820_map(uint64_t ram_size, struct bz_e820 *map)
{
	const uint64_t hc_end = LAYOUT_HC_AREA + LAYOUT_HC_AREA_SIZE;
	const struct bz_e820 pc[] = {
		{0, LAYOUT_HC_AREA, E820_RAM},
		{LAYOUT_HC_AREA, LAYOUT_HC_AREA_SIZE, E820_RESERVED},
		{hc_end, BZ_LOW_RAM_END - hc_end, E820_RAM},
		{BZ_LOW_RAM_END, BZ_KERNEL_ADDR - BZ_LOW_RAM_END,
		 E820_RESERVED},
		{BZ_KERNEL_ADDR, ram_size - BZ_KERNEL_ADDR, E820_RAM},
		{LAYOUT_PCI_HOLE_BASE, LAYOUT_PCI_HOLE_SIZE, E820_RESERVED},
	};
	_Static_assert(sizeof(pc) / sizeof(pc[0]) <= BZ_E820_MAX,
		       "BZ_E820_MAX");

	if (map)
		memcpy(map, pc, sizeof(pc));
	return sizeof(pc) / sizeof(pc[0]);
}

static void write_e820(uint8_t *zp, uint64_t ram_size)
{
	struct bz_e820 map[BZ_E820_MAX];
	size_t n = bz_e820_map(ram_size, map);

	for (size_t i = 0; i < n; i++) {
		uint8_t *e = zp + OFF_E820_TABLE + i * E820_ENTRY_SIZE;

		le_put64(e, map[i].addr);
		le_put64(e + 8, map[i].size);
		le_put32(e + 16, map[i].type);
	}
	zp[OFF_E820_ENTRIES] = (uint8_t)n;
}

/* The initrd goes as high as RAM and initrd_addr_max allow, page-aligned,
 * and must not reach down into the kernel's init_size. */
static int place_initrd(const struct guest_mem *mem,
			const struct bz_header *hdr,
			const struct bz_boot_args *args, struct bz_layout *out,
			struct errbuf *err)
{
	uint64_t top = mem->size, limit = (uint64_t)hdr->initrd_addr_max + 1;

	if (top > limit)
		top = limit;
	if (args->initrd_size > top ||
	    ((top - args->initrd_size) & ~PAGE_MASK_4K) < out->kernel_end)
		return err_fail(err, ENOMEM,
				"initrd of %zu bytes does not fit between the "
				"kernel (up to 0x%" PRIx64 ") and 0x%" PRIx64
				"; give more --mem",
				args->initrd_size, out->kernel_end, top);
	out->initrd_addr = (top - args->initrd_size) & ~PAGE_MASK_4K;
	out->initrd_size = args->initrd_size;
	return gmem_write(mem, out->initrd_addr, args->initrd,
			  args->initrd_size);
}

/* The zero page: the setup header as the file has it, then the fields a
 * boot loader fills in. */
static void fill_zero_page(uint8_t *zp, const uint8_t *image,
			   const struct bz_layout *lay, uint64_t ram_size,
			   uint64_t acpi_rsdp)
{
	size_t hdr_end = OFF_HEADER + image[OFF_JUMP + 1];

	memset(zp, 0, ZERO_PAGE_SIZE);
	memcpy(zp + OFF_SETUP_SECTS, image + OFF_SETUP_SECTS,
	       hdr_end - OFF_SETUP_SECTS);
	zp[OFF_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	zp[OFF_LOADFLAGS] |= CAN_USE_HEAP;
	le_put16(zp + OFF_HEAP_END_PTR, 0xfe00);
	le_put32(zp + OFF_CODE32_START, (uint32_t)BZ_KERNEL_ADDR);
	le_put32(zp + OFF_CMD_LINE_PTR, (uint32_t)BZ_CMDLINE_ADDR);
	le_put32(zp + OFF_RAMDISK_IMAGE, (uint32_t)lay->initrd_addr);
	le_put32(zp + OFF_RAMDISK_SIZE, (uint32_t)lay->initrd_size);
	write_e820(zp, ram_size);
	/* Linux reads it before scanning the BIOS area for the RSDP (an
	 * older kernel ignores it, and finds the RSDP by its scan) */
	le_put64(zp + OFF_ACPI_RSDP_ADDR, acpi_rsdp);
}

int bz_load(const struct guest_mem *mem, const uint8_t *image, size_t size,
	    const struct bz_header *hdr, const struct bz_boot_args *args,
	    struct bz_layout *out, struct errbuf *err)
{
	size_t cmdlen = strlen(args->cmdline);
	uint8_t *zp = gmem_ptr(mem, BZ_ZERO_PAGE, ZERO_PAGE_SIZE);
	int ret;

	memset(out, 0, sizeof(*out));
	if (hdr->setup_size + hdr->kernel_size != size)
		return err_fail(err, EINVAL, "header parsed from another file");
	if (cmdlen > hdr->cmdline_size || cmdlen >= BZ_CMDLINE_MAX)
		return err_fail(err, E2BIG,
				"command line of %zu bytes is longer than the "
				"kernel's limit of %" PRIu32 " (cmdline_size)",
				cmdlen,
				hdr->cmdline_size < BZ_CMDLINE_MAX - 1
					? hdr->cmdline_size
					: (uint32_t)BZ_CMDLINE_MAX - 1);
	/* pref_address is 64 bits from the file: the sum may wrap. */
	if (__builtin_add_overflow(run_address(hdr), hdr->init_size,
				   &out->kernel_end))
		out->kernel_end = UINT64_MAX;
	if (out->kernel_end > mem->size || !zp ||
	    BZ_KERNEL_ADDR + hdr->kernel_size > mem->size)
		return err_fail(err, ENOMEM,
				"the kernel needs RAM up to 0x%" PRIx64
				" (%" PRIu64 " MiB; its init_size is %" PRIu32
				" bytes), --mem gives %" PRIu64 " MiB",
				out->kernel_end,
				(out->kernel_end + 0xfffff) >> 20,
				hdr->init_size, mem->size >> 20);
	if (args->initrd) {
		ret = place_initrd(mem, hdr, args, out, err);
		if (ret)
			return ret;
	}
	if (gmem_write(mem, BZ_KERNEL_ADDR, image + hdr->setup_size,
		       hdr->kernel_size) ||
	    gmem_write(mem, BZ_CMDLINE_ADDR, args->cmdline, cmdlen + 1))
		return err_fail(err, ENOMEM, "kernel does not fit in RAM");
	fill_zero_page(zp, image, out, mem->size, args->acpi_rsdp);
	return 0;
}

int bz_payload(const uint8_t *image, size_t size, const struct bz_header *hdr,
	       struct bz_payload *out, struct errbuf *err)
{
	uint32_t off, len;
	const uint8_t *p;

	memset(out, 0, sizeof(*out));
	if (hdr->setup_size + hdr->kernel_size != size)
		return err_fail(err, EINVAL, "header parsed from another file");
	if (hdr->version < PAYLOAD_PROTOCOL)
		return err_fail(err, ENOEXEC,
				"boot protocol %u.%02u has no payload fields "
				"(2.08 or later)",
				hdr->version >> 8, hdr->version & 0xff);
	off = le_get32(image + OFF_PAYLOAD_OFFSET);
	len = le_get32(image + OFF_PAYLOAD_LENGTH);
	/* the size trailer's 4 bytes and at least one byte of data */
	if (len <= 4 || off > hdr->kernel_size || len > hdr->kernel_size - off)
		return err_fail(err, ENOEXEC,
				"payload of %" PRIu32
				" bytes at offset %" PRIu32
				" is not inside the kernel's %" PRIu64 " bytes",
				len, off, hdr->kernel_size);
	p = image + hdr->setup_size + off;
	out->offset = hdr->setup_size + off;
	out->length = len;
	/* The kernel's build appends the decompressed size, 32 bits
	 * little-endian, to every compressed format (size_append). */
	out->decompressed_size = le_get32(p + len - 4);
	return 0;
}
