/* net_probe.c - net_tap and vhost_net on the running kernel, in a network
 * namespace of its own: frames through a tap with the vnet header, then
 * through vhost-net's rings in this process's memory standing in for RAM.
 * Then the NIC itself (virtio_net.c) on a tap with its offloads: a TSO
 * frame each way through the real kernel (net-probe offload).
 *
 * Then the bare net driver on a tap (net-probe guest CMD...).
 *
 * Usage: net-probe tap|vhost|offload|guest CMD... Prints one line per check;
 * exits 0 when all held (guest: CMD's status), 1 at the first that did
 * not, 77 when the kernel lacks what the part needs (not root, no
 * /dev/net/tun, no /dev/vhost-net), saying why.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest_mem.h"
#include "net_tap.h"
#include "vhost_net.h"
#include "virtio_net.h"

#define SKIP	    77
#define TAP_NAME    "nprobe0"
#define ETH_P_PROBE 0x88b5 /* IEEE 802 local experimental */
#define FRAME_LEN   142
#define WAIT_MS	    3000

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("net_probe: FAIL: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	exit(1);
}

static void skip(const char *why)
{
	printf("net_probe: skip: %s\n", why);
	exit(SKIP);
}

static void ok(const char *what)
{
	printf("net_probe: ok: %s\n", what);
}

/* A broadcast frame of our type whose payload says which one it is. */
static void make_frame(uint8_t *f, uint8_t tag)
{
	memset(f, 0xff, 6);
	memcpy(f + 6, "\x02\x00\x00\x6e\x70\x01", 6);
	f[12] = ETH_P_PROBE >> 8;
	f[13] = ETH_P_PROBE & 0xff;
	for (unsigned i = 14; i < FRAME_LEN; i++)
		f[i] = (uint8_t)(tag + i * 7);
}

static int is_probe(const uint8_t *f, size_t len)
{
	return len >= 14 && f[12] == ETH_P_PROBE >> 8 &&
	       f[13] == (ETH_P_PROBE & 0xff);
}

static int wait_in(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, WAIT_MS) == 1;
}

/* Own network namespace, so the tap sees no traffic but ours; IPv6 off
 * on it so that bringing it up sends no solicitations. */
static void enter_namespace(void)
{
	if (getuid() != 0)
		skip("needs root (a network namespace and a tap)");
	if (access("/dev/net/tun", F_OK) != 0)
		skip("no /dev/net/tun on this kernel");
	if (unshare(CLONE_NEWNET) < 0)
		skip("unshare(CLONE_NEWNET) refused here");
}

static void quiet_ipv6(const char *name)
{
	char path[96];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 name);
	f = fopen(path, "w");
	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
}

static void if_up(const char *name)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		die("SIOCGIFFLAGS %s: %s", name, strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		die("SIOCSIFFLAGS %s up: %s", name, strerror(errno));
	close(s);
}

/* A packet socket on the tap's host side, for frames of type proto. */
static int packet_socket_of(const char *name, struct sockaddr_ll *ll,
			    uint16_t proto)
{
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(proto));

	if (s < 0)
		die("AF_PACKET socket: %s", strerror(errno));
	memset(ll, 0, sizeof(*ll));
	ll->sll_family = AF_PACKET;
	ll->sll_protocol = htons(proto);
	ll->sll_ifindex = (int)if_nametoindex(name);
	ll->sll_halen = 6;
	memset(ll->sll_addr, 0xff, 6);
	if (ll->sll_ifindex == 0 ||
	    bind(s, (struct sockaddr *)ll, sizeof(*ll)) < 0)
		die("binding the packet socket to %s: %s", name,
		    strerror(errno));
	return s;
}

/* ... for our frame type only. */
static int packet_socket(const char *name, struct sockaddr_ll *ll)
{
	return packet_socket_of(name, ll, ETH_P_PROBE);
}

/* The next frame the stack received on the tap, within WAIT_MS. */
static ssize_t socket_recv(int s, uint8_t *buf, size_t room)
{
	struct sockaddr_ll from;
	socklen_t flen;
	ssize_t got;

	for (;;) {
		if (!wait_in(s))
			return -ETIMEDOUT;
		flen = sizeof(from);
		got = recvfrom(s, buf, room, MSG_DONTWAIT,
			       (struct sockaddr *)&from, &flen);
		if (got < 0)
			return -errno;
		if (from.sll_pkttype != PACKET_OUTGOING)
			return got;
	}
}

static void socket_send(int s, const struct sockaddr_ll *ll, const uint8_t *f)
{
	if (sendto(s, f, FRAME_LEN, 0, (const struct sockaddr *)ll,
		   sizeof(*ll)) != FRAME_LEN)
		die("sendto on the packet socket: %s", strerror(errno));
}

