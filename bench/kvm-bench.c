/* kvm-bench.c - hypercall round trips against a bare port I/O exit, measured
 * side by side in one run. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu_mode.h"
#include "exit_stats.h"
#include "hypercall_host.h"
#include "kvm.h"
#include "layout.h"
#include "loader.h"
#include "vcpu_loop.h"
#include "vm.h"

#define ROUNDS 3 /* each figure is the median of three rounds */

struct bench_ctx {
	struct kvm_dev kvm;
	const char *guest_dir; /* build/guest/bench */
	uint64_t exits;	       /* exits timed per round */
	FILE *devnull;	       /* where the guests' prints go */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Creates a VM running the guest file in mode; 0 or -errno (printed). */
static int start_guest(struct bench_ctx *b, struct vm *vm, const char *file,
		       enum cpu_mode mode)
{
	struct loaded_image img;
	struct errbuf err;
	uint8_t *data;
	size_t size;
	int ret;

	ret = vm_create(vm, &b->kvm, LAYOUT_RAM_DEFAULT, &err);
	if (ret)
		goto out;
	ret = load_read_file(file, &data, &size, &err);
	if (ret)
		goto out_vm;
	ret = load_image(&vm->mem, data, size, LAYOUT_IMAGE_BASE, file, &img,
			 &err);
	free(data);
	if (!ret)
		ret = vcpu_enter_mode(&vm->vcpu, mode, img.entry, &err);
	if (!ret)
		return 0;
out_vm:
	vm_destroy(vm);
out:
	fprintf(stderr, "kvm-bench: %s\n", err.msg);
	return ret;
}

/* One exit of a looping guest. Bare: KVM_RUN alone, the cost of the exit
 * itself. Served: the path the programs take (vcpu_step). 0 or -1. */
static int one_exit(struct vcpu_loop *loop, int serve, struct errbuf *err)
{
	struct vcpu_exit ex;
	int ret;

	if (serve)
		return vcpu_step(loop, &ex, err) == VCPU_CONTINUE ? 0 : -1;
	ret = vcpu_run(loop->vcpu);
	if (!ret && loop->vcpu->run->exit_reason == KVM_EXIT_IO)
		return 0;
	err_fail(err, ret ? -ret : EPROTO, "unexpected exit %u (%d)",
		 loop->vcpu->run->exit_reason, ret);
	return -1;
}

/* ns per exit of one round: the guest loops on one hypercall (or on a
 * bare out); serve says which path takes its exits. */
static int time_round(struct bench_ctx *b, const char *name, int serve,
		      uint64_t *ns_per_exit)
{
	struct exit_stats stats = {0};
	struct errbuf err;
	char file[512];
	struct vm vm;
	struct hc_env env;
	struct vcpu_loop loop = {.vcpu = &vm.vcpu, .hc = &env};
	uint64_t t0 = 0;

	snprintf(file, sizeof(file), "%s/loop-%s-long.bin", b->guest_dir, name);
	if (start_guest(b, &vm, file, CPU_MODE_LONG))
		return -1;
	env = (struct hc_env){.mem = &vm.mem,
			      .translate = vcpu_translate,
			      .translate_ctx = &vm.vcpu,
			      .out = b->devnull,
			      .stats = &stats};
	for (uint64_t k = 0; k < b->exits + 1000; k++) {
		if (k == 1000) /* after a warm-up */
			t0 = now_ns();
		if (one_exit(&loop, serve, &err)) {
			fprintf(stderr, "kvm-bench: %s: %s\n", name, err.msg);
			vm_destroy(&vm);
			return -1;
		}
	}
	*ns_per_exit = (now_ns() - t0) / b->exits;
	vm_destroy(&vm);
	return 0;
}

/* From KVM_CREATE_VM to HLT and back: the VMM's cost of one guest run. */
static int start_to_halt(struct bench_ctx *b, enum cpu_mode mode, uint64_t *ns)
{
	uint64_t r[21];
	char file[512];

	snprintf(file, sizeof(file), "%s/../tests/answer-%s.bin", b->guest_dir,
		 cpu_mode_name(mode));
	for (int i = 0; i < 21; i++) {
		uint64_t t0 = now_ns();
		struct vm vm;

		if (start_guest(b, &vm, file, mode))
			return -1;
		if (vcpu_run(&vm.vcpu) ||
		    vm.vcpu.run->exit_reason != KVM_EXIT_HLT) {
			fprintf(stderr, "kvm-bench: %s guest did not halt\n",
				cpu_mode_name(mode));
			vm_destroy(&vm);
			return -1;
		}
		vm_destroy(&vm);
		r[i] = now_ns() - t0;
	}
	qsort(r, 21, sizeof(r[0]), cmp_u64);
	*ns = r[10];
	return 0;
}

/* Every loop the bench times; `in` marks the calls made with an in
 * instruction, which are compared with a bare in exit, the others with a
 * bare out exit: KVM finishes an in on re-entry, which costs more. */
static const struct bench_case {
	const char *name, *label;
	int serve, in;
} cases[] = {
	{"bare", "bare out exit (KVM_RUN only)", 0, 0},
	{"bare_in", "bare in exit (KVM_RUN only)", 0, 1},
	{"print8", "HC_print8bit", 1, 0},
	{"print32", "HC_print32bit", 1, 0},
	{"print64", "HC_print64bit", 1, 0},
	{"num_exits", "HC_numExits", 1, 1},
	{"exits_by_type", "HC_numExitsByType", 1, 1},
	{"gva_to_hva", "HC_gvaToHva", 1, 0},
	{"print_str_1", "HC_printStr (1 byte)", 1, 0},
	{"print_str_64", "HC_printStr (64 bytes)", 1, 0},
	{"print_str_4096", "HC_printStr (4096 bytes)", 1, 0},
	{"print8_str_1", "1 byte by HC_print8bit", 1, 0},
	{"print8_str_64", "64 bytes by HC_print8bit", 1, 0},
	{"print8_str_4096", "4096 bytes by HC_print8bit", 1, 0},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* Rounds go outermost, so that slow drift in the machine's speed touches
 * every case alike; each figure is the median of its rounds. */
static int measure_all(struct bench_ctx *b, uint64_t median[NCASES])
{
	uint64_t r[NCASES][ROUNDS];

	for (int round = 0; round < ROUNDS; round++)
		for (size_t c = 0; c < NCASES; c++)
			if (time_round(b, cases[c].name, cases[c].serve,
				       &r[c][round]))
				return -1;
	for (size_t c = 0; c < NCASES; c++) {
		qsort(r[c], ROUNDS, sizeof(r[c][0]), cmp_u64);
		median[c] = r[c][ROUNDS / 2];
	}
	return 0;
}

static uint64_t median_of(const uint64_t median[NCASES], const char *name)
{
	for (size_t c = 0; c < NCASES; c++)
		if (!strcmp(cases[c].name, name))
			return median[c];
	return 1;
}

static int run_all(struct bench_ctx *b)
{
	static const unsigned lengths[] = {1, 64, 4096};
	uint64_t m[NCASES], ns;

	if (measure_all(b, m))
		return -1;
	printf("bare_pio_ns %" PRIu64 "\n", median_of(m, "bare"));
	printf("%-28s %10s %8s\n", "exit round trip", "ns/exit", "vs bare");
	for (size_t c = 0; c < NCASES; c++) {
		uint64_t bare = median_of(m, cases[c].in ? "bare_in" : "bare");

		if (!strncmp(cases[c].name, "print_str_", 10) &&
		    strcmp(cases[c].name, "print_str_1"))
			continue; /* in the string table below */
		if (!strncmp(cases[c].name, "print8_str_", 11))
			continue;
		printf("%-28s %10" PRIu64 " %8.2f\n", cases[c].label, m[c],
		       (double)m[c] / bare);
	}

	printf("\n%-28s %7s %12s %7s %12s %8s\n", "a string of N bytes",
	       "exits", "printStr ns", "exits", "print8bit ns", "speedup");
	for (size_t i = 0; i < 3; i++) {
		char name[32];
		uint64_t str, bytes;

		snprintf(name, sizeof(name), "print_str_%u", lengths[i]);
		str = median_of(m, name);
		snprintf(name, sizeof(name), "print8_str_%u", lengths[i]);
		bytes = median_of(m, name) * lengths[i]; /* an exit per byte */
		printf("%-28u %7u %12" PRIu64 " %7u %12" PRIu64 " %7.1fx\n",
		       lengths[i], 1, str, lengths[i], bytes,
		       (double)bytes / str);
	}

	printf("\n%-28s %12s\n", "start to HLT (median of 21)", "us");
	for (int mode = CPU_MODE_REAL; mode <= CPU_MODE_LONG; mode++) {
		if (start_to_halt(b, (enum cpu_mode)mode, &ns))
			return -1;
		printf("%-28s %12.1f\n", cpu_mode_name((enum cpu_mode)mode),
		       ns / 1e3);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_ctx b = {.exits = 20000};
	struct errbuf err;
	int ret;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: kvm-bench GUEST_DIR [EXITS]\n");
		return 64;
	}
	b.guest_dir = argv[1];
	if (argc == 3)
		b.exits = strtoull(argv[2], NULL, 10);
	if (b.exits < 100) {
		fprintf(stderr, "kvm-bench: EXITS must be at least 100\n");
		return 64;
	}
	b.devnull = fopen("/dev/null", "w");
	if (!b.devnull || kvm_dev_open(&b.kvm, KVM_DEV_PATH, &err)) {
		fprintf(stderr, "kvm-bench: %s\n",
			b.devnull ? err.msg : strerror(errno));
		return 69;
	}
	ret = run_all(&b);
	kvm_dev_close(&b.kvm);
	fclose(b.devnull);
	return ret ? 70 : 0;
}
