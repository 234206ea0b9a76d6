/* simple-kvm.c - runs one guest in the x86 mode of your choice and serves its
 * hypercalls. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cpu_mode.h"
#include "diag.h"
#include "exit_stats.h"
#include "gdbstub.h"
#include "guest_va.h"
#include "hypercall_host.h"
#include "images.h"
#include "kvm.h"
#include "kvm_stats.h"
#include "layout.h"
#include "linux.h"
#include "linux_guest.h"
#include "linux_smp.h"
#include "loader.h"
#include "machine.h"
#include "outbuf.h"
#include "run_output.h"
#include "preempt.h"
#include "seccomp_filter.h"
#include "status.h"
#include "vcpu_loop.h"
#include "version.h"
#include "vm.h"

struct options {
	enum cpu_mode mode;
	int mode_flags; /* how many of -r/-s/-p/-l were given */
	char mode_flag; /* the last of them, for messages */
	uint64_t mem_size;
	uint64_t load_addr;
	int load_addr_given;
	uint64_t timeout_ns; /* 0: none */
	const char *timeout_text;
	enum stats_format stats;
	int has_expect;
	uint32_t expect;
	int ignore_unknown_ports;
	int raw_output;	 /* guest bytes unescaped even on a terminal */
	uint32_t denied; /* --deny: hypercalls refused for this run */
	int no_seccomp;
	int no_ioeventfd;
	int verbose;
	const char *device;
	const char *guest_path; /* NULL: the built-in demo for the mode */
	const char *gdb;	/* --gdb PORT or unix:PATH, else NULL */
	/* --kernel, --initrd, --append, and whether --mem was given */
	struct linux_options lx;
	int mem_given;
	int cpus_given;
};

/* Long options without a letter. */
#define OPT_NO_IOEVENTFD 0x100
#define OPT_NET		 0x101
#define OPT_BOOT	 0x102 /* --boot pvh|bzimage|auto */
#define OPT_KERNEL_CACHE 0x103
#define OPT_FILL_CACHE	 0x104
#define OPT_CPUS	 0x105 /* --cpus N */
#define OPT_EXTRACT	 0x106 /* --extract-vmlinux FILE */

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: simple-kvm [-r|-s|-p|-l] [OPTIONS] [GUEST]\n"
		"Runs a guest on KVM and serves its hypercalls (guest/hypercall.h)\n"
		"until it halts or calls HC_exit. Without GUEST, the built-in demo\n"
		"for the mode runs. GUEST is an ELF executable (32-bit for -r/-s/-p,\n"
		"64-bit for -l) or a flat binary, entered at its first byte.\n"
		"\n"
		"  -r, --real              16-bit real mode (default)\n"
		"  -s, --protected         32-bit protected mode, no paging\n"
		"  -p, --paged             32-bit protected mode with paging\n"
		"  -l, --long              64-bit long mode\n"
		"      --mem SIZE          guest RAM, e.g. 2M, 64M (default 16M)\n"
		"      --load-addr ADDR    where a flat binary goes (default 0x1000)\n"
		"      --stats[=json]      print exit statistics on stderr at the end\n"
		"      --timeout DURATION  stop a guest that runs longer, e.g. 2s\n"
		"      --expect VALUE      after HLT, check VALUE at 0x400 and in EAX\n"
		"      --ignore-unknown-ports  ignore I/O to ports outside the ABI\n"
		"      --raw-output        on a terminal too, print the guest's bytes\n"
		"                          as they are (default: control bytes as \\xHH)\n"
		"      --deny LIST         refuse these hypercalls, e.g. gvaToHva\n"
		"      --no-seccomp        do not confine the run loop (debugging)\n"
		"      --gdb unix:PATH|PORT  stop before the first instruction and\n"
		"                          wait for gdb on a private unix socket\n"
		"                          (or TCP on 127.0.0.1); implies\n"
		"                          --no-seccomp (docs/debugging.md);\n"
		"                          with --kernel each vCPU is a thread\n"
		"      --device PATH       the KVM device (default /dev/kvm)\n"
		"  -v, --verbose           say where guest RAM lives, and more\n"
		"      --disk FILE[,ro]    a virtio-blk disk on PCI backed by the raw\n"
		"                          image FILE (repeatable; docs/pci.md)\n"
		"      --rng               a virtio-rng device on PCI (getrandom)\n"
		"      --console virtio    a virtio console on PCI: with --kernel,\n"
		"                          stdin and stdout on hvc0 (docs/virtio.md;\n"
		"                          the default, serial, keeps them on\n"
		"                          ttyS0); a bare guest prints through it\n"
		"      --net unix=PATH[,listen][,mac=MAC][,pcap=FILE]\n"
		"                          a virtio-net NIC on a unix SOCK_SEQPACKET\n"
		"                          wire to another simple-kvm (one side\n"
		"                          listens); pcap= records every frame\n"
		"                          (repeatable; docs/virtio.md)\n"
		"      --net tap=NAME[,vhost=on][,mac=MAC][,pcap=FILE]\n"
		"                          the same NIC on the tap NAME (opened, or\n"
		"                          created as root, with the vnet header);\n"
		"                          vhost=on: /dev/vhost-net moves the frames\n"
		"                          (--kernel)\n"
		"      --kernel KERNEL     boot Linux (docs/linux.md); --mem 256M;\n"
		"                          a bzImage (its payload decompressed\n"
		"                          here, once: the cache) or a vmlinux,\n"
		"                          entered by its PVH note\n"
		"      --boot pvh|bzimage  force the PVH entry, or the bzImage's\n"
		"                          own (it decompresses itself in the\n"
		"                          guest); default: PVH where possible\n"
		"      --kernel-cache DIR  decompressed kernels, by SHA-256 (default\n"
		"                          $XDG_CACHE_HOME/simple-kvm or\n"
		"                          ~/.cache/simple-kvm)\n"
		"      --fill-kernel-cache  with --kernel: fill the cache and exit\n"
		"                          (no VM, no /dev/kvm)\n"
		"      --extract-vmlinux FILE  with --kernel: write the vmlinux\n"
		"                          the PVH boot enters to FILE (for gdb)\n"
		"                          and exit (no VM, no /dev/kvm)\n"
		"      --cpus N            with --kernel: N vCPUs, one host thread\n"
		"                          each (1 to 32; default 1)\n"
		"      --initrd FILE       its initramfs\n"
		"      --append CMDLINE    its command line\n"
		"      --no-ioeventfd      with --kernel: disk kicks trap to the\n"
		"                          VMM and the vCPU serves them, without\n"
		"                          the device thread (for comparison)\n"
		"  -h, --help              this text\n"
		"      --version           the version and the hypercall ABI's\n"
		"\n"
		"stdout carries exactly what the guest prints (on a terminal, its\n"
		"control bytes as \\xHH); everything else goes to stderr.\n"
		"\n"
		"Exit status: the guest's HC_exit code (0-63), 0 when it halts;\n"
		"1 --expect failed; 64 usage error; 65 guest or disk image refused\n"
		"(a disk missing or in use);\n"
		"69 no usable /dev/kvm; 70 a KVM call failed; 71 the guest crashed\n"
		"(triple fault, failed entry, MMIO outside RAM); 72 bad hypercall\n"
		"(unknown port, wrong size, bad pointer or string); 74 stdout failed\n"
		"(its reader went away); 124 timeout; 130 stopped by SIGINT or\n"
		"SIGTERM.\n");
}

