/* test_hypercall.c - the dispatcher with fake exits, fake memory and a fake
 * MMU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hypercall_abi.h"
#include "hypercall_host.h"

#define RAM_SIZE      (1u << 20)
#define REMAPPED_GVA  0x3000u	  /* the fake MMU sends this page ... */
#define REMAPPED_GPA  0x80000u	  /* ... here, so strings cross to a far page */
#define UNMAPPED_GVA  0x5000u	  /* and leaves this page unmapped */
#define GVA_PAST_RAM  0x200000u	  /* maps to itself: a GPA past RAM */
#define READ_ONLY_GVA 0x9000u	  /* mapped, but the guest may not write it */
#define TOP_PAGE_GVA  0xfffff000u /* the page of HC_PTR_ABOVE_4G, mapped */
#define TOP_PAGE_GPA  0x7000u

struct fixture {
	uint8_t ram[RAM_SIZE];
	struct guest_mem mem;
	struct exit_stats stats;
	struct hc_env env;
	union {
		struct kvm_run run;
		uint8_t bytes[4096];
	} exit;
	char *out_text;
	size_t out_len;
	struct errbuf err;
};

/* Identity, except one remapped page and one unmapped page. */
static int fake_translate(void *ctx, uint64_t gva, unsigned access,
			  uint64_t *gpa)
{
	(void)ctx;
	if ((gva & ~0xfffull) == READ_ONLY_GVA && (access & HC_ACCESS_WRITE))
		return -13; /* EACCES */
	if ((gva & ~0xfffull) == UNMAPPED_GVA || gva >= 0x100000000ull)
		return -14;
	if ((gva & ~0xfffull) == REMAPPED_GVA)
		*gpa = REMAPPED_GPA | (gva & 0xfff);
	else if ((gva & ~0xfffull) == TOP_PAGE_GVA)
		*gpa = TOP_PAGE_GPA | (gva & 0xfff);
	else
		*gpa = gva;
	return 0;
}

static int fake_kvm_translate(void *ctx, uint64_t gva, uint64_t *gpa)
{
	return fake_translate(ctx, gva, 0, gpa);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->mem = (struct guest_mem){f->ram, RAM_SIZE};
	f->env = (struct hc_env){
		.mem = &f->mem,
		.translate = fake_translate,
		.kvm_translate = fake_kvm_translate,
		.out = open_memstream(&f->out_text, &f->out_len),
		.stats = &f->stats,
	};
	f->exit.run.exit_reason = KVM_EXIT_IO;
	f->exit.run.io.data_offset = 2048;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	fclose(f->env.out);
	free(f->out_text);
	free(f);
	return 0;
}

/* A fake I/O exit: returns dispatch's result; *data is the in/out value. */
static int io_exit(struct fixture *f, uint16_t port, uint8_t dir, uint8_t size,
		   uint32_t *data, struct hc_outcome *oc)
{
	uint8_t *slot = f->exit.bytes + f->exit.run.io.data_offset;
	struct hc_outcome ignored;
	int ret;

	f->exit.run.io.port = port;
	f->exit.run.io.direction = dir;
	f->exit.run.io.size = size;
	f->exit.run.io.count = 1;
	memcpy(slot, data, 4);
	ret = hc_handle_io(&f->env, &f->exit.run, oc ? oc : &ignored, &f->err);
	memcpy(data, slot, 4);
	return ret;
}

static int out4(struct fixture *f, uint16_t port, uint32_t v)
{
	return io_exit(f, port, KVM_EXIT_IO_OUT, 4, &v, NULL);
}

static uint32_t in4(struct fixture *f, uint16_t port)
{
	uint32_t v = 0;

	assert_int_equal(io_exit(f, port, KVM_EXIT_IO_IN, 4, &v, NULL), 0);
	return v;
}

static const char *output(struct fixture *f)
{
	fflush(f->env.out);
	return f->out_len ? f->out_text : "";
}

