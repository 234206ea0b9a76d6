/* test_virtio_net.c - the NIC driven through fake guest RAM and an
 * in-memory backend: frames sent and received (merged across buffers with
 * MRG_RXBUF), STATUS following the link, the checksum and TSO offloads
 * both ways, and the hostile driver's frames, headers and rings, each
 * dropped and counted or a needs_reset. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* room for a 64 KiB TSO frame and its header each way */
#define FAKE_FRAME 70000u
#include "fake_net.h"
#include "net_unix.h"
#include "virtio_net.h"
#include "virtq_driver.h"

#define QSIZE 8u
/* The transmit queue's rings, beside the receive queue's (virtq_driver.h's
 * fixed ones). */
#define TX_DESC	 0x5000u
#define TX_AVAIL 0x6000u
#define TX_USED	 0x6800u
#define TX_DATA	 0x20000u

static const uint8_t test_mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

struct fix {
	struct vnet n;
	struct drv d; /* its queue is the receive queue */
	struct fake_transport t;
	struct fake_be be;
	struct errbuf err;
	struct virtio_queue_addr addr[2];
	uint16_t tx_avail;
};

static int activate(struct fix *f, uint64_t features)
{
	return vnet_ops.activate(&f->n, &f->d.mem,
				 1ull << VIRTIO_F_VERSION_1 | features, f->addr,
				 &f->t.t, &f->err);
}

/* A NIC on a fake backend with a hdr_len-byte header and offloads. */
static struct fix *make_on(uint64_t features, unsigned hdr_len,
			   unsigned offloads)
{
	struct fix *f = calloc(1, sizeof(*f));

	drv_init(&f->d, QSIZE);
	fake_transport_init(&f->t);
	fake_be_init_off(&f->be, hdr_len, offloads);
	assert_int_equal(
		vnet_init(&f->n, &f->be.b, test_mac, 1500, NULL, &f->err), 0);
	f->addr[VNET_RXQ] = f->d.addr;
	f->addr[VNET_TXQ] =
		(struct virtio_queue_addr){QSIZE, TX_DESC, TX_AVAIL, TX_USED};
	assert_int_equal(activate(f, features), 0);
	return f;
}

static struct fix *make(uint64_t features)
{
	return make_on(features, 0, 0);
}

static int setup(void **state)
{
	*state = make(0);
	return 0;
}

static int setup_mrg(void **state)
{
	*state = make(1ull << VIRTIO_NET_F_MRG_RXBUF);
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	vnet_destroy(&f->n);
	assert_int_equal(f->be.closed, 1);
	drv_free(&f->d);
	free(f);
	return 0;
}

/* Transmit descriptor idx: len bytes at gpa. */
static void tx_desc(struct fix *f, unsigned idx, gpa_t gpa, uint32_t len,
		    uint16_t flags, uint16_t next)
{
	drv_desc_in(&f->d, TX_DESC, idx, gpa, len, flags, next);
}

static void tx_offer(struct fix *f, uint16_t head)
{
	drv_put16(&f->d, TX_AVAIL + 4 + 2u * (f->tx_avail % QSIZE), head);
	f->tx_avail++;
	drv_put16(&f->d, TX_AVAIL + 2, f->tx_avail);
}

static uint16_t tx_used_idx(const struct fix *f)
{
	return drv_get16(&f->d, TX_USED + 2);
}

/* A frame of len bytes (byte i = seed + i) behind a plain header at
 * TX_DATA, sent as descriptor 0 (header) and 1 (frame). */
