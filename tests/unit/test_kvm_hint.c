/* test_kvm_hint.c - what a user is told when /dev/kvm cannot be opened. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kvm.h"

static void test_hints_say_what_to_do(void **state)
{
	(void)state;
	assert_non_null(strstr(kvm_open_hint(ENOENT), "module is not loaded"));
	assert_non_null(strstr(kvm_open_hint(ENOENT), "scripts/kvm-run"));
	assert_non_null(strstr(kvm_open_hint(EACCES), "kvm group"));
	assert_non_null(strstr(kvm_open_hint(EPERM), "usermod -aG kvm"));
	assert_non_null(strstr(kvm_open_hint(ENODEV), "VT-x/AMD-V"));
	assert_non_null(
		strstr(kvm_open_hint(ENXIO), "hardware virtualization"));
	assert_string_equal(kvm_open_hint(EISDIR), strerror(EISDIR));
}

static void test_open_failure_is_one_line(void **state)
{
	struct kvm_dev kvm;
	struct errbuf err;

	(void)state;
	assert_int_equal(kvm_dev_open(&kvm, "/nonexistent/kvm", &err), -ENOENT);
	assert_null(strchr(err.msg, '\n'));
	assert_non_null(strstr(err.msg, "cannot open /nonexistent/kvm"));
	/* a file that is not KVM: the version check says so */
	assert_int_equal(kvm_dev_open(&kvm, "/dev/null", &err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "KVM API version"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hints_say_what_to_do),
		cmocka_unit_test(test_open_failure_is_one_line),
	};

	return cmocka_run_group_tests_name("kvm_hint", tests, NULL, NULL);
}
