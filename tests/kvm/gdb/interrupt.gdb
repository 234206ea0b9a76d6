# interrupt.gdb - Ctrl-C from gdb: the guest spins until gdb clears
# debug_spin; gdb.sh sends gdb SIGINT while it waits in continue.
set pagination off
set confirm off
set var debug_spin = 1
continue
printf "interrupted\n"
info symbol $pc
set var debug_spin = 0
continue
