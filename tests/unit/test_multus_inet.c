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
static const char *const bad_macs[] = { "0a:58-0a:f4:00:05",	"0a:58:0a:f4:00",
					"0a:58:0a:f4:00:05:06", "0a:58:0a:f4:00:5",
					"0a580af40005",		"0a58.0af4:0005" };
/* Go's net.ParseMAC forms (upstream's annotations and results): ':', '-', '.'; 6, 8, 20. */
static const char *const good_macs[] = {
	"0A:58:0a:f4:00:05",   "0a-58-0a-f4-00-05",
	"0a58.0af4.0005",      "02:00:5e:10:00:00:00:01",
	"0200.5e10.0000.0001", "80-00-02-08-fe-80-00-00-00-00-00-00-00-02-c9-03-00-2e-50-41",
};

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

/* The problems netcheck (what CHECK and --verify run) finds for "lo" with this stored result. */
static json_t *netcheck_lo(const char *result)
{
	_cleanup_nl_ struct nl_sock *nl = NULL;
	json_t *problems = json_array();
	struct attachment a = { .ifname = (char *)"lo", .state = ATT_ADDED };
	struct err e = { 0 };

	a.result = json_loads(result, 0, NULL);
	assert_non_null(a.result);
	assert_int_equal(nl_open(&nl, &e), 0);
	assert_true(netcheck_problems(nl, &a, problems, &e) >= 0);
	json_decref(a.result);
	return problems;
}

static bool has_problem(json_t *problems, const char *text)
{
	json_t *p;
	size_t i;

	json_array_foreach (problems, i, p)
		if (strstr(json_string_value(p), text))
			return true;
	return false;
}

/* Does netcheck read `value` in a stored result for "lo"? */
static bool netcheck_takes(const char *field, const char *value)
{
	json_auto_t *problems = NULL;
	char text[512], refused[128];

	if (streq(field, "mac"))
		snprintf(text, sizeof(text),
			 "{\"interfaces\":[{\"name\":\"lo\",\"sandbox\":\"/x\",\"mac\":\"%s\"}]}",
			 value);
	else
		snprintf(text, sizeof(text),
			 "{\"interfaces\":[{\"name\":\"lo\",\"sandbox\":\"/x\"}],"
			 "\"ips\":[{\"address\":\"%s\",\"interface\":0}]}",
			 value);
	problems = netcheck_lo(text);
	snprintf(refused, sizeof(refused), "lo: the result's %s %s is not",
		 streq(field, "mac") ? "MAC" : "address", value);
	return !has_problem(problems, refused);
}

static bool netcheck_mac_differs(const char *mac)
{
	json_auto_t *problems = NULL;
	char text[256];

	snprintf(text, sizeof(text),
		 "{\"interfaces\":[{\"name\":\"lo\",\"sandbox\":\"/x\",\"mac\":\"%s\"}]}", mac);
	problems = netcheck_lo(text);
	assert_false(has_problem(problems, "is not a MAC address"));
	return has_problem(problems, "lo: MAC differs");
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
	for (size_t i = 0; i < ELEMENTSOF(good_macs); i++) {
		if (!result_takes("mac", good_macs[i]))
			fail_msg("result parsing refused \"%s\"", good_macs[i]);
		if (!annotation_takes("mac", good_macs[i]))
			fail_msg("annotation mac refused \"%s\"", good_macs[i]);
		if (!netcheck_takes("mac", good_macs[i]))
			fail_msg("netcheck refused \"%s\"", good_macs[i]);
	}
}

/* netcheck compares a result's MAC with the link's by value: lo's is 00:00:00:00:00:00. */
static void test_mac_compared_by_value(void **state)
{
	static const char *const same[] = { "00:00:00:00:00:00", "00-00-00-00-00-00",
					    "0000.0000.0000" };
	static const char *const other[] = { "00:00:00:00:00:01", "00-00-00-00-00-01",
					     "0000.0000.0001", "00:00:00:00:00:00:00:00" };

	for (size_t i = 0; i < ELEMENTSOF(same); i++)
		if (netcheck_mac_differs(same[i]))
			fail_msg("netcheck: lo's MAC differs from \"%s\"", same[i]);
	for (size_t i = 0; i < ELEMENTSOF(other); i++)
		if (!netcheck_mac_differs(other[i]))
			fail_msg("netcheck: lo's MAC is \"%s\"", other[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_cidr_refused_everywhere),
		cmocka_unit_test(test_good_cidr_taken_everywhere),
		cmocka_unit_test(test_mac_alike_everywhere),
		cmocka_unit_test(test_mac_compared_by_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
