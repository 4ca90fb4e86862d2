/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-control-request.c - the control protocol's request lines: every
 * request parsed, flush scopes formatted and parsed back the same, and
 * hostile lines (truncated, oversized, binary, wrong types, unknown
 * requests and arguments) refused with a reason, never half-read.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "xcollect.h"

static char why[256];

static int parse(const char *line, struct xc_request *req)
{
	return xc_request_parse(line, strlen(line), req, why, sizeof(why));
}

static void test_requests(void **state)
{
	static const struct {
		const char *line;
		enum xc_request_kind kind;
	} cases[] = {
		{ "flush", XC_REQUEST_FLUSH },   { "pause", XC_REQUEST_PAUSE },
		{ "resume", XC_REQUEST_RESUME }, { "stop", XC_REQUEST_STOP },
		{ "status", XC_REQUEST_STATUS }, { "  status\t", XC_REQUEST_STATUS },
	};
	_cleanup_free_ struct xc_request *req = calloc(1, sizeof(*req));

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(parse(cases[i].line, req), 0);
		assert_int_equal(req->kind, cases[i].kind);
		assert_int_equal(req->nr_cpus, 0);
	}
	assert_string_equal(xc_request_name(XC_REQUEST_RESUME), "resume");
	assert_string_equal(xc_request_name((enum xc_request_kind)99), "?");
}

static void test_flush_cpus(void **state)
{
	_cleanup_free_ struct xc_request *req = calloc(1, sizeof(*req));

	(void)state;
	assert_int_equal(parse("flush cpus=0,2-3", req), 0);
	assert_int_equal(req->kind, XC_REQUEST_FLUSH);
	assert_int_equal(req->nr_cpus, 4);
	assert_true(req->cpus[0] && !req->cpus[1] && req->cpus[2] && req->cpus[3]);
	assert_int_equal(parse("flush  cpus=4095", req), 0);
	assert_int_equal(req->nr_cpus, 4096);
	assert_true(req->cpus[4095] && !req->cpus[0]);
}

/* What the client formats, the recorder parses back to the same request. */
static void test_round_trip(void **state)
{
	static const char *const lists[] = { "0", "1", "0-1", "0,2-5,7", "4095", "1,3,5,7,9" };
	_cleanup_free_ struct xc_request *req = calloc(1, sizeof(*req));
	_cleanup_free_ struct xc_request *back = calloc(1, sizeof(*back));
	char line[XC_CONTROL_LINE_MAX], expect[64];

	(void)state;
	for (enum xc_request_kind k = XC_REQUEST_FLUSH; k <= XC_REQUEST_STATUS; k++) {
		*req = (struct xc_request){ .kind = k };
		assert_int_equal(xc_request_format(req, line, sizeof(line)),
				 (int)strlen(xc_request_name(k)));
		assert_int_equal(parse(line, back), 0);
		assert_int_equal(back->kind, k);
	}
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		snprintf(expect, sizeof(expect), "flush cpus=%s", lists[i]);
		assert_int_equal(parse(expect, req), 0);
		assert_int_equal(xc_request_format(req, line, sizeof(line)), (int)strlen(expect));
		assert_string_equal(line, expect);
		assert_int_equal(parse(line, back), 0);
		assert_int_equal(back->nr_cpus, req->nr_cpus);
		assert_memory_equal(back->cpus, req->cpus, sizeof(req->cpus));
	}
	/* Too small a buffer is refused, not cut. */
	assert_int_equal(parse("flush cpus=0-3", req), 0);
	assert_int_equal(xc_request_format(req, line, 8), -ENOBUFS);
}

/* @line is refused with @err and @message; the request passed in is left as it was. */
static void assert_refused(const char *line, size_t len, int err, const char *message)
{
	_cleanup_free_ struct xc_request *req = calloc(1, sizeof(*req));

	req->kind = XC_REQUEST_STATUS;
	req->nr_cpus = 7;
	assert_int_equal(xc_request_parse(line, len, req, why, sizeof(why)), err);
	if (!strstr(why, message))
		fail_msg("'%.*s': reason '%s' does not say '%s'", (int)len, line, why, message);
	assert_int_equal(req->kind, XC_REQUEST_STATUS);
	assert_int_equal(req->nr_cpus, 7);
}

