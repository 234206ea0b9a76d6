# guest/virtio/virtio.mk - the bare virtio-blk driver (docs/virtio.md),
# built per mode; included by the main Makefile after its guest rules.
#
#   build/guest/virtio/vdrv-MODE.elf           the driver's story (main.c)
#   build/guest/virtio/hostile-CASE-MODE.elf   a bad ring each (hostile.c)
#   build/guest/virtio/vdrv-bench-K-long.elf   bench/virtio.sh's loops, K =
#                                              none, reads, exits
#   build/guest/virtio/vrng-MODE.elf           the virtio-rng story (rng.c)
#   build/guest/virtio/vcon-MODE.elf           a line through virtio-console
#                                              (console.c)
#   build/guest/virtio/vnet-MODE.elf           a frame each way over
#                                              virtio-net (net.c)
#
# Uses from the main Makefile: BUILD, GUEST_MODES, GUEST_CC, GUEST_CFLAGS,
# MFLAGS_*, LDEMU_*, LD, Q, say, and its guest object rules (which compile
# guest/virtio/*.c to $(BUILD)/guest/obj/MODE/virtio/*.o).

VDRV_PARTS := start virtio/pci virtio/virtio_pci virtio/virtqueue virtio/blk
VDRV_HOSTILE_CASES := $(shell sed -n 's/.*defined(CASE_\([a-z0-9_]*\)).*/\1/p' \
                        guest/virtio/hostile.c)
# Rounds of the bench guests' loops (bench/virtio.sh times them).
VDRV_BENCH_N ?= 20000
VDRV_BENCH_none  := 0
VDRV_BENCH_reads := 1
VDRV_BENCH_exits := 2

VDRV_GUESTS := $(GUEST_MODES:%=$(BUILD)/guest/virtio/vdrv-%.elf) \
               $(foreach c,$(VDRV_HOSTILE_CASES),\
                 $(GUEST_MODES:%=$(BUILD)/guest/virtio/hostile-$c-%.elf)) \
               $(patsubst %,$(BUILD)/guest/virtio/vdrv-bench-%-long.elf,none reads exits)

# The rng and console guests: the same transport and queue, their own
# story (--rng, --console virtio).
VDRV_BASE := start virtio/pci virtio/virtio_pci virtio/virtqueue
VDRV_GUESTS += $(GUEST_MODES:%=$(BUILD)/guest/virtio/vrng-%.elf) \
               $(GUEST_MODES:%=$(BUILD)/guest/virtio/vcon-%.elf) \
               $(GUEST_MODES:%=$(BUILD)/guest/virtio/vnet-%.elf)

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
$(BUILD)/guest/virtio/vrng-$1.elf: $(VDRV_BASE:%=$(BUILD)/guest/obj/$1/%.o) \
                                   $(BUILD)/guest/obj/$1/virtio/rng.o guest/guest.ld
	$$(call vdrv_link,$1)
$(BUILD)/guest/virtio/vcon-$1.elf: $(VDRV_BASE:%=$(BUILD)/guest/obj/$1/%.o) \
                                   $(BUILD)/guest/obj/$1/virtio/console.o guest/guest.ld
	$$(call vdrv_link,$1)
$(BUILD)/guest/virtio/vnet-$1.elf: $(VDRV_BASE:%=$(BUILD)/guest/obj/$1/%.o) \
                                   $(BUILD)/guest/obj/$1/virtio/net.o guest/guest.ld
	$$(call vdrv_link,$1)
$(BUILD)/guest/obj/$1/virtio/hostile-%.o: guest/virtio/hostile.c
	@mkdir -p $$(@D)
	$(say) GUEST-CC "$$< $$* ($1)"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -DCASE_$$* -c $$< -o $$@
$(BUILD)/guest/virtio/hostile-%-$1.elf: $(VDRV_PARTS:%=$(BUILD)/guest/obj/$1/%.o) \
                                       $(BUILD)/guest/obj/$1/virtio/hostile-%.o guest/guest.ld
	$$(call vdrv_link,$1)
$(BUILD)/guest/obj/$1/virtio/bench-%.o: guest/virtio/main.c guest/virtio/virtio.mk
	@mkdir -p $$(@D)
	$(say) GUEST-CC "$$< bench $$* ($1)"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(MFLAGS_$1) -DVDRV_BENCH=$$(VDRV_BENCH_$$*) \
	    -DVDRV_BENCH_N=$(VDRV_BENCH_N) -c $$< -o $$@
$(BUILD)/guest/virtio/vdrv-bench-%-$1.elf: $(VDRV_PARTS:%=$(BUILD)/guest/obj/$1/%.o) \
                                           $(BUILD)/guest/obj/$1/virtio/bench-%.o guest/guest.ld
	$$(call vdrv_link,$1)
endef
$(foreach m,$(GUEST_MODES),$(eval $(call vdrv_rules,$m)))

.PHONY: vdrv-guests
vdrv-guests: $(VDRV_GUESTS)
bench: $(VDRV_GUESTS)
guests: $(VDRV_GUESTS)
bench: $(VDRV_GUESTS)

FORMAT_FILES += $(wildcard guest/virtio/*.h)
