/* test_loader.c - guest files, images that fit and images that would
 * overwrite the VMM's memory, and the VM they load into. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "layout.h"
#include "loader.h"
#include "vm.h"

static uint8_t ram[LAYOUT_RAM_MIN + 0x10000];
static const struct guest_mem mem = {ram, sizeof(ram)};

static void test_image_at_base_fits(void **state)
{
	uint8_t image[24 * 1024];

	(void)state;
	memset(image, 0x5a, sizeof(image));
	assert_int_equal(loader_load_flat(&mem, LAYOUT_IMAGE_BASE, image,
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

static void on_alarm(int sig)
{
	(void)sig;
}

/* Opening a FIFO for reading waits for a writer; the loader must not. The
 * alarm turns a hang into an interrupted open, that is a failure. */
static void test_fifo_refused_without_waiting(void **state)
{
	char dir[] = "/tmp/test_loader_XXXXXX", path[64];
	struct sigaction sa = {.sa_handler = on_alarm}, old;
	struct errbuf err;
	uint8_t *data;
	size_t size;
	int ret;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/guest.fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	sigaction(SIGALRM, &sa, &old);
	alarm(2);
	ret = loader_read_file(path, &data, &size, &err);
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	unlink(path);
	rmdir(dir);
	assert_int_equal(ret, -22);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, ": not a regular file (fifo)"));
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
		loader_read_file("/nonexistent/guest.bin", &data, &size, &err),
		-2);
	assert_non_null(strstr(err.msg, "/nonexistent/guest.bin"));
	assert_int_equal(loader_read_file("/tmp", &data, &size, &err), -22);
	assert_string_equal(err.msg, "/tmp: not a regular file (directory)");
	assert_int_equal(loader_read_file("/dev/null", &data, &size, &err),
			 -22);
	assert_string_equal(err.msg,
			    "/dev/null: not a regular file (character device)");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(loader_read_file(path, &data, &size, &err), -22);
	assert_non_null(strstr(err.msg, "empty"));
	assert_int_equal(write(fd, "\xf4", 1), 1);
	assert_int_equal(loader_read_file(path, &data, &size, &err), 0);
	assert_int_equal(size, 1);
	assert_int_equal(data[0], 0xf4);
	free(data);
	close(fd);
	unlink(path);
}

/* --- the VM an image is loaded into ---------------------------------------
 * A VM that owns nothing must close nothing: matrix callocs its VMs and
 * destroys all of them after a failed setup, and fd 0 is a real descriptor
 * (stdin) that a zeroed struct would name. */

/* Puts the read end of a fresh pipe on fd 0; *saved keeps the old fd 0. */
static void pipe_on_stdin(int *saved, int pipefd[2], struct stat *st)
{
	*saved = dup(0);
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(dup2(pipefd[0], 0), 0);
	assert_int_equal(fstat(0, st), 0);
}

static void assert_stdin_is(const struct stat *want)
{
	struct stat now;

	assert_int_equal(fstat(0, &now), 0);
	assert_true(now.st_ino == want->st_ino && now.st_dev == want->st_dev);
}

static void restore_stdin(int saved, const int pipefd[2])
{
	dup2(saved, 0);
	close(saved);
	close(pipefd[0]);
	close(pipefd[1]);
}

static void test_zeroed_vm_closes_nothing(void **state)
{
	int saved, pipefd[2];
	struct stat st;
	struct vm vm;

	(void)state;
	pipe_on_stdin(&saved, pipefd, &st);
	memset(&vm, 0, sizeof(vm));
	vm_destroy(&vm);
	assert_stdin_is(&st);
	vm_destroy(&vm); /* and again */
	assert_stdin_is(&st);
	restore_stdin(saved, pipefd);
}

static void test_empty_vm_closes_nothing(void **state)
{
	const struct kvm_dev kvm = {.fd = 0};
	int saved, pipefd[2];
	struct stat st;
	struct vm vm;

	(void)state;
	pipe_on_stdin(&saved, pipefd, &st);
	vm_init(&vm);
	assert_int_equal(vm.fd, -1);
	assert_int_equal(vm.vcpu.fd, -1);
	vm_destroy(&vm);
	vm_destroy(&vm);
	assert_stdin_is(&st);
	/* a vm_create that fails before opening anything leaves it empty */
	assert_int_equal(vm_create(&vm, &kvm, 5000, NULL), -22);
	assert_int_equal(vm.fd, -1);
	vm_destroy(&vm);
	vm_destroy(&vm);
	assert_stdin_is(&st);
	restore_stdin(saved, pipefd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_at_base_fits),
		cmocka_unit_test(test_reserved_regions_refused),
		cmocka_unit_test(test_outside_ram_refused),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_fifo_refused_without_waiting),
		cmocka_unit_test(test_zeroed_vm_closes_nothing),
		cmocka_unit_test(test_empty_vm_closes_nothing),
	};

	return cmocka_run_group_tests_name("loader", tests, NULL, NULL);
}
