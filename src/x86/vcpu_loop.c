/* vcpu_loop.c - KVM_RUN and the first level of exit dispatch, for every
 * program. */
#include "vcpu_loop.h"

#include <errno.h>
#include <string.h>

#include "clock.h"
#include "diag.h"
#include "fault_setup.h"
#include "io_exit.h"
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

/* An I/O exit without a bus, or to a port no device claims: the ABI's
 * ports go to the hypercall dispatcher, others to the program's hook when
 * it has one, or to hc's rule for unknown ports. */
static enum vcpu_event serve_io_direct(struct vcpu_loop *l,
				       struct vcpu_exit *ex, struct errbuf *err)
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

/* A device's result, beside BUS_OK and BUS_UNCLAIMED. */
static enum vcpu_event bus_event(struct vcpu_loop *l, int ret)
{
	if (ret == BUS_RESET)
		return VCPU_RESET;
	if (ret == BUS_STOP)
		return l->stop_event;
	if (ret == BUS_TRAP) /* the exit's reason stays KVM_EXIT_IO */
		return VCPU_DEBUG;
	return VCPU_BAD_HYPERCALL; /* a device failed: err has its line */
}

/*
 * An I/O exit through the port bus: one access per repeat of a string
 * instruction, each at its own bytes of the exit's data. The hypercall
 * device serves the whole exit on the first (hc_handle_io checks count).
 */
static enum vcpu_event serve_io(struct vcpu_loop *l, struct vcpu_exit *ex,
				struct errbuf *err)
{
	struct kvm_run *run = l->vcpu->run;
	uint8_t *data = kvm_run_io_data(run);
	struct bus_access a = {
		.addr = run->io.port,
		.is_write = run->io.direction == KVM_EXIT_IO_OUT,
		.len = run->io.size,
	};
	int ret;

	if (!l->ports)
		return serve_io_direct(l, ex, err);
	l->cur = ex;
	for (uint32_t i = 0; i < run->io.count; i++) {
		a.data = data + (size_t)i * run->io.size;
		ret = bus_dispatch(l->ports, &a, err);
		if (ret == BUS_UNCLAIMED && i == 0)
			return serve_io_direct(l, ex, err);
		if (ret != BUS_OK && ret != BUS_UNCLAIMED)
			return bus_event(l, ret);
	}
	return VCPU_CONTINUE;
}

/* An MMIO exit: to the device that claims the address, or a crash. */
static enum vcpu_event serve_mmio(struct vcpu_loop *l, struct errbuf *err)
{
	struct kvm_run *run = l->vcpu->run;
	struct bus_access a = {
		.addr = run->mmio.phys_addr,
		.is_write = run->mmio.is_write,
		.data = run->mmio.data,
		.len = run->mmio.len,
	};
	int ret = l->mmio ? bus_dispatch(l->mmio, &a, err) : BUS_UNCLAIMED;

	if (ret == BUS_OK)
		return VCPU_CONTINUE;
	if (ret != BUS_UNCLAIMED)
		return bus_event(l, ret);
	if (err)
		diag_describe_vcpu_exit(l->vcpu, err->msg, sizeof(err->msg));
	return VCPU_CRASHED;
}

/* The loop whose exit this thread is serving, for the hypercall device,
 * which several vCPUs' loops share on one port bus (--cpus): the ABI is
 * one device, but each call is its caller's (its registers, its stats). */
static _Thread_local struct vcpu_loop *serving;

/* The hypercall device: the whole exit, with every check of the ABI. */
static int hc_dev_access(struct vcpu_loop *l, struct errbuf *err)
{
	struct hc_outcome outcome = {.action = HC_RESUME, .call = -1};
	int ret = hc_handle_io(l->hc, l->vcpu->run, &outcome, err);

	l->cur->call = outcome.call;
	if (ret)
		return ret < 0 ? ret : -EINVAL;
	if (outcome.action != HC_GUEST_EXIT)
		return BUS_OK;
	l->cur->exit_code = outcome.exit_code;
	l->stop_event = VCPU_GUEST_EXIT;
	return BUS_STOP;
}

static int hc_dev_read(void *opaque, uint64_t off, void *data, uint32_t len,
		       struct errbuf *err)
{
	(void)off, (void)data, (void)len;
	return hc_dev_access(serving ? serving : opaque, err);
}

