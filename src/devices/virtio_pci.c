/* virtio_pci.c - the modern virtio-pci transport: the capabilities, the
 * common configuration, the status handshake, notifications and MSI-X. */
#include "virtio_pci.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "le_bytes.h"

#define FEATURE(bit) (1ull << (bit))
/* Bits 0-23 are the device type's (6); the transport adds its own. */
#define DEVICE_FEATURE_MASK 0xffffffull
#define TRANSPORT_FEATURES                                                     \
	(FEATURE(VIRTIO_F_VERSION_1) | FEATURE(VIRTIO_F_INDIRECT_DESC) |       \
	 FEATURE(VIRTIO_F_EVENT_IDX))

static struct virtio_pci *from_func(struct pci_func *f)
{
	return (struct virtio_pci *)((char *)f -
				     offsetof(struct virtio_pci, func));
}

static struct virtio_pci *from_transport(struct virtio_transport *t)
{
	return (struct virtio_pci *)((char *)t -
				     offsetof(struct virtio_pci, transport));
}

static void report(struct virtio_pci *vp, const char *line)
{
	if (vp->report)
		vp->report(vp->report_ctx, line);
	else
		fprintf(stderr, "%s\n", line);
}

/* --- interrupts, and the transport the device calls ------------------- */

static unsigned nvec(const struct virtio_pci *vp)
{
	return vp->ops->num_queues + 1;
}

/* With MSI-X on, the event's vector (none for NO_VECTOR); with it off,
 * INTx, which stays up until the driver reads the ISR (4.1.4.5). */
static void send_vector(struct virtio_pci *vp, uint16_t vector)
{
	if (pci_msix_enabled(&vp->func)) {
		if (vector != VIRTIO_MSI_NO_VECTOR)
			pci_msix_notify(&vp->func, vector);
	} else {
		pci_intx_set(&vp->func, 1);
	}
}

static void config_interrupt(struct virtio_pci *vp)
{
	uint16_t vector;

	pthread_mutex_lock(&vp->lock);
	vp->isr |= VIRTIO_PCI_ISR_CONFIG;
	vector = vp->config_vector;
	pthread_mutex_unlock(&vp->lock);
	send_vector(vp, vector);
}

static void t_notify_used(struct virtio_transport *t, unsigned q)
{
	struct virtio_pci *vp = from_transport(t);
	uint16_t vector = VIRTIO_MSI_NO_VECTOR;
	int live;

	if (q >= vp->ops->num_queues)
		return;
	pthread_mutex_lock(&vp->lock);
	live = vp->live;
	if (live) {
		vp->isr |= VIRTIO_PCI_ISR_QUEUE;
		vector = vp->q[q].vector;
	}
	pthread_mutex_unlock(&vp->lock);
	if (live)
		send_vector(vp, vector);
}

/* The queue's MSI-X vector as it is at DRIVER_OK (a driver that moves a
 * queue to another vector later is not followed). */
static uint16_t queue_vector(struct virtio_pci *vp, unsigned q)
{
	uint16_t vector;

	pthread_mutex_lock(&vp->lock);
	vector = vp->q[q].vector;
	pthread_mutex_unlock(&vp->lock);
	return vector;
}

static int t_queue_irqfd(struct virtio_transport *t, unsigned q)
{
	struct virtio_pci *vp = from_transport(t);
	uint16_t vector;
	int efd;

	if (q >= vp->ops->num_queues)
		return -1;
	vector = queue_vector(vp, q);
	efd = vector == VIRTIO_MSI_NO_VECTOR
		      ? -1
		      : pci_msix_irqfd(&vp->func, vector);
	if (efd >= 0)
		vp->irqfd_vector[q] = vector;
	return efd;
}

static void t_queue_irqfd_release(struct virtio_transport *t, unsigned q)
{
	struct virtio_pci *vp = from_transport(t);
	uint16_t vector;

	if (q >= vp->ops->num_queues)
		return;
	vector = vp->irqfd_vector[q];
	vp->irqfd_vector[q] = VIRTIO_MSI_NO_VECTOR;
	if (vector != VIRTIO_MSI_NO_VECTOR)
		pci_msix_irqfd_release(&vp->func, vector);
}

