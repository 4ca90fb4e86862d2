/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * format-check.h - strict check of an event format text before
 * libtraceevent parses it (private to libxtrace).
 *
 * libtraceevent's parser trusts its input and crashes on some malformed
 * texts; format files in a dump are untrusted (a dump may come from anywhere).
 * Every format the kernel publishes has this shape, which is all we accept:
 *
 *   name: IDENT
 *   ID: NUMBER (1..65535)
 *   format:
 *   \tfield:DECL;\toffset:N;\tsize:N;\tsigned:0|1;   (any number, blank lines between groups)
 *   print fmt: ANYTHING PRINTABLE (may span lines)
 *
 * DECL holds letters, digits, '_', ' ', '*' and at most one [SIZE] group
 * per word, SIZE being digits, an identifier or empty. Only printable ASCII,
 * tab and newline anywhere.
 */
#ifndef XT_FORMAT_CHECK_H
#define XT_FORMAT_CHECK_H

#include <stddef.h>

/*
 * Returns 0 when the @len bytes at @text have the shape above, else
 * -EBADMSG with a reason "line N: ..." in @why (@why_len bytes, may be 0).
 */
int xt_event_format_check(const char *text, size_t len, char *why, size_t why_len);

#endif