static void tx_frame(struct fix *f, uint32_t len, uint8_t seed)
{
	memset(f->d.ram + TX_DATA, 0, VNET_HDR_LEN);
	for (uint32_t i = 0; i < len; i++)
		f->d.ram[TX_DATA + 0x100 + i] = (uint8_t)(seed + i);
	tx_desc(f, 0, TX_DATA, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
	tx_desc(f, 1, TX_DATA + 0x100, len, 0, 0);
	tx_offer(f, 0);
	vnet_ops.notify(&f->n, VNET_TXQ);
}

/* One device-writable receive buffer of len bytes at gpa, descriptor
 * idx, made available. */
static void rx_post(struct fix *f, unsigned idx, gpa_t gpa, uint32_t len)
{
	drv_desc(&f->d, idx, gpa, len, VIRTQ_DESC_F_WRITE, 0);
	drv_offer(&f->d, (uint16_t)idx);
}

static void rx_kick(struct fix *f)
{
	vnet_ops.notify(&f->n, VNET_RXQ);
}

static uint64_t cfg(struct fix *f, uint32_t off, uint32_t len)
{
	uint64_t v = 0;

	assert_int_equal(vnet_ops.config_read(&f->n, off, &v, len), 0);
	return v;
}

static void test_features_and_config(void **state)
{
	struct fix *f = *state;
	uint64_t feat = vnet_ops.features(&f->n);
	uint8_t mac[6];

	assert_true(feat & 1ull << VIRTIO_NET_F_MAC);
	assert_true(feat & 1ull << VIRTIO_NET_F_STATUS);
	assert_true(feat & 1ull << VIRTIO_NET_F_MTU);
	assert_true(feat & 1ull << VIRTIO_NET_F_MRG_RXBUF);
	assert_false(feat & 1ull); /* no CSUM: no offloads on this backend */
	for (unsigned i = 0; i < 6; i++)
		mac[i] = (uint8_t)cfg(f, i, 1);
	assert_memory_equal(mac, test_mac, 6);
	assert_int_equal(cfg(f, 6, 2), VIRTIO_NET_S_LINK_UP);
	assert_int_equal(cfg(f, 8, 2), 1);
	assert_int_equal(cfg(f, 10, 2), 1500);
	assert_int_equal(vnet_ops.config_read(&f->n, 11, mac, 2), -EINVAL);
	assert_int_equal(vnet_ops.config_read(&f->n, 12, mac, 1), -EINVAL);
	assert_int_equal(mac[0], 0);
	assert_int_equal(vnet_ops.device_id, 1);
	assert_int_equal(vnet_ops.num_queues, 2);
}

static void test_transmit_one_frame(void **state)
{
	struct fix *f = *state;
	uint32_t id, len;

	tx_frame(f, 60, 7);
	assert_int_equal(f->be.n_out, 1);
	assert_int_equal(f->be.out_len[0], 60); /* no header on this wire */
	assert_memory_equal(f->be.out[0], f->d.ram + TX_DATA + 0x100, 60);
	assert_int_equal(tx_used_idx(f), 1);
	id = drv_get32(&f->d, TX_USED + 4);
	len = drv_get32(&f->d, TX_USED + 8);
	assert_int_equal(id, 0);
	assert_int_equal(len, 0);
	assert_int_equal(f->n.st.tx_packets, 1);
	assert_int_equal(f->n.st.tx_bytes, 60);
	assert_int_equal(f->t.notified, 1);
	assert_int_equal(f->t.resets, 0);
}

/* The header and the frame in one buffer, as Linux sends them. */
static void test_transmit_one_buffer(void **state)
{
	struct fix *f = *state;

	memset(f->d.ram + TX_DATA, 0, VNET_HDR_LEN + 64);
	f->d.ram[TX_DATA + VNET_HDR_LEN] = 0xab;
	tx_desc(f, 3, TX_DATA, VNET_HDR_LEN + 64, 0, 0);
	tx_offer(f, 3);
	vnet_ops.notify(&f->n, VNET_TXQ);
	assert_int_equal(f->be.n_out, 1);
	assert_int_equal(f->be.out_len[0], 64);
	assert_int_equal(f->be.out[0][0], 0xab);
}

/* Each bad frame is handed back, dropped and counted with its reason;
 * the queue runs on and the next good frame goes. */
static void test_transmit_drops(void **state)
{
	struct fix *f = *state;

	tx_frame(f, VNET_FRAME_MAX(1500) + 1, 0);
	assert_int_equal(f->n.st.drops[VNET_DROP_TX_TOO_LONG], 1);
	tx_frame(f, VNET_FRAME_MAX(1500), 0); /* exactly the limit: sent */
	assert_int_equal(f->be.n_out, 1);
	tx_frame(f, VNET_ETH_HLEN - 1, 0);
	assert_int_equal(f->n.st.drops[VNET_DROP_TX_SHORT], 1);
	/* only a header, no frame */
	tx_desc(f, 0, TX_DATA, VNET_HDR_LEN - 2, 0, 0);
	tx_offer(f, 0);
	vnet_ops.notify(&f->n, VNET_TXQ);
	assert_int_equal(f->n.st.drops[VNET_DROP_TX_SHORT], 2);
	assert_int_equal(tx_used_idx(f), 4);
	assert_int_equal(f->t.resets, 0);
	assert_int_equal(f->be.n_out, 1);
	tx_frame(f, 60, 1);
	assert_int_equal(f->be.n_out, 2);
}

/* Nonsense GSO or checksum fields nobody negotiated: dropped. */
static void test_transmit_bad_header(void **state)
{
	struct fix *f = *state;
	static const uint8_t bad[][2] = {{1, 0}, {0, 1}, {0, 4}, {0, 0x80}};

	for (unsigned i = 0; i < 4; i++) {
		for (uint32_t k = 0; k < 60; k++)
			f->d.ram[TX_DATA + 0x100 + k] = (uint8_t)k;
		memset(f->d.ram + TX_DATA, 0xff, VNET_HDR_LEN);
		f->d.ram[TX_DATA] = bad[i][0];
		f->d.ram[TX_DATA + 1] = bad[i][1];
		tx_desc(f, 0, TX_DATA, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
		tx_desc(f, 1, TX_DATA + 0x100, 60, 0, 0);
		tx_offer(f, 0);
		vnet_ops.notify(&f->n, VNET_TXQ);
	}
	assert_int_equal(f->n.st.drops[VNET_DROP_TX_BAD_HDR], 4);
	assert_int_equal(f->be.n_out, 0);
	assert_int_equal(tx_used_idx(f), 4);
	assert_int_equal(f->t.resets, 0);
}

static void test_transmit_link_down_and_busy(void **state)
{
	struct fix *f = *state;

	f->be.up = false;
	tx_frame(f, 60, 0);
	assert_int_equal(f->n.st.drops[VNET_DROP_TX_LINK_DOWN], 1);
	assert_int_equal(cfg(f, 6, 2), 0); /* STATUS followed */
	assert_int_equal(f->t.config_changed, 1);
	f->be.up = true;
	f->be.send_ret = -EAGAIN;
	tx_frame(f, 60, 0);
	assert_int_equal(f->n.st.drops[VNET_DROP_TX_BACKEND], 1);
	assert_int_equal(cfg(f, 6, 2), VIRTIO_NET_S_LINK_UP);
	assert_int_equal(f->t.config_changed, 2);
	assert_int_equal(f->n.st.link_changes, 2);
}

static void test_transmit_writable_buffer_resets(void **state)
{
	struct fix *f = *state;

	tx_desc(f, 0, TX_DATA, 64, VIRTQ_DESC_F_WRITE, 0);
	tx_offer(f, 0);
	vnet_ops.notify(&f->n, VNET_TXQ);
	assert_int_equal(f->t.resets, 1);
	assert_non_null(strstr(f->t.why, "virtio-net"));
	assert_non_null(strstr(f->t.why, "device-writable"));
	tx_frame(f, 60, 0); /* stopped: nothing more until a reset */
	assert_int_equal(f->be.n_out, 0);
	vnet_ops.reset(&f->n);
	f->tx_avail = 0;
	memset(f->d.ram + TX_AVAIL, 0, 0x1000);
	memset(f->d.ram + TX_USED, 0, 0x800);
	assert_int_equal(activate(f, 0), 0);
	tx_frame(f, 60, 0);
	assert_int_equal(f->be.n_out, 1);
}

static void test_transmit_loop_resets(void **state)
{
	struct fix *f = *state;

	tx_desc(f, 0, TX_DATA, 16, VIRTQ_DESC_F_NEXT, 1);
	tx_desc(f, 1, TX_DATA, 16, VIRTQ_DESC_F_NEXT, 0);
	tx_offer(f, 0);
	vnet_ops.notify(&f->n, VNET_TXQ);
	assert_int_equal(f->t.resets, 1);
	assert_non_null(strstr(f->t.why, "loop"));
	assert_int_equal(f->be.n_out, 0);
}

static void test_receive_one_frame(void **state)
{
	struct fix *f = *state;
	uint32_t id, len;
	uint8_t *buf = f->d.ram + DRV_DATA;

	fake_be_queue(&f->be, 60, 3);
	rx_kick(f); /* no buffer: the frame waits, nothing is lost */
	assert_int_equal(drv_used_idx(&f->d), 0);
	assert_true(f->n.rx_pending);
	memset(buf, 0xee, 2048);
	rx_post(f, 2, DRV_DATA, 2048);
	rx_kick(f);
	assert_int_equal(drv_used_idx(&f->d), 1);
	drv_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(id, 2);
	assert_int_equal(len, VNET_HDR_LEN + 60);
	for (unsigned i = 0; i < VNET_HDR_NUM_BUFFERS; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(buf[10] | buf[11] << 8, 1); /* num_buffers */
	assert_memory_equal(buf + VNET_HDR_LEN, f->be.in[0], 60);
	assert_int_equal(buf[VNET_HDR_LEN + 60], 0xee); /* nothing past it */
	assert_int_equal(f->n.st.rx_packets, 1);
	assert_int_equal(f->n.st.rx_bytes, 60);
	assert_int_equal(f->t.notified, 1);
}

/* Longer than the MTU allows: dropped and counted, never cut; the next
 * frame arrives whole. Shorter than an Ethernet header: dropped too. */
static void test_receive_too_long_dropped(void **state)
{
	struct fix *f = *state;
	uint32_t id, len;

	fake_be_queue(&f->be, VNET_FRAME_MAX(1500) + 1, 0);
	fake_be_queue(&f->be, 10, 0);
	fake_be_queue(&f->be, VNET_FRAME_MAX(1500), 9);
	rx_post(f, 0, DRV_DATA, 4096);
	rx_kick(f);
	assert_int_equal(f->n.st.drops[VNET_DROP_RX_TOO_LONG], 1);
	assert_int_equal(f->n.st.drops[VNET_DROP_RX_SHORT], 1);
	assert_int_equal(drv_used_idx(&f->d), 1);
	drv_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(len, VNET_HDR_LEN + VNET_FRAME_MAX(1500));
	assert_memory_equal(f->d.ram + DRV_DATA + VNET_HDR_LEN, f->be.in[2],
			    VNET_FRAME_MAX(1500));
}

/* Without MRG_RXBUF a frame needs one chain that holds it. */
static void test_receive_buffer_too_small(void **state)
{
	struct fix *f = *state;
	uint32_t id, len;

	fake_be_queue(&f->be, 100, 0);
	fake_be_queue(&f->be, 20, 5);
	rx_post(f, 0, DRV_DATA, 100);
	rx_post(f, 1, DRV_DATA + 0x1000, 100);
	rx_kick(f);
	assert_int_equal(f->n.st.drops[VNET_DROP_RX_NO_ROOM], 1);
	assert_int_equal(drv_used_idx(&f->d), 2);
	drv_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(len, 0);
	drv_used_elem(&f->d, 1, &id, &len);
	assert_int_equal(id, 1);
	assert_int_equal(len, VNET_HDR_LEN + 20);
	assert_int_equal(f->t.resets, 0);
}

/* A receive buffer outside RAM, or a readable one: needs_reset. */
static void test_receive_bad_buffers_reset(void **state)
{
	struct fix *f = *state;

	fake_be_queue(&f->be, 60, 0);
	rx_post(f, 0, DRV_RAM_SIZE - 16, 64);
	rx_kick(f);
	assert_int_equal(f->t.resets, 1);
	assert_non_null(strstr(f->t.why, "virtio-net"));
	assert_int_equal(drv_used_idx(&f->d), 0);
	vnet_ops.reset(&f->n);
	drv_free(&f->d); /* fresh rings */
	drv_init(&f->d, QSIZE);
	assert_int_equal(activate(f, 0), 0);
	drv_desc(&f->d, 0, DRV_DATA, 2048, 0, 0);
	drv_offer(&f->d, 0);
	rx_kick(f);
	assert_int_equal(f->t.resets, 2);
	assert_non_null(strstr(f->t.why, "device-readable"));
}

/* With MRG_RXBUF the frame spreads over as many chains as it needs, and
 * the first header says how many. */
static void test_receive_merged(void **state)
{
	struct fix *f = *state;
	uint8_t got[112];
	uint32_t id, len, off = 0;

	fake_be_queue(&f->be, 100, 1);
	rx_post(f, 0, DRV_DATA, 40);
	rx_kick(f); /* 40 of 112 bytes: waits for more */
	assert_int_equal(drv_used_idx(&f->d), 0);
	rx_post(f, 1, DRV_DATA + 0x100, 40);
	rx_post(f, 2, DRV_DATA + 0x200, 40);
	rx_post(f, 3, DRV_DATA + 0x300, 40);
	rx_kick(f);
	assert_int_equal(drv_used_idx(&f->d), 3);
	for (uint16_t i = 0; i < 3; i++) {
		drv_used_elem(&f->d, i, &id, &len);
		assert_int_equal(id, i);
		assert_int_equal(len, i < 2 ? 40 : 32);
		memcpy(got + off, f->d.ram + DRV_DATA + 0x100u * i, len);
		off += len;
	}
	assert_int_equal(got[10] | got[11] << 8, 3);
	assert_memory_equal(got + VNET_HDR_LEN, f->be.in[0], 100);
	assert_int_equal(f->n.st.rx_packets, 1);
	/* the fourth buffer takes the next frame */
	fake_be_queue(&f->be, 20, 0);
	rx_kick(f);
	assert_int_equal(drv_used_idx(&f->d), 4);
	assert_int_equal(f->d.ram[DRV_DATA + 0x300 + 10], 1);
}

/* A whole queue of buffers too small for one frame: dropped, the buffers
 * handed back empty, no wait for ever. */
static void test_receive_merged_never_fits(void **state)
{
	struct fix *f = *state;

	fake_be_queue(&f->be, 1500, 0);
	for (unsigned i = 0; i < QSIZE; i++)
		rx_post(f, i, DRV_DATA + 0x100u * i, 16);
	rx_kick(f);
	assert_int_equal(f->n.st.drops[VNET_DROP_RX_NO_ROOM], 1);
	assert_int_equal(drv_used_idx(&f->d), QSIZE);
	assert_int_equal(f->t.resets, 0);
}

static void test_link_follows_the_peer(void **state)
{
	struct fix *f = *state;

	f->be.gone = true;
	rx_post(f, 0, DRV_DATA, 2048);
	rx_kick(f);
	assert_int_equal(cfg(f, 6, 2), 0);
	assert_int_equal(f->t.config_changed, 1);
	f->be.up = true;
	f->be.changed = true;
	vnet_poll(&f->n);
	assert_int_equal(cfg(f, 6, 2), VIRTIO_NET_S_LINK_UP);
	assert_int_equal(f->t.config_changed, 2);
	fake_be_queue(&f->be, 60, 0);
	vnet_poll(&f->n);
	assert_int_equal(drv_used_idx(&f->d), 1);
}

/* One NIC stopped by a bad ring; another on its own backend runs on. */
static void test_other_nic_runs_on(void **state)
{
	struct fix *f = *state, *g = make(0);

	tx_desc(f, 0, TX_DATA, 64, VIRTQ_DESC_F_WRITE, 0);
	tx_offer(f, 0);
	vnet_ops.notify(&f->n, VNET_TXQ);
	assert_int_equal(f->t.resets, 1);
	tx_frame(g, 60, 0);
	assert_int_equal(g->be.n_out, 1);
	assert_int_equal(g->t.resets, 0);
	teardown((void **)&g);
}

static void test_pcap_both_ways(void **state)
{
	struct fix *f = *state;
	char path[] = "/tmp/test_virtio_net.XXXXXX";
	struct pcap p;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pcap_open(&p, path, &f->err), 0);
	f->n.pcap = &p;
	tx_frame(f, 60, 0);
	tx_frame(f, 4000, 0); /* dropped: not on the wire, not in the file */
	fake_be_queue(&f->be, 70, 0);
	rx_post(f, 0, DRV_DATA, 2048);
	rx_kick(f);
	assert_int_equal(p.records, 2);
	f->n.pcap = NULL;
	pcap_close(&p);
	unlink(path);
}

/* On a device thread the NIC is a source: the backend's descriptor, and
 * a poll that delivers what waits. */
static void test_device_thread_source(void **state)
{
	struct fix *f = *state;

	assert_int_equal(vnet_source_fd(&f->n), -1); /* the fake has none */
	fake_be_queue(&f->be, 60, 0);
	rx_post(f, 0, DRV_DATA, 2048);
	vnet_source_ready(&f->n);
	assert_int_equal(drv_used_idx(&f->d), 1);
	assert_int_equal(f->n.st.rx_packets, 1);
}

/* A backend with the vnet header (a tap, hdr_len 12): the guest's plain
 * header goes out as zeros, whatever its unused fields held; a GSO
 * request is dropped before the backend, which may take nonsense; a
 * header off the backend with DATA_VALID is delivered as a zero header,
 * one asking for checksum or GSO dropped. */
static void test_backend_with_vnet_header(void **state)
{
	struct fix *f = *state;
	static const uint8_t zero[VNET_HDR_LEN];
	static const uint8_t rx_hdr[4][2] = {{0, 0}, {2, 0}, {1, 0}, {0, 1}};
	uint32_t id, len;

	f->be.b.hdr_len = VNET_HDR_LEN;
	tx_frame(f, 60, 5);
	memset(f->d.ram + TX_DATA + 2, 0x77, VNET_HDR_LEN - 2);
	tx_offer(f, 0);
	vnet_ops.notify(&f->n, VNET_TXQ);
	assert_int_equal(f->be.n_out, 2);
	for (unsigned k = 0; k < 2; k++) {
		assert_int_equal(f->be.out_len[k], VNET_HDR_LEN + 60);
		assert_memory_equal(f->be.out[k], zero, VNET_HDR_LEN);
		assert_memory_equal(f->be.out[k] + VNET_HDR_LEN,
				    f->d.ram + TX_DATA + 0x100, 60);
	}
	f->d.ram[TX_DATA + 1] = 1; /* GSO TCPV4 on a frame that is not IP */
	f->d.ram[TX_DATA + 4] = 100;
	tx_offer(f, 0);
	vnet_ops.notify(&f->n, VNET_TXQ);
	assert_int_equal(f->n.st.drops[VNET_DROP_TX_BAD_HDR], 1);
	assert_int_equal(f->be.n_out, 2);

	for (unsigned k = 0; k < 4; k++) {
		fake_be_queue(&f->be, VNET_HDR_LEN + 60, (uint8_t)k);
		memset(f->be.in[k], 0x33, VNET_HDR_LEN);
		f->be.in[k][0] = rx_hdr[k][0];
		f->be.in[k][1] = rx_hdr[k][1];
	}
	for (unsigned k = 0; k < 2; k++) {
		uint8_t *buf = f->d.ram + DRV_DATA + 0x1000 * k;

		memset(buf, 0xee, 2048);
		rx_post(f, k, DRV_DATA + 0x1000 * k, 2048);
		rx_kick(f);
		assert_int_equal(drv_used_idx(&f->d), k + 1);
		drv_used_elem(&f->d, k, &id, &len);
		assert_int_equal(len, VNET_HDR_LEN + 60);
		assert_memory_equal(buf, zero, VNET_HDR_NUM_BUFFERS);
		assert_int_equal(buf[10] | buf[11] << 8, 1);
		assert_memory_equal(buf + VNET_HDR_LEN,
				    f->be.in[k] + VNET_HDR_LEN, 60);
	}
	rx_post(f, 2, DRV_DATA + 0x2000, 2048);
	rx_kick(f);
	assert_int_equal(f->n.st.drops[VNET_DROP_RX_BAD_HDR], 2);
	assert_int_equal(drv_used_idx(&f->d), 2);
	assert_int_equal(f->n.st.rx_packets, 2);
	assert_int_equal(f->t.resets, 0);
}

/* --- offloads: a backend like a tap (a 12-byte header; CSUM, TSO4, TSO6
 * and ECN both ways) --------------------------------------------------- */

#define F(b) (1ull << (b))
#define TX_OFFLOADS                                                            \
	(F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_HOST_TSO4) |                    \
	 F(VIRTIO_NET_F_HOST_TSO6) | F(VIRTIO_NET_F_HOST_ECN))
#define RX_OFFLOADS                                                            \
	(F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_NET_F_GUEST_TSO4) |             \
	 F(VIRTIO_NET_F_GUEST_TSO6) | F(VIRTIO_NET_F_GUEST_ECN))

