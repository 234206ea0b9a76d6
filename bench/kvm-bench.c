/* kvm-bench.c - hypercall round trips against a bare port I/O exit, measured
 * side by side in one run.
 *
 * Usage: kvm-bench GUEST_DIR [EXITS [ROUNDS]]
 *        kvm-bench --count CASE N GUEST_DIR
 *        kvm-bench --rusage FILE COMMAND [ARGS...]
 *
 * --count serves exactly N exits of one case (untimed, no warm-up) and
 * stops: run it under strace to count the ioctls a hypercall makes
 * (bench/run.sh counts KVM_TRANSLATE this way). --rusage runs COMMAND and
 * writes "cpu_ns N user_ns N sys_ns N wall_ns N nivcsw N status N" to FILE:
 * the CPU time the command got (and how often the host preempted it),
 * which on a loaded host is less than its wall time (bench/run.sh divides
 * the counter guests' work by it).
 *
 * Every figure is the median of ROUNDS rounds (default 3) of EXITS exits
 * (default 20000) after a warm-up of 1000; rounds go outermost. The ratios
 * (a hypercall over a bare exit of the same direction, timed just before
 * it in the same round) are what carries from one machine to another. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "cpu_mode.h"
#include "exit_stats.h"
#include "guest_va.h"
#include "hypercall_host.h"
#include "kvm.h"
#include "layout.h"
#include "loader.h"
#include "bus.h"
#include "vcpu_loop.h"
#include "vm.h"

#define MAX_ROUNDS 15

struct bench_ctx {
	struct kvm_dev kvm;
	const char *guest_dir; /* build/guest/bench */
	uint64_t exits;	       /* exits timed per round */
	uint64_t warmup;       /* untimed exits before them */
	int rounds;	       /* each figure is the median of this many */
	FILE *devnull;	       /* where the guests' prints go */
};

/* The guest virtual address the bare+translate case hands KVM_TRANSLATE
 * on every exit: the guest image's first page, mapped (identity) in long
 * mode, as the buffers HC_gvaToHva and HC_printStr translate are. */
#define TRANSLATE_GVA LAYOUT_IMAGE_BASE

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Creates a VM running the guest file in mode; 0 or -errno (printed,
 * except -ENOTSUP, a mode this KVM does not run, when why is given: then
 * the reason goes to why). */
static int start_guest(struct bench_ctx *b, struct vm *vm, const char *file,
		       enum cpu_mode mode, struct errbuf *why)
{
	struct loaded_image img;
	struct errbuf err;
	uint8_t *data;
	size_t size;
	int ret;

	ret = vm_create(vm, &b->kvm, LAYOUT_RAM_DEFAULT, &err);
	if (ret)
		goto out;
	ret = loader_read_file(file, &data, &size, &err);
	if (ret)
		goto out_vm;
	ret = loader_load_image(&vm->mem, data, size, LAYOUT_IMAGE_BASE, file,
				&img, &err);
	free(data);
	if (!ret)
		ret = vcpu_enter_mode(&vm->vcpu, mode, img.entry, &err);
	if (!ret)
		return 0;
out_vm:
	vm_destroy(vm);
out:
	if (why && ret == -ENOTSUP)
		*why = err;
	else
		fprintf(stderr, "kvm-bench: %s\n", err.msg);
	return ret;
}

/* How a case takes its exits. */
enum serve {
	BARE,		/* KVM_RUN alone: the cost of the exit itself */
	BARE_TRANSLATE, /* KVM_RUN and one vcpu_translate (KVM_TRANSLATE) */
	SERVED,		/* the path the programs take (vcpu_step) */
};

/* One exit of a looping guest, taken as serve says. 0 or -1. */
static int one_exit(struct vcpu_loop *loop, enum serve serve,
		    struct errbuf *err)
{
	struct vcpu_exit ex;
	uint64_t gpa;
	int ret;

	if (serve == SERVED)
		return vcpu_step(loop, &ex, err) == VCPU_CONTINUE ? 0 : -1;
	ret = vcpu_run(loop->vcpu);
	if (!ret && loop->vcpu->run->exit_reason == KVM_EXIT_IO) {
		if (serve == BARE)
			return 0;
		ret = vcpu_translate(loop->vcpu, TRANSLATE_GVA, &gpa);
		if (!ret)
			return 0;
		err_fail(err, -ret, "KVM_TRANSLATE of GVA 0x%llx failed",
			 (unsigned long long)TRANSLATE_GVA);
		return -1;
	}
	err_fail(err, ret ? -ret : EPROTO, "unexpected exit %u (%d)",
		 loop->vcpu->run->exit_reason, ret);
	return -1;
}

