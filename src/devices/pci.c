/* pci.c - PCI bus 0: configuration space through 0xcf8/0xcfc, BARs that
 * follow the guest's programming onto the MMIO bus, and MSI-X. */
#include "pci.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "le_bytes.h"

static uint16_t cfg16(const struct pci_func *f, uint32_t off)
{
	return (uint16_t)le_get(&f->cfg[off], 2);
}

void pci_func_init(struct pci_func *f, const struct pci_id *id,
		   const struct pci_func_ops *ops)
{
	memset(f, 0, sizeof(*f));
	le_put(&f->cfg[PCI_VENDOR_ID], id->vendor, 2);
	le_put(&f->cfg[PCI_DEVICE_ID], id->device, 2);
	f->cfg[PCI_REVISION_ID] = id->revision;
	le_put(&f->cfg[PCI_REVISION_ID + 1], id->class_code, 3);
	le_put(&f->cfg[PCI_SUBSYSTEM_VENDOR_ID], id->subsys_vendor, 2);
	le_put(&f->cfg[PCI_SUBSYSTEM_ID], id->subsys_id, 2);
	/* No I/O BARs, so no I/O decoding: memory, bus master, INTx off. */
	le_put(&f->wmask[PCI_COMMAND],
	       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		       PCI_COMMAND_INTX_DISABLE,
	       2);
	f->wmask[0x0c] = 0xff; /* cache line size */
	f->wmask[0x0d] = 0xff; /* latency timer */
	f->wmask[PCI_INTERRUPT_LINE] = 0xff;
	f->ops = ops;
	f->cap_link = PCI_CAPABILITY_LIST;
	f->cap_free = 0x40;
	pthread_mutex_init(&f->msix.lock, NULL);
}

/* A BAR register in use: a BAR's, or the high half of a 64-bit one
 * (writable, as no BAR is 4 GiB). */
static int bar_taken(const struct pci_func *f, unsigned bar)
{
	return f->bar[bar].size ||
	       (uint32_t)le_get(&f->wmask[PCI_BAR0 + 4 * bar], 4);
}

int pci_func_add_bar(struct pci_func *f, unsigned bar, uint64_t size, int is64,
		     const char *name, bus_read_fn read, bus_write_fn write,
		     void *opaque, struct errbuf *err)
{
	struct pci_bar *b = &f->bar[bar < PCI_NUM_BARS ? bar : 0];
	uint64_t mask = ~(size - 1);

	if (bar >= PCI_NUM_BARS - (is64 ? 1 : 0) || bar_taken(f, bar) ||
	    (is64 && bar_taken(f, bar + 1)) || size < 4096 ||
	    size > (1u << 30) || (size & (size - 1)))
		return err_fail(err, EINVAL,
				"pci: %s: BAR %u of 0x%" PRIx64
				" bytes is not a free power-of-two BAR",
				name, bar, size);
	*b = (struct pci_bar){.size = size,
			      .is64 = is64,
			      .name = name,
			      .read = read,
			      .write = write,
			      .opaque = opaque,
			      .f = f};
	/* The address bits above the size are writable; the rest read as
	 * zero, which is how a driver learns the size (writing all ones). */
	f->cfg[PCI_BAR0 + 4 * bar] = is64 ? PCI_BAR_MEM_64 : 0;
	le_put(&f->wmask[PCI_BAR0 + 4 * bar], (uint32_t)mask & ~0xfu, 4);
	if (is64) {
		f->bar[bar + 1].size = 0;
		le_put(&f->wmask[PCI_BAR0 + 4 * (bar + 1)],
		       (uint32_t)(mask >> 32), 4);
	}
	return 0;
}

int pci_func_add_cap(struct pci_func *f, uint8_t id, uint8_t len,
		     struct errbuf *err)
{
	unsigned at = (f->cap_free + 3u) & ~3u;

	if (len < 2 || at + len > PCI_CFG_SIZE)
		return err_fail(err, ENOSPC,
				"pci: no room for a capability of %u bytes",
				len);
	f->cfg[at] = id;
	f->cfg[at + 1] = 0;
	f->cfg[f->cap_link] = (uint8_t)at;
	f->cap_link = (uint8_t)(at + 1);
	f->cap_free = (uint8_t)(at + len);
	f->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	return (int)at;
}

