/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render-raw.c - the full-field renderer (--raw): every field of a record
 * as name=value, numbers in the base the event's print format uses.
 * Fields it cannot read safely by itself are printed by libtraceevent.
 */
#include "view-internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include "cleanup.h"

enum {
	RAW_UDEC,
	RAW_SDEC,
	RAW_HEX,
	RAW_STR,   /* char array, fixed, dynamic or tail */
	RAW_ARRAY, /* other arrays: elements in hex */
	RAW_TEP,   /* anything else: libtraceevent prints it */
};

/* Skips one printf conversion after '%'; returns the conversion char, counts '*' args. */
static char skip_conversion(const char **pp, unsigned *stars)
{
	const char *p = *pp;
	char c;

	while (*p && strchr("-+ #0", *p))
		p++;
	for (; *p && (isdigit((unsigned char)*p) || *p == '.' || *p == '*'); p++)
		if (*p == '*')
			(*stars)++;
	while (*p && strchr("hlLqjzt", *p))
		p++;
	c = *p;
	if (c)
		p++;
	if (c == 'p')
		while (isalnum((unsigned char)*p))
			p++;
	*pp = p;
	return c;
}

static const struct tep_print_arg *strip_casts(const struct tep_print_arg *a)
{
	while (a && a->type == TEP_PRINT_TYPE)
		a = a->typecast.item;
	return a;
}

/* Whether the print format shows field @name in hex (%x, or %p and its variants). */
static bool printed_hex(const struct tep_event *ev, const char *name)
{
	const struct tep_print_arg *a = ev->print_fmt.args;
	const char *p = ev->print_fmt.format;

	while (p && (p = strchr(p, '%')) && a) {
		const struct tep_print_arg *f;
		unsigned stars = 0;
		char c;

		p++;
		if (*p == '%') {
			p++;
			continue;
		}
		c = skip_conversion(&p, &stars);
		while (stars-- && a)
			a = a->next;
		if (!a)
			break;
		f = strip_casts(a);
		if ((c == 'x' || c == 'X' || c == 'p') && f && f->type == TEP_PRINT_FIELD &&
		    !strcmp(f->field.name, name))
			return true;
		a = a->next;
	}
	return false;
}

