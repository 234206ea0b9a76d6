/* matrix.c - several VMs on one host thread and one core, sharing it by policy.
 */
#include "matrix.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include "cli.h"
#include "cpu_mode.h"
#include "diag.h"
#include "exit_names.h"
#include "layout.h"
#include "loader.h"
#include "matrix_abi.h"
#include "matrix_config.h"
#include "hypercall_abi.h"
#include "images.h"
#include "seccomp_filter.h"
#include "status.h"

#define MATRIX_MAX_VMS	     1024
#define MATRIX_WARMUP_SLICES 100	    /* before the memory baseline */
#define MATRIX_DEFAULT_MEM   LAYOUT_RAM_MIN /* 128 KiB: the guests are tiny */

struct vm_spec {
	const char *image;
	uint64_t weight;
	const char *name;
};

struct options {
	enum sched_policy policy;
	uint64_t quantum_ns;
	uint64_t duration_ns;
	uint64_t max_slices;
	uint64_t mem_size;
	long cpu; /* -1: the first CPU we may run on */
	int quiet;
	int json;
	int no_seccomp;
	uint32_t denied; /* --deny: hypercalls refused to every VM */
	const char *trace_path;
	const char *weights; /* --weights, applied after the VM list is known */
	struct vm_spec *vms;
	unsigned nvms;
};

/* Set by SIGINT and SIGTERM; both also interrupt KVM_RUN. */
static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int signo)
{
	(void)signo;
	stop_requested = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: matrix [OPTIONS]\n"
		"Runs several single-vCPU VMs on ONE host thread pinned to ONE CPU\n"
		"and shares the CPU between them. By default Neo (weight %d) and\n"
		"Morpheus (weight %d) run counter guests under --policy frac.\n"
		"\n"
		"  --policy io|rr|frac|fair  io: switch on every I/O exit (spec 2a);\n"
		"                        rr: one quantum each in turn (2b); frac: of\n"
		"                        every sum(w) quanta VM i gets w_i (2c, default);\n"
		"                        fair: stride scheduling on measured time\n"
		"  --quantum DURATION    slice length (default QUANTUM, 1s)\n"
		"  --weights A,B,...     weights of the VMs in order (default %d,%d)\n"
		"  --vm IMAGE[:WEIGHT[:NAME]]  add a VM (repeatable); IMAGE is a\n"
		"                        built-in (guest1, guest2, guest1-b, guest2-b,\n"
		"                        counter, counter-io) or a file (flat: real\n"
		"                        mode at 0x1000; ELF32: protected; ELF64: long)\n"
		"  --duration DURATION   stop after this long (default: at SIGINT/SIGTERM)\n"
		"  --slices N            stop after N slices\n"
		"  --mem SIZE            RAM per VM (default 128K)\n"
		"  --cpu N               pin to CPU N (default: the first allowed CPU)\n"
		"  --quiet               no event lines\n"
		"  --summary=json        also print the summary as JSON on stdout\n"
		"  --trace FILE          write the schedule as Chrome trace JSON\n"
		"  --deny LIST           refuse these hypercalls, e.g. gvaToHva\n"
		"  --no-seccomp          do not confine the run loop (debugging)\n"
		"  -h, --help            this text\n"
		"\n"
		"As matrix-a it defaults to --policy io with guest1 and guest2; as\n"
		"matrix-b to --policy rr with guest1-b and guest2-b.\n"
		"\n"
		"Exit status: 0 the run ended (duration, slices, signal, or every\n"
		"guest halted); 64 usage error; 65 guest image refused; 69 no usable\n"
		"/dev/kvm; 70 a KVM call failed; 71 a VM failed (the others ran on).\n",
		FRAC_A, FRAC_B, FRAC_A, FRAC_B);
}

static int usage_error(const char *what, const char *detail)
{
	fprintf(stderr, "matrix: %s%s\n", what, detail);
	return -EINVAL;
}

/* IMAGE[:WEIGHT[:NAME]] */
static int parse_vm_spec(char *text, struct vm_spec *spec)
{
	char *weight = strchr(text, ':'), *name = NULL;
	struct errbuf err;

	*spec = (struct vm_spec){.image = text, .weight = 1};
	if (weight) {
		*weight++ = '\0';
		name = strchr(weight, ':');
		if (name)
			*name++ = '\0';
		if (parse_uint(weight, 1, 1000000, &spec->weight, &err))
			return usage_error("--vm: weight: ", err.msg);
	}
	if (!*spec->image)
		return usage_error("--vm: ", "an image is needed before ':'");
	spec->name = name && *name ? name : NULL;
	return 0;
}

