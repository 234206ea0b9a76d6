# gdbcheck.gdb - MXCSR and a code alias against guest/tests/gdbcheck.c;
# tests/kvm/gdb.sh sets $want_mxcsr (0 where this KVM cannot run ldmxcsr),
# connects first and reads the output.
set pagination off
set confirm off
# before the first instruction: the reset value the VMM leaves (any KVM)
printf "mxcsr-reset 0x%x\n", $mxcsr
set var check_mxcsr = $want_mxcsr
if $want_mxcsr
  # the guest has just loaded 0x1fa0; it stores MXCSR next and prints it
  break *mxcsr_loaded
  continue
  printf "mxcsr-was 0x%x\n", $mxcsr
  set $mxcsr = 0x3f80
  delete
end
# the guest has mapped its code a second time, 512 GiB up
break alias_ready
continue
delete
# one byte, two virtual addresses: both breakpoints, hit at the alias
set $alias = (unsigned long)alias_target + 0x8000000000
break *alias_target
break *$alias
continue
printf "alias-hit 0x%lx\n", (unsigned long)$pc
delete
break alias_between
continue
delete
break *alias_target
continue
printf "direct-hit 0x%lx\n", (unsigned long)$pc
delete
# to the end: a 0xcc left behind would stop the guest on the way
continue