/* One line on stderr about a bad flag or value; returns -EINVAL. */
__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt,
							     ...)
{
	va_list ap;

	fprintf(stderr, "simple-kvm: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return -EINVAL;
}

static int set_mode(struct options *opt, enum cpu_mode mode, char flag)
{
	opt->mode = mode;
	opt->mode_flag = flag;
	return ++opt->mode_flags > 1
		       ? usage_error("choose one mode: -r, -s, -p or -l")
		       : 0;
}

/* --boot pvh|bzimage|auto (docs/linux.md). */
static int parse_boot(const char *arg, struct linux_options *lx)
{
	if (!strcmp(arg, "pvh"))
		lx->boot = KIMG_BOOT_PVH;
	else if (!strcmp(arg, "bzimage"))
		lx->boot = KIMG_BOOT_BZIMAGE;
	else if (!strcmp(arg, "auto"))
		lx->boot = KIMG_BOOT_AUTO;
	else
		return usage_error("--boot %s: pvh, bzimage or auto", arg);
	lx->boot_given = 1;
	return 0;
}

/* --disk FILE[,ro]: a trailing ",ro" asks for a read-only disk. */
static int parse_disk(const char *arg, struct linux_options *lx)
{
	struct disk_spec *d = &lx->disks[lx->ndisks];
	size_t len = strlen(arg);

	if (lx->ndisks == MACHINE_MAX_DISKS)
		return usage_error("--disk %s: at most %d disks", arg,
				   MACHINE_MAX_DISKS);
	*d = (struct disk_spec){.path = arg};
	if (len >= 3 && !strcmp(arg + len - 3, ",ro")) {
		d->read_only = true;
		d->path = strndup(arg, len - 3);
		if (!d->path)
			return usage_error("--disk %s: out of memory", arg);
	}
	if (!d->path[0])
		return usage_error("--disk %s: no file named", arg);
	lx->ndisks++;
	return 0;
}

/* A tap's own items: vhost=on (vhost-net moves the frames; --kernel
 * only, checked with the other options) or vhost=off (the default). */
static int parse_tap_item(const char *arg, const char *item, struct net_spec *n)
{
	if (!strcmp(item, "vhost=off") || !strcmp(item, "vhost=on")) {
		n->vhost = !strcmp(item, "vhost=on");
		return 0;
	}
	return usage_error("--net %s: unknown item '%s'", arg, item);
}

/* One item of --net's list after unix=PATH or tap=NAME: listen (unix),
 * vhost= (tap), mac=, pcap=. */
static int parse_net_item(const char *arg, char *item, struct net_spec *n)
{
	if (n->tap_name &&
	    (!strcmp(item, "listen") || !strncmp(item, "vhost=", 6)))
		return !strcmp(item, "listen")
			       ? usage_error("--net %s: listen is for unix=",
					     arg)
			       : parse_tap_item(arg, item, n);
	if (!strcmp(item, "listen"))
		n->listen = true;
	else if (!strncmp(item, "mac=", 4)) {
		if (vnet_parse_mac(item + 4, n->mac))
			return usage_error("--net %s: mac=%s: use six hex "
					   "bytes, xx:xx:xx:xx:xx:xx, unicast",
					   arg, item + 4);
		n->has_mac = true;
	} else if (!strncmp(item, "pcap=", 5) && item[5]) {
		n->pcap = item + 5;
	} else {
		return usage_error("--net %s: unknown item '%s'", arg, item);
	}
	return 0;
}

/* --net unix=PATH[,listen][,mac=MAC][,pcap=FILE] or
 * tap=NAME[,vhost=off][,mac=MAC][,pcap=FILE]. The copy it cuts into
 * items lives as long as the run (the spec points into it). */
static int parse_net(const char *arg, struct linux_options *lx)
{
	struct net_spec *n = &lx->nets[lx->nnets];
	bool tap = !strncmp(arg, "tap=", 4);
	char *copy, *item, *save = NULL;
	size_t skip = tap ? 4 : 5;
	int ret = 0;

	if (lx->nnets == MACHINE_MAX_NICS)
		return usage_error("--net %s: at most %d NICs", arg,
				   MACHINE_MAX_NICS);
	if (!tap && strncmp(arg, "unix=", 5))
		return usage_error("--net %s: use unix=PATH[,listen] or "
				   "tap=NAME",
				   arg);
	copy = strdup(arg + skip);
	if (!copy)
		return usage_error("--net %s: out of memory", arg);
	*n = (struct net_spec){0};
	item = strtok_r(copy, ",", &save);
	if (!item || arg[skip] == ',')
		return usage_error("--net %s: no %s", arg,
				   tap ? "tap name" : "socket path");
	if (tap)
		n->tap_name = item;
	else
		n->unix_path = item;
	while (!ret && (item = strtok_r(NULL, ",", &save)))
		ret = parse_net_item(arg, item, n);
	if (!ret)
		lx->nnets++;
	return ret;
}

/* Parses one option's value; returns 0 or a usage error already printed. */
static int parse_value(int c, const char *arg, struct options *opt)
{
	struct errbuf err;
	uint64_t v;

	switch (c) {
	case 'm':
		opt->mem_given = 1;
		if (parse_size(arg, &opt->mem_size, &err) ||
		    vm_check_ram_size(opt->mem_size, &err))
			return usage_error("--mem %s: %s", arg, err.msg);
		return 0;
	case 'a':
		opt->load_addr_given = 1;
		if (parse_uint(arg, 0, LAYOUT_RAM_MAX, &opt->load_addr, &err))
			return usage_error("--load-addr %s: %s", arg, err.msg);
		return 0;
	case 't':
		if (parse_duration(arg, &opt->timeout_ns, &err))
			return usage_error("--timeout %s: %s", arg, err.msg);
		if (!opt->timeout_ns)
			return usage_error("--timeout %s: %s", arg,
					   "must be longer than 0");
		opt->timeout_text = arg;
		return 0;
	case 'S':
		if (!arg || !strcmp(arg, "table"))
			opt->stats = STATS_TABLE;
		else if (!strcmp(arg, "json"))
			opt->stats = STATS_JSON;
		else
			return usage_error("--stats=%s: %s", arg,
					   "use --stats or --stats=json");
		return 0;
	case 'D':
		if (hc_parse_deny(arg, &opt->denied, &err))
			return usage_error("--deny %s: %s", arg, err.msg);
		return 0;
	case 'g':
		opt->gdb = arg;
		if (strncmp(arg, "unix:", 5) &&
		    parse_uint(arg, 0, 65535, &v, &err))
			return usage_error("--gdb %s: %s (or use unix:PATH)",
					   arg, err.msg);
		return 0;
	case 'k':
		return parse_disk(arg, &opt->lx);
	case OPT_NET:
		return parse_net(arg, &opt->lx);
	case 'c':
		if (strcmp(arg, "virtio") && strcmp(arg, "serial"))
			return usage_error("--console %s: use virtio or serial",
					   arg);
		opt->lx.console_virtio = !strcmp(arg, "virtio");
		return 0;
	case OPT_CPUS:
		opt->cpus_given = 1;
		if (parse_cpus(arg, LINUX_MAX_CPUS, &opt->lx.ncpus, &err))
			return usage_error("--cpus %s: %s", arg, err.msg);
		return 0;
	case 'e':
		if (parse_uint(arg, 0, UINT32_MAX, &v, &err))
			return usage_error("--expect %s: %s", arg, err.msg);
		opt->has_expect = 1;
		opt->expect = (uint32_t)v;
		return 0;
	}
	return -EINVAL;
}

/* Adds name to the comma-separated list in buf when given is set. */
static void name_flag(char *buf, size_t len, int given, const char *name)
{
	size_t used = strlen(buf);

	if (given)
		snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
			 name);
}

