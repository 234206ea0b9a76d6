/* net_probe.c - net_tap and vhost_net on the running kernel, in a network
 * namespace of its own: frames through a tap with the vnet header, then
 * through vhost-net's rings in this process's memory standing in for RAM.
 *
 * Then the bare net driver on a tap (net-probe guest CMD...).
 *
 * Usage: net-probe tap|vhost|guest CMD... Prints one line per check;
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

/* A packet socket on the tap's host side, for our frame type only. */
static int packet_socket(const char *name, struct sockaddr_ll *ll)
{
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_PROBE));

	if (s < 0)
		die("AF_PACKET socket: %s", strerror(errno));
	memset(ll, 0, sizeof(*ll));
	ll->sll_family = AF_PACKET;
	ll->sll_protocol = htons(ETH_P_PROBE);
	ll->sll_ifindex = (int)if_nametoindex(name);
	ll->sll_halen = 6;
	memset(ll->sll_addr, 0xff, 6);
	if (ll->sll_ifindex == 0 ||
	    bind(s, (struct sockaddr *)ll, sizeof(*ll)) < 0)
		die("binding the packet socket to %s: %s", name,
		    strerror(errno));
	return s;
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
	fprintf(stderr, "usage: net-probe tap|vhost|guest CMD...\n");
	return 2;
}
