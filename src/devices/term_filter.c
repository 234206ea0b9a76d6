/* term_filter.c - a byte-at-a-time parser of terminal output, after ECMA-48's
 * grammar, that holds a sequence until it knows whether it may pass. */
#include "term_filter.h"

#include <string.h>

#define ESC   0x1b
#define BEL   0x07
#define CAN   0x18
#define SUB   0x1a
#define DEL   0x7f
#define C1_ST 0x9c

enum tf_state {
	TF_GROUND,
	TF_UTF8,       /* held: a UTF-8 lead and its continuations so far */
	TF_ESC,	       /* held: ESC */
	TF_ESC_INTER,  /* held: ESC and intermediate bytes (0x20-0x2f) */
	TF_CSI,	       /* held: ESC [ and what followed */
	TF_STRING,     /* inside a refused string; nothing held */
	TF_STRING_ESC, /* an ESC inside it, maybe the start of ST */
};

/* What one step did with the byte: used it, or left it for the state the
 * step moved to. */
enum { TF_TAKEN, TF_AGAIN };

struct tf_out {
	uint8_t *p;
	size_t n;
};

static void put_raw(struct tf_out *o, const uint8_t *p, size_t n)
{
	memcpy(o->p + o->n, p, n);
	o->n += n;
}

static void put_hex(struct tf_out *o, uint8_t b)
{
	static const char hex[] = "0123456789abcdef";

	o->p[o->n++] = '\\';
	o->p[o->n++] = 'x';
	o->p[o->n++] = (uint8_t)hex[b >> 4];
	o->p[o->n++] = (uint8_t)hex[b & 15];
}

/* A held sequence judged: passed whole, or shown; either way, done. */
static void pass_held(struct term_filter *f, struct tf_out *o)
{
	put_raw(o, f->held, f->held_len);
	f->held_len = 0;
	f->state = TF_GROUND;
}

/* Controls as \xHH, the rest as text: the terminal sees no sequence. */
static void show_held(struct term_filter *f, struct tf_out *o)
{
	for (unsigned i = 0; i < f->held_len; i++) {
		uint8_t b = f->held[i];

		if (b >= 0x20 && b < DEL)
			o->p[o->n++] = b;
		else
			put_hex(o, b);
	}
	f->held_len = 0;
	f->state = TF_GROUND;
}

static void hold(struct term_filter *f, uint8_t b, enum tf_state state)
{
	f->held[f->held_len++] = b;
	f->state = state;
}

/* C1 codes that open a string: DCS, SOS, OSC, PM, APC. */
static int c1_opens_string(uint8_t c1)
{
	return c1 == 0x90 || c1 == 0x98 || c1 == 0x9d || c1 == 0x9e ||
	       c1 == 0x9f;
}

static void enter_string(struct term_filter *f)
{
	f->state = TF_STRING;
	f->string_len = 0;
}

/* A C1 control, 8-bit or UTF-8 encoded, has been shown as \xHH: one that
 * opens a string makes its payload show as text too. */
static void after_c1(struct term_filter *f, uint8_t c1)
{
	if (c1_opens_string(c1))
		enter_string(f);
}

/* A UTF-8 lead byte: how many continuations follow and the range of the
 * first (Unicode's table of well-formed sequences, which excludes
 * overlong forms, surrogates and code points above U+10FFFF). */
static int utf8_lead(struct term_filter *f, uint8_t b)
{
	f->utf8_lo = 0x80;
	f->utf8_hi = 0xbf;
	if (b >= 0xc2 && b <= 0xdf)
		f->utf8_need = 1;
	else if (b >= 0xe0 && b <= 0xef)
		f->utf8_need = 2;
	else if (b >= 0xf0 && b <= 0xf4)
		f->utf8_need = 3;
	else
		return 0;
	if (b == 0xe0)
		f->utf8_lo = 0xa0;
	else if (b == 0xed)
		f->utf8_hi = 0x9f;
	else if (b == 0xf0)
		f->utf8_lo = 0x90;
	else if (b == 0xf4)
		f->utf8_hi = 0x8f;
	return 1;
}

/* The C0 controls a shell and an editor need on their own. */
static int c0_passes(uint8_t b)
{
	return b == BEL || b == '\b' || b == '\t' || b == '\n' || b == '\v' ||
	       b == '\f' || b == '\r';
}

static int ground(struct term_filter *f, uint8_t b, struct tf_out *o)
{
	if ((b >= 0x20 && b < DEL) || c0_passes(b)) {
		o->p[o->n++] = b;
	} else if (b == ESC) {
		hold(f, b, TF_ESC);
	} else if (utf8_lead(f, b)) {
		hold(f, b, TF_UTF8);
	} else {
		put_hex(o, b); /* other C0, DEL, a stray or invalid byte */
		after_c1(f, b);
	}
	return TF_TAKEN;
}

static int utf8_more(struct term_filter *f, uint8_t b, struct tf_out *o)
{
	if (b < f->utf8_lo || b > f->utf8_hi) {
		show_held(f, o); /* ill-formed: the lead and what came */
		return TF_AGAIN;
	}
	f->held[f->held_len++] = b;
	f->utf8_lo = 0x80;
	f->utf8_hi = 0xbf;
	if (--f->utf8_need)
		return TF_TAKEN;
	if (f->held[0] == 0xc2 && b <= 0x9f) { /* U+0080-U+009F: C1 */
		show_held(f, o);
		after_c1(f, b);
	} else {
		pass_held(f, o);
	}
	return TF_TAKEN;
}

