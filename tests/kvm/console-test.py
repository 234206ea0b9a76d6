#!/usr/bin/env python3
"""console-test.py BUILD - simple-kvm --kernel's console on a real terminal.

Runs simple-kvm --kernel on a pseudo-terminal, against this machine's
/dev/kvm (any KVM: the kernel need not boot far, the console is set up
before the first KVM_RUN), and checks what a person at a terminal gets:
the terminal goes raw while the guest runs, Ctrl-A X quits with status 0,
and the terminal's settings come back exactly as they were. Prints TAP.
"""
import os
import pty
import select
import sys
import termios
import time

build = sys.argv[1] if len(sys.argv) > 1 else "build"
kernel = os.path.join(build, "sandbox", "kernel", "vmlinuz")
sk = os.path.join(build, "simple-kvm")
n = 0
failed = 0


def result(ok, name, why=""):
    global n, failed
    n += 1
    if ok:
        print(f"ok {n} - {name}")
    else:
        failed += 1
        print(f"not ok {n} - {name}: {why}")


def skip(name, why):
    global n
    n += 1
    print(f"ok {n} - {name} # SKIP {why}")


def read_for(fd, seconds):
    """What the pty shows within seconds."""
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    return out


def wait_exit(pid, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return None


def main():
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        skip("console on a terminal", "no usable /dev/kvm here")
        return
    if not os.path.exists(kernel):
        skip("console on a terminal", f"{kernel} missing (the sandbox's preparation fetches it: make linux)")
        return
    # The pty's settings are taken before the child exists, so that the
    # comparison at the end cannot race with the VMM making it raw.
    fd, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    pid = os.fork()
    if pid == 0:
        os.close(fd)
        os.setsid()
        for std in (0, 1, 2):
            os.dup2(slave, std)
        os.execv(sk, [sk, "--kernel", kernel, "--append", "console=ttyS0",
                      "--timeout", "60s"])
    read_for(fd, 1.5)  # the VMM has set the terminal up and runs the guest
    during = termios.tcgetattr(slave)
    raw = not (during[3] & (termios.ICANON | termios.ECHO | termios.ISIG))
    result(raw, "the terminal is raw while the guest runs (no ICANON, ECHO, ISIG)",
           f"lflag {during[3]:#x}")
    os.write(fd, b"\x01x")
    status = wait_exit(pid, 10)
    result(status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0,
           "Ctrl-A X quits simple-kvm with status 0",
           f"wait status {status}")
    after = termios.tcgetattr(slave)
    result(after == before, "the terminal's settings come back exactly",
           f"before {before[:4]}, after {after[:4]}")
    os.close(fd)
    os.close(slave)


main()
print(f"1..{n}")
sys.exit(1 if failed else 0)
