/* uart.c - 16550A register semantics, as Linux's 8250 driver probes and
 * uses them. */
#include "uart.h"

#include <string.h>

enum {
	REG_DATA = 0, /* RBR / THR, DLL with DLAB */
	REG_IER = 1,  /* DLM with DLAB */
	REG_IIR = 2,  /* FCR when written */
	REG_LCR = 3,
	REG_MCR = 4,
	REG_LSR = 5,
	REG_MSR = 6,
	REG_SCR = 7,
};

#define IER_RDI	     0x01 /* received data available */
#define IER_THRI     0x02 /* transmitter holding register empty */
#define IIR_NO_INT   0x01
#define IIR_THRI     0x02
#define IIR_RDI	     0x04
#define IIR_FIFO     0xc0 /* FIFOs enabled: what makes it a 16550A */
#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02
#define LCR_DLAB     0x80
#define MCR_LOOP     0x10
#define LSR_DR	     0x01
#define LSR_THRE     0x20
#define LSR_TEMT     0x40
#define MSR_IDLE     0xb0 /* DCD, DSR, CTS: a terminal is attached */

void uart_init(struct uart *u, uart_tx_fn tx, void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->tx = tx;
	u->tx_ctx = ctx;
}

unsigned uart_rx_space(const struct uart *u)
{
	return UART_FIFO_SIZE - u->rx_count;
}

/* Into the FIFO; -1 when full. */
static int rx_push(struct uart *u, uint8_t byte)
{
	if (!uart_rx_space(u))
		return -1;
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
	u->rx_count++;
	return 0;
}

int uart_receive(struct uart *u, uint8_t byte)
{
	return rx_push(u, byte);
}

static uint8_t rx_pop(struct uart *u)
{
	uint8_t byte;

	if (!u->rx_count)
		return 0;
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
	u->rx_count--;
	return byte;
}

/* The highest-priority pending interrupt, as IIR's low bits say it. */
static uint8_t pending_id(const struct uart *u)
{
	if ((u->ier & IER_RDI) && u->rx_count)
		return IIR_RDI;
	if ((u->ier & IER_THRI) && u->thri_pending)
		return IIR_THRI;
	return IIR_NO_INT;
}

int uart_listening(const struct uart *u)
{
	return u->ier & IER_RDI;
}

int uart_irq_level(const struct uart *u)
{
	return pending_id(u) != IIR_NO_INT;
}

/* In loopback, the modem inputs mirror the MCR outputs: CTS=RTS,
 * DSR=DTR, RI=OUT1, DCD=OUT2. Linux's probe checks exactly this. */
static uint8_t read_msr(const struct uart *u)
{
	uint8_t m = u->mcr;

	if (!(u->mcr & MCR_LOOP))
		return MSR_IDLE;
	return (uint8_t)((m & 0x02) << 3 | (m & 0x01) << 5 | (m & 0x04) << 4 |
			 (m & 0x08) << 4);
}

static uint8_t read_iir(struct uart *u)
{
	uint8_t id = pending_id(u);

	/* Reading IIR acknowledges a THR-empty interrupt it reports. */
	if (id == IIR_THRI)
		u->thri_pending = 0;
	return (uint8_t)(id | ((u->fcr & FCR_ENABLE) ? IIR_FIFO : 0));
}

uint8_t uart_read(struct uart *u, unsigned offset)
{
	int dlab = u->lcr & LCR_DLAB;

	switch (offset) {
	case REG_DATA:
		return dlab ? u->dll : rx_pop(u);
	case REG_IER:
		return dlab ? u->dlm : u->ier;
	case REG_IIR:
		return read_iir(u);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return (uint8_t)(LSR_THRE | LSR_TEMT |
				 (u->rx_count ? LSR_DR : 0));
	case REG_MSR:
		return read_msr(u);
	case REG_SCR:
		return u->scr;
	}
	return 0xff;
}

static void write_data(struct uart *u, uint8_t value)
{
	/* Loopback sends the byte back to the receiver, not to the line. */
	if (u->mcr & MCR_LOOP)
		rx_push(u, value);
	else if (u->tx)
		u->tx(u->tx_ctx, value);
	u->thri_pending = 1;
}

static void write_fcr(struct uart *u, uint8_t value)
{
	if (value & FCR_CLEAR_RX)
		u->rx_head = u->rx_count = 0;
	u->fcr = value;
}

void uart_write(struct uart *u, unsigned offset, uint8_t value)
{
	int dlab = u->lcr & LCR_DLAB;

	switch (offset) {
	case REG_DATA:
		if (dlab)
			u->dll = value;
		else
			write_data(u, value);
		break;
	case REG_IER:
		if (dlab) {
			u->dlm = value;
			break;
		}
		/* Enabling THRI with THR empty (it always is) interrupts at
		 * once, as on a real 16550. */
		if ((value & IER_THRI) && !(u->ier & IER_THRI))
			u->thri_pending = 1;
		u->ier = value & 0x0f;
		break;
	case REG_IIR:
		write_fcr(u, value);
		break;
	case REG_LCR:
		u->lcr = value;
		break;
	case REG_MCR:
		u->mcr = value & 0x1f;
		break;
	case REG_SCR:
		u->scr = value;
		break;
	default: /* LSR and MSR are read-only */
		break;
	}
}
