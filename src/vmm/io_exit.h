/* io_exit.h - the bytes of a KVM_EXIT_IO, where KVM puts them. */
#ifndef IO_EXIT_H
#define IO_EXIT_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

/* The access's bytes: io.size * io.count of them, inside the vCPU's
 * kvm_run mapping at io.data_offset. An in fills them, an out reads them. */
static inline uint8_t *kvm_run_io_data(struct kvm_run *run)
{
	return (uint8_t *)run + run->io.data_offset;
}

static inline size_t kvm_run_io_len(const struct kvm_run *run)
{
	return (size_t)run->io.size * run->io.count;
}

#endif
