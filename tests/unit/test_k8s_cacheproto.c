// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The node-local cache protocol: requests the plugin builds parse back the same on the
 * daemon's side; answers the daemon builds read back on the plugin's; malformed, oversized
 * and foreign-version lines are refused; the cache keeps only what it needs of an object.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/cache_proto.h"

static int parse_req_text(const char *text, struct cache_req *q)
{
	struct err e = { 0 };

	return cache_req_parse(text, strlen(text), q, &e);
}

static void roundtrip(json_t *msg, struct cache_req *q)
{
	_cleanup_free_ char *line = NULL;
	struct err e = { 0 };
	size_t len;

	assert_non_null(msg);
	assert_int_equal(cache_line_encode(msg, &line, &len), 0);
	assert_int_equal(line[len - 1], '\n');
	assert_null(memchr(line, '\n', len - 1));
	assert_int_equal(cache_req_parse(line, len, q, &e), 0);
	json_decref(msg);
}

static void test_requests_roundtrip(void **state)
{
	const char *names[] = { "flannel-conf", "sriov.conf" };
	json_auto_t *ann = json_pack("{s:s}", "k8s.v1.cni.cncf.io/network-status", "[]");
	json_auto_t *evs = json_pack("[{s:s}]", "reason", "AddedInterface");
	struct cache_req q;

	roundtrip(cache_req_pod("default", "web", "1234-5678"), &q);
	assert_int_equal(q.op, CACHE_OP_POD);
	assert_string_equal(q.ns, "default");
	assert_string_equal(q.name, "web");
	assert_string_equal(q.uid, "1234-5678");
	cache_req_done(&q);

	roundtrip(cache_req_pod("default", "web", NULL), &q);
	assert_string_equal(q.uid, "");
	cache_req_done(&q);

	roundtrip(cache_req_nads("kube-system", names, 2), &q);
	assert_int_equal(q.op, CACHE_OP_NADS);
	assert_int_equal(json_array_size(q.names), 2);
	assert_string_equal(json_string_value(json_array_get(q.names, 1)), "sriov.conf");
	cache_req_done(&q);

	roundtrip(cache_req_status("default", "web", "u1", ann), &q);
	assert_int_equal(q.op, CACHE_OP_STATUS);
	assert_true(json_equal(q.annotations, ann));
	cache_req_done(&q);

	roundtrip(cache_req_events("default", evs), &q);
	assert_int_equal(q.op, CACHE_OP_EVENTS);
	assert_int_equal(json_array_size(q.events), 1);
	cache_req_done(&q);
}

static void test_builders_refuse_bad_names(void **state)
{
	const char *bad[] = { "UPPER" };

	assert_null(cache_req_pod("Bad_NS", "web", ""));
	assert_null(cache_req_pod("default", "../x", ""));
	assert_null(cache_req_pod("default", "web", "a b"));
	assert_null(cache_req_nads("default", bad, 1));
	assert_null(cache_req_nads("default", bad, 0));
}

static void test_requests_refused(void **state)
{
	static const struct {
		const char *text;
		int ret;
	} cases[] = {
		{ "", -EPROTO },
		{ "[1]", -EPROTO },
		{ "{\"v\":1,\"op\":\"pod\",\"namespace\":\"default\",\"name\":\"web\"} x",
		  -EPROTO },
		{ "{\"op\":\"pod\",\"namespace\":\"default\",\"name\":\"web\"}", -EPROTO },
		{ "{\"v\":2,\"op\":\"pod\",\"namespace\":\"default\",\"name\":\"web\"}", -ENOTSUP },
		{ "{\"v\":\"1\",\"op\":\"pod\",\"namespace\":\"default\",\"name\":\"web\"}",
		  -EPROTO },
		{ "{\"v\":1,\"op\":\"put\",\"namespace\":\"default\",\"name\":\"web\"}", -EPROTO },
		{ "{\"v\":1,\"op\":\"pod\",\"namespace\":\"a/b\",\"name\":\"web\"}", -EPROTO },
		{ "{\"v\":1,\"op\":\"pod\",\"namespace\":\"default\",\"name\":\"../../x\"}",
		  -EPROTO },
		{ "{\"v\":1,\"op\":\"pod\",\"namespace\":\"default\",\"name\":\"w\",\"uid\":\"a\\nb\"}",
		  -EPROTO },
		{ "{\"v\":1,\"op\":\"pod\",\"op\":\"nads\",\"namespace\":\"default\",\"name\":\"w\"}",
		  -EPROTO },
		{ "{\"v\":1,\"op\":\"nads\",\"namespace\":\"default\",\"names\":[]}", -EPROTO },
		{ "{\"v\":1,\"op\":\"nads\",\"namespace\":\"default\",\"names\":[1]}", -EPROTO },
		{ "{\"v\":1,\"op\":\"nads\",\"namespace\":\"default\",\"names\":\"a\"}", -EPROTO },
		{ "{\"v\":1,\"op\":\"status\",\"namespace\":\"default\",\"name\":\"w\","
		  "\"annotations\":{\"a\":1}}",
		  -EPROTO },
		{ "{\"v\":1,\"op\":\"status\",\"namespace\":\"default\",\"name\":\"w\","
		  "\"annotations\":{}}",
		  -EPROTO },
		{ "{\"v\":1,\"op\":\"events\",\"namespace\":\"default\",\"events\":[1]}", -EPROTO },
	};
	struct cache_req q;

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		int r = parse_req_text(cases[i].text, &q);

		if (r != cases[i].ret)
			fail_msg("case %zu (%s): got %d, want %d", i, cases[i].text, r,
				 cases[i].ret);
	}
}