static void open_tap(struct net_tap *tap, int *sock, struct sockaddr_ll *ll)
{
	struct errbuf err;
	int ret;

	enter_namespace();
	ret = net_tap_open(tap, TAP_NAME, &err);
	if (ret < 0)
		die("%s", err.msg);
	quiet_ipv6(tap->name);
	if_up(tap->name);
	*sock = packet_socket(tap->name, ll);
}

/* --- the tap part ------------------------------------------------------- */

static void tap_to_socket(struct net_tap *tap, int sock)
{
	uint8_t hdr[NET_TAP_HDR_LEN] = {0}, f[FRAME_LEN], got[2048];
	struct iovec iov[2] = {{f, 14}, {f + 14, FRAME_LEN - 14}};
	ssize_t n;

	make_frame(f, 1);
	n = net_tap_send(tap, hdr, iov, 2);
	if (n != FRAME_LEN)
		die("net_tap_send: %zd, want %d", n, FRAME_LEN);
	n = socket_recv(sock, got, sizeof(got));
	if (n != FRAME_LEN || memcmp(got, f, FRAME_LEN) != 0)
		die("the frame written to the tap did not reach the packet "
		    "socket intact (%zd bytes)",
		    n);
	ok("a frame written with its vnet header arrives on the packet socket");
}

static void socket_to_tap(struct net_tap *tap, int sock,
			  const struct sockaddr_ll *ll)
{
	uint8_t hdr[NET_TAP_HDR_LEN], zero[NET_TAP_HDR_LEN] = {0};
	uint8_t f[FRAME_LEN], got[2048];
	struct iovec iov = {got, sizeof(got)};
	ssize_t n;

	make_frame(f, 2);
	socket_send(sock, ll, f);
	for (int tries = 0; tries < 8; tries++) {
		if (!wait_in(tap->fd))
			die("nothing to read from the tap");
		n = net_tap_recv(tap, hdr, &iov, 1);
		if (n < 0)
			die("net_tap_recv: %s", strerror((int)-n));
		if (!is_probe(got, (size_t)n))
			continue; /* the stack's own, if any */
		if (n != FRAME_LEN || memcmp(got, f, FRAME_LEN) != 0)
			die("the frame read from the tap differs (%zd bytes)",
			    n);
		/* No offloads are on: the kernel must hand a plain frame. */
		if (memcmp(hdr, zero, sizeof(hdr)) != 0)
			die("the vnet header of a plain frame is not zero");
		ok("a frame sent on the packet socket is read from the tap "
		   "behind a zero vnet header");
		return;
	}
	die("our frame never came out of the tap");
}

static void offloads(struct net_tap *tap)
{
	struct errbuf err;
	uint8_t hdr[NET_TAP_HDR_LEN];
	struct iovec iov = {hdr, 0};

	if (net_tap_set_offload(tap, NET_TAP_OFF_TSO4, &err) != -EINVAL)
		die("TSO4 without checksum offload was not refused");
	if (net_tap_set_offload(
		    tap, NET_TAP_OFF_CSUM | NET_TAP_OFF_TSO4 | NET_TAP_OFF_TSO6,
		    &err) < 0)
		die("%s", err.msg);
	if (net_tap_set_offload(tap, 0x100, &err) != -EINVAL)
		die("an unknown offload bit was not refused");
	ok("offloads: CSUM+TSO4+TSO6 taken, TSO without CSUM and unknown "
	   "bits refused");
	if (net_tap_recv(tap, hdr, &iov, 1) != -EAGAIN)
		die("an empty tap did not answer -EAGAIN");
	ok("an empty tap answers -EAGAIN (non-blocking)");
}

/* Not a check (the answer is the kernel's to choose, and differs between
 * versions): what the tap does with a GSO header on a frame that is not
 * TCP, for the device's own header checks to be designed against. */
static void gso_nonsense(struct net_tap *tap, int sock)
{
	uint8_t hdr[NET_TAP_HDR_LEN] = {0}, f[FRAME_LEN], got[2048];
	struct iovec iov = {f, FRAME_LEN};
	ssize_t n;

	make_frame(f, 9);
	hdr[1] = 1;   /* gso_type VIRTIO_NET_HDR_GSO_TCPV4 */
	hdr[4] = 100; /* gso_size 100, no NEEDS_CSUM */
	n = net_tap_send(tap, hdr, &iov, 1);
	if (n >= 0)
		n = socket_recv(sock, got, sizeof(got)) == FRAME_LEN ? 0 : -1;
	printf("net_probe: note: a TCPV4 GSO header on a non-IP frame: %s\n",
	       n == 0	 ? "taken and delivered"
	       : n == -1 ? "taken, not delivered"
			 : strerror((int)-n));
}