static void t_notify_config(struct virtio_transport *t)
{
	struct virtio_pci *vp = from_transport(t);

	pthread_mutex_lock(&vp->lock);
	vp->generation++;
	pthread_mutex_unlock(&vp->lock);
	config_interrupt(vp);
}

/* DEVICE_NEEDS_RESET (2.1.2): the queues stop until the driver resets;
 * the driver hears of it through a configuration change interrupt. */
static void set_needs_reset(struct virtio_pci *vp, const char *why)
{
	int already;

	pthread_mutex_lock(&vp->lock);
	already = !!(vp->status & VIRTIO_STATUS_NEEDS_RESET);
	vp->status |= VIRTIO_STATUS_NEEDS_RESET;
	pthread_mutex_unlock(&vp->lock);
	if (already)
		return;
	err_fail(&vp->why, EIO, "%s: needs reset: %s", vp->ops->name, why);
	report(vp, vp->why.msg);
	config_interrupt(vp);
}

static void t_needs_reset(struct virtio_transport *t, const char *why)
{
	set_needs_reset(from_transport(t), why);
}

/* --- the status handshake (3.1.1) -------------------------------------- */

static void queues_reset(struct virtio_pci *vp)
{
	for (unsigned q = 0; q < VIRTIO_DEV_MAX_QUEUES; q++)
		vp->q[q] = (struct virtio_pci_queue){
			.size = q < vp->ops->num_queues ? vp->ops->queue_max
							: 0,
			.vector = VIRTIO_MSI_NO_VECTOR,
		};
}

/* Writing 0: the device forgets the driver, then so does the transport,
 * so that a kick racing the reset finds nothing live. */
static void device_reset(struct virtio_pci *vp)
{
	pthread_mutex_lock(&vp->lock);
	vp->live = 0;
	pthread_mutex_unlock(&vp->lock);
	if (vp->ops->reset)
		vp->ops->reset(vp->dev);
	pthread_mutex_lock(&vp->lock);
	vp->status = 0;
	vp->accepted = 0;
	vp->dfselect = 0;
	vp->gfselect = 0;
	vp->config_vector = VIRTIO_MSI_NO_VECTOR;
	vp->queue_select = 0;
	vp->isr = 0;
	queues_reset(vp);
	pthread_mutex_unlock(&vp->lock);
	pci_intx_set(&vp->func, 0);
}

/* FEATURES_OK holds only for a subset of what was offered, with
 * VERSION_1: this transport has no legacy interface. */
static int features_acceptable(const struct virtio_pci *vp)
{
	return !(vp->accepted & ~vp->offered) &&
	       (vp->accepted & FEATURE(VIRTIO_F_VERSION_1));
}

static void activate(struct virtio_pci *vp)
{
	struct virtio_queue_addr addr[VIRTIO_DEV_MAX_QUEUES] = {{0}};
	struct errbuf err = {{0}};
	uint64_t features;
	int ret;

	pthread_mutex_lock(&vp->lock);
	for (unsigned q = 0; q < vp->ops->num_queues; q++) {
		if (!vp->q[q].enabled)
			continue;
		addr[q] = (struct virtio_queue_addr){
			vp->q[q].size, vp->q[q].desc, vp->q[q].driver,
			vp->q[q].device};
	}
	features = vp->accepted;
	pthread_mutex_unlock(&vp->lock);
	ret = vp->ops->activate(vp->dev, vp->mem, features, addr,
				&vp->transport, &err);
	if (ret < 0) {
		set_needs_reset(vp, err.msg);
		return;
	}
	pthread_mutex_lock(&vp->lock);
	vp->live = 1;
	pthread_mutex_unlock(&vp->lock);
}