static int apply_weights(struct options *opt)
{
	char *copy = strdup(opt->weights), *tok, *save = NULL;
	unsigned i = 0;
	struct errbuf err;
	int ret = 0;

	for (tok = strtok_r(copy, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save), i++) {
		if (i >= opt->nvms)
			ret = usage_error("--weights: ",
					  "more weights than VMs");
		else if (parse_uint(tok, 1, 1000000, &opt->vms[i].weight, &err))
			ret = usage_error("--weights: ", err.msg);
	}
	if (!ret && i != opt->nvms)
		ret = usage_error("--weights: ", "give one weight per VM");
	free(copy);
	return ret;
}

/* The spec's two VMs, with the guests that suit the policy. */
static void default_vms(struct options *opt)
{
	const char *neo = "counter", *morpheus = "counter";

	if (opt->policy == POLICY_IO)
		neo = "guest1", morpheus = "guest2";
	else if (opt->policy == POLICY_RR)
		neo = "guest1-b", morpheus = "guest2-b";
	opt->vms[0] = (struct vm_spec){neo, FRAC_A, "Neo"};
	opt->vms[1] = (struct vm_spec){morpheus, FRAC_B, "Morpheus"};
	opt->nvms = 2;
}

/* One option's value; 0 or a usage error already printed. */
static int parse_value(int c, char *arg, struct options *opt)
{
	struct errbuf err;
	uint64_t v;

	switch (c) {
	case 'P':
		if (sched_policy_parse(arg, &opt->policy))
			return usage_error(
				"--policy: use io, rr, frac or fair, not ",
				arg);
		return 0;
	case 'q':
		if (parse_duration(arg, &opt->quantum_ns, &err))
			return usage_error("--quantum: ", err.msg);
		if (opt->quantum_ns < 100000)
			return usage_error("--quantum: ", "at least 100us");
		return 0;
	case 'D':
		if (parse_duration(arg, &opt->duration_ns, &err))
			return usage_error("--duration: ", err.msg);
		if (!opt->duration_ns)
			return usage_error("--duration: ",
					   "must be longer than 0");
		return 0;
	case 'n':
		if (parse_uint(arg, 1, UINT64_MAX, &opt->max_slices, &err))
			return usage_error("--slices: ", err.msg);
		return 0;
	case 'm':
		if (parse_size(arg, &opt->mem_size, &err) ||
		    vm_check_ram_size(opt->mem_size, &err))
			return usage_error("--mem: ", err.msg);
		return 0;
	case 'c':
		if (parse_uint(arg, 0, CPU_SETSIZE - 1, &v, &err))
			return usage_error("--cpu: ", err.msg);
		opt->cpu = (long)v;
		return 0;
	case 'V':
		if (opt->nvms >= MATRIX_MAX_VMS)
			return usage_error("--vm: ",
					   "too many VMs (at most 1024)");
		return parse_vm_spec(arg, &opt->vms[opt->nvms++]);
	case 'd':
		if (hc_parse_deny(arg, &opt->denied, &err))
			return usage_error("--deny: ", err.msg);
		return 0;
	case 'S':
		if (strcmp(arg, "json"))
			return usage_error(
				"--summary: only json is known, not ", arg);
		opt->json = 1;
		return 0;
	}
	return -EINVAL;
}

/* Returns 0 to run, 1 after --help, or a negative errno after a message. */
static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{"policy", required_argument, NULL, 'P'},
		{"quantum", required_argument, NULL, 'q'},
		{"weights", required_argument, NULL, 'w'},
		{"vm", required_argument, NULL, 'V'},
		{"duration", required_argument, NULL, 'D'},
		{"slices", required_argument, NULL, 'n'},
		{"mem", required_argument, NULL, 'm'},
		{"cpu", required_argument, NULL, 'c'},
		{"quiet", no_argument, NULL, 'Q'},
		{"summary", required_argument, NULL, 'S'},
		{"trace", required_argument, NULL, 't'},
		{"deny", required_argument, NULL, 'd'},
		{"no-seccomp", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *prog = strrchr(argv[0], '/');
	int c, ret = 0;

	prog = prog ? prog + 1 : argv[0];
	opt->policy = !strcmp(prog, "matrix-a")	  ? POLICY_IO
		      : !strcmp(prog, "matrix-b") ? POLICY_RR
						  : POLICY_FRAC;
	opterr = 0;
	while (!ret &&
	       (c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'w':
			opt->weights = optarg;
			break;
		case 'Q':
			opt->quiet = 1;
			break;
		case 't':
			opt->trace_path = optarg;
			break;
		case 'N':
			opt->no_seccomp = 1;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case ':':
			fprintf(stderr,
				"matrix: missing value for '%s' (try --help)\n",
				argv[optind - 1]);
			return -EINVAL;
		case '?':
			fprintf(stderr,
				"matrix: unknown option '%s' (try --help)\n",
				argv[optind - 1]);
			return -EINVAL;
		default:
			ret = parse_value(c, optarg, opt);
		}
	}
	if (ret)
		return ret;
	if (optind < argc)
		return usage_error("unexpected argument ", argv[optind]);
	if (!opt->nvms)
		default_vms(opt);
	return opt->weights ? apply_weights(opt) : 0;
}