static int tap_part(void)
{
	struct net_tap tap, other;
	struct sockaddr_ll ll;
	struct errbuf err;
	int sock;

	open_tap(&tap, &sock, &ll);
	printf("net_probe: tap %s up, vnet header %u bytes\n", tap.name,
	       NET_TAP_HDR_LEN);
	tap_to_socket(&tap, sock);
	socket_to_tap(&tap, sock, &ll);
	offloads(&tap);
	gso_nonsense(&tap, sock);
	if (net_tap_open(&other, TAP_NAME, &err) != -EBUSY ||
	    !strstr(err.msg, "TUNSETIFF"))
		die("a second open of a held tap was not refused with EBUSY");
	printf("net_probe: ok: a held tap is refused: %s\n", err.msg);
	if (net_tap_open(&other, "a-name-far-too-long", &err) != -EINVAL)
		die("an over-long tap name was not refused");
	ok("an over-long name is refused");
	net_tap_close(&tap);
	close(sock);
	return 0;
}

/* --- the vhost part ----------------------------------------------------- */

#define RAM_SIZE (1u << 20)
#define QSIZE	 256u
#define NRX	 4u
#define BUF_LEN	 2048u

struct ring {
	gpa_t base; /* desc; avail + 0x1000; used + 0x2000; buffers + 0x4000 */
	struct vhost_vring spec;
};

static gpa_t buf_gpa(const struct ring *r, unsigned i)
{
	return r->base + 0x4000 + (gpa_t)i * BUF_LEN;
}

static void *at(const struct guest_mem *m, gpa_t gpa, uint64_t len)
{
	void *p = gmem_ptr(m, gpa, len);

	if (!p)
		die("test layout outside its RAM at %#llx",
		    (unsigned long long)gpa);
	return p;
}

static void make_ring(struct ring *r, unsigned q)
{
	r->base = 0x10000 * (gpa_t)(q + 1);
	r->spec.num = QSIZE;
	r->spec.base = 0;
	r->spec.desc = r->base;
	r->spec.avail = r->base + 0x1000;
	r->spec.used = r->base + 0x2000;
	r->spec.kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	r->spec.call_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->spec.kick_fd < 0 || r->spec.call_fd < 0)
		die("eventfd: %s", strerror(errno));
}

/* The driver's side of a chain of one: descriptor i, then publish it. */
static void post(const struct guest_mem *m, struct ring *r, unsigned i,
		 uint32_t len, uint16_t flags)
{
	struct vring_desc *d = at(m, r->spec.desc + 16 * (gpa_t)i, 16);
	struct vring_avail *a = at(m, r->spec.avail, 4 + 2 * QSIZE);

	d->addr = buf_gpa(r, i);
	d->len = len;
	d->flags = flags;
	d->next = 0;
	a->ring[a->idx % QSIZE] = (uint16_t)i;
	__atomic_store_n(&a->idx, (uint16_t)(a->idx + 1), __ATOMIC_RELEASE);
}

static uint16_t used_idx(const struct guest_mem *m, const struct ring *r)
{
	struct vring_used *u = at(m, r->spec.used, 4 + 8 * QSIZE);

	return __atomic_load_n(&u->idx, __ATOMIC_ACQUIRE);
}

static void wait_call(const struct ring *r, const char *what)
{
	uint64_t v;

	if (!wait_in(r->spec.call_fd) ||
	    read(r->spec.call_fd, &v, sizeof(v)) != sizeof(v))
		die("the call eventfd did not fire after %s", what);
}

static void hostile_rings(struct vhost_net *vn, const struct ring *good)
{
	struct vhost_vring bad = good->spec;
	struct errbuf err;

	bad.used = RAM_SIZE - 8; /* starts inside, ends outside */
	if (vhost_net_set_vring(vn, VHOST_NET_TX, &bad, &err) != -EINVAL ||
	    !strstr(err.msg, "outside guest memory"))
		die("a used ring past the end of RAM was not refused");
	printf("net_probe: ok: refused: %s\n", err.msg);
	bad = good->spec;
	bad.desc = 0xfffffffffffff000ull; /* wraps around */
	if (vhost_net_set_vring(vn, VHOST_NET_TX, &bad, &err) != -EINVAL)
		die("a wrapping descriptor ring was not refused");
	bad = good->spec;
	bad.num = 100;
	if (vhost_net_set_vring(vn, VHOST_NET_TX, &bad, &err) != -EINVAL)
		die("queue size 100 was not refused");
	ok("wrapping rings and a size not a power of two are refused");
}

/* Chain i of the TX ring (the i-th sent since the ring was set up) goes
 * out on one kick; the used ring then holds i + 1 entries. */