/*
 * --kernel excludes every flag that only the bare mode reads, so that none
 * is silently ignored: a mode, a GUEST, --load-addr, --expect (Linux
 * never halts with an answer in EAX) and --ignore-unknown-ports (the
 * console already serves every port outside the ABI as an empty ISA bus).
 * --initrd and --append need --kernel.
 */
static bool net_wants_vhost(const struct linux_options *lx)
{
	for (unsigned i = 0; i < lx->nnets; i++)
		if (lx->nets[i].vhost)
			return true;
	return false;
}

static int check_linux_options(struct options *opt)
{
	struct linux_options *lx = &opt->lx;
	char mode[3] = {'-', opt->mode_flag, 0};
	char bad[128] = "";

	if (!lx->kernel && (lx->initrd || lx->append))
		return usage_error("--initrd and --append need --kernel");
	if (!lx->kernel && opt->cpus_given)
		return usage_error("--cpus needs --kernel: a bare guest has "
				   "one vCPU");
	if (!lx->kernel &&
	    (lx->boot_given || lx->kernel_cache || lx->fill_cache))
		return usage_error("--boot, --kernel-cache and "
				   "--fill-kernel-cache need --kernel");
	if (!lx->kernel && lx->extract)
		return usage_error("--extract-vmlinux needs --kernel");
	if (lx->extract && lx->fill_cache)
		return usage_error("--extract-vmlinux and --fill-kernel-cache: "
				   "one at a time");
	if ((lx->extract || lx->fill_cache) && opt->gdb)
		return usage_error("--gdb debugs a boot: --extract-vmlinux "
				   "and --fill-kernel-cache run no guest");
	if (!lx->kernel && net_wants_vhost(lx))
		return usage_error("--net tap=,vhost=on needs --kernel: "
				   "vhost-net takes the kicks from "
				   "ioeventfds, which the bare modes do not "
				   "use");
	if (!lx->kernel)
		return 0;
	name_flag(bad, sizeof(bad), opt->mode_flags, mode);
	name_flag(bad, sizeof(bad), opt->guest_path != NULL, "GUEST");
	name_flag(bad, sizeof(bad), opt->load_addr_given, "--load-addr");
	name_flag(bad, sizeof(bad), opt->has_expect, "--expect");
	name_flag(bad, sizeof(bad), opt->ignore_unknown_ports,
		  "--ignore-unknown-ports");
	/* Linux's virtio_net waits for frames: the device thread polls the
	 * wire, and --no-ioeventfd has none */
	name_flag(bad, sizeof(bad), lx->nnets > 0 && opt->no_ioeventfd,
		  "--net with --no-ioeventfd");
	if (bad[0])
		return usage_error("--kernel boots Linux, which has no use for "
				   "%s",
				   bad);
	lx->mem_size = opt->mem_given ? opt->mem_size : LINUX_RAM_DEFAULT;
	lx->timeout_ns = opt->timeout_ns;
	lx->timeout_text = opt->timeout_text;
	lx->stats = opt->stats;
	lx->denied = opt->denied;
	lx->no_seccomp = opt->no_seccomp;
	lx->disk_traps = opt->no_ioeventfd;
	lx->verbose = opt->verbose;
	lx->raw_output = opt->raw_output;
	return 0;
}

