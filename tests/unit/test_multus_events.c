// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The AddedInterface events: the message as upstream words it (Go's %v of the address list)
 * and the core/v1 Event object around it, field by field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "multus/api.h"

static json_t *j(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	assert_non_null(v);
	return v;
}

static void expect_message(const char *ifname, const char *network, const char *result,
			   const char *want)
{
	struct attachment a = { .ifname = (char *)ifname, .network = (char *)network };
	char *msg;

	a.result = result ? j(result) : NULL;
	msg = multus_event_message(&a);
	assert_non_null(msg);
	assert_string_equal(msg, want);
	free(msg);
	json_decref(a.result);
}

static void test_message(void **state)
{
	expect_message("eth1", "default/sriov-conf",
		       "{\"ips\":[{\"address\":\"10.56.217.2/24\",\"interface\":0}]}",
		       "Add eth1 [10.56.217.2/24] from default/sriov-conf");
	/* Every address of the result, space-separated, with its prefix length. */
	expect_message("net1", "ns/dual",
		       "{\"ips\":[{\"address\":\"10.1.0.5/16\"},{\"address\":\"fd00::5/64\","
		       "\"gateway\":\"fd00::1\"}]}",
		       "Add net1 [10.1.0.5/16 fd00::5/64] from ns/dual");
	/* No addresses (a plain macvlan without IPAM): Go prints an empty slice as []. */
	expect_message("eth2", "l2", "{\"interfaces\":[{\"name\":\"eth2\"}]}",
		       "Add eth2 [] from l2");
	expect_message("eth2", "l2", NULL, "Add eth2 [] from l2");
	/* No network name: upstream's other form. */
	expect_message("eth0", "", "{\"ips\":[{\"address\":\"10.0.0.2/24\"}]}",
		       "Add eth0 [10.0.0.2/24]");
}

static json_t *pod(const char *name)
{
	json_t *p =
	    j("{\"kind\":\"Pod\",\"metadata\":{\"namespace\":\"default\","
	      "\"uid\":\"0c6b6c2e-5b8f-4d1e-9a57-3e0d4c7f1a22\",\"resourceVersion\":\"41\"}}");

	json_object_set_new(json_object_get(p, "metadata"), "name", json_string(name));
	return p;
}

static void test_event(void **state)
{
	struct attachment a = { .ifname = (char *)"eth1", .network = (char *)"default/sriov-conf" };
	struct timespec when = { .tv_sec = 1700000000, .tv_nsec = 123456789 };
	json_t *p = pod("web"), *ev, *want;

	a.result = j("{\"ips\":[{\"address\":\"10.56.217.2/24\"}]}");
	ev = multus_added_event(p, &a, &when, 2);
	assert_non_null(ev);
	/* 1700000000123456789 + 2 = 0x17979cfe3d85cd17 */
	want = j(
	    "{\"apiVersion\":\"v1\",\"kind\":\"Event\","
	    "\"metadata\":{\"name\":\"web.17979cfe3d85cd17\",\"namespace\":\"default\"},"
	    "\"involvedObject\":{\"kind\":\"Pod\",\"namespace\":\"default\",\"name\":\"web\","
	    "\"apiVersion\":\"v1\",\"uid\":\"0c6b6c2e-5b8f-4d1e-9a57-3e0d4c7f1a22\","
	    "\"resourceVersion\":\"41\"},"
	    "\"reason\":\"AddedInterface\","
	    "\"message\":\"Add eth1 [10.56.217.2/24] from default/sriov-conf\","
	    "\"source\":{\"component\":\"multus\"},"
	    "\"firstTimestamp\":\"2023-11-14T22:13:20Z\",\"lastTimestamp\":\"2023-11-14T22:13:20Z\","
	    "\"count\":1,\"type\":\"Normal\",\"reportingComponent\":\"multus\"}");
	if (!json_equal(ev, want)) {
		char *got = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);

		fail_msg("event differs: %s", got);
	}
	json_decref(want);
	json_decref(ev);
	json_decref(p);

	/* A pod without namespace or name (never from the API): no event. */
	p = j("{\"metadata\":{\"name\":\"web\"}}");
	assert_null(multus_added_event(p, &a, &when, 0));
	json_decref(p);
	json_decref(a.result);
}

static void test_event_name_long_pod(void **state)
{
	struct attachment a = { .ifname = (char *)"eth0", .network = (char *)"n" };
	struct timespec when = { .tv_sec = 1, .tv_nsec = 0 };
	char name[254];
	const char *got;
	json_t *p, *ev;

	/* A 253-byte pod name ending in "-a": cut so that the event's name is still at most 253
	 * bytes and every label ends in an alphanumeric character. */
	memset(name, 'x', sizeof(name));
	name[235] = '-';
	name[252] = 'a';
	name[253] = '\0';
	p = pod(name);
	ev = multus_added_event(p, &a, &when, 0);
	assert_non_null(ev);
	got = json_string_value(json_object_get(json_object_get(ev, "metadata"), "name"));
	assert_non_null(got);
	assert_true(strlen(got) <= 253);
	assert_string_equal(got + strlen(got) - 10, "x.3b9aca00");
	assert_int_equal(strlen(got), 235 + 9);
	/* The involved object keeps the full name. */
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(ev, "involvedObject"), "name")),
	    name);
	json_decref(ev);
	json_decref(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_event),
		cmocka_unit_test(test_event_name_long_pod),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