/* --- setup -------------------------------------------------------------------
 */

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

/* Each VM holds two descriptors (VM and vCPU); ask for the hard limit so
 * that hundreds of VMs fit, and say so plainly when they do not. */
static int raise_fd_limit(unsigned nvms, struct errbuf *err)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)nvms * 2 + 16;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return err_fail(err, errno, "getrlimit: %s", strerror(errno));
	if (rl.rlim_cur < need && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = need < rl.rlim_max ? need : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < need)
		return err_fail(
			err, EMFILE,
			"%u VMs need %llu file descriptors, the limit is %llu "
			"(raise it with ulimit -n)",
			nvms, (unsigned long long)need,
			(unsigned long long)rl.rlim_cur);
	return 0;
}

static int install_stop_handlers(struct errbuf *err)
{
	struct sigaction sa = {.sa_handler = on_stop_signal};

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0)
		return err_fail(err, errno, "sigaction: %s", strerror(errno));
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
	if (load_read_file(image, owned, size, err))
		return -ENOENT;
	*data = *owned;
	return 0;
}

/* The CPU mode an image asks for: flat binaries are the spec's real-mode
 * guests; an ELF file's class says 32- or 64-bit. */
static enum cpu_mode mode_for(const struct loaded_image *img)
{
	return img->elf_class == 64   ? CPU_MODE_LONG
	       : img->elf_class == 32 ? CPU_MODE_PROTECTED
				      : CPU_MODE_REAL;
}

/* Creates VM i, loads its image and readies its vCPU. Returns a status. */
static int setup_vm(struct matrix *m, unsigned i, const struct vm_spec *spec,
		    uint64_t mem_size, uint32_t denied)
{
	struct matrix_vm *v = &m->vms[i];
	struct loaded_image img;
	const uint8_t *data;
	uint8_t *owned;
	struct errbuf err;
	size_t size;
	int ret;

	snprintf(v->name, sizeof(v->name), "%s",
		 spec->name ? spec->name : spec->image);
	v->image = spec->image;
	if (vm_create(&v->vm, &m->kvm, mem_size, &err))
		goto host_error;
	if (read_image(spec->image, &data, &size, &owned, &err))
		goto image_error;
	ret = load_image(&v->vm.mem, data, size, LAYOUT_IMAGE_BASE, spec->image,
			 &img, &err);
	free(owned);
	if (ret)
		goto image_error;
	if (vcpu_enter_mode(&v->vm.vcpu, mode_for(&img), img.entry, &err) ||
	    preempt_attach_vcpu(&m->timer, &v->vm.vcpu, &err))
		goto host_error;
	v->hc = (struct hc_env){
		.mem = &v->vm.mem,
		.translate = vcpu_translate,
		.translate_ctx = &v->vm.vcpu,
		.out = stdout,
		.stats = &v->stats,
		.denied = denied,
	};
	v->slice_min_ns = UINT64_MAX;
	m->entities[i].weight = spec->weight;
	return STATUS_OK;

image_error:
	fprintf(stderr, "matrix: VM %s: %s\n", v->name, err.msg);
	return STATUS_IMAGE;
host_error:
	fprintf(stderr, "matrix: VM %s: %s\n", v->name, err.msg);
	return STATUS_HOST;
}