static int hc_dev_write(void *opaque, uint64_t off, const void *data,
			uint32_t len, struct errbuf *err)
{
	(void)off, (void)data, (void)len;
	return hc_dev_access(serving ? serving : opaque, err);
}

/* A write to the fault-report port: the VMM's handlers' frame. */
static int fault_dev_write(void *opaque, uint64_t off, const void *data,
			   uint32_t len, struct errbuf *err)
{
	struct vcpu_loop *l = serving ? serving : opaque;

	(void)off, (void)data, (void)len;
	l->stop_event = serve_fault_report(l, l->cur, err);
	return BUS_STOP;
}

int vcpu_loop_add_hypercalls(struct vcpu_loop *l, struct bus *ports,
			     struct errbuf *err)
{
	int ret = bus_register(ports, HC_PORT_DEBUGCON, 1, "hypercall",
			       hc_dev_read, hc_dev_write, l, err);

	if (!ret)
		ret = bus_register(ports, HC_PORT_BASE,
				   HC_PORT_END - HC_PORT_BASE, "hypercall",
				   hc_dev_read, hc_dev_write, l, err);
	if (!ret)
		ret = bus_register(ports, HC_PORT_FAULT_REPORT, 1,
				   "fault report", hc_dev_read, fault_dev_write,
				   l, err);
	if (!ret)
		l->ports = ports;
	return ret;
}

static enum vcpu_event output_failed(struct outbuf *ob, struct vcpu_exit *ex,
				     struct errbuf *err)
{
	err_fail(err, ob->error, "writing the guest's output: %s%s",
		 strerror(ob->error),
		 ob->error == EPIPE ? " (the reader went away)" : "");
	return ex->event = VCPU_OUTPUT_ERROR;
}

static void lock(struct vcpu_loop *l)
{
	if (l->lock)
		pthread_mutex_lock(l->lock);
}

static void unlock(struct vcpu_loop *l)
{
	if (l->lock)
		pthread_mutex_unlock(l->lock);
}

/* One wait for stdout's reader, then a flush. With other vCPUs beside
 * this one, the lock is let go while it waits: they serve their exits
 * meanwhile, and one that prints stalls at its own gate. */
static int wait_reader(struct vcpu_loop *l, struct outbuf *ob)
{
	int ret;

	if (!l->lock)
		return outbuf_wait(ob, preempt_run_mask(), 0);
	if (ob->error)
		return -ob->error;
	unlock(l);
	ret = outbuf_poll(ob, preempt_run_mask(), 0);
	lock(l);
	return ret ? ret : outbuf_flush_ready(ob);
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

	/* The common case, nothing printed since the last entry: no call. */
	if (!ob->len && !ob->error)
		return VCPU_CONTINUE;
	if (outbuf_flush(ob) != -EAGAIN && ob->error) {
		*ex = (struct vcpu_exit){.reason = KVM_EXIT_INTR, .call = -1};
		return output_failed(ob, ex, err);
	}
	if (!outbuf_full(ob))
		return VCPU_CONTINUE;
	/* vcpu_step returns what follows without entering the guest. */
	*ex = (struct vcpu_exit){.reason = KVM_EXIT_INTR, .call = -1};
	if (l->output_nowait)
		return ex->event = VCPU_OUTPUT_BLOCKED;
	since = monotonic_ns();
	l->hc->stats->output_stalls++;
	do
		ret = wait_reader(l, ob);
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

	if (l->hc->outbuf) {
		lock(l);
		ret = gate_output(l, ex, err) != VCPU_CONTINUE;
		unlock(l);
		if (ret)
			return ex->event;
	}
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
	l->stop_event = VCPU_STOP; /* what a device's BUS_STOP means */
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		lock(l);
		serving = l;
		ex->event = serve_io(l, ex, err);
		serving = NULL;
		unlock(l);
		break;
	case KVM_EXIT_MMIO:
		lock(l);
		serving = l;
		ex->event = serve_mmio(l, err);
		serving = NULL;
		unlock(l);
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
		[VCPU_RESET] = "reset",
		[VCPU_STOP] = "stop",
	};

	return event <= VCPU_STOP ? names[event] : "unknown";
}
