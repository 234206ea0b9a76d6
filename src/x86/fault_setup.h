/* fault_setup.h - installing the VMM's exception handlers in a guest and
 * reading back what they report. */
#ifndef FAULT_SETUP_H
#define FAULT_SETUP_H

#include <linux/kvm.h>

#include "cpu_regs.h"
#include "errbuf.h"
#include "faults.h"
#include "guest_mem.h"

struct vcpu;

/* Each handler's offset in its blob is vector * FAULT_STUB_SIZE. */
#define FAULT_STUB_SIZE 16

/*
 * Copies the handlers for mode into guest memory and points the exception
 * vectors at them: an IDT of FAULT_VECTORS gates in the VMM area (sregs's
 * IDTR is set to it), or in real mode the IVT entries 0-31 at address 0,
 * unless the image put anything there (it then owns the IVT). A guest
 * that loads its own IDT or writes its own IVT entries later keeps them.
 * Returns 0 or -ENOSPC/-EFAULT when the handlers do not fit in guest RAM.
 */
int faults_install(const struct guest_mem *mem, enum cpu_mode mode,
		   struct kvm_sregs *sregs, struct errbuf *err);

/*
 * Reads the frame a handler left on the guest stack, through the vCPU's
 * current translation and the bounds-checked accessors, and decodes it
 * into f, with the faulting instruction's bytes as far as they are
 * readable. Called on an out to HC_PORT_FAULT_REPORT. Returns 0, or a
 * negative errno with one line in err when the frame is unreadable or no
 * handler's (a guest that writes the port itself).
 */
int faults_read_report(struct vcpu *vcpu, struct guest_fault *f,
		       struct errbuf *err);

#endif
