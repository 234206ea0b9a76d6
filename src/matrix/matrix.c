/* matrix.c - several VMs on one host thread and one core, sharing it by
 * policy. */
#include "matrix.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock.h"
#include "cpu_mode.h"
#include "exit_names.h"
#include "footprint.h"
#include "guest_va.h"
#include "images.h"
#include "io_exit.h"
#include "layout.h"
#include "loader.h"
#include "matrix_abi.h"
#include "seccomp_filter.h"
#include "status.h"
#include "vm_name.h"

/* Slices run before the memory baseline: code and stdio buffers touched
 * for the first time are not growth. */
#define MATRIX_WARMUP_SLICES 100

/* A VM's output buffer: above this mark it waits for stdout, out of the
 * rotation (its storage exists only while it holds bytes). */
#define MATRIX_OUT_HIGH_WATER (16u * 1024)

/* How long the end of a run waits for stdout to take the VMs' output. */
#define MATRIX_FLUSH_NS 1000000000ull

/* --- setup ------------------------------------------------------------- */

/* Pins the process to one CPU: the given one, or the first it may use. */
static int pin_to_cpu(long want, int *cpu, struct errbuf *err)
{
	cpu_set_t set;

	if (want < 0) {
		if (sched_getaffinity(0, sizeof(set), &set) < 0)
			return err_fail(err, errno, "sched_getaffinity: %s",
					strerror(errno));
		for (want = 0; want < CPU_SETSIZE && !CPU_ISSET(want, &set);
		     want++)
			;
	}
	CPU_ZERO(&set);
	CPU_SET(want, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return err_fail(err, errno, "--cpu %ld: %s", want,
				strerror(errno));
	*cpu = (int)want;
	return 0;
}

/* Descriptors beyond the VMs': stdio, /dev/kvm, the trace, /proc reads. */
#define FDS_SPARE 32

/*
 * Each VM holds two descriptors (VM and vCPU) while it is set up and one
 * (its vCPU) after vm_close_fd. Raises the soft limit towards the hard one
 * as far as needed, and sets *close_vm_fds when only one descriptor per VM
 * fits; fails with a plain message when not even that does.
 */
static int plan_descriptors(unsigned nvms, int *close_vm_fds,
			    struct errbuf *err)
{
	rlim_t both = (rlim_t)nvms * 2 + FDS_SPARE;
	rlim_t one = (rlim_t)nvms + FDS_SPARE + 1;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return err_fail(err, errno, "getrlimit: %s", strerror(errno));
	if (rl.rlim_cur < both && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = both < rl.rlim_max ? both : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	*close_vm_fds = rl.rlim_cur < both;
	if (rl.rlim_cur < one)
		return err_fail(err, EMFILE,
				"%u VMs need at least %llu file descriptors, "
				"the limit is %llu (hard limit %llu)",
				nvms, (unsigned long long)one,
				(unsigned long long)rl.rlim_cur,
				(unsigned long long)rl.rlim_max);
	return 0;
}

/* Reads IMAGE: a built-in guest's bytes, or a file's (to be freed). */
static int read_image(const char *image, const uint8_t **data, size_t *size,
		      uint8_t **owned, struct errbuf *err)
{
	struct builtin_image builtin;

	*owned = NULL;
	if (images_find(image, &builtin) == 0) {
		*data = builtin.data;
		*size = builtin.size;
		return 0;
	}
	if (loader_read_file(image, owned, size, err))
		return -ENOENT;
	*data = *owned;
	return 0;
}

/* The CPU mode an image asks for: flat binaries are real-mode guests; an
 * ELF file's class says 32- or 64-bit. */
static enum cpu_mode mode_for(const struct loaded_image *img)
{
	return img->elf_class == 64   ? CPU_MODE_LONG
	       : img->elf_class == 32 ? CPU_MODE_PROTECTED
				      : CPU_MODE_REAL;
}

static int serve_event_port(void *ctx, struct kvm_run *run, struct errbuf *err);
static void observe_exit(void *ctx, const struct vcpu_exit *ex);

/* Creates VM i, loads its image and readies its vCPU. Returns a status. */
static int setup_vm(struct matrix *m, unsigned i, const struct vm_spec *spec,
		    const struct matrix_options *opt)
{
	struct matrix_vm *v = &m->vms[i];
	struct loaded_image img;
	const uint8_t *data;
	uint8_t *owned;
	struct errbuf err;
	size_t size;
	int ret, status = STATUS_HOST;

	v->m = m;
	vm_name_copy(v->name, sizeof(v->name),
		     spec->name ? spec->name : spec->image);
	v->image = spec->image;
	if (vm_create(&v->vm, &m->kvm, opt->mem_size, &err))
		goto fail;
	status = STATUS_IMAGE; /* until the image is in */
	if (read_image(spec->image, &data, &size, &owned, &err))
		goto fail;
	ret = loader_load_image(&v->vm.mem, data, size, LAYOUT_IMAGE_BASE,
				spec->image, &img, &err);
	free(owned);
	if (ret)
		goto fail;
	status = STATUS_HOST;
	if (vcpu_enter_mode(&v->vm.vcpu, mode_for(&img), img.entry, &err) ||
	    preempt_attach_vcpu(&m->timer, &v->vm.vcpu, &err))
		goto fail;
	v->vmfd = v->vm.fd;
	if (m->close_vm_fds && vm_close_fd(&v->vm, &err))
		goto fail;
	outbuf_init_on(&v->out, m->out.fd, MATRIX_OUT_HIGH_WATER);
	if (!outbuf_stream(&v->out)) {
		err_fail(&err, ENOMEM, "out of memory for its output");
		goto fail;
	}
	v->hc = hc_env_for_vcpu(&v->vm.vcpu, &v->stats, v->out.stream);
	v->hc.outbuf = &v->out;
	v->hc.escape_controls = isatty(STDOUT_FILENO);
	v->hc.denied = opt->denied;
	v->loop = (struct vcpu_loop){
		.vcpu = &v->vm.vcpu,
		.hc = &v->hc,
		.other_port = serve_event_port,
		.observe = m->events ? observe_exit : NULL,
		.ctx = v,
		.output_nowait = 1, /* a full buffer passes the turn */
	};
	v->slice_min_ns = UINT64_MAX;
	m->entities[i].weight = spec->weight;
	return STATUS_OK;

fail:
	fprintf(stderr, "matrix: VM %s: %s\n", v->name, err.msg);
	return status;
}

static int open_trace(struct matrix *m, const char *path, struct errbuf *err)
{
	const char **names = calloc(m->count, sizeof(*names));
	int ret;

	if (!names)
		return err_fail(err, ENOMEM, "--trace: out of memory");
	for (unsigned i = 0; i < m->count; i++)
		names[i] = m->vms[i].name;
	ret = matrix_trace_open(&m->trace, path, names, m->count, err);
	free(names);
	return ret;
}

/* The process-wide part: KVM, the CPU, descriptors, signals, the timer. */
static int setup_host(struct matrix *m, const struct matrix_options *opt)
{
	struct errbuf err;
	int ret;

	ret = kvm_dev_open(&m->kvm, KVM_DEV_PATH, &err);
	if (ret) {
		fprintf(stderr, "matrix: %s\n", err.msg);
		return ret == -ENOMEM ? STATUS_HOST : STATUS_NO_KVM;
	}
	/* The run's figures come from /proc/self; after the lockdown, files
	 * open only beneath this descriptor. */
	m->proc_self = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m->proc_self < 0) {
		fprintf(stderr, "matrix: /proc/self: %s\n", strerror(errno));
		return STATUS_HOST;
	}
	/* stdout, non-blocking before the lockdown (which allows no open) */
	fflush(stdout);
	if (outbuf_open(&m->out, STDOUT_FILENO, 0, &err) ||
	    pin_to_cpu(opt->cpu, &m->cpu, &err) ||
	    plan_descriptors(m->count, &m->close_vm_fds, &err) ||
	    preempt_catch_stop_signals(&err) ||
	    preempt_init(&m->timer, SIGRTMIN, &err)) {
		fprintf(stderr, "matrix: %s\n", err.msg);
		return STATUS_HOST;
	}
	return STATUS_OK;
}

int matrix_setup(struct matrix *m, const struct matrix_options *opt)
{
	struct errbuf err;
	uint64_t setup_start;
	int status;

	m->proc_self = -1;
	outbuf_init_on(&m->out, -1, 0);
	m->count = opt->nvms;
	m->duration_ns = opt->duration_ns;
	m->max_slices = opt->max_slices;
	m->events = !opt->quiet;
	m->vms = calloc(m->count, sizeof(*m->vms));
	m->entities = calloc(m->count, sizeof(*m->entities));
	m->heap = calloc(m->count, sizeof(*m->heap));
	m->pending = calloc(m->count, sizeof(*m->pending));
	if (!m->vms || !m->entities || !m->heap || !m->pending) {
		fprintf(stderr, "matrix: out of memory for %u VMs\n", m->count);
		return STATUS_HOST;
	}
	for (unsigned i = 0; i < m->count; i++)
		vm_init(&m->vms[i].vm);
	setup_start = monotonic_ns();
	status = setup_host(m, opt);
	for (unsigned i = 0; status == STATUS_OK && i < m->count; i++)
		status = setup_vm(m, i, &opt->vms[i], opt);
	if (status)
		return status;
	m->setup_ns = monotonic_ns() - setup_start;
	if (sched_init(&m->sched, opt->policy, opt->quantum_ns, m->entities,
		       m->count, m->heap, &err)) {
		fprintf(stderr, "matrix: %s\n", err.msg);
		return STATUS_USAGE;
	}
	if (opt->trace_path && open_trace(m, opt->trace_path, &err)) {
		fprintf(stderr, "matrix: %s\n", err.msg);
		return STATUS_USAGE;
	}
	/* Every VM exists and is loaded: from here on the run loop needs no
	 * new VM or privilege, and reads files only beneath /proc/self. */
	if (!opt->no_seccomp && seccomp_lockdown_reading(m->proc_self, &err)) {
		fprintf(stderr, "matrix: %s\n", err.msg);
		return STATUS_HOST;
	}
	return STATUS_OK;
}

void matrix_teardown(struct matrix *m, int exiting)
{
	/* KVM registers an mmu notifier per VM on our address space, so each
	 * munmap walks every VM's: releasing n VMs one by one costs O(n^2)
	 * (two minutes at 10,000 VMs). At exit the kernel releases them all
	 * in one pass. */
	for (unsigned i = 0; !exiting && m->vms && i < m->count; i++)
		vm_destroy(&m->vms[i].vm);
	for (unsigned i = 0; m->vms && i < m->count; i++)
		outbuf_close(&m->vms[i].out);
	outbuf_close(&m->out); /* puts back stdout's flags */
	if (m->proc_self >= 0)
		close(m->proc_self);
	m->proc_self = -1;
	preempt_destroy(&m->timer);
	kvm_dev_close(&m->kvm);
	matrix_trace_close(&m->trace);
	free(m->vms);
	free(m->entities);
	free(m->heap);
	free(m->pending);
}

/* --- the run ----------------------------------------------------------- */

static const char *slice_end_name(enum slice_end why)
{
	static const char *const names[] = {
		[END_TIMER] = "quantum",  [END_DEADLINE] = "duration",
		[END_IO] = "io",	  [END_HALT] = "halt",
		[END_FAILED] = "failed",  [END_STOP] = "signal",
		[END_BLOCKED] = "output", [END_OUTPUT] = "output error",
	};

	return why <= END_OUTPUT ? names[why] : "unknown";
}

static void fail_vm(struct matrix_vm *v, const char *what, const char *detail)
{
	v->state = VM_FAILED;
	snprintf(v->failure, sizeof(v->failure), "%s%s", what, detail);
	fflush(stdout);
	fprintf(stderr, "matrix: VM %s (vmfd %d) stopped: %s\n", v->name,
		v->vmfd, v->failure);
}

/* The event lines: one per exit, before the exit is served. */
static void observe_exit(void *ctx, const struct vcpu_exit *ex)
{
	struct matrix_vm *v = ctx;

	fprintf(v->hc.out, "VMFD: %d %s\n", v->vmfd,
		exit_reason_name(ex->reason));
}

/* A port outside the hypercall ABI is an event port: an out is logged and
 * ignored, an in reads zeros. */
static int serve_event_port(void *ctx, struct kvm_run *run, struct errbuf *err)
{
	struct matrix_vm *v = ctx;
	uint8_t *data = kvm_run_io_data(run);
	uint32_t value = 0;

	(void)err;
	if (run->io.direction == KVM_EXIT_IO_IN) {
		memset(data, 0, kvm_run_io_len(run));
		return 0;
	}
	memcpy(&value, data, run->io.size <= 4 ? run->io.size : 4);
	if (v->m->events)
		fprintf(v->hc.out, "VMFD: %d out port: %u, data: %" PRIu32 "\n",
			v->vmfd, run->io.port, value);
	return 0;
}

/* What one vCPU event means for the slice: its end, or -1 to run on (an
 * exit inside a quantum does not end the quantum). */
static int slice_end_for(struct matrix *m, struct matrix_vm *v,
			 const struct vcpu_exit *ex, const struct errbuf *err,
			 int deadline_slice)
{
	switch (ex->event) {
	case VCPU_CONTINUE:
		if (m->sched.policy == POLICY_IO && ex->reason == KVM_EXIT_IO)
			return END_IO;
		return -1;
	case VCPU_INTERRUPTED:
		/* EINTR says a signal came, not which: the timer's is the one
		 * pending (blocked outside KVM_RUN); SIGINT/SIGTERM set a
		 * flag. */
		if (preempt_drain(&m->timer))
			return deadline_slice ? END_DEADLINE : END_TIMER;
		return preempt_stop_requested() ? END_STOP : -1;
	case VCPU_HALTED:
	case VCPU_GUEST_EXIT:
	case VCPU_RESET: /* matrix has no bus, so no device asks these */
	case VCPU_STOP:
		v->state = VM_HALTED;
		return END_HALT;
	case VCPU_BAD_HYPERCALL:
		fail_vm(v, "bad hypercall: ", err->msg);
		return END_FAILED;
	case VCPU_CRASHED:
	case VCPU_DEBUG:
	case VCPU_HOST_ERROR:
		fail_vm(v, err->msg, "");
		return END_FAILED;
	case VCPU_GUEST_FAULT:
		fail_vm(v, "guest fault: ", err->msg);
		return END_FAILED;
	case VCPU_OUTPUT_BLOCKED:
		return END_BLOCKED;
	case VCPU_OUTPUT_ERROR:
		return END_OUTPUT;
	}
	return -1;
}

/* CPU time this thread got: KVM_RUN's guest time is the task's time, so
 * a slice's CPU time leaves out only what the host gave to others. */
static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* What a slice took: in wall time, and in the thread's CPU time, which is
 * what the VM is charged. */
struct slice_time {
	uint64_t start, wall, cpu;
};

/* Runs VM i for one slice of at most slice_ns (0: until it passes the
 * turn). Returns why the slice ended; *t is its length, VMM time spent on
 * its exits included. A quantum's timer is armed early by the overshoot
 * seen so far, so that the slice ends near the quantum; one that ends at
 * --duration's end is armed exactly. */
static enum slice_end run_slice(struct matrix *m, unsigned i, uint64_t slice_ns,
				int deadline_slice, struct slice_time *t)
{
	struct matrix_vm *v = &m->vms[i];
	struct vcpu_exit ex = {.reason = 0};
	uint64_t armed = slice_ns, cpu0;
	struct errbuf err;
	int why = -1;

	if (m->events)
		fprintf(v->hc.out, "VMFD: %d started running\nTime: %.6f\n",
			v->vmfd, (double)(monotonic_ns() - m->start_ns) / 1e9);
	if (slice_ns && !deadline_slice)
		armed = overshoot_arm(&m->overshoot, slice_ns);
	/* Timed from here, after the event line, so that a slow stdout is
	 * not charged to the VM; armed per slice, so the slice starts when
	 * the VM does. */
	cpu0 = thread_cpu_ns();
	t->start = monotonic_ns();
	if (slice_ns && preempt_arm(&m->timer, armed, &err)) {
		fail_vm(v, "", err.msg);
		why = END_FAILED;
	}
	while (why < 0) {
		vcpu_step(&v->loop, &ex, &err);
		why = slice_end_for(m, v, &ex, &err, deadline_slice);
	}
	t->wall = monotonic_ns() - t->start;
	t->cpu = thread_cpu_ns() - cpu0;
	if (why == END_TIMER)
		overshoot_note(&m->overshoot, slice_ns, armed, t->wall, t->cpu);
	/* A slice the timer ended has consumed its one tick. Any other end
	 * leaves the timer armed: disarm it, then drain a tick that fired in
	 * between, which left pending would cut the next slice short. */
	if (slice_ns && why != END_TIMER && why != END_DEADLINE) {
		preempt_arm(&m->timer, 0, NULL);
		preempt_drain(&m->timer);
	}
	if (m->events)
		fprintf(v->hc.out,
			"VMFD: %d stopped running - exit reason: %u\n", v->vmfd,
			ex.reason);
	return (enum slice_end)why;
}

/* Host memory and descriptors now, for the benchmarks and the soak test. */
static void measure_memory(struct matrix *m)
{
	m->rss_kb = footprint_rss_kb(m->proc_self);
	m->fds_end = footprint_fds(m->proc_self);
	m->guest_resident_kb = 0;
	for (unsigned i = 0; i < m->count; i++)
		m->guest_resident_kb +=
			footprint_guest_resident_kb(&m->vms[i].vm.mem);
}

static void record_slice(struct matrix *m, unsigned i,
			 const struct slice_time *t, enum slice_end why)
{
	struct matrix_vm *v = &m->vms[i];
	uint64_t ran = t->cpu;

	/* Charged its CPU time: a host preemption inside the slice is the
	 * host's, not the VM's. */
	sched_charge(&m->sched, i, ran);
	m->preempted_ns += t->wall > t->cpu ? t->wall - t->cpu : 0;
	if (ran > m->slice_max_ns)
		m->slice_max_ns = ran;
	if (t->wall > m->slice_wall_max_ns)
		m->slice_wall_max_ns = t->wall;
	if (why == END_TIMER) {
		v->timer_slices++;
		if (t->wall < v->slice_min_ns)
			v->slice_min_ns = t->wall;
		if (t->wall > v->slice_max_ns)
			v->slice_max_ns = t->wall;
	}
	if (v->state != VM_RUNNING)
		sched_retire(&m->sched, i);
	matrix_trace_slice(&m->trace, i, v->name, t->start, t->wall,
			   slice_end_name(why));
	m->slices++;
	if (m->slices == 1)
		footprint_threads(m->proc_self, &m->threads, &m->kvm_workers);
	/* The baseline for growth; guest pages are counted at the end only
	 * (a mincore per VM would be VMM time charged to the run). */
	if (m->slices == 1 || m->slices == MATRIX_WARMUP_SLICES) {
		m->rss_start_kb = footprint_rss_kb(m->proc_self);
		m->fds_start = footprint_fds(m->proc_self);
	}
}

/* --- output: one buffer per VM, all on stdout ---------------------------- */

/* VM i's output is full: it leaves the rotation until stdout drains it. */
static void block_vm(struct matrix *m, unsigned i)
{
	struct matrix_vm *v = &m->vms[i];

	v->blocked = 1;
	v->blocked_since = monotonic_ns();
	v->stats.output_stalls++;
	m->nblocked++;
	sched_block(&m->sched, i);
}

static void unblock_vm(struct matrix *m, unsigned i)
{
	struct matrix_vm *v = &m->vms[i];

	v->blocked = 0;
	v->stats.output_stall_ns += monotonic_ns() - v->blocked_since;
	m->nblocked--;
	sched_unblock(&m->sched, i);
}

/* After VM i's slice: bytes it left go on the pending list; a full buffer
 * blocks it; a failed write ends the run. */
static void note_output(struct matrix *m, unsigned i, enum slice_end why)
{
	struct matrix_vm *v = &m->vms[i];

	if (v->out.len && !v->pending) {
		v->pending = 1;
		m->pending[m->npending++] = i;
	}
	if (why == END_OUTPUT)
		m->out_error = v->out.error;
	if (why == END_BLOCKED && v->state == VM_RUNNING && !v->blocked)
		block_vm(m, i);
}

/*
 * Writes what the VMs left, without waiting: one write per VM with bytes,
 * until stdout is full (they all share it: the rest would find it full
 * too). A VM whose buffer falls below its mark runs again.
 */
static void service_output(struct matrix *m)
{
	unsigned k = 0;

	while (k < m->npending) {
		unsigned i = m->pending[k];
		struct matrix_vm *v = &m->vms[i];
		int ret = outbuf_flush(&v->out);

		if (ret && ret != -EAGAIN) {
			m->out_error = -ret;
			return;
		}
		if (v->blocked && !outbuf_full(&v->out))
			unblock_vm(m, i);
		if (ret == -EAGAIN)
			return;
		v->pending = 0;
		m->pending[k] = m->pending[--m->npending];
	}
}

/* Every VM that could run is blocked on stdout: wait for it in ppoll, as
 * KVM_RUN would wait, for at most what is left of --duration. */
static void wait_for_stdout(struct matrix *m)
{
	uint64_t left = 0, used;

	if (m->duration_ns) {
		used = monotonic_ns() - m->start_ns;
		if (used >= m->duration_ns)
			return;
		left = m->duration_ns - used;
	}
	if (outbuf_wait(&m->vms[m->pending[0]].out, preempt_run_mask(), left) <
		    0 &&
	    m->vms[m->pending[0]].out.error)
		m->out_error = m->vms[m->pending[0]].out.error;
}

/* The end: the VMs' output gets MATRIX_FLUSH_NS (none after a stop
 * signal), and what is left is said in one line. */
static void finish_output(struct matrix *m)
{
	uint64_t deadline = monotonic_ns() + MATRIX_FLUSH_NS, now, left = 0;
	unsigned k;

	service_output(m);
	while (m->npending && !m->out_error && !preempt_stop_requested()) {
		now = monotonic_ns();
		k = m->pending[0];
		if (now >= deadline ||
		    outbuf_wait(&m->vms[k].out, preempt_run_mask(),
				deadline - now) == -EINTR)
			break;
		service_output(m);
	}
	for (unsigned i = 0; i < m->count; i++) {
		left += m->vms[i].out.lost + m->vms[i].out.len;
		if (m->vms[i].blocked)
			unblock_vm(m, i);
	}
	if (m->out_error)
		fprintf(stderr,
			"matrix: writing the VMs' output: %s%s; %" PRIu64
			" bytes not written\n",
			strerror(m->out_error),
			m->out_error == EPIPE ? " (the reader went away)" : "",
			left);
	else if (left)
		fprintf(stderr,
			"matrix: %" PRIu64 " bytes of the VMs' output not "
			"written: stdout did not take them\n",
			left);
}

/* The length of the next slice, or 0 when --duration is over; sets
 * *deadline when the slice ends at --duration's end. Under io the quantum
 * is a backstop: a VM that makes no I/O is preempted after it, so that it
 * cannot keep the CPU from the others. */
static int next_slice(const struct matrix *m, uint64_t *slice, int *deadline)
{
	uint64_t used;

	*slice = m->sched.quantum_ns;
	*deadline = 0;
	if (!m->duration_ns)
		return 1;
	used = monotonic_ns() - m->start_ns;
	if (used >= m->duration_ns)
		return 0;
	if (!*slice || m->duration_ns - used < *slice) {
		*slice = m->duration_ns - used;
		*deadline = 1;
	}
	return 1;
}

/* CPU time this process got, user and system: guest time counts as user
 * time of the thread that ran KVM_RUN. */
static uint64_t cpu_time_ns(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) *
		       1000000000u +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000u;
}