static void test_too_many_names_and_too_long(void **state)
{
	json_auto_t *o =
	    json_pack("{s:i,s:s,s:s,s:[]}", "v", 1, "op", "nads", "namespace", "d", "names");
	_cleanup_free_ char *line = NULL, *big = NULL;
	struct cache_req q;
	struct err e = { 0 };
	size_t len;

	for (int i = 0; i < CACHE_NAMES_MAX; i++)
		json_array_append_new(json_object_get(o, "names"), json_string("n"));
	assert_int_equal(cache_line_encode(o, &line, &len), 0);
	assert_int_equal(cache_req_parse(line, len, &q, &e), 0);
	assert_int_equal(json_array_size(q.names), CACHE_NAMES_MAX);
	cache_req_done(&q);
	free(TAKE_PTR(line));
	json_array_append_new(json_object_get(o, "names"), json_string("n"));
	assert_int_equal(cache_line_encode(o, &line, &len), 0);
	assert_int_equal(cache_req_parse(line, len, &q, &e), -EPROTO);

	big = malloc(CACHE_LINE_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', CACHE_LINE_MAX + 1);
	big[CACHE_LINE_MAX + 1] = '\0';
	assert_int_equal(cache_req_parse(big, CACHE_LINE_MAX + 1, &q, &e), -EMSGSIZE);
}

static int parse_resp_ops(json_t *msg, enum cache_op op, json_t **ret, unsigned *ret_ops)
{
	_cleanup_free_ char *line = NULL;
	struct err e = { 0 };
	size_t len;
	int r;

	assert_int_equal(cache_line_encode(msg, &line, &len), 0);
	json_decref(msg);
	r = cache_resp_parse(line, len, op, ret, ret_ops, &e);
	if (r < 0)
		assert_true(e.msg[0]);
	return r;
}

static int parse_resp(json_t *msg, enum cache_op op, json_t **ret)
{
	return parse_resp_ops(msg, op, ret, NULL);
}

/* The plugin's apiTimeoutSeconds rides along on writes: optional, bounded, writes only. */
static void test_write_timeout(void **state)
{
	json_auto_t *ann = json_pack("{s:s}", "k", "v");
	json_auto_t *evs = json_pack("[{s:s}]", "reason", "AddedInterface");
	json_t *m;
	struct cache_req q;

	(void)state;
	m = cache_req_status("default", "web", "", ann);
	assert_int_equal(cache_req_set_timeout(m, 2500), 0);
	roundtrip(m, &q);
	assert_int_equal(q.op, CACHE_OP_STATUS);
	assert_int_equal(q.timeout_ms, 2500);
	cache_req_done(&q);
	m = cache_req_events("default", evs);
	assert_int_equal(cache_req_set_timeout(m, CACHE_TIMEOUT_MS_MAX), 0);
	roundtrip(m, &q);
	assert_int_equal(q.timeout_ms, CACHE_TIMEOUT_MS_MAX);
	cache_req_done(&q);
	/* Without it: 0, the daemon's own. */
	roundtrip(cache_req_status("default", "web", "", ann), &q);
	assert_int_equal(q.timeout_ms, 0);
	cache_req_done(&q);

	m = cache_req_status("default", "web", "", ann);
	assert_int_equal(cache_req_set_timeout(m, 0), -EINVAL);
	assert_int_equal(cache_req_set_timeout(m, CACHE_TIMEOUT_MS_MAX + 1), -EINVAL);
	json_decref(m);
	m = cache_req_pod("default", "web", "");
	assert_int_equal(cache_req_set_timeout(m, 1000), -EINVAL);
	json_decref(m);

	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"status\",\"namespace\":\"d\",\"name\":"
					"\"p\",\"annotations\":{\"k\":\"v\"},\"timeoutMs\":0}",
					&q),
			 -EPROTO);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"events\",\"namespace\":\"d\",\"events\":"
					"[{}],\"timeoutMs\":86400001}",
					&q),
			 -EPROTO);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"events\",\"namespace\":\"d\",\"events\":"
					"[{}],\"timeoutMs\":\"5\"}",
					&q),
			 -EPROTO);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"events\",\"namespace\":\"d\",\"events\":"
					"[{}],\"timeoutMs\":1.5}",
					&q),
			 -EPROTO);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"events\",\"namespace\":\"d\",\"events\":"
					"[{}],\"timeoutMs\":1}",
					&q),
			 0);
	assert_int_equal(q.timeout_ms, 1);
	cache_req_done(&q);
}

