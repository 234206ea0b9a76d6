/* hypercall_host.c - the dispatcher and handlers of the hypercall ABI
 * (guest/hypercall_abi.h). */
#include "hypercall_host.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "hypercall_abi.h"
#include "io_exit.h"
#include "layout.h"

#define GVA_LIMIT 0x100000000ull /* ABI pointers are 32-bit */

_Static_assert(HC_NR_COUNT <= STATS_MAX_CALLS, "stats need a slot per call");
_Static_assert(HC_NR_COUNT <= 32, "--deny keeps a bit per call");
_Static_assert(HC_BYTYPE_SLOTS *HC_BYTYPE_SLOT_SIZE <= 0x1000,
	       "the numExitsByType ring must fit in the hypercall area");

/* Serves one call: data is EAX, in and out. Errors go to env->err. */
typedef int (*hc_handler)(struct hc_env *env, uint32_t *data);

struct hc_entry {
	const char *name;
	uint8_t direction; /* KVM_EXIT_IO_IN or KVM_EXIT_IO_OUT */
	uint8_t size;	   /* bytes moved by the in/out instruction */
	hc_handler handle;
};

/*
 * Everything the guest prints goes through here. Byte for byte, except on
 * a terminal with escape_controls set: there a control byte or a byte
 * above 0x7e could drive the operator's terminal (move the cursor, set the
 * title, answer back), so it is shown as \xHH instead; newline and tab
 * pass.
 */
static void guest_output(const struct hc_env *env, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	if (!env->escape_controls) {
		fwrite(p, 1, n, env->out);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];

		if ((c >= 0x20 && c <= 0x7e) || c == '\n' || c == '\t') {
			fputc(c, env->out);
			continue;
		}
		fputc('\\', env->out);
		fputc('x', env->out);
		fputc(hex[c >> 4], env->out);
		fputc(hex[c & 15], env->out);
	}
}

/* --- guest memory by virtual address ------------------------------------ */

/* Why a page cannot be used, in words: nothing mapped, or the guest's
 * mapping forbids the access (read-only, or supervisor-only). */
static int translate_failed(int ret, uint64_t gva, unsigned access,
			    struct errbuf *err)
{
	if (ret == -EACCES)
		return err_fail(err, EACCES,
				"GVA 0x%" PRIx64 " is not %s by the guest", gva,
				access & HC_ACCESS_WRITE ? "writable"
							 : "readable");
	return err_fail(err, EFAULT, "GVA 0x%" PRIx64 " is not mapped", gva);
}

/*
 * Calls fn on each piece of [gva, gva + len) that lies within one guest
 * page, with the host pointer of that piece (fn NULL: only check them).
 * Every piece is translated on its own for the access (HC_ACCESS_WRITE or a
 * read; pages need not be contiguous) and checked by gmem_ptr.
 */
static int for_each_piece(struct hc_env *env, uint64_t gva, size_t len,
			  unsigned access,
			  int (*fn)(void *arg, uint8_t *host, size_t n),
			  void *arg, struct errbuf *err)
{
	uint64_t end;

	/* hc_ptr's mark for a pointer it could not pass: refused even when
	 * the guest maps that byte, so that no such pointer reads memory. */
	if (gva == HC_PTR_ABOVE_4G)
		return err_fail(err, EFAULT,
				"GVA 0x%" PRIx64 " stands for a pointer above "
				"4 GiB, which the ABI cannot pass",
				gva);
	if (__builtin_add_overflow(gva, (uint64_t)len, &end) || end > GVA_LIMIT)
		return err_fail(err, EFAULT,
				"%zu bytes at GVA 0x%" PRIx64
				" wrap around 4 GiB",
				len, gva);
	while (len) {
		size_t n = LAYOUT_PAGE_SIZE - (gva & (LAYOUT_PAGE_SIZE - 1));
		uint64_t gpa;
		uint8_t *host;
		int ret;

		if (n > len)
			n = len;
		ret = env->translate(env->translate_ctx, gva, access, &gpa);
		if (ret)
			return translate_failed(ret, gva, access, err);
		host = gmem_ptr(env->mem, gpa, n);
		if (!host)
			return err_fail(err, EFAULT,
					"GVA 0x%" PRIx64
					" maps to GPA 0x%" PRIx64
					", outside guest RAM",
					gva, gpa);
		ret = fn ? fn(arg, host, n) : 0;
		if (ret)
			return ret;
		gva += n;
		len -= n;
	}
	return 0;
}

struct copy_cursor {
	uint8_t *host_buf;
	int to_guest;
};

static int copy_piece(void *arg, uint8_t *host, size_t n)
{
	struct copy_cursor *c = arg;

	if (c->to_guest)
		memcpy(host, c->host_buf, n);
	else
		memcpy(c->host_buf, host, n);
	c->host_buf += n;
	return 0;
}

