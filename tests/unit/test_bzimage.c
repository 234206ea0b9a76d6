/* test_bzimage.c - the boot protocol loader against hand-made bzImages:
 * every refusal of a bad header, and where a good one puts things. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bzimage.h"
#include "hypercall_abi.h"
#include "layout.h"

#define RAM_SIZE    (32u << 20)
#define SETUP_SECTS 4
#define KERNEL_SIZE 0x2000
#define IMAGE_SIZE  ((SETUP_SECTS + 1) * 512 + KERNEL_SIZE)

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4); /* x86 is little-endian, as the header is */
}

/* A minimal valid bzImage: protocol 2.15, relocatable, runs at 16 MiB. */
static void make_image(uint8_t *img)
{
	memset(img, 0, IMAGE_SIZE);
	img[0x1f1] = SETUP_SECTS;
	img[0x1fe] = 0x55;
	img[0x1ff] = 0xaa;
	img[0x201] = 0x66; /* header ends at 0x268 */
	memcpy(img + 0x202, "HdrS", 4);
	img[0x206] = 0x0f;
	img[0x207] = 0x02;
	img[0x211] = 0x01; /* LOADED_HIGH */
	put32(img + 0x22c, 0x7fffffff);
	put32(img + 0x230, 0x200000);
	img[0x234] = 1;
	put32(img + 0x238, 2047);
	put32(img + 0x258, 0x1000000);
	put32(img + 0x260, 0x100000);
	memset(img + (SETUP_SECTS + 1) * 512, 0xcc, KERNEL_SIZE);
}

static uint8_t image[IMAGE_SIZE];

static int parse(struct bz_header *hdr, size_t size)
{
	return bz_parse(image, size, hdr, NULL);
}

static void test_good_header(void **state)
{
	struct bz_header hdr;

	(void)state;
	make_image(image);
	assert_int_equal(parse(&hdr, IMAGE_SIZE), 0);
	assert_int_equal(hdr.version, 0x020f);
	assert_int_equal(hdr.setup_size, (SETUP_SECTS + 1) * 512);
	assert_int_equal(hdr.kernel_size, KERNEL_SIZE);
	assert_int_equal(hdr.cmdline_size, 2047);
	assert_int_equal(hdr.pref_address, 0x1000000);
}

static void test_bad_headers(void **state)
{
	struct bz_header hdr;
	struct errbuf err;

	(void)state;
	make_image(image);
	assert_int_equal(parse(&hdr, 0x100), -ENOEXEC); /* too short */
	image[0x1fe] = 0;
	assert_int_equal(bz_parse(image, IMAGE_SIZE, &hdr, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "not a bzImage"));
	make_image(image);
	memcpy(image + 0x202, "HdrT", 4);
	assert_int_equal(parse(&hdr, IMAGE_SIZE), -ENOEXEC);
	make_image(image);
	image[0x207] = 0x01; /* protocol 1.15 */
	assert_int_equal(parse(&hdr, IMAGE_SIZE), -ENOEXEC);
	make_image(image);
	image[0x211] = 0; /* a zImage */
	assert_int_equal(parse(&hdr, IMAGE_SIZE), -ENOEXEC);
	make_image(image);
	image[0x1f1] = 200; /* setup longer than the file */
	assert_int_equal(parse(&hdr, IMAGE_SIZE), -ENOEXEC);
	make_image(image);
	put32(image + 0x260, 16); /* init_size below the kernel's size */
	assert_int_equal(parse(&hdr, IMAGE_SIZE), -ENOEXEC);
}

