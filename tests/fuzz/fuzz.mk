# tests/fuzz/fuzz.mk - libFuzzer harnesses; included by the main Makefile.
#
#   make fuzz-bins        build/fuzz/fuzz_NAME for each of FUZZ_NAMES (clang)
#   make fuzz             run each harness FUZZ_SECONDS (60) on a copy of its
#                         seed corpus; one summary line each; fails on a finding
#   make fuzz-smoke       the same for FUZZ_SMOKE_SECONDS (5) each, as TAP lines
#
# Uses from the main Makefile: BUILD, LIB_SRCS, layer_inc (a source's include
# path: its layer's in src/, else all), WARN, Q, say. See docs/fuzzing.md.

FUZZ_NAMES         := hypercall loader cli pagewalk bzimage gdb_rsp pci \
                      virtqueue virtio_blk virtio_console virtio_net vmlinux
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 5
# Extra libFuzzer flags for the runs, e.g. FUZZ_FLAGS=-max_len=8192
FUZZ_FLAGS         ?=
# The harnesses need clang's libFuzzer whatever CC is.
FUZZ_CC            ?= clang
# clang 14 on Debian 12; libclang-rt-14-dev ships libclang_rt.fuzzer-x86_64.a
FUZZ_PACKAGES      ?= clang libclang-rt-14-dev

FUZZ_DIR      := $(BUILD)/fuzz
FUZZ_BINS     := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
# Every library source, compiled for fuzzing and archived, so that a harness
# links only the objects it calls (and none of their other libraries).
FUZZ_LIB_SRCS ?= $(LIB_SRCS)
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_LIB      := $(FUZZ_DIR)/libvmm-fuzz.a
FUZZ_SAN      := address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS   := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
                 $(WARN) -MMD -MP \
                 -fsanitize=fuzzer-no-link,$(FUZZ_SAN)
FUZZ_LDFLAGS  := -fsanitize=fuzzer,$(FUZZ_SAN)

.PHONY: fuzz fuzz-bins fuzz-smoke fuzz-deps

fuzz-deps:
	@scripts/ensure-packages $(FUZZ_PACKAGES)

fuzz-bins: $(FUZZ_BINS)

# Library and harness objects alike: instrumented for coverage, sanitized.
$(FUZZ_DIR)/obj/%.o: %.c | fuzz-deps
	@mkdir -p $(@D)
	$(say) FUZZ-CC $<
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(call layer_inc,$<) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	$(say) FUZZ-LD $@
	$(Q)$(FUZZ_CC) $(FUZZ_LDFLAGS) $^ -o $@ $(DC_LIBS)

fuzz: fuzz-bins
	@tests/fuzz/run-fuzz.sh --build $(BUILD) --seconds $(FUZZ_SECONDS) \
	    $(FUZZ_FLAGS:%=--flag %) $(FUZZ_NAMES)

fuzz-smoke: fuzz-bins
	@tests/fuzz/run-fuzz.sh --tap --build $(BUILD) \
	    --seconds $(FUZZ_SMOKE_SECONDS) $(FUZZ_FLAGS:%=--flag %) $(FUZZ_NAMES)

# Header dependencies of the fuzzing objects.
-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_NAMES:%=$(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.d)
