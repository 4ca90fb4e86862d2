/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * out-buf.c - the output buffer and the digit code of the hot path.
 *
 * Every append checks room for what it writes and flushes when the buffer
 * is full; no printf, no allocation after xv_out_init().
 */
#include "view-internal.h"

#include <stdarg.h>
#include <stdio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char digit_pairs[] = "00010203040506070809"
				  "10111213141516171819"
				  "20212223242526272829"
				  "30313233343536373839"
				  "40414243444546474849"
				  "50515253545556575859"
				  "60616263646566676869"
				  "70717273747576777879"
				  "80818283848586878889"
				  "90919293949596979899";

static const char hex_digits[] = "0123456789abcdef";

int xv_out_init(struct xv_out *o, int fd, size_t cap)
{
	if (cap == 0)
		cap = XV_OUT_DEFAULT_CAP;
	if (cap < XV_OUT_MIN_CAP)
		cap = XV_OUT_MIN_CAP;
	o->buf = malloc(cap);
	if (!o->buf)
		return -ENOMEM;
	o->len = 0;
	o->cap = cap;
	o->fd = fd;
	o->error = 0;
	return 0;
}

void xv_out_done(struct xv_out *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = 0;
}

int xv_out_flush(struct xv_out *o)
{
	size_t done = 0;

	while (done < o->len && !o->error) {
		ssize_t n = write(o->fd, o->buf + done, o->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			o->error = -errno;
		else if (n == 0)
			o->error = -EIO;
		else
			done += n;
	}
	/* After an error the rest is dropped: the caller stops at the sticky error. */
	o->len = 0;
	return o->error;
}

void xv_out_write(struct xv_out *o, const void *p, size_t n)
{
	const char *s = p;

	if (__builtin_expect(n <= o->cap - o->len, 1)) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
		return;
	}
	while (n > 0) {
		size_t chunk;

		if (o->len == o->cap)
			xv_out_flush(o);
		chunk = o->cap - o->len;
		if (chunk > n)
			chunk = n;
		memcpy(o->buf + o->len, s, chunk);
		o->len += chunk;
		s += chunk;
		n -= chunk;
	}
}

static unsigned count_digits(uint64_t v)
{
	unsigned n = 1;

	for (;;) {
		if (v < 10)
			return n;
		if (v < 100)
			return n + 1;
		if (v < 1000)
			return n + 2;
		if (v < 10000)
			return n + 3;
		v /= 10000;
		n += 4;
	}
}

void xv_out_u64(struct xv_out *o, uint64_t v)
{
	unsigned n = count_digits(v);
	char *p = xv_out_room(o, n) + n;

	o->len += n;
	while (v >= 100) {
		unsigned i = (unsigned)(v % 100) * 2;

		v /= 100;
		p -= 2;
		p[0] = digit_pairs[i];
		p[1] = digit_pairs[i + 1];
	}
	if (v >= 10) {
		p[-2] = digit_pairs[v * 2];
		p[-1] = digit_pairs[v * 2 + 1];
	} else {
		p[-1] = (char)('0' + v);
	}
}

void xv_out_s64(struct xv_out *o, int64_t v)
{
	if (v < 0) {
		xv_out_putc(o, '-');
		xv_out_u64(o, -(uint64_t)v);
		return;
	}
	xv_out_u64(o, (uint64_t)v);
}

void xv_out_hex(struct xv_out *o, uint64_t v)
{
	char tmp[18];
	char *p = tmp + sizeof(tmp);
	size_t n;

	do {
		*--p = hex_digits[v & 0xf];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	n = tmp + sizeof(tmp) - p;
	memcpy(xv_out_room(o, n), p, n);
	o->len += n;
}

void xv_out_frac9(struct xv_out *o, uint32_t v)
{
	char *p = xv_out_room(o, 9);
	int i;

	for (i = 8; i >= 1; i -= 2) {
		unsigned d = (v % 100) * 2;

		v /= 100;
		p[i - 1] = digit_pairs[d];
		p[i] = digit_pairs[d + 1];
	}
	p[0] = (char)('0' + v % 10);
	o->len += 9;
}

size_t xv_escape_byte(char *w, unsigned char c, bool space)
{
	if (c >= 0x20 && c != 0x7f && c != '\\' && (c != ' ' || !space)) {
		*w = (char)c;
		return 1;
	}
	w[0] = '\\';
	w[1] = 'x';
	w[2] = hex_digits[c >> 4];
	w[3] = hex_digits[c & 0xf];
	return 4;
}

void xv_out_escaped(struct xv_out *o, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n && s[i]; i++)
		o->len += xv_escape_byte(xv_out_room(o, 4), s[i], false);
}

void xv_out_hexbytes(struct xv_out *o, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		char *w = xv_out_room(o, 2);

		w[0] = hex_digits[s[i] >> 4];
		w[1] = hex_digits[s[i] & 0xf];
		o->len += 2;
	}
}

void xv_out_printf(struct xv_out *o, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		xv_out_write(o, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}
