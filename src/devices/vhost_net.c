/* vhost_net.c - the /dev/vhost-net ioctls for one NIC, with the guest's
 * ring addresses checked before the kernel sees them. */
#include "vhost_net.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define VHOST_PATH "/dev/vhost-net"
#define VRING_MAX  32768u

int vhost_net_open(struct vhost_net *vn, struct errbuf *err)
{
	int e;

	memset(vn, 0, sizeof(*vn));
	vn->fd = open(VHOST_PATH, O_RDWR | O_CLOEXEC);
	if (vn->fd < 0) {
		e = errno;
		if (e == ENOENT || e == ENODEV || e == ENXIO)
			return err_fail(err, ENOENT, "%s", VHOST_NET_MISSING);
		return err_fail(err, e, "vhost-net: cannot open %s: %s",
				VHOST_PATH, strerror(e));
	}
	if (ioctl(vn->fd, VHOST_SET_OWNER, NULL) < 0) {
		e = errno;
		vhost_net_close(vn);
		return err_fail(err, e, "vhost-net: VHOST_SET_OWNER: %s",
				strerror(e));
	}
	if (ioctl(vn->fd, VHOST_GET_FEATURES, &vn->offered) < 0) {
		e = errno;
		vhost_net_close(vn);
		return err_fail(err, e, "vhost-net: VHOST_GET_FEATURES: %s",
				strerror(e));
	}
	return 0;
}

void vhost_net_close(struct vhost_net *vn)
{
	uint16_t base;

	if (vn->fd < 0)
		return;
	for (unsigned q = 0; q < VHOST_NET_QUEUES; q++)
		if (vn->running[q])
			(void)vhost_net_stop(vn, q, &base, NULL);
	close(vn->fd);
	vn->fd = -1;
}

int vhost_net_set_features(struct vhost_net *vn, uint64_t features,
			   struct errbuf *err)
{
	if (features & ~vn->offered)
		return err_fail(err, EINVAL,
				"vhost-net: features %#llx not offered by the "
				"kernel (it offers %#llx)",
				(unsigned long long)(features & ~vn->offered),
				(unsigned long long)vn->offered);
	if (ioctl(vn->fd, VHOST_SET_FEATURES, &features) < 0)
		return err_fail(err, errno,
				"vhost-net: VHOST_SET_FEATURES %#llx: %s",
				(unsigned long long)features, strerror(errno));
	vn->acked = features;
	return 0;
}

int vhost_net_set_mem(struct vhost_net *vn, const struct guest_mem *mem,
		      struct errbuf *err)
{
	/* struct vhost_memory ends in a flexible array of regions. */
	union {
		struct vhost_memory m;
		char room[sizeof(struct vhost_memory) +
			  sizeof(struct vhost_memory_region)];
	} table;

	if (mem->size == 0)
		return err_fail(err, EINVAL, "vhost-net: no guest memory");
	memset(&table, 0, sizeof(table));
	table.m.nregions = 1;
	table.m.regions[0].guest_phys_addr = 0;
	table.m.regions[0].memory_size = mem->size;
	table.m.regions[0].userspace_addr = (uint64_t)(uintptr_t)mem->host;
	if (ioctl(vn->fd, VHOST_SET_MEM_TABLE, &table.m) < 0)
		return err_fail(err, errno,
				"vhost-net: VHOST_SET_MEM_TABLE (%llu bytes): "
				"%s",
				(unsigned long long)mem->size, strerror(errno));
	vn->mem = *mem;
	return 0;
}

/* One part of a ring: aligned and wholly inside guest RAM. */
static int check_part(const struct guest_mem *mem, const char *what, gpa_t gpa,
		      uint64_t len, uint64_t align, struct errbuf *err)
{
	if (gpa & (align - 1))
		return err_fail(err, EINVAL,
				"vhost-net: %s ring at %#llx is not %llu-byte "
				"aligned",
				what, (unsigned long long)gpa,
				(unsigned long long)align);
	if (!gmem_ptr(mem, gpa, len))
		return err_fail(
			err, EINVAL,
			"vhost-net: %s ring [%#llx, +%llu) lies outside "
			"guest memory (%llu bytes)",
			what, (unsigned long long)gpa, (unsigned long long)len,
			(unsigned long long)mem->size);
	return 0;
}

