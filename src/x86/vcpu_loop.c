/* vcpu_loop.c - KVM_RUN and the first level of exit dispatch, for every
 * program. */
#include "vcpu_loop.h"

#include <errno.h>
#include <string.h>

#include "clock.h"
#include "diag.h"
#include "fault_setup.h"
#include "outbuf.h"
#include "preempt.h"

/*
 * The VMM's exception handlers wrote HC_PORT_FAULT_REPORT: decode their
 * frame. A guest that writes the port itself can only get itself reported
 * as faulting and stopped, which it could do by faulting anyway.
 */
static enum vcpu_event serve_fault_report(struct vcpu_loop *l,
					  struct vcpu_exit *ex,
					  struct errbuf *err)
{
	struct errbuf local;

	if (!err)
		err = &local;
	if (faults_read_report(l->vcpu, &ex->fault, err))
		return VCPU_CRASHED;
	fault_format(&ex->fault, err->msg, sizeof(err->msg));
	return VCPU_GUEST_FAULT;
}

/* An I/O exit: the ABI's ports go to the hypercall dispatcher, others to
 * the program's hook when it has one. */
static enum vcpu_event serve_io(struct vcpu_loop *l, struct vcpu_exit *ex,
				struct errbuf *err)
{
	struct kvm_run *run = l->vcpu->run;
	struct hc_outcome outcome = {.action = HC_RESUME, .call = -1};
	int ret;

	if (run->io.port == HC_PORT_FAULT_REPORT &&
	    run->io.direction == KVM_EXIT_IO_OUT)
		return serve_fault_report(l, ex, err);
	if (!hc_is_abi_port(run->io.port) && l->other_port)
		ret = l->other_port(l->ctx, run, err);
	else
		ret = hc_handle_io(l->hc, run, &outcome, err);
	ex->call = outcome.call;
	if (ret)
		return VCPU_BAD_HYPERCALL;
	if (outcome.action == HC_GUEST_EXIT) {
		ex->exit_code = outcome.exit_code;
		return VCPU_GUEST_EXIT;
	}
	return VCPU_CONTINUE;
}

static enum vcpu_event output_failed(struct outbuf *ob, struct vcpu_exit *ex,
				     struct errbuf *err)
{
	err_fail(err, ob->error, "writing the guest's output: %s%s",
		 strerror(ob->error),
		 ob->error == EPIPE ? " (the reader went away)" : "");
	return ex->event = VCPU_OUTPUT_ERROR;
}

/*
 * The output gate before KVM_RUN: flush what the last exit printed, and
 * keep the vCPU out while the buffer is over its mark. Returns
 * VCPU_CONTINUE to enter the guest. A wait ends in ppoll as KVM_RUN
 * would end: by the reader taking bytes, or by a signal.
 */
static enum vcpu_event gate_output(struct vcpu_loop *l, struct vcpu_exit *ex,
				   struct errbuf *err)
{
	struct outbuf *ob = l->hc->outbuf;
	uint64_t since;
	int ret;

	*ex = (struct vcpu_exit){.reason = KVM_EXIT_INTR, .call = -1};
	if (outbuf_flush(ob) != -EAGAIN && ob->error)
		return output_failed(ob, ex, err);
	if (!outbuf_full(ob))
		return VCPU_CONTINUE;
	if (l->output_nowait)
		return ex->event = VCPU_OUTPUT_BLOCKED;
	since = monotonic_ns();
	l->hc->stats->output_stalls++;
	do
		ret = outbuf_wait(ob, preempt_run_mask(), 0);
	while (!ret && outbuf_full(ob));
	l->hc->stats->output_stall_ns += monotonic_ns() - since;
	if (ret == -EINTR)
		return ex->event = VCPU_INTERRUPTED;
	if (ob->error)
		return output_failed(ob, ex, err);
	if (ret) {
		err_fail(err, -ret, "waiting for stdout: %s", strerror(-ret));
		return ex->event = VCPU_HOST_ERROR;
	}
	return VCPU_CONTINUE;
}

enum vcpu_event vcpu_step(struct vcpu_loop *l, struct vcpu_exit *ex,
			  struct errbuf *err)
{
	struct kvm_run *run = l->vcpu->run;
	int ret;

	if (l->hc->outbuf && gate_output(l, ex, err) != VCPU_CONTINUE)
		return ex->event;
	ret = vcpu_run(l->vcpu);

	/* EAGAIN: KVM_RUN found a signal pending before entering the guest,
	 * an interruption like EINTR, and counted as one. */
	if (ret == -EAGAIN)
		ret = -EINTR;
	stats_count_exit(l->hc->stats, run, ret);
	*ex = (struct vcpu_exit){.reason = run->exit_reason, .call = -1};
	if (ret == -EINTR) {
		ex->reason = KVM_EXIT_INTR;
		ex->event = VCPU_INTERRUPTED;
	}
	if (l->observe && (ret == 0 || ex->event == VCPU_INTERRUPTED))
		l->observe(l->ctx, ex);
	if (ex->event == VCPU_INTERRUPTED)
		return ex->event;
	if (ret) {
		err_fail(err, -ret, "KVM_RUN: %s", strerror(-ret));
		return ex->event = VCPU_HOST_ERROR;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		ex->event = serve_io(l, ex, err);
		break;
	case KVM_EXIT_HLT:
		ex->event = VCPU_HALTED;
		break;
	case KVM_EXIT_INTR:
		ex->event = VCPU_INTERRUPTED;
		break;
	case KVM_EXIT_SHUTDOWN:
		/* No handler could report it; AMD has reset the registers. */
		ex->fault.kind = FAULT_TRIPLE;
		if (err)
			fault_format(&ex->fault, err->msg, sizeof(err->msg));
		ex->event = VCPU_GUEST_FAULT;
		break;
	default:
		/* A debug exit is a crash too unless a debugger claims it. */
		ex->event = run->exit_reason == KVM_EXIT_DEBUG ? VCPU_DEBUG
							       : VCPU_CRASHED;
		if (err)
			diag_describe_vcpu_exit(l->vcpu, err->msg,
						sizeof(err->msg));
		break;
	}
	return ex->event;
}

const char *vcpu_event_name(enum vcpu_event event)
{
	static const char *const names[] = {
		[VCPU_CONTINUE] = "continue",
		[VCPU_INTERRUPTED] = "interrupted",
		[VCPU_HALTED] = "halted",
		[VCPU_GUEST_EXIT] = "guest exit",
		[VCPU_BAD_HYPERCALL] = "bad hypercall",
		[VCPU_CRASHED] = "crashed",
		[VCPU_DEBUG] = "debug",
		[VCPU_HOST_ERROR] = "host error",
		[VCPU_GUEST_FAULT] = "guest fault",
		[VCPU_OUTPUT_BLOCKED] = "output blocked",
		[VCPU_OUTPUT_ERROR] = "output error",
	};

	return event <= VCPU_OUTPUT_ERROR ? names[event] : "unknown";
}
