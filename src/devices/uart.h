/* uart.h - a 16550A UART's registers as pure logic: no I/O, no KVM. */
#ifndef UART_H
#define UART_H

#include <stdint.h>

#define UART_COM1_BASE 0x3f8
#define UART_COM1_IRQ  4
#define UART_NREGS     8
#define UART_FIFO_SIZE 64

/* Sends one byte the guest transmitted (to stdout, a test buffer...). */
typedef void (*uart_tx_fn)(void *ctx, uint8_t byte);

/*
 * What a driver sees: THR/RBR with a 64-byte receive FIFO, IER, IIR/FCR,
 * LCR, MCR (with loopback, which Linux's probe uses), LSR, MSR, scratch,
 * and the divisor latch. Transmission is instant, so THR is always empty
 * and the THR-empty interrupt fires as soon as it is enabled or a byte
 * is written. Line status errors and modem status changes never happen.
 */
struct uart {
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
	int thri_pending; /* THR-empty interrupt waiting for an IIR read */
	uint8_t rx[UART_FIFO_SIZE];
	unsigned rx_head, rx_count;
	uart_tx_fn tx;
	void *tx_ctx;
};

/* A UART after reset, sending what the guest writes to tx(ctx, byte). */
void uart_init(struct uart *u, uart_tx_fn tx, void *ctx);

/* The guest reads register offset (0..7); returns its value. Reading may
 * change state: RBR pops the FIFO, IIR acknowledges THR-empty. */
uint8_t uart_read(struct uart *u, unsigned offset);

/* The guest writes value to register offset (0..7). */
void uart_write(struct uart *u, unsigned offset, uint8_t value);

/* Bytes the receive FIFO can still take. */
unsigned uart_rx_space(const struct uart *u);

/* The host delivers a byte typed on the console; 0, or -1 when the FIFO
 * is full (the caller keeps the byte for later). */
int uart_receive(struct uart *u, uint8_t byte);

/* True once the driver enabled the receive interrupt: before that,
 * typed bytes wait with the host (a driver's startup clears the FIFO). */
int uart_listening(const struct uart *u);

/* The level of the interrupt line: 1 while an enabled interrupt is
 * pending (IIR bit 0 clear). */
int uart_irq_level(const struct uart *u);

#endif
