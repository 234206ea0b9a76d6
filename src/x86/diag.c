/* diag.c - human-readable descriptions of exits and vCPU state. */
#include "diag.h"

#include <inttypes.h>
#include <string.h>

#include "cpu_regs.h"
#include "exit_names.h"
#include "guest_va.h"
#include "insn_decode.h"

void diag_describe_exit(const struct kvm_run *run, char *buf, size_t len)
{
	const char *name = exit_reason_name(run->exit_reason);

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		snprintf(buf, len, "%s %s port 0x%x size %u count %u", name,
			 run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
			 run->io.port, run->io.size, run->io.count);
		break;
	case KVM_EXIT_MMIO:
		snprintf(buf, len, "%s %s 0x%llx size %u", name,
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.phys_addr,
			 run->mmio.len);
		break;
	case KVM_EXIT_SHUTDOWN:
		/* AMD's KVM resets the vCPU before it reports a shutdown, so
		 * the registers that follow are the reset state there. */
		snprintf(buf, len, "%s (triple fault)", name);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(buf, len, "%s (hardware entry failure reason 0x%llx)",
			 name,
			 (unsigned long long)
				 run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(buf, len, "%s (suberror %u)", name,
			 run->internal.suberror);
		break;
	default:
		snprintf(buf, len, "%s (%u)", name, run->exit_reason);
		break;
	}
}

void diag_place(char *buf, size_t len, int real_mode, uint16_t cs, uint64_t rip)
{
	if (real_mode)
		snprintf(buf, len, "CS:IP %04x:%04x", cs,
			 (unsigned)(rip & 0xffff));
	else
		snprintf(buf, len, "RIP 0x%" PRIx64, rip);
}

static void dump_segment(FILE *out, const char *name,
			 const struct kvm_segment *s)
{
	fprintf(out,
		"  %-3s sel=0x%04x base=0x%08llx limit=0x%08x type=%u "
		"s=%u dpl=%u p=%u db=%u l=%u g=%u\n",
		name, s->selector, (unsigned long long)s->base, s->limit,
		s->type, s->s, s->dpl, s->present, s->db, s->l, s->g);
}

void diag_dump_registers(struct vcpu *vcpu, FILE *out)
{
	diag_dump_registers_as(vcpu, NULL, out);
}

void diag_dump_registers_as(struct vcpu *vcpu, const struct kvm_regs *gprs,
			    FILE *out)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (gprs)
		r = *gprs;
	if (gprs || vcpu_get_regs(vcpu, &r, NULL) == 0) {
		fprintf(out,
			"  rip=0x%016llx rsp=0x%016llx rflags=0x%08llx\n"
			"  rax=0x%016llx rbx=0x%016llx rcx=0x%016llx\n"
			"  rdx=0x%016llx rsi=0x%016llx rdi=0x%016llx\n",
			r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx,
			r.rsi, r.rdi);
	}
	if (vcpu_get_sregs(vcpu, &s, NULL) == 0) {
		fprintf(out,
			"  cr0=0x%08llx cr2=0x%016llx cr3=0x%016llx cr4=0x%08llx "
			"efer=0x%llx\n",
			s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
		dump_segment(out, "cs", &s.cs);
		dump_segment(out, "ds", &s.ds);
		dump_segment(out, "ss", &s.ss);
		dump_segment(out, "tr", &s.tr);
		fprintf(out,
			"  gdt base=0x%llx limit=0x%x  idt base=0x%llx "
			"limit=0x%x\n",
			s.gdt.base, s.gdt.limit, s.idt.base, s.idt.limit);
	}
}

