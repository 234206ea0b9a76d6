/* test_insn_decode.c - the diagnostic decoder against encodings whose Intel
 * syntax objdump gives, and the emulation-failure wording. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "insn_decode.h"

struct sample {
	unsigned bits;
	uint64_t rip;
	const char *hex; /* the bytes, as objdump -d prints them */
	const char *text;
	enum insn_class cls;
};

/* Each from objdump -d -M intel of gcc output (the guests, simple-kvm). */
static const struct sample samples[] = {
	/* SSE and SSE2, as kvm_pvm's emulator meets them */
	{64, 0x1018, "0f 29 04 24", "movaps [rsp], xmm0", INSN_SSE},
	{64, 0x101f, "0f 29 44 24 10", "movaps [rsp+0x10], xmm0", INSN_SSE},
	{64, 0x1014, "66 0f ef c0", "pxor xmm0, xmm0", INSN_SSE},
	{64, 0x101a, "f2 0f 2a c0", "cvtsi2sd xmm0, eax", INSN_SSE},
	{64, 0x1000, "f2 48 0f 2a c7", "cvtsi2sd xmm0, rdi", INSN_SSE},
	{64, 0x101e, "f2 0f 59 05 1a 00 00 00", "mulsd xmm0, [0x1040]",
	 INSN_SSE},
	{64, 0x1026, "f3 0f 10 05 72 00 00 00", "movss xmm0, [0x10a0]",
	 INSN_SSE},
	{64, 0x1000, "f2 0f 2c c0", "cvttsd2si eax, xmm0", INSN_SSE},
	{64, 0x1000, "66 0f 6f 05 24 00 00 00", "movdqa xmm0, [0x102c]",
	 INSN_SSE},
	{64, 0x1000, "0f 11 44 24 08", "movups [rsp+0x8], xmm0", INSN_SSE},
	{64, 0x1000, "66 0f 2e c1", "ucomisd xmm0, xmm1", INSN_SSE},
	{64, 0x1000, "0f 57 c9", "xorps xmm1, xmm1", INSN_SSE},
	{64, 0x1000, "66 44 0f 6f c1", "movdqa xmm8, xmm1", INSN_SSE},
	{64, 0x1000, "66 0f 73 d8 08", "psrldq xmm0, 0x8", INSN_SSE},
	{64, 0x1000, "66 48 0f 7e c0", "movq rax, xmm0", INSN_SSE},
	{64, 0x1000, "0f ae 5c 24 fc", "stmxcsr [rsp-0x4]", INSN_SSE},
	{32, 0x1000, "f2 0f 5e 05 00 20 00 00", "divsd xmm0, [0x2000]",
	 INSN_SSE},
	/* x87 */
	{16, 0x101c, "dd 06 d0 11", "fld qword [0x11d0]", INSN_X87},
	{32, 0x1013, "dd 05 f0 11 00 00", "fld qword [0x11f0]", INSN_X87},
	{32, 0x1000, "d9 e8", "fld1", INSN_X87},
	{32, 0x1000, "de c9", "fmulp st(1), st(0)", INSN_X87},
	{32, 0x1000, "db 5d f8", "fistp dword [ebp-0x8]", INSN_X87},
	{64, 0x1000, "d9 7c 24 fe", "fnstcw word [rsp-0x2]", INSN_X87},
	{64, 0x1000, "df e9", "fucomip st(0), st(1)", INSN_X87},
	/* integer forms: ModRM, SIB, displacements, immediates */
	{64, 0x1000, "48 8b 74 c3 f8", "mov rsi, [rbx+rax*8-0x8]",
	 INSN_INTEGER},
	{64, 0x1000, "48 8d 0c c5 00 00 00 00", "lea rcx, [rax*8]",
	 INSN_INTEGER},
	{64, 0x1000, "48 8d 3c 01", "lea rdi, [rcx+rax]", INSN_INTEGER},
	{64, 0x1000, "48 83 ec 28", "sub rsp, 0x28", INSN_INTEGER},
	{64, 0x1000, "48 83 e4 f0", "and rsp, 0xfffffffffffffff0",
	 INSN_INTEGER},
	{64, 0x1000, "c7 05 10 00 00 00 01 00 00 00", "mov dword [0x101a], 0x1",
	 INSN_INTEGER},
	{64, 0x1000, "64 48 8b 04 25 28 00 00 00", "mov rax, fs:[0x28]",
	 INSN_INTEGER},
	{64, 0x1000, "41 0f b6 44 24 01", "movzx eax, byte [r12+0x1]",
	 INSN_INTEGER},
	{64, 0x1036, "e8 c5 ff ff ff", "call 0x1000", INSN_INTEGER},
	{64, 0x1000, "74 05", "je 0x1007", INSN_INTEGER},
	{64, 0x1000, "f3 48 ab", "rep stosq", INSN_INTEGER},
	{64, 0x1000, "f0 0f b1 15 00 00 00 00", "lock cmpxchg [0x1008], edx",
	 INSN_INTEGER},
	{64, 0x1000, "ef", "out dx, eax", INSN_INTEGER},
	{64, 0x1000, "d3 e0", "shl eax, cl", INSN_INTEGER},
	{32, 0x1000, "c7 44 24 04 00 10 00 00", "mov dword [esp+0x4], 0x1000",
	 INSN_INTEGER},
	{32, 0x1000, "a1 10 20 00 00", "mov eax, [0x2010]", INSN_INTEGER},
	/* 16-bit: gcc -m16 code, operand-size prefixes and 16-bit forms */
	{16, 0x1004, "66 e8 03 00 00 00", "call 0x100d", INSN_INTEGER},
	{16, 0x1000, "8b 46 fe", "mov ax, [bp-0x2]", INSN_INTEGER},
	{16, 0x1000, "67 66 8b 44 24 04", "mov eax, [esp+0x4]", INSN_INTEGER},
	{16, 0x1000, "0f 01 16 00 20", "lgdt [0x2000]", INSN_INTEGER},
	{16, 0x1000, "f4", "hlt", INSN_INTEGER},
};

