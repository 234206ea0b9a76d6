/* net_tap.c - /dev/net/tun as a virtio-net backend: a tap with the vnet header.
 */
#include "net_tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define TUN_PATH "/dev/net/tun"

/* The reason a tap cannot be had, in the user's terms. */
static const char *open_hint(int e)
{
	switch (e) {
	case EPERM:
	case EACCES:
		return " (creating a tap needs CAP_NET_ADMIN; make one with "
		       "'ip tuntap add NAME mode tap user $USER vnet_hdr')";
	case EBUSY:
		return " (another process holds it, or it is a tun, not a tap)";
	case EINVAL:
		return " (the kernel refused IFF_TAP | IFF_NO_PI | IFF_VNET_HDR)";
	default:
		return "";
	}
}

/* The header size and byte order: both must hold, or the frames'
 * headers would be misread. */
static int set_vnet_header(struct net_tap *tap, struct errbuf *err)
{
	int len = NET_TAP_HDR_LEN, le = 1;

	if (ioctl(tap->fd, TUNSETVNETHDRSZ, &len) < 0)
		return err_fail(err, errno, "tap %s: TUNSETVNETHDRSZ %d: %s",
				tap->name, len, strerror(errno));
	if (ioctl(tap->fd, TUNSETVNETLE, &le) < 0)
		return err_fail(err, errno, "tap %s: TUNSETVNETLE: %s",
				tap->name, strerror(errno));
	return 0;
}