int pci_func_add_msix(struct pci_func *f, unsigned nvec, unsigned bar,
		      uint32_t table_off, uint32_t pba_off, struct errbuf *err)
{
	struct pci_msix *m = &f->msix;
	int cap;

	if (nvec == 0 || nvec > PCI_MSIX_MAX || bar >= PCI_NUM_BARS ||
	    !f->bar[bar].size || (table_off | pba_off) & 7 ||
	    table_off + nvec * PCI_MSIX_ENTRY_SIZE > f->bar[bar].size ||
	    pba_off + 8 > f->bar[bar].size)
		return err_fail(
			err, EINVAL,
			"pci: MSI-X with %u vectors does not fit BAR %u", nvec,
			bar);
	cap = pci_func_add_cap(f, PCI_CAP_ID_MSIX, 12, err);
	if (cap < 0)
		return cap;
	m->nvec = nvec;
	m->cap = (uint8_t)cap;
	m->bar = bar;
	m->table_off = table_off;
	m->pba_off = pba_off;
	le_put(&f->cfg[cap + PCI_MSIX_FLAGS], nvec - 1, 2);
	f->wmask[cap + PCI_MSIX_FLAGS + 1] = 0xc0; /* enable, function mask */
	le_put(&f->cfg[cap + 4], table_off | bar, 4);
	le_put(&f->cfg[cap + 8], pba_off | bar, 4);
	for (unsigned v = 0; v < nvec; v++)
		m->table[v * PCI_MSIX_ENTRY_SIZE + 12] =
			PCI_MSIX_ENTRY_CTRL_MASKBIT;
	return 0;
}

/* --- MSI-X ------------------------------------------------------------ */