static void vhost_tx(const struct guest_mem *m, struct ring *tx, int sock,
		     unsigned i)
{
	uint8_t f[FRAME_LEN], got[2048];
	uint8_t *buf = at(m, buf_gpa(tx, i), BUF_LEN);
	uint64_t one = 1;
	struct vring_used *u;
	ssize_t n;

	make_frame(f, (uint8_t)(3 + i));
	memset(buf, 0, NET_TAP_HDR_LEN);
	memcpy(buf + NET_TAP_HDR_LEN, f, FRAME_LEN);
	post(m, tx, i, NET_TAP_HDR_LEN + FRAME_LEN, 0);
	if (write(tx->spec.kick_fd, &one, sizeof(one)) != sizeof(one))
		die("kick: %s", strerror(errno));
	n = socket_recv(sock, got, sizeof(got));
	if (n != FRAME_LEN || memcmp(got, f, FRAME_LEN) != 0)
		die("the frame put in the TX ring did not reach the packet "
		    "socket intact (%zd)",
		    n);
	wait_call(tx, "TX");
	u = at(m, tx->spec.used, 4 + 8 * QSIZE);
	if (used_idx(m, tx) != i + 1 || u->ring[i].id != i)
		die("TX used ring: idx %u id %u, want %u and %u",
		    used_idx(m, tx), u->ring[i].id, i + 1, i);
}

static void vhost_rx(const struct guest_mem *m, struct ring *rx, int sock,
		     const struct sockaddr_ll *ll, int mergeable)
{
	uint8_t f[FRAME_LEN];
	struct vring_used *u = at(m, rx->spec.used, 4 + 8 * QSIZE);

	make_frame(f, 4);
	socket_send(sock, ll, f);
	for (uint16_t seen = 0; seen < NRX;) {
		while (used_idx(m, rx) == seen)
			wait_call(rx, "RX");
		for (; seen != used_idx(m, rx) && seen < NRX; seen++) {
			struct vring_used_elem e = u->ring[seen];
			uint8_t *b = at(m, buf_gpa(rx, e.id), BUF_LEN);
			uint16_t nbuf = (uint16_t)(b[10] | b[11] << 8);

			if (e.id >= NRX || e.len < NET_TAP_HDR_LEN ||
			    e.len > BUF_LEN)
				die("RX used element id %u len %u", e.id,
				    e.len);
			if (!is_probe(b + NET_TAP_HDR_LEN,
				      e.len - NET_TAP_HDR_LEN))
				continue;
			if (e.len != NET_TAP_HDR_LEN + FRAME_LEN ||
			    memcmp(b + NET_TAP_HDR_LEN, f, FRAME_LEN) != 0)
				die("the frame in the RX buffer differs");
			if (mergeable && nbuf != 1)
				die("RX header num_buffers %u, want 1", nbuf);
			ok("vhost RX: a frame sent into the tap is in an RX "
			   "buffer behind its header, the call eventfd fired");
			return;
		}
	}
	die("our frame never reached the RX ring");
}

static int vhost_part(void)
{
	struct net_tap tap;
	struct sockaddr_ll ll;
	struct vhost_net vn;
	struct guest_mem m;
	struct ring rx, tx;
	struct errbuf err;
	uint64_t want =
		1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_NET_F_MRG_RXBUF;
	uint16_t base;
	int sock, ret;

	open_tap(&tap, &sock, &ll);
	ret = vhost_net_open(&vn, &err);
	if (ret == -ENOENT)
		skip(err.msg);
	if (ret < 0)
		die("%s", err.msg);
	if (!(vn.offered & 1ull << VIRTIO_F_VERSION_1))
		die("vhost-net offers no VERSION_1 (features %#llx)",
		    (unsigned long long)vn.offered);
	want &= vn.offered;
	if (vhost_net_set_features(&vn, want, &err) < 0)
		die("%s", err.msg);
	printf("net_probe: vhost-net offers %#llx, acked %#llx\n",
	       (unsigned long long)vn.offered, (unsigned long long)want);
	m.size = RAM_SIZE;
	m.host = aligned_alloc(4096, RAM_SIZE);
	if (!m.host)
		die("no memory");
	memset(m.host, 0, RAM_SIZE);
	if (vhost_net_set_mem(&vn, &m, &err) < 0)
		die("%s", err.msg);
	make_ring(&rx, VHOST_NET_RX);
	make_ring(&tx, VHOST_NET_TX);
	hostile_rings(&vn, &tx);
	for (unsigned i = 0; i < NRX; i++)
		post(&m, &rx, i, BUF_LEN, VRING_DESC_F_WRITE);
	if (vhost_net_set_vring(&vn, VHOST_NET_RX, &rx.spec, &err) < 0 ||
	    vhost_net_set_vring(&vn, VHOST_NET_TX, &tx.spec, &err) < 0 ||
	    vhost_net_start(&vn, VHOST_NET_RX, tap.fd, &err) < 0 ||
	    vhost_net_start(&vn, VHOST_NET_TX, tap.fd, &err) < 0)
		die("%s", err.msg);
	vhost_tx(&m, &tx, sock, 0);
	ok("vhost TX: a frame in the ring, one kick, and it is on the wire; "
	   "the used ring advanced to 1 and the call eventfd fired");
	vhost_rx(&m, &rx, sock, &ll, !!(want & 1ull << VIRTIO_NET_F_MRG_RXBUF));
	if (vhost_net_stop(&vn, VHOST_NET_TX, &base, &err) < 0)
		die("%s", err.msg);
	if (base != 1)
		die("VHOST_GET_VRING_BASE on TX: %u, want 1", base);
	ok("stop: backend detached, the kernel stopped TX at avail index 1");
	/* A device reset's second half: the same ring handed back from
	 * where the kernel stopped. */
	tx.spec.base = base;
	if (vhost_net_set_vring(&vn, VHOST_NET_TX, &tx.spec, &err) < 0 ||
	    vhost_net_start(&vn, VHOST_NET_TX, tap.fd, &err) < 0)
		die("%s", err.msg);
	vhost_tx(&m, &tx, sock, 1);
	ok("restart: TX set up again from base 1 sends the next chain; used "
	   "index 2");
	/* The userspace path takes the tap back once RX is detached. */
	if (vhost_net_stop(&vn, VHOST_NET_RX, &base, &err) < 0)
		die("%s", err.msg);
	if (base < 1 || base > NRX)
		die("VHOST_GET_VRING_BASE on RX: %u, want 1..%u", base, NRX);
	socket_to_tap(&tap, sock, &ll);
	ok("handover: with RX detached the frame reaches the tap's reader, "
	   "not the ring");
	vhost_net_close(&vn);
	net_tap_close(&tap);
	close(sock);
	free(m.host);
	return 0;
}

