/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fields.c - field selection: the --fields list.
 */
#include "xview.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"

static const char *const field_names[XV_FIELD_COUNT] = {
	[XV_FIELD_TIME] = "time",   [XV_FIELD_HOST] = "host", [XV_FIELD_CPU] = "cpu",
	[XV_FIELD_EVENT] = "event", [XV_FIELD_ARG] = "arg",   [XV_FIELD_PID] = "pid",
	[XV_FIELD_COMM] = "comm",   [XV_FIELD_NAME] = "name",
};

#define VALID_FIELDS "time,host,cpu,event,arg,pid,comm,name"

const char *xv_field_name(enum xv_field_id id)
{
	return id < XV_FIELD_COUNT ? field_names[id] : NULL;
}

static int lookup(const char *s, size_t len)
{
	int i;

	for (i = 0; i < XV_FIELD_COUNT; i++)
		if (strlen(field_names[i]) == len && memcmp(field_names[i], s, len) == 0)
			return i;
	return -1;
}

int xv_fields_parse(const char *list, struct xv_fields *ret, char *why, size_t why_len)
{
	struct xv_fields f = { 0 };
	bool seen[XV_FIELD_COUNT] = { false };
	const char *p = list;

	for (;;) {
		size_t len = strcspn(p, ",");
		int id = lookup(p, len);

		if (id < 0) {
			snprintf(why, why_len, "--fields: unknown field '%.*s' (valid: %s)",
				 (int)(len > 32 ? 32 : len), p, VALID_FIELDS);
			return -EINVAL;
		}
		if (seen[id]) {
			snprintf(why, why_len, "--fields: field '%s' listed twice", field_names[id]);
			return -EINVAL;
		}
		seen[id] = true;
		f.id[f.n++] = (uint8_t)id;
		if (!p[len])
			break;
		p += len + 1;
	}
	*ret = f;
	return 0;
}

void xv_fields_default(bool raw, struct xv_fields *ret)
{
	static const uint8_t text[] = { XV_FIELD_TIME, XV_FIELD_HOST, XV_FIELD_CPU, XV_FIELD_EVENT,
					XV_FIELD_ARG };
	static const uint8_t full[] = { XV_FIELD_TIME, XV_FIELD_HOST, XV_FIELD_CPU, XV_FIELD_COMM,
					XV_FIELD_PID,  XV_FIELD_NAME, XV_FIELD_ARG };
	const uint8_t *ids = raw ? full : text;
	size_t n = raw ? ARRAY_SIZE(full) : ARRAY_SIZE(text);

	ret->n = (unsigned)n;
	memcpy(ret->id, ids, n);
}