/*
 * The loop, in the shape of redis's event loop: pick the VM, arm its
 * slice, run it until it exits or the slice ends, charge the time it
 * really ran, repeat. Nothing here ever sleeps while a VM could run.
 */
void matrix_run(struct matrix *m)
{
	m->cpu_ns = cpu_time_ns();
	m->start_ns = monotonic_ns();
	matrix_trace_start(&m->trace, m->start_ns);
	while (!preempt_stop_requested() && !m->out_error &&
	       (!m->max_slices || m->slices < m->max_slices)) {
		struct slice_time t;
		uint64_t slice;
		int deadline, i;
		enum slice_end why;

		if (!next_slice(m, &slice, &deadline))
			break;
		if (m->npending)
			service_output(m);
		i = sched_pick(&m->sched);
		if (i < 0 && m->nblocked) {
			wait_for_stdout(m); /* the others are all blocked */
			continue;
		}
		if (i < 0)
			break; /* every guest halted or failed */
		why = run_slice(m, (unsigned)i, slice, deadline, &t);
		record_slice(m, (unsigned)i, &t, why);
		note_output(m, (unsigned)i, why);
	}
	m->end_ns = monotonic_ns();
	sched_note_lags(&m->sched);
	m->cpu_ns = cpu_time_ns() - m->cpu_ns;
	measure_memory(m);
	finish_output(m); /* after the figures: its wait is not the run's */
}