static struct fix *make_tap(uint64_t features)
{
	return make_on(features, VNET_HDR_LEN, NET_OFF_ALL);
}

static void drop_fix(struct fix *f)
{
	teardown((void **)&f);
}

struct hdr {
	uint8_t flags, gso;
	uint16_t hdr_len, gso_size, csum_start, csum_offset, num_buffers;
};

static void put_hdr(uint8_t *p, const struct hdr *h)
{
	const uint16_t v[5] = {h->hdr_len, h->gso_size, h->csum_start,
			       h->csum_offset, h->num_buffers};

	p[0] = h->flags;
	p[1] = h->gso;
	for (unsigned i = 0; i < 5; i++) {
		p[2 + 2 * i] = (uint8_t)v[i];
		p[3 + 2 * i] = (uint8_t)(v[i] >> 8);
	}
}

/* A TCP frame of len bytes over IPv4 (v6: IPv6) as far as the device
 * looks: the ethertype; byte i is seed + i elsewhere. */
static void tcp_frame(uint8_t *p, uint32_t len, bool v6, uint8_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i);
	p[12] = v6 ? 0x86 : 0x08;
	p[13] = v6 ? 0xdd : 0x00;
}

/* A TSO header as Linux writes one: NEEDS_CSUM on TCP's checksum. */
static struct hdr tso_hdr(bool v6)
{
	uint16_t th = VNET_ETH_HLEN + (v6 ? 40 : 20);