static size_t parse_hex(const char *hex, uint8_t *bytes)
{
	size_t n = 0;

	while (*hex && n < 16) {
		bytes[n++] = (uint8_t)strtoul(hex, (char **)0, 16);
		hex += strspn(hex, "0123456789abcdef");
		hex += strspn(hex, " ");
	}
	return n;
}

static void test_samples(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *s = &samples[i];
		uint8_t bytes[16];
		size_t n = parse_hex(s->hex, bytes);
		struct insn insn;

		assert_int_equal(insn_decode(bytes, n, s->bits, s->rip, &insn),
				 0);
		assert_string_equal(insn.text, s->text);
		assert_int_equal(insn.len, n);
		assert_int_equal(insn.cls, s->cls);
	}
}

/* The memory operand's parts, for the alignment note of a fault report. */
static void test_memory_operand(void **state)
{
	const uint8_t movaps[] = {0x0f, 0x29, 0x44, 0x24, 0x10};
	const uint8_t movups[] = {0x0f, 0x11, 0x44, 0x24, 0x08};
	const uint8_t mulsd[] = {0xf2, 0x0f, 0x59, 0x05, 0x1a, 0, 0, 0};
	const uint8_t sib[] = {0x48, 0x8b, 0x74, 0xc3, 0xf8};
	struct insn insn;

	(void)state;
	assert_int_equal(insn_decode(movaps, sizeof(movaps), 64, 0, &insn), 0);
	assert_true(insn.mem.present);
	assert_int_equal(insn.mem.base, 4); /* rsp */
	assert_int_equal(insn.mem.index, INSN_NO_REG);
	assert_int_equal(insn.mem.disp, 0x10);
	assert_int_equal(insn.mem.size, 16);
	assert_int_equal(insn.mem.align, 16);
	/* movups is made for unaligned data */
	assert_int_equal(insn_decode(movups, sizeof(movups), 64, 0, &insn), 0);
	assert_int_equal(insn.mem.align, 0);
	/* a scalar operand needs no alignment; RIP-relative is resolved */
	assert_int_equal(insn_decode(mulsd, sizeof(mulsd), 64, 0x101e, &insn),
			 0);
	assert_int_equal(insn.mem.size, 8);
	assert_int_equal(insn.mem.align, 0);
	assert_true(insn.mem.rip_relative);
	assert_int_equal(insn.mem.disp, 0x1040);
	assert_int_equal(insn_decode(sib, sizeof(sib), 64, 0, &insn), 0);
	assert_int_equal(insn.mem.base, 3);  /* rbx */
	assert_int_equal(insn.mem.index, 0); /* rax */
	assert_int_equal(insn.mem.scale, 8);
	assert_int_equal(insn.mem.disp, -8);
	assert_string_equal(insn_reg_name(4, 8), "rsp");
	assert_string_equal(insn_reg_name(4, 4), "esp");
	assert_null(insn_reg_name(INSN_NO_REG, 8));
}