static void test_load_layout(void **state)
{
	struct guest_mem mem = {calloc(1, RAM_SIZE), RAM_SIZE};
	const uint8_t rd[5000] = {1, 2, 3};
	struct bz_boot_args args = {"console=ttyS0", rd, sizeof(rd), 0xe0000};
	struct bz_layout lay;
	struct bz_header hdr;
	uint64_t rsdp;
	uint8_t *zp;
	uint32_t v;

	(void)state;
	assert_non_null(mem.host);
	make_image(image);
	assert_int_equal(parse(&hdr, IMAGE_SIZE), 0);
	assert_int_equal(
		bz_load(&mem, image, IMAGE_SIZE, &hdr, &args, &lay, NULL), 0);
	zp = mem.host + BZ_ZERO_PAGE;
	assert_int_equal(zp[0x1fe], 0x55); /* header copied */
	assert_int_equal(zp[0x210], 0xff); /* type_of_loader */
	assert_int_equal(zp[0x1e8], 6);	   /* e820 entries */
	memcpy(&rsdp, zp + 0x070, 8);	   /* acpi_rsdp_addr (zero-page.rst) */
	assert_int_equal(rsdp, 0xe0000);
	/* the last: the PCI hole, reserved */
	memcpy(&v, zp + 0x2d0 + 5 * 20, 4);
	assert_int_equal(v, LAYOUT_PCI_HOLE_BASE);
	memcpy(&v, zp + 0x2d0 + 5 * 20 + 16, 4);
	assert_int_equal(v, 2);
	/* the second: the hypercall area, reserved (type 2) */
	memcpy(&v, zp + 0x2d0 + 20, 4);
	assert_int_equal(v, HC_AREA_GPA);
	memcpy(&v, zp + 0x2d0 + 20 + 16, 4);
	assert_int_equal(v, 2);
	memcpy(&v, zp + 0x228, 4);
	assert_int_equal(v, BZ_CMDLINE_ADDR);
	assert_string_equal((char *)mem.host + BZ_CMDLINE_ADDR,
			    "console=ttyS0");
	assert_int_equal(mem.host[BZ_KERNEL_ADDR], 0xcc);
	/* the initrd: page-aligned, at the top, above the kernel */
	assert_int_equal(lay.initrd_addr % 4096, 0);
	assert_true(lay.initrd_addr + sizeof(rd) <= RAM_SIZE);
	assert_true(lay.initrd_addr >= lay.kernel_end);
	assert_int_equal(mem.host[lay.initrd_addr + 2], 3);
	memcpy(&v, zp + 0x218, 4);
	assert_int_equal(v, lay.initrd_addr);
	free(mem.host);
}

static void test_load_refusals(void **state)
{
	struct guest_mem mem = {calloc(1, RAM_SIZE), RAM_SIZE};
	static uint8_t big_rd[RAM_SIZE / 2];
	char cmdline[2100];
	struct bz_boot_args args = {cmdline, NULL, 0, 0};
	struct bz_layout lay;
	struct bz_header hdr;

	(void)state;
	assert_non_null(mem.host);
	make_image(image);
	assert_int_equal(parse(&hdr, IMAGE_SIZE), 0);
	memset(cmdline, 'x', sizeof(cmdline) - 1);
	cmdline[sizeof(cmdline) - 1] = 0;
	assert_int_equal(
		bz_load(&mem, image, IMAGE_SIZE, &hdr, &args, &lay, NULL),
		-E2BIG);
	cmdline[2047] = 0; /* exactly cmdline_size: allowed */
	assert_int_equal(
		bz_load(&mem, image, IMAGE_SIZE, &hdr, &args, &lay, NULL), 0);
	/* an initrd that would reach down into the kernel's init_size */
	args.initrd = big_rd;
	args.initrd_size = sizeof(big_rd);
	assert_int_equal(
		bz_load(&mem, image, IMAGE_SIZE, &hdr, &args, &lay, NULL),
		-ENOMEM);
	/* a pref_address so high that adding init_size wraps around */
	put32(image + 0x258, 0xfffff000);
	put32(image + 0x25c, 0xffffffff);
	assert_int_equal(parse(&hdr, IMAGE_SIZE), 0);
	args.initrd = NULL;
	assert_int_equal(
		bz_load(&mem, image, IMAGE_SIZE, &hdr, &args, &lay, NULL),
		-ENOMEM);
	make_image(image);
	assert_int_equal(parse(&hdr, IMAGE_SIZE), 0);
	/* RAM that ends inside the kernel's init_size */
	args.initrd = NULL;
	mem.size = 0x1000000 + 0x80000;
	assert_int_equal(
		bz_load(&mem, image, IMAGE_SIZE, &hdr, &args, &lay, NULL),
		-ENOMEM);
	free(mem.host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_header),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_load_layout),
		cmocka_unit_test(test_load_refusals),
	};

	return cmocka_run_group_tests_name("bzimage", tests, NULL, NULL);
}