/* Returns 0 to run, 1 after --help, or a negative errno after a message. */
static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{"real", no_argument, NULL, 'r'},
		{"protected", no_argument, NULL, 's'},
		{"paged", no_argument, NULL, 'p'},
		{"long", no_argument, NULL, 'l'},
		{"mem", required_argument, NULL, 'm'},
		{"load-addr", required_argument, NULL, 'a'},
		{"stats", optional_argument, NULL, 'S'},
		{"timeout", required_argument, NULL, 't'},
		{"expect", required_argument, NULL, 'e'},
		{"ignore-unknown-ports", no_argument, NULL, 'i'},
		{"raw-output", no_argument, NULL, 'R'},
		{"deny", required_argument, NULL, 'D'},
		{"no-seccomp", no_argument, NULL, 'N'},
		{"gdb", required_argument, NULL, 'g'},
		{"device", required_argument, NULL, 'd'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"kernel", required_argument, NULL, 'K'},
		{"initrd", required_argument, NULL, 'I'},
		{"append", required_argument, NULL, 'A'},
		{"disk", required_argument, NULL, 'k'},
		{"rng", no_argument, NULL, 'n'},
		{"console", required_argument, NULL, 'c'},
		{"no-ioeventfd", no_argument, NULL, OPT_NO_IOEVENTFD},
		{"net", required_argument, NULL, OPT_NET},
		{"boot", required_argument, NULL, OPT_BOOT},
		{"kernel-cache", required_argument, NULL, OPT_KERNEL_CACHE},
		{"fill-kernel-cache", no_argument, NULL, OPT_FILL_CACHE},
		{"extract-vmlinux", required_argument, NULL, OPT_EXTRACT},
		{"cpus", required_argument, NULL, OPT_CPUS},
		{NULL, 0, NULL, 0},
	};
	int c, ret = 0;

	*opt = (struct options){.mode = CPU_MODE_REAL,
				.mem_size = LAYOUT_RAM_DEFAULT,
				.load_addr = LAYOUT_IMAGE_BASE,
				.device = KVM_DEV_PATH,
				.lx.ncpus = 1};
	opterr = 0; /* we print one line of our own instead */
	while (!ret &&
	       (c = getopt_long(argc, argv, ":rsplvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			ret = set_mode(opt, CPU_MODE_REAL, 'r');
			break;
		case 's':
			ret = set_mode(opt, CPU_MODE_PROTECTED, 's');
			break;
		case 'p':
			ret = set_mode(opt, CPU_MODE_PAGED32, 'p');
			break;
		case 'l':
			ret = set_mode(opt, CPU_MODE_LONG, 'l');
			break;
		case 'R':
			opt->raw_output = 1;
			break;
		case 'i':
			opt->ignore_unknown_ports = 1;
			break;
		case 'd':
			opt->device = optarg;
			break;
		case 'N':
			opt->no_seccomp = 1;
			break;
		case 'n':
			opt->lx.rng = 1;
			break;
		case OPT_NO_IOEVENTFD:
			opt->no_ioeventfd = 1;
			break;
		case 'v':
			opt->verbose = 1;
			break;
		case 'K':
			opt->lx.kernel = optarg;
			break;
		case OPT_BOOT:
			ret = parse_boot(optarg, &opt->lx);
			break;
		case OPT_KERNEL_CACHE:
			opt->lx.kernel_cache = optarg;
			break;
		case OPT_FILL_CACHE:
			opt->lx.fill_cache = 1;
			break;
		case OPT_EXTRACT:
			opt->lx.extract = optarg;
			break;
		case 'I':
			opt->lx.initrd = optarg;
			break;
		case 'A':
			opt->lx.append = optarg;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			version_print(stdout, "simple-kvm");
			return 1;
		case ':':
			return usage_error(
				"missing value for '%s' (try --help)",
				argv[optind - 1]);
		case '?':
			return usage_error("unknown option '%s' (try --help)",
					   argv[optind - 1]);
		default:
			ret = parse_value(c, optarg, opt);
		}
	}
	if (ret)
		return ret;
	if (optind < argc)
		opt->guest_path = argv[optind++];
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return check_linux_options(opt);
}