/* --- the offload part: the NIC on a tap --------------------------------- */

#define OFF_TAP	    "nprobe1"
#define TSO_PAYLOAD 8000u /* six segments of the MSS below */
#define TSO_MSS	    1448u
#define TSO_FRAME   (14u + 20u + 20u + TSO_PAYLOAD)
#define BIG_BUF	    0x40000u /* a receive buffer for a whole TSO frame */
#define TX_BUF	    0x60000u

static const uint8_t nic_mac[6] = {0x02, 0x53, 0, 0, 0, 0x0f};

static void probe_needs_reset(struct virtio_transport *t, const char *why)
{
	(void)t;
	die("the NIC needs a reset: %s", why);
}

static void probe_notify_used(struct virtio_transport *t, unsigned q)
{
	(void)t;
	(void)q;
}

static void probe_notify_config(struct virtio_transport *t)
{
	(void)t;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	return sum;
}

/* A TCP segment over IPv4 of TSO_PAYLOAD bytes from src to dst, as a
 * driver with CSUM hands it over: the IP header summed, TCP's checksum
 * field holding the pseudo-header's sum for the host to complete. */
static void tso_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src)
{
	uint8_t *ip = f + 14, *tcp = ip + 20;
	uint32_t sum;

	memset(f, 0, TSO_FRAME);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((TSO_FRAME - 14) >> 8);
	ip[3] = (uint8_t)(TSO_FRAME - 14);
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, "\x0a\x00\x00\x02\x0a\x00\x00\x01", 8);
	sum = csum_fold(csum_add(0, ip, 20));
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
	tcp[1] = 99;  /* source port 99 */
	tcp[3] = 100; /* destination port 100 */
	tcp[12] = 5 << 4;
	tcp[13] = 0x18; /* PSH, ACK */
	tcp[14] = 0xff;
	for (unsigned i = 0; i < TSO_PAYLOAD; i++)
		tcp[20 + i] = (uint8_t)(i * 13);
	sum = csum_add(0, ip + 12, 8) + 6 + 20 + TSO_PAYLOAD;
	sum = csum_fold(sum);
	tcp[16] = (uint8_t)(sum >> 8);
	tcp[17] = (uint8_t)sum;
}

