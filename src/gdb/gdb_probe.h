/* gdb_probe.h - what this KVM does for a debugger, found by trying it in
 * a throwaway VM rather than guessed from its name. */
#ifndef GDB_PROBE_H
#define GDB_PROBE_H

#include "errbuf.h"
#include "kvm.h"

/*
 * Whether an execution breakpoint in a debug register (DR0, via
 * KVM_SET_GUEST_DEBUG with KVM_GUESTDBG_USE_HW_BP) ends KVM_RUN with
 * KVM_EXIT_DEBUG: runs "nop; nop; hlt" in real mode in a VM of its own,
 * with DR0 on the second nop. It does on hardware KVM and on kvm_pvm;
 * under QEMU's emulated SVM (the sandbox) it never does: QEMU's VMRUN
 * loads the nested guest's DR7 without arming its breakpoints. 1 yes,
 * 0 no, or a negative errno with one line (no VM could be made).
 */
int gdb_probe_dr_fires(const struct kvm_dev *kvm, struct errbuf *err);

#endif