static uint8_t how_to_print(const struct tep_event *ev, const struct tep_format_field *f)
{
	if (f->flags & TEP_FIELD_IS_ARRAY) {
		if (f->flags & TEP_FIELD_IS_STRING)
			return RAW_STR;
		if (f->elementsize == 1 || f->elementsize == 2 || f->elementsize == 4 ||
		    f->elementsize == 8)
			return RAW_ARRAY;
		return RAW_TEP;
	}
	if (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
		return RAW_TEP;
	if ((f->flags & TEP_FIELD_IS_POINTER) || printed_hex(ev, f->name))
		return RAW_HEX;
	return (f->flags & TEP_FIELD_IS_SIGNED) ? RAW_SDEC : RAW_UDEC;
}

int xv_raw_compile(struct tep_event *event, struct xv_rawf **ret, unsigned *ret_n)
{
	_cleanup_free_ struct xv_rawf *fields = NULL;
	struct tep_format_field *f;
	unsigned n = 0;
	int r;

	for (f = event->format.fields; f; f = f->next)
		n++;
	fields = calloc(n ? n : 1, sizeof(*fields));
	if (!fields)
		return -ENOMEM;
	n = 0;
	for (f = event->format.fields; f; f = f->next, n++) {
		r = xv_ref_init(f, &fields[n].ref);
		if (r < 0)
			return r;
		fields[n].field = f;
		fields[n].name_len = (uint16_t)strnlen(f->name, UINT16_MAX);
		fields[n].how = how_to_print(event, f);
		fields[n].elem = (uint8_t)f->elementsize;
	}
	*ret = TAKE_PTR(fields);
	*ret_n = n;
	return 0;
}

/* The elements of an array: ARRAY[0x1, 0x2] as ftrace prints them, or [1,2] for JSON. */
static void write_array(struct xv_out *o, const uint8_t *p, uint32_t len, unsigned elem, bool swap,
			bool json)
{
	struct xv_ref ref = { .size = (uint16_t)elem, .flags = XV_REF_PRESENT };
	uint32_t i;

	if (json)
		xv_out_putc(o, '[');
	else
		xv_out_lit(o, "ARRAY[");
	for (i = 0; i + elem <= len; i += elem) {
		uint64_t v = 0;

		if (i && json)
			xv_out_putc(o, ',');
		else if (i)
			xv_out_lit(o, ", ");
		xv_ref_u64(&ref, p + i, elem, swap, &v);
		if (json)
			xv_out_u64(o, v);
		else
			xv_out_hex(o, v);
	}
	xv_out_putc(o, ']');
}

/* libtraceevent prints a field whose bytes were checked to lie in the record. */
static void write_tep(struct xv_out *o, const struct xv_rawf *rf, const uint8_t *data,
		      uint32_t size, bool swap, struct trace_seq *seq)
{
	const uint8_t *p;
	uint32_t len;

	if (!xv_ref_bytes(&rf->ref, data, size, swap, &p, &len)) {
		xv_out_putc(o, '?');
		return;
	}
	trace_seq_reset(seq);
	tep_print_field_content(seq, (void *)data, (int)size, (struct tep_format_field *)rf->field);
	xv_out_escaped(o, seq->buffer, seq->len);
}

static void write_field(struct xv_out *o, const struct xv_rawf *rf, const uint8_t *data,
			uint32_t size, bool swap, struct trace_seq *seq)
{
	const uint8_t *p;
	uint32_t len;
	uint64_t v;

	switch (rf->how) {
	case RAW_UDEC:
	case RAW_SDEC:
	case RAW_HEX:
		if (!xv_ref_u64(&rf->ref, data, size, swap, &v))
			xv_out_putc(o, '?');
		else if (rf->how == RAW_HEX)
			xv_out_hex(o, v);
		else if (rf->how == RAW_SDEC)
			xv_out_s64(o, (int64_t)v);
		else
			xv_out_u64(o, v);
		break;
	case RAW_STR:
	case RAW_ARRAY:
		if (!xv_ref_bytes(&rf->ref, data, size, swap, &p, &len))
			xv_out_putc(o, '?');
		else if (rf->how == RAW_STR)
			xv_out_escaped(o, p, len);
		else
			write_array(o, p, len, rf->elem, swap, false);
		break;
	default:
		write_tep(o, rf, data, size, swap, seq);
		break;
	}
}

void xv_raw_write(struct xv_out *o, const struct xv_evinfo *e, const uint8_t *data, uint32_t size,
		  bool swap, struct trace_seq *seq)
{
	unsigned i;

	for (i = 0; i < e->n_raw; i++) {
		const struct xv_rawf *rf = &e->raw[i];

		if (i)
			xv_out_putc(o, ' ');
		xv_out_write(o, rf->field->name, rf->name_len);
		xv_out_putc(o, '=');
		write_field(o, rf, data, size, swap, seq);
	}
}

/* A value of --format json: numbers as numbers, text as strings, other arrays as arrays. */
static void json_field(struct xv_out *o, const struct xv_rawf *rf, const uint8_t *data,
		       uint32_t size, bool swap, struct trace_seq *seq, struct xv_out *scratch)
{
	const uint8_t *p;
	uint32_t len;
	uint64_t v;

	switch (rf->how) {
	case RAW_UDEC:
	case RAW_SDEC:
	case RAW_HEX:
		if (!xv_ref_u64(&rf->ref, data, size, swap, &v))
			xv_out_write(o, "null", 4);
		else if (rf->how == RAW_SDEC)
			xv_out_s64(o, (int64_t)v);
		else
			xv_out_u64(o, v);
		return;
	case RAW_STR:
	case RAW_ARRAY:
		if (!xv_ref_bytes(&rf->ref, data, size, swap, &p, &len)) {
			xv_out_write(o, "null", 4);
		} else if (rf->how == RAW_ARRAY) {
			write_array(o, p, len, rf->elem, swap, true);
		} else {
			xv_out_putc(o, '"');
			xv_out_json_str(o, p, strnlen((const char *)p, len));
			xv_out_putc(o, '"');
		}
		return;
	default:
		scratch->len = 0;
		write_tep(scratch, rf, data, size, swap, seq);
		xv_out_putc(o, '"');
		xv_out_json_str(o, scratch->buf, scratch->len);
		xv_out_putc(o, '"');
		return;
	}
}

void xv_raw_write_json(struct xv_out *o, const struct xv_evinfo *e, const uint8_t *data,
		       uint32_t size, bool swap, struct trace_seq *seq, struct xv_out *scratch)
{
	unsigned i;

	for (i = 0; i < e->n_raw; i++) {
		const struct xv_rawf *rf = &e->raw[i];

		if (i)
			xv_out_putc(o, ',');
		xv_out_putc(o, '"');
		xv_out_json_str(o, rf->field->name, rf->name_len);
		xv_out_write(o, "\":", 2);
		json_field(o, rf, data, size, swap, seq, scratch);
	}
}
