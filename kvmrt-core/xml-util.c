/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xml-util.c - small libxml2 helpers for editing libvirt domain XML. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "cleanup.h"
#include "xml-util.h"

int xml_parse_domain(const char *xml, xmlDoc **ret_doc, xmlNode **ret_root, char *why,
		     size_t why_len)
{
	size_t len = strlen(xml);
	xmlDoc *doc;
	xmlNode *root;

	if (len > INT32_MAX) {
		snprintf(why, why_len, "domain XML too large");
		return -EFBIG;
	}
	doc = xmlReadMemory(xml, (int)len, "domain.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlGetLastError();

		snprintf(why, why_len, "domain XML does not parse%s%s", e && e->message ? ": " : "",
			 e && e->message ? e->message : "");
		if (why[0] && why[strlen(why) - 1] == '\n')
			why[strlen(why) - 1] = '\0';
		return -EINVAL;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !xml_is(root, "domain")) {
		xmlFreeDoc(doc);
		snprintf(why, why_len, "not libvirt domain XML (the root element is not <domain>)");
		return -EINVAL;
	}
	*ret_doc = doc;
	*ret_root = root;
	return 0;
}

int xml_dump(xmlDoc *doc, char **ret)
{
	xmlChar *buf = NULL;
	int len = 0;
	char *out;

	xmlDocDumpFormatMemory(doc, &buf, &len, 1);
	if (!buf)
		return -ENOMEM;
	out = strndup((const char *)buf, (size_t)len);
	xmlFree(buf);
	if (!out)
		return -ENOMEM;
	*ret = out;
	return 0;
}

bool xml_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && (!name || !strcmp((const char *)n->name, name));
}

xmlNode *xml_child(const xmlNode *n, const char *name)
{
	for (xmlNode *c = n->children; c; c = c->next)
		if (xml_is(c, name) && (!name || !c->ns || !c->ns->prefix))
			return c;
	return NULL;
}

xmlNode *xml_find(const xmlNode *n, const char *name, const char *attr, const char *value)
{
	for (xmlNode *c = n->children; c; c = c->next) {
		xmlChar *v;
		bool match;

		if (!xml_is(c, name))
			continue;
		v = xmlGetProp(c, BAD_CAST attr);
		match = v && !strcmp((const char *)v, value);
		xmlFree(v);
		if (match)
			return c;
	}
	return NULL;
}

xmlNode *xml_find_text(const xmlNode *n, const char *name, const char *text)
{
	for (xmlNode *c = n->children; c; c = c->next) {
		_cleanup_free_ char *t = NULL;

		if (xml_is(c, name) && (t = xml_text(c)) && !strcmp(t, text))
			return c;
	}
	return NULL;
}

xmlNode *xml_add(xmlNode *n, const char *name)
{
	return xmlNewChild(n, NULL, BAD_CAST name, NULL);
}

xmlNode *xml_ensure(xmlNode *n, const char *name)
{
	xmlNode *c = xml_child(n, name);

	return c ? c : xml_add(n, name);
}

void xml_drop(xmlNode *n)
{
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

void xml_drop_all(xmlNode *n, const char *name)
{
	xmlNode *c;

	while ((c = xml_child(n, name)))
		xml_drop(c);
}

void xml_drop_if_childless(xmlNode *n)
{
	if (!xml_child(n, NULL))
		xml_drop(n);
}

void xml_set_prop(xmlNode *n, const char *name, const char *value)
{
	xmlSetProp(n, BAD_CAST name, BAD_CAST value);
}

void xml_set_text(xmlNode *n, const char *text)
{
	xmlNodeSetContent(n, NULL);
	xmlNodeAddContent(n, BAD_CAST text);
}

void xml_set_child_text(xmlNode *n, const char *name, const char *text)
{
	xml_set_text(xml_ensure(n, name), text);
}

char *xml_prop(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	char *s = v ? strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

char *xml_text(const xmlNode *n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s = v ? strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

static int parse_ulong(const char *s, unsigned long *ret)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

int xml_prop_ulong(const xmlNode *n, const char *name, unsigned long *ret)
{
	_cleanup_free_ char *s = xml_prop(n, name);

	return parse_ulong(s, ret);
}

int xml_text_ulong(const xmlNode *n, unsigned long *ret)
{
	_cleanup_free_ char *s = xml_text(n);

	return parse_ulong(s, ret);
}
