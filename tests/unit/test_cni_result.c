// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Results and errors as the reference plugins print them. The "real" inputs below were
 * captured from Debian 12's containernetworking-plugins 1.1.1 (bridge, host-local, static,
 * macvlan) run by hand in throwaway network namespaces; only the whitespace was removed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>

#include "cni/result.h"
#include "cni/version.h"

/* bridge, cniVersion 0.3.1, CNI_IFNAME=eth03.1 */
static const char bridge_031[] =
    "{\"cniVersion\":\"0.3.1\",\"interfaces\":[{\"name\":\"cni0\",\"mac\":\"0a:32:ac:31:0b:17\"},"
    "{\"name\":\"veth1cb04294\",\"mac\":\"ea:bc:dd:a8:7c:d9\"},{\"name\":\"eth03.1\",\"mac\":"
    "\"06:aa:fd:eb:00:9c\",\"sandbox\":\"/proc/4702/ns/net\"}],\"ips\":[{\"version\":\"4\","
    "\"interface\":2,\"address\":\"10.9.0.2/24\",\"gateway\":\"10.9.0.1\"}],\"dns\":{}}\n";

/* bridge, cniVersion 0.4.0 */
static const char bridge_040[] =
    "{\"cniVersion\":\"0.4.0\",\"interfaces\":[{\"name\":\"cni0\",\"mac\":\"0a:32:ac:31:0b:17\"},"
    "{\"name\":\"vethaa024107\",\"mac\":\"56:22:c7:89:44:34\"},{\"name\":\"eth04.0\",\"mac\":"
    "\"56:41:dc:e4:4f:20\",\"sandbox\":\"/proc/4702/ns/net\"}],\"ips\":[{\"version\":\"4\","
    "\"interface\":2,\"address\":\"10.9.0.3/24\",\"gateway\":\"10.9.0.1\"}],\"dns\":{}}\n";

/* bridge, cniVersion 1.0.0 */
static const char bridge_100[] =
    "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"cni0\",\"mac\":\"0a:32:ac:31:0b:17\"},"
    "{\"name\":\"veth1e7144e8\",\"mac\":\"12:a0:2a:3b:1b:86\"},{\"name\":\"eth10.0\",\"mac\":"
    "\"72:d6:8c:3c:46:df\",\"sandbox\":\"/proc/4702/ns/net\"}],\"ips\":[{\"interface\":2,"
    "\"address\":\"10.9.0.4/24\",\"gateway\":\"10.9.0.1\"}],\"dns\":{}}\n";

/* host-local, cniVersion 0.3.1, with gateway and a default route configured */
static const char host_local_031[] =
    "{\"cniVersion\":\"0.3.1\",\"ips\":[{\"version\":\"4\",\"address\":\"10.9.0.4/24\","
    "\"gateway\":\"10.9.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{}}\n";

/* host-local, cniVersion 0.2.0 */
static const char host_local_020[] =
    "{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.9.0.3/24\",\"gateway\":\"10.9.0.1\","
    "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]},\"dns\":{}}\n";

/* macvlan with static IPAM, cniVersion 0.2.0: two families, routes, and macvlan's dns */
static const char macvlan_static_020[] =
    "{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.6.0.5/24\",\"gateway\":\"10.6.0.1\",\"routes\":"
    "[{\"dst\":\"10.60.0.0/16\",\"gw\":\"10.6.0.254\"}]},\"ip6\":{\"ip\":\"fd06::5/64\",\"gateway\":"
    "\"fd06::1\",\"routes\":[{\"dst\":\"fd60::/48\"}]},\"dns\":{\"nameservers\":[\"10.6.0.53\"],"
    "\"domain\":\"example.test\",\"search\":[\"example.test\"],\"options\":[\"ndots:2\"]}}\n";

/* bridge given a config without cniVersion (so 0.1.0) */
static const char bridge_010[] =
    "{\"cniVersion\":\"0.1.0\",\"ip4\":{\"ip\":\"10.7.0.2/24\",\"gateway\":"
    "\"10.7.0.1\"},\"dns\":{}}\n";

/* static, cniVersion 1.0.0, two families and dns */
static const char static_100[] =
    "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.10.0.1/24\",\"gateway\":\"10.10.0.254\"},"
    "{\"address\":\"3ffe:ffff:0:1ff::1/64\",\"gateway\":\"3ffe:ffff::1\"}],\"routes\":[{\"dst\":"
    "\"0.0.0.0/0\"},{\"dst\":\"192.168.0.0/16\",\"gw\":\"10.10.5.1\"}],\"dns\":{\"nameservers\":"
    "[\"8.8.8.8\"],\"domain\":\"example.com\",\"search\":[\"example.com\"]}}\n";

/* host-local given a bad subnet: no cniVersion, code 999 */
static const char host_local_err999[] =
    "{\n    \"code\": 999,\n    \"msg\": \"invalid CIDR address: 10.9.0.0/33\"\n}";

/* host-local spoken to in 1.1.0 */
static const char host_local_err1[] =
    "{\"code\":1,\"msg\":\"incompatible CNI versions\",\"details\":\"config is \\\"1.1.0\\\", "
    "plugin supports [\\\"0.1.0\\\" \\\"0.2.0\\\" \\\"0.3.0\\\" \\\"0.3.1\\\" \\\"0.4.0\\\" "
    "\\\"1.0.0\\\"]\"}";

/* Every 1.1.0 field, plus unknown keys that the canonical form drops. */
static const char full_110[] =
    "{\"cniVersion\":\"1.1.0\",\"x-top\":1,"
    "\"interfaces\":[{\"name\":\"br0\",\"mac\":\"0A:32:AC:31:0B:17\",\"mtu\":9000,\"x\":true},"
    "{\"name\":\"ib0\",\"mac\":\"80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:2e:50:41\","
    "\"sandbox\":\"/var/run/netns/cni-1\",\"socketPath\":\"/run/vhost/sock0\","
    "\"pciID\":\"0000:03:00.1\"}],"
    "\"ips\":[{\"interface\":1,\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\"},"
    "{\"interface\":1,\"address\":\"fd00::5/64\",\"gateway\":\"fd00::1\"}],"
    "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\",\"mtu\":1400,\"advmss\":1360,"
    "\"priority\":100,\"table\":254,\"scope\":0},{\"dst\":\"fd00:1::/48\"}],"
    "\"dns\":{\"nameservers\":[\"10.1.0.10\"],\"domain\":\"cluster.local\","
    "\"search\":[\"ns.svc.cluster.local\"],\"options\":[\"ndots:5\"],\"x\":1}}";

