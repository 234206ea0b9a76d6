/* diag.c - human-readable descriptions of exits and vCPU state. */
#include "diag.h"

#include <inttypes.h>

#include "exit_names.h"

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
