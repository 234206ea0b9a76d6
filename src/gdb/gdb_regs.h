/* gdb_regs.h - gdb's x86 register layouts (i386 and amd64): the target
 * description we serve and the 'g' block that matches it. */
#ifndef GDB_REGS_H
#define GDB_REGS_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

/* The largest 'g' block: amd64, with x87 and SSE (536 bytes). */
#define GDB_REGS_MAX_BYTES 560

/* What a 'g' block is built from and written back to. */
struct gdb_cpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
};

/* The target.xml gdb reads with qXfer:features:read, for amd64 or i386
 * (core registers with x87, then SSE). A static, NUL-terminated string. */
const char *gdb_regs_target_xml(int long_mode);

/* How many registers the layout has, and the size of its 'g' block. */
int gdb_regs_count(int long_mode);
size_t gdb_regs_block_size(int long_mode);

/* Where register regnum sits in the block: 0 with *off and *size, or -1
 * for a number outside the layout. */
int gdb_regs_slot(int long_mode, int regnum, size_t *off, size_t *size);

/* Fills the block (gdb_regs_block_size bytes, little-endian) from cpu. */
void gdb_regs_to_block(int long_mode, const struct gdb_cpu *cpu,
		       uint8_t *block);

/*
 * Writes a block back into cpu: general registers, the instruction
 * pointer, flags, x87 and SSE. Segment selectors are ignored (a selector
 * without its descriptor would be a lie to the CPU). A 32-bit layout
 * clears the upper halves of the registers it sets.
 */
void gdb_regs_from_block(int long_mode, const uint8_t *block,
			 struct gdb_cpu *cpu);

#endif
