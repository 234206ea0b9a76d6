/* fuzz_hypercall.c - libFuzzer harness for the hypercall dispatcher
 * (hc_handle_io) with fake guest RAM, a fake MMU and fake I/O exits.
 *
 * Every exit is also served by a reference model written from the ABI
 * (guest/hypercall_abi.h, src/hypercall_host.h), and the two must agree:
 * return value, errno, output bytes, data written back, guest RAM written.
 * ASan watches the rest: the fake RAM is malloc'ed to exactly its size and
 * the I/O data page ends exactly where KVM's does.
 *
 * Input (every field is read little-endian; a short input reads zeros):
 *
 *   header, 5 bytes
 *     config   bits 0-2  RAM size: 0-3 1 MiB, 4 128 KiB, 5 64 KiB,
 *                        6 60 KiB (no numExitsByType ring), 7 4 KiB
 *              bit  3    ignore_unknown_ports
 *              bits 4-6  default MMU: 0,4,5 identity, 1 identity over RAM
 *                        only, 2 nothing mapped, 3 page number XOR param,
 *                        6 page number + param, 7 identity below 4 GiB only
 *              bit  7    use the deny mask
 *     param    u16       for MMU modes 3 and 6
 *     deny     u16       hc_env.denied, when config bit 7 is set
 *   then operations until the input ends, each an opcode byte (mod 8):
 *     0,1,2,7  exit: port u8 (< 0xc0: ABI port number % 9; < 0xe0: a
 *              neighbour of the ABI ports; else a raw u16 follows),
 *              flags u8 (bits 0-1 direction: 0,1 the ABI's, 2 the other,
 *              3 raw u8; bits 2-3 size: 0,1 the ABI's, 2 one of 1/2/4,
 *              3 raw u8; bits 4-5 count: 3 raw u32, else 1), data u32
 *     3        patch: GPA u24 (mod RAM size), len u8, then len bytes
 *     4        fill: GPA u24 (mod RAM size), len u24 (at most 72 KiB and
 *              to the end of RAM), byte
 *     5        map: page u24 (GVA >> 12), how u8 (mod 4: 0 unmapped, 1 to
 *              frame u24, 2 to frame (RAM pages - 1 + u8), 3 to frame
 *              (2^52 - 1 - u8), so that GPA + length overflows 64 bits)
 *     6        stats: which u8 (mod 4: total, io_in, io_out, bytype_next),
 *              value u64
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "hypercall_abi.h"
#include "hypercall_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE	     0x1000ull
#define GVA_LIMIT    0x100000000ull
#define PIO_SIZE     4096u /* KVM's I/O data page */
#define RUN_SIZE     4096u /* kvm_run's own page; the data page follows */
#define MAP_SLOTS    16u
#define OUT_CAPACITY (HC_STR_MAX + 256u)
#define FILL_MAX     (HC_STR_MAX + 2 * PAGE)

_Static_assert(sizeof(struct kvm_run) <= RUN_SIZE, "kvm_run fits its page");

/* Stop with a message naming the broken rule: libFuzzer saves the input. */
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_hypercall: %s:%d: %s\n",         \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* --- input reader ----------------------------------------------------------
 */

struct reader {
	const uint8_t *p;
	size_t left;
};

static uint64_t get(struct reader *r, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		uint64_t b = 0;

		if (r->left) {
			b = *r->p++;
			r->left--;
		}
		v |= b << (8 * i);
	}
	return v;
}

/* --- fake guest RAM, exactly sized, zero between inputs --------------------
 */

static const uint64_t ram_sizes[8] = {
	1u << 20,   1u << 20,  1u << 20,  1u << 20,
	128u << 10, 64u << 10, 60u << 10, 4u << 10,
};
static uint8_t *ram_bufs[8];
static uint8_t dirty[(1u << 20) / PAGE]; /* pages to zero after the input */

static struct guest_mem mem;

static void mark_dirty(uint64_t gpa, uint64_t len)
{
	for (uint64_t pg = gpa / PAGE;
	     len && pg < mem.size / PAGE && pg <= (gpa + len - 1) / PAGE; pg++)
		dirty[pg] = 1;
}

static void clean_ram(void)
{
	for (uint64_t pg = 0; pg < mem.size / PAGE; pg++) {
		if (dirty[pg]) {
			memset(mem.host + pg * PAGE, 0, PAGE);
			dirty[pg] = 0;
		}
	}
}

