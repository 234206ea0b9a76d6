/* gdb_regs.h - gdb's x86 register layouts (i386 and amd64): the target
 * description we serve and the 'g' block that matches it. */
#ifndef GDB_REGS_H
#define GDB_REGS_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

/* The largest 'g' block: amd64, with x87 and SSE (536 bytes). */
#define GDB_REGS_MAX_BYTES 560

/* Where XSAVE's standard layout keeps what gdb shows: the legacy (FXSAVE)
 * area, then the header's XSTATE_BV, whose bit 0 (x87) and 1 (SSE) say
 * that the area holds those components rather than their reset state. */
enum {
	GDB_FX_FCW = 0,
	GDB_FX_FSW = 2,
	GDB_FX_FTW = 4, /* abridged: one bit per register, 1 = in use */
	GDB_FX_FOP = 6,
	GDB_FX_FIP = 8,
	GDB_FX_FDP = 16,
	GDB_FX_MXCSR = 24,
	GDB_FX_ST = 32,	  /* st0-st7, 16 bytes apart, 10 used */
	GDB_FX_XMM = 160, /* xmm0-xmm15, 16 bytes each */
	GDB_XSTATE_BV = 512,
};

/* What a 'g' block is built from and written back to. The x87 and SSE
 * state is KVM_GET_XSAVE's, MXCSR and the xmm registers alike (KVM_GET_FPU
 * never fills in its mxcsr field). */
struct gdb_cpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_xsave xsave;
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
 * pointer, flags, x87 and SSE (marking both present in XSTATE_BV, so that
 * KVM_SET_XSAVE loads them rather than their reset state). Segment selectors
 * are ignored (a selector without its descriptor would be a lie to the CPU). A
 * 32-bit layout clears the upper halves of the registers it sets.
 */
void gdb_regs_from_block(int long_mode, const uint8_t *block,
			 struct gdb_cpu *cpu);

#endif
