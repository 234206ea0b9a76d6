# tests/kvm/pagewalk.mk - the page walker's differential test against
# KVM_TRANSLATE; included by the main Makefile after FORMAT_FILES is set.
#
#   make pagewalk-diff-bin   build $(BUILD)/tests/kvm/pagewalk_diff (static)
#   make pagewalk-diff       run it through scripts/kvm-run (sandbox or host)
#
# make test builds the program too: tests/kvm/pagewalk.sh runs it inside
# the real-KVM suite. Uses from the main Makefile: BUILD, VMM_LIB, CC,
# HOST_LDFLAGS, Q, say, FORMAT_FILES and its $(BUILD)/obj/%.o rule.

PAGEWALK_DIFF := $(BUILD)/tests/kvm/pagewalk_diff
# Arguments for make pagewalk-diff, e.g. PAGEWALK_DIFF_ARGS="--seed 7 -v"
PAGEWALK_DIFF_ARGS ?=

.PHONY: pagewalk-diff pagewalk-diff-bin

pagewalk-diff-bin: $(PAGEWALK_DIFF)
test-build: $(PAGEWALK_DIFF)

# Static like the other programs: the sandbox's initramfs has no libc.
$(PAGEWALK_DIFF): $(BUILD)/obj/tests/kvm/pagewalk_diff.o $(VMM_LIB)
	@mkdir -p $(@D)
	$(say) LD $@
	$(Q)$(CC) $^ -o $@ $(HOST_LDFLAGS)

pagewalk-diff: $(PAGEWALK_DIFF)
	@scripts/kvm-run $(PAGEWALK_DIFF) $(PAGEWALK_DIFF_ARGS)

FORMAT_FILES += tests/kvm/pagewalk_diff.c

-include $(BUILD)/obj/tests/kvm/pagewalk_diff.d