/* The TSO header for tso_frame (le16 fields: a vring's and the tap's). */
static void tso_header(uint8_t *h)
{
	memset(h, 0, NET_TAP_HDR_LEN);
	h[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h[1] = VIRTIO_NET_HDR_GSO_TCPV4;
	h[2] = 54;				 /* hdr_len */
	h[4] = TSO_MSS & 0xff, h[5] = TSO_MSS >> 8; /* gso_size */
	h[6] = 34;				 /* csum_start */
	h[8] = 16;				 /* csum_offset */
}

struct nic {
	struct vnet *n;
	struct guest_mem m;
	struct ring rx, tx;
	struct virtio_transport t;
	struct virtio_queue_addr addr[2];
	int fd; /* the tap's */
};

static void nic_activate(struct nic *c, uint64_t features)
{
	struct errbuf err;

	vnet_ops.reset(c->n);
	memset(c->m.host, 0, RAM_SIZE);
	if (vnet_ops.activate(c->n, &c->m, 1ull << VIRTIO_F_VERSION_1 | features,
			      c->addr, &c->t, &err) < 0)
		die("%s", err.msg);
}

/* The guest sends one TSO frame of TSO_FRAME bytes: the tap must take it
 * whole, as one GSO packet (sock, with PACKET_VNET_HDR, reads the
 * kernel's header of what it received: TCPV4, the guest's MSS). */
static void nic_tso_out(struct nic *c, int sock)
{
	uint8_t *buf = at(&c->m, TX_BUF, NET_TAP_HDR_LEN + TSO_FRAME);
	static uint8_t got[10 + TSO_FRAME + 64];
	struct vring_desc *d = at(&c->m, c->tx.spec.desc, 16);
	struct vring_avail *a = at(&c->m, c->tx.spec.avail, 6);
	ssize_t n;

	tso_header(buf);
	tso_frame(buf + NET_TAP_HDR_LEN, (const uint8_t *)"\x02\x00\x00\x6e\x70\x01",
		  nic_mac);
	*d = (struct vring_desc){TX_BUF, NET_TAP_HDR_LEN + TSO_FRAME, 0, 0};
	a->ring[0] = 0;
	a->idx = 1;
	vnet_ops.notify(c->n, VNET_TXQ);
	if (c->n->st.tx_packets != 1)
		die("the NIC did not send the TSO frame (tx bad header %llu, "
		    "tx backend busy %llu)",
		    (unsigned long long)c->n->st.drops[VNET_DROP_TX_BAD_HDR],
		    (unsigned long long)c->n->st.drops[VNET_DROP_TX_BACKEND]);
	n = socket_recv(sock, got, sizeof(got));
	if (n != (ssize_t)(10 + TSO_FRAME) ||
	    memcmp(got + 10 + 14, buf + NET_TAP_HDR_LEN + 14, TSO_FRAME - 14))
		die("the TSO frame did not reach the host's stack whole (%zd "
		    "bytes, want 10 + %u)",
		    n, TSO_FRAME);
	if (got[1] != VIRTIO_NET_HDR_GSO_TCPV4 ||
	    (got[4] | got[5] << 8) != TSO_MSS)
		die("the host's stack got the frame without its GSO request "
		    "(gso_type %u, gso_size %u)",
		    got[1], got[4] | got[5] << 8);
	printf("net_probe: ok: the NIC sent a TSO frame of %u bytes "
	       "(gso_size %u): the tap took it whole\n",
	       TSO_FRAME, TSO_MSS);
}

/* A packet socket for IPv4 whose frames carry a struct virtio_net_hdr
 * (10 bytes) in front, both ways. */
static int vnet_packet_socket(const char *name, struct sockaddr_ll *ll)
{
	int s = packet_socket_of(name, ll, 0x0800), on = 1;

	if (setsockopt(s, SOL_PACKET, PACKET_VNET_HDR, &on, sizeof(on)) < 0)
		die("PACKET_VNET_HDR: %s", strerror(errno));
	return s;
}

/* The host's stack sends a TSO frame into the tap. */
static void host_tso_in(const char *name)
{
	static uint8_t pkt[10 + TSO_FRAME];
	struct sockaddr_ll ll;
	int s = vnet_packet_socket(name, &ll);

	tso_header(pkt); /* its first 10 bytes: struct virtio_net_hdr */
	tso_frame(pkt + 10, nic_mac, (const uint8_t *)"\x02\x00\x00\x6e\x70\x01");
	memcpy(ll.sll_addr, nic_mac, 6);
	if (sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&ll,
		   sizeof(ll)) != (ssize_t)sizeof(pkt))
		die("sending a TSO frame into the tap: %s", strerror(errno));
	close(s);
}

/* Polls the NIC until the receive ring holds want frames of ours (IPv4
 * from the probe's MAC); their bytes of TCP payload. */
static unsigned nic_rx_frames(struct nic *c, unsigned want, uint8_t *gso,
			      uint32_t *max_len)
{
	struct vring_used *u = at(&c->m, c->rx.spec.used, 4 + 8 * QSIZE);
	struct vring_desc *d = at(&c->m, c->rx.spec.desc, 16 * QSIZE);
	unsigned seen = 0, ours = 0, payload = 0;

	*max_len = 0;
	*gso = 0;
	while (ours < want) {
		if (used_idx(&c->m, &c->rx) == seen) {
			if (!wait_in(c->fd))
				die("%u of %u frames reached the NIC's receive "
				    "ring",
				    ours, want);
			vnet_poll(c->n);
			continue;
		}
		for (; seen != used_idx(&c->m, &c->rx); seen++) {
			struct vring_used_elem e = u->ring[seen % QSIZE];
			uint8_t *b = at(&c->m, d[e.id].addr, e.len);

			if (e.len < NET_TAP_HDR_LEN + 34 || b[NET_TAP_HDR_LEN + 12] != 8 ||
			    memcmp(b + NET_TAP_HDR_LEN + 6, "\x02\x00\x00\x6e\x70\x01", 6))
				continue;
			ours++;
			*gso |= b[1];
			if (e.len > *max_len)
				*max_len = e.len;
			payload += e.len - NET_TAP_HDR_LEN - 54;
		}
	}
	return payload;
}

