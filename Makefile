# Makefile - builds the VMM programs, their guests and their tests into build/.
#
#   make            build/simple-kvm (installs missing build packages first)
#   make run        simple-kvm in all four modes, through scripts/kvm-run
#   make test       unit tests (plain and ASan/UBSan) and the real-KVM suite
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean      remove build outputs (keeps the sandbox's kernel cache)
#   make distclean  remove all of build/
#   make format     apply .clang-format to src/, guest/ and tests/

BUILD   := build
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
# src/vmm is the library (KVM handles, guest memory, loader, hypercalls,
# statistics, seccomp), src/x86 the CPU mode setup; both go into one static
# archive that the programs, the unit tests and the benchmark link.
WARN := -Wall -Wextra -Wshadow -Wcast-qual -Wwrite-strings \
        -Wstrict-prototypes -Wmissing-prototypes -Werror
# -Iguest: the hypercall ABI header is shared with the guests.
INCLUDES := -Isrc/vmm -Isrc/x86 -Isrc/matrix -Iguest
HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) -MMD -MP $(INCLUDES) $(CFLAGS)
# Static, so that the programs run unchanged inside the sandbox's initramfs.
HOST_LDFLAGS := -static $(LDFLAGS) -lseccomp

VMM_SRCS    := $(wildcard src/vmm/*.c src/x86/*.c)
# matrix's modules but its main(): the scheduler is unit-tested and fuzzed.
MATRIX_SRCS := $(filter-out src/matrix/main.c,$(wildcard src/matrix/*.c))
LIB_SRCS    := $(VMM_SRCS) $(MATRIX_SRCS)
VMM_LIB     := $(BUILD)/libvmm.a
VMM_OBJS    := $(VMM_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/src/vmm/image_blobs.o
MATRIX_OBJS := $(MATRIX_SRCS:%.c=$(BUILD)/obj/%.o)

PROGRAMS := $(BUILD)/simple-kvm $(BUILD)/matrix
# matrix-a and matrix-b: the spec's checkpoints, matrix under other names
MATRIX_ALIASES := $(BUILD)/matrix-a $(BUILD)/matrix-b

# --- guest code: freestanding, no PIC, no stack protector, own linker script
GUEST_CFLAGS := -std=c11 -Os -ffreestanding -fno-pic -fno-pie \
        -fno-stack-protector -fno-asynchronous-unwind-tables \
        -mgeneral-regs-only -nostdinc \
        -isystem $(shell $(GUEST_CC) -print-file-name=include) \
        -Wall -Wextra -Werror -Iguest
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
HOSTILE_CASES := str_past_ram str_unterminated_at_ram_end str_ends_at_last_byte \
                 str_too_long block_wraps_4g block_past_ram unknown_port \
                 wrong_size wrong_direction string_io triple_fault mmio runaway \
                 exit_code huge_exit_code forged_status exit_code_max \
                 out_on_input_port flood invalid_opcode \
                 rdmsr wipe_vmm_area pagetable_redirect gva_valid_gpa_outside
TEST_GUESTS := $(foreach m,$(GUEST_MODES),$(BUILD)/guest/tests/answer-$m.bin \
                 $(BUILD)/guest/tests/wrong-mem-$m.bin \
                 $(BUILD)/guest/tests/wrong-reg-$m.bin $(BUILD)/guest/tests/big-$m.bin) \
               $(foreach m,protected paged long,$(BUILD)/guest/tests/high-mem-$m.bin) \
               $(foreach m,$(GUEST_MODES),$(BUILD)/guest/examples/hello-$m.elf \
                 $(BUILD)/guest/tests/probe-$m.bin \
                 $(BUILD)/guest/tests/probe-$m.elf $(BUILD)/guest/tests/big-$m.elf \
                 $(HOSTILE_CASES:%=$(BUILD)/guest/tests/hostile-%-$m.bin))

# --- unit tests (cmocka), plain and sanitized -------------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=all
UNIT_BINS  := $(UNIT_TESTS:%=$(BUILD)/tests/unit/%) \
              $(UNIT_TESTS:%=$(BUILD)/asan/tests/unit/%)

.PHONY: all run test bench soak unit-bins sanitized guests user-guest install \
        clean distclean format format-check deps
# A plain make only builds; make deps (which run and test call) installs.
all: $(PROGRAMS) $(MATRIX_ALIASES)

# Install the Debian packages the build needs, when they are missing.
BUILD_PACKAGES := gcc make binutils libc6-dev libcmocka-dev libseccomp-dev \
                  clang clang-format jq
deps:
	@scripts/ensure-packages $(BUILD_PACKAGES)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

# The built-in images, embedded by .incbin from build/guest.
$(BUILD)/obj/src/vmm/image_blobs.o: src/vmm/image_blobs.S $(BUILTIN_GUESTS) $(MATRIX_GUESTS)
	@mkdir -p $(@D)
	$(say) AS $<
	$(Q)$(CC) -Isrc/vmm -c $< -o $@ -Wa,-I$(BUILD)/guest

$(VMM_LIB): $(VMM_OBJS) $(MATRIX_OBJS)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/simple-kvm: $(BUILD)/obj/src/simple-kvm/main.o $(VMM_LIB)
	$(say) LD $@
	$(Q)$(CC) $^ -o $@ $(HOST_LDFLAGS)

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
$(BUILD)/obj/bench/%.o: bench/%.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

# A million forced switches through matrix; by hand (about 4 minutes in the
# sandbox).
SOAK_SWITCHES ?= 1000000
soak: all guests
	@scripts/kvm-run tests/kvm/soak.sh $(BUILD) $(SOAK_SWITCHES)

bench: all $(BUILD)/kvm-bench $(BENCH_GUESTS) guests
	@scripts/kvm-run bench/run.sh $(BUILD)

# Guests: one C source, compiled once per mode.
guests: $(BUILTIN_GUESTS) $(TEST_GUESTS) $(MATRIX_GUESTS)

define guest_rules
$(BUILD)/guest/obj/$1/%.o: guest/%.c
	@mkdir -p $$(@D)
	$(say) GUEST-CC "$$< ($1)"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -MMD -MP -c $$< -o $$@
$(BUILD)/guest/obj/$1/%.o: guest/%.S
	@mkdir -p $$(@D)
	$(say) GUEST-AS "$$< ($1)"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -c $$< -o $$@
$(BUILD)/guest/obj/$1/tests/answer.o: guest/tests/answer.c
	@mkdir -p $$(@D)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -c $$< -o $$@
$(BUILD)/guest/obj/$1/bench/loop-%.o: guest/bench/loop.c
	@mkdir -p $$(@D)
	$(say) GUEST-CC "$$< $$* ($1)"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -DLOOP_$$* -c $$< -o $$@
$(BUILD)/guest/obj/$1/tests/hostile-%.o: guest/tests/hostile.c
	@mkdir -p $$(@D)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -DCASE_$$* -c $$< -o $$@
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
	$(Q)$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -O1 -c $< -o $@

$(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $(VMM_LIB)
	@mkdir -p $(@D)
	$(say) LD $@
	$(Q)$(CC) $^ -o $@ -lcmocka -lseccomp $(LDFLAGS)

# The library again, sanitized (the embedded images need no sanitizer).
SAN_LIB := $(BUILD)/asan/libvmm.a
$(BUILD)/asan/tests/unit/%: $(BUILD)/asan/obj/tests/unit/%.o $(SAN_LIB)
	@mkdir -p $(@D)
	$(say) LD $@
	$(Q)$(CC) $(SAN_FLAGS) $^ -o $@ -lcmocka -lseccomp $(LDFLAGS)

unit-bins: $(UNIT_BINS)

$(SAN_LIB): $(LIB_SRCS:%.c=$(BUILD)/asan/obj/%.o) $(BUILD)/obj/src/vmm/image_blobs.o
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# Sanitized programs (ASan/UBSan) for the hostile-guest suite on real KVM.
# Sanitizers do not link statically, so they are dynamic, and the shared
# libraries they need are copied beside them for the sandbox's initramfs.
SAN_PROGRAMS := $(BUILD)/asan/simple-kvm $(BUILD)/asan/matrix
$(BUILD)/asan/%: $(BUILD)/asan/obj/src/%/main.o $(SAN_LIB)
	$(say) LD $@
	$(Q)$(CC) $(SAN_FLAGS) $^ -o $@ -lseccomp $(LDFLAGS)
$(BUILD)/asan/lib/.copied: $(SAN_PROGRAMS)
	$(say) LIBS $(@D)
	$(Q)scripts/copy-runtime-libs $(@D) $^
	@touch $@
sanitized: $(SAN_PROGRAMS) $(BUILD)/asan/lib/.copied

# The whole suite: unit tests, then the KVM tests through scripts/kvm-run.
test: deps $(PROGRAMS) $(MATRIX_ALIASES) guests $(UNIT_BINS) sanitized
	@tests/run-tests.sh

# The main job: the demo in every mode, on real KVM wherever we are.
run: deps all
	@scripts/kvm-run scripts/run-demo.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	ln -sf matrix $(DESTDIR)$(PREFIX)/bin/matrix-a
	ln -sf matrix $(DESTDIR)$(PREFIX)/bin/matrix-b
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 docs/man/simple-kvm.1 docs/man/matrix.1 \
	    $(DESTDIR)$(PREFIX)/share/man/man1/

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

# libFuzzer harnesses: make fuzz, make fuzz-smoke (see docs/fuzzing.md)
include tests/fuzz/fuzz.mk

# Header dependencies, from the objects this Makefile knows of.
DEP_OBJS := $(VMM_OBJS) $(MATRIX_OBJS) $(BUILD)/obj/src/simple-kvm/main.o \
            $(BUILD)/obj/src/matrix/main.o $(BUILD)/obj/bench/kvm-bench.o \
            $(UNIT_TESTS:%=$(BUILD)/obj/tests/unit/%.o) \
            $(patsubst $(BUILD)/obj/%,$(BUILD)/asan/obj/%,$(VMM_OBJS) \
              $(MATRIX_OBJS) $(UNIT_TESTS:%=$(BUILD)/obj/tests/unit/%.o))
-include $(DEP_OBJS:.o=.d)
