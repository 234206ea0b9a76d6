/* pty_run.c - runs a command with its stdout on a pseudo-terminal and copies
 * what the terminal would show to our stdout: the sandbox has no script(1)
 * or python, and simple-kvm escapes only for a terminal.
 *
 * Usage: pty-run [-t SECONDS] CMD [ARG...]. stdin and stderr stay as they
 * are, so a test still feeds input through a pipe and reads diagnostics
 * from a file. Exits with the command's status (128 + N for a signal);
 * -t kills the command after SECONDS, a bound for the suite should the
 * command hang where its own --timeout cannot reach. Built static by
 * tests/kvm/linux-initramfs.sh. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child;

static void on_alarm(int signo)
{
	(void)signo;
	kill(child, SIGKILL); /* its end closes the terminal: copy_out ends */
}

static int open_pty(int *slave)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	const char *name;

	if (master < 0 || grantpt(master) || unlockpt(master))
		return -1;
	name = ptsname(master);
	*slave = name ? open(name, O_RDWR | O_NOCTTY) : -1;
	return *slave < 0 ? -1 : master;
}

/* Copies the terminal's output until every writer has closed it (EIO). */
static void copy_out(int master)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		n = read(master, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(STDOUT_FILENO, buf + done,
					  (size_t)(n - done));

			if (w <= 0)
				return;
			done += w;
		}
	}
}

int main(int argc, char **argv)
{
	unsigned limit = 0;
	int slave, master, status;
	pid_t pid;

	if (argc > 2 && !strcmp(argv[1], "-t")) {
		limit = (unsigned)strtoul(argv[2], NULL, 10);
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: pty-run [-t SECONDS] CMD [ARG...]\n");
		return 2;
	}
	master = open_pty(&slave);
	if (master < 0) {
		perror("pty-run: a pseudo-terminal");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("pty-run: fork");
		return 2;
	}
	if (pid == 0) {
		dup2(slave, STDOUT_FILENO);
		close(slave);
		execvp(argv[1], argv + 1);
		perror("pty-run: exec");
		_exit(127);
	}
	close(slave);
	child = pid;
	if (limit) {
		signal(SIGALRM, on_alarm);
		alarm(limit);
	}
	copy_out(master);
	if (waitpid(pid, &status, 0) < 0)
		return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