#define REFUSED(line, err, message) assert_refused(line, strlen(line), err, message)

static void test_truncated(void **state)
{
	(void)state;
	REFUSED("", -EINVAL, "empty request");
	REFUSED("   ", -EINVAL, "empty request");
	REFUSED("flu", -EOPNOTSUPP, "'flu': unknown request");
	REFUSED("flush cpus=", -EINVAL, "needs a CPU list");
	REFUSED("flush cpus=0-", -EINVAL, "not a CPU list");
	REFUSED("flush cpus=0,", -EINVAL, "not a CPU list");
	/* A length short of the terminator: only @len bytes count. */
	assert_refused("flush cpus=1", 3, -EOPNOTSUPP, "'flu': unknown request");
	assert_refused("flush cpus=1-3", 13, -EINVAL, "cpus=1-: not a CPU list");
}

static void test_oversized(void **state)
{
	_cleanup_free_ char *huge = malloc(1 << 20);
	char digits[64];

	(void)state;
	memset(huge, 'a', 1 << 20);
	assert_refused(huge, 1 << 20, -E2BIG, "at most 1023");
	memcpy(huge, "flush ", 6);
	assert_refused(huge, XC_CONTROL_LINE_MAX, -E2BIG, "request of 1024 bytes");
	/* The longest line allowed is parsed (and refused for what it says). */
	assert_refused(huge, XC_CONTROL_LINE_MAX - 1, -EINVAL, "unknown argument 'aaaa");
	REFUSED("flush cpus=4096", -ERANGE, "below 4096");
	REFUSED("flush cpus=0-4096", -ERANGE, "below 4096");
	snprintf(digits, sizeof(digits), "flush cpus=%s", "184467440737095516160000");
	REFUSED(digits, -ERANGE, "below 4096");
}

static void test_wrong_types(void **state)
{
	(void)state;
	REFUSED("flush cpus=abc", -EINVAL, "cpus=abc: not a CPU list");
	REFUSED("flush cpus=-1", -EINVAL, "not a CPU list");
	REFUSED("flush cpus=1.5", -EINVAL, "not a CPU list");
	REFUSED("flush cpus=3-1", -EINVAL, "not a CPU list");
	REFUSED("flush cpus=0x1", -EINVAL, "not a CPU list");
	REFUSED("flush cpus=1=2", -EINVAL, "not a CPU list");
	REFUSED("flush cpus", -EINVAL, "unknown argument 'cpus'");
	REFUSED("flush cpu=1", -EINVAL, "unknown argument 'cpu=1'");
	REFUSED("flush =1", -EINVAL, "unknown argument '=1'");
	REFUSED("flush cpus=0 cpus=1", -EINVAL, "cpus= given twice");
	REFUSED("pause cpus=0", -EINVAL, "pause takes no argument");
	REFUSED("status now", -EINVAL, "status takes no argument");
}

static void test_unknown_and_binary(void **state)
{
	static const char nul[] = "flush\0cpus=1";
	static const char high[] = "flush \xff";

	(void)state;
	REFUSED("FLUSH", -EOPNOTSUPP, "'FLUSH': unknown request");
	REFUSED("flushes", -EOPNOTSUPP, "unknown request (flush, pause, resume, stop, status)");
	REFUSED("cleanup", -EOPNOTSUPP, "'cleanup': unknown request");
	REFUSED("flush\r", -EBADMSG, "byte 0x0d at offset 5");
	REFUSED("status\nstop", -EBADMSG, "byte 0x0a");
	assert_refused(nul, sizeof(nul) - 1, -EBADMSG, "byte 0x00 at offset 5");
	assert_refused(high, sizeof(high) - 1, -EBADMSG, "byte 0xff at offset 6");
	REFUSED("\x1b[2Jstop", -EBADMSG, "byte 0x1b at offset 0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_flush_cpus),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_unknown_and_binary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