static int setup(struct matrix *m, const struct options *opt)
{
	struct errbuf err;
	int ret, status;

	m->count = opt->nvms;
	m->duration_ns = opt->duration_ns;
	m->max_slices = opt->max_slices;
	m->quiet = opt->quiet;
	m->events = opt->quiet ? NULL : stdout;
	m->vms = calloc(m->count, sizeof(*m->vms));
	m->entities = calloc(m->count, sizeof(*m->entities));
	m->heap = calloc(m->count, sizeof(*m->heap));
	if (!m->vms || !m->entities || !m->heap) {
		fprintf(stderr, "matrix: out of memory for %u VMs\n", m->count);
		return STATUS_HOST;
	}
	ret = kvm_dev_open(&m->kvm, KVM_DEV_PATH, &err);
	if (ret) {
		fprintf(stderr, "matrix: %s\n", err.msg);
		return STATUS_NO_KVM;
	}
	if (pin_to_cpu(opt->cpu, &m->cpu, &err) ||
	    raise_fd_limit(m->count, &err) || install_stop_handlers(&err) ||
	    preempt_init(&m->timer, SIGRTMIN, &err)) {
		fprintf(stderr, "matrix: %s\n", err.msg);
		return STATUS_HOST;
	}
	for (unsigned i = 0; i < m->count; i++) {
		status = setup_vm(m, i, &opt->vms[i], opt->mem_size,
				  opt->denied);
		if (status)
			return status;
	}
	if (sched_init(&m->sched, opt->policy, opt->quantum_ns, m->entities,
		       m->count, m->heap, &err)) {
		fprintf(stderr, "matrix: %s\n", err.msg);
		return STATUS_USAGE;
	}
	if (opt->trace_path) {
		m->trace = fopen(opt->trace_path, "w");
		if (!m->trace) {
			fprintf(stderr, "matrix: --trace %s: %s\n",
				opt->trace_path, strerror(errno));
			return STATUS_USAGE;
		}
		trace_begin(m);
	}
	/* Every VM exists and is loaded: from here on the run loop needs no
	 * new file, VM or privilege. */
	if (!opt->no_seccomp &&
	    seccomp_lockdown(SECCOMP_ALLOW_READ_OPENS, &err)) {
		fprintf(stderr, "matrix: %s\n", err.msg);
		return STATUS_HOST;
	}
	return STATUS_OK;
}

static void teardown(struct matrix *m)
{
	for (unsigned i = 0; m->vms && i < m->count; i++)
		vm_destroy(&m->vms[i].vm);
	preempt_destroy(&m->timer);
	kvm_dev_close(&m->kvm);
	if (m->trace)
		fclose(m->trace);
	free(m->vms);
	free(m->entities);
	free(m->heap);
}

int matrix_vm_work(const struct matrix_vm *v, uint64_t *work)
{
	uint32_t magic = 0;

	if (gmem_read_u32(&v->vm.mem, MATRIX_WORK_MAGIC_GPA, &magic) ||
	    magic != MATRIX_WORK_MAGIC)
		return -1;
	return gmem_read_u64(&v->vm.mem, MATRIX_WORK_GPA, work);
}

/* --- the run
 * ------------------------------------------------------------------ */

static void fail_vm(struct matrix_vm *v, const char *what, const char *detail)
{
	v->state = VM_FAILED;
	snprintf(v->failure, sizeof(v->failure), "%s%s", what, detail);
	fflush(stdout);
	fprintf(stderr, "matrix: VM %s (vmfd %d) stopped: %s\n", v->name,
		v->vm.fd, v->failure);
}

/* An I/O exit: the hypercall ABI's ports are served as simple-kvm serves
 * them; any other port is the spec's event port, logged and ignored. */
static int serve_io(struct matrix *m, struct matrix_vm *v)
{
	struct kvm_run *run = v->vm.vcpu.run;
	uint16_t port = run->io.port;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	struct hc_outcome outcome;
	struct errbuf err;
	uint32_t value = 0;

	if (hc_is_abi_port(port)) {
		if (hc_handle_io(&v->hc, run, &outcome, &err)) {
			fail_vm(v, "bad hypercall: ", err.msg);
			return END_FAILED;
		}
		if (outcome.action == HC_GUEST_EXIT) {
			v->state = VM_HALTED;
			return END_HALT;
		}
	} else if (run->io.direction == KVM_EXIT_IO_OUT) {
		memcpy(&value, data, run->io.size <= 4 ? run->io.size : 4);
		if (m->events)
			fprintf(m->events,
				"VMFD: %d out port: %u, data: %" PRIu32 "\n",
				v->vm.fd, port, value);
	} else {
		memset(data, 0, (size_t)run->io.size * run->io.count);
	}
	return m->sched.policy == POLICY_IO ? END_IO : -1;
}

