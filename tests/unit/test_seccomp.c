/* test_seccomp.c - the run loop's allowlist kills what it does not list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp_filter.h"

/* Forks a child that installs the filter and then does `what`; returns
 * the child's wait status. The child leaves with _exit so that no
 * sanitizer runs its exit-time work under the filter. */
static int child_status(void (*what)(void))
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (seccomp_lockdown(SECCOMP_ALLOW_READ_OPENS, NULL))
			_exit(2);
		what();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void open_a_socket(void)
{
	socket(AF_INET, SOCK_STREAM, 0);
}

static void create_a_vm(void)
{
	/* ioctl itself is allowed, this request is not */
	ioctl(-1, KVM_CREATE_VM, 0);
}

static void open_for_writing(void)
{
	open("/tmp/seccomp-test-must-not-exist", O_WRONLY | O_CREAT, 0600);
}

static void exec_a_shell(void)
{
	execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
}

static void write_and_read(void)
{
	char c;
	int fd = open("/dev/null", O_RDONLY);

	if (write(STDOUT_FILENO, "", 0) < 0 || read(fd, &c, 1) < 0)
		_exit(3);
	ioctl(-1, KVM_RUN, 0); /* allowed request, bad fd: just EBADF */
}

static void test_forbidden_calls_die_with_sigsys(void **state)
{
	void (*forbidden[])(void) = {open_a_socket, create_a_vm, exec_a_shell,
				     open_for_writing};

	(void)state;
	for (size_t i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++) {
		int status = child_status(forbidden[i]);

		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGSYS);
	}
}

static void test_the_run_loop_calls_live(void **state)
{
	int status = child_status(write_and_read);

	(void)state;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forbidden_calls_die_with_sigsys),
		cmocka_unit_test(test_the_run_loop_calls_live),
	};

	return cmocka_run_group_tests_name("seccomp", tests, NULL, NULL);
}