/* The guest image's bytes, unparsed: the user's file (*file, to be freed)
 * or the built-in demo for the mode. Read before the seccomp lockdown,
 * which allows no open. */
struct guest_bytes {
	const char *name;
	const uint8_t *data;
	size_t size;
	uint8_t *file;
};

static int read_guest(const struct options *opt, struct guest_bytes *g,
		      struct errbuf *err)
{
	static const char *const demo[] = {
		[CPU_MODE_REAL] = "demo-real",
		[CPU_MODE_PROTECTED] = "demo-protected",
		[CPU_MODE_PAGED32] = "demo-paged",
		[CPU_MODE_LONG] = "demo-long",
	};
	struct builtin_image builtin;

	*g = (struct guest_bytes){.name = opt->guest_path ? opt->guest_path
							  : demo[opt->mode]};
	if (opt->guest_path)
		return loader_read_file(opt->guest_path, &g->file, &g->size,
					err);
	if (images_find(g->name, &builtin))
		return err_fail(err, ENOENT, "no built-in %s", g->name);
	g->data = builtin.data;
	g->size = builtin.size;
	return 0;
}

/* Parses the image into guest RAM, checks it fits the mode and points the
 * vCPU at its entry. Runs under the seccomp filter, so that a bug in the
 * ELF parser is confined with the rest. */
