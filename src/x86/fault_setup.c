/* fault_setup.c - the VMM's exception handlers: copied into the guest at
 * setup, read back from the guest stack when one reports. */
#include "fault_setup.h"

#include <errno.h>
#include <string.h>

#include "guest_va.h"
#include "hypercall_abi.h"
#include "layout.h"
#include "vm.h"

/* The handlers' blobs, from fault_blobs.S. */
extern const uint8_t fault_stubs_16_start[], fault_stubs_16_end[];
extern const uint8_t fault_stubs_32_start[], fault_stubs_32_end[];
extern const uint8_t fault_stubs_64_start[], fault_stubs_64_end[];

/* guest/vmm/faults.S is assembly and cannot include the C ABI header; it
 * repeats the port, and this is where a change to one shows. */
_Static_assert(HC_PORT_FAULT_REPORT == 0x5f0,
	       "update HC_PORT_FAULT_REPORT in guest/vmm/faults.S too");

/* Interrupt gates, present, ring 0: the handlers run with IF clear. */
#define GATE_INTERRUPT 0x8e

static enum fault_frame frame_for(enum cpu_mode mode)
{
	return mode == CPU_MODE_REAL   ? FAULT_FRAME_16
	       : mode == CPU_MODE_LONG ? FAULT_FRAME_64
				       : FAULT_FRAME_32;
}

static int copy_stubs(const struct guest_mem *mem, enum fault_frame frame,
		      gpa_t at, uint64_t room, struct errbuf *err)
{
	const uint8_t *start = frame == FAULT_FRAME_16	 ? fault_stubs_16_start
			       : frame == FAULT_FRAME_32 ? fault_stubs_32_start
							 : fault_stubs_64_start;
	const uint8_t *end = frame == FAULT_FRAME_16   ? fault_stubs_16_end
			     : frame == FAULT_FRAME_32 ? fault_stubs_32_end
						       : fault_stubs_64_end;
	size_t size = (size_t)(end - start);

	if (size > room)
		return err_fail(err, ENOSPC,
				"exception handlers (%zu bytes) do not fit in "
				"%llu bytes",
				size, (unsigned long long)room);
	if (gmem_write(mem, at, start, size))
		return err_fail(err, EFAULT,
				"exception handlers at 0x%llx are outside "
				"guest RAM",
				(unsigned long long)at);
	return 0;
}

/* 1 when the image put anything into the IVT's exception entries: it then
 * owns the IVT (or was loaded over it), and the VMM writes none of it. */
static int ivt_in_use(const struct guest_mem *mem)
{
	uint32_t entry = 0;

	/* A page never touched reads as zeros, and reading it would map the
	 * zero page, which the write that follows must replace: a fault
	 * whose mmu-notifier call visits every VM of the process. */
	if (!gmem_touched(mem, 0))
		return 0;
	for (unsigned v = 0; v < FAULT_VECTORS; v++)
		if (gmem_read_u32(mem, v * 4, &entry) || entry)
			return 1;
	return 0;
}

/* Real mode: IVT entry v is the far pointer 0000:(stubs + v * 16). */
static int install_ivt(const struct guest_mem *mem, struct errbuf *err)
{
	int ret = copy_stubs(mem, FAULT_FRAME_16, LAYOUT_RM_FAULT_STUBS,
			     LAYOUT_RM_FAULT_STUBS_SIZE, err);

	if (ret || ivt_in_use(mem))
		return ret;
	for (unsigned v = 0; !ret && v < FAULT_VECTORS; v++)
		if (gmem_write_u32(mem, v * 4,
				   (uint32_t)(LAYOUT_RM_FAULT_STUBS +
					      v * FAULT_STUB_SIZE)))
			ret = err_fail(err, EFAULT, "the IVT is outside RAM");
	return ret;
}

/* One gate: 8 bytes in 32-bit modes, 16 in long mode (the upper half
 * holds offset bits 32-63, zero below 4 GiB). */
static int write_gate(const struct guest_mem *mem, gpa_t idt, unsigned v,
		      int long_mode, uint64_t handler)
{
	uint16_t sel = long_mode ? GDT_SEL_CODE64 : GDT_SEL_CODE32;
	uint64_t low = (handler & 0xffff) | (uint64_t)sel << 16 |
		       (uint64_t)GATE_INTERRUPT << 40 |
		       ((handler >> 16) & 0xffff) << 48;

	if (!long_mode)
		return gmem_write_u64(mem, idt + v * 8, low);
	return gmem_write_u64(mem, idt + v * 16, low) ||
	       gmem_write_u64(mem, idt + v * 16 + 8, handler >> 32);
}