static int escape(struct term_filter *f, uint8_t b, struct tf_out *o)
{
	if (b == '[') {
		f->csi_intermediate = 0;
		hold(f, b, TF_CSI);
	} else if (b == ']' || b == 'P' || b == '_' || b == '^' || b == 'X') {
		hold(f, b, TF_ESC);
		show_held(f, o); /* OSC, DCS, APC, PM, SOS */
		enter_string(f);
	} else if (b >= 0x20 && b <= 0x2f) {
		hold(f, b, TF_ESC_INTER);
	} else if (b >= 0x30 && b < DEL) {
		hold(f, b, TF_ESC);
		pass_held(f, o); /* ESC 7, ESC M, ESC c, ESC \ ... */
	} else {
		show_held(f, o);
		return TF_AGAIN;
	}
	return TF_TAKEN;
}

static int escape_intermediate(struct term_filter *f, uint8_t b,
			       struct tf_out *o)
{
	if (b >= 0x20 && b <= 0x2f && f->held_len < TERM_FILTER_HELD_MAX - 1) {
		hold(f, b, TF_ESC_INTER);
	} else if (b >= 0x30 && b < DEL) {
		hold(f, b, TF_ESC_INTER);
		/* ESC % (DOCS) changes how the terminal decodes bytes:
		 * ESC % @ leaves UTF-8, where the bytes 0x80-0x9f of a
		 * well-formed character become C1 controls. */
		if (f->held[1] == '%')
			show_held(f, o);
		else
			pass_held(f, o); /* ESC ( B, ESC # 8 ... */
	} else {
		show_held(f, o);
		return TF_AGAIN;
	}
	return TF_TAKEN;
}

/* CSI finals whose effect reaches past the screen: 't' moves, resizes and
 * iconifies the window or reports its title, 'i' drives the printer. */
static int csi_final_refused(uint8_t final)
{
	return final == 't' || final == 'i';
}

static int csi(struct term_filter *f, uint8_t b, struct tf_out *o)
{
	int room = f->held_len < TERM_FILTER_HELD_MAX - 1;

	if (b >= 0x30 && b <= 0x3f && !f->csi_intermediate && room) {
		hold(f, b, TF_CSI);
	} else if (b >= 0x20 && b <= 0x2f && room) {
		f->csi_intermediate = 1;
		hold(f, b, TF_CSI);
	} else if (b >= 0x40 && b < DEL) {
		hold(f, b, TF_CSI);
		if (csi_final_refused(b))
			show_held(f, o);
		else
			pass_held(f, o);
	} else {
		show_held(f, o); /* malformed, too long, or cut by a control */
		return TF_AGAIN;
	}
	return TF_TAKEN;
}

/* Inside a refused string: text shows, controls show as \xHH; the string
 * ends where a terminal would end it, or at a newline or the bound, so
 * that one never terminated cannot keep the rest of the session escaped. */
static int string_byte(struct term_filter *f, uint8_t b, struct tf_out *o)
{
	if (b == '\n' || ++f->string_len > TERM_FILTER_STRING_MAX) {
		f->state = TF_GROUND;
		return TF_AGAIN;
	}
	if (b >= 0x20 && b < DEL) {
		o->p[o->n++] = b;
		return TF_TAKEN;
	}
	put_hex(o, b);
	if (b == ESC)
		f->state = TF_STRING_ESC;
	else if (b == BEL || b == CAN || b == SUB || b == C1_ST)
		f->state = TF_GROUND;
	return TF_TAKEN;
}

static int string_escape(struct term_filter *f, uint8_t b, struct tf_out *o)
{
	if (b != '\\') {
		f->state = TF_STRING;
		return TF_AGAIN;
	}
	o->p[o->n++] = b; /* ESC \ is ST: the string ends */
	f->state = TF_GROUND;
	return TF_TAKEN;
}

static int step(struct term_filter *f, uint8_t b, struct tf_out *o)
{
	switch (f->state) {
	case TF_UTF8:
		return utf8_more(f, b, o);
	case TF_ESC:
		return escape(f, b, o);
	case TF_ESC_INTER:
		return escape_intermediate(f, b, o);
	case TF_CSI:
		return csi(f, b, o);
	case TF_STRING:
		return string_byte(f, b, o);
	case TF_STRING_ESC:
		return string_escape(f, b, o);
	default:
		return ground(f, b, o);
	}
}

void term_filter_init(struct term_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->state = TF_GROUND;
}

size_t term_filter_feed(struct term_filter *f, const uint8_t *in, size_t len,
			uint8_t *out)
{
	struct tf_out o = {out, 0};

	/* A byte is stepped again only after its state went to ground or
	 * string, where every byte is taken: at most three steps each. */
	for (size_t i = 0; i < len; i++)
		while (step(f, in[i], &o) == TF_AGAIN)
			;
	return o.n;
}

size_t term_filter_finish(struct term_filter *f, uint8_t *out)
{
	struct tf_out o = {out, 0};

	show_held(f, &o);
	term_filter_init(f);
	return o.n;
}