static void test_prints(void **state)
{
	struct fixture *f = *state;
	uint32_t c = 'A';
	struct hc_u64 big = {18446744073709551615ull};

	assert_int_equal(
		io_exit(f, HC_PORT_PRINT8, KVM_EXIT_IO_OUT, 1, &c, NULL), 0);
	assert_int_equal(out4(f, HC_PORT_PRINT32, 1234567890), 0);
	memcpy(f->ram + 0x2000, &big, sizeof(big));
	assert_int_equal(out4(f, HC_PORT_PRINT64, 0x2000), 0);
	assert_string_equal(output(f), "A1234567890\n18446744073709551615\n");
	assert_int_equal(f->stats.by_call[HC_NR_PRINT32], 1);
}

static void test_num_exits_saturates(void **state)
{
	struct fixture *f = *state;

	f->stats.total = 41;
	assert_int_equal(in4(f, HC_PORT_NUM_EXITS), 41);
	f->stats.total = 1ull << 40;
	assert_int_equal(in4(f, HC_PORT_NUM_EXITS), UINT32_MAX);
}

static void test_print_str(void **state)
{
	struct fixture *f = *state;

	strcpy((char *)f->ram + 0x1000, "Hello from Guest!\n");
	assert_int_equal(out4(f, HC_PORT_PRINT_STR, 0x1000), 0);
	assert_string_equal(output(f), "Hello from Guest!\n");
}

/* On a terminal, control bytes and bytes above 0x7e are shown as \xHH;
 * newline and tab pass. Elsewhere every byte passes as it is. */
static void test_terminal_output_escapes_controls(void **state)
{
	struct fixture *f = *state;
	uint32_t esc = 0x1b;

	strcpy((char *)f->ram + 0x1000, "\x1b]0;owned\a\tok\xff\n");
	f->env.escape_controls = 1;
	assert_int_equal(out4(f, HC_PORT_PRINT_STR, 0x1000), 0);
	assert_int_equal(
		io_exit(f, HC_PORT_PRINT8, KVM_EXIT_IO_OUT, 1, &esc, NULL), 0);
	assert_string_equal(output(f), "\\x1b]0;owned\\x07\tok\\xff\n\\x1b");
}

static void test_pipe_output_is_byte_exact(void **state)
{
	struct fixture *f = *state;

	strcpy((char *)f->ram + 0x1000, "\x1b[2J\x7f\xc3\xa9");
	assert_int_equal(out4(f, HC_PORT_PRINT_STR, 0x1000), 0);
	assert_string_equal(output(f), "\x1b[2J\x7f\xc3\xa9");
}

static void test_print_str_crosses_to_remapped_page(void **state)
{
	struct fixture *f = *state;

	/* "abc" at the end of GVA page 0x2000, "def" at the start of 0x3000,
	 * which the MMU sends to GPA 0x80000 */
	memcpy(f->ram + 0x2ffd, "abc", 3);
	memcpy(f->ram + REMAPPED_GPA, "def", 4);
	memcpy(f->ram + 0x3000, "XXX", 4); /* what an identity read would see */
	assert_int_equal(out4(f, HC_PORT_PRINT_STR, 0x2ffd), 0);
	assert_string_equal(output(f), "abcdef");
}

static void test_bad_strings_print_nothing(void **state)
{
	struct fixture *f = *state;

	/* runs into an unmapped page */
	memset(f->ram + 0x4ff0, 'x', 16);
	assert_int_equal(out4(f, HC_PORT_PRINT_STR, 0x4ff0), -14);
	assert_non_null(strstr(f->err.msg, "GVA 0x5000 is not mapped"));
	/* runs off the end of RAM */
	memset(f->ram + RAM_SIZE - 8, 'y', 8);
	assert_int_equal(out4(f, HC_PORT_PRINT_STR, RAM_SIZE - 8), -14);
	assert_non_null(strstr(f->err.msg, "outside guest RAM"));
	/* starts past RAM */
	assert_int_equal(out4(f, HC_PORT_PRINT_STR, GVA_PAST_RAM), -14);
	/* no NUL within HC_STR_MAX */
	memset(f->ram + 0x10000, 'z', HC_STR_MAX);
	assert_int_equal(out4(f, HC_PORT_PRINT_STR, 0x10000), -7 /* E2BIG */);
	assert_string_equal(output(f), "");
}

