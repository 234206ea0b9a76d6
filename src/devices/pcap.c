/* pcap.c - the classic pcap format: a 24-byte file header, then a 16-byte
 * record header before each frame. */
#include "pcap.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define LINKTYPE_ETHERNET 1u

struct pcap_file_hdr {
	uint32_t magic;
	uint16_t major, minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, network;
};

struct pcap_rec_hdr {
	uint32_t ts_sec, ts_usec, incl_len, orig_len;
};

int pcap_open(struct pcap *p, const char *path, struct errbuf *err)
{
	struct pcap_file_hdr h = {0xa1b2c3d4u,	    2, 4, 0, 0, PCAP_SNAPLEN,
				  LINKTYPE_ETHERNET};

	memset(p, 0, sizeof(*p));
	p->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (p->fd < 0)
		return err_fail(err, errno, "pcap %s: %s", path,
				strerror(errno));
	if (write(p->fd, &h, sizeof(h)) != (ssize_t)sizeof(h)) {
		int e = errno ? errno : EIO;

		close(p->fd);
		p->fd = -1;
		return err_fail(err, e, "pcap %s: writing the header: %s", path,
				strerror(e));
	}
	return 0;
}

void pcap_write(struct pcap *p, const void *frame, uint32_t len)
{
	struct timespec ts;
	struct pcap_rec_hdr r;
	struct iovec iov[2];
	uint32_t incl = len < PCAP_SNAPLEN ? len : PCAP_SNAPLEN;

	if (p->fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	r = (struct pcap_rec_hdr){(uint32_t)ts.tv_sec,
				  (uint32_t)(ts.tv_nsec / 1000), incl, len};
	iov[0] = (struct iovec){&r, sizeof(r)};
	iov[1] = (struct iovec){(void *)(uintptr_t)frame, incl};
	if (writev(p->fd, iov, 2) == (ssize_t)(sizeof(r) + incl))
		p->records++;
	else
		p->failures++;
}

void pcap_close(struct pcap *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}