/* ns per exit of one round: the guest loop-NAME loops on one hypercall
 * (or on a bare out); serve says which path takes its exits. */
static int time_round(struct bench_ctx *b, const char *name, enum serve serve,
		      uint64_t *ns_per_exit)
{
	struct exit_stats stats = {0};
	struct errbuf err;
	char file[512];
	struct vm vm;
	struct hc_env env;
	struct vcpu_loop loop = {.vcpu = &vm.vcpu, .hc = &env};
	struct bus ports;
	uint64_t t0 = monotonic_ns();

	snprintf(file, sizeof(file), "%s/loop-%s-long.bin", b->guest_dir, name);
	if (start_guest(b, &vm, file, CPU_MODE_LONG, NULL))
		return -1;
	/* As simple-kvm serves them: the hypercall device on a port bus
	 * (KVM_BENCH_NO_BUS=1: straight to the dispatcher, as matrix). */
	bus_init(&ports, "port", 0xffff);
	if (!getenv("KVM_BENCH_NO_BUS") &&
	    vcpu_loop_add_hypercalls(&loop, &ports, &err)) {
		fprintf(stderr, "kvm-bench: %s: %s\n", name, err.msg);
		vm_destroy(&vm);
		bus_free(&ports);
		return -1;
	}
	/* As simple-kvm and matrix serve hypercalls (their hc_env). */
	env = hc_env_for_vcpu(&vm.vcpu, &stats, b->devnull);
	for (uint64_t k = 0; k < b->exits + b->warmup; k++) {
		if (k == b->warmup && k) /* after a warm-up */
			t0 = monotonic_ns();
		if (one_exit(&loop, serve, &err)) {
			fprintf(stderr, "kvm-bench: %s: %s\n", name, err.msg);
			vm_destroy(&vm);
			bus_free(&ports);
			return -1;
		}
	}
	*ns_per_exit = (monotonic_ns() - t0) / (b->exits ? b->exits : 1);
	vm_destroy(&vm);
	bus_free(&ports);
	return 0;
}

/* From KVM_CREATE_VM to HLT and back: the VMM's cost of one guest run.
 * 0, -1 on failure, or -ENOTSUP with the reason in why when this KVM does
 * not run the mode (kvm_pvm drops CR0.PG in 32-bit paged mode). */
static int start_to_halt(struct bench_ctx *b, enum cpu_mode mode, uint64_t *ns,
			 struct errbuf *why)
{
	uint64_t r[21];
	char file[512];

	snprintf(file, sizeof(file), "%s/../tests/answer-%s.bin", b->guest_dir,
		 cpu_mode_name(mode));
	for (int i = 0; i < 21; i++) {
		uint64_t t0 = monotonic_ns();
		struct vm vm;
		int ret = start_guest(b, &vm, file, mode, why);

		if (ret == -ENOTSUP)
			return ret;
		if (ret)
			return -1;
		if (vcpu_run(&vm.vcpu) ||
		    vm.vcpu.run->exit_reason != KVM_EXIT_HLT) {
			fprintf(stderr, "kvm-bench: %s guest did not halt\n",
				cpu_mode_name(mode));
			vm_destroy(&vm);
			return -1;
		}
		vm_destroy(&vm);
		r[i] = monotonic_ns() - t0;
	}
	qsort(r, 21, sizeof(r[0]), cmp_u64);
	*ns = r[10];
	return 0;
}

/* Every loop the bench times; `in` marks the calls made with an in
 * instruction, which are compared with a bare in exit, the others with a
 * bare out exit: KVM finishes an in on re-entry, which costs more. */