static int offload_part(void)
{
	static struct vnet n;
	struct nic c = {.n = &n};
	struct net_backend *be;
	struct sockaddr_ll ll;
	struct errbuf err;
	uint32_t max_len;
	unsigned payload;
	uint8_t gso;
	int sock;

	enter_namespace();
	if (net_tap_backend_open(OFF_TAP, &be, &err) < 0)
		die("%s", err.msg);
	c.fd = net_tap_backend_fd(be);
	quiet_ipv6(OFF_TAP);
	if_up(OFF_TAP);
	sock = vnet_packet_socket(OFF_TAP, &ll);
	if (vnet_init(&n, be, nic_mac, 1500, NULL, &err) < 0)
		die("%s", err.msg);
	if (!(vnet_ops.features(&n) & 1ull << VIRTIO_NET_F_HOST_TSO4))
		die("the NIC on a tap does not offer HOST_TSO4");
	c.m.size = RAM_SIZE;
	c.m.host = aligned_alloc(4096, RAM_SIZE);
	if (!c.m.host)
		die("no memory");
	make_ring(&c.rx, 0);
	make_ring(&c.tx, 1);
	c.addr[VNET_RXQ] = (struct virtio_queue_addr){QSIZE, c.rx.spec.desc,
						      c.rx.spec.avail,
						      c.rx.spec.used};
	c.addr[VNET_TXQ] = (struct virtio_queue_addr){QSIZE, c.tx.spec.desc,
						      c.tx.spec.avail,
						      c.tx.spec.used};
	c.t = (struct virtio_transport){probe_notify_used, probe_notify_config,
					probe_needs_reset};

	/* CSUM, HOST_TSO4 and GUEST_CSUM, GUEST_TSO4: a TSO frame each way */
	nic_activate(&c, 1ull << VIRTIO_NET_F_CSUM |
				 1ull << VIRTIO_NET_F_HOST_TSO4 |
				 1ull << VIRTIO_NET_F_GUEST_CSUM |
				 1ull << VIRTIO_NET_F_GUEST_TSO4);
	nic_tso_out(&c, sock);
	post(&c.m, &c.rx, 0, 0, VRING_DESC_F_WRITE);
	((struct vring_desc *)at(&c.m, c.rx.spec.desc, 16))[0] =
		(struct vring_desc){BIG_BUF, VNET_BUF_MAX, VRING_DESC_F_WRITE,
				    0};
	host_tso_in(OFF_TAP);
	payload = nic_rx_frames(&c, 1, &gso, &max_len);
	if (gso != VIRTIO_NET_HDR_GSO_TCPV4 || payload != TSO_PAYLOAD ||
	    max_len != NET_TAP_HDR_LEN + TSO_FRAME)
		die("with GUEST_TSO4 the NIC received gso_type %u, %u bytes "
		    "in a frame of %u, want one TSO frame of %u",
		    gso, payload, max_len, NET_TAP_HDR_LEN + TSO_FRAME);
	printf("net_probe: ok: with GUEST_TSO4 (TUNSETOFFLOAD CSUM|TSO4) the "
	       "host's TSO frame reached the ring whole: %u bytes, gso_type "
	       "TCPV4\n",
	       max_len);

	/* GUEST_CSUM only: the kernel must cut the same frame into segments */
	nic_activate(&c, 1ull << VIRTIO_NET_F_GUEST_CSUM);
	for (unsigned i = 0; i < NRX + 4; i++)
		post(&c.m, &c.rx, i, BUF_LEN, VRING_DESC_F_WRITE);
	host_tso_in(OFF_TAP);
	payload = nic_rx_frames(&c, (TSO_PAYLOAD + TSO_MSS - 1) / TSO_MSS, &gso,
				&max_len);
	if (gso != 0 || payload != TSO_PAYLOAD ||
	    max_len > NET_TAP_HDR_LEN + 1514)
		die("without GUEST_TSO4 the NIC received gso_type %u, %u "
		    "bytes, frames up to %u",
		    gso, payload, max_len);
	printf("net_probe: ok: without GUEST_TSO4 (TUNSETOFFLOAD CSUM) the "
	       "kernel cut it into %u segments, frames of at most %u bytes\n",
	       (TSO_PAYLOAD + TSO_MSS - 1) / TSO_MSS,
	       max_len - NET_TAP_HDR_LEN);
	if (n.st.drops[VNET_DROP_RX_BAD_HDR] || n.st.drops[VNET_DROP_RX_TOO_LONG])
		die("the NIC dropped frames off the tap (bad header %llu, too "
		    "long %llu)",
		    (unsigned long long)n.st.drops[VNET_DROP_RX_BAD_HDR],
		    (unsigned long long)n.st.drops[VNET_DROP_RX_TOO_LONG]);
	vnet_destroy(&n);
	close(sock);
	free(c.m.host);
	return 0;
}

