# Makefile - builds the VMM programs, their guests and their tests into build/.
#
#   make            build/simple-kvm and build/matrix (make deps installs packages)
#   make run        simple-kvm in all four modes, through scripts/kvm-run
#   make test       unit tests (plain and ASan/UBSan) and the real-KVM suite
#                   (builds with -j$(nproc); tests/run-tests.sh runs the rest)
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean      remove build outputs (keeps the sandbox's kernel cache)
#   make distclean  remove all of build/
#   make format     apply .clang-format to src/, guest/ and tests/

BUILD   := build
JOBS    ?= $(shell nproc 2>/dev/null || echo 1)
PREFIX  ?= /usr/local
DESTDIR ?=

# V=1 shows every command; by default each step is one short line.
ifeq ($(V),1)
Q :=
say := @true
else
Q := @
say := @printf '  %-7s %s\n'
endif

CC       ?= cc
GUEST_CC ?= gcc
LD       ?= ld
OBJCOPY  ?= objcopy

# --- host code: the VMM ----------------------------------------------------
# The library, in layers: src/vmm (KVM handles, guest memory, loader,
# hypercalls, statistics, seccomp), src/x86 (CPU modes, page walks,
# exception handlers, the run loop, the Linux boot protocol), src/devices
# (the PC ports a Linux guest uses) and src/gdb (the gdb stub). All go into one
# static archive that the programs, the unit tests and the benchmark link.
WARN := -Wall -Wextra -Wshadow -Wcast-qual -Wwrite-strings \
        -Wstrict-prototypes -Wmissing-prototypes -Werror
# Each layer compiles with its own folder and the layers below it on the
# include path, so that a reach up fails to compile (tests/layers.py also
# reads the #include lines, and the objects' symbols, in make test):
# guest/ (the hypercall ABI, shared with the guests) < vmm < x86 < devices
# < gdb < the programs, which see everything, as do the tests, the
# harnesses and the benchmark (INCLUDES).
INC_vmm     := -Isrc/vmm -Iguest
INC_x86     := -Isrc/x86 $(INC_vmm)
INC_devices := -Isrc/devices $(INC_x86)
INC_gdb     := -Isrc/gdb $(INC_devices)
INCLUDES    := -Isrc/matrix $(INC_gdb)
INC_matrix  := $(INCLUDES)
INC_simple-kvm := -Isrc/simple-kvm $(INCLUDES)
# The include path for a source: its layer's when it is in src/, else all.
layer_inc = $(if $(filter src/%,$1),$(INC_$(word 2,$(subst /, ,$1))),$(INCLUDES))
HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -fPIE $(WARN) -MMD -MP $(CFLAGS)
# Static, so that the programs run unchanged inside the sandbox's initramfs;
# position-independent, so that the VMM's code is not at a known address.
# The kernel's payload formats (src/vmm/decompress.c): Debian's liblzma
# (xz), libzstd and zlib, static like the rest (their -dev packages ship
# the .a; make deps installs them).
DC_LIBS      := -llzma -lzstd -lz
HOST_LDFLAGS := -static-pie $(LDFLAGS) -lseccomp $(DC_LIBS)

VMM_SRCS    := $(wildcard src/vmm/*.c src/x86/*.c src/devices/*.c src/gdb/*.c)
# matrix's modules but its main(): the scheduler is unit-tested and fuzzed.
MATRIX_SRCS := $(filter-out src/matrix/main.c,$(wildcard src/matrix/*.c))
LIB_SRCS    := $(VMM_SRCS) $(MATRIX_SRCS)
VMM_LIB     := $(BUILD)/libvmm.a
VMM_OBJS    := $(VMM_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/src/vmm/image_blobs.o
MATRIX_OBJS := $(MATRIX_SRCS:%.c=$(BUILD)/obj/%.o)

PROGRAMS := $(BUILD)/simple-kvm $(BUILD)/matrix
# jq with its libraries, for the KVM suite inside the sandbox (see $(JQ)'s
# rule); set here because prerequisite lists are read when make reads them.
JQ := $(BUILD)/jq/jq
# matrix-a and matrix-b: the spec's checkpoints, matrix under other names
MATRIX_ALIASES := $(BUILD)/matrix-a $(BUILD)/matrix-b

# --- guest code: freestanding, no PIC, no stack protector, own linker script
GUEST_CFLAGS := -std=c11 -Os -ffreestanding -fno-pic -fno-pie \
        -fno-stack-protector -fno-asynchronous-unwind-tables \
        -mgeneral-regs-only -nostdinc \
        -isystem $(shell $(GUEST_CC) -print-file-name=include) \
        -Wall -Wextra -Werror -Iguest -MMD -MP
# gcc 12 takes a store to a low constant address (0x400) for a null-pointer
# offset; a guest owns page 0, so tell it pages start at 0.
ifeq ($(findstring clang,$(GUEST_CC)),)
GUEST_CFLAGS += --param=min-pagesize=0
endif
GUEST_MODES := real protected paged long
# Per mode: the compiler's code model and the linker's emulation.
MFLAGS_real      := -m16 -march=i386 -DGUEST_MODE_REAL
MFLAGS_protected := -m32 -march=i386 -DGUEST_MODE_PROTECTED
MFLAGS_paged     := -m32 -march=i386 -DGUEST_MODE_PAGED
MFLAGS_long      := -m64 -mno-red-zone -DGUEST_MODE_LONG
LDEMU_real       := elf_i386
LDEMU_protected  := elf_i386
LDEMU_paged      := elf_i386
LDEMU_long       := elf_x86_64

BUILTIN_GUESTS := $(GUEST_MODES:%=$(BUILD)/guest/demo-%.bin)
MATRIX_GUESTS  := $(patsubst %,$(BUILD)/guest/matrix/%.bin,guest1 guest2 \
                    guest1-b guest2-b counter counter-io)
# guest/tests/hostile.c, one build per case (-DCASE_<name>)
HOSTILE_CASES := $(shell sed -n 's/.*defined(CASE_\([a-z0-9_]*\)).*/\1/p' \
                   guest/tests/hostile.c)
TEST_GUESTS := $(foreach m,$(GUEST_MODES),$(BUILD)/guest/tests/answer-$m.bin \
                 $(BUILD)/guest/tests/wrong-mem-$m.bin \
                 $(BUILD)/guest/tests/wrong-reg-$m.bin $(BUILD)/guest/tests/big-$m.bin) \
               $(foreach m,protected paged long,$(BUILD)/guest/tests/high-mem-$m.bin \
                 $(BUILD)/guest/tests/pci-probe-$m.bin \
                 $(BUILD)/guest/tests/virtio-read-$m.bin \
                 $(BUILD)/guest/tests/virtio-bad-avail-$m.bin) \
               $(foreach m,$(GUEST_MODES),$(BUILD)/guest/examples/hello-$m.elf \
                 $(BUILD)/guest/tests/probe-$m.bin \
                 $(BUILD)/guest/tests/probe-$m.elf $(BUILD)/guest/tests/big-$m.elf \
                 $(HOSTILE_CASES:%=$(BUILD)/guest/tests/hostile-%-$m.bin))
# guest/tests/stdout-flood.c: HC_printStr of 4 KiB for ever, for the blocked-output
# cases (simple-kvm and matrix, long mode)
TEST_GUESTS += $(BUILD)/guest/tests/stdout-flood-long.elf

# --- unit tests (cmocka), plain and sanitized -------------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=all
UNIT_BINS  := $(UNIT_TESTS:%=$(BUILD)/tests/unit/%) \
              $(UNIT_TESTS:%=$(BUILD)/asan/tests/unit/%)

.PHONY: all run test test-build sandbox-ready bench soak unit-bins sanitized \
        guests user-guest install clean distclean format format-check deps
# A plain make only builds; make deps (which run and test call) installs.
all: $(PROGRAMS) $(MATRIX_ALIASES)

# Install the Debian packages the build needs, when they are missing.
BUILD_PACKAGES := gcc make binutils libc6-dev libcmocka-dev libseccomp-dev \
                  clang clang-format jq busybox-static cpio \
                  python3 liblzma-dev libzstd-dev zlib1g-dev
deps:
	@scripts/ensure-packages $(BUILD_PACKAGES)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(HOST_CFLAGS) $(call layer_inc,$<) -c $< -o $@

# The built-in images, embedded by .incbin from build/guest.
$(BUILD)/obj/src/vmm/image_blobs.o: src/vmm/image_blobs.S src/vmm/incbin.h \
                                    $(BUILTIN_GUESTS) $(MATRIX_GUESTS)
	@mkdir -p $(@D)
	$(say) AS $<
	$(Q)$(CC) -Isrc/vmm -c $< -o $@ -Wa,-I$(BUILD)/guest

$(VMM_LIB): $(VMM_OBJS) $(MATRIX_OBJS)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# A program's own objects come before the library, so that the linker
# pulls from the archive whatever any of them needs.
SKVM_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard src/simple-kvm/*.c))
$(BUILD)/simple-kvm: $(SKVM_OBJS) $(VMM_LIB)
	$(say) LD $@
	$(Q)$(CC) $^ -o $@ $(HOST_LDFLAGS)

# --- Linux boot (simple-kvm --kernel, docs/linux.md) -------------------------
# simple-kvm's Linux driver (src/simple-kvm/linux.c) links through
# SKVM_OBJS; the test initramfs and its hypercall program are built by
# tests/kvm/linux-initramfs.sh, which make test runs first.
LINUX_TEST_INITRAMFS := $(BUILD)/linux-test/initramfs.cpio

# Debian's kernel (the sandbox's) to a busybox shell on simple-kvm's console.
.PHONY: linux
linux: deps all $(LINUX_TEST_INITRAMFS)
	@scripts/sandbox/prepare
	@KVM_RUN_ENV="LINUX_NET LINUX_IP LINUX_DISK LINUX_COMMANDS $$KVM_RUN_ENV" \
		scripts/kvm-run scripts/linux-shell $(BUILD)
# Order-only on sandbox-ready: the virtio modules come from the kernel
# package it fetches, so a fresh clone's first build has them too.
$(LINUX_TEST_INITRAMFS): tests/kvm/linux-initramfs.sh tests/kvm/kmod-order.sh guest/linux/hcdemo.c \
                         tests/kvm/pty_run.c $(wildcard $(BUILD)/sandbox/deb/*.deb) \
                         guest/hypercall.h guest/hypercall_abi.h | sandbox-ready
	$(say) GEN $@
	$(Q)tests/kvm/linux-initramfs.sh $(@D) || \
	    echo "linux-initramfs: not built; the Linux tests will skip" >&2
test-build: $(LINUX_TEST_INITRAMFS)
# --- end of the Linux boot block ----------------------------------------------

# --- the kernel cache (issue 20, docs/linux.md#the-kernel-cache) -------------
# simple-kvm decompresses a bzImage's payload once and keeps the vmlinux
# under its SHA-256. Inside the sandbox the VMM runs under TCG, where
# liblzma is as slow as the guest's own decompressor, so make linux and
# make test fill build/kernel-cache natively first (no /dev/kvm needed);
# the sandbox sees the repository at the same path, and the boots pass
# --kernel-cache build/kernel-cache. Phony: a hit costs 0.2 s, and the
# kernel may change under build/sandbox at any time.
KERNEL_CACHE := $(BUILD)/kernel-cache
SANDBOX_KERNEL := $(BUILD)/sandbox/kernel/vmlinuz
.PHONY: kernel-cache
kernel-cache: $(BUILD)/simple-kvm | sandbox-ready
	$(Q)if [ -r $(SANDBOX_KERNEL) ]; then \
	  $(BUILD)/simple-kvm --kernel $(SANDBOX_KERNEL) \
	    --kernel-cache $(KERNEL_CACHE) --fill-kernel-cache; \
	else echo "kernel-cache: no $(SANDBOX_KERNEL); the boots decompress it" >&2; fi
test-build: kernel-cache
linux: kernel-cache
# issue 20's boot figure (bench/boot.sh, docs/benchmarks.md), in the sandbox
.PHONY: bench-boot
bench-boot: all kernel-cache $(LINUX_TEST_INITRAMFS) $(BUILD)/net-qemu/.ready
	@scripts/kvm-run --timeout 600 bench/boot.sh $(BUILD)
# --- end of the kernel cache block --------------------------------------------

# --- Linux root disk (make linux boots from /dev/vda, docs/linux.md) ---------
# tests/kvm/linux-root.sh makes the modules, a fresh ext4 image, e2fsck for
# the sandbox and the initramfs that switch_root's to the disk; the
# initramfs is written last and stands for all of them. make linux's disk,
# root.ext4, is a copy of the fresh image made only when it is missing: a
# build never overwrites it, so what one boot writes is there in the next.
# make linux-root-clean (or make clean) removes it for a new one.
LINUX_ROOT := $(BUILD)/linux-root
LINUX_ROOT_INITRAMFS := $(LINUX_ROOT)/initramfs.cpio
LINUX_ROOT_DISK := $(LINUX_ROOT)/root.ext4
BUILD_PACKAGES += e2fsprogs
$(LINUX_ROOT_INITRAMFS): tests/kvm/linux-root.sh tests/kvm/kmod-order.sh scripts/copy-runtime-libs \
                         guest/linux/hcdemo.c guest/hypercall.h guest/hypercall_abi.h \
                         $(wildcard $(BUILD)/sandbox/deb/*.deb) | sandbox-ready
	$(say) GEN $@
	$(Q)tests/kvm/linux-root.sh $(@D) || \
	    echo "linux-root: not built; the root disk tests will skip" >&2
$(LINUX_ROOT_DISK): | $(LINUX_ROOT_INITRAMFS)
	$(say) COPY $@
	$(Q)cp --sparse=always $(LINUX_ROOT)/fresh.ext4 $@
linux: $(LINUX_ROOT_DISK)
# the test initramfs mounts the disk too, with these modules
$(LINUX_TEST_INITRAMFS): $(LINUX_ROOT_INITRAMFS)
test-build: $(LINUX_ROOT_INITRAMFS)
.PHONY: linux-root-clean
linux-root-clean:
	rm -f $(LINUX_ROOT_DISK)
# --- end of the Linux root disk block -----------------------------------------

$(BUILD)/matrix: $(BUILD)/obj/src/matrix/main.o $(VMM_LIB)
	$(say) LD $@
	$(Q)$(CC) $^ -o $@ $(HOST_LDFLAGS)

$(MATRIX_ALIASES): $(BUILD)/matrix
	$(Q)ln -sf matrix $@

# matrix's guests: 16-bit assembly (the spec's guest1.s, guest2.s, ...).
$(BUILD)/guest/matrix/%.o: guest/%.s
	@mkdir -p $(@D)
	$(say) GUEST-AS $<
	$(Q)$(GUEST_CC) -m32 -c $< -o $@
$(BUILD)/guest/matrix/%.o: guest/%.S guest/matrix_abi.h
	@mkdir -p $(@D)
	$(say) GUEST-AS $<
	$(Q)$(GUEST_CC) -m32 -Iguest -c $< -o $@
$(BUILD)/guest/matrix/counter-io.o: guest/counter.S guest/matrix_abi.h
	@mkdir -p $(@D)
	$(say) GUEST-AS "$< (COUNTER_IO)"
	$(Q)$(GUEST_CC) -m32 -Iguest -DCOUNTER_IO -c $< -o $@
$(BUILD)/guest/matrix/%.elf: $(BUILD)/guest/matrix/%.o guest/guest.ld
	$(Q)$(LD) -m elf_i386 -nostdlib --build-id=none --no-warn-rwx-segments \
	      -T guest/guest.ld $< -o $@

# Benchmarks: bench/kvm-bench and its looping guests; make bench runs them
# with the matrix figures inside one kvm-run.
BENCH_LOOPS := bare bare_in print8 print32 print64 num_exits exits_by_type gva_to_hva \
               print_str_1 print_str_64 print_str_4096 print8_str_1 \
               print8_str_64 print8_str_4096
BENCH_GUESTS := $(BENCH_LOOPS:%=$(BUILD)/guest/bench/loop-%-long.bin)

$(BUILD)/kvm-bench: $(BUILD)/obj/bench/kvm-bench.o $(VMM_LIB)
	$(say) LD $@
	$(Q)$(CC) $^ -o $@ $(HOST_LDFLAGS)

# A million forced switches through matrix; by hand (about 4 minutes in the
# sandbox).
SOAK_SWITCHES ?= 1000000
soak: deps all guests $(JQ)
	@scripts/kvm-run tests/kvm/soak.sh $(BUILD) $(SOAK_SWITCHES)

# bench/virtio-exits.sh's Linux guest: blkload, the virtio modules, a disk.
BLK_BENCH_INITRAMFS := $(BUILD)/bench-blk/initramfs.cpio
$(BLK_BENCH_INITRAMFS): bench/virtio-exits-initramfs.sh bench/blk-initramfs.sh guest/linux/blkload.c \
                        | sandbox-ready
	$(say) GEN $@
	$(Q)bench/virtio-exits-initramfs.sh $(@D)

# issue 18's comparison with QEMU's virtio-blk (bench/virtio-qemu.sh, in the
# sandbox's run): its disk image, initramfs and a copy of this machine's
# QEMU with its libraries and firmware, under $(BUILD)/virtio-qemu.
VQ_BENCH := $(BUILD)/virtio-qemu/.ready
$(VQ_BENCH): bench/virtio-qemu.sh bench/qemu-common.sh bench/blk-initramfs.sh guest/linux/blkload.c \
             | sandbox-ready
	$(say) PREPARE $(@D)
	$(Q)scripts/ensure-packages qemu-system-x86 && \
	  bench/virtio-qemu.sh prepare $(BUILD) && touch $@

# issue 19's comparison with QEMU's virtio-net (bench/net-qemu.sh, in the
# sandbox's run): its initramfs and its copy of QEMU, under $(BUILD)/net-qemu.
NQ_BENCH := $(BUILD)/net-qemu/.ready
$(NQ_BENCH): bench/net-qemu.sh bench/qemu-common.sh bench/blk-initramfs.sh guest/linux/blkload.c \
             | sandbox-ready
	$(say) PREPARE $(@D)
	$(Q)scripts/ensure-packages qemu-system-x86 && \
	  bench/net-qemu.sh prepare $(BUILD) && touch $@

bench: all $(BUILD)/kvm-bench $(BENCH_GUESTS) guests $(JQ) $(BLK_BENCH_INITRAMFS) \
       $(VQ_BENCH) $(NQ_BENCH) kernel-cache $(LINUX_TEST_INITRAMFS) $(LINUX_ROOT_DISK)
	@bench/bench.sh $(BUILD)

# Guests: one C source, compiled once per mode.
guests: $(BUILTIN_GUESTS) $(TEST_GUESTS) $(MATRIX_GUESTS)

define guest_rules
$(BUILD)/guest/obj/$1/%.o: guest/%.c
	@mkdir -p $$(@D)
	$(say) GUEST-CC "$$< ($1)"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -c $$< -o $$@
$(BUILD)/guest/obj/$1/%.o: guest/%.S
	@mkdir -p $$(@D)
	$(say) GUEST-AS "$$< ($1)"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -c $$< -o $$@
$(BUILD)/guest/obj/$1/bench/loop-%.o: guest/bench/loop.c
	@mkdir -p $$(@D)
	$(say) GUEST-CC "$$< $$* ($1)"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -DLOOP_$$* -c $$< -o $$@
$(BUILD)/guest/obj/$1/tests/hostile-%.o: guest/tests/hostile.c
	@mkdir -p $$(@D)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -DCASE_$$* -c $$< -o $$@
$(BUILD)/guest/obj/$1/tests/virtio-bad-avail.o: guest/tests/virtio-read.c
	@mkdir -p $$(@D)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -DBAD_AVAIL -c $$< -o $$@
$(BUILD)/guest/obj/$1/tests/wrong-mem.o: guest/tests/answer.c
	@mkdir -p $$(@D)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -DANSWER_IN_MEMORY=41 -c $$< -o $$@
$(BUILD)/guest/obj/$1/tests/wrong-reg.o: guest/tests/answer.c
	@mkdir -p $$(@D)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -DANSWER_IN_REGISTER=41 -c $$< -o $$@
$(BUILD)/guest/%-$1.elf: $(BUILD)/guest/obj/$1/start.o $(BUILD)/guest/obj/$1/%.o guest/guest.ld
	@mkdir -p $$(@D)
	$(say) GUEST-LD $$@
	$(Q)$(LD) -m $(LDEMU_$1) -nostdlib --build-id=none \
	      --no-warn-rwx-segments -T guest/guest.ld $$(filter %.o,$$^) -o $$@
endef
$(foreach m,$(GUEST_MODES),$(eval $(call guest_rules,$m)))

# Your own guest, for every mode: make user-guest SRC=path/to/hello.c
# gives build/user/hello-{real,protected,paged,long}.elf
USER_NAME = $(basename $(notdir $(SRC)))
USER_GUESTS = $(GUEST_MODES:%=$(BUILD)/user/$(USER_NAME)-%.elf)
user-guest:
	$(if $(SRC),,$(error say which source: make user-guest SRC=path/to/guest.c))
	@$(MAKE) --no-print-directory $(USER_GUESTS)
	@printf '  built   %s\n' $(USER_GUESTS)
define user_rules
$(BUILD)/user/$(USER_NAME)-$1.o: $(SRC)
	@mkdir -p $$(@D)
	$(say) GUEST-CC "$$< ($1)"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -c $$< -o $$@
$(BUILD)/user/$(USER_NAME)-$1.elf: $(BUILD)/guest/obj/$1/start.o $(BUILD)/user/$(USER_NAME)-$1.o
	$(say) GUEST-LD $$@
	$(Q)$(LD) -m $(LDEMU_$1) -nostdlib --build-id=none \
	      --no-warn-rwx-segments -T guest/guest.ld $$^ -o $$@
endef
ifneq ($(SRC),)
$(foreach m,$(GUEST_MODES),$(eval $(call user_rules,$m)))
endif

$(BUILD)/guest/%.bin: $(BUILD)/guest/%.elf
	$(Q)$(OBJCOPY) -O binary $< $@

.SECONDARY:

# Unit tests link the library objects; the sanitized ones get their own.
$(BUILD)/asan/obj/%.o: %.c
	@mkdir -p $(@D)
	$(say) CC-SAN $<
	$(Q)$(CC) $(HOST_CFLAGS) $(call layer_inc,$<) $(SAN_FLAGS) -O1 -c $< -o $@

$(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $(VMM_LIB)
	@mkdir -p $(@D)
	$(say) LD $@
	$(Q)$(CC) $^ -o $@ -lcmocka -lseccomp $(DC_LIBS) $(LDFLAGS)

# The library again, sanitized (the embedded images need no sanitizer).
SAN_LIB := $(BUILD)/asan/libvmm.a
$(BUILD)/asan/tests/unit/%: $(BUILD)/asan/obj/tests/unit/%.o $(SAN_LIB)
	@mkdir -p $(@D)
	$(say) LD $@
	$(Q)$(CC) $(SAN_FLAGS) $^ -o $@ -lcmocka -lseccomp $(DC_LIBS) $(LDFLAGS)

unit-bins: $(UNIT_BINS)

$(SAN_LIB): $(LIB_SRCS:%.c=$(BUILD)/asan/obj/%.o) $(BUILD)/obj/src/vmm/image_blobs.o
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# Sanitized programs (ASan/UBSan) for the hostile-guest suite on real KVM.
# Sanitizers do not link statically, so they are dynamic, and the shared
# libraries they need are copied beside them for the sandbox's initramfs.
SAN_PROGRAMS := $(BUILD)/asan/simple-kvm $(BUILD)/asan/matrix
$(BUILD)/asan/simple-kvm: $(SKVM_OBJS:$(BUILD)/obj/%=$(BUILD)/asan/obj/%) \
                          $(SAN_LIB)
	$(say) LD $@
	$(Q)$(CC) $(SAN_FLAGS) $^ -o $@ -lseccomp $(DC_LIBS) $(LDFLAGS)
$(BUILD)/asan/matrix: $(BUILD)/asan/obj/src/matrix/main.o $(SAN_LIB)
	$(say) LD $@
	$(Q)$(CC) $(SAN_FLAGS) $^ -o $@ -lseccomp $(DC_LIBS) $(LDFLAGS)
$(BUILD)/asan/lib/.copied: $(SAN_PROGRAMS)
	$(say) LIBS $(@D)
	$(Q)scripts/copy-runtime-libs $(@D) $^
	@touch $@
sanitized: $(SAN_PROGRAMS) $(BUILD)/asan/lib/.copied

# jq, with its libraries, for the KVM suite inside the sandbox, which has
# no shared libraries of its own (tests/kvm/lib.sh runs it through them).
$(JQ): scripts/copy-runtime-libs
	$(say) COPY $@
	$(Q)scripts/copy-runtime-libs $(@D) "$$(command -v jq)"
	$(Q)cp "$$(command -v jq)" $@

# The seccomp unit test again on the KVM suite's kernel (the sandbox's has
# no shared libraries: they are copied beside it, as for the ASan builds).
SECCOMP_TEST_LIBS := $(BUILD)/tests/unit/lib/.copied
$(SECCOMP_TEST_LIBS): $(BUILD)/tests/unit/test_seccomp
	$(say) LIBS $(@D)
	$(Q)scripts/copy-runtime-libs $(@D) $^
	@touch $@
test-build: $(SECCOMP_TEST_LIBS)

# Everything the suite runs, and the sandbox's kernel and initramfs made
# beside the compiles (kvm-run would otherwise make them on its first boot,
# inside the suite's time; the Linux tests boot that kernel on any KVM).
test-build: $(PROGRAMS) $(MATRIX_ALIASES) guests unit-bins sanitized $(JQ) \
            sandbox-ready
sandbox-ready:
	$(say) PREPARE build/sandbox
	$(Q)scripts/sandbox/prepare || \
	    echo "make: build/sandbox is not ready; kvm-run will retry and say why" >&2

# The whole suite (tests/run-tests.sh): unit tests, builds, fuzzing and
# the KVM tests through scripts/kvm-run, the sandbox's beside the others.
# Its build runs on every CPU unless make was given a -j of its own.
# (= not :=: MAKEFLAGS shows a -j only once the recipes run)
PARALLEL = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(JOBS))
# What only the suite needs, installed before anything runs in parallel,
# so that two apt-gets never meet: the sandbox's QEMU (kvm-run's self-test
# boots it on any machine), tmux (the self-test types into the sandbox's
# terminal through it), clang's libFuzzer, and acpica-tools (iasl and
# acpiexec read the ACPI tables in tests/unit/test_acpi_tables.c).
TEST_PACKAGES = qemu-system-x86 tmux $(FUZZ_PACKAGES) acpica-tools
test: deps
	@scripts/ensure-packages $(TEST_PACKAGES)
	@$(MAKE) --no-print-directory $(PARALLEL) test-build
	@tests/run-tests.sh

# The main job: the demo in every mode, on real KVM wherever we are.
run: deps
	@$(MAKE) --no-print-directory $(PARALLEL) all
	@scripts/kvm-run scripts/run-demo.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	ln -sf matrix $(DESTDIR)$(PREFIX)/bin/matrix-a
	ln -sf matrix $(DESTDIR)$(PREFIX)/bin/matrix-b
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 docs/man/simple-kvm.1 docs/man/matrix.1 \
	    docs/man/simple-kvm-cc.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 755 guest/sdk/simple-kvm-cc $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(SDK_DIR)
	install -m 644 $(SDK_FILES) $(DESTDIR)$(SDK_DIR)/

FORMAT_FILES = $(wildcard src/*/*.[ch] guest/*.[ch] guest/*/*.c tests/unit/*.[ch] \
                 tests/fuzz/*.c bench/*.c)
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	$(Q)clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	find $(BUILD) -mindepth 1 -maxdepth 1 ! -name sandbox -exec rm -rf {} +
distclean:
	rm -rf $(BUILD)

# --- fault reports, x87/SSE guests and the guest SDK ------------------------
# The VMM's exception handlers (guest/vmm/faults.S) are guest code: one flat
# blob per code size, embedded into the library by src/x86/fault_blobs.S.
FAULT_BLOBS := $(patsubst %,$(BUILD)/guest/vmm/faults-%.bin,16 32 64)
$(BUILD)/guest/vmm/faults-%.o: guest/vmm/faults.S
	@mkdir -p $(@D)
	$(say) GUEST-AS "$< ($*-bit)"
	$(Q)$(GUEST_CC) -c -DFAULTS_$* $< -o $@
$(BUILD)/guest/vmm/faults-%.bin: $(BUILD)/guest/vmm/faults-%.o
	$(Q)$(OBJCOPY) -O binary -j .text $< $@
$(BUILD)/obj/src/x86/fault_blobs.o: src/x86/fault_blobs.S src/vmm/incbin.h $(FAULT_BLOBS)
	@mkdir -p $(@D)
	$(say) AS $<
	$(Q)$(CC) -Isrc/vmm -c $< -o $@ -Wa,-I$(BUILD)/guest
# (data only: the fuzzing archive takes the same object)
$(VMM_LIB) $(SAN_LIB) $(BUILD)/fuzz/libvmm-fuzz.a: $(BUILD)/obj/src/x86/fault_blobs.o

# guest/tests/fault.c raises one exception per build (-DCASE_<name>) at the
# label fault_at, whose address the .addr file holds for the KVM tests.
# guest/tests/fpu.c is built as any compiler would, x87 and SSE allowed.
FAULT_CASES := ud de gp pf align forged
FAULT_GUESTS := $(foreach m,$(GUEST_MODES),$(BUILD)/guest/tests/fpu-$m.elf \
                  $(FAULT_CASES:%=$(BUILD)/guest/tests/fault-%-$m.elf) \
                  $(FAULT_CASES:%=$(BUILD)/guest/tests/fault-%-$m.addr))
FPU_CFLAGS := $(filter-out -Os -mgeneral-regs-only,$(GUEST_CFLAGS))
FPU_MFLAGS_real      := -m16 -Os -DGUEST_MODE_REAL
FPU_MFLAGS_protected := -m32 -msse2 -O2 -DGUEST_MODE_PROTECTED
FPU_MFLAGS_paged     := -m32 -msse2 -O2 -DGUEST_MODE_PAGED
FPU_MFLAGS_long      := -m64 -O2 -mno-red-zone -DGUEST_MODE_LONG
define fault_rules
$(BUILD)/guest/obj/$1/tests/fault-%.o: guest/tests/fault.c guest/hypercall.h
	@mkdir -p $$(@D)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -DCASE_$$* -c $$< -o $$@
$(BUILD)/guest/obj/$1/tests/fpu.o: guest/tests/fpu.c guest/hypercall.h
	@mkdir -p $$(@D)
	$(say) GUEST-CC "$$< ($1, x87 and SSE)"
	$(Q)$(GUEST_CC) $(FPU_CFLAGS) $(FPU_MFLAGS_$1) -c $$< -o $$@
endef
$(foreach m,$(GUEST_MODES),$(eval $(call fault_rules,$m)))
$(BUILD)/guest/tests/%.addr: $(BUILD)/guest/tests/%.elf
	$(Q)nm $< | sed -n 's/^0*\([0-9a-f]*\) T fault_at$$/\1/p' >$@
guests: $(FAULT_GUESTS)

# guest/tests/cstart.c: its own C _start, no start.S, plain gcc -O2 (SSE
# stores to the stack). guest/tests/double.c: an SDK guest with one double.
# Their disassembly (.dis) lets the KVM tests check the decoder's names.
ABI_GUESTS := $(BUILD)/guest/tests/cstart-long.elf $(BUILD)/guest/tests/double-long.elf
$(BUILD)/guest/obj/long/tests/cstart.o: guest/tests/cstart.c guest/hypercall.h
	@mkdir -p $(@D)
	$(say) GUEST-CC "$< (long, own _start)"
	$(Q)$(GUEST_CC) $(FPU_CFLAGS) $(FPU_MFLAGS_long) -c $< -o $@
$(BUILD)/guest/obj/long/tests/double.o: guest/tests/double.c guest/hypercall.h
	@mkdir -p $(@D)
	$(say) GUEST-CC "$< (long, x87 and SSE)"
	$(Q)$(GUEST_CC) $(FPU_CFLAGS) $(FPU_MFLAGS_long) -c $< -o $@
$(BUILD)/guest/tests/cstart-long.elf: $(BUILD)/guest/obj/long/tests/cstart.o guest/guest.ld
	$(say) GUEST-LD $@
	$(Q)$(LD) -m elf_x86_64 -nostdlib --build-id=none --no-warn-rwx-segments \
	      -T guest/guest.ld $< -o $@
$(BUILD)/guest/tests/%.dis: $(BUILD)/guest/tests/%.elf
	$(Q)objdump -d -M intel --no-show-raw-insn $< >$@
guests: $(ABI_GUESTS) $(ABI_GUESTS:.elf=.dis)

# The guest SDK that make install adds: the ABI headers, start.S, guest.ld
# and simple-kvm-cc, which builds a guest for a mode outside this tree.
SDK_FILES := guest/hypercall.h guest/hypercall_abi.h guest/start.S guest/guest.ld
SDK_DIR := $(PREFIX)/share/simple-kvm/sdk
# --- end of the fault reports, x87/SSE guests and guest SDK block -----------

# --- the gdb stub (simple-kvm --gdb, docs/debugging.md) ---------------------
# guest/tests/debugme.c, with debug information, per mode; tests/kvm/gdb.sh
# drives Debian's gdb against it. In the sandbox gdb runs from a copy with
# its shared libraries (no Python there: gdb.sh sets PYTHONHOME to a copy).
define gdb_guest_rules
$(BUILD)/guest/obj/$1/tests/debugme.o: guest/tests/debugme.c guest/hypercall.h
	@mkdir -p $$(@D)
	$(say) GUEST-CC "$$< ($1, -g)"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -g $(MFLAGS_$1) -c $$< -o $$@
endef
$(foreach m,$(GUEST_MODES),$(eval $(call gdb_guest_rules,$m)))
GDB_GUESTS := $(GUEST_MODES:%=$(BUILD)/guest/tests/debugme-%.elf)
# guest/tests/gdbcheck.c: MXCSR and a code alias (PML4[1] = PML4[0]), long mode.
$(BUILD)/guest/obj/long/tests/gdbcheck.o: guest/tests/gdbcheck.c guest/hypercall.h
	@mkdir -p $(@D)
	$(say) GUEST-CC "$< (long, -g)"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -g $(MFLAGS_long) -c $< -o $@
GDB_GUESTS += $(BUILD)/guest/tests/gdbcheck-long.elf
# Symbol addresses for the raw-client cases (the sandbox has no nm).
$(BUILD)/guest/tests/%.syms: $(BUILD)/guest/tests/%.elf
	$(Q)nm $< >$@
guests: $(GDB_GUESTS) $(GDB_GUESTS:.elf=.syms) $(BUILD)/tests/gdb-client
# A raw protocol client for the bad-input cases; static for the sandbox.
$(BUILD)/tests/gdb-client: tests/kvm/gdb_client.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(HOST_CFLAGS) $(INCLUDES) -static $< -o $@
# gdb for the sandbox, which has no shared libraries: the binary, its
# libraries and loader, its Python's standard library and its data directory.
GDB_RT := $(BUILD)/gdb-rt/.copied
$(GDB_RT): scripts/copy-runtime-libs
	$(say) COPY "gdb and its runtime into $(@D)"
	$(Q)gdb=$$(command -v gdb) && \
	  py=$$(ldd "$$gdb" | sed -n 's/.*libpython\(3\.[0-9]*\).*/\1/p' | head -1) && \
	  rm -rf $(@D) && mkdir -p $(@D)/lib && \
	  scripts/copy-runtime-libs $(@D) "$$gdb" && cp "$$gdb" $(@D)/gdb && \
	  { [ -z "$$py" ] || cp -r /usr/lib/python$$py $(@D)/lib/; } && \
	  cp -r /usr/share/gdb $(@D)/data && touch $@
BUILD_PACKAGES += gdb
test-build: $(GDB_RT)
# --- end of the gdb stub block -----------------------------------------------

# --- the network probe (tests/kvm/net.sh, docs/virtio.md) -------------------
# net_tap and vhost_net against the running kernel, in a namespace of its
# own; static, as the sandbox has no shared libraries.
$(BUILD)/tests/net-probe: tests/kvm/net_probe.c $(VMM_LIB)
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(HOST_CFLAGS) $(INCLUDES) $^ -o $@ $(HOST_LDFLAGS)
test-build: $(BUILD)/tests/net-probe

# libFuzzer harnesses: make fuzz, make fuzz-smoke (see docs/fuzzing.md)
include tests/fuzz/fuzz.mk
# The page walker's differential test against KVM_TRANSLATE
include tests/kvm/pagewalk.mk
# The bare virtio-blk driver and its hostile rings (docs/virtio.md)
include guest/virtio/virtio.mk

# Header dependencies, from the objects this Makefile knows of.
HOST_OBJS := $(VMM_OBJS) $(MATRIX_OBJS) $(SKVM_OBJS) \
             $(BUILD)/obj/src/matrix/main.o \
             $(UNIT_TESTS:%=$(BUILD)/obj/tests/unit/%.o)
DEP_OBJS := $(HOST_OBJS) $(BUILD)/obj/bench/kvm-bench.o \
            $(patsubst $(BUILD)/obj/%,$(BUILD)/asan/obj/%,$(HOST_OBJS))
# Guests: their .d files sit beside the objects the guest rules make.
# The compiles make the .d files, never a rule: without this one, make's
# built-in "%: %.o" would remake fault-ud.d from fault-ud.d.o through the
# fault-%.o pattern (-DCASE_ud.d, an error), leaving a new .d each time.
%.d: ;
-include $(wildcard $(BUILD)/guest/obj/*/*.d $(BUILD)/guest/obj/*/*/*.d)
-include $(DEP_OBJS:.o=.d)
