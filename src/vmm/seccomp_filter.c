/* seccomp_filter.c - the run loop's system call allowlist, built with
 * libseccomp. */
#include "seccomp_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>

/* Everything the run loops of simple-kvm and matrix call, and stdio and
 * malloc beneath them; sigaltstack because the sanitizers' runtime resets
 * the signal stack on exit. */
static const int allowed_syscalls[] = {
	SCMP_SYS(read),
	SCMP_SYS(write),
	SCMP_SYS(writev),
	SCMP_SYS(pread64),
	SCMP_SYS(close),
	SCMP_SYS(fstat),
	SCMP_SYS(newfstatat),
	SCMP_SYS(lseek),
	SCMP_SYS(getdents64),
	SCMP_SYS(mmap),
	SCMP_SYS(munmap),
	SCMP_SYS(mremap),
	SCMP_SYS(brk),
	SCMP_SYS(madvise),
	SCMP_SYS(mincore),
	SCMP_SYS(futex),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigtimedwait),
	SCMP_SYS(timer_settime),
	SCMP_SYS(timer_delete),
	SCMP_SYS(clock_gettime),
	SCMP_SYS(getpid),
	SCMP_SYS(gettid),
	SCMP_SYS(tgkill),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
	SCMP_SYS(sigaltstack),
};

/* ioctl is allowed with these requests only: KVM's, and TCGETS, which
 * stdio uses to ask whether stdout is a terminal. */
static const unsigned long allowed_ioctls[] = {
	KVM_RUN,       KVM_GET_REGS,	 KVM_GET_SREGS,
	KVM_TRANSLATE, KVM_GET_STATS_FD, TCGETS,
};

/* ioctl with this request (argument 1) and no other. The comparison is
 * spelled out: libseccomp's SCMP_A1 macro leaves a field to zero-filling,
 * which clang's -Wmissing-field-initializers rejects. */
static int allow_ioctl(scmp_filter_ctx ctx, unsigned long request)
{
	const struct scmp_arg_cmp cmp = {
		.arg = 1, .op = SCMP_CMP_EQ, .datum_a = request, .datum_b = 0};

	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				      &cmp);
}

/* openat with no access mode but O_RDONLY and no O_CREAT or O_TRUNC. */
static int allow_read_opens(scmp_filter_ctx ctx)
{
	return seccomp_rule_add(
		ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
		SCMP_A2(SCMP_CMP_MASKED_EQ,
			O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND, O_RDONLY));
}

int seccomp_lockdown(unsigned flags, struct errbuf *err)
{
	scmp_filter_ctx ctx;
	int ret = 0;

	/* NO_NEW_PRIVS first: it lets an unprivileged process install the
	 * filter and keeps exec from regaining privileges. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_fail(err, errno, "PR_SET_NO_NEW_PRIVS: %s",
				strerror(errno));
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return err_fail(err, ENOMEM, "seccomp_init failed");
	for (size_t i = 0;
	     !ret && i < sizeof(allowed_syscalls) / sizeof(allowed_syscalls[0]);
	     i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_syscalls[i],
				       0);
	for (size_t i = 0;
	     !ret && i < sizeof(allowed_ioctls) / sizeof(allowed_ioctls[0]);
	     i++)
		ret = allow_ioctl(ctx, allowed_ioctls[i]);
	if (!ret && (flags & SECCOMP_ALLOW_READ_OPENS))
		ret = allow_read_opens(ctx);
	if (!ret)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret)
		return err_fail(err, -ret, "seccomp: %s", strerror(-ret));
	return 0;
}
