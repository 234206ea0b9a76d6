/* fuzz_virtqueue.c - libFuzzer harness for the split virtqueue (vq_activate,
 * vq_pop, vq_push, vq_should_notify): the input is the queue's registers,
 * the guest's RAM and a sequence of device and driver steps.
 *
 * The fake RAM is malloc'ed to exactly its size, so ASan sees any access
 * past it; every buffer of every chain popped is read (readable ones) or
 * written (writable ones) in full, so a buffer that was let through
 * outside RAM is caught too.
 *
 * Input (little-endian; a short input reads zeros):
 *   0      u8   queue size: bit 7 clear, 1 << (v % 9); set, v & 0x7f as is
 *   1      u8   features: bit 0 EVENT_IDX, bit 1 INDIRECT_DESC
 *   2      u8   RAM size: 1 KiB << (v % 5)
 *   3..8   u16  descriptor table, driver area, device area (GPAs)
 *   9..24  u8   16 steps, each (v & 3): 0 pop and push everything
 *               available, 1 pop one and keep it, 2 decide on a
 *               notification, 3 the driver adds v >> 2 to avail->idx
 *   25..   RAM from GPA 0 (the rest is zeros)
 *
 * Checked besides ASan/UBSan: activation succeeds exactly when the areas
 * obey the size and alignment table and lie inside RAM; a pop returns 1,
 * 0 or -EINVAL; a chain has 1 to VQ_SEG_MAX buffers inside RAM whose
 * lengths add up; a refusal leaves one line and a queue that pops and
 * pushes nothing more; each push moves the used index by exactly one.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtqueue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER 25u
#define STEPS  16u

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_virtqueue: %s:%d: %s\n",         \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

struct run {
	struct guest_mem mem;
	struct virtqueue vq;
	struct vq_chain c;
	struct virtio_queue_addr addr;
	unsigned held; /* chains popped and not pushed */
	uint16_t held_head[VQ_SIZE_MAX];
};

static unsigned get(const uint8_t *d, size_t n, size_t at, unsigned bytes)
{
	unsigned v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (at + i < n ? d[at + i] : 0u) << (8 * i);
	return v;
}

/* The activation rule, written from the spec's table (2.7). */
static bool area_ok(const struct guest_mem *m, uint64_t gpa, uint64_t len,
		    uint64_t align)
{
	return gpa % align == 0 && gpa <= m->size && len <= m->size - gpa;
}

static bool activation_ok(const struct run *r)
{
	unsigned s = r->addr.size;

	return s && s <= VQ_SIZE_MAX && !(s & (s - 1)) &&
	       area_ok(&r->mem, r->addr.desc, 16ull * s, 16) &&
	       area_ok(&r->mem, r->addr.avail, 6 + 2ull * s, 2) &&
	       area_ok(&r->mem, r->addr.used, 6 + 8ull * s, 4);
}

static uint16_t ram16(const struct run *r, uint64_t gpa)
{
	uint16_t v;

	memcpy(&v, r->mem.host + gpa, 2);
	return v;
}

/* A popped chain: inside RAM, sums right; touch every byte of it. */
static void check_chain(struct run *r)
{
	const struct vq_chain *c = &r->c;
	uint64_t out = 0, in = 0;
	volatile uint8_t sink = 0;

	CHECK(c->head < r->vq.size);
	CHECK(c->n_out + c->n_in >= 1 && c->n_out + c->n_in <= VQ_SEG_MAX);
	for (unsigned i = 0; i < c->n_out + c->n_in; i++) {
		const struct vq_seg *s = &c->seg[i];

		CHECK(s->base >= r->mem.host &&
		      (uint64_t)(s->base - r->mem.host) <= r->mem.size &&
		      s->len <=
			      r->mem.size - (uint64_t)(s->base - r->mem.host));
		if (i < c->n_out) {
			out += s->len;
			for (uint32_t k = 0; k < s->len; k++)
				sink ^= s->base[k];
		} else {
			in += s->len;
			memset(s->base, 0x5a, s->len);
		}
	}
	(void)sink;
	CHECK(out == c->out_len && in == c->in_len);
}