/* What the decoder does not know, and bytes that end too soon. */
static void test_refusals(void **state)
{
	const uint8_t vex[] = {0xc5, 0xf8, 0x77};		/* vzeroupper */
	const uint8_t three[] = {0x66, 0x0f, 0x38, 0x00, 0xc1}; /* pshufb */
	const uint8_t cut[] = {0xf2, 0x0f, 0x59, 0x05, 0x1a};	/* no disp */
	const uint8_t prefixes[16] = {0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
				      0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
				      0x66, 0x66, 0x66, 0x90};
	struct insn insn;

	(void)state;
	assert_int_equal(insn_decode(vex, sizeof(vex), 64, 0, &insn), -EINVAL);
	assert_int_equal(insn_decode(three, sizeof(three), 64, 0, &insn),
			 -EINVAL);
	assert_int_equal(insn_decode(cut, sizeof(cut), 64, 0, &insn), -ENODATA);
	assert_int_equal(insn_decode(cut, 0, 64, 0, &insn), -ENODATA);
	/* more than 15 bytes is no instruction */
	assert_int_equal(insn_decode(prefixes, sizeof(prefixes), 64, 0, &insn),
			 -ENODATA);
	assert_int_equal(insn_decode(vex, sizeof(vex), 8, 0, &insn), -EINVAL);
	/* c5 is lds outside 64-bit mode: not decoded either */
	assert_int_equal(insn_decode(vex, sizeof(vex), 32, 0, &insn), -EINVAL);
}

/* Every byte sequence decodes or is refused, within its bytes. */
static void test_no_overrun(void **state)
{
	uint8_t bytes[INSN_MAX_LEN];
	uint32_t x = 12345;
	struct insn insn;

	(void)state;
	for (int round = 0; round < 200000; round++) {
		size_t n = 1 + round % INSN_MAX_LEN;

		for (size_t k = 0; k < n; k++) {
			x = x * 1103515245u + 12345u;
			bytes[k] = (uint8_t)(x >> 16);
		}
		if (insn_decode(bytes, n, 16u << (round % 3), 0x1000, &insn) ==
		    0) {
			assert_true(insn.len >= 1 && insn.len <= n);
			assert_true(strlen(insn.text) > 0);
		}
	}
}

static void test_format_bytes(void **state)
{
	const uint8_t b[] = {0x0f, 0x59, 0x05};
	char buf[16];

	(void)state;
	insn_format_bytes(b, sizeof(b), buf, sizeof(buf));
	assert_string_equal(buf, "0f 59 05");
	insn_format_bytes(b, sizeof(b), buf, 6);
	assert_string_equal(buf, "0f 59");
	insn_format_bytes(b, 0, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

/* kvm_pvm's reason names its emulator and the way out; others do not. */
static void test_emulation_reason(void **state)
{
	(void)state;
	assert_non_null(strstr(diag_emulation_reason("kvm_pvm", INSN_SSE),
			       "lacks SSE arithmetic"));
	assert_non_null(strstr(diag_emulation_reason("kvm_pvm", INSN_SSE),
			       "-mgeneral-regs-only"));
	assert_non_null(strstr(diag_emulation_reason("kvm_pvm", INSN_X87),
			       "lacks x87 arithmetic"));
	assert_non_null(strstr(diag_emulation_reason("kvm_pvm", INSN_INTEGER),
			       "scripts/kvm-run"));
	assert_null(
		strstr(diag_emulation_reason("kvm_amd", INSN_SSE), "kvm_pvm"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_memory_operand),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_no_overrun),
		cmocka_unit_test(test_format_bytes),
		cmocka_unit_test(test_emulation_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
