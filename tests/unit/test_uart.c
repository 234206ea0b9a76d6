/* test_uart.c - the 16550A model as Linux's 8250 driver probes and drives
 * it: loopback, scratch, FIFO detection, transmit, receive, interrupts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "uart.h"

enum { DATA, IER, IIR, LCR, MCR, LSR, MSR, SCR };

struct sink {
	uint8_t bytes[256];
	unsigned len;
};

static void collect(void *ctx, uint8_t byte)
{
	struct sink *s = ctx;

	if (s->len < sizeof(s->bytes))
		s->bytes[s->len++] = byte;
}

static void test_reset_state(void **state)
{
	struct uart u;

	(void)state;
	uart_init(&u, NULL, NULL);
	assert_int_equal(uart_read(&u, IER), 0);
	assert_int_equal(uart_read(&u, IIR), 0x01); /* no interrupt */
	assert_int_equal(uart_read(&u, LSR), 0x60); /* THRE and TEMT */
	assert_int_equal(uart_irq_level(&u), 0);
}

/* autoconfig: scratch register, IER read-back, loopback MSR = 0x90. */
static void test_linux_probe(void **state)
{
	struct sink out = {0};
	struct uart u;

	(void)state;
	uart_init(&u, collect, &out);
	uart_write(&u, SCR, 0xa5);
	assert_int_equal(uart_read(&u, SCR), 0xa5);
	uart_write(&u, IER, 0x0f);
	assert_int_equal(uart_read(&u, IER), 0x0f);
	uart_write(&u, IER, 0);
	uart_write(&u, MCR, 0x10 | 0x0a); /* loop, RTS, OUT2 */
	assert_int_equal(uart_read(&u, MSR) & 0xf0, 0x90);
	uart_write(&u, MCR, 0x10 | 0x05); /* loop, DTR, OUT1 */
	assert_int_equal(uart_read(&u, MSR) & 0xf0, 0x60);
	/* loopback: a byte sent comes back and never reaches the line */
	uart_write(&u, DATA, 'L');
	assert_int_equal(uart_read(&u, LSR) & 0x01, 1);
	assert_int_equal(uart_read(&u, DATA), 'L');
	assert_int_equal(out.len, 0);
	uart_write(&u, MCR, 0);
	assert_int_equal(uart_read(&u, MSR), 0xb0);
}

static void test_fifo_detected(void **state)
{
	struct uart u;

	(void)state;
	uart_init(&u, NULL, NULL);
	uart_write(&u, IIR, 0x01); /* FCR: enable FIFOs */
	assert_int_equal(uart_read(&u, IIR) & 0xc0, 0xc0);
}

static void test_divisor_latch(void **state)
{
	struct uart u;

	(void)state;
	uart_init(&u, NULL, NULL);
	uart_write(&u, LCR, 0x83);
	uart_write(&u, DATA, 0x01);
	uart_write(&u, IER, 0x00);
	assert_int_equal(uart_read(&u, DATA), 0x01);
	uart_write(&u, LCR, 0x03);
	assert_int_equal(uart_read(&u, IER), 0); /* not the DLM */
}

static void test_transmit_and_thri(void **state)
{
	struct sink out = {0};
	struct uart u;

	(void)state;
	uart_init(&u, collect, &out);
	uart_write(&u, DATA, 'h');
	uart_write(&u, DATA, 'i');
	assert_int_equal(out.len, 2);
	assert_memory_equal(out.bytes, "hi", 2);
	/* enabling THRI with THR empty interrupts at once */
	uart_write(&u, IER, 0x02);
	assert_int_equal(uart_irq_level(&u), 1);
	assert_int_equal(uart_read(&u, IIR) & 0x0f, 0x02);
	assert_int_equal(uart_irq_level(&u), 0); /* IIR read acknowledged */
	assert_int_equal(uart_read(&u, IIR) & 0x0f, 0x01);
	uart_write(&u, DATA, '!');
	assert_int_equal(uart_irq_level(&u), 1);
}

static void test_receive(void **state)
{
	struct uart u;

	(void)state;
	uart_init(&u, NULL, NULL);
	assert_int_equal(uart_listening(&u), 0);
	assert_int_equal(uart_receive(&u, 'a'), 0);
	assert_int_equal(uart_irq_level(&u), 0); /* RDI not enabled */
	uart_write(&u, IER, 0x01);
	assert_int_equal(uart_listening(&u), 1);
	assert_int_equal(uart_irq_level(&u), 1);
	assert_int_equal(uart_read(&u, IIR) & 0x0f, 0x04);
	assert_int_equal(uart_read(&u, DATA), 'a');
	assert_int_equal(uart_irq_level(&u), 0);
	assert_int_equal(uart_read(&u, LSR) & 0x01, 0);
}

static void test_receive_priority_over_thri(void **state)
{
	struct uart u;

	(void)state;
	uart_init(&u, NULL, NULL);
	uart_write(&u, IER, 0x03);
	uart_receive(&u, 'x');
	assert_int_equal(uart_read(&u, IIR) & 0x0f, 0x04);
	uart_read(&u, DATA);
	assert_int_equal(uart_read(&u, IIR) & 0x0f, 0x02);
}

static void test_fifo_full_and_clear(void **state)
{
	struct uart u;

	(void)state;
	uart_init(&u, NULL, NULL);
	for (unsigned i = 0; i < UART_FIFO_SIZE; i++)
		assert_int_equal(uart_receive(&u, (uint8_t)i), 0);
	assert_int_equal(uart_rx_space(&u), 0);
	assert_int_equal(uart_receive(&u, 0xff), -1);
	assert_int_equal(uart_read(&u, DATA), 0); /* oldest first */
	assert_int_equal(uart_read(&u, DATA), 1);
	uart_write(&u, IIR, 0x03); /* FCR: enable, clear receive FIFO */
	assert_int_equal(uart_rx_space(&u), UART_FIFO_SIZE);
	assert_int_equal(uart_read(&u, DATA), 0); /* empty reads 0 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_state),
		cmocka_unit_test(test_linux_probe),
		cmocka_unit_test(test_fifo_detected),
		cmocka_unit_test(test_divisor_latch),
		cmocka_unit_test(test_transmit_and_thri),
		cmocka_unit_test(test_receive),
		cmocka_unit_test(test_receive_priority_over_thri),
		cmocka_unit_test(test_fifo_full_and_clear),
	};

	return cmocka_run_group_tests_name("uart", tests, NULL, NULL);
}
