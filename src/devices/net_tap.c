/* net_tap.c - /dev/net/tun as a virtio-net backend: a tap with the vnet header.
 */
#include "net_tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
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

	if (offloads & ~(NET_TAP_OFF_CSUM | NET_TAP_OFF_TSO4 |
			 NET_TAP_OFF_TSO6 | NET_TAP_OFF_ECN))
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