static void test_answers(void **state)
{
	json_auto_t *api_pod = json_pack(
	    "{s:s,s:{s:s,s:s,s:s,s:s,s:{s:s},s:{}},s:{s:s}}", "kind", "Pod", "metadata", "name",
	    "web", "namespace", "default", "uid", "u-1", "resourceVersion", "7", "annotations",
	    "k8s.v1.cni.cncf.io/networks", "a,b", "labels", "spec", "nodeName", "n1");
	json_auto_t *api_nad =
	    json_pack("{s:{s:s,s:s},s:{s:s}}", "metadata", "name", "a", "namespace", "default",
		      "spec", "config", "{\"type\":\"bridge\"}");
	json_t *pod = cache_trim_pod(api_pod), *nad = cache_trim_nad(api_nad), *got = NULL;

	/* Trimmed: only namespace, name, uid, resourceVersion (the events name it) and
	 * annotations; no labels; NAD config kept. */
	assert_non_null(pod);
	assert_null(json_object_get(pod, "spec"));
	assert_null(json_object_get(json_object_get(pod, "metadata"), "labels"));
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(pod, "metadata"), "resourceVersion")),
	    "7");
	assert_int_equal(json_object_size(json_object_get(pod, "metadata")), 5);
	assert_int_equal(
	    json_object_size(json_object_get(json_object_get(pod, "metadata"), "annotations")), 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(nad, "spec"), "config")),
	    "{\"type\":\"bridge\"}");

	assert_int_equal(parse_resp(cache_resp_ok("pod", json_incref(pod)), CACHE_OP_POD, &got), 0);
	assert_true(json_equal(got, pod));
	json_decref(got);

	assert_int_equal(parse_resp(cache_resp_ok("nads", json_pack("{s:O,s:n}", "a", nad, "b")),
				    CACHE_OP_NADS, &got),
			 0);
	assert_true(json_is_null(json_object_get(got, "b")));
	assert_true(json_equal(json_object_get(got, "a"), nad));
	json_decref(got);

	got = (json_t *)&got;
	assert_int_equal(parse_resp(cache_resp_ok(NULL, NULL), CACHE_OP_STATUS, &got), 0);
	assert_null(got);
	assert_int_equal(parse_resp(cache_resp_not_found(), CACHE_OP_POD, &got), -ENOENT);
	assert_int_equal(parse_resp(cache_resp_error("API down\x01"), CACHE_OP_POD, &got),
			 -EREMOTEIO);
	/* An answer of the wrong shape for its op. */
	assert_int_equal(parse_resp(cache_resp_ok("nads", json_incref(pod)), CACHE_OP_POD, &got),
			 -EPROTO);
	assert_int_equal(
	    parse_resp(cache_resp_ok("pod", json_pack("{s:{s:s}}", "metadata", "name", "x")),
		       CACHE_OP_POD, &got),
	    -EPROTO);
	assert_int_equal(parse_resp(json_pack("{s:i,s:b}", "v", 9, "ok", 1), CACHE_OP_POD, &got),
			 -ENOTSUP);
	/* Objects without a name are not kept at all, nor objects the API path refuses. */
	assert_null(cache_trim_pod(json_object_get(api_pod, "spec")));
	json_object_set_new(json_object_get(json_object_get(api_pod, "metadata"), "annotations"),
			    "not-a-string", json_integer(5));
	assert_null(cache_trim_pod(api_pod));
	json_object_set_new(json_object_get(api_pod, "metadata"), "annotations", json_array());
	assert_null(cache_trim_pod(api_pod));
	json_object_set_new(json_object_get(api_nad, "spec"), "config", json_object());
	assert_null(cache_trim_nad(api_nad));
	json_object_set_new(api_nad, "spec", json_string("x"));
	assert_null(cache_trim_nad(api_nad));
	json_decref(pod);
	json_decref(nad);
}