	return (struct hdr){VNET_HDR_F_NEEDS_CSUM,
			    v6 ? VNET_GSO_TCPV6 : VNET_GSO_TCPV4,
			    (uint16_t)(th + 32),
			    1448,
			    th,
			    16,
			    0};
}

/* Header h, then a TCP frame of len bytes, as descriptors 0 and 1. */
static void tx_hdr_frame(struct fix *f, const struct hdr *h, uint32_t len,
			 bool v6)
{
	put_hdr(f->d.ram + TX_DATA, h);
	tcp_frame(f->d.ram + TX_DATA + 0x100, len, v6, 3);
	tx_desc(f, 0, TX_DATA, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
	tx_desc(f, 1, TX_DATA + 0x100, len, 0, 0);
	tx_offer(f, 0);
	vnet_ops.notify(&f->n, VNET_TXQ);
}

/* The backend's frame k is header want, then the frame in RAM. */
static void assert_sent(const struct fix *f, unsigned k, const struct hdr *want,
			uint32_t len)
{
	uint8_t h[VNET_HDR_LEN];

	put_hdr(h, want);
	assert_int_equal(f->be.out_len[k], VNET_HDR_LEN + len);
	assert_memory_equal(f->be.out[k], h, VNET_HDR_LEN);
	assert_memory_equal(f->be.out[k] + VNET_HDR_LEN,
			    f->d.ram + TX_DATA + 0x100, len);
}

static void test_offload_features(void **state)
{
	struct fix *f = make_tap(0),
		   *c = make_on(0, VNET_HDR_LEN, NET_OFF_CSUM);
	const uint64_t all = TX_OFFLOADS | RX_OFFLOADS;
	uint64_t feat = vnet_ops.features(&f->n);

	(void)state;
	assert_true((feat & all) == all);
	/* no CTRL_GUEST_OFFLOADS (2), no UFO (6, 10, 14) */
	assert_false(feat & (F(2) | F(6) | F(10) | F(14)));
	assert_true(feat & F(VIRTIO_NET_F_MRG_RXBUF));
	feat = vnet_ops.features(&c->n);
	assert_true(feat & F(VIRTIO_NET_F_CSUM));
	assert_true(feat & F(VIRTIO_NET_F_GUEST_CSUM));
	assert_false(feat & all &
		     ~(F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_GUEST_CSUM)));
	drop_fix(f);
	drop_fix(c);
}