int net_tap_open(struct net_tap *tap, const char *name, struct errbuf *err)
{
	struct ifreq ifr;
	int ret;

	tap->fd = -1;
	tap->name[0] = '\0';
	if (strlen(name) >= IFNAMSIZ)
		return err_fail(err, EINVAL,
				"tap name '%s' is longer than %d bytes", name,
				IFNAMSIZ - 1);
	tap->fd = open(TUN_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (tap->fd < 0) {
		ret = errno;
		return err_fail(err, ret, "tap: cannot open %s: %s%s", TUN_PATH,
				strerror(ret),
				ret == ENOENT ? " (no tun driver: modprobe tun)"
					      : "");
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(tap->fd, TUNSETIFF, &ifr) < 0) {
		ret = errno;
		net_tap_close(tap);
		return err_fail(err, ret, "tap %s: TUNSETIFF: %s%s",
				name[0] ? name : "(new)", strerror(ret),
				open_hint(ret));
	}
	memcpy(tap->name, ifr.ifr_name, IFNAMSIZ);
	tap->name[IFNAMSIZ - 1] = '\0';
	ret = set_vnet_header(tap, err);
	if (ret == 0)
		ret = net_tap_set_offload(tap, 0, err);
	if (ret < 0)
		net_tap_close(tap);
	return ret;
}

void net_tap_close(struct net_tap *tap)
{
	if (tap->fd >= 0)
		close(tap->fd);
	tap->fd = -1;
}

int net_tap_set_offload(struct net_tap *tap, unsigned offloads,
			struct errbuf *err)
{
	unsigned long flags = 0;

	if (offloads & ~NET_OFF_ALL)
		return err_fail(err, EINVAL, "tap %s: unknown offloads %#x",
				tap->name, offloads);
	if (offloads & NET_TAP_OFF_CSUM)
		flags |= TUN_F_CSUM;
	if (offloads & NET_TAP_OFF_TSO4)
		flags |= TUN_F_TSO4;
	if (offloads & NET_TAP_OFF_TSO6)
		flags |= TUN_F_TSO6;
	if (offloads & NET_TAP_OFF_ECN)
		flags |= TUN_F_TSO_ECN;
	/* TSO without checksum offload is refused by the kernel (EINVAL):
	 * the virtio rule (GUEST_TSO4 requires GUEST_CSUM) is the same. */
	if (ioctl(tap->fd, TUNSETOFFLOAD, flags) < 0)
		return err_fail(err, errno, "tap %s: TUNSETOFFLOAD %#lx: %s",
				tap->name, flags, strerror(errno));
	return 0;
}

/* The header first, then the caller's pieces: at most this many. */
#define NET_TAP_MAX_IOV 64

static int with_header(struct iovec *all, void *hdr, const struct iovec *iov,
		       int iovcnt)
{
	if (iovcnt < 0 || iovcnt > NET_TAP_MAX_IOV - 1)
		return -EINVAL;
	all[0].iov_base = hdr;
	all[0].iov_len = NET_TAP_HDR_LEN;
	memcpy(&all[1], iov, (size_t)iovcnt * sizeof(*iov));
	return iovcnt + 1;
}

ssize_t net_tap_send(struct net_tap *tap, const void *hdr,
		     const struct iovec *iov, int iovcnt)
{
	struct iovec all[NET_TAP_MAX_IOV];
	int n = with_header(all, (void *)(uintptr_t)hdr, iov, iovcnt);
	ssize_t got;

	if (n < 0)
		return n;
	got = writev(tap->fd, all, n);
	if (got < 0)
		return -errno;
	if (got < (ssize_t)NET_TAP_HDR_LEN)
		return -EIO;
	return got - (ssize_t)NET_TAP_HDR_LEN;
}

ssize_t net_tap_recv(struct net_tap *tap, void *hdr, const struct iovec *iov,
		     int iovcnt)
{
	struct iovec all[NET_TAP_MAX_IOV];
	int n = with_header(all, hdr, iov, iovcnt);
	ssize_t got;

	if (n < 0)
		return n;
	got = readv(tap->fd, all, n);
	if (got < 0)
		return -errno;
	if (got < (ssize_t)NET_TAP_HDR_LEN)
		return -EIO;
	return got - (ssize_t)NET_TAP_HDR_LEN;
}

/* --- the tap as a virtio-net backend ----------------------------------- */

/* Room past the caller's buffer, so that a frame longer than its cap is
 * seen whole and refused instead of cut by the kernel: a tap's frames
 * are at most its MTU (65535 at most) plus an Ethernet and a VLAN
 * header, or with TSO on a segment of at most 64 KiB (the tap's
 * gso_max_size) with its headers. */
#define NET_TAP_TAIL (65536u + 64u)

struct net_tap_backend {
	struct net_backend b; /* first: the backend's common head */
	struct net_tap tap;
	unsigned offloads; /* what TUNSETOFFLOAD last set */
	uint8_t tail[NET_TAP_TAIL];
};

static int ntb_send(struct net_backend *b, const struct iovec *iov, unsigned n)
{
	struct net_tap_backend *t = (struct net_tap_backend *)b;
	/* writev does not write the iovecs; the cast drops only const */
	ssize_t got = writev(t->tap.fd, (struct iovec *)(uintptr_t)iov, (int)n);

	if (got >= 0)
		return 0;
	return errno == ENOBUFS ? -EAGAIN : -errno;
}

static ssize_t ntb_recv(struct net_backend *b, void *buf, size_t cap)
{
	struct net_tap_backend *t = (struct net_tap_backend *)b;
	struct iovec iov[2] = {{buf, cap}, {t->tail, sizeof(t->tail)}};
	ssize_t got = readv(t->tap.fd, iov, 2);

	if (got < 0)
		return errno == EAGAIN ? 0 : -errno;
	if ((size_t)got > cap)
		return -EMSGSIZE;
	return got;
}

static int ntb_poll_fd(const struct net_backend *b)
{
	return ((const struct net_tap_backend *)b)->tap.fd;
}

int net_tap_backend_fd(const struct net_backend *b)
{
	return ntb_poll_fd(b);
}

static bool ntb_link_up(const struct net_backend *b)
{
	return ((const struct net_tap_backend *)b)->tap.fd >= 0;
}

static bool ntb_tick(struct net_backend *b)
{
	(void)b;
	return false;
}

/* Each activation of the NIC asks; only a change costs an ioctl (and
 * needs the seccomp rule for TUNSETOFFLOAD on this fd). */
static int ntb_set_offload(struct net_backend *b, unsigned offloads,
			   struct errbuf *err)
{
	struct net_tap_backend *t = (struct net_tap_backend *)b;
	int ret;

	if (offloads == t->offloads)
		return 0;
	ret = net_tap_set_offload(&t->tap, offloads, err);
	if (!ret)
		t->offloads = offloads;
	return ret;
}

static void ntb_close(struct net_backend *b)
{
	struct net_tap_backend *t = (struct net_tap_backend *)b;

	net_tap_close(&t->tap);
	free(t);
}

static const struct net_backend_ops net_tap_ops = {
	.kind = "tap",
	.send = ntb_send,
	.recv = ntb_recv,
	.poll_fd = ntb_poll_fd,
	.link_up = ntb_link_up,
	.tick = ntb_tick,
	.close = ntb_close,
	.set_offload = ntb_set_offload,
};

int net_tap_backend_open(const char *name, struct net_backend **out,
			 struct errbuf *err)
{
	struct net_tap_backend *t = calloc(1, sizeof(*t));
	int ret;

	if (!t)
		return err_fail(err, ENOMEM, "tap %s: out of memory", name);
	t->b = (struct net_backend){&net_tap_ops, NET_TAP_HDR_LEN, NET_OFF_ALL};
	ret = net_tap_open(&t->tap, name, err);
	if (ret) {
		free(t);
		return ret;
	}
	*out = &t->b;
	return 0;
}