static void test_print_str_ending_at_ram_end(void **state)
{
	struct fixture *f = *state;

	memcpy(f->ram + RAM_SIZE - 3, "ok", 3);
	assert_int_equal(out4(f, HC_PORT_PRINT_STR, RAM_SIZE - 3), 0);
	assert_string_equal(output(f), "ok");
}

/* One HC_numExitsByType call over a hypercall area filled with a marker:
 * the string it returns is `want`, at the start of one of the ring's
 * slots, and every byte outside that slot keeps the marker. */
static void assert_exits_by_type_in_slot(struct fixture *f, const char *want)
{
	const uint32_t end =
		HC_AREA_GPA + HC_BYTYPE_SLOTS * HC_BYTYPE_SLOT_SIZE;
	uint32_t slot;

	memset(f->ram + HC_AREA_GPA, 0xa5, 0x1000);
	slot = in4(f, HC_PORT_EXITS_BY_TYPE);
	assert_true(slot >= HC_AREA_GPA && slot < end);
	assert_int_equal((slot - HC_AREA_GPA) % HC_BYTYPE_SLOT_SIZE, 0);
	assert_string_equal((char *)f->ram + slot, want);
	for (uint32_t a = HC_AREA_GPA; a < HC_AREA_GPA + 0x1000; a++)
		if ((a < slot || a >= slot + HC_BYTYPE_SLOT_SIZE) &&
		    f->ram[a] != 0xa5)
			fail_msg("byte at 0x%x, outside the slot at 0x%x, "
				 "was written",
				 a, slot);
}

static void test_exits_by_type_ring(void **state)
{
	struct fixture *f = *state;
	uint32_t first, second;

	f->stats.io_in = 10;
	f->stats.io_out = 20;
	first = in4(f, HC_PORT_EXITS_BY_TYPE);
	f->stats.io_in = 11;
	second = in4(f, HC_PORT_EXITS_BY_TYPE);
	assert_int_not_equal(first, second);
	assert_true(first >= HC_AREA_GPA && first < 0x10000);
	/* both stay readable: the first still says what it said */
	assert_string_equal((char *)f->ram + first, "IO in: 10\nIO out: 20\n");
	assert_string_equal((char *)f->ram + second, "IO in: 11\nIO out: 20\n");
	/* after a full ring the oldest slot comes back */
	for (unsigned i = 2; i < HC_BYTYPE_SLOTS; i++)
		in4(f, HC_PORT_EXITS_BY_TYPE);
	assert_int_equal(in4(f, HC_PORT_EXITS_BY_TYPE), first);
	/* the largest counts still fit a slot, and nothing is written
	 * outside it */
	f->stats.io_in = f->stats.io_out = UINT64_MAX;
	assert_exits_by_type_in_slot(f, "IO in: 18446744073709551615\n"
					"IO out: 18446744073709551615\n");
}

static uint64_t gva_to_hva(struct fixture *f, uint64_t gva, int *ret)
{
	struct hc_gva_to_hva arg = {gva, 0xdead};

	memcpy(f->ram + 0x6000, &arg, sizeof(arg));
	*ret = out4(f, HC_PORT_GVA_TO_HVA, 0x6000);
	memcpy(&arg, f->ram + 0x6000, sizeof(arg));
	return arg.hva;
}

static void test_gva_to_hva(void **state)
{
	struct fixture *f = *state;
	int ret;

	assert_int_equal(gva_to_hva(f, 0x1234, &ret),
			 (uintptr_t)f->ram + 0x1234);
	assert_int_equal(ret, 0);
	assert_int_equal(gva_to_hva(f, REMAPPED_GVA + 8, &ret),
			 (uintptr_t)f->ram + REMAPPED_GPA + 8);
	assert_string_equal(output(f), "");
	/* unmapped, and mapped but past RAM: both "Invalid GVA" and 0 */
	assert_int_equal(gva_to_hva(f, UNMAPPED_GVA, &ret), 0);
	assert_int_equal(ret, 0);
	assert_int_equal(gva_to_hva(f, GVA_PAST_RAM, &ret), 0);
	assert_string_equal(output(f), "Invalid GVA\nInvalid GVA\n");
}

/* A block that straddles a page boundary takes the copying path, and one
 * that straddles into the remapped page must follow the MMU there. */
