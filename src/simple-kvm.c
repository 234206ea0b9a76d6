/* simple-kvm.c - runs one guest in the x86 mode of your choice on KVM. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin_guests.h"
#include "cli.h"
#include "cpu_mode.h"
#include "diag.h"
#include "exit_names.h"
#include "kvm.h"
#include "layout.h"
#include "loader.h"
#include "vm.h"

/* Exit statuses, documented in --help and the README. */
enum {
	STATUS_OK = 0,
	STATUS_WRONG_ANSWER = 1, /* the guest halted with the wrong result */
	STATUS_USAGE = 2,	 /* bad flag or value */
	STATUS_HOST = 3,	 /* KVM unavailable or VM setup failed */
	STATUS_IMAGE = 4,	 /* the guest image was refused */
	STATUS_GUEST_FAULT = 5,	 /* the guest stopped other than by HLT */
};

#define EXPECTED_ANSWER 42u

struct options {
	enum cpu_mode mode;
	int mode_flags; /* how many of -r/-s/-p/-l were given */
	uint64_t mem_size;
	const char *device;	/* the KVM device file, normally /dev/kvm */
	const char *guest_path; /* NULL: the built-in guest for the mode */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: simple-kvm [-r|-s|-p|-l] [--mem SIZE] [GUEST]\n"
		"Runs a guest on KVM until it halts, then checks that it left %u\n"
		"at guest address 0x%llx and in EAX/RAX.\n"
		"\n"
		"  -r, --real        16-bit real mode (default)\n"
		"  -s, --protected   32-bit protected mode, no paging\n"
		"  -p, --paged       32-bit protected mode with paging\n"
		"  -l, --long        64-bit long mode\n"
		"      --mem SIZE    guest RAM, e.g. 2M, 64M (default 16M)\n"
		"      --device PATH the KVM device (default /dev/kvm)\n"
		"  -h, --help        this text\n"
		"\n"
		"GUEST is a flat binary loaded and entered at 0x%llx; without it\n"
		"the built-in guest for the mode runs.\n"
		"\n"
		"Exit status: 0 right answer, 1 wrong answer, 2 usage error,\n"
		"3 KVM unavailable or VM setup failed, 4 guest image refused,\n"
		"5 the guest stopped abnormally (triple fault, unexpected exit).\n",
		EXPECTED_ANSWER, LAYOUT_ANSWER_ADDR, LAYOUT_IMAGE_BASE);
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{"real", no_argument, NULL, 'r'},
		{"protected", no_argument, NULL, 's'},
		{"paged", no_argument, NULL, 'p'},
		{"long", no_argument, NULL, 'l'},
		{"mem", required_argument, NULL, 'm'},
		{"device", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct errbuf err;
	int c;

	*opt = (struct options){.mode = CPU_MODE_REAL,
				.mem_size = LAYOUT_RAM_DEFAULT,
				.device = KVM_DEV_PATH};
	opterr = 0; /* we print one line of our own instead */
	while ((c = getopt_long(argc, argv, ":rsplh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			opt->mode = CPU_MODE_REAL;
			opt->mode_flags++;
			break;
		case 's':
			opt->mode = CPU_MODE_PROTECTED;
			opt->mode_flags++;
			break;
		case 'p':
			opt->mode = CPU_MODE_PAGED32;
			opt->mode_flags++;
			break;
		case 'l':
			opt->mode = CPU_MODE_LONG;
			opt->mode_flags++;
			break;
		case 'm':
			if (parse_size(optarg, &opt->mem_size, &err) ||
			    vm_check_ram_size(opt->mem_size, &err)) {
				fprintf(stderr, "simple-kvm: --mem: %s\n",
					err.msg);
				return -EINVAL;
			}
			break;
		case 'd':
			opt->device = optarg;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			fprintf(stderr, "simple-kvm: %s '%s' (try --help)\n",
				c == ':' ? "missing value for"
					 : "unknown option",
				argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (opt->mode_flags > 1) {
		fprintf(stderr,
			"simple-kvm: choose one mode: -r, -s, -p or -l\n");
		return -EINVAL;
	}
	if (optind < argc)
		opt->guest_path = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "simple-kvm: unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static int load_guest(struct vm *vm, const struct options *opt,
		      struct errbuf *err)
{
	struct builtin_guest builtin;
	uint8_t *data;
	size_t size;
	int ret;

	if (!opt->guest_path) {
		builtin = builtin_guest_for_mode(opt->mode);
		return load_flat(&vm->mem, LAYOUT_IMAGE_BASE, builtin.image,
				 builtin.size, builtin.name, err);
	}
	ret = load_read_file(opt->guest_path, &data, &size, err);
	if (ret)
		return ret;
	ret = load_flat(&vm->mem, LAYOUT_IMAGE_BASE, data, size,
			opt->guest_path, err);
	free(data);
	return ret;
}

/* Runs until HLT; any other exit stops the guest with a diagnostic. */
static int run_until_halt(struct vcpu *vcpu)
{
	char what[160];
	int ret;

	for (;;) {
		ret = vcpu_run(vcpu);
		if (ret == -EINTR || ret == -EAGAIN)
			continue;
		if (ret) {
			fprintf(stderr, "simple-kvm: KVM_RUN: %s\n",
				strerror(-ret));
			return STATUS_GUEST_FAULT;
		}
		if (vcpu->run->exit_reason == KVM_EXIT_HLT)
			return STATUS_OK;
		diag_describe_exit(vcpu->run, what, sizeof(what));
		fprintf(stderr, "simple-kvm: guest stopped: %s\n", what);
		diag_dump_registers(vcpu, stderr);
		return STATUS_GUEST_FAULT;
	}
}

/* The kvm-hello-world check: the answer in guest memory and in EAX/RAX. */
static int check_answer(struct vcpu *vcpu, enum cpu_mode mode)
{
	struct kvm_regs regs;
	struct errbuf err;
	uint32_t in_memory = 0;
	uint64_t in_register;

	if (vcpu_get_regs(vcpu, &regs, &err)) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		return STATUS_HOST;
	}
	/* A 32-bit or 16-bit guest only defines the low 32 bits of RAX. */
	in_register = mode == CPU_MODE_LONG ? regs.rax : (uint32_t)regs.rax;
	gmem_read_u32(&vcpu->vm->mem, LAYOUT_ANSWER_ADDR, &in_memory);
	printf("%s mode: memory[0x%llx] = %" PRIu32 ", %s = %" PRIu64 "\n",
	       cpu_mode_name(mode), LAYOUT_ANSWER_ADDR, in_memory,
	       mode == CPU_MODE_LONG ? "RAX" : "EAX", in_register);
	if (in_memory != EXPECTED_ANSWER || in_register != EXPECTED_ANSWER) {
		fprintf(stderr,
			"simple-kvm: wrong answer: expected %u in memory "
			"and register\n",
			EXPECTED_ANSWER);
		return STATUS_WRONG_ANSWER;
	}
	return STATUS_OK;
}

int main(int argc, char **argv)
{
	struct kvm_dev kvm;
	struct options opt;
	struct errbuf err;
	struct vm vm;
	int status, ret;

	ret = parse_options(argc, argv, &opt);
	if (ret)
		return ret > 0 ? STATUS_OK : STATUS_USAGE;

	if (kvm_dev_open(&kvm, opt.device, &err)) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		return STATUS_HOST;
	}
	if (vm_create(&vm, &kvm, opt.mem_size, &err)) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		kvm_dev_close(&kvm);
		return STATUS_HOST;
	}
	status = STATUS_IMAGE;
	if (load_guest(&vm, &opt, &err))
		goto out_err;
	status = STATUS_HOST;
	if (vcpu_enter_mode(&vm.vcpu, opt.mode, LAYOUT_IMAGE_BASE, &err))
		goto out_err;

	status = run_until_halt(&vm.vcpu);
	if (status == STATUS_OK)
		status = check_answer(&vm.vcpu, opt.mode);
	goto out;

out_err:
	fprintf(stderr, "simple-kvm: %s\n", err.msg);
out:
	vm_destroy(&vm);
	kvm_dev_close(&kvm);
	return status;
}