/* --- fake MMU -----------------------------------------------------------
 * Page-granular like x86 paging: a page maps to a page frame, or nothing. */

enum mmu_mode {
	MMU_IDENTITY,
	MMU_RAM_ONLY,
	MMU_NOTHING,
	MMU_XOR,
	MMU_OFFSET,
	MMU_BELOW_4G,
};

static const enum mmu_mode mmu_modes[8] = {
	MMU_IDENTITY, MMU_RAM_ONLY, MMU_NOTHING, MMU_XOR,
	MMU_IDENTITY, MMU_IDENTITY, MMU_OFFSET,	 MMU_BELOW_4G,
};

struct map_slot {
	uint64_t vpn, pfn;
	int mapped;
};

static struct {
	enum mmu_mode mode;
	uint64_t param;
	unsigned used;
	struct map_slot slot[MAP_SLOTS];
	uint64_t calls;
} mmu;

/* The model's one-page translation cache; a map operation empties it. */
static struct {
	int valid;
	uint64_t vpn;
	uint8_t *page; /* host address of the page, NULL when unreachable */
} ref_cache;

static int lookup(uint64_t gva, uint64_t *gpa)
{
	uint64_t vpn = gva / PAGE, pfn = vpn;

	for (unsigned i = 0; i < mmu.used; i++) {
		if (mmu.slot[i].vpn == vpn) {
			if (!mmu.slot[i].mapped)
				return -EFAULT;
			*gpa = mmu.slot[i].pfn * PAGE + gva % PAGE;
			return 0;
		}
	}
	switch (mmu.mode) {
	case MMU_IDENTITY:
		break;
	case MMU_RAM_ONLY:
		if (gva >= mem.size)
			return -EFAULT;
		break;
	case MMU_NOTHING:
		return -EFAULT;
	case MMU_XOR:
		pfn = vpn ^ mmu.param;
		break;
	case MMU_OFFSET:
		pfn = (vpn + mmu.param) & ((1ull << 52) - 1);
		break;
	case MMU_BELOW_4G:
		if (gva >= GVA_LIMIT)
			return -EFAULT;
		break;
	}
	*gpa = pfn * PAGE + gva % PAGE;
	return 0;
}

/* The fake MMU knows no rights: every mapping is writable and user. */
static int fake_translate(void *ctx, uint64_t gva, unsigned access,
			  uint64_t *gpa)
{
	int ret;

	(void)access;
	CHECK(ctx == &mmu);
	mmu.calls++;
	ret = lookup(gva, gpa);
	if (!ret && *gpa < mem.size)
		mark_dirty(*gpa, 1); /* the dispatcher may write there */
	return ret;
}

static int fake_kvm_translate(void *ctx, uint64_t gva, uint64_t *gpa)
{
	return fake_translate(ctx, gva, 0, gpa);
}

static void map_page(uint64_t vpn, uint64_t pfn, int mapped)
{
	unsigned i;

	for (i = 0; i < mmu.used && mmu.slot[i].vpn != vpn; i++)
		;
	if (i == mmu.used) {
		if (mmu.used == MAP_SLOTS)
			i = (unsigned)(vpn % MAP_SLOTS);
		else
			mmu.used++;
	}
	mmu.slot[i] = (struct map_slot){vpn, pfn, mapped};
	ref_cache.valid = 0;
}

/* --- the output FILE: captured, so that prints can be compared ------------
 */

static char out_buf[OUT_CAPACITY];
static size_t out_len;

static ssize_t out_write(void *cookie, const char *buf, size_t n)
{
	(void)cookie;
	CHECK(out_len + n <= sizeof(out_buf)); /* one exit prints < 64 KiB */
	memcpy(out_buf + out_len, buf, n);
	out_len += n;
	return (ssize_t)n;
}

static FILE *open_output(void)
{
	cookie_io_functions_t fns = {.write = out_write};
	FILE *f = fopencookie(NULL, "w", fns);

	CHECK(f);
	/* Unbuffered: every print reaches out_buf before hc_handle_io returns.
	 */
	setvbuf(f, NULL, _IONBF, 0);
	return f;
}

/* --- the reference model --------------------------------------------------
 */