/* The unix wire carries bare frames: no header, so no offload. */
static void test_unix_wire_offers_no_offloads(void **state)
{
	char dir[] = "/tmp/test_virtio_net.XXXXXX", path[64];
	struct vnet *n = calloc(1, sizeof(*n));
	struct net_backend *be;
	struct errbuf err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/wire", dir);
	assert_int_equal(net_unix_open(path, true, &be, &err), 0);
	assert_int_equal(be->offloads, 0);
	assert_int_equal(vnet_init(n, be, test_mac, 1500, NULL, &err), 0);
	assert_int_equal(vnet_ops.features(n) & (TX_OFFLOADS | RX_OFFLOADS), 0);
	vnet_destroy(n);
	free(n);
	unlink(path);
	rmdir(dir);
}

/* At activate the backend is told the receive offloads the driver took
 * (TUN_F_* on a tap), dependencies applied; a refusal fails the
 * activation with its line. */
static void test_offloads_set_at_activate(void **state)
{
	static const struct {
		uint64_t features;
		unsigned want;
	} cases[] = {
		{RX_OFFLOADS, NET_OFF_ALL},
		{F(VIRTIO_NET_F_GUEST_CSUM), NET_OFF_CSUM},
		{F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_NET_F_GUEST_TSO6),
		 NET_OFF_CSUM | NET_OFF_TSO6},
		/* TSO and ECN without GUEST_CSUM: nothing */
		{RX_OFFLOADS & ~F(VIRTIO_NET_F_GUEST_CSUM), 0},
		/* ECN without a TSO */
		{F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_NET_F_GUEST_ECN),
		 NET_OFF_CSUM},
		/* the host's side needs no setting */
		{TX_OFFLOADS, 0},
		{0, 0},
	};
	struct fix *f = make_tap(0), *c;

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vnet_ops.reset(&f->n);
		assert_int_equal(activate(f, cases[i].features), 0);
		assert_int_equal(f->be.offloads_set, cases[i].want);
	}
	assert_int_equal(f->be.n_set_offload, 8);
	f->be.set_offload_ret = -EINVAL;
	vnet_ops.reset(&f->n);
	assert_int_equal(activate(f, RX_OFFLOADS), -EINVAL);
	assert_non_null(strstr(f->err.msg, "virtio-net"));
	assert_non_null(strstr(f->err.msg, "cannot set offloads"));
	tx_frame(f, 60, 0); /* not live: nothing moves */
	assert_int_equal(f->be.n_out, 0);
	drop_fix(f);
	/* only what the backend carries */
	c = make_on(RX_OFFLOADS, VNET_HDR_LEN, NET_OFF_CSUM);
	assert_int_equal(c->be.offloads_set, NET_OFF_CSUM);
	drop_fix(c);
}

/* Negotiated, each kind of header goes to the backend as the guest wrote
 * it: num_buffers zeroed, and the fields its flags leave unused. */
static void test_transmit_offload_headers(void **state)
{
	struct fix *f = make_tap(TX_OFFLOADS);
	struct hdr h = {VNET_HDR_F_NEEDS_CSUM, 0, 0, 0x5555, 34, 6, 0x7777};
	struct hdr want = h;

	(void)state;
	want.gso_size = want.num_buffers = 0;
	tx_hdr_frame(f, &h, 100, false); /* a checksum left to the host */
	assert_sent(f, 0, &want, 100);
	h = tso_hdr(false); /* TSO: longer than the MTU */
	tx_hdr_frame(f, &h, 3000, false);
	assert_sent(f, 1, &h, 3000);
	h = tso_hdr(true);
	h.gso |= VNET_GSO_ECN;
	tx_hdr_frame(f, &h, 5000, true);
	assert_sent(f, 2, &h, 5000);
	/* behind an 802.1Q tag */
	h = tso_hdr(false);
	h.csum_start += 4;
	put_hdr(f->d.ram + TX_DATA, &h);
	tcp_frame(f->d.ram + TX_DATA + 0x100, 2000, false, 1);
	memcpy(f->d.ram + TX_DATA + 0x100 + 12, "\x81\x00\x00\x05\x08\x00", 6);
	tx_desc(f, 1, TX_DATA + 0x100, 2000, 0, 0);
	tx_offer(f, 0);
	vnet_ops.notify(&f->n, VNET_TXQ);
	assert_sent(f, 3, &h, 2000);
	/* asking for nothing: a zero header, whatever else it held */
	h = (struct hdr){0, 0, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff};
	want = (struct hdr){0};
	tx_hdr_frame(f, &h, 60, false);
	assert_sent(f, 4, &want, 60);
	assert_int_equal(f->n.st.tx_packets, 5);
	assert_int_equal(f->n.st.drops[VNET_DROP_TX_BAD_HDR], 0);
	assert_int_equal(f->n.st.drops[VNET_DROP_TX_TOO_LONG], 0);
	drop_fix(f);
}

