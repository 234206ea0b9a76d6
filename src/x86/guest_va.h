/* guest_va.h - a vCPU's guest virtual addresses, translated for the VMM's
 * own accesses. */
#ifndef GUEST_VA_H
#define GUEST_VA_H

#include <stddef.h>
#include <stdint.h>

#include "hypercall_host.h"
#include "pagewalk.h"

struct vcpu;

/*
 * A hypercall environment for the vCPU's VM: its RAM, the software walk
 * for pointers and KVM_TRANSLATE for HC_gvaToHva, output to out, counts in
 * stats. Every program serves hypercalls through one of these, so that
 * they all take the same path (the benchmark times that path).
 */
struct hc_env hc_env_for_vcpu(struct vcpu *vcpu, struct exit_stats *stats,
			      FILE *out);

/*
 * Translates gva for an access the VMM makes on the guest's behalf: a
 * read, or a write with PW_WRITE; as a user access when the guest runs at
 * CPL 3. The guest's own page tables decide, walked in software
 * (pagewalk.h): no ioctl when the registers are synced. 0 with *gpa,
 * -EFAULT when nothing is mapped there, -EACCES when the mapping forbids
 * the access. Its signature fits hc_translate_fn; ctx is the vCPU.
 */
int gva_translate(void *ctx, uint64_t gva, unsigned access, uint64_t *gpa);

/*
 * KVM's own translation (KVM_TRANSLATE, a supervisor read), for the one
 * hypercall whose answer must be KVM's: HC_gvaToHva. Outside long mode an
 * address at or above 4 GiB is refused (-EFAULT) rather than wrapped, as
 * KVM would. Its signature fits hc_kvm_translate_fn; ctx is the vCPU.
 */
int gva_translate_kvm(void *ctx, uint64_t gva, uint64_t *gpa);

/*
 * Reads up to len bytes at guest virtual address gva into buf, through
 * gva_translate (a read), translating again where a page begins: stops at
 * the first byte that is unmapped or outside RAM. Returns how many bytes
 * were read, so a caller that needs them all compares with len.
 */
size_t gva_read_prefix(struct vcpu *vcpu, uint64_t gva, void *buf, size_t len);

#endif
