/* test_linux_console.c - the Linux console's devices on a port bus: COM1,
 * the CMOS clock, the reset line as BUS_RESET, and the empty ISA bus. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <unistd.h>

#include "bus.h"
#include "linux_console.h"
#include "virtq_driver.h"

struct fixture {
	struct linux_console con;
	struct bus ports;
	struct errbuf err;
	char out[64];
};

/* A console with no VM behind it: output to a memory stream, no IRQ. */
static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	f.con.out = fmemopen(f.out, sizeof(f.out), "w");
	f.con.irq_fd = -1;
	f.con.read_fd = -1;
	f.con.in_fd = -1;
	uart_init(&f.con.uart, NULL, NULL);
	bus_init(&f.ports, "port", 0xffff);
	assert_int_equal(linux_console_attach(&f.con, &f.ports, &f.err), 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	fclose(f->con.out);
	bus_free(&f->ports);
	return 0;
}

static int port_io(struct fixture *f, uint16_t port, int is_write,
		   uint8_t *data, uint32_t len)
{
	struct bus_access a = {port, is_write, data, len};

	return bus_dispatch(&f->ports, &a, &f->err);
}

static void test_reset_line_is_an_event(void **state)
{
	struct fixture *f = *state;
	uint8_t v = 0x01;

	/* another command to 0x64 is dropped; its status reads 0xFD */
	assert_int_equal(port_io(f, 0x64, 1, &v, 1), BUS_OK);
	assert_int_equal(f->con.reset, 0);
	assert_int_equal(port_io(f, 0x64, 0, &v, 1), BUS_OK);
	assert_int_equal(v, 0xfd);
	v = 0xfe;
	assert_int_equal(port_io(f, 0x64, 1, &v, 1), BUS_RESET);
	assert_int_equal(f->con.reset, 1);
}

/* The console claims its own ports only: the rest of the bus is the
 * builder's choice (simple-kvm's PC makes it an empty ISA bus). */
static void test_claims_only_its_ports(void **state)
{
	struct fixture *f = *state;
	uint8_t v[4] = {0};

	assert_int_equal(port_io(f, 0x2f8, 0, v, 1), BUS_UNCLAIMED);
	assert_int_equal(port_io(f, 0xcf8, 0, v, 4), BUS_UNCLAIMED);
	assert_int_equal(port_io(f, 0x80, 1, v, 1), BUS_UNCLAIMED);
}

static void test_uart_and_cmos(void **state)
{
	struct fixture *f = *state;
	uint8_t v = 0x5a;

	/* the scratch register (7) keeps what is written */
	assert_int_equal(port_io(f, 0x3ff, 1, &v, 1), BUS_OK);
	v = 0;
	assert_int_equal(port_io(f, 0x3ff, 0, &v, 1), BUS_OK);
	assert_int_equal(v, 0x5a);
	/* CMOS status B: 24-hour BCD */
	v = 0x0b;
	assert_int_equal(port_io(f, 0x70, 1, &v, 1), BUS_OK);
	assert_int_equal(port_io(f, 0x71, 0, &v, 1), BUS_OK);
	assert_int_equal(v, 0x02);
}

/* --console virtio: typed bytes go to the virtio console's receive queue,
 * not the UART, after the same Ctrl-A handling (Ctrl-A Ctrl-A sends one
 * Ctrl-A; Ctrl-A X quits). */
static void test_input_to_virtio_console(void **state)
{
	struct fixture *f = *state;
	static struct vcon v;
	struct fake_transport t;
	struct virtio_queue_addr addr[2];
	struct outbuf ob;
	struct drv d;
	int fds[2];
	uint8_t lcr = 0, ier = 1;

	drv_init(&d, 8);
	fake_transport_init(&t);
	outbuf_init_on(&ob, -1, 0);
	vcon_init(&v, &ob, 0);
	addr[VCON_RXQ] = d.addr;
	addr[VCON_TXQ] = (struct virtio_queue_addr){8, 0x5000, 0x6000, 0x6800};
	assert_int_equal(vcon_ops.activate(&v, &d.mem, 0, addr, &t.t, &f->err),
			 0);
	drv_desc(&d, 0, DRV_DATA, 64, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&d, 0);
	/* the UART listens too: it must get nothing */
	assert_int_equal(port_io(f, 0x3fb, 1, &lcr, 1), BUS_OK);
	assert_int_equal(port_io(f, 0x3f9, 1, &ier, 1), BUS_OK);
	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	f->con.read_fd = fds[0];
	f->con.raw = 1; /* as on a terminal: Ctrl-A is the escape */
	linux_console_input_to(&f->con, &v);
	assert_int_equal(write(fds[1], "hi\001\001z\n", 6), 6);
	linux_console_poll(&f->con);
	assert_int_equal(drv_used_idx(&d), 1);
	assert_memory_equal(d.ram + DRV_DATA, "hi\001z\n", 5);
	assert_int_equal(uart_rx_space(&f->con.uart), UART_FIFO_SIZE);
	assert_int_equal(f->con.quit, 0);
	assert_int_equal(write(fds[1], "\001x", 2), 2);
	linux_console_poll(&f->con);
	assert_int_equal(f->con.quit, 1);
	f->con.raw = 0;
	f->con.read_fd = -1;
	f->con.vcon = NULL;
	close(fds[0]);
	close(fds[1]);
	outbuf_close(&ob);
	drv_free(&d);
}

/*
 * A guest that never takes a key (the UART's receive interrupt never
 * enabled): on a terminal, Ctrl-A X still quits after far more typing
 * than the console holds, the keys without room are counted; from a
 * pipe, the bytes stay in the pipe instead (nothing read, nothing lost).
 */
static void test_quit_key_while_the_guest_takes_nothing(void **state)
{
	struct fixture *f = *state;
	char junk[1024];
	int fds[2];

	memset(junk, 'k', sizeof(junk));
	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	f->con.read_fd = fds[0];
	f->con.raw = 1;
	for (int i = 0; i < 8; i++) {
		assert_int_equal(write(fds[1], junk, sizeof(junk)),
				 (ssize_t)sizeof(junk));
		linux_console_poll(&f->con);
	}
	assert_int_equal(write(fds[1], "\001x", 2), 2);
	for (int i = 0; i < 64 && !f->con.quit; i++)
		linux_console_poll(&f->con);
	assert_int_equal(f->con.quit, 1);
	assert_true(f->con.keys_dropped >= 8 * sizeof(junk) - 256);
	/* a pipe: pending full, the rest waits in the pipe */
	f->con.raw = 0;
	f->con.quit = 0;
	f->con.keys_dropped = 0;
	f->con.pending_len = f->con.pending_pos = 0;
	assert_int_equal(write(fds[1], junk, sizeof(junk)),
			 (ssize_t)sizeof(junk));
	linux_console_poll(&f->con);
	linux_console_poll(&f->con);
	assert_int_equal(f->con.pending_len, sizeof(f->con.pending));
	assert_int_equal(f->con.keys_dropped, 0);
	assert_int_equal(read(fds[0], junk, sizeof(junk)),
			 (ssize_t)(sizeof(junk) - sizeof(f->con.pending)));
	f->con.read_fd = -1;
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_line_is_an_event,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_claims_only_its_ports,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_to_virtio_console,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_uart_and_cmos, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_quit_key_while_the_guest_takes_nothing, setup,
			teardown),
	};

	return cmocka_run_group_tests_name("linux_console", tests, NULL, NULL);
}