static void test_block_across_pages(void **state)
{
	struct fixture *f = *state;
	struct hc_gva_to_hva arg = {0x1234, 0}, back;
	const uint64_t at = REMAPPED_GVA - 8; /* 8 bytes before, 8 after */

	(void)state;
	memcpy(f->ram + at, &arg, 8);		    /* gva: identity page */
	memcpy(f->ram + REMAPPED_GPA, &arg.hva, 8); /* hva: remapped page */
	assert_int_equal(out4(f, HC_PORT_GVA_TO_HVA, at), 0);
	memcpy(&back.gva, f->ram + at, 8);
	memcpy(&back.hva, f->ram + REMAPPED_GPA, 8);
	assert_int_equal(back.gva, 0x1234);
	assert_int_equal(back.hva, (uintptr_t)f->ram + 0x1234);
	/* and into the unmapped page: refused before anything is written */
	memset(f->ram + UNMAPPED_GVA - 8, 0, 8);
	assert_int_equal(out4(f, HC_PORT_GVA_TO_HVA, UNMAPPED_GVA - 8), -14);
	assert_string_equal(output(f), "");
}

static void test_argument_blocks_checked(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(out4(f, HC_PORT_GVA_TO_HVA, UNMAPPED_GVA), -14);
	assert_int_equal(out4(f, HC_PORT_PRINT64, 0xfffffffc), -14);
	assert_non_null(strstr(f->err.msg, "wrap around 4 GiB"));
	assert_int_equal(out4(f, HC_PORT_PRINT64, RAM_SIZE - 4), -14);
}

static void test_wrong_port_size_direction(void **state)
{
	struct fixture *f = *state;
	uint32_t v = 1;

	assert_int_equal(io_exit(f, 0x80, KVM_EXIT_IO_OUT, 1, &v, NULL), -22);
	assert_non_null(strstr(f->err.msg, "unknown port 0x80 (out, size 1)"));
	assert_int_equal(
		io_exit(f, HC_PORT_PRINT32, KVM_EXIT_IO_OUT, 2, &v, NULL), -22);
	assert_non_null(strstr(f->err.msg, "size 2"));
	assert_int_equal(
		io_exit(f, HC_PORT_PRINT32, KVM_EXIT_IO_IN, 4, &v, NULL), -22);
	assert_int_equal(
		io_exit(f, HC_PORT_NUM_EXITS, KVM_EXIT_IO_OUT, 4, &v, NULL),
		-22);
	f->exit.run.io.count = 4; /* rep outsb */
	f->exit.run.io.port = HC_PORT_PRINT8;
	f->exit.run.io.size = 1;
	f->exit.run.io.direction = KVM_EXIT_IO_OUT;
	assert_int_equal(hc_handle_io(&f->env, &f->exit.run,
				      &(struct hc_outcome){0}, &f->err),
			 -22);
	assert_non_null(strstr(f->err.msg, "count 4"));
	assert_string_equal(output(f), "");
}

static void test_ignore_unknown_ports(void **state)
{
	struct fixture *f = *state;
	uint32_t v = 0;

	f->env.ignore_unknown_ports = 1;
	assert_int_equal(io_exit(f, 0x80, KVM_EXIT_IO_OUT, 1, &v, NULL), 0);
	assert_int_equal(io_exit(f, 0x60, KVM_EXIT_IO_IN, 4, &v, NULL), 0);
	assert_int_equal(v, 0xffffffffu);
	/* our own ports stay checked */
	assert_int_equal(
		io_exit(f, HC_PORT_PRINT32, KVM_EXIT_IO_IN, 4, &v, NULL), -22);
}

static void test_exit_and_version(void **state)
{
	struct fixture *f = *state;
	struct hc_outcome oc;
	uint32_t code = 7;

	assert_int_equal(
		io_exit(f, HC_PORT_EXIT, KVM_EXIT_IO_OUT, 4, &code, &oc), 0);
	assert_int_equal(oc.action, HC_GUEST_EXIT);
	assert_int_equal(oc.exit_code, 7);
	assert_int_equal(in4(f, HC_PORT_ABI_VERSION), HC_ABI_VERSION);
}