static void status_write(struct virtio_pci *vp, uint8_t v)
{
	uint8_t old, added;

	if (v == 0) {
		device_reset(vp);
		return;
	}
	pthread_mutex_lock(&vp->lock);
	old = vp->status;
	/* NEEDS_RESET is the device's; other bits only accumulate until a
	 * reset (3.1.1), so a write that clears one is ignored */
	v = (uint8_t)((v & ~VIRTIO_STATUS_NEEDS_RESET) |
		      (old & VIRTIO_STATUS_NEEDS_RESET));
	if (old & ~v) {
		pthread_mutex_unlock(&vp->lock);
		return;
	}
	added = v & ~old;
	if ((added & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(vp))
		v &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	if ((added & VIRTIO_STATUS_DRIVER_OK) &&
	    (!(v & VIRTIO_STATUS_FEATURES_OK) ||
	     (v & VIRTIO_STATUS_NEEDS_RESET)))
		v &= (uint8_t)~VIRTIO_STATUS_DRIVER_OK;
	vp->status = v;
	pthread_mutex_unlock(&vp->lock);
	if ((added & v) & VIRTIO_STATUS_DRIVER_OK)
		activate(vp);
}

/* --- common configuration ---------------------------------------------- */

static struct virtio_pci_queue *selected_queue(struct virtio_pci *vp)
{
	return vp->queue_select < vp->ops->num_queues ? &vp->q[vp->queue_select]
						      : NULL;
}

/* The structure as the driver would see it now, for any read. */
static void common_image(struct virtio_pci *vp, uint8_t *img)
{
	const struct virtio_pci_queue *q = selected_queue(vp);
	uint64_t df = vp->dfselect == 0	  ? vp->offered
		      : vp->dfselect == 1 ? vp->offered >> 32
					  : 0;
	uint64_t gf = vp->gfselect == 0	  ? vp->accepted
		      : vp->gfselect == 1 ? vp->accepted >> 32
					  : 0;

	memset(img, 0, VIRTIO_PCI_COMMON_LEN);
	le_put(img + VIRTIO_PCI_COMMON_DFSELECT, vp->dfselect, 4);
	le_put(img + VIRTIO_PCI_COMMON_DF, (uint32_t)df, 4);
	le_put(img + VIRTIO_PCI_COMMON_GFSELECT, vp->gfselect, 4);
	le_put(img + VIRTIO_PCI_COMMON_GF, (uint32_t)gf, 4);
	le_put(img + VIRTIO_PCI_COMMON_MSIX, vp->config_vector, 2);
	le_put(img + VIRTIO_PCI_COMMON_NUMQ, vp->ops->num_queues, 2);
	img[VIRTIO_PCI_COMMON_STATUS] = vp->status;
	img[VIRTIO_PCI_COMMON_CFGGENERATION] = vp->generation;
	le_put(img + VIRTIO_PCI_COMMON_Q_SELECT, vp->queue_select, 2);
	if (!q)
		return; /* a queue that is not there has size 0 */
	le_put(img + VIRTIO_PCI_COMMON_Q_SIZE, q->size, 2);
	le_put(img + VIRTIO_PCI_COMMON_Q_MSIX, q->vector, 2);
	le_put(img + VIRTIO_PCI_COMMON_Q_ENABLE, q->enabled, 2);
	le_put(img + VIRTIO_PCI_COMMON_Q_NOFF, vp->queue_select, 2);
	le_put(img + VIRTIO_PCI_COMMON_Q_DESC, q->desc, 8);
	le_put(img + VIRTIO_PCI_COMMON_Q_DRIVER, q->driver, 8);
	le_put(img + VIRTIO_PCI_COMMON_Q_DEVICE, q->device, 8);
}

static void common_read(struct virtio_pci *vp, uint64_t off, void *data,
			uint32_t len)
{
	uint8_t img[VIRTIO_PCI_COMMON_LEN];

	memset(data, 0, len);
	if (off >= VIRTIO_PCI_COMMON_LEN)
		return;
	if (len > VIRTIO_PCI_COMMON_LEN - off)
		len = (uint32_t)(VIRTIO_PCI_COMMON_LEN - off);
	pthread_mutex_lock(&vp->lock);
	common_image(vp, img);
	pthread_mutex_unlock(&vp->lock);
	memcpy(data, img + off, len);
}

/* The field holding off: its offset and size, or 0 for none. The 16-bit
 * fields from 0x10 run one after another, as do the 64-bit ones. */
static uint32_t field_at(uint64_t off, uint32_t *start)
{
	if (off < 0x10) {
		*start = (uint32_t)off & ~3u;
		return 4;
	}
	if (off == VIRTIO_PCI_COMMON_STATUS ||
	    off == VIRTIO_PCI_COMMON_CFGGENERATION) {
		*start = (uint32_t)off;
		return 1;
	}
	if (off < VIRTIO_PCI_COMMON_Q_DESC) {
		*start = (uint32_t)off & ~1u;
		return 2;
	}
	if (off < VIRTIO_PCI_COMMON_Q_DESC + 24) {
		*start = (uint32_t)off & ~7u;
		return 8;
	}
	if (off < VIRTIO_PCI_COMMON_LEN) {
		*start = (uint32_t)off & ~1u;
		return 2;
	}
	return 0;
}

static uint16_t valid_vector(const struct virtio_pci *vp, uint64_t v)
{
	return v < nvec(vp) ? (uint16_t)v : VIRTIO_MSI_NO_VECTOR;
}

/* A 64-bit queue address, whole or by one 32-bit half (4.1.3.1). */
static void set_addr(uint64_t *field, uint32_t half_off, uint64_t v,
		     uint32_t len)
{
	if (len == 8)
		*field = v;
	else if (half_off == 0)
		*field = (*field & ~0xffffffffull) | (uint32_t)v;
	else
		*field = (*field & 0xffffffffull) | v << 32;
}

static void queue_write(struct virtio_pci *vp, struct virtio_pci_queue *q,
			uint32_t field, uint32_t half_off, uint64_t v,
			uint32_t len)
{
	if (!q || q->enabled)
		return; /* set up before enabling, never after (4.1.4.3.2) */
	switch (field) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		/* a power of 2 up to queue_max; else the old size stays */
		if (v && v <= vp->ops->queue_max && !(v & (v - 1)))
			q->size = (uint16_t)v;
		break;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		q->vector = valid_vector(vp, v);
		break;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		if (v == 1)
			q->enabled = 1;
		break;
	case VIRTIO_PCI_COMMON_Q_DESC:
		set_addr(&q->desc, half_off, v, len);
		break;
	case VIRTIO_PCI_COMMON_Q_DRIVER:
		set_addr(&q->driver, half_off, v, len);
		break;
	case VIRTIO_PCI_COMMON_Q_DEVICE:
		set_addr(&q->device, half_off, v, len);
		break;
	}
}