/* One nonsense header (or frame): dropped with reason why, the backend
 * untouched, the chain handed back. */
static void expect_tx_drop(struct fix *f, const struct hdr *h, uint32_t len,
			   bool v6, enum vnet_drop why, const char *what)
{
	uint64_t before = f->n.st.drops[why];
	unsigned out = f->be.n_out;
	uint16_t used = tx_used_idx(f);

	tx_hdr_frame(f, h, len, v6);
	if (f->n.st.drops[why] != before + 1 || f->be.n_out != out)
		fail_msg("%s: not dropped as '%s'", what, vnet_drop_name(why));
	assert_int_equal(tx_used_idx(f), (uint16_t)(used + 1));
	assert_int_equal(f->t.resets, 0);
}

/* Each header breaks one rule and only that one (5.1.6.2), so that each
 * check is needed for its case. */
static void test_transmit_nonsense_headers(void **state)
{
	struct fix *f = make_tap(TX_OFFLOADS), *g;
	const struct hdr good = tso_hdr(false), csum = {1, 0, 0, 0, 34, 16, 0};
	struct hdr h;

	(void)state;
	h = csum;
	h.flags |= VNET_HDR_F_DATA_VALID; /* the device's flag */
	expect_tx_drop(f, &h, 100, false, VNET_DROP_TX_BAD_HDR, "DATA_VALID");
	h = csum;
	h.flags |= 4; /* RSC_INFO */
	expect_tx_drop(f, &h, 100, false, VNET_DROP_TX_BAD_HDR, "RSC_INFO");
	h = csum;
	h.csum_start = 100 - 16 - 1; /* the checksum's last byte past it */
	expect_tx_drop(f, &h, 100, false, VNET_DROP_TX_BAD_HDR,
		       "csum past the frame");
	for (uint8_t t = 2; t < 0x80; t = (uint8_t)(t == 5 ? 0x40 : t + 1)) {
		if (t == VNET_GSO_TCPV6)
			continue;
		h = good;
		h.gso = t; /* UDP (3), UDP_L4 (5), unknown */
		expect_tx_drop(f, &h, 3000, false, VNET_DROP_TX_BAD_HDR,
			       "a gso_type not offered");
	}
	h = good;
	h.flags = 0;
	expect_tx_drop(f, &h, 3000, false, VNET_DROP_TX_BAD_HDR,
		       "GSO without NEEDS_CSUM");
	h = good;
	h.gso_size = 0;
	expect_tx_drop(f, &h, 3000, false, VNET_DROP_TX_BAD_HDR, "gso_size 0");
	h = good;
	h.gso_size = 1501;
	expect_tx_drop(f, &h, 3000, false, VNET_DROP_TX_BAD_HDR,
		       "gso_size past the MTU");
	h = good;
	h.hdr_len = 3001;
	expect_tx_drop(f, &h, 3000, false, VNET_DROP_TX_BAD_HDR,
		       "hdr_len past the frame");
	h = good;
	expect_tx_drop(f, &h, 3000, true, VNET_DROP_TX_BAD_HDR,
		       "TCPV4 on an IPv6 frame");
	h = tso_hdr(true);
	expect_tx_drop(f, &h, 3000, false, VNET_DROP_TX_BAD_HDR,
		       "TCPV6 on an IPv4 frame");
	h = good;
	h.csum_offset = 6;
	expect_tx_drop(f, &h, 3000, false, VNET_DROP_TX_BAD_HDR,
		       "GSO checksum not TCP's");
	h = good;
	h.csum_start = 3000 - 19; /* the checksum fits, a TCP header not */
	expect_tx_drop(f, &h, 3000, false, VNET_DROP_TX_BAD_HDR,
		       "no whole TCP header");
	h = csum;
	expect_tx_drop(f, &h, VNET_FRAME_MAX(1500) + 1, false,
		       VNET_DROP_TX_TOO_LONG, "past the MTU without GSO");
	h = good;
	expect_tx_drop(f, &h, VNET_GSO_FRAME_MAX + 1, false,
		       VNET_DROP_TX_TOO_LONG, "past 64 KiB with GSO");
	h = good;
	tx_hdr_frame(f, &h, 3000, false); /* and the queue runs on */
	assert_int_equal(f->be.n_out, 1);
	drop_fix(f);

	/* what the driver did not accept */
	g = make_tap(F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_HOST_TSO6));
	h = good;
	expect_tx_drop(g, &h, 3000, false, VNET_DROP_TX_BAD_HDR,
		       "TCPV4 without HOST_TSO4");
	h = tso_hdr(true);
	h.gso |= VNET_GSO_ECN;
	expect_tx_drop(g, &h, 3000, true, VNET_DROP_TX_BAD_HDR,
		       "ECN without HOST_ECN");
	h.gso = VNET_GSO_TCPV6;
	tx_hdr_frame(g, &h, 3000, true);
	assert_int_equal(g->be.n_out, 1);
	drop_fix(g);
	g = make_tap(TX_OFFLOADS & ~F(VIRTIO_NET_F_CSUM));
	h = csum;
	expect_tx_drop(g, &h, 100, false, VNET_DROP_TX_BAD_HDR,
		       "NEEDS_CSUM without CSUM");
	h = good; /* within the MTU, as without TSO it must be */
	expect_tx_drop(g, &h, 1000, false, VNET_DROP_TX_BAD_HDR,
		       "HOST_TSO4 without CSUM");
	drop_fix(g);
}

/* A TSO frame of 64 KiB goes through with HOST_TSO4, and is too long
 * without. */