static const char full_110_canonical[] =
    "{\"cniVersion\":\"1.1.0\","
    "\"interfaces\":[{\"name\":\"br0\",\"mac\":\"0A:32:AC:31:0B:17\",\"mtu\":9000},"
    "{\"name\":\"ib0\",\"mac\":\"80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:2e:50:41\","
    "\"sandbox\":\"/var/run/netns/cni-1\",\"socketPath\":\"/run/vhost/sock0\","
    "\"pciID\":\"0000:03:00.1\"}],"
    "\"ips\":[{\"interface\":1,\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\"},"
    "{\"interface\":1,\"address\":\"fd00::5/64\",\"gateway\":\"fd00::1\"}],"
    "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\",\"mtu\":1400,\"advmss\":1360,"
    "\"priority\":100,\"table\":254,\"scope\":0},{\"dst\":\"fd00:1::/48\"}],"
    "\"dns\":{\"nameservers\":[\"10.1.0.10\"],\"domain\":\"cluster.local\","
    "\"search\":[\"ns.svc.cluster.local\"],\"options\":[\"ndots:5\"]}}";

static json_t *load(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, 0, &jerr);

	if (!v)
		fail_msg("test data: %s: %s", jerr.text, text);
	return v;
}

static void assert_json(json_t *got, const char *want_text)
{
	json_auto_t *want = load(want_text);

	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_SORT_KEYS), *w = json_dumps(want, JSON_SORT_KEYS);

		print_error("got:  %s\nwant: %s\n", g, w);
		free(g);
		free(w);
		fail();
	}
}

static json_t *parse_ok(const char *text, const char *version)
{
	struct err e = { 0 };
	json_t *res = NULL;
	int r = cni_result_parse(text, strlen(text), version, &res, &e);

	if (r < 0)
		fail_msg("parse: %d %s", r, e.msg);
	assert_non_null(res);
	return res;
}

