/* test_faults.c - the fault reports: names, error-code text, frame decoding,
 * the installed IDT and IVT, and the x87/SSE control bits. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fault_setup.h"
#include "faults.h"
#include "fpu.h"
#include "layout.h"

static void test_mnemonics(void **state)
{
	(void)state;
	assert_string_equal(fault_mnemonic(0), "#DE");
	assert_string_equal(fault_meaning(0), "divide error");
	assert_string_equal(fault_mnemonic(6), "#UD");
	assert_string_equal(fault_meaning(6), "invalid opcode");
	assert_string_equal(fault_mnemonic(13), "#GP");
	assert_string_equal(fault_mnemonic(14), "#PF");
	assert_string_equal(fault_meaning(14), "page fault");
	assert_string_equal(fault_mnemonic(19), "#XM");
	assert_string_equal(fault_meaning(15), "reserved");
	assert_null(fault_mnemonic(FAULT_VECTORS));
	/* every vector has a name and a meaning */
	for (unsigned v = 0; v < FAULT_VECTORS; v++) {
		assert_non_null(fault_mnemonic(v));
		assert_non_null(fault_meaning(v));
	}
}

static void test_error_code_vectors(void **state)
{
	static const unsigned with[] = {8, 10, 11, 12, 13, 14, 17, 21, 29, 30};
	unsigned count = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(with) / sizeof(with[0]); i++)
		assert_true(fault_has_error_code(with[i]));
	for (unsigned v = 0; v < 40; v++)
		count += fault_has_error_code(v) ? 1 : 0;
	assert_int_equal(count, sizeof(with) / sizeof(with[0]));
}

static void test_page_fault_text(void **state)
{
	char buf[160];

	(void)state;
	fault_describe_pf(0x2, 0xbeadb000, buf, sizeof(buf));
	assert_string_equal(buf, "supervisor write to unmapped 0xbeadb000 "
				 "(error code 0x2)");
	fault_describe_pf(0x0, 0x10, buf, sizeof(buf));
	assert_string_equal(
		buf, "supervisor read of unmapped 0x10 (error code 0x0)");
	fault_describe_pf(0x7, 0x1000, buf, sizeof(buf));
	assert_string_equal(buf, "user write to 0x1000, a protection "
				 "violation (error code 0x7)");
	fault_describe_pf(0x11, 0x2000, buf, sizeof(buf));
	assert_string_equal(buf, "supervisor instruction fetch at 0x2000, a "
				 "protection violation (error code 0x11)");
	fault_describe_pf(0x9, 0x3000, buf, sizeof(buf));
	assert_string_equal(buf, "supervisor read of 0x3000, a reserved bit "
				 "set in a page-table entry (error code 0x9)");
}

