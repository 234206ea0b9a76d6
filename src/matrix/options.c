/* options.c - parsing matrix's command line into struct matrix_options. */
#include "options.h"

#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hypercall_host.h"
#include "matrix_config.h"
#include "version.h"
#include "vm.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: matrix [OPTIONS]\n"
		"Runs several single-vCPU VMs on ONE host thread pinned to ONE CPU\n"
		"and shares the CPU between them. By default Neo (weight %d) and\n"
		"Morpheus (weight %d) run counter guests under --policy frac.\n"
		"\n"
		"  --policy io|rr|frac|fair|eevdf  io: switch on every I/O exit;\n"
		"                        rr: one quantum each in turn (2b); frac: of\n"
		"                        every sum(w) quanta VM i gets w_i (2c, default);\n"
		"                        fair: stride scheduling on measured CPU time;\n"
		"                        eevdf: eligible virtual deadline first\n"
		"  --quantum DURATION    slice length (default QUANTUM, 1s)\n"
		"  --weights A,B,...     weights of the VMs in order (default %d,%d)\n"
		"  --vm IMAGE[:WEIGHT[:NAME]]  add a VM (repeatable); IMAGE is a\n"
		"                        built-in (guest1, guest2, guest1-b, guest2-b,\n"
		"                        counter, counter-io) or a file (flat: real\n"
		"                        mode at 0x1000; ELF32: protected; ELF64: long)\n"
		"  --vms FILE            add the VMs listed in FILE, one\n"
		"                        IMAGE[:WEIGHT[:NAME]] a line (# comments)\n"
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
		"      --version         the version and the hypercall ABI's\n"
		"\n"
		"As matrix-a it defaults to --policy io with guest1 and guest2; as\n"
		"matrix-b to --policy rr with guest1-b and guest2-b.\n"
		"\n"
		"Exit status: 0 the run ended (duration, slices, signal, or every\n"
		"guest halted); 64 usage error; 65 guest image refused; 69 no usable\n"
		"/dev/kvm; 70 a KVM call failed; 71 a VM failed (the others ran on);\n"
		"74 stdout failed (its reader went away).\n",
		FRAC_A, FRAC_B, FRAC_A, FRAC_B);
}

#define STR_(x) #x
#define STR(x)	STR_(x)