/* The host byte behind one guest virtual byte, or NULL. */
static uint8_t *ref_byte(uint64_t gva)
{
	uint64_t gpa;

	if (gva >= GVA_LIMIT)
		return NULL;
	if (!ref_cache.valid || ref_cache.vpn != gva / PAGE) {
		ref_cache.valid = 1;
		ref_cache.vpn = gva / PAGE;
		ref_cache.page = NULL;
		/* Frames are page-aligned and RAM a whole number of pages: a
		 * page is in RAM whole or not at all. */
		if (!lookup(gva & ~(PAGE - 1), &gpa) && gpa < mem.size)
			ref_cache.page = mem.host + gpa;
	}
	return ref_cache.page ? ref_cache.page + gva % PAGE : NULL;
}

/* 0 and the bytes, or -EFAULT when any byte is unreachable. */
static int ref_read(uint64_t gva, void *dst, size_t len)
{
	uint8_t *d = dst;

	for (size_t i = 0; i < len; i++) {
		const uint8_t *b = ref_byte(gva + i);

		if (!b)
			return -EFAULT;
		d[i] = *b;
	}
	return 0;
}

static char ref_str[HC_STR_MAX];

/* HC_printStr's rule: at most HC_STR_MAX bytes with the NUL, every byte up
 * to the NUL mapped and in RAM; the bytes after the NUL do not matter.
 * Walks page by page (a page is reachable whole or not at all). */
static int ref_string(uint64_t gva, size_t *len)
{
	size_t done = 0;

	if (gva == HC_PTR_ABOVE_4G) /* the mark hc_ptr leaves: refused */
		return -EFAULT;
	while (done < HC_STR_MAX) {
		const uint8_t *b = ref_byte(gva + done), *nul;
		size_t n = PAGE - (gva + done) % PAGE;

		if (!b)
			return -EFAULT;
		if (n > HC_STR_MAX - done)
			n = HC_STR_MAX - done;
		nul = memchr(b, 0, n);
		if (nul) {
			memcpy(ref_str + done, b, (size_t)(nul - b));
			*len = done + (size_t)(nul - b);
			return 0;
		}
		memcpy(ref_str + done, b, n);
		done += n;
	}
	return -E2BIG;
}

static int call_for_port(uint16_t port)
{
	if (port == HC_PORT_PRINT8)
		return HC_NR_PRINT8;
	if (port >= HC_PORT_PRINT32 && port < HC_PORT_END)
		return HC_NR_PRINT32 + (port - HC_PORT_PRINT32);
	return -1;
}

static uint8_t abi_direction(int call)
{
	return call == HC_NR_NUM_EXITS || call == HC_NR_EXITS_BY_TYPE ||
			       call == HC_NR_ABI_VERSION
		       ? KVM_EXIT_IO_IN
		       : KVM_EXIT_IO_OUT;
}

static uint8_t abi_size(int call)
{
	return call == HC_NR_PRINT8 ? 1 : 4;
}

/* --- one exit -------------------------------------------------------------
 */

static uint8_t *exit_page; /* kvm_run, then the I/O data page */
static struct kvm_run *run;
static uint8_t *pio;
static FILE *out;
static struct exit_stats stats;
static struct hc_env env;

#define PIO_FILL 0x5a

static void expect_output(const void *text, size_t len)
{
	CHECK(out_len == len);
	CHECK(memcmp(out_buf, text, len) == 0);
}

static void expect_printf(const char *fmt, uint64_t v)
{
	char text[32];
	int n = snprintf(text, sizeof(text), fmt, v);

	expect_output(text, (size_t)n);
}

/* HC_gvaToHva's block as the model read it before the call. */
static struct hc_gva_to_hva block_before;
static int block_ok;

/* Checks a served call against the model: before is the data the guest
 * sent (out), after what it receives (in). */
