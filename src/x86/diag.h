/* diag.h - describing why a guest stopped: one-line exit summaries and register
 * dumps. */
#ifndef DIAG_H
#define DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "vm.h"

/* One line (no newline) naming the exit reason and its details, e.g.
 * "KVM_EXIT_IO out port 0x80 size 1" or "KVM_EXIT_SHUTDOWN (triple fault)". */
void diag_describe_exit(const struct kvm_run *run, char *buf, size_t len);

/*
 * diag_describe_exit for a vCPU that just exited, with what only the vCPU
 * can say: for an emulation failure (KVM_EXIT_INTERNAL_ERROR, suberror
 * KVM_INTERNAL_ERROR_EMULATION) the instruction KVM could not emulate,
 * decoded from the bytes KVM reports or read at RIP through the guest's
 * page tables, and why, e.g. "KVM could not emulate 'mulsd xmm0, [0x1040]'
 * at RIP 0x1017: this KVM (kvm_pvm) runs guest code in KVM's instruction
 * emulator, which lacks SSE arithmetic; ...".
 */
void diag_describe_vcpu_exit(struct vcpu *vcpu, char *buf, size_t len);

/* Why KVM's emulator stopped at an instruction of class cls (an enum
 * insn_class), for a KVM of this flavor (kvm_dev's), as one clause. */
const char *diag_emulation_reason(const char *flavor, int cls);

/* Where an instruction is, as its mode names it: "CS:IP 0000:1234" for
 * 16-bit real mode, "RIP 0x1234" otherwise. */
void diag_place(char *buf, size_t len, int real_mode, uint16_t cs,
		uint64_t rip);

/* Prints the general, segment and control registers to out (a few lines). */
void diag_dump_registers(struct vcpu *vcpu, FILE *out);

/* The same with the general registers from gprs (e.g. as they were at a
 * fault, before the handler ran) instead of the vCPU's; NULL: the vCPU's. */
void diag_dump_registers_as(struct vcpu *vcpu, const struct kvm_regs *gprs,
			    FILE *out);

#endif
