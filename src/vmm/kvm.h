/* kvm.h - the /dev/kvm system handle: opening it, its API version and
 * capabilities. */
#ifndef KVM_H
#define KVM_H

#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"

struct kvm_cpuid2;
struct kvm_cpuid_entry2;

/* What a CPUID table says about paging, for x86's page walker (its
 * struct pw_cpu): fixed for the life of a VM. */
struct kvm_paging {
	uint8_t maxphyaddr; /* CPUID 0x80000008 EAX[7:0]; 36 without it */
	uint8_t gbpages;    /* 1 GiB pages exist (CPUID 0x80000001 EDX[26]) */
	uint8_t amd;	    /* AMD or Hygon: the AMD reserved-bit rules */
};

/* One per process; every VM of the process is created from it. */
struct kvm_dev {
	int fd;
	size_t vcpu_mmap_size;	/* size of each vCPU's struct kvm_run */
	int has_stats_fd;	/* KVM_CAP_BINARY_STATS_FD */
	int has_sync_regs;	/* KVM_CAP_SYNC_REGS with sregs */
	int has_emulation_exit; /* KVM_CAP_EXIT_ON_EMULATION_FAILURE */
	/* Which KVM this is, for messages: "kvm_amd", "kvm_intel", "kvm_pvm"
	 * (a KVM that needs no VT-x/AMD-V, whose instruction emulator runs
	 * all guest code), or "KVM" when no known module is loaded. Read at
	 * open, before any lockdown. */
	char flavor[16];
	struct kvm_cpuid2 *cpuid; /* KVM_GET_SUPPORTED_CPUID, for vCPUs */
	struct kvm_paging paging; /* what cpuid says about paging */
};

#define KVM_DEV_PATH "/dev/kvm"

/*
 * Opens path (normally KVM_DEV_PATH), checks the API version and every
 * capability this VMM needs, and reads what vCPUs share. On failure returns
 * a negative errno with a message that says what to do about it (load the
 * module, join the kvm group, enable virtualization, use scripts/kvm-run).
 */
int kvm_dev_open(struct kvm_dev *kvm, const char *path, struct errbuf *err);

/* The entry for CPUID leaf function, subleaf index, in a CPUID table such
 * as kvm->cpuid, or NULL (also for a NULL table). */
const struct kvm_cpuid_entry2 *kvm_cpuid_find(const struct kvm_cpuid2 *cpuid,
					      uint32_t function,
					      uint32_t index);

/* Reads MAXPHYADDR (36 when leaf 0x80000008 is absent, as KVM assumes),
 * 1 GiB pages and the vendor from a CPUID table (NULL: none of them). */
void kvm_cpuid_paging(const struct kvm_cpuid2 *cpuid, struct kvm_paging *out);

/* Closes the handle and frees what it holds; safe on a zeroed struct. */
void kvm_dev_close(struct kvm_dev *kvm);

/* Returns the explanation kvm_dev_open gives for an open(2) errno. */
const char *kvm_open_hint(int errnum);

#endif