int vhost_net_check_vring(const struct guest_mem *mem,
			  const struct vhost_vring *r, struct errbuf *err)
{
	uint64_t n = r->num;
	int ret;

	if (n == 0 || n > VRING_MAX || (n & (n - 1)))
		return err_fail(
			err, EINVAL,
			"vhost-net: queue size %u is not a power of two "
			"up to %u",
			r->num, VRING_MAX);
	/* 2.7: 16-byte descriptors; flags, idx, ring[n], used_event; flags,
	 * idx, ring[n] of 8 bytes, avail_event (the event words counted
	 * whether or not EVENT_IDX is on: the kernel may touch them). */
	ret = check_part(mem, "descriptor", r->desc, 16 * n, 16, err);
	if (ret == 0)
		ret = check_part(mem, "available", r->avail, 6 + 2 * n, 2, err);
	if (ret == 0)
		ret = check_part(mem, "used", r->used, 6 + 8 * n, 4, err);
	return ret;
}

static int vring_ioctl(struct vhost_net *vn, unsigned long req,
		       const char *name, void *arg, unsigned q,
		       struct errbuf *err)
{
	if (ioctl(vn->fd, req, arg) < 0)
		return err_fail(err, errno, "vhost-net: queue %u: %s: %s", q,
				name, strerror(errno));
	return 0;
}

static uint64_t host_addr(const struct vhost_net *vn, gpa_t gpa)
{
	return (uint64_t)(uintptr_t)gmem_ptr(&vn->mem, gpa, 0);
}

int vhost_net_set_vring(struct vhost_net *vn, unsigned q,
			const struct vhost_vring *r, struct errbuf *err)
{
	struct vhost_vring_state num = {.index = q, .num = r->num};
	struct vhost_vring_state base = {.index = q, .num = r->base};
	struct vhost_vring_file kick = {.index = q, .fd = r->kick_fd};
	struct vhost_vring_file call = {.index = q, .fd = r->call_fd};
	struct vhost_vring_addr addr = {.index = q};
	struct errbuf why;
	int ret;

	if (q >= VHOST_NET_QUEUES)
		return err_fail(err, EINVAL, "vhost-net: no queue %u", q);
	if (vn->mem.size == 0)
		return err_fail(err, EINVAL,
				"vhost-net: queue %u set before the memory "
				"table",
				q);
	ret = vhost_net_check_vring(&vn->mem, r, &why);
	if (ret < 0)
		return err_fail(err, -ret, "vhost-net: queue %u: %s", q,
				why.msg + strlen("vhost-net: "));
	addr.desc_user_addr = host_addr(vn, r->desc);
	addr.avail_user_addr = host_addr(vn, r->avail);
	addr.used_user_addr = host_addr(vn, r->used);
	ret = vring_ioctl(vn, VHOST_SET_VRING_NUM, "VHOST_SET_VRING_NUM", &num,
			  q, err);
	if (ret == 0)
		ret = vring_ioctl(vn, VHOST_SET_VRING_BASE,
				  "VHOST_SET_VRING_BASE", &base, q, err);
	if (ret == 0)
		ret = vring_ioctl(vn, VHOST_SET_VRING_ADDR,
				  "VHOST_SET_VRING_ADDR", &addr, q, err);
	if (ret == 0)
		ret = vring_ioctl(vn, VHOST_SET_VRING_KICK,
				  "VHOST_SET_VRING_KICK", &kick, q, err);
	if (ret == 0)
		ret = vring_ioctl(vn, VHOST_SET_VRING_CALL,
				  "VHOST_SET_VRING_CALL", &call, q, err);
	return ret;
}

int vhost_net_start(struct vhost_net *vn, unsigned q, int tap_fd,
		    struct errbuf *err)
{
	struct vhost_vring_file be = {.index = q, .fd = tap_fd};
	int ret;

	if (q >= VHOST_NET_QUEUES)
		return err_fail(err, EINVAL, "vhost-net: no queue %u", q);
	ret = vring_ioctl(vn, VHOST_NET_SET_BACKEND, "VHOST_NET_SET_BACKEND",
			  &be, q, err);
	if (ret == 0)
		vn->running[q] = 1;
	return ret;
}

int vhost_net_stop(struct vhost_net *vn, unsigned q, uint16_t *base,
		   struct errbuf *err)
{
	struct vhost_vring_file be = {.index = q, .fd = -1};
	struct vhost_vring_state st = {.index = q};
	int ret;

	if (q >= VHOST_NET_QUEUES)
		return err_fail(err, EINVAL, "vhost-net: no queue %u", q);
	ret = vring_ioctl(vn, VHOST_NET_SET_BACKEND, "VHOST_NET_SET_BACKEND -1",
			  &be, q, err);
	if (ret < 0)
		return ret;
	vn->running[q] = 0;
	/* Also stops the queue in the kernel until it is set up again. */
	ret = vring_ioctl(vn, VHOST_GET_VRING_BASE, "VHOST_GET_VRING_BASE", &st,
			  q, err);
	if (ret == 0)
		*base = (uint16_t)st.num;
	return ret;
}