/* "report": the status annotations and the events in one request; events optional. */
static void test_report(void **state)
{
	json_auto_t *ann = json_pack("{s:s}", "k8s.v1.cni.cncf.io/network-status", "[]");
	json_auto_t *evs =
	    json_pack("[{s:s},{s:s}]", "reason", "AddedInterface", "reason", "AddedInterface");
	json_auto_t *none = json_array(), *big = json_array(), *empty = json_object();
	struct cache_req q;
	json_t *m;

	(void)state;
	m = cache_req_report("default", "web", "u1", ann, evs);
	assert_int_equal(cache_req_set_timeout(m, 2500), 0);
	roundtrip(m, &q);
	assert_int_equal(q.op, CACHE_OP_REPORT);
	assert_string_equal(cache_op_name(q.op), "report");
	assert_string_equal(q.name, "web");
	assert_string_equal(q.uid, "u1");
	assert_true(json_equal(q.annotations, ann));
	assert_true(json_equal(q.events, evs));
	assert_int_equal(q.timeout_ms, 2500);
	cache_req_done(&q);

	/* No events (a plan without attachments): the member is left out, and that parses. */
	m = cache_req_report("default", "web", "", ann, none);
	assert_non_null(m);
	assert_null(json_object_get(m, "events"));
	roundtrip(m, &q);
	assert_int_equal(q.op, CACHE_OP_REPORT);
	assert_null(q.events);
	cache_req_done(&q);
	roundtrip(cache_req_report("default", "web", "", ann, NULL), &q);
	assert_null(q.events);
	cache_req_done(&q);

	/* The builder's bounds: annotations needed, at most CACHE_EVENTS_MAX events. */
	for (int i = 0; i <= CACHE_EVENTS_MAX; i++)
		json_array_append_new(big, json_object());
	assert_null(cache_req_report("default", "web", "", ann, big));
	assert_null(cache_req_report("default", "web", "", empty, evs));
	assert_null(cache_req_report("default", "Web", "", ann, evs));
	json_array_remove(big, 0);
	m = cache_req_report("default", "web", "", ann, big);
	roundtrip(m, &q);
	assert_int_equal(json_array_size(q.events), CACHE_EVENTS_MAX);
	cache_req_done(&q);

	/* The parser's. */
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"report\",\"namespace\":\"d\","
					"\"name\":\"p\",\"events\":[{}]}",
					&q),
			 -EPROTO);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"report\",\"namespace\":\"d\","
					"\"name\":\"p\",\"annotations\":{\"k\":\"v\"},"
					"\"events\":{}}",
					&q),
			 -EPROTO);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"report\",\"namespace\":\"d\","
					"\"name\":\"p\",\"annotations\":{\"k\":\"v\"},"
					"\"events\":[{},2]}",
					&q),
			 -EPROTO);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"report\",\"namespace\":\"d\","
					"\"name\":\"p\",\"annotations\":{\"k\":\"v\"},"
					"\"timeoutMs\":0}",
					&q),
			 -EPROTO);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"report\",\"namespace\":\"d\","
					"\"name\":\"p\",\"uid\":\"a b\",\"annotations\":{\"k\":"
					"\"v\"}}",
					&q),
			 -EPROTO);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"report\",\"namespace\":\"d\","
					"\"name\":\"p\",\"annotations\":{\"k\":\"v\"},"
					"\"events\":[]}",
					&q),
			 0);
	assert_int_equal(json_array_size(q.events), 0);
	cache_req_done(&q);
	json_array_append_new(big, json_object());
	m = json_pack("{s:i,s:s,s:s,s:s,s:O,s:O}", "v", 1, "op", "report", "namespace", "d", "name",
		      "p", "annotations", ann, "events", big);
	{
		_cleanup_free_ char *line = NULL;
		struct err e = { 0 };
		size_t len;

		assert_int_equal(cache_line_encode(m, &line, &len), 0);
		assert_int_equal(cache_req_parse(line, len, &q, &e), -EPROTO);
	}
	json_decref(m);
}

