/* test_loader.c - images that fit, and images that would overwrite the VMM's
 * memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "layout.h"
#include "loader.h"

static uint8_t ram[LAYOUT_RAM_MIN + 0x10000];
static const struct guest_mem mem = {ram, sizeof(ram)};

static void test_image_at_base_fits(void **state)
{
	uint8_t image[24 * 1024];

	(void)state;
	memset(image, 0x5a, sizeof(image));
	assert_int_equal(load_flat(&mem, LAYOUT_IMAGE_BASE, image,
				   sizeof(image), "img", NULL),
			 0);
	assert_int_equal(ram[LAYOUT_IMAGE_BASE], 0x5a);
	assert_int_equal(ram[LAYOUT_IMAGE_BASE + sizeof(image) - 1], 0x5a);
}

static void test_reserved_regions_refused(void **state)
{
	struct errbuf err;
	gpa_t vmm = layout_vmm_area(sizeof(ram));

	(void)state;
	/* runs into the stack */
	assert_int_equal(
		loader_check_range(&mem, LAYOUT_IMAGE_BASE,
				   LAYOUT_STACK_BOTTOM - LAYOUT_IMAGE_BASE + 1,
				   "img", &err),
		-22);
	assert_non_null(strstr(err.msg, "stack"));
	/* inside the hypercall area */
	assert_int_equal(
		loader_check_range(&mem, LAYOUT_HC_AREA, 1, "img", &err), -22);
	/* touches the first byte of the VMM area */
	assert_int_equal(loader_check_range(&mem, vmm - 4, 5, "img", &err),
			 -22);
	assert_non_null(strstr(err.msg, "VMM area"));
	/* the last byte before the VMM area is fine */
	assert_int_equal(loader_check_range(&mem, vmm - 4, 4, "img", NULL), 0);
}

static void test_outside_ram_refused(void **state)
{
	struct errbuf err;

	(void)state;
	assert_int_equal(loader_check_range(&mem, sizeof(ram), 1, "img", &err),
			 -34);
	assert_int_equal(
		loader_check_range(&mem, UINT64_MAX - 1, 4, "img", &err), -34);
	assert_non_null(strstr(err.msg, "img"));
}

static void test_bad_files(void **state)
{
	char path[] = "/tmp/test_loader_XXXXXX";
	struct errbuf err;
	uint8_t *data;
	size_t size;
	int fd;

	(void)state;
	assert_int_equal(
		load_read_file("/nonexistent/guest.bin", &data, &size, &err),
		-2);
	assert_non_null(strstr(err.msg, "/nonexistent/guest.bin"));
	assert_int_equal(load_read_file("/tmp", &data, &size, &err), -22);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(load_read_file(path, &data, &size, &err), -22);
	assert_non_null(strstr(err.msg, "empty"));
	assert_int_equal(write(fd, "\xf4", 1), 1);
	assert_int_equal(load_read_file(path, &data, &size, &err), 0);
	assert_int_equal(size, 1);
	assert_int_equal(data[0], 0xf4);
	free(data);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_at_base_fits),
		cmocka_unit_test(test_reserved_regions_refused),
		cmocka_unit_test(test_outside_ram_refused),
		cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests_name("loader", tests, NULL, NULL);
}
