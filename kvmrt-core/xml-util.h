/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xml-util.h - small libxml2 helpers for editing libvirt domain XML (libkvmrt internal). */
#ifndef KVMRT_XML_UTIL_H
#define KVMRT_XML_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

/* Parses @xml (no network, blanks dropped); the root must be <domain>. */
int xml_parse_domain(const char *xml, xmlDoc **ret_doc, xmlNode **ret_root, char *why,
		     size_t why_len);
/* The document as indented text. Returns 0 and *ret (free() it) or -ENOMEM. */
int xml_dump(xmlDoc *doc, char **ret);

bool xml_is(const xmlNode *n, const char *name);
/* First element child named @name (any element when @name is NULL), or NULL. */
xmlNode *xml_child(const xmlNode *n, const char *name);
/* First child @name whose attribute @attr is @value, or NULL. */
xmlNode *xml_find(const xmlNode *n, const char *name, const char *attr, const char *value);
/* First child @name whose text is @text, or NULL. */
xmlNode *xml_find_text(const xmlNode *n, const char *name, const char *text);
/* The child @name, created at the end when missing. */
xmlNode *xml_ensure(xmlNode *n, const char *name);
/* A new child @name at the end. */
xmlNode *xml_add(xmlNode *n, const char *name);
void xml_drop(xmlNode *n);
void xml_drop_all(xmlNode *n, const char *name);
/* Drops @n when it has no element children. */
void xml_drop_if_childless(xmlNode *n);

void xml_set_prop(xmlNode *n, const char *name, const char *value);
/* Replaces the content of @n by the text @text (escaped on output). */
void xml_set_text(xmlNode *n, const char *text);
void xml_set_child_text(xmlNode *n, const char *name, const char *text);

/* Attribute or text as malloc'd strings (free()), NULL when absent. */
char *xml_prop(const xmlNode *n, const char *name);
char *xml_text(const xmlNode *n);
int xml_prop_ulong(const xmlNode *n, const char *name, unsigned long *ret);
int xml_text_ulong(const xmlNode *n, unsigned long *ret);

#endif