static int vector_masked(const struct pci_msix *m, unsigned v)
{
	return m->masked || (m->table[v * PCI_MSIX_ENTRY_SIZE + 12] &
			     PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

static struct pci_msi_msg vector_msg(const struct pci_msix *m, unsigned v)
{
	const uint8_t *e = &m->table[v * PCI_MSIX_ENTRY_SIZE];

	return (struct pci_msi_msg){
		.addr = (uint32_t)le_get(e, 4) |
			(uint64_t)(uint32_t)le_get(e + 4, 4) << 32,
		.data = (uint32_t)le_get(e + 8, 4),
	};
}

/* Called with the lock held. */
static void msix_send(struct pci_func *f, unsigned v)
{
	struct pci_msi_msg msg = vector_msg(&f->msix, v);

	if (f->bus && f->bus->msi)
		f->bus->msi(f->bus->msi_ctx, f, v, &msg);
}

/* The bound vectors' messages and masks to the kernel ops, after a write
 * that may have changed them (MSI-X off masks them all). Lock held. */
static void msix_update_kernel(struct pci_func *f)
{
	struct pci_msix *m = &f->msix;

	for (unsigned v = 0; m->kernel && v < m->nvec; v++) {
		struct pci_msi_msg msg = vector_msg(m, v);

		if (m->kernel & (1u << v))
			f->bus->kernel->update(f->bus->kernel_ctx, f, v, &msg,
					       !m->enabled ||
						       vector_masked(m, v));
	}
}

int pci_msix_irqfd(struct pci_func *f, unsigned v)
{
	struct pci_msix *m = &f->msix;
	struct pci_msi_msg msg;
	int efd = -1;

	pthread_mutex_lock(&m->lock);
	if (m->enabled && v < m->nvec && f->bus && f->bus->kernel) {
		msg = vector_msg(m, v);
		efd = f->bus->kernel->bind(f->bus->kernel_ctx, f, v, &msg,
					   vector_masked(m, v));
		if (efd >= 0)
			m->kernel |= 1u << v;
	}
	pthread_mutex_unlock(&m->lock);
	return efd;
}

void pci_msix_irqfd_release(struct pci_func *f, unsigned v)
{
	struct pci_msix *m = &f->msix;

	pthread_mutex_lock(&m->lock);
	if (v < m->nvec && (m->kernel & (1u << v))) {
		m->kernel &= ~(1u << v);
		f->bus->kernel->release(f->bus->kernel_ctx, f, v);
	}
	pthread_mutex_unlock(&m->lock);
}

/* Sends what an unmask released. Called with the lock held. */
static void msix_flush_pending(struct pci_func *f)
{
	struct pci_msix *m = &f->msix;

	if (!m->enabled)
		return;
	for (unsigned v = 0; v < m->nvec; v++) {
		if ((m->pending & (1u << v)) && !vector_masked(m, v)) {
			m->pending &= ~(1u << v);
			msix_send(f, v);
		}
	}
}

enum pci_msix_outcome pci_msix_notify(struct pci_func *f, unsigned v)
{
	struct pci_msix *m = &f->msix;
	enum pci_msix_outcome out = PCI_MSIX_DROPPED;

	pthread_mutex_lock(&m->lock);
	if (m->enabled && v < m->nvec) {
		if (vector_masked(m, v)) {
			m->pending |= 1u << v;
			out = PCI_MSIX_PENDING;
		} else {
			msix_send(f, v);
			out = PCI_MSIX_SENT;
		}
	}
	pthread_mutex_unlock(&m->lock);
	return out;
}

/* The control word changed in config space: copy its bits for notify. */
static void msix_control_written(struct pci_func *f)
{
	struct pci_msix *m = &f->msix;
	uint16_t ctrl = cfg16(f, m->cap + PCI_MSIX_FLAGS);

	pthread_mutex_lock(&m->lock);
	m->enabled = !!(ctrl & PCI_MSIX_FLAGS_ENABLE);
	m->masked = !!(ctrl & PCI_MSIX_FLAGS_MASKALL);
	msix_update_kernel(f);
	msix_flush_pending(f);
	pthread_mutex_unlock(&m->lock);
}

/* Table bytes a driver may write: address, data, and the mask bit. */
static uint8_t table_wmask(uint32_t off)
{
	uint32_t b = off % PCI_MSIX_ENTRY_SIZE;

	return b < 12 ? 0xff : b == 12 ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0;
}

/* An access to the table or the PBA: 1 when it was one, else 0. */
static int msix_access(struct pci_func *f, unsigned bar, uint64_t off,
		       uint8_t *data, uint32_t len, int is_write)
{
	struct pci_msix *m = &f->msix;
	uint64_t tlen = (uint64_t)m->nvec * PCI_MSIX_ENTRY_SIZE;

	if (!m->nvec || bar != m->bar)
		return 0;
	if (off >= m->table_off && off + len <= m->table_off + tlen) {
		uint32_t t = (uint32_t)(off - m->table_off);

		pthread_mutex_lock(&m->lock);
		for (uint32_t i = 0; i < len; i++) {
			uint8_t *p = &m->table[t + i], w = table_wmask(t + i);

			if (is_write)
				*p = (uint8_t)((*p & ~w) | (data[i] & w));
			else
				data[i] = *p;
		}
		if (is_write) {
			msix_update_kernel(f);
			msix_flush_pending(f);
		}
		pthread_mutex_unlock(&m->lock);
		return 1;
	}
	if (off >= m->pba_off && off + len <= m->pba_off + 8) {
		uint64_t pba;

		if (!is_write) {
			pthread_mutex_lock(&m->lock);
			pba = m->pending;
			pthread_mutex_unlock(&m->lock);
			for (uint32_t i = 0; i < len; i++)
				data[i] =
					(uint8_t)(pba >>
						  (8 * (off - m->pba_off + i)));
		}
		return 1; /* the PBA is read-only */
	}
	return 0;
}

int pci_msix_enabled(struct pci_func *f)
{
	int on;

	pthread_mutex_lock(&f->msix.lock);
	on = f->msix.enabled;
	pthread_mutex_unlock(&f->msix.lock);
	return on;
}

/* --- INTx --------------------------------------------------------------- */

int pci_func_add_intx(struct pci_func *f, unsigned gsi, struct errbuf *err)
{
	if (gsi > 23)
		return err_fail(err, EINVAL, "pci: INTx on GSI %u: not a pin",
				gsi);
	f->intx.wired = 1;
	f->intx.gsi = gsi;
	f->cfg[PCI_INTERRUPT_PIN] = 1; /* INTA# */
	f->cfg[PCI_INTERRUPT_LINE] = (uint8_t)gsi;
	return 0;
}

/* Makes the line and the status bit agree with the level and the
 * command register. Called with the interrupt lock held. */
static void intx_update(struct pci_func *f)
{
	struct pci_intx *x = &f->intx;
	int out =
		x->level && !(cfg16(f, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);

	if (x->level)
		f->cfg[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		f->cfg[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
	if (out == x->out)
		return;
	x->out = out;
	if (f->bus && f->bus->intx)
		f->bus->intx(f->bus->intx_ctx, f, x->gsi, out);
}

void pci_intx_set(struct pci_func *f, int level)
{
	if (!f->intx.wired)
		return;
	pthread_mutex_lock(&f->msix.lock);
	f->intx.level = !!level;
	intx_update(f);
	pthread_mutex_unlock(&f->msix.lock);
}

void pci_intx_resample(struct pci_func *f)
{
	pthread_mutex_lock(&f->msix.lock);
	if (f->intx.out && f->bus && f->bus->intx)
		f->bus->intx(f->bus->intx_ctx, f, f->intx.gsi, 1);
	pthread_mutex_unlock(&f->msix.lock);
}

void pci_bus_set_intx(struct pci_bus *pb, pci_intx_fn intx, void *ctx)
{
	pb->intx = intx;
	pb->intx_ctx = ctx;
}

void pci_bus_set_msi_kernel(struct pci_bus *pb,
			    const struct pci_msi_kernel_ops *ops, void *ctx)
{
	pb->kernel = ops;
	pb->kernel_ctx = ctx;
}

/* --- BARs on the MMIO bus --------------------------------------------- */

static int bar_read(void *opaque, uint64_t off, void *data, uint32_t len,
		    struct errbuf *err)
{
	struct pci_bar *b = opaque;

	if (msix_access(b->f, (unsigned)(b - b->f->bar), off, data, len, 0))
		return BUS_OK;
	if (!b->read) {
		memset(data, 0, len);
		return BUS_OK;
	}
	return b->read(b->opaque, off, data, len, err);
}

static int bar_write(void *opaque, uint64_t off, const void *data, uint32_t len,
		     struct errbuf *err)
{
	struct pci_bar *b = opaque;
	uint8_t buf[8];

	memcpy(buf, data, len);
	if (msix_access(b->f, (unsigned)(b - b->f->bar), off, buf, len, 1))
		return BUS_OK;
	return b->write ? b->write(b->opaque, off, data, len, err) : BUS_OK;
}

/* The address the guest programmed into BAR bar. */
static uint64_t bar_programmed(const struct pci_func *f, unsigned bar)
{
	uint64_t addr =
		(uint32_t)le_get(&f->cfg[PCI_BAR0 + 4 * bar], 4) & ~0xfull;

	if (f->bar[bar].is64)
		addr |= (uint64_t)(uint32_t)le_get(
				&f->cfg[PCI_BAR0 + 4 * (bar + 1)], 4)
			<< 32;
	return addr;
}

int pci_bar_address(const struct pci_func *f, unsigned bar, uint64_t *addr)
{
	if (bar >= PCI_NUM_BARS || !f->bar[bar].mapped)
		return 0;
	*addr = f->bar[bar].mapped_at;
	return 1;
}

/* Makes the MMIO bus agree with the command register and the BAR. */
static void bar_sync(struct pci_func *f, unsigned bar)
{
	struct pci_bar *b = &f->bar[bar];
	int want = b->size && f->bus &&
		   (cfg16(f, PCI_COMMAND) & PCI_COMMAND_MEMORY);
	uint64_t addr = bar_programmed(f, bar);

	if (b->mapped && (!want || addr != b->mapped_at)) {
		bus_unregister(f->bus->mmio, b->mapped_at, NULL);
		b->mapped = 0;
		if (f->ops && f->ops->bar_moved)
			f->ops->bar_moved(f, bar, b->mapped_at, 0);
	}
	if (!want || b->mapped)
		return;
	if (bus_register(f->bus->mmio, addr, b->size, b->name, bar_read,
			 bar_write, b, NULL) < 0) {
		f->bus->map_conflicts++;
		return;
	}
	b->mapped = 1;
	b->mapped_at = addr;
	if (f->ops && f->ops->bar_moved)
		f->ops->bar_moved(f, bar, addr, 1);
}

static void bars_sync(struct pci_func *f)
{
	for (unsigned i = 0; i < PCI_NUM_BARS; i++)
		if (f->bar[i].size)
			bar_sync(f, i);
}

/* --- configuration space ---------------------------------------------- */

static int cfg_access_ok(uint32_t off, uint32_t len)
{
	return (len == 1 || len == 2 || len == 4) && off < PCI_CFG_SIZE &&
	       off % len == 0;
}

/* True when [off, off + len) and [at, at + n) share a byte. */
static int touches(uint32_t off, uint32_t len, uint32_t at, uint32_t n)
{
	return off < at + n && at < off + len;
}

uint32_t pci_cfg_read(struct pci_func *f, uint32_t off, uint32_t len)
{
	if (!cfg_access_ok(off, len))
		return 0xffffffffu;
	uint32_t v;

	if (f->ops && f->ops->cfg_read)
		f->ops->cfg_read(f, off, len);
	if (!f->intx.wired || !touches(off, len, PCI_STATUS, 1))
		return (uint32_t)le_get(&f->cfg[off], len);
	/* the interrupt status bit changes on a device's thread */
	pthread_mutex_lock(&f->msix.lock);
	v = (uint32_t)le_get(&f->cfg[off], len);
	pthread_mutex_unlock(&f->msix.lock);
	return v;
}

void pci_cfg_write(struct pci_func *f, uint32_t off, uint32_t val, uint32_t len)
{
	if (!cfg_access_ok(off, len))
		return;
	/* under the interrupt lock: a device's thread reads the command
	 * register and writes the status register's interrupt bit */
	pthread_mutex_lock(&f->msix.lock);
	for (uint32_t i = 0; i < len; i++) {
		uint8_t w = f->wmask[off + i];
		uint8_t *p = &f->cfg[off + i];

		if (w)
			*p = (uint8_t)((*p & ~w) | ((val >> (8 * i)) & w));
	}
	if (f->intx.wired && touches(off, len, PCI_COMMAND, 2))
		intx_update(f); /* INTx disable may have changed */
	pthread_mutex_unlock(&f->msix.lock);
	if (touches(off, len, PCI_COMMAND, 2) ||
	    touches(off, len, PCI_BAR0, 4 * PCI_NUM_BARS))
		bars_sync(f);
	if (f->msix.nvec && touches(off, len, f->msix.cap + PCI_MSIX_FLAGS, 2))
		msix_control_written(f);
	if (f->ops && f->ops->cfg_write)
		f->ops->cfg_write(f, off, len);
}

/* --- mechanism #1 at 0xcf8 -------------------------------------------- */

/* The function the address register selects, or NULL (all ones). */
static struct pci_func *selected(const struct pci_bus *pb)
{
	uint32_t a = pb->config_address;

	if (!(a & 0x80000000u) || ((a >> 16) & 0xff) != 0 ||
	    ((a >> 8) & 7) != 0)
		return NULL;
	return pb->slots[(a >> 11) & 0x1f];
}

static int config_port_read(void *opaque, uint64_t off, void *data,
			    uint32_t len, struct errbuf *err)
{
	struct pci_bus *pb = opaque;
	struct pci_func *f;
	uint32_t v = 0xffffffffu;

	(void)err;
	if (off < 4) {
		/* only a dword access reaches the address register */
		if (off == 0 && len == 4)
			v = pb->config_address;
	} else if ((f = selected(pb))) {
		v = pci_cfg_read(f, (pb->config_address & 0xfc) + (off - 4),
				 len);
	}
	le_put(data, v, len);
	return BUS_OK;
}

static int config_port_write(void *opaque, uint64_t off, const void *data,
			     uint32_t len, struct errbuf *err)
{
	struct pci_bus *pb = opaque;
	uint32_t v = (uint32_t)le_get(data, len);
	struct pci_func *f;

	(void)err;
	if (off < 4) {
		if (off == 0 && len == 4)
			pb->config_address = v & 0x80fffffcu;
	} else if ((f = selected(pb))) {
		pci_cfg_write(f, (pb->config_address & 0xfc) + (off - 4), v,
			      len);
	}
	return BUS_OK;
}

/* --- ECAM ------------------------------------------------------------- */

/* The function at an ECAM offset, or NULL; *reg its register. */
static struct pci_func *ecam_func(const struct pci_bus *pb, uint64_t off,
				  uint32_t *reg)
{
	*reg = (uint32_t)(off & 0xfff);
	if ((off >> 12) & 7)
		return NULL; /* only function 0 of each slot */
	return pb->slots[(off >> 15) & 0x1f];
}

static int ecam_read(void *opaque, uint64_t off, void *data, uint32_t len,
		     struct errbuf *err)
{
	uint32_t reg, v = 0xffffffffu;
	struct pci_func *f = ecam_func(opaque, off, &reg);

	(void)err;
	if (len > 4) {
		memset(data, 0xff, len);
		return BUS_OK;
	}
	if (f)
		v = reg < PCI_CFG_SIZE ? pci_cfg_read(f, reg, len) : 0;
	le_put(data, v, len);
	return BUS_OK;
}

static int ecam_write(void *opaque, uint64_t off, const void *data,
		      uint32_t len, struct errbuf *err)
{
	uint32_t reg;
	struct pci_func *f = ecam_func(opaque, off, &reg);

	(void)err;
	if (f && len <= 4 && reg < PCI_CFG_SIZE)
		pci_cfg_write(f, reg, (uint32_t)le_get(data, len), len);
	return BUS_OK;
}

int pci_bus_add_ecam(struct pci_bus *pb, uint64_t base, struct errbuf *err)
{
	if (base % PCI_ECAM_BUS0_SIZE)
		return err_fail(err, EINVAL,
				"pci: ECAM at 0x%" PRIx64
				" is not 1 MiB aligned",
				base);
	return bus_register(pb->mmio, base, PCI_ECAM_BUS0_SIZE, "pci-ecam",
			    ecam_read, ecam_write, pb, err);
}

int pci_bus_init(struct pci_bus *pb, struct bus *ports, struct bus *mmio,
		 uint64_t hole_base, uint64_t hole_len, pci_msi_fn msi,
		 void *msi_ctx, struct errbuf *err)
{
	static const struct pci_id host = {
		.vendor = PCI_HOST_VENDOR,
		.device = PCI_HOST_DEVICE,
		.class_code = 0x060000, /* host bridge */
	};

	memset(pb, 0, sizeof(*pb));
	if (hole_len == 0 || hole_base % 4096 ||
	    __builtin_add_overflow(hole_base, hole_len - 1, &pb->hole_last))
		return err_fail(err, EINVAL,
				"pci: BAR hole 0x%" PRIx64 " + 0x%" PRIx64
				" is empty, unaligned or wraps",
				hole_base, hole_len);
	pb->mmio = mmio;
	pb->hole_next = hole_base;
	pb->msi = msi;
	pb->msi_ctx = msi_ctx;
	pci_func_init(&pb->host, &host, NULL);
	pb->host.bus = pb;
	pb->slots[0] = &pb->host;
	return bus_register(ports, PCI_CONFIG_ADDRESS, PCI_CONFIG_PORTS,
			    "pci-config", config_port_read, config_port_write,
			    pb, err);
}

void pci_bus_destroy(struct pci_bus *pb)
{
	for (unsigned s = 0; s < PCI_SLOTS; s++) {
		struct pci_func *f = pb->slots[s];

		if (!f)
			continue;
		for (unsigned i = 0; i < PCI_NUM_BARS; i++)
			if (f->bar[i].mapped)
				bus_unregister(pb->mmio, f->bar[i].mapped_at,
					       NULL);
		pthread_mutex_destroy(&f->msix.lock);
		pb->slots[s] = NULL;
	}
}

int pci_register(struct pci_bus *pb, struct pci_func *f, unsigned slot,
		 struct errbuf *err)
{
	uint64_t next = pb->hole_next;
	uint64_t at[PCI_NUM_BARS];

	if (slot == 0 || slot >= PCI_SLOTS || pb->slots[slot])
		return err_fail(err, slot && slot < PCI_SLOTS ? EEXIST : EINVAL,
				"pci: slot %u is taken or not on bus 0", slot);
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		uint64_t size = f->bar[i].size;

		if (!size)
			continue;
		at[i] = (next + size - 1) & ~(size - 1);
		if (at[i] < next || at[i] > pb->hole_last ||
		    pb->hole_last - at[i] < size - 1)
			return err_fail(
				err, ENOSPC,
				"pci: %s: no room for BAR %u (0x%" PRIx64
				" bytes) in the PCI hole",
				f->bar[i].name, i, size);
		next = at[i] + size;
	}
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		if (!f->bar[i].size)
			continue;
		le_put(&f->cfg[PCI_BAR0 + 4 * i],
		       (uint32_t)at[i] | f->cfg[PCI_BAR0 + 4 * i], 4);
		if (f->bar[i].is64)
			le_put(&f->cfg[PCI_BAR0 + 4 * (i + 1)],
			       (uint32_t)(at[i] >> 32), 4);
	}
	pb->hole_next = next;
	f->bus = pb;
	f->slot = slot;
	pb->slots[slot] = f;
	return 0;
}
