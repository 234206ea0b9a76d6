# session.gdb - one debugging session against guest/tests/debugme.c, the
# same in every mode; tests/kvm/gdb.sh connects first and reads the output.
set pagination off
set confirm off
# a function by name; then $pc against the breakpoint's address
break debug_add
continue
printf "pc-now 0x%lx\n", (unsigned long)$pc
# a string in guest memory, at its virtual address
x/s debug_message
# one instruction
set $before = $pc
stepi
printf "stepped %d\n", $pc != $before
# a hardware watchpoint on the global the guest writes
watch debug_counter
continue
delete
# the register the guest prints next: change it
break debug_value_ready
continue
printf "eax-was %d\n", $eax
set $eax = 99
delete
# to the end: gdb hears the exit status
continue