int hc_copy_from_guest(struct hc_env *env, uint64_t gva, void *dst, size_t len,
		       struct errbuf *err)
{
	struct copy_cursor c = {dst, 0};

	return for_each_piece(env, gva, len, 0, copy_piece, &c, err);
}

int hc_copy_to_guest(struct hc_env *env, uint64_t gva, const void *src,
		     size_t len, struct errbuf *err)
{
	struct copy_cursor c = {(uint8_t *)(uintptr_t)src, 1};
	/* Check every page before writing any: all or nothing. */
	int ret =
		for_each_piece(env, gva, len, HC_ACCESS_WRITE, NULL, NULL, err);

	if (!ret)
		ret = for_each_piece(env, gva, len, HC_ACCESS_WRITE, copy_piece,
				     &c, err);
	return ret;
}

/*
 * An argument block. The usual one is a small struct on the guest's
 * stack, inside one page: translated once, then read and written through
 * one checked host pointer, which halves the page walks. One that
 * straddles a page boundary is copied piece by piece.
 */
struct arg_block {
	uint64_t gva;
	size_t len;
	uint8_t *host; /* set when the block lies in one page */
};

static int remember_piece(void *arg, uint8_t *host, size_t n)
{
	(void)n;
	((struct arg_block *)arg)->host = host;
	return 0;
}

/* Opens the block at gva for reading its IN fields, and for writing its
 * OUT fields when access has HC_ACCESS_WRITE: the guest must map it so. */
static int block_open(struct hc_env *env, uint64_t gva, size_t len,
		      unsigned access, struct arg_block *b, struct errbuf *err)
{
	int ret;

	*b = (struct arg_block){gva, len, NULL};
	if ((gva & (LAYOUT_PAGE_SIZE - 1)) + len <= LAYOUT_PAGE_SIZE)
		ret = for_each_piece(env, gva, len, access, remember_piece, b,
				     err);
	else
		ret = for_each_piece(env, gva, len, access, NULL, NULL, err);
	return ret ? err_wrap(err, ret, "argument block") : 0;
}

static int block_read(struct hc_env *env, const struct arg_block *b, void *dst,
		      struct errbuf *err)
{
	if (b->host) {
		memcpy(dst, b->host, b->len);
		return 0;
	}
	return hc_copy_from_guest(env, b->gva, dst, b->len, err);
}

static int block_write(struct hc_env *env, const struct arg_block *b,
		       const void *src, struct errbuf *err)
{
	if (b->host) {
		memcpy(b->host, src, b->len);
		return 0;
	}
	return hc_copy_to_guest(env, b->gva, src, b->len, err);
}

/* Pieces of a guest string, collected before anything is printed. */
struct string_scan {
	struct {
		const uint8_t *p;
		size_t n;
	} piece[HC_STR_MAX / LAYOUT_PAGE_SIZE + 2];
	unsigned count;
	size_t length; /* bytes before the NUL */
	int terminated;
};

static int scan_piece(void *arg, uint8_t *host, size_t n)
{
	struct string_scan *s = arg;
	const uint8_t *nul = memchr(host, 0, n);

	if (nul)
		n = nul - host;
	s->piece[s->count].p = host;
	s->piece[s->count].n = n;
	s->count++;
	s->length += n;
	s->terminated = nul != NULL;
	/* Stop at the NUL: bytes after it are none of our business. */
	return nul ? 1 : 0;
}

/*
 * Walks the string page by page until its NUL, so that a string ending
 * just before unmapped memory or the end of RAM is fine, and one running
 * into it is refused.
 */
int hc_print_guest_string(struct hc_env *env, uint64_t gva, struct errbuf *err)
{
	struct string_scan s = {.count = 0};
	uint64_t at = gva;
	int ret = 0;

	while (!s.terminated && s.length < HC_STR_MAX) {
		size_t span = LAYOUT_PAGE_SIZE - (at & (LAYOUT_PAGE_SIZE - 1));

		if (span > HC_STR_MAX - s.length)
			span = HC_STR_MAX - s.length;
		ret = for_each_piece(env, at, span, 0, scan_piece, &s, err);
		if (ret < 0)
			return err_wrap(err, ret,
					"string at GVA 0x%" PRIx64
					" (byte %zu)",
					gva, s.length);
		at += span;
	}
	if (!s.terminated)
		return err_fail(err, E2BIG,
				"string at GVA 0x%" PRIx64
				" has no NUL within %u bytes",
				gva, HC_STR_MAX);
	for (unsigned i = 0; i < s.count; i++)
		guest_output(env, s.piece[i].p, s.piece[i].n);
	return 0;
}

/* --- decimal output ------------------------------------------------- */

