// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One text, one meaning: the same CIDR (or MAC) is taken or refused alike by a delegate's
 * result (cni/result), the annotation's "ips" / "mac" (k8s/annotations) and the --verify /
 * CHECK path (multus/netcheck), because all three read it through util/inet. Once a bug:
 * "10.0.0.2/024" passed result parsing and the annotation, and netcheck skipped it silently.
 *
 * netcheck runs against this namespace's "lo" over a read-only rtnetlink socket: listing
 * needs no root and changes nothing (as in test_netlink_sock.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "cni/result.h"
#include "k8s/annotations.h"
#include "multus/netcheck.h"

static const char *const bad_cidrs[] = {
	"10.0.0.2/024", "10.0.0.2/+24", " 10.0.0.2/24",	 "10.0.0.2/24 ", "10.0.0.2/33",
	"::1/129",	"1.2.3.4/",	"fe80::1%lo/64", "010.0.0.2/24", "fd00::2/064",
};
static const char *const good_cidrs[] = { "10.0.0.2/24", "fd00::2/64", "0.0.0.0/0", "::1/128" };
static const char *const bad_macs[] = { "0a-58-0a-f4-00-05", "0a:58:0a:f4:00",
					"0a:58:0a:f4:00:05:06", "0a:58:0a:f4:00:5" };

static bool result_takes(const char *field, const char *value)
{
	json_auto_t *res = NULL;
	struct err e = { 0 };
	char buf[512];
	int r;

	if (streq(field, "mac"))
		snprintf(
		    buf, sizeof(buf),
		    "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"lo\",\"mac\":\"%s\"}]}",
		    value);
	else
		snprintf(buf, sizeof(buf),
			 "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"%s\"}]}", value);
	r = cni_result_parse(buf, strlen(buf), "1.0.0", &res, &e);
	if (r < 0) {
		assert_int_equal(r, -EBADMSG);
		assert_int_equal(e.code, 7);
		assert_non_null(strstr(e.msg, value));
		return false;
	}
	return true;
}

static bool annotation_takes(const char *field, const char *value)
{
	struct k8s_net_sel *sel = NULL;
	struct err e = { 0 };
	size_t n = 0;
	char buf[256];
	int r;

	if (streq(field, "mac"))
		snprintf(buf, sizeof(buf), "[{\"name\":\"a\",\"mac\":\"%s\"}]", value);
	else
		snprintf(buf, sizeof(buf), "[{\"name\":\"a\",\"ips\":[\"%s\"]}]", value);
	r = k8s_netsel_parse(buf, &sel, &n, &e);
	if (r < 0) {
		assert_int_equal(r, -EINVAL);
		assert_non_null(strstr(e.msg, value));
		return false;
	}
	k8s_netsel_free(sel, n);
	return true;
}

/* Does netcheck (what CHECK and --verify run) read `value` in a stored result for "lo"? */
static bool netcheck_takes(const char *field, const char *value)
{
	_cleanup_nl_ struct nl_sock *nl = NULL;
	json_auto_t *problems = json_array();
	struct attachment a = { .ifname = (char *)"lo", .state = ATT_ADDED };
	struct err e = { 0 };
	char text[512], refused[128];
	json_t *p;
	size_t i;
	int r;

	if (streq(field, "mac"))
		snprintf(text, sizeof(text),
			 "{\"interfaces\":[{\"name\":\"lo\",\"sandbox\":\"/x\",\"mac\":\"%s\"}]}",
			 value);
	else
		snprintf(text, sizeof(text),
			 "{\"interfaces\":[{\"name\":\"lo\",\"sandbox\":\"/x\"}],"
			 "\"ips\":[{\"address\":\"%s\",\"interface\":0}]}",
			 value);
	a.result = json_loads(text, 0, NULL);
	assert_non_null(a.result);
	assert_int_equal(nl_open(&nl, &e), 0);
	r = netcheck_problems(nl, &a, problems, &e);
	json_decref(a.result);
	assert_true(r >= 0);
	snprintf(refused, sizeof(refused), "lo: the result's %s %s is not",
		 streq(field, "mac") ? "MAC" : "address", value);
	json_array_foreach (problems, i, p)
		if (strstr(json_string_value(p), refused))
			return false;
	return true;
}

static void test_bad_cidr_refused_everywhere(void **state)
{
	for (size_t i = 0; i < ELEMENTSOF(bad_cidrs); i++) {
		if (result_takes("address", bad_cidrs[i]))
			fail_msg("result parsing took \"%s\"", bad_cidrs[i]);
		if (annotation_takes("ips", bad_cidrs[i]))
			fail_msg("annotation ips took \"%s\"", bad_cidrs[i]);
		if (netcheck_takes("address", bad_cidrs[i]))
			fail_msg("netcheck took \"%s\"", bad_cidrs[i]);
	}
}

static void test_good_cidr_taken_everywhere(void **state)
{
	for (size_t i = 0; i < ELEMENTSOF(good_cidrs); i++) {
		if (!result_takes("address", good_cidrs[i]))
			fail_msg("result parsing refused \"%s\"", good_cidrs[i]);
		if (!annotation_takes("ips", good_cidrs[i]))
			fail_msg("annotation ips refused \"%s\"", good_cidrs[i]);
		if (!netcheck_takes("address", good_cidrs[i]))
			fail_msg("netcheck refused \"%s\"", good_cidrs[i]);
	}
}

static void test_mac_alike_everywhere(void **state)
{
	for (size_t i = 0; i < ELEMENTSOF(bad_macs); i++) {
		if (result_takes("mac", bad_macs[i]))
			fail_msg("result parsing took \"%s\"", bad_macs[i]);
		if (annotation_takes("mac", bad_macs[i]))
			fail_msg("annotation mac took \"%s\"", bad_macs[i]);
		if (netcheck_takes("mac", bad_macs[i]))
			fail_msg("netcheck took \"%s\"", bad_macs[i]);
	}
	assert_true(result_takes("mac", "0A:58:0a:f4:00:05"));
	assert_true(annotation_takes("mac", "0A:58:0a:f4:00:05"));
	assert_true(netcheck_takes("mac", "0A:58:0a:f4:00:05"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_cidr_refused_everywhere),
		cmocka_unit_test(test_good_cidr_taken_everywhere),
		cmocka_unit_test(test_mac_alike_everywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
