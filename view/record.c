/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record.c - fields of untrusted records, resolved once from the formats.
 */
#include "view-internal.h"

#include <errno.h>
#include <traceevent/event-parse.h>

int xv_ref_init(const struct tep_format_field *f, struct xv_ref *ret)
{
	struct xv_ref r = { 0 };

	if (f) {
		if (f->offset < 0 || f->size < 0 || f->offset > UINT16_MAX || f->size > UINT16_MAX)
			return -ERANGE;
		r.off = (uint16_t)f->offset;
		r.size = (uint16_t)f->size;
		r.flags = XV_REF_PRESENT;
		if (f->flags & TEP_FIELD_IS_SIGNED)
			r.flags |= XV_REF_SIGNED;
		if (f->flags & TEP_FIELD_IS_DYNAMIC)
			r.flags |= XV_REF_DYNAMIC;
		if (f->flags & TEP_FIELD_IS_RELATIVE)
			r.flags |= XV_REF_RELATIVE;
		if ((f->flags & TEP_FIELD_IS_ARRAY) && !(f->flags & TEP_FIELD_IS_DYNAMIC) &&
		    f->size == 0)
			r.flags |= XV_REF_TAIL;
	}
	*ret = r;
	return 0;
}

int xv_ref_find(struct tep_event *event, const char *name, struct xv_ref *ret)
{
	return xv_ref_init(tep_find_any_field(event, name), ret);
}

bool xv_ref_bytes(const struct xv_ref *r, const uint8_t *data, uint32_t size, bool swap,
		  const uint8_t **ret, uint32_t *ret_len)
{
	uint32_t off, len;

	if (!(r->flags & XV_REF_PRESENT) || r->off > size)
		return false;
	if (r->flags & XV_REF_DYNAMIC) {
		uint32_t loc;

		if (size - r->off < 4)
			return false;
		memcpy(&loc, data + r->off, 4);
		if (swap)
			loc = __builtin_bswap32(loc);
		off = loc & 0xffff;
		len = loc >> 16;
		if (r->flags & XV_REF_RELATIVE)
			off += r->off + 4u;
	} else if (r->flags & XV_REF_TAIL) {
		off = r->off;
		len = size - r->off;
	} else {
		off = r->off;
		len = r->size;
	}
	if (off > size || len > size - off)
		return false;
	*ret = data + off;
	*ret_len = len;
	return true;
}