static int place_guest(struct vm *vm, const struct options *opt,
		       const struct guest_bytes *g, struct errbuf *err)
{
	const uint8_t *data = g->file ? g->file : g->data;
	struct loaded_image img;
	struct kvm_regs regs;
	int ret;

	ret = loader_load_image(&vm->mem, data, g->size, opt->load_addr,
				g->name, &img, err);
	if (ret)
		return ret;
	if (img.elf_class == 64 && opt->mode != CPU_MODE_LONG)
		return err_fail(
			err, ENOEXEC,
			"%s: a 64-bit ELF file runs only in long mode (-l)",
			g->name);
	if (img.elf_class == 32 && opt->mode == CPU_MODE_LONG)
		return err_fail(err, ENOEXEC,
				"%s: a 32-bit ELF file cannot run in long mode",
				g->name);
	if (opt->mode == CPU_MODE_REAL && img.entry > 0xffff)
		return err_fail(err, ENOEXEC,
				"%s: real-mode entry 0x%" PRIx64
				" is not below 64 KiB",
				g->name, img.entry);
	if (opt->verbose)
		fprintf(stderr,
			"simple-kvm: %s mode, %" PRIu64 " KiB of RAM at host "
			"address %p, guest %s at 0x%" PRIx64 "-0x%" PRIx64
			", entry 0x%" PRIx64 "\n",
			cpu_mode_name(opt->mode), vm->mem.size >> 10,
			(void *)vm->mem.host, g->name, img.lowest, img.highest,
			img.entry);
	ret = vcpu_get_regs(&vm->vcpu, &regs, err);
	if (!ret) {
		regs.rip = img.entry;
		ret = vcpu_set_regs(&vm->vcpu, &regs, err);
	}
	return ret ? -EIO : 0;
}

/* Where the guest is, as its mode names it: "RIP 0x1234" or, in real
 * mode, "CS:IP 0000:1234". */
static void guest_place(struct vcpu *vcpu, char *buf, size_t len)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (vcpu_get_regs(vcpu, &regs, NULL)) {
		snprintf(buf, len, "RIP unknown");
		return;
	}
	if (vcpu_get_sregs(vcpu, &sregs, NULL))
		sregs = (struct kvm_sregs){.cr0 = CR0_PE}; /* name the RIP */
	diag_place(buf, len, !(sregs.cr0 & CR0_PE), sregs.cs.selector,
		   regs.rip);
}

/* The one diagnostic line, after whatever the guest printed so far. */
static void report(struct vcpu *vcpu, struct outbuf *out, const char *what,
		   const char *detail)
{
	char place[40];

	guest_place(vcpu, place, sizeof(place));
	run_output_stopped(out, "the guest's output", place, what, detail);
}

/* gdb's kill, or SIGINT/SIGTERM while gdb held the guest: status 130. */
static int gdb_killed(struct vcpu *vcpu, struct outbuf *out)
{
	int signo = preempt_stop_requested();

	report(vcpu, out, "stopped by ",
	       signo ? strsignal(signo) : "gdb's kill request");
	return STATUS_INTERRUPTED;
}

/* Runs the guest until it stops, and says why as an exit status. */
static int run_guest(struct vm *vm, struct hc_env *env, struct machine *m,
		     const struct preempt_timer *timer,
		     const struct options *opt, struct gdbstub *gdb)
{
	struct vcpu_loop loop = {
		.vcpu = &vm->vcpu, .hc = env, .mmio = &m->mmio};
	struct outbuf *out = env->outbuf;
	struct vcpu_exit ex;
	struct errbuf err;

	if (vcpu_loop_add_hypercalls(&loop, &m->ports, &err)) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		return STATUS_HOST;
	}
	for (;;) {
		vcpu_step(&loop, &ex, &err);
		switch (gdb ? gdbstub_on_event(gdb, 0, &ex) : GDB_NOT_MINE) {
		case GDB_RESUME: /* a stop gdb served, or its Ctrl-C */
			continue;
		case GDB_KILL:
			return gdb_killed(&vm->vcpu, out);
		case GDB_NOT_MINE:
			break;
		}
		switch (ex.event) {
		case VCPU_CONTINUE:
			break;
		case VCPU_INTERRUPTED:
			if (preempt_stop_requested()) {
				report(&vm->vcpu, out, "stopped by ",
				       strsignal(preempt_stop_requested()));
				return STATUS_INTERRUPTED;
			}
			if (timer && preempt_drain(timer)) {
				report(&vm->vcpu, out,
				       "timeout: still running after ",
				       opt->timeout_text);
				return STATUS_TIMEOUT;
			}
			break;
		case VCPU_HALTED:
		case VCPU_RESET: /* no bare device asks either yet */
		case VCPU_STOP:
			return STATUS_OK;
		case VCPU_GUEST_EXIT:
			return (int)ex.exit_code;
		case VCPU_BAD_HYPERCALL:
			report(&vm->vcpu, out, "bad hypercall: ", err.msg);
			return STATUS_BAD_HYPERCALL;
		case VCPU_HOST_ERROR:
			report(&vm->vcpu, out, err.msg, "");
			return STATUS_HOST;
		case VCPU_CRASHED:
		case VCPU_DEBUG: /* no debugger attached: nothing expects it */
			report(&vm->vcpu, out, err.msg, "");
			diag_dump_registers(&vm->vcpu, stderr);
			return STATUS_GUEST_CRASH;
		case VCPU_OUTPUT_ERROR: /* the reader went away */
			report(&vm->vcpu, out, err.msg, "");
			return STATUS_IO_ERROR;
		case VCPU_OUTPUT_BLOCKED: /* only with output_nowait */
			break;
		case VCPU_GUEST_FAULT: /* the fault's own line, no reset RIP */
			run_output_flush(out);
			fprintf(stderr, "simple-kvm: guest fault: %s\n",
				err.msg);
			diag_dump_registers_as(&vm->vcpu,
					       ex.fault.kind == FAULT_EXCEPTION
						       ? &ex.fault.regs
						       : NULL,
					       stderr);
			return STATUS_GUEST_CRASH;
		}
	}
}