static void test_selector_text(void **state)
{
	char buf[80];

	(void)state;
	fault_describe_selector(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	fault_describe_selector(0x30, buf, sizeof(buf));
	assert_string_equal(buf, "selector 0x30 (GDT index 6)");
	fault_describe_selector(0x80 * 8 + 2, buf, sizeof(buf));
	assert_string_equal(buf, "IDT vector 0x80");
	fault_describe_selector(0x0c | 1, buf, sizeof(buf));
	assert_string_equal(buf, "selector 0xc (LDT index 1), external event");
}

static void test_decode_64(void **state)
{
	/* DX, AX (the handler pushes AX first), vector, error, RIP, CS,
	 * RFLAGS, RSP, SS */
	uint64_t words[FAULT_W_MAX] = {0x2222, 0x1111, 14,     2,   0x1234,
				       0x18,   0x46,   0xeff0, 0x10};
	struct kvm_regs live = {.rax = 0x5f0, .rdx = 0x5f0, .rbx = 7};
	struct guest_fault f;
	char line[256];

	(void)state;
	assert_int_equal(fault_decode(FAULT_FRAME_64, words, 0xefa8, &live,
				      0xbeadb000, &f),
			 0);
	assert_int_equal(f.vector, 14);
	assert_int_equal(f.regs.rip, 0x1234);
	assert_int_equal(f.regs.rsp, 0xeff0);
	assert_int_equal(f.regs.rax, 0x1111);
	assert_int_equal(f.regs.rdx, 0x2222);
	assert_int_equal(f.regs.rbx, 7);
	fault_format(&f, line, sizeof(line));
	assert_string_equal(line, "#PF (page fault) at RIP 0x1234: supervisor "
				  "write to unmapped 0xbeadb000 (error code "
				  "0x2)");
}

static void test_decode_32_and_16(void **state)
{
	uint64_t w32[FAULT_W_MAX] = {0xbbbb, 0xaaaa, 13, 0x30,
				     0x1010, 0x08,   0x2};
	uint64_t w16[FAULT_W_MAX] = {0x5678, 0x1234, 6, 0, 0x1004, 0, 0x2};
	struct kvm_regs live = {.rax = 0xffff05f0, .rsp = 0xefe0};
	struct guest_fault f;
	char line[256];

	(void)state;
	assert_int_equal(
		fault_decode(FAULT_FRAME_32, w32, 0xefe4, &live, 0, &f), 0);
	/* no SS:ESP in the frame: the stack began where the frame ends */
	assert_int_equal(f.regs.rsp, 0xefe4 + 7 * 4);
	assert_int_equal(f.regs.rax, 0xaaaa);
	fault_format(&f, line, sizeof(line));
	assert_string_equal(line, "#GP (general protection) at RIP 0x1010: "
				  "selector 0x30 (GDT index 6)");

	assert_int_equal(
		fault_decode(FAULT_FRAME_16, w16, 0xeff2, &live, 0, &f), 0);
	/* a 16-bit handler saved only AX: the upper half is the live one */
	assert_int_equal(f.regs.rax, 0xffff1234);
	assert_int_equal(f.regs.rsp, 0xeff2 + 7 * 2);
	fault_format(&f, line, sizeof(line));
	assert_string_equal(line, "#UD (invalid opcode) at CS:IP 0000:1004");
}

static void test_decode_refuses_forged_vector(void **state)
{
	uint64_t words[FAULT_W_MAX] = {0, 0, 99};
	struct kvm_regs live = {0};
	struct guest_fault f;

	(void)state;
	assert_int_equal(fault_decode(FAULT_FRAME_32, words, 0, &live, 0, &f),
			 -EINVAL);
}

static void test_triple_fault_text(void **state)
{
	struct guest_fault f = {.kind = FAULT_TRIPLE};
	char line[512];

	(void)state;
	fault_format(&f, line, sizeof(line));
	assert_non_null(strstr(line, "triple fault (KVM_EXIT_SHUTDOWN)"));
	assert_non_null(strstr(line, "RIP is unknown"));
	assert_null(strstr(line, "0xfff0"));
}

static struct guest_mem small_ram(void)
{
	uint64_t size = 1ull << 20;
	void *p = calloc(1, size);

	assert_non_null(p);
	return (struct guest_mem){p, size};
}

static void test_install_idt(void **state)
{
	struct guest_mem mem = small_ram();
	struct kvm_sregs s = {0};
	uint64_t vmm = layout_vmm_area(mem.size), lo, hi;
	uint8_t *host = mem.host;

	(void)state;
	assert_int_equal(faults_install(&mem, CPU_MODE_LONG, &s, NULL), 0);
	assert_int_equal(s.idt.base, vmm + LAYOUT_VMM_IDT_OFFSET);
	assert_int_equal(s.idt.limit, FAULT_VECTORS * 16 - 1);
	/* gate 14: 64-bit code selector, interrupt gate, its stub */
	assert_int_equal(gmem_read_u64(&mem, s.idt.base + 14 * 16, &lo), 0);
	assert_int_equal(gmem_read_u64(&mem, s.idt.base + 14 * 16 + 8, &hi), 0);
	assert_int_equal((lo >> 16) & 0xffff, GDT_SEL_CODE64);
	assert_int_equal((lo >> 40) & 0xff, 0x8e);
	assert_int_equal((lo & 0xffff) | ((lo >> 48) << 16) | (hi << 32),
			 vmm + LAYOUT_VMM_FAULT_STUBS_OFFSET + 14 * 16);
	/* the stub for #PF has an error code: it pushes only its vector
	 * (push $14 is 6a 0e) */
	assert_int_equal(host[vmm + LAYOUT_VMM_FAULT_STUBS_OFFSET + 14 * 16],
			 0x6a);
	assert_int_equal(
		host[vmm + LAYOUT_VMM_FAULT_STUBS_OFFSET + 14 * 16 + 1], 14);

	memset(&s, 0, sizeof(s));
	assert_int_equal(faults_install(&mem, CPU_MODE_PROTECTED, &s, NULL), 0);
	assert_int_equal(s.idt.limit, FAULT_VECTORS * 8 - 1);
	assert_int_equal(gmem_read_u64(&mem, s.idt.base + 6 * 8, &lo), 0);
	assert_int_equal((lo >> 16) & 0xffff, GDT_SEL_CODE32);
	free(mem.host);
}

static void test_install_ivt(void **state)
{
	struct guest_mem mem = small_ram();
	struct kvm_sregs s = {0};
	uint32_t entry;

	(void)state;
	assert_int_equal(faults_install(&mem, CPU_MODE_REAL, &s, NULL), 0);
	assert_int_equal(gmem_read_u32(&mem, 6 * 4, &entry), 0);
	assert_int_equal(entry, LAYOUT_RM_FAULT_STUBS + 6 * 16);
	assert_int_equal(gmem_read_u32(&mem, 32 * 4, &entry), 0);
	assert_int_equal(entry, 0); /* past the exceptions: untouched */
	/* the 16-bit #UD stub: push $0, push $6 */
	assert_memory_equal((uint8_t *)mem.host + LAYOUT_RM_FAULT_STUBS +
				    6 * 16,
			    "\x6a\x00\x6a\x06", 4);
	free(mem.host);
}

static void test_install_ivt_leaves_an_image_alone(void **state)
{
	struct guest_mem mem = small_ram();
	struct kvm_sregs s = {0};
	uint32_t entry;

	(void)state;
	/* an image loaded over the IVT, or one that sets vector 3 itself */
	assert_int_equal(gmem_write_u32(&mem, 3 * 4, 0x12345678), 0);
	assert_int_equal(faults_install(&mem, CPU_MODE_REAL, &s, NULL), 0);
	assert_int_equal(gmem_read_u32(&mem, 6 * 4, &entry), 0);
	assert_int_equal(entry, 0);
	assert_int_equal(gmem_read_u32(&mem, 3 * 4, &entry), 0);
	assert_int_equal(entry, 0x12345678);
	free(mem.host);
}

static void test_fpu_bits(void **state)
{
	struct kvm_sregs s = {.cr0 = 0x60000010 | CR0_EM | CR0_TS};
	struct kvm_cpuid2 *cpuid =
		calloc(1, sizeof(*cpuid) + 2 * sizeof(cpuid->entries[0]));
	uint64_t xcr0 = 0;

	(void)state;
	assert_non_null(cpuid);
	fpu_prepare_sregs(&s, 0);
	assert_int_equal(s.cr0 & (CR0_MP | CR0_EM | CR0_TS), CR0_MP);
	assert_int_equal(s.cr4, CR4_OSFXSR | CR4_OSXMMEXCPT);
	fpu_prepare_sregs(&s, 1);
	assert_true(s.cr4 & CR4_OSXSAVE);

	cpuid->nent = 2;
	assert_int_equal(fpu_xcr0_for(cpuid, &xcr0), 0);
	cpuid->entries[0] =
		(struct kvm_cpuid_entry2){.function = 1, .ecx = 1u << 26};
	assert_int_equal(fpu_xcr0_for(cpuid, &xcr0), 1);
	assert_int_equal(xcr0, XCR0_X87 | XCR0_SSE);
	cpuid->entries[1] =
		(struct kvm_cpuid_entry2){.function = 0xd, .eax = 7};
	assert_int_equal(fpu_xcr0_for(cpuid, &xcr0), 1);
	assert_int_equal(xcr0, XCR0_X87 | XCR0_SSE | XCR0_AVX);
	free(cpuid);
}

/* With the instruction's bytes the report names it, and a misaligned SSE
 * operand is pointed out; without them, or undecodable, today's line. */
static void test_format_names_the_instruction(void **state)
{
	const uint8_t movaps[] = {0x0f, 0x29, 0x04, 0x24}; /* [rsp], xmm0 */
	const uint8_t disp[] = {0x0f, 0x29, 0x44, 0x24, 0x08};
	struct guest_fault f = {
		.kind = FAULT_EXCEPTION,
		.frame = FAULT_FRAME_64,
		.vector = 13,
		.regs = {.rip = 0x1011, .rsp = 0xefd8},
	};
	char line[256];

	(void)state;
	memcpy(f.insn, movaps, sizeof(movaps));
	f.insn_len = sizeof(movaps);
	fault_format(&f, line, sizeof(line));
	assert_string_equal(line, "#GP (general protection) at RIP 0x1011, in "
				  "'movaps [rsp], xmm0' (rsp 0xefd8 is not "
				  "16-byte aligned)");
	/* aligned: the #GP has another cause, and no note guesses one */
	f.regs.rsp = 0xefe0;
	fault_format(&f, line, sizeof(line));
	assert_string_equal(line, "#GP (general protection) at RIP 0x1011, in "
				  "'movaps [rsp], xmm0'");
	/* an address with a displacement is named as an address */
	memcpy(f.insn, disp, sizeof(disp));
	f.insn_len = sizeof(disp);
	fault_format(&f, line, sizeof(line));
	assert_string_equal(line, "#GP (general protection) at RIP 0x1011, in "
				  "'movaps [rsp+0x8], xmm0' (address 0xefe8 is "
				  "not 16-byte aligned)");
	/* 32-bit: the register's 32-bit name */
	f.frame = FAULT_FRAME_32;
	f.regs.rsp = 0xefd8;
	memcpy(f.insn, movaps, sizeof(movaps));
	f.insn_len = sizeof(movaps);
	fault_format(&f, line, sizeof(line));
	assert_string_equal(line, "#GP (general protection) at RIP 0x1011, in "
				  "'movaps [esp], xmm0' (esp 0xefd8 is not "
				  "16-byte aligned)");
	/* bytes the decoder does not know, or none: the line as before */
	f.insn[0] = 0xc5;
	fault_format(&f, line, sizeof(line));
	assert_string_equal(line, "#GP (general protection) at RIP 0x1011");
	f.insn_len = 0;
	fault_format(&f, line, sizeof(line));
	assert_string_equal(line, "#GP (general protection) at RIP 0x1011");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mnemonics),
		cmocka_unit_test(test_error_code_vectors),
		cmocka_unit_test(test_page_fault_text),
		cmocka_unit_test(test_selector_text),
		cmocka_unit_test(test_decode_64),
		cmocka_unit_test(test_decode_32_and_16),
		cmocka_unit_test(test_decode_refuses_forged_vector),
		cmocka_unit_test(test_triple_fault_text),
		cmocka_unit_test(test_install_idt),
		cmocka_unit_test(test_install_ivt),
		cmocka_unit_test(test_install_ivt_leaves_an_image_alone),
		cmocka_unit_test(test_fpu_bits),
		cmocka_unit_test(test_format_names_the_instruction),
	};

	return cmocka_run_group_tests_name("faults", tests, NULL, NULL);
}
