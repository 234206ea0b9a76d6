# kill.gdb - stop at a breakpoint, then end simple-kvm from gdb.
set pagination off
set confirm off
break debug_add
continue
kill