/*
 * Serves one return from KVM_RUN. Returns why the slice ends, or -1 to
 * run the same VM on: an exit inside a quantum does not end the quantum.
 */
static int serve_exit(struct matrix *m, struct matrix_vm *v, int ret,
		      int deadline_slice)
{
	struct kvm_run *run = v->vm.vcpu.run;
	char what[160];

	if (ret == -EINTR || ret == -EAGAIN) {
		if (m->events)
			fprintf(m->events, "VMFD: %d KVM_EXIT_INTR\n",
				v->vm.fd);
		/* EINTR says a signal came, not which: the timer's is the one
		 * pending (blocked outside KVM_RUN), SIGINT/SIGTERM set a flag.
		 */
		if (preempt_drain(&m->timer))
			return deadline_slice ? END_DEADLINE : END_TIMER;
		return stop_requested ? END_STOP : -1;
	}
	if (ret) {
		fail_vm(v, "KVM_RUN failed: ", strerror(-ret));
		return END_FAILED;
	}
	if (m->events)
		fprintf(m->events, "VMFD: %d %s\n", v->vm.fd,
			exit_reason_name(run->exit_reason));
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		return serve_io(m, v);
	case KVM_EXIT_HLT:
		v->state = VM_HALTED;
		return END_HALT;
	default:
		diag_describe_exit(run, what, sizeof(what));
		fail_vm(v, what, "");
		return END_FAILED;
	}
}

/* Runs VM i for one slice of at most slice_ns (0: until it passes the
 * turn). Returns why the slice ended; *ran is its length, VMM time spent
 * on its exits included, which is what it is charged. */
static enum slice_end run_slice(struct matrix *m, unsigned i, uint64_t slice_ns,
				int deadline_slice, uint64_t *start,
				uint64_t *ran)
{
	struct matrix_vm *v = &m->vms[i];
	uint32_t reason = 0;
	struct errbuf err;
	int why = -1;

	*start = now_ns();
	if (m->events)
		fprintf(m->events, "VMFD: %d started running\nTime: %.6f\n",
			v->vm.fd, (double)(*start - m->start_ns) / 1e9);
	/* Armed per slice, so the slice starts when the VM does. */
	if (slice_ns && preempt_arm(&m->timer, slice_ns, &err))
		fail_vm(v, "", err.msg), why = END_FAILED;
	while (why < 0) {
		int ret = vcpu_run(&v->vm.vcpu);

		stats_count_exit(&v->stats, v->vm.vcpu.run, ret);
		/* exit_reason is defined only when KVM_RUN succeeds */
		reason = ret == -EINTR ? KVM_EXIT_INTR
				       : v->vm.vcpu.run->exit_reason;
		why = serve_exit(m, v, ret, deadline_slice);
	}
	*ran = now_ns() - *start;
	/* A slice the timer ended has consumed its one tick. Any other end
	 * leaves the timer armed: disarm it, then drain a tick that fired in
	 * between, which left pending would cut the next slice short. */
	if (slice_ns && why != END_TIMER && why != END_DEADLINE) {
		preempt_arm(&m->timer, 0, NULL);
		preempt_drain(&m->timer);
	}
	if (m->events)
		fprintf(m->events,
			"VMFD: %d stopped running - exit reason: %u\n",
			v->vm.fd, reason);
	return (enum slice_end)why;
}

/* Is task tid one of KVM's own workers? Since Linux 6.x, KVM starts its
 * per-VM workers (kvm-nx-lpage-recovery) inside the VMM's thread group,
 * so they show up in /proc/self/task; they are the kernel's, not ours. */
static int is_kvm_worker(const char *tid)
{
	char path[300], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%s/comm", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return strncmp(comm, "kvm-", 4) == 0;
}

/* The run's own threads, to show that matrix is one thread. */
static void count_threads(struct matrix *m)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;

	m->threads = m->kvm_workers = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (is_kvm_worker(e->d_name))
			m->kvm_workers++;
		else
			m->threads++;
	}
	if (d)
		closedir(d);
}

/* Resident pages of one VM's guest RAM: what the guest (and the VMM's
 * tables) touched, as opposed to what the host keeps per VM. */