/* Under the lock: every field but device_status. */
static void common_field_write(struct virtio_pci *vp, uint32_t field,
			       uint32_t half_off, uint64_t v, uint32_t len)
{
	switch (field) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		vp->dfselect = (uint32_t)v;
		break;
	case VIRTIO_PCI_COMMON_GFSELECT:
		vp->gfselect = (uint32_t)v;
		break;
	case VIRTIO_PCI_COMMON_GF:
		/* fixed once FEATURES_OK is set */
		if (vp->status & VIRTIO_STATUS_FEATURES_OK || vp->gfselect > 1)
			break;
		if (vp->gfselect == 0)
			vp->accepted = (vp->accepted & ~0xffffffffull) | v;
		else
			vp->accepted = (vp->accepted & 0xffffffffull) | v << 32;
		break;
	case VIRTIO_PCI_COMMON_MSIX:
		vp->config_vector = valid_vector(vp, v);
		break;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		vp->queue_select = (uint16_t)v;
		break;
	default:
		queue_write(vp, selected_queue(vp), field, half_off, v, len);
	}
}

/* A write must have its field's width, or be one half of a 64-bit
 * field; any other write, and a write to a read-only field, is dropped. */
static void common_write(struct virtio_pci *vp, uint64_t off, const void *data,
			 uint32_t len)
{
	uint32_t start = 0, size = field_at(off, &start);
	uint64_t v = le_get(data, len);

	if (!size || off - start + len > size ||
	    !(len == size || (size == 8 && len == 4 && off % 4 == 0)))
		return;
	if (start == VIRTIO_PCI_COMMON_STATUS) {
		status_write(vp, (uint8_t)v);
		return;
	}
	pthread_mutex_lock(&vp->lock);
	common_field_write(vp, start, (uint32_t)(off - start), v, len);
	pthread_mutex_unlock(&vp->lock);
}