static void check_call(int call, int ret, uint32_t before, uint32_t after,
		       const struct hc_outcome *oc, uint64_t total,
		       unsigned bytype_before)
{
	uint64_t u64 = 0;
	size_t len = 0;
	int want;

	if (call != HC_NR_EXIT)
		CHECK(oc->action == HC_RESUME);
	switch (call) {
	case HC_NR_PRINT8:
		CHECK(ret == 0);
		expect_output(&before, 1);
		break;
	case HC_NR_PRINT32:
		CHECK(ret == 0);
		expect_printf("%" PRIu64 "\n", before);
		break;
	case HC_NR_NUM_EXITS:
		CHECK(ret == 0 && out_len == 0);
		CHECK(after == (total > UINT32_MAX ? UINT32_MAX : total));
		break;
	case HC_NR_PRINT_STR:
		want = ref_string(before, &len);
		CHECK(ret == want);
		if (ret == 0)
			expect_output(ref_str, len);
		else
			CHECK(out_len == 0); /* nothing of a bad string */
		break;
	case HC_NR_EXITS_BY_TYPE: {
		uint32_t slot =
			HC_AREA_GPA +
			(bytype_before % HC_BYTYPE_SLOTS) * HC_BYTYPE_SLOT_SIZE;
		char text[HC_BYTYPE_SLOT_SIZE];
		int n = snprintf(text, sizeof(text),
				 "IO in: %" PRIu64 "\nIO out: %" PRIu64 "\n",
				 stats.io_in, stats.io_out);

		CHECK(n > 0 && (size_t)n < sizeof(text));
		CHECK(out_len == 0);
		if (slot + (uint64_t)n + 1 > mem.size) {
			CHECK(ret == -ERANGE);
			CHECK(env.bytype_next == bytype_before);
			break;
		}
		CHECK(ret == 0 && after == slot);
		CHECK(env.bytype_next == bytype_before + 1);
		CHECK(memcmp(mem.host + slot, text, (size_t)n + 1) == 0);
		mark_dirty(slot, (size_t)n + 1);
		break;
	}
	case HC_NR_GVA_TO_HVA: {
		struct hc_gva_to_hva back;
		uint8_t *host = NULL;
		uint64_t gpa;

		if (!block_ok) {
			CHECK(ret == -EFAULT && out_len == 0);
			break;
		}
		CHECK(ret == 0);
		CHECK(ref_read(before, &back, sizeof(back)) == 0);
		CHECK(back.gva == block_before.gva); /* an IN field */
		if (lookup(back.gva, &gpa) == 0 && gpa < mem.size)
			host = mem.host + gpa;
		CHECK(back.hva == (uint64_t)(uintptr_t)host);
		if (host)
			CHECK(out_len == 0);
		else
			expect_output("Invalid GVA\n", 12);
		break;
	}
	case HC_NR_PRINT64:
		if (before == HC_PTR_ABOVE_4G ||
		    (uint64_t)before + sizeof(u64) > GVA_LIMIT ||
		    ref_read(before, &u64, sizeof(u64))) {
			CHECK(ret == -EFAULT && out_len == 0);
			break;
		}
		CHECK(ret == 0);
		expect_printf("%" PRIu64 "\n", u64);
		break;
	case HC_NR_EXIT:
		CHECK(out_len == 0);
		if (before > HC_EXIT_CODE_MAX) { /* the VMM's own statuses */
			CHECK(ret == -ERANGE && oc->action != HC_GUEST_EXIT);
			break;
		}
		CHECK(ret == 0);
		CHECK(oc->action == HC_GUEST_EXIT && oc->exit_code == before);
		break;
	case HC_NR_ABI_VERSION:
		CHECK(ret == 0 && out_len == 0 && after == HC_ABI_VERSION);
		break;
	default:
		CHECK(0);
	}
}

/* The neighbours of the ABI's ports, and the ends of the port space. */
static const uint16_t near_ports[32] = {
	0x0e8, 0x0ea,	      0x4ff, 0x508, 0x509, 0x000, 0xffff, 0x5e9,
	0x1e9, 0x0e9 ^ 0x100, 0x510, 0x580, 0x600, 0x400, 0x3f8,  0x80,
	0x0e9, 0x500,	      0x501, 0x502, 0x503, 0x504, 0x505,  0x506,
	0x507, 0x0e9,	      0x502, 0x504, 0x505, 0x503, 0x506,  0x507,
};