/* The kvm-hello-world check behind --expect: the value in guest memory at
 * LAYOUT_ANSWER_ADDR and in EAX (RAX in long mode). */
static int check_expected(struct vcpu *vcpu, const struct options *opt)
{
	uint32_t in_memory = 0;
	uint64_t in_register;
	struct kvm_regs regs;
	struct errbuf err;

	if (vcpu_get_regs(vcpu, &regs, &err)) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		return STATUS_HOST;
	}
	/* A 16- or 32-bit guest only defines the low half of RAX. */
	in_register =
		opt->mode == CPU_MODE_LONG ? regs.rax : (uint32_t)regs.rax;
	gmem_read_u32(&vcpu->vm->mem, LAYOUT_ANSWER_ADDR, &in_memory);
	if (in_memory == opt->expect && in_register == opt->expect)
		return STATUS_OK;
	fprintf(stderr,
		"simple-kvm: wrong answer: expected %" PRIu32 ", found %" PRIu32
		" at 0x%llx and %" PRIu64 " in %s\n",
		opt->expect, in_memory, LAYOUT_ANSWER_ADDR, in_register,
		opt->mode == CPU_MODE_LONG ? "RAX" : "EAX");
	return STATUS_WRONG_ANSWER;
}

/* The last steps before the first KVM_RUN: SIGINT and SIGTERM let through
 * only inside KVM_RUN, the --timeout timer, then the seccomp allowlist,
 * after which no new file or VM can be opened. */
static int prepare_run(struct vm *vm, const struct options *opt,
		       struct preempt_timer *timer, struct errbuf *err)
{
	int ret = preempt_catch_stop_signals(err);

	if (!ret && opt->timeout_ns)
		ret = preempt_init(timer, SIGRTMIN, err);
	if (!ret)
		ret = preempt_attach_vcpu(opt->timeout_ns ? timer : NULL,
					  &vm->vcpu, err);
	if (!ret && opt->timeout_ns)
		ret = preempt_arm(timer, opt->timeout_ns, err);
	if (!ret && !opt->no_seccomp && !opt->gdb) /* gdb: see --help */
		ret = seccomp_lockdown(err);
	return ret;
}

/* --net's NICs, before the lockdown (which forbids making a socket that
 * listens). 0, or -1 with the line printed. */
static int add_nets(struct machine *m, const struct options *opt,
		    const struct guest_mem *mem)
{
	struct errbuf err;

	for (unsigned i = 0; i < opt->lx.nnets; i++)
		if (machine_add_net(m, &opt->lx.nets[i], mem, &err)) {
			fprintf(stderr, "simple-kvm: %s\n", err.msg);
			return -1;
		}
	return 0;
}

/* Everything between a VM that exists and a guest that has stopped. */
static int load_and_run(struct vm *vm, const struct options *opt,
			struct outbuf *out)
{
	struct preempt_timer timer;
	struct exit_stats stats = {0};
	struct hc_env env =
		hc_env_for_vcpu(&vm->vcpu, &stats, outbuf_stream(out));
	struct vcpu *const only[1] = {&vm->vcpu};
	const struct gdb_cpus one_cpu = {.vcpu = only, .n = 1};
	struct guest_bytes guest;
	struct machine m;
	struct gdbstub gdb;
	struct errbuf err;
	bool image_fault;
	int status, ret;