/* --- the other regions of BAR 0 ---------------------------------------- */

static void isr_read(struct virtio_pci *vp, uint64_t off, void *data,
		     uint32_t len)
{
	memset(data, 0, len);
	if (off != 0)
		return;
	pthread_mutex_lock(&vp->lock);
	*(uint8_t *)data = vp->isr;
	vp->isr = 0; /* reading acknowledges (4.1.4.5) */
	pthread_mutex_unlock(&vp->lock);
	pci_intx_set(&vp->func, 0);
}

/* A write into queue q's slot of the notify area kicks it, while the
 * device is live and not waiting for a reset. */
static void notify_write(struct virtio_pci *vp, uint64_t off)
{
	uint64_t q = off / VIRTIO_PCI_NOTIFY_MULTIPLIER;
	int kick;

	if (off % VIRTIO_PCI_NOTIFY_MULTIPLIER || q >= vp->ops->num_queues)
		return;
	pthread_mutex_lock(&vp->lock);
	kick = vp->live && vp->q[q].enabled &&
	       !(vp->status & VIRTIO_STATUS_NEEDS_RESET);
	pthread_mutex_unlock(&vp->lock);
	if (kick && vp->ops->notify)
		vp->ops->notify(vp->dev, (unsigned)q);
}

static int bar_read(void *opaque, uint64_t off, void *data, uint32_t len,
		    struct errbuf *err)
{
	struct virtio_pci *vp = opaque;
	uint64_t page = off & ~(uint64_t)(VIRTIO_PCI_REGION_LEN - 1);
	uint64_t in = off - page;

	(void)err;
	memset(data, 0, len);
	if (in + len > VIRTIO_PCI_REGION_LEN)
		return BUS_OK; /* across two regions: nothing */
	if (page == VIRTIO_PCI_COMMON_OFF)
		common_read(vp, in, data, len);
	else if (page == VIRTIO_PCI_ISR_OFF)
		isr_read(vp, in, data, len);
	else if (page == VIRTIO_PCI_DEVICE_OFF && vp->ops->config_read &&
		 vp->ops->config_read(vp->dev, (uint32_t)in, data, len) < 0)
		memset(data, 0, len);
	return BUS_OK;
}

static int bar_write(void *opaque, uint64_t off, const void *data, uint32_t len,
		     struct errbuf *err)
{
	struct virtio_pci *vp = opaque;
	uint64_t page = off & ~(uint64_t)(VIRTIO_PCI_REGION_LEN - 1);
	uint64_t in = off - page;

	(void)err;
	if (in + len > VIRTIO_PCI_REGION_LEN)
		return BUS_OK;
	if (page == VIRTIO_PCI_COMMON_OFF)
		common_write(vp, in, data, len);
	else if (page == VIRTIO_PCI_NOTIFY_OFF)
		notify_write(vp, in);
	else if (page == VIRTIO_PCI_DEVICE_OFF && vp->ops->config_write)
		vp->ops->config_write(vp->dev, (uint32_t)in, data, len);
	return BUS_OK;
}

/* BAR 0 on the MMIO bus: each call is an exit to the VMM, counted. */
static int bar_read_exit(void *opaque, uint64_t off, void *data, uint32_t len,
			 struct errbuf *err)
{
	struct virtio_pci *vp = opaque;

	vp->bar_exits++;
	return bar_read(vp, off, data, len, err);
}

static int bar_write_exit(void *opaque, uint64_t off, const void *data,
			  uint32_t len, struct errbuf *err)
{
	struct virtio_pci *vp = opaque;

	vp->bar_exits++;
	if ((off & ~(uint64_t)(VIRTIO_PCI_REGION_LEN - 1)) ==
	    VIRTIO_PCI_NOTIFY_OFF)
		vp->notify_exits++;
	return bar_write(vp, off, data, len, err);
}

/* --- PCI configuration: the capabilities and the pci_cfg window -------- */

/* The pci_cfg window (4.1.4.9): bar at +4, offset at +8, length at +12,
 * data at +16. An access through it is one of BAR 0 of that length. */