/* "nadkeys": NADs of any namespaces in one request, answered under their "NS/N" keys. */
static void test_nadkeys(void **state)
{
	const char *nss[] = { "kube-system", "default", "default" };
	const char *names[] = { "tke-bridge", "net-a", "sriov.conf" };
	const char *bad_ns[] = { "Kube" }, *bad_name[] = { "a/b" }, *name;
	json_auto_t *nad = json_pack("{s:{s:s,s:s,s:{}},s:{}}", "metadata", "namespace",
				     "kube-system", "name", "tke-bridge", "annotations", "spec");
	json_auto_t *o = NULL;
	char ns[CACHE_NS_MAX], long_ns[80];
	struct cache_req q;
	json_t *got = NULL;

	(void)state;
	roundtrip(cache_req_nadkeys("default", nss, names, 3), &q);
	assert_int_equal(q.op, CACHE_OP_NADKEYS);
	assert_string_equal(cache_op_name(q.op), "nadkeys");
	assert_null(q.names);
	assert_int_equal(json_array_size(q.keys), 3);
	assert_string_equal(json_string_value(json_array_get(q.keys, 0)), "kube-system/tke-bridge");
	assert_string_equal(json_string_value(json_array_get(q.keys, 2)), "default/sriov.conf");
	cache_req_done(&q);

	assert_null(cache_req_nadkeys("default", nss, names, 0));
	assert_null(cache_req_nadkeys("default", bad_ns, names, 1));
	assert_null(cache_req_nadkeys("default", nss, bad_name, 1));

	/* Splitting a key: a DNS-1123 label, '/', a DNS-1123 subdomain. */
	assert_int_equal(cache_nad_key_split("kube-system/a.b", ns, &name), 0);
	assert_string_equal(ns, "kube-system");
	assert_string_equal(name, "a.b");
	memset(long_ns, 'a', 64);
	strcpy(long_ns + 64, "/x");
	assert_int_equal(cache_nad_key_split(long_ns, ns, &name), -EINVAL);
	long_ns[63] = '/';
	long_ns[64] = '\0';
	strcat(long_ns, "x");
	assert_int_equal(cache_nad_key_split(long_ns, ns, &name), 0);
	assert_int_equal(strlen(ns), 63);
	assert_int_equal(cache_nad_key_split("noslash", ns, &name), -EINVAL);
	assert_int_equal(cache_nad_key_split("/x", ns, &name), -EINVAL);
	assert_int_equal(cache_nad_key_split("a/", ns, &name), -EINVAL);
	assert_int_equal(cache_nad_key_split("a/b/c", ns, &name), -EINVAL);
	assert_int_equal(cache_nad_key_split("a.b/c", ns, &name), -EINVAL);
	assert_int_equal(cache_nad_key_split("A/c", ns, &name), -EINVAL);

	/* The parser's bounds: 1..CACHE_NAMES_MAX keys, each a key. */
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"nadkeys\",\"namespace\":\"d\","
					"\"keys\":[]}",
					&q),
			 -EPROTO);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"nadkeys\",\"namespace\":\"d\","
					"\"names\":[\"a\"]}",
					&q),
			 -EPROTO);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"nadkeys\",\"namespace\":\"d\","
					"\"keys\":[\"d/a\",\"a\"]}",
					&q),
			 -EPROTO);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"nadkeys\",\"namespace\":\"d\","
					"\"keys\":[\"d/a\",7]}",
					&q),
			 -EPROTO);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"nads\",\"namespace\":\"d\","
					"\"names\":[\"d/a\"]}",
					&q),
			 -EPROTO);
	o = json_pack("{s:i,s:s,s:s,s:[]}", "v", 1, "op", "nadkeys", "namespace", "d", "keys");
	for (int i = 0; i < CACHE_NAMES_MAX; i++)
		json_array_append_new(json_object_get(o, "keys"), json_string("ns1/n"));
	roundtrip(json_incref(o), &q);
	assert_int_equal(json_array_size(q.keys), CACHE_NAMES_MAX);
	cache_req_done(&q);
	json_array_append_new(json_object_get(o, "keys"), json_string("ns1/n"));
	{
		_cleanup_free_ char *line = NULL;
		struct err e = { 0 };
		size_t len;

		assert_int_equal(cache_line_encode(o, &line, &len), 0);
		assert_int_equal(cache_req_parse(line, len, &q, &e), -EPROTO);
	}

	/* Its answer: "nads" keyed by "NS/N", NAD or null, read as for nads. */
	assert_int_equal(
	    parse_resp(cache_resp_ok("nads", json_pack("{s:O,s:n}", "kube-system/tke-bridge", nad,
						       "default/net-a")),
		       CACHE_OP_NADKEYS, &got),
	    0);
	assert_true(json_equal(json_object_get(got, "kube-system/tke-bridge"), nad));
	assert_true(json_is_null(json_object_get(got, "default/net-a")));
	json_decref(got);
	got = NULL;
	assert_int_equal(
	    parse_resp(cache_resp_ok("nads", json_pack("{s:i}", "d/a", 1)), CACHE_OP_NADKEYS, &got),
	    -EPROTO);
	assert_null(got);
}