/* --- the guest part ----------------------------------------------------- */

#define GUEST_WAIT_MS 30000 /* a VMM's start and a bare guest, on any KVM */
#define GUEST_TEXT    "hello over the unix wire" /* guest/virtio/net.c's */
#define LONG_PAYLOAD  2000u /* past the NIC's MTU of 1500, within the tap's */

static void set_mtu(const char *name, int mtu)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_mtu = mtu;
	if (s < 0 || ioctl(s, SIOCSIFMTU, &ifr) < 0)
		die("SIOCSIFMTU %s %d: %s", name, mtu, strerror(errno));
	close(s);
}

/* The tap made persistent and let go, so that the VMM can attach to it;
 * up, with an MTU above the NIC's so that a frame too long for the NIC
 * can be sent into it. */
static int make_tap(struct sockaddr_ll *ll)
{
	struct net_tap tap;
	struct errbuf err;

	enter_namespace();
	if (net_tap_open(&tap, TAP_NAME, &err) < 0)
		die("%s", err.msg);
	if (ioctl(tap.fd, TUNSETPERSIST, 1) < 0)
		die("TUNSETPERSIST: %s", strerror(errno));
	net_tap_close(&tap);
	quiet_ipv6(TAP_NAME);
	set_mtu(TAP_NAME, 9000);
	if_up(TAP_NAME);
	return packet_socket(TAP_NAME, ll);
}

/* The guest's good frame: broadcast, our type, its payload the text. */
static void guest_frame(int sock, uint8_t *src)
{
	uint8_t got[2048];
	ssize_t n;
	struct pollfd p = {.fd = sock, .events = POLLIN};

	for (;;) {
		if (poll(&p, 1, GUEST_WAIT_MS) != 1)
			die("no frame from the guest in %d ms", GUEST_WAIT_MS);
		n = recv(sock, got, sizeof(got), MSG_DONTWAIT);
		if (n < 0)
			die("recv on the packet socket: %s", strerror(errno));
		if (is_probe(got, (size_t)n))
			break;
	}
	if (n != 14 + (ssize_t)sizeof(GUEST_TEXT) ||
	    memcmp(got + 14, GUEST_TEXT, sizeof(GUEST_TEXT)) != 0 ||
	    memcmp(got, "\xff\xff\xff\xff\xff\xff", 6) != 0)
		die("the guest's frame differs (%zd bytes)", n);
	memcpy(src, got + 6, 6);
	printf("net_probe: ok: the guest's frame arrived on the tap's host "
	       "side, from %02x:%02x:%02x:%02x:%02x:%02x\n",
	       src[0], src[1], src[2], src[3], src[4], src[5]);
}

/* A frame of our type with the given payload, from the probe's MAC. */
static void send_guest(int sock, const struct sockaddr_ll *ll,
		       const void *payload, size_t len)
{
	static uint8_t f[14 + LONG_PAYLOAD];

	make_frame(f, 0);
	memcpy(f + 14, payload, len);
	if (sendto(sock, f, 14 + len, 0, (const struct sockaddr *)ll,
		   sizeof(*ll)) != (ssize_t)(14 + len))
		die("sendto on the packet socket: %s", strerror(errno));
}

/*
 * net-probe guest CMD...: CMD (simple-kvm --net tap=nprobe0 with the bare
 * net driver) runs in the namespace; the guest's frame must come out of
 * the tap; then a frame too long for the NIC and the answer go in. The
 * probe exits with CMD's status.
 */
static int guest_part(char **cmd)
{
	static uint8_t filler[LONG_PAYLOAD];
	struct sockaddr_ll ll;
	uint8_t src[6];
	int sock = make_tap(&ll), status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(sock);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	guest_frame(sock, src);
	memset(filler, 0x5a, sizeof(filler));
	send_guest(sock, &ll, filler, sizeof(filler));
	send_guest(sock, &ll, GUEST_TEXT, sizeof(GUEST_TEXT));
	ok("sent the guest a frame too long for it, then the answer");
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid: %s", strerror(errno));
	close(sock);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && strcmp(argv[1], "guest") == 0)
		return guest_part(argv + 2);
	if (argc == 2 && strcmp(argv[1], "tap") == 0)
		return tap_part();
	if (argc == 2 && strcmp(argv[1], "vhost") == 0)
		return vhost_part();
	if (argc == 2 && strcmp(argv[1], "offload") == 0)
		return offload_part();
	fprintf(stderr, "usage: net-probe tap|vhost|offload|guest CMD...\n");
	return 2;
}
