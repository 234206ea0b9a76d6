/* test_gdb_rsp.c - the gdb packet codec and register layouts: framing,
 * checksums, escapes, hex, and what hostile bytes do to the decoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "gdb_regs.h"
#include "gdb_rsp.h"

/* Feeds text; returns the last event other than RSP_NONE (or RSP_NONE). */
static enum rsp_event feed(struct rsp_decoder *d, const char *text, size_t len)
{
	enum rsp_event last = RSP_NONE, ev;

	for (size_t i = 0; i < len; i++) {
		ev = rsp_feed(d, (uint8_t)text[i]);
		if (ev != RSP_NONE)
			last = ev;
	}
	return last;
}

static enum rsp_event feed_str(struct rsp_decoder *d, const char *text)
{
	return feed(d, text, strlen(text));
}

static void test_good_packet(void **state)
{
	struct rsp_decoder d;

	(void)state;
	rsp_decoder_init(&d);
	assert_int_equal(feed_str(&d, "$g#67"), RSP_PACKET);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.buf, "g");
	/* upper-case checksum digits are fine too */
	assert_int_equal(feed_str(&d, "$qSupported:swbreak+#8B"), RSP_PACKET);
	assert_string_equal(d.buf, "qSupported:swbreak+");
}

static void test_empty_packet(void **state)
{
	struct rsp_decoder d;

	(void)state;
	rsp_decoder_init(&d);
	assert_int_equal(feed_str(&d, "$#00"), RSP_PACKET);
	assert_int_equal(d.len, 0);
	assert_string_equal(d.buf, "");
}

static void test_bad_checksum(void **state)
{
	struct rsp_decoder d;

	(void)state;
	rsp_decoder_init(&d);
	assert_int_equal(feed_str(&d, "$g#68"), RSP_BAD_CHECKSUM);
	assert_int_equal(d.len, 0);
	assert_int_equal(feed_str(&d, "$g#zz"), RSP_BAD_CHECKSUM);
	assert_int_equal(feed_str(&d, "$g#6z"), RSP_BAD_CHECKSUM);
	/* the decoder is ready for the retransmission */
	assert_int_equal(feed_str(&d, "$g#67"), RSP_PACKET);
}

static void test_between_packets(void **state)
{
	struct rsp_decoder d;

	(void)state;
	rsp_decoder_init(&d);
	assert_int_equal(rsp_feed(&d, '+'), RSP_ACK);
	assert_int_equal(rsp_feed(&d, '-'), RSP_NAK);
	assert_int_equal(rsp_feed(&d, 0x03), RSP_INTERRUPT);
	/* noise is skipped */
	assert_int_equal(feed_str(&d, "hello\r\n#00"), RSP_NONE);
	assert_int_equal(feed_str(&d, "$?#3f"), RSP_PACKET);
	/* 0x03 inside a packet is payload, not an interrupt */
	assert_int_equal(feed(&d, "$\x03#03", 5), RSP_PACKET);
	assert_int_equal(d.buf[0], 3);
}

static void test_restart_on_dollar(void **state)
{
	struct rsp_decoder d;

	(void)state;
	rsp_decoder_init(&d);
	/* a lost packet's tail: the new '$' starts over */
	assert_int_equal(feed_str(&d, "$mAAAA$g#67"), RSP_PACKET);
	assert_string_equal(d.buf, "g");
}

static void test_too_long(void **state)
{
	static char big[RSP_PACKET_MAX + 100];
	struct rsp_decoder d;
	char cs[4];

	(void)state;
	memset(big, 'm', sizeof(big));
	rsp_decoder_init(&d);
	rsp_feed(&d, '$');
	feed(&d, big, sizeof(big));
	snprintf(cs, sizeof(cs), "#%02x", rsp_checksum(big, sizeof(big)));
	assert_int_equal(feed_str(&d, cs), RSP_TOO_LONG);
	assert_int_equal(d.len, 0);
	/* exactly the limit is fine */
	rsp_feed(&d, '$');
	feed(&d, big, RSP_PACKET_MAX);
	snprintf(cs, sizeof(cs), "#%02x", rsp_checksum(big, RSP_PACKET_MAX));
	assert_int_equal(feed_str(&d, cs), RSP_PACKET);
	assert_int_equal(d.len, RSP_PACKET_MAX);
	assert_int_equal(d.buf[RSP_PACKET_MAX], '\0');
}