/* The pod answer says which ops the daemon knows; one that does not say knows the first four. */
static void test_answer_ops(void **state)
{
	json_auto_t *pod = json_pack("{s:{s:s,s:s,s:s,s:{}}}", "metadata", "namespace", "default",
				     "name", "web", "uid", "u-1", "annotations");
	unsigned ops = 0;
	json_t *got = NULL, *m, *arr;

	(void)state;
	assert_int_equal(parse_resp_ops(cache_resp_pod(json_incref(pod)), CACHE_OP_POD, &got, &ops),
			 0);
	assert_true(json_equal(got, pod));
	json_decref(got);
	assert_int_equal(ops, CACHE_OPS_BASE | (1u << CACHE_OP_REPORT) | (1u << CACHE_OP_NADKEYS));

	/* An older daemon: no "ops". */
	ops = 0;
	assert_int_equal(
	    parse_resp_ops(cache_resp_ok("pod", json_incref(pod)), CACHE_OP_POD, &got, &ops), 0);
	json_decref(got);
	assert_int_equal(ops, CACHE_OPS_BASE);
	assert_false(ops & (1u << CACHE_OP_REPORT));

	/* A newer one: names this client does not know are ignored. */
	m = cache_resp_ok("pod", json_incref(pod));
	json_object_set_new(m, "ops", json_pack("[s,s]", "teleport", "report"));
	assert_int_equal(parse_resp_ops(m, CACHE_OP_POD, &got, &ops), 0);
	json_decref(got);
	assert_int_equal(ops, CACHE_OPS_BASE | (1u << CACHE_OP_REPORT));

	/* Malformed: not an array, not strings, too many. *ret_ops untouched. */
	ops = 7;
	got = NULL;
	m = cache_resp_ok("pod", json_incref(pod));
	json_object_set_new(m, "ops", json_string("report"));
	assert_int_equal(parse_resp_ops(m, CACHE_OP_POD, &got, &ops), -EPROTO);
	m = cache_resp_ok("pod", json_incref(pod));
	json_object_set_new(m, "ops", json_pack("[i]", 5));
	assert_int_equal(parse_resp_ops(m, CACHE_OP_POD, &got, &ops), -EPROTO);
	m = cache_resp_ok("pod", json_incref(pod));
	arr = json_array();
	for (int i = 0; i <= CACHE_OPS_MAX; i++)
		json_array_append_new(arr, json_string("pod"));
	json_object_set_new(m, "ops", arr);
	assert_int_equal(parse_resp_ops(m, CACHE_OP_POD, &got, &ops), -EPROTO);
	assert_null(got);
	assert_int_equal(ops, 7);

	/* The answer to a report is an empty ok, as to status and events. */
	got = (json_t *)&got;
	assert_int_equal(parse_resp(cache_resp_ok(NULL, NULL), CACHE_OP_REPORT, &got), 0);
	assert_null(got);
	assert_int_equal(parse_resp(cache_resp_error("unknown op"), CACHE_OP_REPORT, &got),
			 -EREMOTEIO);
}

/* A pod request may name NADs to send along, and the pod answer carry them ("NS/N" -> NAD); an
 * older client's request and an older daemon's answer have neither. */