/* Parsing must fail with `code` and a message that contains `want`. */
static void parse_bad(const char *text, int code, const char *want)
{
	json_t *res = (json_t *)0x1;
	struct err e = { 0 };
	int r = cni_result_parse(text, strlen(text), "1.0.0", &res, &e);

	if (r != -EBADMSG)
		fail_msg("parsing %s: %d (%s)", text, r, e.msg);
	assert_int_equal(e.code, code);
	assert_ptr_equal(res, (json_t *)0x1);
	if (!strstr(e.msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, want);
}

static void test_parse_bridge(_unused_ void **state)
{
	json_auto_t *r031 = parse_ok(bridge_031, "0.3.1");
	json_auto_t *r040 = parse_ok(bridge_040, "0.4.0");
	json_auto_t *r100 = parse_ok(bridge_100, "1.0.0");

	assert_json(
	    r031,
	    "{\"cniVersion\":\"0.3.1\",\"interfaces\":[{\"name\":\"cni0\",\"mac\":"
	    "\"0a:32:ac:31:0b:17\"},{\"name\":\"veth1cb04294\",\"mac\":\"ea:bc:dd:a8:7c:d9\"},"
	    "{\"name\":\"eth03.1\",\"mac\":\"06:aa:fd:eb:00:9c\",\"sandbox\":"
	    "\"/proc/4702/ns/net\"}],\"ips\":[{\"interface\":2,\"address\":\"10.9.0.2/24\","
	    "\"gateway\":\"10.9.0.1\"}]}");
	assert_json(
	    r040,
	    "{\"cniVersion\":\"0.4.0\",\"interfaces\":[{\"name\":\"cni0\",\"mac\":"
	    "\"0a:32:ac:31:0b:17\"},{\"name\":\"vethaa024107\",\"mac\":\"56:22:c7:89:44:34\"},"
	    "{\"name\":\"eth04.0\",\"mac\":\"56:41:dc:e4:4f:20\",\"sandbox\":"
	    "\"/proc/4702/ns/net\"}],\"ips\":[{\"interface\":2,\"address\":\"10.9.0.3/24\","
	    "\"gateway\":\"10.9.0.1\"}]}");
	/* 1.0.0 has the canonical fields already: only "dns":{} goes. */
	assert_json(
	    r100,
	    "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"cni0\",\"mac\":"
	    "\"0a:32:ac:31:0b:17\"},{\"name\":\"veth1e7144e8\",\"mac\":\"12:a0:2a:3b:1b:86\"},"
	    "{\"name\":\"eth10.0\",\"mac\":\"72:d6:8c:3c:46:df\",\"sandbox\":"
	    "\"/proc/4702/ns/net\"}],\"ips\":[{\"interface\":2,\"address\":\"10.9.0.4/24\","
	    "\"gateway\":\"10.9.0.1\"}]}");
}

static void test_parse_ipam(_unused_ void **state)
{
	json_auto_t *hl = parse_ok(host_local_031, "0.3.1");
	json_auto_t *st = parse_ok(static_100, "1.0.0");

	assert_json(hl, "{\"cniVersion\":\"0.3.1\",\"ips\":[{\"address\":\"10.9.0.4/24\","
			"\"gateway\":\"10.9.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}");
	/* Non-empty dns is kept whole; the IPv6 address keeps the plugin's spelling. */
	assert_json(st, static_100);
}

static void test_parse_full_110(_unused_ void **state)
{
	json_auto_t *res = parse_ok(full_110, "1.1.0");

	assert_json(res, full_110_canonical);
}

static void test_parse_020(_unused_ void **state)
{
	json_auto_t *hl = parse_ok(host_local_020, "0.2.0");
	json_auto_t *both = parse_ok("{\"ip4\":{\"ip\":\"10.0.0.2/8\",\"routes\":[{\"dst\":"
				     "\"10.0.0.0/8\",\"gw\":\"10.0.0.1\"}]},\"ip6\":{\"ip\":"
				     "\"fd00::2/64\",\"gateway\":\"fd00::1\",\"routes\":[{\"dst\":"
				     "\"::/0\"}]},\"dns\":{\"nameservers\":[\"10.0.0.53\"]}}",
				     "0.1.0");

	assert_json(hl, "{\"cniVersion\":\"0.2.0\",\"ips\":[{\"address\":\"10.9.0.3/24\","
			"\"gateway\":\"10.9.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}");
	assert_json(both, "{\"cniVersion\":\"0.1.0\",\"ips\":[{\"address\":\"10.0.0.2/8\"},"
			  "{\"address\":\"fd00::2/64\",\"gateway\":\"fd00::1\"}],\"routes\":"
			  "[{\"dst\":\"10.0.0.0/8\",\"gw\":\"10.0.0.1\"},{\"dst\":\"::/0\"}],"
			  "\"dns\":{\"nameservers\":[\"10.0.0.53\"]}}");
	parse_bad("{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"fd00::2/64\"}}", 7,
		  "result: ip4.ip: \"fd00::2/64\" is not an IPv4 address");
	parse_bad("{\"cniVersion\":\"0.2.0\",\"ip6\":{\"gateway\":\"fd00::1\"}}", 7,
		  "result: ip6.ip is missing");
	parse_bad("{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.0.0.2/8\",\"routes\":[{}]}}", 7,
		  "result: ip4.routes[0].dst is missing");
}

/* The result's own cniVersion wins when it parses; otherwise the caller's. */
static void test_parse_version_choice(_unused_ void **state)
{
	const char *ips = "\"ips\":[{\"address\":\"10.0.0.2/24\"}]}";
	char buf[256];
	json_auto_t *own = NULL, *none = NULL, *garbled = NULL, *old = NULL;
	struct err e = { 0 };
	json_t *res = NULL;

	own =
	    parse_ok("{\"cniVersion\":\"0.4.0\",\"ips\":[{\"address\":\"10.0.0.2/24\"}]}", "1.0.0");
	assert_string_equal(json_string_value(json_object_get(own, "cniVersion")), "0.4.0");
	snprintf(buf, sizeof(buf), "{%s", ips);
	none = parse_ok(buf, "1.0.0");
	assert_string_equal(json_string_value(json_object_get(none, "cniVersion")), "1.0.0");
	snprintf(buf, sizeof(buf), "{\"cniVersion\":7,%s", ips);
	garbled = parse_ok(buf, "0.3.1");
	assert_string_equal(json_string_value(json_object_get(garbled, "cniVersion")), "0.3.1");
	/* Spoken to in 0.2.0 and silent about it: the old shape, so "ips" is no field. */
	snprintf(buf, sizeof(buf), "{\"ip4\":{\"ip\":\"10.0.0.9/24\"},%s", ips);
	old = parse_ok(buf, "0.2.0");
	assert_json(old, "{\"cniVersion\":\"0.2.0\",\"ips\":[{\"address\":\"10.0.0.9/24\"}]}");
	/* No version from anywhere. */
	snprintf(buf, sizeof(buf), "{%s", ips);
	assert_int_equal(cni_result_parse(buf, strlen(buf), NULL, &res, &e), -EINVAL);
	assert_int_equal(e.code, 1);
	assert_null(res);
}

/* Unknown keys, "dns":{}, nulls and empty strings are dropped: Go's omitempty never prints them. */
static void test_parse_drops_noise(_unused_ void **state)
{
	json_auto_t *res = parse_ok(
	    "  {\"cniVersion\":\"1.0.0\",\"foo\":{\"bar\":[1,2]},\"interfaces\":[{\"name\":"
	    "\"eth0\",\"mac\":\"\",\"sandbox\":null,\"vendor\":\"x\"}],\"ips\":[{\"address\":"
	    "\"10.0.0.2/24\",\"gateway\":\"\",\"interface\":0,\"version\":\"4\"}],\"routes\":[],"
	    "\"dns\":{\"nameservers\":[],\"domain\":\"\"}}\n\t \n",
	    "1.0.0");

	assert_json(res, "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\"}],"
			 "\"ips\":[{\"address\":\"10.0.0.2/24\",\"interface\":0}]}");
}

/* One result, written in each version's shape. */
static const char shape_old[] =
    "{\"cniVersion\":\"%s\",\"interfaces\":[{\"name\":\"br0\",\"mac\":\"0a:32:ac:31:0b:17\"},"
    "{\"name\":\"eth0\",\"mac\":\"06:aa:fd:eb:00:9c\",\"sandbox\":\"/var/run/netns/cni-1\"}],"
    "\"ips\":[{\"version\":\"4\",\"interface\":1,\"address\":\"10.1.0.5/16\",\"gateway\":"
    "\"10.1.0.1\"},{\"version\":\"6\",\"interface\":1,\"address\":\"fd00::5/64\"}],"
    "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\"}],"
    "\"dns\":{\"nameservers\":[\"10.1.0.10\"],\"search\":[\"svc.local\"]}}";
static const char shape_100[] =
    "{\"cniVersion\":\"%s\",\"interfaces\":[{\"name\":\"br0\",\"mac\":\"0a:32:ac:31:0b:17\"},"
    "{\"name\":\"eth0\",\"mac\":\"06:aa:fd:eb:00:9c\",\"sandbox\":\"/var/run/netns/cni-1\"}],"
    "\"ips\":[{\"interface\":1,\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\"},"
    "{\"interface\":1,\"address\":\"fd00::5/64\"}],"
    "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\"}],"
    "\"dns\":{\"nameservers\":[\"10.1.0.10\"],\"search\":[\"svc.local\"]}}";
static const char shape_110[] =
    "{\"cniVersion\":\"%s\",\"interfaces\":[{\"name\":\"br0\",\"mac\":\"0a:32:ac:31:0b:17\","
    "\"mtu\":1500},{\"name\":\"eth0\",\"mac\":\"06:aa:fd:eb:00:9c\",\"sandbox\":"
    "\"/var/run/netns/cni-1\",\"socketPath\":\"/run/s.sock\",\"pciID\":\"0000:00:1f.6\"}],"
    "\"ips\":[{\"interface\":1,\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\"},"
    "{\"interface\":1,\"address\":\"fd00::5/64\"}],"
    "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\",\"mtu\":1450,\"advmss\":1400,"
    "\"priority\":10,\"table\":100,\"scope\":253}],"
    "\"dns\":{\"nameservers\":[\"10.1.0.10\"],\"search\":[\"svc.local\"]}}";

static const char *shape_of(const char *version)
{
	if (cni_version_cmp(version, "1.0.0") < 0)
		return shape_old;
	return streq(version, "1.1.0") ? shape_110 : shape_100;
}

static void fill(char *buf, size_t size, const char *shape, const char *version)
{
	/* The shapes are test data with exactly one %s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(buf, size, shape, version);
#pragma GCC diagnostic pop
}

/* From every version to every version, exact output; 1.1.0 fields survive only 1.1.0 -> 1.1.0. */
static void test_convert_matrix(_unused_ void **state)
{
	static const char *const versions[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0" };
	char in[2048], want[2048];

	for (size_t a = 0; a < ELEMENTSOF(versions); a++) {
		json_auto_t *canonical = NULL;

		fill(in, sizeof(in), shape_of(versions[a]), versions[a]);
		canonical = parse_ok(in, "0.1.0");
		for (size_t b = 0; b < ELEMENTSOF(versions); b++) {
			const char *shape = shape_of(versions[b]);
			json_auto_t *out = NULL, *back = NULL;
			struct err e = { 0 };

			if (shape == shape_110 && !streq(versions[a], "1.1.0"))
				shape = shape_100;
			fill(want, sizeof(want), shape, versions[b]);
			assert_int_equal(cni_result_convert(canonical, versions[b], &out, &e), 0);
			assert_json(out, want);
			/* What we print must parse back to the same canonical data. */
			{
				char *text = json_dumps(out, 0);

				back = parse_ok(text, "0.1.0");
				free(text);
			}
			assert_string_equal(json_string_value(json_object_get(back, "cniVersion")),
					    versions[b]);
		}
		/* Converting never touches the canonical object. */
		fill(want, sizeof(want), streq(versions[a], "1.1.0") ? shape_110 : shape_100,
		     versions[a]);
		assert_json(canonical, want);
	}
}

static void test_convert_020(_unused_ void **state)
{
	json_auto_t *canonical = parse_ok(host_local_020, "0.2.0");
	json_auto_t *v031 = NULL, *v100 = NULL;
	struct err e = { 0 };

	assert_int_equal(cni_result_convert(canonical, "0.3.1", &v031, &e), 0);
	assert_json(v031, "{\"cniVersion\":\"0.3.1\",\"ips\":[{\"version\":\"4\",\"address\":"
			  "\"10.9.0.3/24\",\"gateway\":\"10.9.0.1\"}],\"routes\":[{\"dst\":"
			  "\"0.0.0.0/0\"}]}");
	assert_int_equal(cni_result_convert(canonical, "1.0.0", &v100, &e), 0);
	assert_json(v100, "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.9.0.3/24\","
			  "\"gateway\":\"10.9.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}");
}

/* The 0.2.0 form of shape_old/shape_100/shape_110: the first address of each family, the
 * routes of its family with dst and gw only, dns; interfaces go. */
static const char shape_020[] =
    "{\"cniVersion\":\"%s\",\"ip4\":{\"ip\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\","
    "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\"}]},\"ip6\":{\"ip\":\"fd00::5/64\"},"
    "\"dns\":{\"nameservers\":[\"10.1.0.10\"],\"search\":[\"svc.local\"]}}";

static const char back_020[] =
    "{\"cniVersion\":\"%s\",\"ips\":[{\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\"},"
    "{\"address\":\"fd00::5/64\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\"}],"
    "\"dns\":{\"nameservers\":[\"10.1.0.10\"],\"search\":[\"svc.local\"]}}";

/* Every version down to 0.1.0 and 0.2.0: exact output, and it parses back (spoken to in that
 * version) to what 0.2.0 can say. */
static void test_convert_to_legacy(_unused_ void **state)
{
	static const char *const from[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0" };
	static const char *const to[] = { "0.1.0", "0.2.0" };
	char in[2048], want[2048];

	for (size_t a = 0; a < ELEMENTSOF(from); a++) {
		json_auto_t *canonical = NULL;

		fill(in, sizeof(in), shape_of(from[a]), from[a]);
		canonical = parse_ok(in, "1.0.0");
		for (size_t b = 0; b < ELEMENTSOF(to); b++) {
			json_auto_t *out = NULL, *back = NULL;
			struct err e = { 0 };
			char *text;

			fill(want, sizeof(want), shape_020, to[b]);
			assert_int_equal(cni_result_convert(canonical, to[b], &out, &e), 0);
			assert_json(out, want);
			text = json_dumps(out, 0);
			back = parse_ok(text, to[b]);
			free(text);
			fill(want, sizeof(want), back_020, to[b]);
			assert_json(back, want);
		}
	}
}

static json_t *convert_ok(json_t *canonical, const char *version)
{
	struct err e = { 0 };
	json_t *out = NULL;

	if (cni_result_convert(canonical, version, &out, &e) < 0)
		fail_msg("convert to %s: %s", version, e.msg);
	return out;
}

static void test_convert_legacy_details(_unused_ void **state)
{
	json_auto_t *hl = parse_ok(host_local_020, "0.2.0"), *hl_out = NULL;
	json_auto_t *many = NULL, *many_out = NULL, *empty = NULL, *empty_out = NULL;
	json_auto_t *v6 = NULL, *v6_out = NULL;
	char *text;

	/* What the real plugins printed in 0.1.0/0.2.0 comes back out as it was, and up. */
	hl_out = convert_ok(hl, "0.2.0");
	assert_json(hl_out, host_local_020);
	{
		json_auto_t *mv = parse_ok(macvlan_static_020, "0.2.0"), *mv_out = NULL;
		json_auto_t *br = parse_ok(bridge_010, "0.1.0"), *br_out = NULL, *br_up = NULL;

		mv_out = convert_ok(mv, "0.2.0");
		assert_json(mv_out, macvlan_static_020);
		br_out = convert_ok(br, "0.1.0");
		assert_json(br_out, bridge_010);
		br_up = convert_ok(br, "0.4.0");
		assert_json(br_up,
			    "{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":"
			    "\"10.7.0.2/24\",\"gateway\":\"10.7.0.1\"}]}");
	}

	/* Only the first address of a family; ip4 before ip6 whatever the order of ips[]; routes
	 * of a family without an address go; 1.1.0 route fields go. */
	many = parse_ok(
	    "{\"cniVersion\":\"1.1.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":"
	    "\"/x\"}],\"ips\":[{\"address\":\"fd00::7/64\",\"gateway\":\"fd00::1\","
	    "\"interface\":0},{\"address\":\"10.0.0.7/24\"},{\"address\":\"10.0.1.7/24\","
	    "\"gateway\":\"10.0.1.1\"},{\"address\":\"fd00:1::7/64\"}],\"routes\":[{\"dst\":"
	    "\"10.9.0.0/16\",\"gw\":\"10.0.0.1\",\"mtu\":1400,\"table\":7},{\"dst\":"
	    "\"::/0\",\"gw\":\"fd00::1\"},{\"dst\":\"0.0.0.0/0\"}]}",
	    "1.1.0");
	many_out = convert_ok(many, "0.2.0");
	text = json_dumps(many_out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(text, "{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.0.0.7/24\","
				  "\"routes\":[{\"dst\":\"10.9.0.0/16\",\"gw\":\"10.0.0.1\"},"
				  "{\"dst\":\"0.0.0.0/0\"}]},\"ip6\":{\"ip\":\"fd00::7/64\","
				  "\"gateway\":\"fd00::1\",\"routes\":[{\"dst\":\"::/0\",\"gw\":"
				  "\"fd00::1\"}]},\"dns\":{}}");
	free(text);

	/* No address at all: routes have nowhere to go; "dns" is always there. */
	empty = parse_ok("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\"}],"
			 "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}",
			 "1.0.0");
	empty_out = convert_ok(empty, "0.1.0");
	assert_json(empty_out, "{\"cniVersion\":\"0.1.0\",\"dns\":{}}");

	/* IPv6 only, from a 0.1.0 result, up and down again. */
	v6 = parse_ok("{\"ip6\":{\"ip\":\"2001:db8::2/64\",\"gateway\":\"2001:db8::1\",\"routes\":"
		      "[{\"dst\":\"::/0\"}]},\"dns\":{\"nameservers\":[\"2001:db8::53\"],"
		      "\"options\":[\"ndots:2\"]}}",
		      "0.1.0");
	assert_json(v6, "{\"cniVersion\":\"0.1.0\",\"ips\":[{\"address\":\"2001:db8::2/64\","
			"\"gateway\":\"2001:db8::1\"}],\"routes\":[{\"dst\":\"::/0\"}],\"dns\":"
			"{\"nameservers\":[\"2001:db8::53\"],\"options\":[\"ndots:2\"]}}");
	v6_out = convert_ok(v6, "0.2.0");
	assert_json(v6_out, "{\"cniVersion\":\"0.2.0\",\"ip6\":{\"ip\":\"2001:db8::2/64\","
			    "\"gateway\":\"2001:db8::1\",\"routes\":[{\"dst\":\"::/0\"}]},\"dns\":"
			    "{\"nameservers\":[\"2001:db8::53\"],\"options\":[\"ndots:2\"]}}");
	{
		json_auto_t *up = convert_ok(v6, "1.0.0");

		assert_json(up, "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":"
				"\"2001:db8::2/64\",\"gateway\":\"2001:db8::1\"}],\"routes\":"
				"[{\"dst\":\"::/0\"}],\"dns\":{\"nameservers\":[\"2001:db8::53\"],"
				"\"options\":[\"ndots:2\"]}}");
	}
}

/* A canonical object that is not valid is refused on the way down too. */
static void test_convert_legacy_invalid(_unused_ void **state)
{
	json_auto_t *bad = load("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.1\"}]}");
	json_t *out = (json_t *)0x1;
	struct err e = { 0 };

	assert_int_equal(cni_result_convert(bad, "0.2.0", &out, &e), -EBADMSG);
	assert_int_equal(e.code, 7);
	assert_ptr_equal(out, (json_t *)0x1);
}

/* A 0.2.0 result gets the interface multus found; a result with interfaces keeps its own. */
static void test_add_sandbox_iface(_unused_ void **state)
{
	json_auto_t *old = parse_ok(macvlan_static_020, "0.2.0"),
		    *br = parse_ok(bridge_100, "1.0.0");
	json_auto_t *up = NULL, *down = NULL, *before = NULL;
	struct err e = { 0 };

	assert_int_equal(
	    cni_result_add_sandbox_iface(old, "eth1", "c2:b0:57:49:47:f1", "/var/run/netns/p"), 0);
	assert_int_equal(cni_result_find_sandbox_iface(old, "eth1"), 0);
	assert_int_equal(cni_result_convert(old, "1.0.0", &up, &e), 0);
	assert_json(up,
		    "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth1\",\"mac\":"
		    "\"c2:b0:57:49:47:f1\",\"sandbox\":\"/var/run/netns/p\"}],\"ips\":[{"
		    "\"interface\":0,\"address\":\"10.6.0.5/24\",\"gateway\":\"10.6.0.1\"},{"
		    "\"interface\":0,\"address\":\"fd06::5/64\",\"gateway\":\"fd06::1\"}],"
		    "\"routes\":[{\"dst\":\"10.60.0.0/16\",\"gw\":\"10.6.0.254\"},{\"dst\":"
		    "\"fd60::/48\"}],\"dns\":{\"nameservers\":[\"10.6.0.53\"],\"domain\":"
		    "\"example.test\",\"search\":[\"example.test\"],\"options\":[\"ndots:2\"]}}");
	/* Down to 0.2.0 it is what the plugin printed. */
	assert_int_equal(cni_result_convert(old, "0.2.0", &down, &e), 0);
	assert_json(down, macvlan_static_020);
	/* No MAC (a tun), and a result that has interfaces: left as it is. */
	{
		json_auto_t *nomac = parse_ok(bridge_010, "0.1.0");

		assert_int_equal(
		    cni_result_add_sandbox_iface(nomac, "eth0", NULL, "/proc/1/ns/net"), 0);
		assert_json(nomac, "{\"cniVersion\":\"0.1.0\",\"interfaces\":[{\"name\":\"eth0\","
				   "\"sandbox\":\"/proc/1/ns/net\"}],\"ips\":[{\"interface\":0,"
				   "\"address\":\"10.7.0.2/24\",\"gateway\":\"10.7.0.1\"}]}");
	}
	before = json_deep_copy(br);
	assert_int_equal(cni_result_add_sandbox_iface(br, "eth9", NULL, "/x"), 0);
	assert_true(json_equal(br, before));
	assert_int_equal(cni_result_add_sandbox_iface(br, "", NULL, "/x"), -EINVAL);
	assert_int_equal(cni_result_add_sandbox_iface(NULL, "eth0", NULL, "/x"), -EINVAL);
}

static void test_convert_unsupported(_unused_ void **state)
{
	static const char *const bad[] = { "0.0.0", "0.2.1", "0.5.0", "1.2.0", "1.0", "", "x" };
	json_auto_t *canonical = parse_ok(bridge_100, "1.0.0");
	json_t *out = (json_t *)0x1;
	struct err e = { 0 };

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		err_clear(&e);
		assert_int_equal(cni_result_convert(canonical, bad[i], &out, &e), -ENOTSUP);
		assert_int_equal(e.code, 1);
		assert_non_null(strstr(e.msg, "incompatible CNI version"));
		assert_ptr_equal(out, (json_t *)0x1);
	}
	assert_int_equal(cni_result_convert(canonical, NULL, &out, &e), -ENOTSUP);
	assert_string_equal(e.msg, "incompatible CNI version \"\": results are printed in 0.1.0 to "
				   "1.1.0");
	assert_int_equal(cni_result_convert(NULL, "1.0.0", &out, &e), -EINVAL);
	assert_ptr_equal(out, (json_t *)0x1);
}

static void test_error_parse(_unused_ void **state)
{
	char *msg = NULL, *details = NULL;
	int code = 0;

	assert_int_equal(
	    cni_error_parse(host_local_err999, strlen(host_local_err999), &code, &msg, &details),
	    1);
	assert_int_equal(code, 999);
	assert_string_equal(msg, "invalid CIDR address: 10.9.0.0/33");
	assert_string_equal(details, "");
	free(msg);
	free(details);

	assert_int_equal(
	    cni_error_parse(host_local_err1, strlen(host_local_err1), &code, &msg, &details), 1);
	assert_int_equal(code, 1);
	assert_string_equal(msg, "incompatible CNI versions");
	assert_string_equal(details, "config is \"1.1.0\", plugin supports [\"0.1.0\" \"0.2.0\" "
				     "\"0.3.0\" \"0.3.1\" \"0.4.0\" \"1.0.0\"]");
	free(msg);
	free(details);
}

static void test_error_parse_variants(_unused_ void **state)
{
	static const char with_version[] =
	    "{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"bad\",\"details\":\"d\"}\n";
	static const char no_msg[] = "{\"code\":11}";
	char *msg = NULL;
	int code = 0;

	assert_int_equal(cni_error_parse(with_version, strlen(with_version), &code, NULL, NULL), 1);
	assert_int_equal(code, 7);
	/* Without msg it is still an error: the exit status said so; msg is "". */
	assert_int_equal(cni_error_parse(no_msg, strlen(no_msg), &code, &msg, NULL), 1);
	assert_int_equal(code, 11);
	assert_string_equal(msg, "");
	free(msg);
	msg = NULL;
}

static void test_error_parse_not_errors(_unused_ void **state)
{
	static const char *const no[] = {
		"",
		"not json",
		"[{\"code\":1,\"msg\":\"m\"}]",
		"{\"msg\":\"no code\"}",
		"{\"code\":\"1\",\"msg\":\"m\"}",
		"{\"code\":1.5,\"msg\":\"m\"}",
		"{\"code\":4294967296,\"msg\":\"m\"}",
		"{\"code\":1,\"msg\":5}",
		"{\"code\":1,\"msg\":\"m\",\"details\":[]}",
	};
	char *msg = (char *)0x1;
	int code = -7;

	for (size_t i = 0; i < ELEMENTSOF(no); i++)
		assert_int_equal(cni_error_parse(no[i], strlen(no[i]), &code, &msg, NULL), 0);
	assert_int_equal(cni_error_parse(NULL, 0, &code, &msg, NULL), 0);
	/* A result, "dns":{} and all, is no error. */
	assert_int_equal(cni_error_parse(bridge_031, strlen(bridge_031), &code, &msg, NULL), 0);
	assert_int_equal(code, -7);
	assert_ptr_equal(msg, (char *)0x1);
}

static void test_parse_invalid(_unused_ void **state)
{
	parse_bad("", 6, "failed to decode result: ");
	parse_bad("ok\n", 6, "failed to decode result: ");
	parse_bad("{\"cniVersion\":\"1.0.0\",}", 6, "(line 1, column ");
	parse_bad("{\"ips\":[]} trailing", 6, "end of file expected");
	parse_bad("{\"a\":1,\"a\":2}", 6, "duplicate object key");
	parse_bad("[{\"cniVersion\":\"1.0.0\"}]", 7, "result: expected an object, got an array");
	/* jansson itself refuses a top level that is neither array nor object. */
	parse_bad("\"1.0.0\"", 6, "'[' or '{' expected");
	parse_bad("{\"ips\":{}}", 7, "result: ips: expected an array, got an object");
	parse_bad("{\"ips\":[1]}", 7, "result: ips[0]: expected an object, got an integer");
	parse_bad("{\"ips\":[{\"address\":\"10.0.0.2\"}]}", 7,
		  "result: ips[0].address: \"10.0.0.2\" is not an IP address with prefix length");
	parse_bad("{\"ips\":[{\"address\":\"10.0.0.2/24\"},{\"address\":\"10.0.0.300/24\"}]}", 7,
		  "result: ips[1].address: \"10.0.0.300/24\" is not an IP address with prefix "
		  "length");
	parse_bad("{\"ips\":[{\"address\":\"10.0.0.2/33\"}]}", 7, "\"10.0.0.2/33\" is not an IP");
	parse_bad("{\"ips\":[{\"address\":\"fd00::2/129\"}]}", 7, "\"fd00::2/129\" is not an IP");
	parse_bad("{\"ips\":[{\"address\":\"10.0.0.2/-1\"}]}", 7, "\"10.0.0.2/-1\" is not an IP");
	parse_bad("{\"ips\":[{\"address\":\"10.0.0.2/\"}]}", 7, "\"10.0.0.2/\" is not an IP");
	parse_bad("{\"ips\":[{\"address\":\"10.0.0.2/24\",\"gateway\":\"10.0.0.1/24\"}]}", 7,
		  "result: ips[0].gateway: \"10.0.0.1/24\" is not an IP address");
	parse_bad("{\"ips\":[{\"gateway\":\"10.0.0.1\"}]}", 7, "result: ips[0].address is missing");
	parse_bad("{\"ips\":[{\"address\":42}]}", 7,
		  "result: ips[0].address: expected a string, got an integer");
	parse_bad("{\"interfaces\":[{\"name\":\"eth0\"}],\"ips\":[{\"address\":\"10.0.0.2/24\","
		  "\"interface\":1}]}",
		  7, "result: ips[0].interface: 1 is not an index into interfaces (1)");
	parse_bad("{\"ips\":[{\"address\":\"10.0.0.2/24\",\"interface\":0}]}", 7,
		  "result: ips[0].interface: 0 is not an index into interfaces (0)");
	parse_bad("{\"interfaces\":[{\"name\":\"eth0\"}],\"ips\":[{\"address\":\"10.0.0.2/24\","
		  "\"interface\":-1}]}",
		  7, "-1 is not an index");
	parse_bad("{\"ips\":[{\"address\":\"fd00::2/64\",\"version\":\"4\"}]}", 7,
		  "result: ips[0].version: \"4\" does not match the address \"fd00::2/64\"");
	parse_bad("{\"ips\":[{\"address\":\"10.0.0.2/24\",\"version\":\"5\"}]}", 7,
		  "result: ips[0].version: \"5\" is not 4 or 6");
	parse_bad("{\"interfaces\":[{\"mac\":\"0a:32:ac:31:0b:17\"}]}", 7,
		  "result: interfaces[0].name is missing");
	parse_bad("{\"interfaces\":[{\"name\":\"eth0\",\"mac\":\"garbage\"}]}", 7,
		  "result: interfaces[0].mac: \"garbage\" is not a MAC address");
	parse_bad("{\"interfaces\":[{\"name\":\"eth0\",\"mtu\":-1}]}", 7,
		  "result: interfaces[0].mtu: expected an integer from 0 to 2147483647");
	parse_bad("{\"routes\":[{\"dst\":\"0.0.0.0/0\",\"scope\":256}]}", 7,
		  "result: routes[0].scope: expected an integer from 0 to 255");
	parse_bad("{\"routes\":[{\"gw\":\"10.0.0.1\"}]}", 7, "result: routes[0].dst is missing");
	parse_bad("{\"dns\":[]}", 7, "result: dns: expected an object, got an array");
	parse_bad("{\"dns\":{\"nameservers\":[\"8.8.8.8\",53]}}", 7,
		  "result: dns.nameservers[1]: expected a string, got an integer");
	parse_bad("{\"dns\":{\"domain\":true}}", 7,
		  "result: dns.domain: expected a string, got a boolean");
}

static void test_parse_macs(_unused_ void **state)
{
	/* What Go's net.ParseMAC reads (util/inet.h), kept as the delegate wrote it. */
	static const char *const good[] = {
		"0A:32:ac:31:0b:17",
		"80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:2e:50:41",
		"0a-32-ac-31-0b-17",
		"0a32.ac31.0b17",
		"02:00:5e:10:00:00:00:01",
	};
	static const char *const bad[] = {
		"0a:32:ac:31:0b",	"0a:32:ac:31:0b:17:",	"0a:32:ac:31:0b:1",
		"0a:32-ac:31:0b:17",	"0a:32:ac:31:0b:1g",	"0a32.ac31.0b1",
		"0a:32:ac:31:0b:17:00", "0a32ac310b17",		"02:00:5e:10:00:00:00",
		" 0a:32:ac:31:0b:17",	"0a:32:ac:31:0b:17\\n",
	};
	char buf[256];

	for (size_t i = 0; i < ELEMENTSOF(good); i++) {
		json_auto_t *res = NULL;

		snprintf(buf, sizeof(buf), "{\"interfaces\":[{\"name\":\"e\",\"mac\":\"%s\"}]}",
			 good[i]);
		res = parse_ok(buf, "1.0.0");
		assert_string_equal(
		    json_string_value(json_object_get(
			json_array_get(json_object_get(res, "interfaces"), 0), "mac")),
		    good[i]);
	}
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		snprintf(buf, sizeof(buf), "{\"interfaces\":[{\"name\":\"e\",\"mac\":\"%s\"}]}",
			 bad[i]);
		parse_bad(buf, 7, "is not a MAC address");
	}
}

static void test_parse_limits(_unused_ void **state)
{
	const size_t big = 1024 * 1024 + 1, deep = 100;
	char *buf = malloc(big + 1);
	size_t n = 0;

	assert_non_null(buf);
	/* Valid JSON, one byte over the cap. */
	n = (size_t)snprintf(buf, big + 1, "{\"cniVersion\":\"1.0.0\",\"x\":\"");
	memset(buf + n, 'a', big - n - 2);
	memcpy(buf + big - 2, "\"}", 3);
	assert_int_equal(strlen(buf), big);
	parse_bad(buf, 6, "1048577 bytes, more than the limit of 1048576");

	/* 100 levels of arrays in an unknown key. */
	n = (size_t)snprintf(buf, big, "{\"x\":");
	memset(buf + n, '[', deep);
	memset(buf + n + deep, ']', deep);
	memcpy(buf + n + 2 * deep, "}", 2);
	parse_bad(buf, 6, "nested deeper than 64 levels");

	/* The same brackets inside a string are no nesting. */
	n = (size_t)snprintf(buf, big, "{\"x\":\"\\\"");
	memset(buf + n, '[', deep);
	memcpy(buf + n + deep, "\"}", 3);
	{
		json_auto_t *res = parse_ok(buf, "1.0.0");

		assert_json(res, "{\"cniVersion\":\"1.0.0\"}");
	}
	free(buf);

	/* Embedded NUL in a string. */
	{
		static const char nul[] = "{\"interfaces\":[{\"name\":\"a\0b\"}]}";
		struct err e = { 0 };
		json_t *res = NULL;

		assert_int_equal(cni_result_parse(nul, sizeof(nul) - 1, "1.0.0", &res, &e),
				 -EBADMSG);
		assert_int_equal(e.code, 6);
	}
}

static void test_accessors(_unused_ void **state)
{
	json_auto_t *res = parse_ok(bridge_031, "0.3.1");
	json_auto_t *ipam = parse_ok(host_local_031, "0.3.1");
	json_auto_t *out = NULL;
	struct err e = { 0 };
	json_t *ifaces = json_object_get(res, "interfaces");

	assert_int_equal(cni_result_find_sandbox_iface(res, "eth03.1"), 2);
	/* cni0 is on the host side: no sandbox. */
	assert_int_equal(cni_result_find_sandbox_iface(res, "cni0"), -1);
	assert_int_equal(cni_result_find_sandbox_iface(res, "eth1"), -1);
	assert_int_equal(cni_result_find_sandbox_iface(res, NULL), -1);
	assert_int_equal(cni_result_first_sandbox_iface(res), 2);
	assert_int_equal(cni_result_find_sandbox_iface(ipam, "eth0"), -1);
	assert_int_equal(cni_result_first_sandbox_iface(ipam), -1);
	assert_int_equal(cni_result_first_sandbox_iface(NULL), -1);

	assert_int_equal(cni_result_rename_iface(res, 2, "net1"), 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ifaces, 2), "name")),
			    "net1");
	assert_int_equal(cni_result_find_sandbox_iface(res, "net1"), 2);
	assert_int_equal(cni_result_find_sandbox_iface(res, "eth03.1"), -1);
	assert_int_equal(cni_result_rename_iface(res, 3, "net2"), -EINVAL);
	assert_int_equal(cni_result_rename_iface(res, -1, "net2"), -EINVAL);
	assert_int_equal(cni_result_rename_iface(res, 0, NULL), -EINVAL);
	assert_int_equal(cni_result_rename_iface(res, 0, "bad\xff"), -EINVAL);
	assert_int_equal(cni_result_rename_iface(ipam, 0, "net2"), -EINVAL);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ifaces, 0), "name")),
			    "cni0");

	/* The index in ips[] still points at the renamed interface. */
	assert_int_equal(cni_result_convert(res, "0.4.0", &out, &e), 0);
	assert_json(out, "{\"cniVersion\":\"0.4.0\",\"interfaces\":[{\"name\":\"cni0\",\"mac\":"
			 "\"0a:32:ac:31:0b:17\"},{\"name\":\"veth1cb04294\",\"mac\":"
			 "\"ea:bc:dd:a8:7c:d9\"},{\"name\":\"net1\",\"mac\":\"06:aa:fd:eb:00:9c\","
			 "\"sandbox\":\"/proc/4702/ns/net\"}],\"ips\":[{\"version\":\"4\","
			 "\"interface\":2,\"address\":\"10.9.0.2/24\",\"gateway\":\"10.9.0.1\"}]}");

	/* The sandbox the link really is in replaces the one the result gave. */
	assert_int_equal(cni_result_set_sandbox(res, 2, "/run/netns/pod"), 0);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(ifaces, 2), "sandbox")),
	    "/run/netns/pod");
	assert_int_equal(cni_result_set_sandbox(res, 2, "/run/netns/pod"), 0);
	assert_int_equal(cni_result_set_sandbox(res, 3, "/run/netns/pod"), -EINVAL);
	assert_int_equal(cni_result_set_sandbox(res, -1, "/run/netns/pod"), -EINVAL);
	assert_int_equal(cni_result_set_sandbox(res, 2, ""), -EINVAL);
	assert_int_equal(cni_result_set_sandbox(ipam, 0, "/run/netns/pod"), -EINVAL);
}