static int window(struct virtio_pci *vp, uint64_t *off, uint32_t *len)
{
	const uint8_t *c = &vp->func.cfg[vp->cfg_cap];

	*off = le_get(c + 8, 4);
	*len = (uint32_t)le_get(c + 12, 4);
	return c[4] == VIRTIO_PCI_BAR &&
	       (*len == 1 || *len == 2 || *len == 4) && *off % *len == 0 &&
	       *off < VIRTIO_PCI_BAR_SIZE;
}

static int touches_data(const struct virtio_pci *vp, uint32_t off, uint32_t len)
{
	uint32_t d = vp->cfg_cap + 16u;

	return vp->cfg_cap && off < d + 4 && d < off + len;
}

static void cfg_read_hook(struct pci_func *f, uint32_t off, uint32_t len)
{
	struct virtio_pci *vp = from_func(f);
	uint64_t at;
	uint32_t n;

	if (!touches_data(vp, off, len))
		return;
	memset(&f->cfg[vp->cfg_cap + 16], 0, 4);
	if (window(vp, &at, &n))
		bar_read(vp, at, &f->cfg[vp->cfg_cap + 16], n, NULL);
}

static void cfg_write_hook(struct pci_func *f, uint32_t off, uint32_t len)
{
	struct virtio_pci *vp = from_func(f);
	uint64_t at;
	uint32_t n;

	if (touches_data(vp, off, len) && window(vp, &at, &n))
		bar_write(vp, at, &f->cfg[vp->cfg_cap + 16], n, NULL);
}

static void bar_moved_hook(struct pci_func *f, unsigned bar, uint64_t addr,
			   int mapped)
{
	struct virtio_pci *vp = from_func(f);

	(void)bar;
	(void)addr;
	(void)mapped;
	if (vp->bar_moved)
		vp->bar_moved(vp->bar_moved_ctx, vp);
}

static const struct pci_func_ops virtio_pci_func_ops = {
	.cfg_read = cfg_read_hook,
	.cfg_write = cfg_write_hook,
	.bar_moved = bar_moved_hook,
};

/* A struct virtio_pci_cap (4.1.4) of len bytes pointing into BAR 0. */
static int add_vendor_cap(struct virtio_pci *vp, uint8_t type, uint8_t len,
			  uint32_t off, uint32_t length, struct errbuf *err)
{
	int at = pci_func_add_cap(&vp->func, PCI_CAP_ID_VNDR, len, err);
	uint8_t *c;

	if (at < 0)
		return at;
	c = &vp->func.cfg[at];
	c[2] = len;
	c[3] = type;
	c[4] = VIRTIO_PCI_BAR;
	le_put(c + 8, off, 4);
	le_put(c + 12, length, 4);
	return at;
}

static int add_caps(struct virtio_pci *vp, struct errbuf *err)
{
	int at;

	if ((at = add_vendor_cap(vp, VIRTIO_PCI_CAP_COMMON_CFG, 16,
				 VIRTIO_PCI_COMMON_OFF, VIRTIO_PCI_REGION_LEN,
				 err)) < 0 ||
	    (at = add_vendor_cap(
		     vp, VIRTIO_PCI_CAP_NOTIFY_CFG, 20, VIRTIO_PCI_NOTIFY_OFF,
		     vp->ops->num_queues * VIRTIO_PCI_NOTIFY_MULTIPLIER, err)) <
		    0)
		return at;
	le_put(&vp->func.cfg[at + 16], VIRTIO_PCI_NOTIFY_MULTIPLIER, 4);
	if ((at = add_vendor_cap(vp, VIRTIO_PCI_CAP_ISR_CFG, 16,
				 VIRTIO_PCI_ISR_OFF, 1, err)) < 0 ||
	    (at = add_vendor_cap(vp, VIRTIO_PCI_CAP_DEVICE_CFG, 16,
				 VIRTIO_PCI_DEVICE_OFF, VIRTIO_PCI_REGION_LEN,
				 err)) < 0 ||
	    (at = add_vendor_cap(vp, VIRTIO_PCI_CAP_PCI_CFG, 20, 0, 0, err)) <
		    0)
		return at;
	vp->cfg_cap = (uint8_t)at;
	/* the window's bar, offset, length and data are the driver's */
	memset(&vp->func.wmask[at + 4], 0xff, 1);
	memset(&vp->func.wmask[at + 8], 0xff, 12);
	return pci_func_add_msix(&vp->func, nvec(vp), VIRTIO_PCI_BAR,
				 VIRTIO_PCI_MSIX_TABLE_OFF,
				 VIRTIO_PCI_MSIX_PBA_OFF, err);
}

