/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-config.c - bytes into the kvmrt.cfg reader; what parses must format,
 * parse again to the same text, plan and validate without trouble, and be
 * left as it is by an update that changes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kvmrt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvmrt_topology *t;
	struct kvmrt_config *c, *again;
	struct kvmrt_diags d = {};
	char why[1024], *text, *text2;

	if (!t &&
	    kvmrt_topology_load("pack:1 l3:2 numa:1 core:4 pu:2", 0, &t, why, sizeof(why)) < 0)
		abort();
	if (kvmrt_config_parse((const char *)data, size, "fuzz.cfg", &c, why, sizeof(why)) < 0) {
		if (!memchr(why, '\0', sizeof(why)))
			abort();
		return 0;
	}
	if (kvmrt_config_format(c, &text) < 0 ||
	    kvmrt_config_parse(text, strlen(text), "again.cfg", &again, why, sizeof(why)) < 0 ||
	    kvmrt_config_format(again, &text2) < 0 || strcmp(text, text2))
		abort();
	if (kvmrt_validate(c, t, KVMRT_VALIDATE_ALL, &d) < 0)
		abort();
	/* rewriting an unchanged configuration keeps the text as it is */
	if (size && data[size - 1] == '\n') {
		char *in = strndup((const char *)data, size), *out;

		if (!in || kvmrt_config_update(in, c, &out) < 0 || strcmp(in, out))
			abort();
		free(in);
		free(out);
	}
	kvmrt_diags_done(&d);
	free(text);
	free(text2);
	kvmrt_config_free(again);
	kvmrt_config_free(c);
	return 0;
}