static void do_exit(struct reader *r)
{
	static const uint16_t abi_ports[9] = {
		HC_PORT_PRINT8,	   HC_PORT_PRINT32,	  HC_PORT_NUM_EXITS,
		HC_PORT_PRINT_STR, HC_PORT_EXITS_BY_TYPE, HC_PORT_GVA_TO_HVA,
		HC_PORT_PRINT64,   HC_PORT_EXIT,	  HC_PORT_ABI_VERSION,
	};
	static const uint8_t sizes[4] = {1, 2, 4, 4};
	unsigned sel = (unsigned)get(r, 1), flags;
	uint16_t port;
	uint8_t dir, sz;
	uint32_t count = 1, before, after;
	uint64_t moved, total_after, by_call_before = 0;
	unsigned bytype_before = env.bytype_next;
	struct hc_outcome oc;
	struct errbuf err;
	int call, ret;

	if (sel < 0xc0)
		port = abi_ports[sel % 9];
	else if (sel < 0xe0)
		port = near_ports[sel - 0xc0];
	else
		port = (uint16_t)get(r, 2);
	call = call_for_port(port);
	flags = (unsigned)get(r, 1);
	dir = call >= 0 ? abi_direction(call) : KVM_EXIT_IO_OUT;
	if ((flags & 3) == 2)
		dir = dir == KVM_EXIT_IO_IN ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
	else if ((flags & 3) == 3)
		dir = (uint8_t)get(r, 1);
	sz = call >= 0 ? abi_size(call) : sizes[(flags >> 6) & 3];
	if (((flags >> 2) & 3) == 2)
		sz = sizes[(flags >> 6) & 3];
	else if (((flags >> 2) & 3) == 3)
		sz = (uint8_t)get(r, 1);
	if (((flags >> 4) & 3) == 3) {
		count = (uint32_t)get(r, 4);
		/* KVM never reports more than its one data page of string I/O.
		 */
		if (sz && (uint64_t)sz * count > PIO_SIZE)
			count %= PIO_SIZE / sz + 1;
	}
	before = (uint32_t)get(r, 4);

	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = dir;
	run->io.size = sz;
	run->io.port = port;
	run->io.count = count;
	run->io.data_offset = RUN_SIZE;
	memcpy(pio, &before, sizeof(before));
	moved = (uint64_t)sz * count;

	/* What the VMM's loop does before dispatching: count the exit. */
	stats_count_exit(&stats, run, 0);
	total_after = stats.total;
	if (call >= 0)
		by_call_before = stats.by_call[call];

	if (call == HC_NR_GVA_TO_HVA)
		block_ok =
			before != HC_PTR_ABOVE_4G &&
			(uint64_t)before + sizeof(block_before) <= GVA_LIMIT &&
			ref_read(before, &block_before, sizeof(block_before)) ==
				0;
	out_len = 0;
	memset(&oc, 0xcc, sizeof(oc));
	memset(&err, 0, sizeof(err));
	ret = hc_handle_io(&env, run, &oc, &err);
	memcpy(&after, pio, sizeof(after));
#ifdef FUZZ_TRACE /* -DFUZZ_TRACE: say what each exit did */
	fprintf(stderr,
		"port 0x%x dir %u size %u count %u data 0x%x: %d %s; data "
		"0x%x, %zu bytes out: %.*s\n",
		port, dir, sz, count, before, ret, err.msg, after, out_len,
		(int)(out_len < 80 ? out_len : 80), out_buf);
#endif

	/* Common rules: a failure says why, and prints nothing. */
	CHECK(ret <= 0);
	if (ret)
		CHECK(err.msg[0] != '\0' && out_len == 0);
	CHECK(memchr(err.msg, 0, sizeof(err.msg)) != NULL);
	CHECK(oc.call == call);
	CHECK(stats.total == total_after); /* the dispatcher does not count */

	if (call < 0) {
		if (!env.ignore_unknown_ports) {
			CHECK(ret == -EINVAL);
		} else {
			CHECK(ret == 0 && oc.action == HC_RESUME);
			CHECK(out_len == 0);
			if (dir == KVM_EXIT_IO_IN) {
				for (uint64_t i = 0; i < moved; i++)
					CHECK(pio[i] == 0xff);
			}
		}
	} else if (dir != abi_direction(call) || sz != abi_size(call) ||
		   count != 1) {
		CHECK(ret == -EINVAL);
		CHECK(stats.by_call[call] == by_call_before);
	} else if (env.denied & (1u << call)) {
		CHECK(ret == -EPERM);
		CHECK(stats.by_call[call] == by_call_before);
	} else {
		CHECK(stats.by_call[call] == by_call_before + 1);
		check_call(call, ret, before, after, &oc, total_after,
			   bytype_before);
		/* An out leaves the data alone; an in writes its size. */
		if (dir == KVM_EXIT_IO_OUT || ret)
			CHECK(after == before);
		else if (sz < 4)
			CHECK(memcmp((uint8_t *)&after + sz,
				     (uint8_t *)&before + sz, 4 - sz) == 0);
	}
	if (ret && call >= 0)
		CHECK(after == before);
	if (call < 0 && (dir != KVM_EXIT_IO_IN || !env.ignore_unknown_ports))
		CHECK(after == before);

	/* Nothing past what the exit moved (at least 4 bytes) changed. */
	{
		uint64_t end = moved > 4 ? moved : 4, stop = end + 16;

		if (stop > PIO_SIZE)
			stop = PIO_SIZE;
		for (uint64_t i = 4; i < stop; i++) {
			if (i >= end)
				CHECK(pio[i] == PIO_FILL);
		}
		memset(pio, PIO_FILL, stop);
	}
}