/*
 * Writes v in decimal at dst (room for 20 digits) and returns the length.
 * The print and by-type hypercalls run on every such exit; printf's format
 * parsing and locale work cost more than the rest of the call.
 */
static size_t put_decimal(char *dst, uint64_t v)
{
	char digits[20];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		dst[i] = digits[n - 1 - i];
	return n;
}

/* Copies the literal s to dst + n; returns the new length. */
static size_t append(char *dst, size_t n, const char *s)
{
	size_t len = strlen(s);

	memcpy(dst + n, s, len);
	return n + len;
}

/* v in decimal and one newline, to the guest's output. */
static void print_decimal_line(const struct hc_env *env, uint64_t v)
{
	char line[21];
	size_t n = put_decimal(line, v);

	line[n++] = '\n';
	fwrite(line, 1, n, env->out);
}

/* --- the handlers --------------------------------------------------- */

static int hc_print8(struct hc_env *env, uint32_t *data)
{
	uint8_t byte = (uint8_t)*data;

	guest_output(env, &byte, 1);
	return 0;
}

static int hc_print32(struct hc_env *env, uint32_t *data)
{
	print_decimal_line(env, *data);
	return 0;
}

static int hc_print64(struct hc_env *env, uint32_t *data)
{
	struct arg_block block;
	struct hc_u64 arg;
	int ret = block_open(env, *data, sizeof(arg), 0, &block, env->err);

	if (!ret)
		ret = block_read(env, &block, &arg, env->err);
	if (!ret)
		print_decimal_line(env, arg.value);
	return ret;
}

static int hc_num_exits(struct hc_env *env, uint32_t *data)
{
	*data = stats_total_u32(env->stats);
	return 0;
}

static int hc_print_str(struct hc_env *env, uint32_t *data)
{
	return hc_print_guest_string(env, *data, env->err);
}

/* Writes "IO in: x\nIO out: y\n" into the next ring slot of the hypercall
 * area and returns its address: guest memory the VMM owns, never a host
 * pointer, identity-mapped and below 64 KiB so that every mode can use it. */
static int hc_exits_by_type(struct hc_env *env, uint32_t *data)
{
	char text[HC_BYTYPE_SLOT_SIZE];
	uint32_t slot = HC_AREA_GPA + (env->bytype_next % HC_BYTYPE_SLOTS) *
					      HC_BYTYPE_SLOT_SIZE;
	size_t n = 0;

	/* "IO in: x\nIO out: y\n": at most 7 + 20 + 9 + 20 + 1 + NUL = 58
	 * bytes, which a 64-byte slot always holds. */
	_Static_assert(HC_BYTYPE_SLOT_SIZE >= 58,
		       "a slot holds the longest string");
	n = append(text, n, "IO in: ");
	n += put_decimal(text + n, env->stats->io_in);
	n = append(text, n, "\nIO out: ");
	n += put_decimal(text + n, env->stats->io_out);
	n = append(text, n, "\n");
	text[n++] = '\0';
	if (gmem_write(env->mem, slot, text, n))
		return err_fail(env->err, ERANGE,
				"numExitsByType slot at GPA 0x%" PRIx32
				" is outside guest RAM",
				slot);
	env->bytype_next++;
	*data = slot;
	return 0;
}

static int hc_gva_to_hva(struct hc_env *env, uint32_t *data)
{
	struct arg_block block;
	struct hc_gva_to_hva arg;
	uint8_t *host = NULL;
	uint64_t gpa;
	int ret = block_open(env, *data, sizeof(arg), HC_ACCESS_WRITE, &block,
			     env->err);

	if (!ret)
		ret = block_read(env, &block, &arg, env->err);
	if (ret)
		return ret;
	/* Valid only when the translation is valid AND lands in RAM: KVM
	 * calls any address valid when paging is off. */
	if (env->kvm_translate(env->translate_ctx, arg.gva, &gpa) == 0)
		host = gmem_ptr(env->mem, gpa, 1);
	if (!host)
		fprintf(env->out, "Invalid GVA\n");
	arg.hva = (uintptr_t)host;
	return block_write(env, &block, &arg, env->err);
}

static int hc_abi_version(struct hc_env *env, uint32_t *data)
{
	(void)env;
	*data = HC_ABI_VERSION;
	return 0;
}

#define IN  KVM_EXIT_IO_IN
#define OUT KVM_EXIT_IO_OUT
/* Indexed by call number; the port is HC_PORT(nr). HC_exit has no handler:
 * it ends the run, which only the dispatcher can report. */