static void test_pod_prefetch(void **state)
{
	const char *nss[] = { "kube-system", "default" }, *names[] = { "flannel", "net-a" };
	const char *bad_ns[] = { "Bad_NS" }, *one[] = { "x" };
	json_auto_t *pod = json_pack("{s:{s:s,s:s,s:s,s:{}}}", "metadata", "namespace", "default",
				     "name", "web", "uid", "u-1", "annotations");
	json_auto_t *nad =
	    json_pack("{s:{s:s,s:s,s:{}},s:{s:s}}", "metadata", "namespace", "default", "name",
		      "net-a", "annotations", "spec", "config", "{}");
	_cleanup_free_ char *line = NULL;
	json_t *m, *got = NULL, *nads = NULL;
	struct cache_req q;
	struct err e = { 0 };
	size_t len;

	(void)state;
	m = cache_req_pod("default", "web", "");
	assert_int_equal(cache_req_pod_prefetch(m, "kube-system", nss, names, 2), 0);
	roundtrip(m, &q);
	assert_int_equal(q.op, CACHE_OP_POD);
	assert_string_equal(q.multus_ns, "kube-system");
	assert_int_equal(json_array_size(q.keys), 2);
	assert_string_equal(json_string_value(json_array_get(q.keys, 0)), "kube-system/flannel");
	assert_string_equal(json_string_value(json_array_get(q.keys, 1)), "default/net-a");
	cache_req_done(&q);
	/* Without them: as before. */
	roundtrip(cache_req_pod("default", "web", ""), &q);
	assert_null(q.keys);
	assert_null(q.multus_ns);
	cache_req_done(&q);
	m = cache_req_pod("default", "web", "");
	assert_int_equal(cache_req_pod_prefetch(m, "kube-system", bad_ns, one, 1), -EINVAL);
	assert_null(json_object_get(m, "nadkeys")); /* left as it was */
	assert_null(json_object_get(m, "multusNamespace"));
	json_decref(m);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"pod\",\"namespace\":\"d\",\"name\":"
					"\"w\",\"nadkeys\":[\"no-slash\"]}",
					&q),
			 -EPROTO);
	assert_int_equal(parse_req_text("{\"v\":1,\"op\":\"pod\",\"namespace\":\"d\",\"name\":"
					"\"w\",\"multusNamespace\":\"A B\"}",
					&q),
			 -EPROTO);

	/* The answer: the NADs come out beside the pod. */
	m = cache_resp_pod_nads(json_incref(pod), json_pack("{s:O}", "default/net-a", nad));
	assert_int_equal(cache_line_encode(m, &line, &len), 0);
	json_decref(m);
	assert_int_equal(cache_resp_parse_pod(line, len, &got, &nads, NULL, &e), 0);
	assert_true(json_equal(got, pod));
	assert_true(json_equal(json_object_get(nads, "default/net-a"), nad));
	json_decref(got);
	json_decref(nads);
	free(line);
	line = NULL;
	/* None to send: no member, and NULL out. */
	m = cache_resp_pod_nads(json_incref(pod), json_object());
	assert_null(json_object_get(m, "nads"));
	assert_int_equal(cache_line_encode(m, &line, &len), 0);
	json_decref(m);
	nads = json_true();
	assert_int_equal(cache_resp_parse_pod(line, len, &got, &nads, NULL, &e), 0);
	assert_null(nads);
	json_decref(got);
	free(line);
	line = NULL;
	/* A malformed one, or a key that is none: the whole answer is refused. */
	m = cache_resp_pod_nads(json_incref(pod), json_pack("{s:i}", "default/net-a", 1));
	assert_int_equal(cache_line_encode(m, &line, &len), 0);
	json_decref(m);
	assert_int_equal(cache_resp_parse_pod(line, len, &got, &nads, NULL, &e), -EPROTO);
	free(line);
	line = NULL;
	m = cache_resp_pod_nads(json_incref(pod), json_pack("{s:O}", "net-a", nad));
	assert_int_equal(cache_line_encode(m, &line, &len), 0);
	json_decref(m);
	assert_int_equal(cache_resp_parse_pod(line, len, &got, &nads, NULL, &e), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests_roundtrip),
		cmocka_unit_test(test_builders_refuse_bad_names),
		cmocka_unit_test(test_requests_refused),
		cmocka_unit_test(test_too_many_names_and_too_long),
		cmocka_unit_test(test_write_timeout),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_nadkeys),
		cmocka_unit_test(test_answer_ops),
		cmocka_unit_test(test_pod_prefetch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
