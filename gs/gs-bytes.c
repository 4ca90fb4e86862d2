/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gs-bytes.c - MESSAGE and DATA arguments of kvmrt-gs: plain text, a hex
 * string "0x48656c6c6f", or text with \xNN escapes ("Hi\x00there", with
 * \\ for a backslash). Pure: tested and fuzzed on its own.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "gs-cli.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int hex_byte(const char *p, size_t left)
{
	int hi, lo;

	if (left < 2)
		return -1;
	hi = hex_digit(p[0]);
	lo = hex_digit(p[1]);
	return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
}

static int put(uint8_t *out, size_t cap, size_t *n, int byte)
{
	if (*n >= cap)
		return -E2BIG;
	out[(*n)++] = (uint8_t)byte;
	return 0;
}

static int parse_hex(const char *s, size_t len, uint8_t *out, size_t cap, size_t *ret_len)
{
	size_t n = 0;

	if (len == 0 || len % 2)
		return -EINVAL;
	for (size_t i = 0; i < len; i += 2) {
		int b = hex_byte(s + i, len - i);
		int r;

		if (b < 0)
			return -EINVAL;
		r = put(out, cap, &n, b);
		if (r < 0)
			return r;
	}
	*ret_len = n;
	return 0;
}

static int parse_escaped(const char *s, size_t len, uint8_t *out, size_t cap, size_t *ret_len)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		int b = (unsigned char)s[i];
		int r;

		if (s[i] == '\\') {
			if (i + 1 < len && s[i + 1] == '\\') {
				b = '\\';
				i += 2;
			} else if (i + 1 < len && s[i + 1] == 'x') {
				b = hex_byte(s + i + 2, len - i - 2);
				if (b < 0)
					return -EINVAL;
				i += 4;
			} else {
				return -EINVAL;
			}
		} else {
			i++;
		}
		r = put(out, cap, &n, b);
		if (r < 0)
			return r;
	}
	*ret_len = n;
	return 0;
}

int gs_bytes_parse(const char *s, size_t len, uint8_t *out, size_t cap, size_t *ret_len)
{
	size_t n = 0;
	int r;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		r = parse_hex(s + 2, len - 2, out, cap, &n);
	else if (memmem(s, len, "\\x", 2) || memmem(s, len, "\\\\", 2))
		r = parse_escaped(s, len, out, cap, &n);
	else if (len > cap)
		r = -E2BIG;
	else {
		memcpy(out, s, len);
		n = len;
		r = 0;
	}
	if (r < 0)
		return r;
	if (n == 0)
		return -EINVAL;
	*ret_len = n;
	return 0;
}