static void push(struct run *r, uint16_t head, uint32_t len)
{
	uint16_t before = r->vq.used_idx;

	vq_push(&r->vq, head, len);
	CHECK(r->vq.used_idx == (uint16_t)(before + 1));
	CHECK(ram16(r, r->addr.used + 2) == r->vq.used_idx);
}

/* 1 a chain, 0 none, -1 refused (then the queue must stay quiet). */
static int pop(struct run *r)
{
	struct errbuf err = {{0}};
	int ret = vq_pop(&r->vq, &r->c, &err);

	CHECK(ret == 1 || ret == 0 || ret == -EINVAL);
	if (ret == 1) {
		check_chain(r);
		return 1;
	}
	if (ret == 0)
		return 0;
#ifdef FUZZ_TRACE
	fprintf(stderr, "%s\n", err.msg);
#endif
	CHECK(r->vq.broken);
	CHECK(strncmp(err.msg, "virtqueue: ", 11) == 0);
	CHECK(!strchr(err.msg, '\n'));
	CHECK(vq_pop(&r->vq, &r->c, &err) == 0);
	{
		uint16_t used = r->vq.used_idx;

		vq_push(&r->vq, 0, 1);
		CHECK(r->vq.used_idx == used);
		CHECK(!vq_should_notify(&r->vq));
	}
	return -1;
}

static void step(struct run *r, unsigned v)
{
	switch (v & 3) {
	case 0:
		for (unsigned i = 0; i < 2 * VQ_SIZE_MAX && pop(r) == 1; i++)
			push(r, r->c.head, (uint32_t)r->c.in_len);
		while (r->held && !r->vq.broken)
			push(r, r->held_head[--r->held], 0);
		break;
	case 1:
		if (r->held < VQ_SIZE_MAX && pop(r) == 1)
			r->held_head[r->held++] = r->c.head;
		break;
	case 2:
		(void)vq_should_notify(&r->vq);
		break;
	default: {
		uint16_t idx = ram16(r, r->addr.avail + 2);

		idx = (uint16_t)(idx + (v >> 2));
		memcpy(r->mem.host + r->addr.avail + 2, &idx, 2);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run r;
	unsigned qs = get(data, size, 0, 1), feat = get(data, size, 1, 1);
	uint64_t features = 0;
	struct errbuf err = {{0}};
	int ret;

	memset(&r, 0, sizeof(r));
	r.mem.size = 1024u << (get(data, size, 2, 1) % 5);
	r.mem.host = calloc(1, r.mem.size);
	if (size > HEADER)
		memcpy(r.mem.host, data + HEADER,
		       size - HEADER < r.mem.size ? size - HEADER : r.mem.size);
	r.addr.size = (uint16_t)(qs & 0x80 ? qs & 0x7f : 1u << (qs % 9));
	r.addr.desc = get(data, size, 3, 2);
	r.addr.avail = get(data, size, 5, 2);
	r.addr.used = get(data, size, 7, 2);
	if (feat & 1)
		features |= 1ull << VIRTIO_F_EVENT_IDX;
	if (feat & 2)
		features |= 1ull << VIRTIO_F_INDIRECT_DESC;

	ret = vq_activate(&r.vq, &r.mem, &r.addr, features, &err);
	CHECK(ret == 0 || ret == -EINVAL);
	CHECK((ret == 0) == activation_ok(&r));
	if (ret == 0) {
		for (unsigned i = 0; i < STEPS; i++)
			step(&r, get(data, size, 9 + i, 1));
	} else {
#ifdef FUZZ_TRACE
		fprintf(stderr, "%s\n", err.msg);
#endif
		CHECK(strncmp(err.msg, "virtqueue: ", 11) == 0);
		CHECK(vq_pop(&r.vq, &r.c, &err) == 0);
	}
#ifdef FUZZ_TRACE
	fprintf(stderr, "used index %u\n", r.vq.used_idx);
#endif
	vq_reset(&r.vq);
	free(r.mem.host);
	return 0;
}