static const struct bench_case {
	const char *name, *guest, *label;
	enum serve serve;
	int in;
} cases[] = {
	{"bare", "bare", "bare out exit (KVM_RUN only)", BARE, 0},
	{"bare_in", "bare_in", "bare in exit (KVM_RUN only)", BARE, 1},
	{"bare_translate", "bare", "bare out exit + 1 KVM_TRANSLATE",
	 BARE_TRANSLATE, 0},
	{"gva_to_hva", "gva_to_hva", "HC_gvaToHva", SERVED, 0},
	{"print8", "print8", "HC_print8bit", SERVED, 0},
	{"print32", "print32", "HC_print32bit", SERVED, 0},
	{"print64", "print64", "HC_print64bit", SERVED, 0},
	{"num_exits", "num_exits", "HC_numExits", SERVED, 1},
	{"exits_by_type", "exits_by_type", "HC_numExitsByType", SERVED, 1},
	{"print_str_1", "print_str_1", "HC_printStr (1 byte)", SERVED, 0},
	{"print_str_64", "print_str_64", "HC_printStr (64 bytes)", SERVED, 0},
	{"print_str_4096", "print_str_4096", "HC_printStr (4096 bytes)", SERVED,
	 0},
	/* The guest loops of two calls whose stubs run more instructions
	 * than the bare loop's out and jmp, with their exits taken bare: what
	 * the guest's side costs, which matters where guest code is slow
	 * (kvm_pvm emulates every instruction). */
	{"print64_guest", "print64", "HC_print64bit's loop, bare exit", BARE,
	 0},
	{"gva_guest_translate", "gva_to_hva",
	 "HC_gvaToHva's loop + 1 translate", BARE_TRANSLATE, 0},
	{"print8_str_1", "print8_str_1", "1 byte by HC_print8bit", SERVED, 0},
	{"print8_str_64", "print8_str_64", "64 bytes by HC_print8bit", SERVED,
	 0},
	{"print8_str_4096", "print8_str_4096", "4096 bytes by HC_print8bit",
	 SERVED, 0},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* What one case measured over the rounds: ns per exit, and the ratio to
 * its reference (the bare exit of its direction) timed just before it in
 * the same round. Each is the median of the rounds, with their range. */
struct result {
	uint64_t ns, ns_lo, ns_hi;
	double ratio, ratio_lo, ratio_hi;
	double raw[MAX_ROUNDS]; /* per round: ns, for ratios between cases */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median_d(double *v, int n, double *lo, double *hi)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	*lo = v[0];
	*hi = v[n - 1];
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static size_t case_index(const char *name)
{
	for (size_t c = 0; c < NCASES; c++)
		if (!strcmp(cases[c].name, name))
			return c;
	return 0;
}

/*
 * Rounds go outermost, so that slow drift in the machine's speed touches
 * every case alike; inside a round each case that is not a bare exit is
 * timed right after a fresh timing of its bare exit, and its ratio is
 * taken against that one. On a loaded machine the speed moves within
 * seconds: adjacent timings share it, timings a round apart may not.
 */
static int measure_all(struct bench_ctx *b, struct result res[NCASES])
{
	uint64_t ns[NCASES][MAX_ROUNDS];
	double ratio[NCASES][MAX_ROUNDS];
	int n = b->rounds;

	for (int round = 0; round < n; round++)
		for (size_t c = 0; c < NCASES; c++) {
			size_t ref =
				case_index(cases[c].in ? "bare_in" : "bare");
			uint64_t ref_ns = 0;

			int is_ref = c == ref;

			if (!is_ref &&
			    time_round(b, cases[ref].guest, BARE, &ref_ns))
				return -1;
			if (time_round(b, cases[c].guest, cases[c].serve,
				       &ns[c][round]))
				return -1;
			if (is_ref)
				ref_ns = ns[c][round];
			ratio[c][round] = (double)ns[c][round] / (double)ref_ns;
			res[c].raw[round] = (double)ns[c][round];
		}
	for (size_t c = 0; c < NCASES; c++) {
		double v[MAX_ROUNDS], lo, hi;

		for (int i = 0; i < n; i++)
			v[i] = (double)ns[c][i];
		res[c].ns = (uint64_t)median_d(v, n, &lo, &hi);
		res[c].ns_lo = (uint64_t)lo;
		res[c].ns_hi = (uint64_t)hi;
		res[c].ratio = median_d(ratio[c], n, &res[c].ratio_lo,
					&res[c].ratio_hi);
	}
	return 0;
}

static const struct result *result_of(const struct result res[NCASES],
				      const char *name)
{
	return &res[case_index(name)];
}

/* One line of the targets table: a median ratio and its range against
 * limit. */
static void target_line(const char *what, double ratio, double lo, double hi,
			double limit, int *missed)
{
	int met = ratio <= limit;

	if (!met)
		(*missed)++;
	printf("%-44s %6.2f  %5.2f..%-5.2f %6.2f  %s\n", what, ratio, lo, hi,
	       limit, met ? "met" : "NOT met");
}

/* The per-round ratio of two cases' timings (not adjacent: one round). */
static double cross_ratio(const struct result *num, const struct result *den,
			  int n, double *lo, double *hi)
{
	double v[MAX_ROUNDS];

	for (int i = 0; i < n; i++)
		v[i] = num->raw[i] / den->raw[i];
	return median_d(v, n, lo, hi);
}

static int run_all(struct bench_ctx *b)
{
	static const unsigned lengths[] = {1, 64, 4096};
	static struct result res[NCASES];
	const struct result *bare, *bt, *gva, *r;
	double ratio, lo, hi, tr_ns;
	uint64_t ns;
	int missed = 0;

	if (measure_all(b, res))
		return -1;
	bare = result_of(res, "bare");
	bt = result_of(res, "bare_translate");
	gva = result_of(res, "gva_to_hva");
	printf("bare_pio_ns %" PRIu64 "\n", bare->ns);
	printf("%-32s %9s %8s  %s\n", "exit round trip", "ns/exit", "vs bare",
	       "(range of the rounds: ns; ratio)");
	for (size_t c = 0; c < NCASES; c++) {
		r = &res[c];
		if (!strncmp(cases[c].name, "print8_str_", 11))
			continue; /* in the string table below */
		printf("%-32s %9" PRIu64 " %8.2f  (%" PRIu64 "..%" PRIu64
		       "; %.2f..%.2f)\n",
		       cases[c].label, r->ns, r->ratio, r->ns_lo, r->ns_hi,
		       r->ratio_lo, r->ratio_hi);
	}

	/* The project's targets, each from ratios within one round. */
	printf("\n%-44s %6s  %-12s %6s  %s\n", "target (median of the rounds)",
	       "ratio", "range", "limit", "verdict");
	for (size_t c = 0; c < NCASES; c++) {
		char what[96];

		if (cases[c].serve != SERVED ||
		    !strncmp(cases[c].name, "print8_str_", 11) ||
		    !strcmp(cases[c].name, "print_str_4096"))
			continue;
		snprintf(what, sizeof(what), "%s / bare %s exit",
			 cases[c].label, cases[c].in ? "in" : "out");
		target_line(what, res[c].ratio, res[c].ratio_lo,
			    res[c].ratio_hi, 1.10, &missed);
	}
	ratio = cross_ratio(gva, bt, b->rounds, &lo, &hi);
	target_line("HC_gvaToHva / (bare out + 1 KVM_TRANSLATE)", ratio, lo, hi,
		    1.10, &missed);
	r = result_of(res, "print_str_4096");
	target_line("HC_printStr (4096 bytes) / bare out exit", r->ratio,
		    r->ratio_lo, r->ratio_hi, 1.30, &missed);
	printf("(not targets: the VMM's share alone, against the call's own "
	       "guest loop)\n");
	ratio = cross_ratio(result_of(res, "print64"),
			    result_of(res, "print64_guest"), b->rounds, &lo,
			    &hi);
	printf("%-44s %6.2f  %5.2f..%-5.2f\n",
	       "HC_print64bit / its loop, bare exit", ratio, lo, hi);
	ratio = cross_ratio(gva, result_of(res, "gva_guest_translate"),
			    b->rounds, &lo, &hi);
	printf("%-44s %6.2f  %5.2f..%-5.2f\n",
	       "HC_gvaToHva / its loop, bare + 1 translate", ratio, lo, hi);
	tr_ns = (bt->ratio - 1) * (double)bare->ns;
	printf("(each ratio: a case over its bare exit timed just before it, "
	       "per round; the\n HC_gvaToHva line above the KVM_TRANSLATE one "
	       "is for comparison only. One\n KVM_TRANSLATE ioctl here: about "
	       "%.0f ns, %.2f x a bare exit)\n",
	       tr_ns, bt->ratio - 1);

	printf("\n%-28s %7s %12s %7s %12s %8s\n", "a string of N bytes",
	       "exits", "printStr ns", "exits", "print8bit ns", "speedup");
	for (size_t i = 0; i < 3; i++) {
		char name[32];
		uint64_t str, bytes;

		snprintf(name, sizeof(name), "print_str_%u", lengths[i]);
		str = result_of(res, name)->ns;
		snprintf(name, sizeof(name), "print8_str_%u", lengths[i]);
		bytes = result_of(res, name)->ns * lengths[i]; /* per byte */
		printf("%-28u %7u %12" PRIu64 " %7u %12" PRIu64 " %7.1fx\n",
		       lengths[i], 1, str, lengths[i], bytes,
		       (double)bytes / str);
	}

	printf("\n%-28s %12s\n", "start to HLT (median of 21)", "us");
	for (int mode = CPU_MODE_REAL; mode <= CPU_MODE_LONG; mode++) {
		struct errbuf why;
		int ret = start_to_halt(b, (enum cpu_mode)mode, &ns, &why);

		if (ret == -ENOTSUP) {
			printf("%-28s %12s  (%s)\n",
			       cpu_mode_name((enum cpu_mode)mode), "skipped",
			       why.msg);
			continue;
		}
		if (ret)
			return -1;
		printf("%-28s %12.1f\n", cpu_mode_name((enum cpu_mode)mode),
		       ns / 1e3);
	}
	printf("targets_missed %d\n", missed);
	return 0;
}

/* --count: exactly n exits of one case, through the timed path. */
static int count_case(struct bench_ctx *b, const char *name, uint64_t n)
{
	uint64_t ns;
	size_t c = case_index(name);

	if (strcmp(cases[c].name, name)) {
		fprintf(stderr, "kvm-bench: no case %s\n", name);
		return -1;
	}
	b->exits = n;
	b->warmup = 0;
	return time_round(b, cases[c].guest, cases[c].serve, &ns);
}

/* --rusage FILE COMMAND...: the CPU time COMMAND and its children got. */
static int rusage_of(const char *file, char **cmd)
{
	uint64_t t0 = monotonic_ns(), wall;
	struct rusage ru;
	int status = 0;
	FILE *f;
	pid_t pid = fork();

	if (pid < 0) {
		perror("kvm-bench: fork");
		return 70;
	}
	if (!pid) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "kvm-bench: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("kvm-bench: wait4");
		return 70;
	}
	wall = monotonic_ns() - t0;
	f = fopen(file, "w");
	if (!f) {
		fprintf(stderr, "kvm-bench: %s: %s\n", file, strerror(errno));
		return 70;
	}
	{
		uint64_t user = (uint64_t)ru.ru_utime.tv_sec * 1000000000u +
				(uint64_t)ru.ru_utime.tv_usec * 1000u;
		uint64_t sys = (uint64_t)ru.ru_stime.tv_sec * 1000000000u +
			       (uint64_t)ru.ru_stime.tv_usec * 1000u;

		fprintf(f,
			"cpu_ns %" PRIu64 " user_ns %" PRIu64 " sys_ns %" PRIu64
			" wall_ns %" PRIu64 " nivcsw %ld status %d\n",
			user + sys, user, sys, wall, ru.ru_nivcsw,
			WIFEXITED(status) ? WEXITSTATUS(status)
					  : 128 + WTERMSIG(status));
	}
	fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	struct bench_ctx b = {.exits = 20000, .warmup = 1000, .rounds = 3};
	const char *count = NULL;
	struct errbuf err;
	int ret;

	if (argc >= 4 && !strcmp(argv[1], "--rusage"))
		return rusage_of(argv[2], argv + 3);
	if (argc == 5 && !strcmp(argv[1], "--count")) {
		count = argv[2];
		b.exits = strtoull(argv[3], NULL, 10);
		argv += 3;
		argc = 2;
	}
	if (argc < 2 || argc > 4) {
		fprintf(stderr,
			"usage: kvm-bench GUEST_DIR [EXITS [ROUNDS]]\n");
		return 64;
	}
	b.guest_dir = argv[1];
	if (argc >= 3)
		b.exits = strtoull(argv[2], NULL, 10);
	if (argc == 4)
		b.rounds = atoi(argv[3]);
	if (b.exits < 100 && !count) {
		fprintf(stderr, "kvm-bench: EXITS must be at least 100\n");
		return 64;
	}
	if (b.rounds < 1 || b.rounds > MAX_ROUNDS) {
		fprintf(stderr, "kvm-bench: ROUNDS must be 1 to %d\n",
			MAX_ROUNDS);
		return 64;
	}
	b.devnull = fopen("/dev/null", "w");
	if (!b.devnull || kvm_dev_open(&b.kvm, KVM_DEV_PATH, &err)) {
		fprintf(stderr, "kvm-bench: %s\n",
			b.devnull ? err.msg : strerror(errno));
		return 69;
	}
	ret = count ? count_case(&b, count, b.exits) : run_all(&b);
	kvm_dev_close(&b.kvm);
	fclose(b.devnull);
	return ret ? 70 : 0;
}