int faults_install(const struct guest_mem *mem, enum cpu_mode mode,
		   struct kvm_sregs *sregs, struct errbuf *err)
{
	gpa_t vmm = layout_vmm_area(mem->size);
	gpa_t idt = vmm + LAYOUT_VMM_IDT_OFFSET;
	gpa_t stubs = vmm + LAYOUT_VMM_FAULT_STUBS_OFFSET;
	int long_mode = mode == CPU_MODE_LONG;
	unsigned gate_size = long_mode ? 16 : 8;
	int ret;

	if (mode == CPU_MODE_REAL)
		return install_ivt(mem, err);
	ret = copy_stubs(mem, frame_for(mode), stubs,
			 LAYOUT_VMM_PT_OFFSET - LAYOUT_VMM_FAULT_STUBS_OFFSET,
			 err);
	for (unsigned v = 0; !ret && v < FAULT_VECTORS; v++)
		if (write_gate(mem, idt, v, long_mode,
			       stubs + v * FAULT_STUB_SIZE))
			ret = err_fail(err, EFAULT,
				       "IDT at 0x%llx is outside guest RAM",
				       (unsigned long long)idt);
	if (ret)
		return ret;
	/* Vectors past 31 (a software int n) fault with #GP on the limit,
	 * which the #GP handler then reports with the vector. */
	sregs->idt.base = idt;
	sregs->idt.limit = FAULT_VECTORS * gate_size - 1;
	return 0;
}

/* The frame kind from the state the CPU is in now, not the mode it
 * started in: a guest may have switched. */
static enum fault_frame frame_now(const struct kvm_sregs *s)
{
	if (!(s->cr0 & CR0_PE))
		return FAULT_FRAME_16;
	return s->cs.l ? FAULT_FRAME_64 : FAULT_FRAME_32;
}

/* Reads one stack word at guest virtual address gva, all of it or none. */
static int read_word(struct vcpu *vcpu, uint64_t gva, unsigned size,
		     uint64_t *word)
{
	uint8_t bytes[8] = {0};

	if (gva_read_prefix(vcpu, gva, bytes, size) != size)
		return -EFAULT;
	*word = 0;
	memcpy(word, bytes, size); /* x86 is little-endian, as the host */
	return 0;
}

/*
 * The faulting instruction's bytes, for the report to name it: from the
 * linear address CS:IP (real mode: the frame's CS * 16), as far as it is
 * mapped and in RAM. A #PF on the fetch itself finds nothing, and the
 * report then names no instruction.
 */
static void read_insn(struct vcpu *vcpu, const struct kvm_sregs *s,
		      struct guest_fault *f)
{
	uint64_t at =
		f->frame == FAULT_FRAME_16 ? (uint64_t)f->cs * 16 : s->cs.base;

	at += f->frame == FAULT_FRAME_16 ? f->regs.rip & 0xffff : f->regs.rip;
	if (f->frame != FAULT_FRAME_64)
		at &= 0xffffffff;
	f->insn_len =
		(unsigned)gva_read_prefix(vcpu, at, f->insn, sizeof(f->insn));
}

int faults_read_report(struct vcpu *vcpu, struct guest_fault *f,
		       struct errbuf *err)
{
	uint64_t words[FAULT_W_MAX] = {0}, sp;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	enum fault_frame frame;
	unsigned size;
	int ret = vcpu_get_regs(vcpu, &regs, err);

	if (!ret)
		ret = vcpu_get_sregs(vcpu, &sregs, err);
	if (ret)
		return ret;
	frame = frame_now(&sregs);
	size = fault_word_size(frame);
	sp = frame == FAULT_FRAME_64 ? regs.rsp
				     : regs.rsp & (size == 2 ? 0xffff : ~0u);
	for (unsigned i = 0; i < fault_frame_words(frame); i++)
		if (read_word(vcpu, sregs.ss.base + sp + i * size, size,
			      &words[i]))
			return err_fail(err, EFAULT,
					"fault report on port 0x%x with no "
					"readable frame at SP 0x%llx",
					HC_PORT_FAULT_REPORT,
					(unsigned long long)sp);
	if (fault_decode(frame, words, sp, &regs, sregs.cr2, f))
		return err_fail(
			err, EINVAL,
			"fault report on port 0x%x with vector %llu, "
			"not an exception's (the guest wrote the port?)",
			HC_PORT_FAULT_REPORT,
			(unsigned long long)words[FAULT_W_VECTOR]);
	read_insn(vcpu, &sregs, f);
	return 0;
}