/* Errors with e == NULL, and a result edited after parsing is checked again on output. */
static void test_null_err_and_edits(_unused_ void **state)
{
	json_auto_t *res = parse_ok(bridge_100, "1.0.0");
	json_t *out = NULL;
	struct err e = { 0 };

	assert_int_equal(cni_result_parse("x", 1, "1.0.0", &out, NULL), -EBADMSG);
	assert_int_equal(cni_result_convert(res, "9", &out, NULL), -ENOTSUP);
	json_array_clear(json_object_get(res, "interfaces"));
	assert_int_equal(cni_result_convert(res, "1.0.0", &out, &e), -EBADMSG);
	assert_string_equal(e.msg,
			    "result: ips[0].interface: 2 is not an index into interfaces (0)");
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_bridge),
		cmocka_unit_test(test_parse_ipam),
		cmocka_unit_test(test_parse_full_110),
		cmocka_unit_test(test_parse_020),
		cmocka_unit_test(test_parse_version_choice),
		cmocka_unit_test(test_parse_drops_noise),
		cmocka_unit_test(test_convert_matrix),
		cmocka_unit_test(test_convert_020),
		cmocka_unit_test(test_convert_to_legacy),
		cmocka_unit_test(test_convert_legacy_details),
		cmocka_unit_test(test_convert_legacy_invalid),
		cmocka_unit_test(test_add_sandbox_iface),
		cmocka_unit_test(test_convert_unsupported),
		cmocka_unit_test(test_error_parse),
		cmocka_unit_test(test_error_parse_variants),
		cmocka_unit_test(test_error_parse_not_errors),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_parse_macs),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_accessors),
		cmocka_unit_test(test_null_err_and_edits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
