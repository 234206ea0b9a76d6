# interrupt.gdb - Ctrl-C from gdb: the guest spins until gdb clears
# debug_spin. Once gdb has resumed the guest and waits in continue, gdb
# sends itself SIGINT, as a terminal's Ctrl-C would (a fixed delay from
# outside was either slow or, under load, too early). The sending thread
# blocks SIGINT itself, so that gdb's main thread is the one to take it.
set pagination off
set confirm off
python
import os, signal, threading, time
def send_sigint():
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT])
    time.sleep(0.3)
    os.kill(os.getpid(), signal.SIGINT)
def interrupt_once(event):
    gdb.events.cont.disconnect(interrupt_once)
    threading.Thread(target=send_sigint, daemon=True).start()
gdb.events.cont.connect(interrupt_once)
end
set var debug_spin = 1
continue
printf "interrupted\n"
info symbol $pc
set var debug_spin = 0
continue