	env.outbuf = out;
	env.ignore_unknown_ports = opt->ignore_unknown_ports;
	env.escape_controls = !opt->raw_output && isatty(STDOUT_FILENO);
	env.denied = opt->denied;
	/* The vCPU enters its mode at the default load address; the entry
	 * is set once the image is parsed, after the lockdown. */
	if (read_guest(opt, &guest, &err)) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		return STATUS_IMAGE;
	}
	/* The disks before the lockdown, which forbids open(). No MSI-X:
	 * a bare driver polls. */
	machine_init(&m);
	if (opt->lx.ndisks &&
	    machine_add_disks(&m, opt->lx.disks, opt->lx.ndisks, &vm->mem,
			      &image_fault, &err)) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		free(guest.file);
		machine_destroy(&m);
		return image_fault ? STATUS_IMAGE : STATUS_HOST;
	}
	if ((opt->lx.rng && machine_add_rng(&m, &vm->mem, &err)) ||
	    (opt->lx.console_virtio &&
	     machine_add_console(&m, &vm->mem, out, env.escape_controls,
				 &err))) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		free(guest.file);
		machine_destroy(&m);
		return STATUS_HOST;
	}
	if (add_nets(&m, opt, &vm->mem)) {
		free(guest.file);
		machine_destroy(&m);
		return STATUS_HOST;
	}
	if (vcpu_enter_mode(&vm->vcpu, opt->mode, LAYOUT_IMAGE_BASE, &err) ||
	    (opt->gdb &&
	     gdbstub_open(&gdb, opt->gdb, &one_cpu, opt->mode == CPU_MODE_LONG,
			  stderr, &err)) ||
	    prepare_run(vm, opt, &timer, &err)) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		free(guest.file);
		machine_destroy(&m);
		return STATUS_HOST;
	}
	ret = place_guest(vm, opt, &guest, &err);
	free(guest.file);
	if (ret) {
		if (opt->gdb) /* removes a unix: socket */
			gdbstub_finish(&gdb, -1);
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		machine_destroy(&m);
		return ret == -EIO ? STATUS_HOST : STATUS_IMAGE;
	}
	if (opt->gdb && gdbstub_attach(&gdb) == GDB_KILL)
		status = gdb_killed(&vm->vcpu, out);
	else
		status =
			run_guest(vm, &env, &m, opt->timeout_ns ? &timer : NULL,
				  opt, opt->gdb ? &gdb : NULL);
	if (opt->gdb)
		gdbstub_finish(&gdb, status);
	if (opt->timeout_ns)
		preempt_destroy(&timer);
	if (status == STATUS_OK && opt->has_expect)
		status = check_expected(&vm->vcpu, opt);
	if (m.has_console) /* what its terminal filter still holds */
		vcon_finish(&m.console);
	status = run_output_end(out, "the guest's output", status);
	kvm_stats_report(&vm->vcpu, &stats, opt->stats, stderr);
	if (opt->stats)
		machine_net_report(&m, opt->stats == STATS_JSON, stderr);
	machine_destroy(&m);
	return status;
}

/* The guest's output goes through a buffer that never blocks the run
 * loop (outbuf.h), in front of stdout for the run only. */
static int run_with_output(struct vm *vm, const struct options *opt)
{
	struct outbuf out;
	int status;

	if (run_output_open(&out))
		return STATUS_HOST;
	status = load_and_run(vm, opt, &out);
	outbuf_close(&out);
	return status;
}

int main(int argc, char **argv)
{
	struct kvm_dev kvm;
	struct options opt;
	struct errbuf err;
	struct vm vm;
	int status, ret;

	seccomp_match_build();
	ret = parse_options(argc, argv, &opt);
	if (ret)
		return ret > 0 ? STATUS_OK : STATUS_USAGE;
	/* A reader that goes away is an EPIPE and a status of its own,
	 * never a death by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);

	if (opt.lx.fill_cache) /* native, outside any sandbox: no KVM */
		return linux_fill_main(&opt.lx);
	if (opt.lx.extract) /* no VM either */
		return linux_extract_main(&opt.lx);
	ret = kvm_dev_open(&kvm, opt.device, &err);
	if (ret) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		return ret == -ENOMEM ? STATUS_HOST : STATUS_NO_KVM;
	}
	if (opt.lx.kernel) {
		opt.lx.gdb = opt.gdb;
		status = linux_main(&kvm, &opt.lx);
		kvm_dev_close(&kvm);
		return status;
	}
	if (vm_create(&vm, &kvm, opt.mem_size, &err)) {
		fprintf(stderr, "simple-kvm: %s\n", err.msg);
		kvm_dev_close(&kvm);
		return STATUS_HOST;
	}
	status = run_with_output(&vm, &opt);
	vm_destroy(&vm);
	kvm_dev_close(&kvm);
	return status;
}
