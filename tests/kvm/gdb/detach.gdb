# detach.gdb - stop at a breakpoint, then let the guest run on alone.
set pagination off
break debug_add
continue
detach