const char *diag_emulation_reason(const char *flavor, int cls)
{
	int pvm = strcmp(flavor, "kvm_pvm") == 0;

	if (pvm && cls == INSN_SSE)
		return "this KVM (kvm_pvm) runs guest code in KVM's instruction "
		       "emulator, which lacks SSE arithmetic and most SSE moves; "
		       "build the guest with -mgeneral-regs-only, or run it "
		       "through scripts/kvm-run";
	if (pvm && cls == INSN_X87)
		return "this KVM (kvm_pvm) runs guest code in KVM's instruction "
		       "emulator, which lacks x87 arithmetic; build the guest "
		       "with -mgeneral-regs-only, or run it through "
		       "scripts/kvm-run";
	/* The emulator also stops where it cannot deliver an exception
	 * (an empty IDT), naming the instruction that raised it. */
	if (pvm)
		return "this KVM (kvm_pvm) runs guest code in KVM's instruction "
		       "emulator, which stopped here: it lacks this instruction, "
		       "or could not deliver an exception it raised (check the "
		       "IDT and the stack); run the guest through "
		       "scripts/kvm-run to compare";
	return "KVM emulates an instruction itself where the hardware leaves "
	       "it to KVM (an access outside RAM, some real-mode code), and "
	       "it lacks this one or could not deliver an exception it raised";
}

/* The code size the vCPU runs at: 16, 32 or 64 bits. */
static unsigned code_bits(const struct kvm_sregs *s)
{
	if (!(s->cr0 & CR0_PE))
		return 16;
	return s->cs.l ? 64 : s->cs.db ? 32 : 16;
}

/* The instruction bytes KVM reported, or those at CS:RIP read through the
 * guest's page tables as far as they are mapped. Returns how many. */
static size_t failed_bytes(struct vcpu *vcpu, const struct kvm_sregs *s,
			   uint64_t rip, uint8_t *bytes)
{
	const struct kvm_run *run = vcpu->run;
	uint64_t at = s->cs.base + rip;
	size_t n;

	if (run->emulation_failure.ndata >= 3 &&
	    (run->emulation_failure.flags &
	     KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
		n = run->emulation_failure.insn_size;
		n = n > INSN_MAX_LEN ? INSN_MAX_LEN : n;
		memcpy(bytes, run->emulation_failure.insn_bytes, n);
		return n;
	}
	if (code_bits(s) < 64)
		at &= 0xffffffff;
	return gva_read_prefix(vcpu, at, bytes, INSN_MAX_LEN);
}

/* The emulation failure's line: the instruction, where, and why. */
static void describe_emulation(struct vcpu *vcpu, char *buf, size_t len)
{
	uint8_t bytes[INSN_MAX_LEN];
	char place[40], hex[3 * INSN_MAX_LEN + 1];
	const char *flavor = vcpu->vm->kvm->flavor;
	struct kvm_regs r;
	struct kvm_sregs s;
	struct insn insn;
	size_t n;

	if (vcpu_get_regs(vcpu, &r, NULL) || vcpu_get_sregs(vcpu, &s, NULL)) {
		diag_describe_exit(vcpu->run, buf, len);
		return;
	}
	diag_place(place, sizeof(place), !(s.cr0 & CR0_PE), s.cs.selector,
		   r.rip);
	n = failed_bytes(vcpu, &s, r.rip, bytes);
	if (n && insn_decode(bytes, n, code_bits(&s), r.rip, &insn) == 0) {
		snprintf(buf, len, "KVM could not emulate '%s' at %s: %s",
			 insn.text, place,
			 diag_emulation_reason(flavor, (int)insn.cls));
		return;
	}
	insn_format_bytes(bytes, n, hex, sizeof(hex));
	snprintf(buf, len,
		 "KVM could not emulate the instruction at %s (%s%s): %s",
		 place, n ? "bytes " : "its bytes are unreadable", hex,
		 diag_emulation_reason(flavor, -1));
}

void diag_describe_vcpu_exit(struct vcpu *vcpu, char *buf, size_t len)
{
	const struct kvm_run *run = vcpu->run;

	if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR &&
	    run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION)
		describe_emulation(vcpu, buf, len);
	else
		diag_describe_exit(run, buf, len);
}