/* One line on stderr about a bad flag, value or list; returns -EINVAL. */
__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt,
							     ...)
{
	va_list ap;

	fprintf(stderr, "matrix: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

/* Parses IMAGE[:WEIGHT[:NAME]] in place; where names it in messages. */
static int parse_vm_spec(char *text, struct vm_spec *spec, const char *where)
{
	char *weight = strchr(text, ':'), *name = NULL;
	struct errbuf err;

	*spec = (struct vm_spec){.image = text, .weight = 1, .text = text};
	if (weight) {
		*weight++ = '\0';
		name = strchr(weight, ':');
		if (name)
			*name++ = '\0';
		if (parse_uint(weight, 1, SCHED_WEIGHT_MAX, &spec->weight,
			       &err))
			return usage_error("%s: weight: %s", where, err.msg);
	}
	if (!*spec->image)
		return usage_error("%s: an image is needed before ':'", where);
	spec->name = name && *name ? name : NULL;
	return 0;
}

/* Appends a VM to the list, growing it; text is copied. */
static int add_vm(struct matrix_options *opt, const char *text,
		  const char *where)
{
	struct vm_spec *grown;
	char *copy;

	if (opt->nvms >= MATRIX_MAX_VMS)
		return usage_error("%s: too many VMs (at most %u)", where,
				   MATRIX_MAX_VMS);
	if (opt->nvms == opt->capacity) {
		unsigned cap = opt->capacity ? opt->capacity * 2 : 16;

		grown = realloc(opt->vms, cap * sizeof(*grown));
		if (!grown)
			return usage_error("%s: out of memory", where);
		opt->vms = grown;
		opt->capacity = cap;
	}
	copy = strdup(text);
	if (!copy)
		return usage_error("%s: out of memory", where);
	opt->nvms++;
	return parse_vm_spec(copy, &opt->vms[opt->nvms - 1], where);
}

/* --vms FILE: one IMAGE[:WEIGHT[:NAME]] a line; blank lines and lines
 * starting with # are skipped; a bad line is named by its number. */
static int add_vm_list(struct matrix_options *opt, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, where[300];
	size_t cap = 0;
	unsigned lineno = 0;
	ssize_t len;
	int ret = 0;

	if (!f)
		return usage_error("--vms %s: %s", path, strerror(errno));
	while (!ret && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
			       line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		if (strlen(line) != (size_t)len) {
			ret = usage_error("--vms %s:%u: a NUL byte", path,
					  lineno);
			break;
		}
		snprintf(where, sizeof(where), "--vms %s:%u", path, lineno);
		ret = add_vm(opt, line, where);
	}
	if (!ret && ferror(f))
		ret = usage_error("--vms %s: %s", path, strerror(errno));
	free(line);
	fclose(f);
	return ret;
}

static int apply_weights(struct matrix_options *opt)
{
	char *copy = strdup(opt->weights), *tok, *save = NULL;
	unsigned i = 0;
	struct errbuf err;
	int ret = 0;

	if (!copy)
		return usage_error("--weights: %s", "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save), i++) {
		if (i >= opt->nvms)
			ret = usage_error("--weights: %s",
					  "more weights than VMs");
		else if (parse_uint(tok, 1, SCHED_WEIGHT_MAX,
				    &opt->vms[i].weight, &err))
			ret = usage_error("--weights: %s", err.msg);
	}
	if (!ret && i != opt->nvms)
		ret = usage_error("--weights: %s", "give one weight per VM");
	free(copy);
	return ret;
}

/* Neo and Morpheus, with the guests that suit the policy. */
static int default_vms(struct matrix_options *opt)
{
	static const struct {
		enum sched_policy policy;
		const char *neo, *morpheus;
	} guests[] = {
		{POLICY_IO, "guest1:" STR(FRAC_A) ":Neo",
		 "guest2:" STR(FRAC_B) ":Morpheus"},
		{POLICY_RR, "guest1-b:" STR(FRAC_A) ":Neo",
		 "guest2-b:" STR(FRAC_B) ":Morpheus"},
	};
	const char *neo = "counter:" STR(FRAC_A) ":Neo";
	const char *morpheus = "counter:" STR(FRAC_B) ":Morpheus";

	for (size_t i = 0; i < sizeof(guests) / sizeof(guests[0]); i++) {
		if (guests[i].policy == opt->policy) {
			neo = guests[i].neo;
			morpheus = guests[i].morpheus;
		}
	}
	if (add_vm(opt, neo, "Neo") || add_vm(opt, morpheus, "Morpheus"))
		return -ENOMEM;
	return 0;
}

/* One option's value; 0 or a usage error already printed. */
static int parse_value(int c, char *arg, struct matrix_options *opt)
{
	struct errbuf err;
	uint64_t v;

	switch (c) {
	case 'P':
		if (sched_policy_parse(arg, &opt->policy))
			return usage_error(
				"--policy: use io, rr, frac, fair or eevdf, not %s",
				arg);
		return 0;
	case 'q':
		if (parse_duration(arg, &opt->quantum_ns, &err))
			return usage_error("--quantum: %s", err.msg);
		if (opt->quantum_ns < 100000)
			return usage_error("--quantum: %s", "at least 100us");
		/* Longer quanta could wrap fair's pass comparison. */
		if (opt->quantum_ns > SCHED_QUANTUM_MAX)
			return usage_error("--quantum: %s", "at most 1h");
		return 0;
	case 'D':
		if (parse_duration(arg, &opt->duration_ns, &err))
			return usage_error("--duration: %s", err.msg);
		if (!opt->duration_ns)
			return usage_error("--duration: %s",
					   "must be longer than 0");
		return 0;
	case 'n':
		if (parse_uint(arg, 1, UINT64_MAX, &opt->max_slices, &err))
			return usage_error("--slices: %s", err.msg);
		return 0;
	case 'm':
		if (parse_size(arg, &opt->mem_size, &err) ||
		    vm_check_ram_size(opt->mem_size, &err))
			return usage_error("--mem: %s", err.msg);
		return 0;
	case 'c':
		if (parse_uint(arg, 0, CPU_SETSIZE - 1, &v, &err))
			return usage_error("--cpu: %s", err.msg);
		opt->cpu = (long)v;
		return 0;
	case 'V':
		return add_vm(opt, arg, "--vm");
	case 'L':
		return add_vm_list(opt, arg);
	case 'd':
		if (hc_parse_deny(arg, &opt->denied, &err))
			return usage_error("--deny: %s", err.msg);
		return 0;
	case 'S':
		if (strcmp(arg, "json"))
			return usage_error(
				"--summary: only json is known, not %s", arg);
		opt->json = 1;
		return 0;
	}
	return -EINVAL;
}

int matrix_options_parse(int argc, char **argv, struct matrix_options *opt)
{
	static const struct option longopts[] = {
		{"policy", required_argument, NULL, 'P'},
		{"quantum", required_argument, NULL, 'q'},
		{"weights", required_argument, NULL, 'w'},
		{"vm", required_argument, NULL, 'V'},
		{"vms", required_argument, NULL, 'L'},
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
		{"version", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	const char *prog = strrchr(argv[0], '/');
	int c, ret = 0;

	*opt = (struct matrix_options){.quantum_ns = QUANTUM,
				       .mem_size = MATRIX_DEFAULT_MEM,
				       .cpu = -1};
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
		case 'v':
			version_print(stdout, "matrix");
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
		return usage_error("unexpected argument %s", argv[optind]);
	if (!opt->nvms && default_vms(opt))
		return -ENOMEM;
	return opt->weights ? apply_weights(opt) : 0;
}

void matrix_options_free(struct matrix_options *opt)
{
	for (unsigned i = 0; i < opt->nvms; i++)
		free(opt->vms[i].text);
	free(opt->vms);
	opt->vms = NULL;
	opt->nvms = opt->capacity = 0;
}