static uint64_t guest_resident_kb(const struct matrix_vm *v)
{
	size_t pages = v->vm.mem.size / LAYOUT_PAGE_SIZE;
	unsigned char *vec = malloc(pages);
	uint64_t resident = 0;

	if (vec && mincore(v->vm.mem.host, v->vm.mem.size, vec) == 0)
		for (size_t p = 0; p < pages; p++)
			resident += vec[p] & 1;
	free(vec);
	return resident * (LAYOUT_PAGE_SIZE / 1024);
}

/* Open file descriptors, for the soak test: the count must not grow. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n - 1; /* not the one opendir holds */
}

/* Host memory and descriptors at the end of the run, for the 256-VM
 * benchmark and the soak test. */
static void measure_memory(struct matrix *m)
{
	/* smaps_rollup walks the page tables; VmRSS in /proc/self/status
	 * can lag by dozens of pages on older kernels (split RSS counters). */
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[128];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Rss: %" SCNu64, &m->rss_kb) == 1)
			break;
	if (f)
		fclose(f);
	m->fds_end = count_fds();
	m->guest_resident_kb = 0;
	for (unsigned i = 0; i < m->count; i++)
		m->guest_resident_kb += guest_resident_kb(&m->vms[i]);
}

static void record_slice(struct matrix *m, unsigned i, uint64_t start,
			 uint64_t ran, enum slice_end why)
{
	struct matrix_vm *v = &m->vms[i];

	sched_charge(&m->sched, i, ran);
	if (why == END_TIMER) {
		v->timer_slices++;
		if (ran < v->slice_min_ns)
			v->slice_min_ns = ran;
		if (ran > v->slice_max_ns)
			v->slice_max_ns = ran;
	}
	if (v->state != VM_RUNNING)
		sched_retire(&m->sched, i);
	if (m->trace)
		trace_slice(m, i, start, ran, why);
	m->slices++;
}

/*
 * The loop, in the shape of redis's event loop: pick the VM, arm its
 * slice, run it until it exits or the slice ends, charge the time it
 * really ran, repeat. Nothing here ever sleeps while a VM could run.
 */
static void run_matrix(struct matrix *m)
{
	uint64_t quantum =
		m->sched.policy == POLICY_IO ? 0 : m->sched.quantum_ns;

	m->start_ns = now_ns();
	while (!stop_requested &&
	       (!m->max_slices || m->slices < m->max_slices)) {
		uint64_t slice = quantum, start, ran;
		int deadline_slice = 0;
		enum slice_end why;
		int i;

		if (m->duration_ns) {
			uint64_t used = now_ns() - m->start_ns;

			if (used >= m->duration_ns)
				break;
			if (!slice || m->duration_ns - used < slice) {
				slice = m->duration_ns - used;
				deadline_slice = 1;
			}
		}
		i = sched_pick(&m->sched);
		if (i < 0)
			break; /* every guest halted or failed */
		why = run_slice(m, (unsigned)i, slice, deadline_slice, &start,
				&ran);
		record_slice(m, (unsigned)i, start, ran, why);
		if (m->slices == 1)
			count_threads(m);
		/* The baseline for growth is taken once every path of the
		 * loop has run: code and stdio buffers touched for the first
		 * time are not growth. */
		if (m->slices == 1 || m->slices == MATRIX_WARMUP_SLICES) {
			measure_memory(m);
			m->rss_start_kb = m->rss_kb;
			m->fds_start = m->fds_end;
		}
	}
	m->end_ns = now_ns();
}

int main(int argc, char **argv)
{
	struct options opt = {.quantum_ns = QUANTUM,
			      .mem_size = MATRIX_DEFAULT_MEM,
			      .cpu = -1};
	struct matrix m = {0};
	int status, ret;

	opt.vms = calloc(MATRIX_MAX_VMS, sizeof(*opt.vms));
	if (!opt.vms)
		return STATUS_HOST;
	ret = parse_options(argc, argv, &opt);
	if (ret) {
		free(opt.vms);
		return ret > 0 ? STATUS_OK : STATUS_USAGE;
	}
	status = setup(&m, &opt);
	if (status == STATUS_OK) {
		run_matrix(&m);
		measure_memory(&m);
		fflush(stdout);
		if (m.trace)
			trace_end(&m);
		matrix_print_table(&m, stderr);
		if (opt.json)
			matrix_print_json(&m, stdout);
		for (unsigned i = 0; i < m.count; i++)
			if (m.vms[i].state == VM_FAILED)
				status = STATUS_GUEST_CRASH;
	}
	teardown(&m);
	free(opt.vms);
	return status;
}