static void test_transmit_64k_tso(void **state)
{
	struct fix *f = make_tap(TX_OFFLOADS);
	const struct hdr h = tso_hdr(false);

	(void)state;
	tx_hdr_frame(f, &h, VNET_GSO_FRAME_MAX, false);
	assert_int_equal(f->be.n_out, 1);
	assert_sent(f, 0, &h, VNET_GSO_FRAME_MAX);
	assert_int_equal(f->n.st.tx_bytes, VNET_GSO_FRAME_MAX);
	drop_fix(f);
	f = make_tap(F(VIRTIO_NET_F_CSUM));
	expect_tx_drop(f, &h, VNET_GSO_FRAME_MAX, false, VNET_DROP_TX_TOO_LONG,
		       "a 64 KiB frame without TSO");
	drop_fix(f);
}

/* Queues header h and a TCP frame of len bytes on the backend. */
static void rx_queue(struct fix *f, const struct hdr *h, uint32_t len, bool v6)
{
	unsigned k = f->be.n_in;

	fake_be_queue(&f->be, VNET_HDR_LEN + len, 0);
	put_hdr(f->be.in[k], h);
	tcp_frame(f->be.in[k] + VNET_HDR_LEN, len, v6, (uint8_t)k);
}

/* The guest got backend frame k in the buffer at gpa, header want. */
static void assert_received(struct fix *f, uint16_t used, gpa_t gpa, unsigned k,
			    const struct hdr *want)
{
	uint8_t h[VNET_HDR_LEN];
	uint32_t id, len;

	put_hdr(h, want);
	drv_used_elem(&f->d, used, &id, &len);
	assert_int_equal(len, f->be.in_len[k]);
	assert_memory_equal(f->d.ram + gpa, h, VNET_HDR_LEN);
	assert_memory_equal(f->d.ram + gpa + VNET_HDR_LEN,
			    f->be.in[k] + VNET_HDR_LEN, len - VNET_HDR_LEN);
}

/* With the GUEST_ offloads, the backend's header reaches the guest as it
 * came, num_buffers filled in. */
static void test_receive_offload_headers(void **state)
{
	struct fix *f = make_tap(RX_OFFLOADS);
	struct hdr h[4] = {
		{VNET_HDR_F_NEEDS_CSUM, 0, 0, 0, 34, 16, 0},
		{VNET_HDR_F_DATA_VALID, 0, 0, 0, 0, 0, 0},
		tso_hdr(false),
		tso_hdr(true),
	};
	const uint32_t len[4] = {100, 60, 3000, 5000};

	(void)state;
	h[2].flags = VNET_HDR_F_DATA_VALID; /* coalesced by the host */
	h[3].gso |= VNET_GSO_ECN;
	for (unsigned k = 0; k < 4; k++) {
		rx_queue(f, &h[k], len[k], k == 3);
		rx_post(f, k, DRV_DATA + 0x2000 * k, 0x2000);
		rx_kick(f);
		h[k].num_buffers = 1;
		assert_received(f, (uint16_t)k, DRV_DATA + 0x2000 * k, k,
				&h[k]);
	}
	assert_int_equal(f->n.st.rx_packets, 4);
	assert_int_equal(f->n.st.drops[VNET_DROP_RX_BAD_HDR], 0);
	drop_fix(f);
}

static void expect_rx_drop(struct fix *f, const struct hdr *h, uint32_t len,
			   bool v6, enum vnet_drop why, const char *what)
{
	uint64_t before = f->n.st.drops[why];
	uint16_t used = drv_used_idx(&f->d);

	rx_queue(f, h, len, v6);
	rx_kick(f);
	if (f->n.st.drops[why] != before + 1 || drv_used_idx(&f->d) != used)
		fail_msg("%s: not dropped as '%s'", what, vnet_drop_name(why));
	assert_false(f->n.rx_pending);
}

/* What the backend may not hand the guest (5.1.6.4), one rule each. */
static void test_receive_nonsense_headers(void **state)
{
	struct fix *f = make_tap(RX_OFFLOADS), *g;
	const struct hdr good = tso_hdr(false), csum = {1, 0, 0, 0, 34, 16, 0};
	struct hdr h;

	(void)state;
	rx_post(f, 0, DRV_DATA, 0x2000);
	h = csum;
	h.flags |= 4;
	expect_rx_drop(f, &h, 100, false, VNET_DROP_RX_BAD_HDR, "RSC_INFO");
	h = csum;
	h.csum_offset = 100 - 34 - 1;
	expect_rx_drop(f, &h, 100, false, VNET_DROP_RX_BAD_HDR,
		       "csum past the frame");
	h = good;
	h.gso = 3;
	expect_rx_drop(f, &h, 3000, false, VNET_DROP_RX_BAD_HDR, "GSO UDP");
	h = good;
	h.gso_size = 0;
	expect_rx_drop(f, &h, 3000, false, VNET_DROP_RX_BAD_HDR, "gso_size 0");
	h = good;
	h.gso_size = 1501;
	expect_rx_drop(f, &h, 3000, false, VNET_DROP_RX_BAD_HDR,
		       "gso_size past the MTU");
	h = good;
	h.hdr_len = 3001;
	expect_rx_drop(f, &h, 3000, false, VNET_DROP_RX_BAD_HDR,
		       "hdr_len past the frame");
	h = good;
	expect_rx_drop(f, &h, 3000, true, VNET_DROP_RX_BAD_HDR,
		       "TCPV4 on an IPv6 frame");
	h = csum;
	expect_rx_drop(f, &h, VNET_FRAME_MAX(1500) + 1, false,
		       VNET_DROP_RX_TOO_LONG, "past the MTU without GSO");
	h = good;
	expect_rx_drop(f, &h, VNET_GSO_FRAME_MAX + 1, false,
		       VNET_DROP_RX_TOO_LONG, "past 64 KiB with GSO");
	rx_queue(f, &good, 3000, false); /* the buffer takes the next one */
	rx_kick(f);
	assert_int_equal(drv_used_idx(&f->d), 1);
	drop_fix(f);

	g = make_tap(F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_NET_F_GUEST_TSO6));
	rx_post(g, 0, DRV_DATA, 0x2000);
	h = good;
	expect_rx_drop(g, &h, 3000, false, VNET_DROP_RX_BAD_HDR,
		       "TCPV4 without GUEST_TSO4");
	h = tso_hdr(true);
	h.gso |= VNET_GSO_ECN;
	expect_rx_drop(g, &h, 3000, true, VNET_DROP_RX_BAD_HDR,
		       "ECN without GUEST_ECN");
	drop_fix(g);
}

/* A 64 KiB TSO frame: into one big buffer, or merged across several;
 * dropped whole where it does not fit or was not negotiated. */