static void test_frame(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(rsp_frame(out, sizeof(out), "OK", 2), 6);
	assert_string_equal(out, "$OK#9a");
	assert_int_equal(rsp_frame(out, sizeof(out), "", 0), 4);
	assert_string_equal(out, "$#00");
	/* '$', '#', '}' and '*' are escaped; the sum covers what is sent */
	assert_int_equal(rsp_frame(out, sizeof(out), "a$#}*", 5), 13);
	assert_memory_equal(out, "$a}\x04}\x03}]}\x0a#c3", 13);
	assert_int_equal(rsp_frame(out, 8, "OKOK", 4), -1);
	assert_int_equal(rsp_frame(out, 4, "", 0), -1);
}

static void test_frame_decode_round_trip(void **state)
{
	const char payload[] = "X1000,4:\x00}$#*\xff";
	struct rsp_decoder d;
	char out[64];
	long n, len;

	(void)state;
	n = rsp_frame(out, sizeof(out), payload, sizeof(payload) - 1);
	assert_true(n > 0);
	rsp_decoder_init(&d);
	assert_int_equal(feed(&d, out, (size_t)n), RSP_PACKET);
	len = rsp_unescape((uint8_t *)d.buf, d.len);
	assert_int_equal(len, sizeof(payload) - 1);
	assert_memory_equal(d.buf, payload, sizeof(payload) - 1);
}

static void test_unescape(void **state)
{
	uint8_t data[] = {'a', '}', 0x5d, 'b', '}', 0x03};
	uint8_t lone[] = {'a', '}'};

	(void)state;
	assert_int_equal(rsp_unescape(data, sizeof(data)), 4);
	assert_memory_equal(data, "a}b#", 4);
	assert_int_equal(rsp_unescape(lone, sizeof(lone)), -1);
}

static void test_hex(void **state)
{
	const uint8_t bytes[] = {0x00, 0x7f, 0xa5, 0xff};
	uint8_t back[4];
	char text[9];

	(void)state;
	rsp_hex_encode(text, bytes, sizeof(bytes));
	assert_string_equal(text, "007fa5ff");
	assert_int_equal(rsp_hex_decode("007FA5ff", back, 4), 0);
	assert_memory_equal(back, bytes, 4);
	assert_int_equal(rsp_hex_decode("00zz", back, 2), -1);
	assert_int_equal(rsp_hex_decode("0", back, 1), -1); /* short */
	assert_int_equal(rsp_hex_digit('g'), -1);
}

static void test_parse_hex(void **state)
{
	const char *s;
	uint64_t v;

	(void)state;
	s = "1000,4";
	assert_int_equal(rsp_parse_hex(&s, &v), 0);
	assert_int_equal(v, 0x1000);
	assert_string_equal(s, ",4");
	s = "ffffffffffffffff";
	assert_int_equal(rsp_parse_hex(&s, &v), 0);
	assert_true(v == UINT64_MAX);
	s = "0000000000000000001";
	assert_int_equal(rsp_parse_hex(&s, &v), 0);
	assert_int_equal(v, 1);
	s = "10000000000000000"; /* 2^64 */
	assert_int_equal(rsp_parse_hex(&s, &v), -1);
	assert_string_equal(s, "10000000000000000");
	s = ",4";
	assert_int_equal(rsp_parse_hex(&s, &v), -1);
	s = "";
	assert_int_equal(rsp_parse_hex(&s, &v), -1);
}

static void test_register_layouts(void **state)
{
	size_t off, size;

	(void)state;
	assert_int_equal(gdb_regs_count(1), 57);
	assert_int_equal(gdb_regs_count(0), 41);
	assert_int_equal(gdb_regs_block_size(1), 536);
	assert_int_equal(gdb_regs_block_size(0), 308);
	assert_true(gdb_regs_block_size(1) <= GDB_REGS_MAX_BYTES);
	/* amd64: rip is 16, eflags 17 (4 bytes), st0 24 (10 bytes) */
	assert_int_equal(gdb_regs_slot(1, 16, &off, &size), 0);
	assert_int_equal(off, 128);
	assert_int_equal(size, 8);
	assert_int_equal(gdb_regs_slot(1, 17, &off, &size), 0);
	assert_int_equal(size, 4);
	assert_int_equal(gdb_regs_slot(1, 24, &off, &size), 0);
	assert_int_equal(size, 10);
	assert_int_equal(gdb_regs_slot(1, 56, &off, &size), 0);
	assert_int_equal(off + size, 536);
	assert_int_equal(gdb_regs_slot(1, 57, &off, &size), -1);
	assert_int_equal(gdb_regs_slot(1, -1, &off, &size), -1);
	/* i386: eip is 8 */
	assert_int_equal(gdb_regs_slot(0, 8, &off, &size), 0);
	assert_int_equal(off, 32);
	assert_int_equal(size, 4);
	assert_int_equal(gdb_regs_slot(0, 41, &off, &size), -1);
}