/* Class codes as QEMU gives them: Linux does not look, lspci does. */
static uint32_t class_for(uint16_t device_id)
{
	switch (device_id) {
	case 2:
		return 0x010000; /* mass storage, SCSI */
	case 3:
		return 0x078000; /* communication, other */
	default:
		return 0xff0000; /* unclassified */
	}
}

int virtio_pci_init(struct virtio_pci *vp, struct pci_bus *pb, unsigned slot,
		    const struct virtio_dev_ops *ops, void *dev,
		    const struct guest_mem *mem, struct errbuf *err)
{
	const struct pci_id id = {
		.vendor = VIRTIO_PCI_VENDOR,
		.device = (uint16_t)(VIRTIO_PCI_DEVICE_BASE + ops->device_id),
		.class_code = class_for(ops->device_id),
		.revision = 1, /* a non-transitional device (4.1.2.1) */
		.subsys_vendor = VIRTIO_PCI_VENDOR,
		.subsys_id =
			(uint16_t)(VIRTIO_PCI_DEVICE_BASE + ops->device_id),
	};
	int ret;

	memset(vp, 0, sizeof(*vp));
	if (ops->num_queues == 0 || ops->num_queues > VIRTIO_DEV_MAX_QUEUES ||
	    ops->queue_max == 0 || ops->queue_max > 32768 ||
	    (ops->queue_max & (ops->queue_max - 1)) || !ops->activate)
		return err_fail(err, EINVAL,
				"%s: %u queues of up to %u entries, or no "
				"activate: not a device virtio-pci can carry",
				ops->name, ops->num_queues, ops->queue_max);
	vp->ops = ops;
	vp->dev = dev;
	vp->mem = mem;
	vp->transport = (struct virtio_transport){
		t_notify_used, t_notify_config, t_needs_reset, t_queue_irqfd,
		t_queue_irqfd_release};
	vp->offered =
		(ops->features ? ops->features(dev) : 0) & DEVICE_FEATURE_MASK;
	vp->offered |= TRANSPORT_FEATURES;
	vp->config_vector = VIRTIO_MSI_NO_VECTOR;
	for (unsigned q = 0; q < VIRTIO_DEV_MAX_QUEUES; q++)
		vp->irqfd_vector[q] = VIRTIO_MSI_NO_VECTOR;
	queues_reset(vp);
	pthread_mutex_init(&vp->lock, NULL);
	pci_func_init(&vp->func, &id, &virtio_pci_func_ops);
	ret = pci_func_add_bar(&vp->func, VIRTIO_PCI_BAR, VIRTIO_PCI_BAR_SIZE,
			       0, ops->name, bar_read_exit, bar_write_exit, vp,
			       err);
	if (ret == 0)
		ret = add_caps(vp, err);
	if (ret == 0)
		ret = pci_register(pb, &vp->func, slot, err);
	if (ret < 0) {
		pthread_mutex_destroy(&vp->func.msix.lock);
		pthread_mutex_destroy(&vp->lock);
		return err_wrap(err, ret, "%s", ops->name);
	}
	return 0;
}

void virtio_pci_destroy(struct virtio_pci *vp)
{
	pthread_mutex_destroy(&vp->lock);
}

int virtio_pci_notify_addr(const struct virtio_pci *vp, unsigned q,
			   uint64_t *addr)
{
	uint64_t bar;

	if (q >= vp->ops->num_queues)
		return -EINVAL;
	if (!pci_bar_address(&vp->func, VIRTIO_PCI_BAR, &bar))
		return -ENODEV;
	*addr = bar + VIRTIO_PCI_NOTIFY_OFF + q * VIRTIO_PCI_NOTIFY_MULTIPLIER;
	return 0;
}