/* The guest owns codes 0..63; above them lie the VMM's own statuses. */
static void test_exit_codes_above_63_are_refused(void **state)
{
	struct fixture *f = *state;
	struct hc_outcome oc;
	uint32_t codes[] = {64, 71, 72, 124, 255, 256, UINT32_MAX};
	uint32_t last = HC_EXIT_CODE_MAX;

	assert_int_equal(
		io_exit(f, HC_PORT_EXIT, KVM_EXIT_IO_OUT, 4, &last, &oc), 0);
	assert_int_equal(oc.action, HC_GUEST_EXIT);
	assert_int_equal(oc.exit_code, 63);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		oc.action = HC_RESUME;
		assert_true(io_exit(f, HC_PORT_EXIT, KVM_EXIT_IO_OUT, 4,
				    &codes[i], &oc) < 0);
		assert_int_not_equal(oc.action, HC_GUEST_EXIT);
		assert_non_null(strstr(f->err.msg, "exit codes are 0 to 63"));
	}
}

/* An OUT block the guest maps read-only is refused, and left unwritten:
 * the VMM writes only where the guest itself could. IN-only blocks may
 * be read-only. */
static void test_out_block_must_be_writable(void **state)
{
	struct fixture *f = *state;
	struct hc_gva_to_hva arg = {0x1000, 0x1234};
	uint64_t value = 42;

	memcpy(f->ram + READ_ONLY_GVA, &arg, sizeof(arg));
	assert_int_equal(out4(f, HC_PORT_GVA_TO_HVA, READ_ONLY_GVA), -13);
	assert_non_null(strstr(f->err.msg, "is not writable by the guest"));
	memcpy(&arg, f->ram + READ_ONLY_GVA, sizeof(arg));
	assert_int_equal(arg.hva, 0x1234);
	memcpy(f->ram + READ_ONLY_GVA + 0x100, &value, sizeof(value));
	assert_int_equal(out4(f, HC_PORT_PRINT64, READ_ONLY_GVA + 0x100), 0);
	assert_string_equal(output(f), "42\n");
}

/* HC_PTR_ABOVE_4G is what hc_ptr passes for a pointer above 4 GiB: it is
 * refused even where the guest maps that byte. */
static void test_pointer_mark_is_refused_even_when_mapped(void **state)
{
	struct fixture *f = *state;

	f->ram[TOP_PAGE_GPA + 0xfff] = 0; /* an empty string at 0xffffffff */
	assert_true(out4(f, HC_PORT_PRINT_STR, HC_PTR_ABOVE_4G) < 0);
	assert_non_null(strstr(f->err.msg, "pointer above 4 GiB"));
	assert_true(out4(f, HC_PORT_PRINT64, HC_PTR_ABOVE_4G) < 0);
	assert_string_equal(output(f), "");
	/* the byte before it is an ordinary address */
	f->ram[TOP_PAGE_GPA + 0xffe] = 'x';
	assert_int_equal(out4(f, HC_PORT_PRINT_STR, 0xfffffffe), 0);
	assert_string_equal(output(f), "x");
}

static void test_denied_call(void **state)
{
	struct fixture *f = *state;
	int ret;

	f->env.denied = 1u << HC_NR_GVA_TO_HVA;
	gva_to_hva(f, 0x1000, &ret);
	assert_int_equal(ret, -1 /* EPERM */);
	assert_non_null(strstr(f->err.msg, "HC_gvaToHva is refused"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_prints),
		T(test_num_exits_saturates),
		T(test_print_str),
		T(test_terminal_output_escapes_controls),
		T(test_pipe_output_is_byte_exact),
		T(test_print_str_crosses_to_remapped_page),
		T(test_bad_strings_print_nothing),
		T(test_print_str_ending_at_ram_end),
		T(test_exits_by_type_ring),
		T(test_gva_to_hva),
		T(test_block_across_pages),
		T(test_argument_blocks_checked),
		T(test_wrong_port_size_direction),
		T(test_ignore_unknown_ports),
		T(test_exit_and_version),
		T(test_exit_codes_above_63_are_refused),
		T(test_out_block_must_be_writable),
		T(test_pointer_mark_is_refused_even_when_mapped),
		T(test_denied_call),
	};

	return cmocka_run_group_tests_name("hypercall", tests, NULL, NULL);
}