static void test_receive_64k_tso(void **state)
{
	struct fix *f = make_tap(RX_OFFLOADS);
	struct hdr h = tso_hdr(false);
	uint8_t *got = malloc(VNET_BUF_MAX);
	uint32_t id, len, off = 0;

	(void)state;
	rx_queue(f, &h, VNET_GSO_FRAME_MAX, false);
	rx_post(f, 0, DRV_DATA, 4096); /* too small, no MRG_RXBUF */
	rx_post(f, 1, DRV_DATA, VNET_BUF_MAX);
	rx_kick(f);
	assert_int_equal(f->n.st.drops[VNET_DROP_RX_NO_ROOM], 1);
	rx_queue(f, &h, VNET_GSO_FRAME_MAX, false);
	rx_kick(f);
	assert_int_equal(drv_used_idx(&f->d), 2);
	h.num_buffers = 1;
	assert_received(f, 1, DRV_DATA, 1, &h);
	drop_fix(f);

	f = make_tap(RX_OFFLOADS | F(VIRTIO_NET_F_MRG_RXBUF));
	h.num_buffers = 0;
	rx_queue(f, &h, VNET_GSO_FRAME_MAX, false);
	for (unsigned i = 0; i < QSIZE; i++)
		rx_post(f, i, DRV_DATA + 0x2400 * i, 9000);
	rx_kick(f);
	assert_int_equal(drv_used_idx(&f->d), 8);
	for (uint16_t i = 0; i < 8; i++) {
		drv_used_elem(&f->d, i, &id, &len);
		assert_int_equal(id, i);
		memcpy(got + off, f->d.ram + DRV_DATA + 0x2400 * i, len);
		off += len;
	}
	assert_int_equal(off, VNET_BUF_MAX);
	assert_int_equal(got[10] | got[11] << 8, 8);
	assert_memory_equal(got + VNET_HDR_LEN, f->be.in[0] + VNET_HDR_LEN,
			    VNET_GSO_FRAME_MAX);
	drop_fix(f);

	f = make_tap(F(VIRTIO_NET_F_GUEST_CSUM)); /* no TSO: too long */
	rx_post(f, 0, DRV_DATA, VNET_BUF_MAX);
	expect_rx_drop(f, &h, VNET_GSO_FRAME_MAX, false, VNET_DROP_RX_TOO_LONG,
		       "a 64 KiB frame without GUEST_TSO4");
	drop_fix(f);
	free(got);
}

/* A frame waiting through a reset meets the next driver's offloads: a
 * GSO frame it did not accept is dropped, DATA_VALID cleared. */
static void test_receive_pending_rechecked_after_reset(void **state)
{
	struct fix *f = make_tap(RX_OFFLOADS);
	const struct hdr h = tso_hdr(false);
	const struct hdr dv = {VNET_HDR_F_DATA_VALID, 0, 0, 0, 0, 0, 0};
	static const struct hdr zero_one = {0, 0, 0, 0, 0, 0, 1};

	(void)state;
	rx_queue(f, &h, 3000, false);
	rx_kick(f); /* no buffer: pending */
	assert_true(f->n.rx_pending);
	vnet_ops.reset(&f->n);
	assert_int_equal(activate(f, 0), 0);
	assert_false(f->n.rx_pending);
	assert_int_equal(f->n.st.drops[VNET_DROP_RX_BAD_HDR], 1);
	assert_int_equal(f->be.offloads_set, 0);

	vnet_ops.reset(&f->n);
	assert_int_equal(activate(f, RX_OFFLOADS), 0);
	rx_queue(f, &dv, 60, false);
	rx_kick(f);
	assert_true(f->n.rx_pending);
	vnet_ops.reset(&f->n);
	assert_int_equal(activate(f, 0), 0);
	rx_post(f, 0, DRV_DATA, 2048);
	rx_kick(f);
	assert_int_equal(drv_used_idx(&f->d), 1);
	assert_received(f, 0, DRV_DATA, 1, &zero_one);
	drop_fix(f);
}

static void test_mac_helpers(void **state)
{
	uint8_t a[6], b[6];

	(void)state;
	vnet_default_mac(a, 123456, 0);
	vnet_default_mac(b, 123456, 1);
	assert_int_equal(a[0] & 3, 2); /* locally administered, unicast */
	assert_memory_not_equal(a, b, 6);
	vnet_default_mac(b, 123457, 0);
	assert_memory_not_equal(a, b, 6);
	assert_int_equal(vnet_parse_mac("02:aa:BB:0c:dd:ef", a), 0);
	assert_int_equal(a[1], 0xaa);
	assert_int_equal(a[2], 0xbb);
	assert_int_equal(a[5], 0xef);
	assert_int_equal(vnet_parse_mac("03:aa:bb:cc:dd:ee", a), -EINVAL);
	assert_int_equal(vnet_parse_mac("02:aa:bb:cc:dd", a), -EINVAL);
	assert_int_equal(vnet_parse_mac("02:aa:bb:cc:dd:ee:ff", a), -EINVAL);
	assert_int_equal(vnet_parse_mac("2:aa:bb:cc:dd:ee", a), -EINVAL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
#define M(name) cmocka_unit_test_setup_teardown(name, setup_mrg, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_features_and_config),
		T(test_transmit_one_frame),
		T(test_transmit_one_buffer),
		T(test_transmit_drops),
		T(test_transmit_bad_header),
		T(test_transmit_link_down_and_busy),
		T(test_transmit_writable_buffer_resets),
		T(test_transmit_loop_resets),
		T(test_receive_one_frame),
		T(test_receive_too_long_dropped),
		T(test_receive_buffer_too_small),
		T(test_receive_bad_buffers_reset),
		M(test_receive_merged),
		M(test_receive_merged_never_fits),
		T(test_link_follows_the_peer),
		T(test_other_nic_runs_on),
		T(test_pcap_both_ways),
		T(test_device_thread_source),
		T(test_backend_with_vnet_header),
		T(test_mac_helpers),
		cmocka_unit_test(test_offload_features),
		cmocka_unit_test(test_unix_wire_offers_no_offloads),
		cmocka_unit_test(test_offloads_set_at_activate),
		cmocka_unit_test(test_transmit_offload_headers),
		cmocka_unit_test(test_transmit_nonsense_headers),
		cmocka_unit_test(test_transmit_64k_tso),
		cmocka_unit_test(test_receive_offload_headers),
		cmocka_unit_test(test_receive_nonsense_headers),
		cmocka_unit_test(test_receive_64k_tso),
		cmocka_unit_test(test_receive_pending_rechecked_after_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
