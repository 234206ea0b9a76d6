# guest/virtio/virtio.mk - the bare virtio-blk driver (docs/virtio.md),
# built per mode; included by the main Makefile after its guest rules.
#
#   build/guest/virtio/vdrv-MODE.elf           the driver's story (main.c)
#   build/guest/virtio/hostile-CASE-MODE.elf   a bad ring each (hostile.c)
#   build/guest/virtio/vdrv-bench-long.elf     N reads for make bench
#
# Uses from the main Makefile: BUILD, GUEST_MODES, GUEST_CC, GUEST_CFLAGS,
# MFLAGS_*, LDEMU_*, LD, Q, say, and its guest object rules (which compile
# guest/virtio/*.c to $(BUILD)/guest/obj/MODE/virtio/*.o).

VDRV_PARTS := start virtio/pci virtio/virtio_pci virtio/virtqueue virtio/blk
VDRV_HOSTILE_CASES := $(shell sed -n 's/.*defined(CASE_\([a-z0-9_]*\)).*/\1/p' \
                        guest/virtio/hostile.c)
# Reads in the bench guest's loop (bench/virtio.sh times it).
VDRV_BENCH_READS ?= 20000

VDRV_GUESTS := $(GUEST_MODES:%=$(BUILD)/guest/virtio/vdrv-%.elf) \
               $(foreach c,$(VDRV_HOSTILE_CASES),\
                 $(GUEST_MODES:%=$(BUILD)/guest/virtio/hostile-$c-%.elf)) \
               $(BUILD)/guest/virtio/vdrv-bench-long.elf

define vdrv_link
	@mkdir -p $(@D)
	$(say) GUEST-LD $@
	$(Q)$(LD) -m $(LDEMU_$1) -nostdlib --build-id=none \
	      --no-warn-rwx-segments -T guest/guest.ld $(filter %.o,$^) -o $@
endef

define vdrv_rules
$(BUILD)/guest/virtio/vdrv-$1.elf: $(VDRV_PARTS:%=$(BUILD)/guest/obj/$1/%.o) \
                                   $(BUILD)/guest/obj/$1/virtio/main.o guest/guest.ld
	$$(call vdrv_link,$1)
$(BUILD)/guest/obj/$1/virtio/hostile-%.o: guest/virtio/hostile.c
	@mkdir -p $$(@D)
	$(say) GUEST-CC "$$< $$* ($1)"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -DCASE_$$* -c $$< -o $$@
$(BUILD)/guest/virtio/hostile-%-$1.elf: $(VDRV_PARTS:%=$(BUILD)/guest/obj/$1/%.o) \
                                       $(BUILD)/guest/obj/$1/virtio/hostile-%.o guest/guest.ld
	$$(call vdrv_link,$1)
$(BUILD)/guest/obj/$1/virtio/bench.o: guest/virtio/main.c
	@mkdir -p $$(@D)
	$(say) GUEST-CC "$$< bench ($1)"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) \
	    -DVDRV_BENCH=$(VDRV_BENCH_READS) -c $$< -o $$@
$(BUILD)/guest/virtio/vdrv-bench-$1.elf: $(VDRV_PARTS:%=$(BUILD)/guest/obj/$1/%.o) \
                                         $(BUILD)/guest/obj/$1/virtio/bench.o guest/guest.ld
	$$(call vdrv_link,$1)
endef
$(foreach m,$(GUEST_MODES),$(eval $(call vdrv_rules,$m)))

.PHONY: vdrv-guests
vdrv-guests: $(VDRV_GUESTS)
guests: $(VDRV_GUESTS)

FORMAT_FILES += $(wildcard guest/virtio/*.h)
