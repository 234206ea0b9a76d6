/* linux_console.c - COM1 on stdin/stdout, the reset port and the empty
 * ISA bus, for a Linux guest. */
#include "linux_console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "vm.h"

#define KBC_STATUS 0x64
#define KBC_RESET  0xfe
/* Status read on port 0x64: output buffer full, input buffer empty. The
 * i8042 driver then flushes, finds the buffer never empties and decides
 * there is no controller at once; reboot's wait for an empty input buffer
 * ends at once. */
#define KBC_STATUS_VALUE 0xfd
#define CTRL_A		 0x01

/* A byte the guest sent, through the terminal filter when c->escape is
 * set (term_filter.h says what passes). */
static void tx_byte(void *ctx, uint8_t byte)
{
	struct linux_console *c = ctx;
	uint8_t out[TERM_FILTER_OUT_MAX(1)];
	size_t n = 1;

	out[0] = byte;
	if (c->escape)
		n = term_filter_feed(&c->filter, &byte, 1, out);
	fwrite(out, 1, n, c->out);
}

/* Raw input, output left as it is: the guest sends its own CR LF. */
static int make_raw(struct linux_console *c, struct errbuf *err)
{
	struct termios t;

	if (tcgetattr(c->in_fd, &c->saved) < 0)
		return err_fail(err, errno, "tcgetattr: %s", strerror(errno));
	t = c->saved;
	t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR |
				 IGNCR | ICRNL | IXON);
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(c->in_fd, TCSANOW, &t) < 0)
		return err_fail(err, errno, "tcsetattr: %s", strerror(errno));
	c->raw = 1;
	return 0;
}

static int bind_irq(struct linux_console *c, struct vm *vm, struct errbuf *err)
{
	struct kvm_irqfd irqfd = {.gsi = UART_COM1_IRQ};

	c->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->irq_fd < 0)
		return err_fail(err, errno, "eventfd: %s", strerror(errno));
	irqfd.fd = (uint32_t)c->irq_fd;
	if (ioctl(vm->fd, KVM_IRQFD, &irqfd) < 0)
		return err_fail(err, errno, "KVM_IRQFD: %s", strerror(errno));
	return 0;
}

/*
 * A descriptor of its own on in_fd's file, opened with O_NONBLOCK: setting
 * O_NONBLOCK on in_fd itself would change the file the shell shares, and
 * putting it back at the end is an fcntl the seccomp allowlist refuses.
 * -1 (no console input) when in_fd is closed or cannot be reopened (a
 * socket).
 */
static int open_nonblocking(int in_fd)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", in_fd);
	return open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

int linux_console_open(struct linux_console *c, struct vm *vm, int in_fd,
		       FILE *out, struct errbuf *err)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->out = out;
	c->in_fd = in_fd;
	c->irq_fd = -1;
	c->read_fd = -1;
	term_filter_init(&c->filter);
	uart_init(&c->uart, tx_byte, c);
	ret = bind_irq(c, vm, err);
	if (ret)
		goto out_close;
	if (in_fd < 0)
		return 0;
	c->read_fd = open_nonblocking(in_fd);
	if (isatty(in_fd)) {
		ret = make_raw(c, err);
		if (ret)
			goto out_close;
	}
	return 0;

out_close:
	linux_console_close(c);
	return ret;
}

void linux_console_close(struct linux_console *c)
{
	uint8_t held[TERM_FILTER_OUT_MAX(0)];

	if (c->escape && c->out)
		fwrite(held, 1, term_filter_finish(&c->filter, held), c->out);
	if (c->vcon)
		vcon_finish(c->vcon);
	c->vcon = NULL;
	if (c->raw)
		tcsetattr(c->in_fd, TCSANOW, &c->saved);
	c->raw = 0;
	if (c->read_fd >= 0)
		close(c->read_fd);
	c->read_fd = -1;
	if (c->irq_fd >= 0)
		close(c->irq_fd);
	c->irq_fd = -1;
}

/* An edge on the IRQ line when the UART's output rises: the PIC and the
 * IOAPIC take ISA interrupts as edges, and the 8250 driver reads IIR
 * until it says nothing is pending, so the line is low again before the
 * next rise can matter. */
static void update_irq(struct linux_console *c)
{
	int level = uart_irq_level(&c->uart);
	uint64_t one = 1;

	if (level && !c->irq_level && write(c->irq_fd, &one, sizeof(one)) < 0)
		level = 0; /* try again on the next access */
	c->irq_level = level;
}

/* COM1: a byte-wide device, so each byte of a wider access is one access
 * to the same register. */
static int uart_bus_read(void *opaque, uint64_t off, void *data, uint32_t len,
			 struct errbuf *err)
{
	struct linux_console *c = opaque;
	uint8_t *bytes = data;

	(void)err;
	for (uint32_t i = 0; i < len; i++)
		bytes[i] = uart_read(&c->uart, (unsigned)off);
	update_irq(c);
	return BUS_OK;
}

static int uart_bus_write(void *opaque, uint64_t off, const void *data,
			  uint32_t len, struct errbuf *err)
{
	struct linux_console *c = opaque;
	const uint8_t *bytes = data;

	(void)err;
	for (uint32_t i = 0; i < len; i++)
		uart_write(&c->uart, (unsigned)off, bytes[i]);
	update_irq(c);
	return BUS_OK;
}