/* --- the summary ------------------------------------------------------- */

/* The work counter a counter guest publishes (guest/matrix_abi.h). */
static int vm_work(const struct matrix_vm *v, uint64_t *work)
{
	uint32_t magic = 0;

	if (gmem_read_u32(&v->vm.mem, MATRIX_WORK_MAGIC_GPA, &magic) ||
	    magic != MATRIX_WORK_MAGIC)
		return -1;
	return gmem_read_u64(&v->vm.mem, MATRIX_WORK_GPA, work);
}

static const char *state_name(enum vm_state s)
{
	return s == VM_RUNNING	? "running"
	       : s == VM_HALTED ? "halted"
				: "failed";
}

void matrix_summarize(const struct matrix *m, struct matrix_vm_row *rows,
		      struct matrix_summary *s)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < m->count; i++)
		total += m->entities[i].run_ns;
	*s = (struct matrix_summary){
		.policy = sched_policy_name(m->sched.policy),
		.quantum_ns = m->sched.quantum_ns,
		.wall_ns = m->end_ns - m->start_ns,
		.cpu_ns = m->cpu_ns,
		.run_ns = total,
		.slices = m->slices,
		.cpu = m->cpu,
		.threads = m->threads,
		.kvm_workers = m->kvm_workers,
		.rss_start_kb = m->rss_start_kb,
		.rss_kb = m->rss_kb,
		.guest_resident_kb = m->guest_resident_kb,
		.fds_start = m->fds_start,
		.fds_end = m->fds_end,
		.setup_ns = m->setup_ns,
		.vm_fds_closed = m->close_vm_fds,
		.pairwise_ns = sched_pairwise_error_ns(&m->sched),
		.slice_max_ns = m->slice_max_ns,
		.slice_wall_max_ns = m->slice_wall_max_ns,
		.preempted_ns = m->preempted_ns,
		.overshoot_ns =
			m->sched.quantum_ns -
			overshoot_arm(&m->overshoot, m->sched.quantum_ns),
		.count = m->count,
		.vms = rows,
	};
	for (unsigned i = 0; i < m->count; i++) {
		const struct matrix_vm *v = &m->vms[i];
		const struct sched_entity *e = &m->entities[i];

		rows[i] = (struct matrix_vm_row){
			.name = v->name,
			.image = v->image,
			.state = state_name(v->state),
			.failure = v->failure,
			.vmfd = v->vmfd,
			.weight = e->weight,
			.target_share = sched_target_share(&m->sched, i),
			.share = total ? (double)e->run_ns / (double)total : 0,
			.run_ns = e->run_ns,
			.slices = e->slices,
			.quantum_slices = v->timer_slices,
			.slice_min_ns = v->timer_slices ? v->slice_min_ns : 0,
			.slice_max_ns = v->slice_max_ns,
			.lag_ns = sched_lag_ns(&m->sched, i),
			.lag_max_ns = e->lag_max_ns,
			.lag_min_ns = e->lag_min_ns,
			.exits = v->stats.by_reason,
			.output_stalls = v->stats.output_stalls,
			.output_stall_ns = v->stats.output_stall_ns,
		};
		if (e->lag_max_ns > s->lag_behind_ns)
			s->lag_behind_ns = e->lag_max_ns;
		if (e->lag_min_ns < s->lag_ahead_ns)
			s->lag_ahead_ns = e->lag_min_ns;
		rows[i].has_work = vm_work(v, &rows[i].work) == 0;
	}
}