static const struct hc_entry hc_table[HC_NR_COUNT] = {
	[HC_NR_PRINT8] = {"HC_print8bit", OUT, 1, hc_print8},
	[HC_NR_PRINT32] = {"HC_print32bit", OUT, 4, hc_print32},
	[HC_NR_NUM_EXITS] = {"HC_numExits", IN, 4, hc_num_exits},
	[HC_NR_PRINT_STR] = {"HC_printStr", OUT, 4, hc_print_str},
	[HC_NR_EXITS_BY_TYPE] = {"HC_numExitsByType", IN, 4, hc_exits_by_type},
	[HC_NR_GVA_TO_HVA] = {"HC_gvaToHva", OUT, 4, hc_gva_to_hva},
	[HC_NR_PRINT64] = {"HC_print64bit", OUT, 4, hc_print64},
	[HC_NR_EXIT] = {"HC_exit", OUT, 4, NULL},
	[HC_NR_ABI_VERSION] = {"HC_abiVersion", IN, 4, hc_abi_version},
};
#undef IN
#undef OUT

const char *hc_call_name(int call)
{
	return call >= 0 && call < (int)HC_NR_COUNT ? hc_table[call].name
						    : NULL;
}

int hc_parse_deny(const char *list, uint32_t *mask, struct errbuf *err)
{
	const char *p = list;

	*mask = 0;
	while (p && *p) {
		size_t len = strcspn(p, ",");
		int call;

		if (len > 3 && !strncmp(p, "HC_", 3)) {
			p += 3;
			len -= 3;
		}
		for (call = 0; call < (int)HC_NR_COUNT; call++) {
			const char *name = hc_table[call].name + strlen("HC_");

			if (strlen(name) == len && !strncmp(p, name, len))
				break;
		}
		if (call == (int)HC_NR_COUNT)
			return err_fail(
				err, EINVAL,
				"unknown hypercall '%.*s' (e.g. gvaToHva)",
				(int)len, p);
		*mask |= 1u << call;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* The call served by a port, or -1: the inverse of HC_PORT(nr). */
static int call_for_port(uint16_t port)
{
	if (port == HC_PORT_DEBUGCON)
		return HC_NR_PRINT8;
	if (port >= HC_PORT_BASE && port < HC_PORT_END)
		return (int)(port - HC_PORT_BASE);
	return -1;
}

int hc_is_abi_port(uint16_t port)
{
	return call_for_port(port) >= 0;
}

static const char *direction_name(uint8_t direction)
{
	return direction == KVM_EXIT_IO_OUT ? "out" : "in";
}

/* An unknown port under --ignore-unknown-ports: an out goes nowhere and
 * an in reads all ones, as from an empty ISA bus. */
static void ignore_port(struct kvm_run *run, uint8_t *data)
{
	if (run->io.direction == KVM_EXIT_IO_IN)
		memset(data, 0xff, kvm_run_io_len(run));
}

/* HC_exit: the guest owns codes 0..HC_EXIT_CODE_MAX; anything larger would
 * pose as one of the VMM's own statuses. */
static int serve_exit(uint32_t code, struct hc_outcome *outcome,
		      struct errbuf *err)
{
	if (code > HC_EXIT_CODE_MAX)
		return err_fail(err, ERANGE,
				"HC_exit(%" PRIu32 "): exit codes are 0 to %u",
				code, HC_EXIT_CODE_MAX);
	outcome->action = HC_GUEST_EXIT;
	outcome->exit_code = code;
	return 0;
}

int hc_handle_io(struct hc_env *env, struct kvm_run *run,
		 struct hc_outcome *outcome, struct errbuf *err)
{
	uint8_t *data = kvm_run_io_data(run);
	int call = call_for_port(run->io.port);
	const struct hc_entry *e;
	uint32_t value = 0;
	int ret;

	*outcome = (struct hc_outcome){.action = HC_RESUME, .call = call};
	if (call < 0) {
		if (env->ignore_unknown_ports) {
			ignore_port(run, data);
			return 0;
		}
		return err_fail(err, EINVAL, "unknown port 0x%x (%s, size %u)",
				run->io.port, direction_name(run->io.direction),
				run->io.size);
	}
	e = &hc_table[call];
	if (run->io.direction != e->direction || run->io.size != e->size ||
	    run->io.count != 1)
		return err_fail(
			err, EINVAL,
			"%s on port 0x%x: %s of size %u count %u, the ABI "
			"says %s of size %u count 1",
			e->name, run->io.port,
			direction_name(run->io.direction), run->io.size,
			run->io.count, direction_name(e->direction), e->size);
	if (env->denied & (1u << call))
		return err_fail(err, EPERM, "%s is refused for this run",
				e->name);

	env->stats->by_call[call]++;
	memcpy(&value, data, e->size);
	if (call == HC_NR_EXIT)
		return serve_exit(value, outcome, err);
	env->err = err;
	ret = e->handle(env, &value);
	env->err = NULL;
	if (ret)
		return err_wrap(err, ret, "%s", e->name);
	if (e->direction == KVM_EXIT_IO_IN)
		memcpy(data, &value, e->size);
	return 0;
}
