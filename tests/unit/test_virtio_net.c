/* test_virtio_net.c - the NIC driven through fake guest RAM and an
 * in-memory backend: frames sent and received (merged across buffers with
 * MRG_RXBUF), STATUS following the link, and the hostile driver's frames
 * and rings, each dropped and counted or a needs_reset. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_net.h"
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

static struct fix *make(uint64_t features)
{
	struct fix *f = calloc(1, sizeof(*f));

	drv_init(&f->d, QSIZE);
	fake_transport_init(&f->t);
	fake_be_init(&f->be, 0);
	assert_int_equal(
		vnet_init(&f->n, &f->be.b, test_mac, 1500, NULL, &f->err), 0);
	f->addr[VNET_RXQ] = f->d.addr;
	f->addr[VNET_TXQ] =
		(struct virtio_queue_addr){QSIZE, TX_DESC, TX_AVAIL, TX_USED};
	assert_int_equal(activate(f, features), 0);
	return f;
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