static void test_target_xml(void **state)
{
	const char *x64 = gdb_regs_target_xml(1), *x32 = gdb_regs_target_xml(0);

	(void)state;
	assert_non_null(
		strstr(x64, "<architecture>i386:x86-64</architecture>"));
	assert_non_null(strstr(x64, "name=\"r15\""));
	assert_non_null(strstr(x64, "name=\"xmm15\""));
	assert_non_null(strstr(x64,
			       "name=\"mxcsr\" bitsize=\"32\" type=\"int\" "
			       "regnum=\"56\""));
	assert_non_null(strstr(x32, "<architecture>i386</architecture>"));
	assert_non_null(strstr(x32, "name=\"eip\" bitsize=\"32\" "
				    "type=\"code_ptr\" regnum=\"8\""));
	assert_null(strstr(x32, "xmm8"));
	assert_non_null(strstr(x32, "</target>"));
}

static void test_block_round_trip(void **state)
{
	uint8_t block[GDB_REGS_MAX_BYTES];
	static struct gdb_cpu cpu, back;
	size_t off, size;
	uint8_t *fx;

	(void)state;
	cpu.regs.rax = 0x1122334455667788ull;
	cpu.regs.rcx = 7;
	cpu.regs.rip = 0x1008;
	cpu.regs.rflags = 0x202;
	cpu.sregs.cs.selector = 0x18;
	fx = (uint8_t *)cpu.xsave.region;
	memcpy(fx + GDB_FX_MXCSR, "\xa0\x1f\0\0", 4); /* 0x1fa0 */
	fx[GDB_FX_XMM + 3 * 16] = 0xab;
	gdb_regs_to_block(1, &cpu, block);
	/* mxcsr is register 0x38 in gdb's amd64 layout, after xmm15 */
	assert_int_equal(gdb_regs_slot(1, 0x38, &off, &size), 0);
	assert_int_equal(size, 4);
	assert_int_equal(block[off], 0xa0);
	assert_int_equal(block[off + 1], 0x1f);
	block[off] = 0x80;
	block[off + 1] = 0x3f; /* gdb writes 0x3f80 */
	assert_int_equal(gdb_regs_slot(1, 0, &off, &size), 0);
	assert_int_equal(block[off], 0x88);
	assert_int_equal(gdb_regs_slot(1, 18, &off, &size), 0); /* cs */
	assert_int_equal(block[off], 0x18);
	gdb_regs_from_block(1, block, &back);
	assert_true(back.regs.rax == cpu.regs.rax);
	assert_true(back.regs.rip == 0x1008);
	assert_true(back.regs.rflags == 0x202);
	fx = (uint8_t *)back.xsave.region;
	assert_memory_equal(fx + GDB_FX_MXCSR, "\x80\x3f\0\0", 4);
	assert_int_equal(fx[GDB_FX_XMM + 3 * 16], 0xab);
	/* x87 and SSE marked present, or KVM_SET_XSAVE loads reset state */
	assert_int_equal(fx[GDB_XSTATE_BV] & 3, 3);
	/* i386: 32-bit registers in gdb's order (ecx is number 1) */
	gdb_regs_to_block(0, &cpu, block);
	assert_int_equal(gdb_regs_slot(0, 1, &off, &size), 0);
	assert_int_equal(block[off], 7);
	gdb_regs_from_block(0, block, &back);
	assert_true(back.regs.rax == 0x55667788u); /* upper half cleared */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_packet),
		cmocka_unit_test(test_empty_packet),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_between_packets),
		cmocka_unit_test(test_restart_on_dollar),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_frame_decode_round_trip),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_parse_hex),
		cmocka_unit_test(test_register_layouts),
		cmocka_unit_test(test_target_xml),
		cmocka_unit_test(test_block_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