/* --- the other operations -------------------------------------------------
 */

static void do_patch(struct reader *r)
{
	uint64_t gpa = get(r, 3) % mem.size;
	size_t len = (size_t)get(r, 1);

	if (len > r->left)
		len = r->left;
	if (len > mem.size - gpa)
		len = (size_t)(mem.size - gpa);
	memcpy(mem.host + gpa, r->p, len);
	mark_dirty(gpa, len);
	r->p += len;
	r->left -= len;
}

static void do_fill(struct reader *r)
{
	uint64_t gpa = get(r, 3) % mem.size;
	uint64_t len = get(r, 3);
	uint8_t byte = (uint8_t)get(r, 1);

	/* Enough for the longest string and then some; more only costs time. */
	if (len > FILL_MAX)
		len = FILL_MAX;
	if (len > mem.size - gpa)
		len = mem.size - gpa;
	memset(mem.host + gpa, byte, len);
	mark_dirty(gpa, len);
}

static void do_map(struct reader *r)
{
	uint64_t vpn = get(r, 3);
	unsigned how = (unsigned)get(r, 1);

	switch (how % 4) {
	case 0:
		map_page(vpn, 0, 0);
		break;
	case 1:
		map_page(vpn, get(r, 3), 1);
		break;
	case 2:
		map_page(vpn, mem.size / PAGE - 1 + get(r, 1), 1);
		break;
	case 3:
		map_page(vpn, (1ull << 52) - 1 - get(r, 1), 1);
		break;
	}
}

static void do_stats(struct reader *r)
{
	unsigned which = (unsigned)get(r, 1) % 4;
	uint64_t v = get(r, 8);

	if (which == 0)
		stats.total = v;
	else if (which == 1)
		stats.io_in = v;
	else if (which == 2)
		stats.io_out = v;
	else
		env.bytype_next = (unsigned)v;
}

/* --- the entry point ------------------------------------------------------
 */

static void setup_once(void)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned j;

		/* Sizes repeat: share one buffer per size. */
		for (j = 0; j < i && ram_sizes[j] != ram_sizes[i]; j++)
			;
		ram_bufs[i] = j < i ? ram_bufs[j] : calloc(1, ram_sizes[i]);
		CHECK(ram_bufs[i]);
	}
	exit_page = malloc(RUN_SIZE + PIO_SIZE);
	CHECK(exit_page);
	memset(exit_page, 0, RUN_SIZE);
	memset(exit_page + RUN_SIZE, PIO_FILL, PIO_SIZE);
	run = (struct kvm_run *)(void *)exit_page;
	pio = exit_page + RUN_SIZE;
	out = open_output();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = {data, size};
	unsigned config, deny;

	if (!out)
		setup_once();
	config = (unsigned)get(&r, 1);
	mem = (struct guest_mem){ram_bufs[config & 7], ram_sizes[config & 7]};
	memset(&mmu, 0, sizeof(mmu));
	ref_cache.valid = 0;
	mmu.mode = mmu_modes[(config >> 4) & 7];
	mmu.param = get(&r, 2);
	deny = (unsigned)get(&r, 2);
	memset(&stats, 0, sizeof(stats));
	env = (struct hc_env){
		.mem = &mem,
		.translate = fake_translate,
		.kvm_translate = fake_kvm_translate,
		.translate_ctx = &mmu,
		.out = out,
		.stats = &stats,
		.ignore_unknown_ports = (config >> 3) & 1,
		.denied = config & 0x80 ? deny : 0,
	};

	while (r.left) {
		switch (get(&r, 1) % 8) {
		case 3:
			do_patch(&r);
			break;
		case 4:
			do_fill(&r);
			break;
		case 5:
			do_map(&r);
			break;
		case 6:
			do_stats(&r);
			break;
		default:
			do_exit(&r);
			break;
		}
	}
	clean_ram();
	return 0;
}