/* The CMOS clock: 0x70 selects (its last byte counts), 0x71 reads. */
static int cmos_bus_read(void *opaque, uint64_t off, void *data, uint32_t len,
			 struct errbuf *err)
{
	struct linux_console *c = opaque;

	(void)err;
	memset(data, off == 1 ? cmos_read(&c->rtc, time(NULL)) : 0xff, len);
	return BUS_OK;
}

static int cmos_bus_write(void *opaque, uint64_t off, const void *data,
			  uint32_t len, struct errbuf *err)
{
	struct linux_console *c = opaque;

	(void)err;
	if (off == 0)
		cmos_select(&c->rtc, ((const uint8_t *)data)[len - 1]);
	return BUS_OK;
}

/* The keyboard controller's status port: its reset line, nothing else. */
static int kbc_bus_read(void *opaque, uint64_t off, void *data, uint32_t len,
			struct errbuf *err)
{
	(void)opaque, (void)off, (void)err;
	memset(data, KBC_STATUS_VALUE, len);
	return BUS_OK;
}

static int kbc_bus_write(void *opaque, uint64_t off, const void *data,
			 uint32_t len, struct errbuf *err)
{
	struct linux_console *c = opaque;

	(void)off, (void)len, (void)err;
	if (((const uint8_t *)data)[0] != KBC_RESET)
		return BUS_OK;
	c->reset = 1;
	return BUS_RESET;
}

int linux_console_attach(struct linux_console *c, struct bus *ports,
			 struct errbuf *err)
{
	int ret = bus_register(ports, UART_COM1_BASE, UART_NREGS, "COM1",
			       uart_bus_read, uart_bus_write, c, err);

	if (!ret)
		ret = bus_register(ports, CMOS_INDEX_PORT, 2, "CMOS clock",
				   cmos_bus_read, cmos_bus_write, c, err);
	if (!ret)
		ret = bus_register(ports, KBC_STATUS, 1, "keyboard controller",
				   kbc_bus_read, kbc_bus_write, c, err);
	return ret;
}

/* Ctrl-A X quits, Ctrl-A Ctrl-A sends one Ctrl-A; anything else after
 * Ctrl-A goes to the guest as typed. Returns 1 when byte is for the
 * guest. */
static int console_key(struct linux_console *c, unsigned char byte)
{
	if (!c->raw)
		return 1;
	if (c->ctrl_a) {
		c->ctrl_a = 0;
		if (byte == 'x' || byte == 'X') {
			c->quit = 1;
			return 0;
		}
		return 1;
	}
	if (byte == CTRL_A) {
		c->ctrl_a = 1;
		return 0;
	}
	return 1;
}

/* Moves what the guest has not taken yet to the front of pending. */
static void compact_pending(struct linux_console *c)
{
	unsigned left = c->pending_len - c->pending_pos;

	memmove(c->pending, c->pending + c->pending_pos, left);
	c->pending_pos = 0;
	c->pending_len = left;
}

/*
 * Reads what stdin has into pending's free room, keeping what is for the
 * guest. With pending full, a pipe or file waits (it is not read: the
 * bytes stay in it, nothing lost), but a terminal is read anyway: Ctrl-A
 * X must be seen even while the guest takes no key (no driver, a receive
 * interrupt never enabled, a virtio console that posts no buffer), so the
 * keys it has no room for are dropped and counted in keys_dropped.
 */
static void fill_pending(struct linux_console *c)
{
	unsigned char buf[4096]; /* a paste is skimmed for Ctrl-A X fast */
	size_t room;
	ssize_t n;

	if (c->read_fd < 0 || c->in_eof)
		return;
	compact_pending(c);
	room = sizeof(c->pending) - c->pending_len;
	if (!room && !c->raw)
		return;
	n = read(c->read_fd, buf, room ? room : sizeof(buf));
	if (n == 0)
		c->in_eof = 1;
	for (ssize_t i = 0; i < n; i++) {
		if (!console_key(c, buf[i]))
			continue;
		if (c->pending_len < sizeof(c->pending))
			c->pending[c->pending_len++] = buf[i];
		else
			c->keys_dropped++;
	}
}

void linux_console_input_to(struct linux_console *c, struct vcon *v)
{
	c->vcon = v;
}

/* What is pending, to the virtio console as far as it takes it: the rest
 * stays pending, and stdin is not read again until it is gone. */
static void feed_vcon(struct linux_console *c)
{
	c->pending_pos +=
		(unsigned)vcon_receive(c->vcon, c->pending + c->pending_pos,
				       c->pending_len - c->pending_pos);
	vcon_poll(c->vcon);
}

void linux_console_poll(struct linux_console *c)
{
	fflush(c->out);
	fill_pending(c);
	if (c->vcon) {
		feed_vcon(c);
		return;
	}
	/* A driver's startup clears the FIFO: bytes wait here until the
	 * guest enables the receive interrupt. */
	if (!uart_listening(&c->uart))
		return;
	while (c->pending_pos < c->pending_len && uart_rx_space(&c->uart))
		uart_receive(&c->uart, c->pending[c->pending_pos++]);
	update_irq(c);
}
