// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Go plugins' store entries (tests/fixtures/legacy-stores: real files the seed fork and
 * upstream Multus v4 left): parsed into a plan (master, interface names as the old binary
 * gave them, config bytes, versions), their result caches, the lookup in a scratch tree
 * (ours first, then cniDir, then the seed's default), the listing for GC, the removal, and
 * corrupt entries refused with code 6.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni/cni.h"
#include "cni/result.h"
#include "multus/legacy.h"
#include "multus/store.h"
#include "testutil.h"

#define FIX "tests/fixtures/legacy-stores"
#define SEED_ENTRY FIX "/seed/var-lib-cni/networks/multus/lgseed0001"
#define UP_ENTRY FIX "/upstream/var-lib-cni/multus/lgup0001"
#define UP_CACHE_NET1 FIX "/upstream/var-lib-cni/multus/results/lg-extra-lgup0001-net1"

#define assert_has(hay, needle)                                                                    \
	do {                                                                                       \
		if (!strstr((hay), (needle)))                                                      \
			fail_msg("\"%s\" not found in \"%s\"", (needle), (hay));                   \
	} while (0)

static char *fixture(const char *path)
{
	char *s = tu_read(path);

	if (!s)
		fail_msg("cannot read %s (run from the checkout)", path);
	return s;
}

static const struct legacy_where DEL_WHERE = {
	.dir = "/nonexistent/multus",
	.ifname = "eth0",
	.cni_args = "K8S_POD_NAME=p",
	.cni_version = "0.4.0",
};

static struct plan *parse(const char *path, const char *id, bool seed, const struct legacy_where *w)
{
	_cleanup_free_ char *buf = fixture(path);
	struct plan *p = NULL;
	struct err e = { 0 };
	int r = legacy_parse(buf, strlen(buf), id, seed, w, &p, &e);

	if (r < 0)
		fail_msg("%s: %d %s", path, r, e.msg);
	return p;
}

/* The delegate config is the fixture's config file, as JSON. */
static void assert_conf(json_t *conf, const char *file)
{
	json_auto_t *want = json_load_file(file, 0, NULL);

	assert_non_null(want);
	assert_true(json_equal(conf, want));
}

static void test_seed_entry(void **state)
{
	_cleanup_plan_ struct plan *p = parse(SEED_ENTRY, "lgseed0001", true, &DEL_WHERE);

	assert_int_equal(p->n, 2);
	assert_string_equal(p->container_id, "lgseed0001");
	assert_string_equal(p->ifname, "eth0");
	assert_true(p->att[0].master);
	assert_false(p->att[1].master);
	assert_string_equal(p->att[0].network, "lg-default");
	assert_string_equal(p->att[1].network, "lg-extra");
	assert_string_equal(p->att[0].ifname, "eth0");
	assert_string_equal(p->att[1].ifname, "eth1");
	assert_string_equal(p->att[0].version, "0.4.0");
	assert_int_equal(p->att[0].state, ATT_ADDED);
	assert_null(p->att[0].result); /* caches are legacy_load's */
	assert_string_equal(p->att[1].cni_args, "K8S_POD_NAME=p");
	assert_conf(p->att[0].conf, FIX "/seed/lg-default.conf");
	assert_conf(p->att[1].conf, FIX "/seed/lg-extra.conf");
}

/* Found in cniDir, the seed's entry is still known by its masterPlugin flag. */
static void test_seed_entry_in_cnidir(void **state)
{
	_cleanup_plan_ struct plan *p = parse(SEED_ENTRY, "lgseed0001", false, &DEL_WHERE);

	assert_true(p->att[0].master);
	assert_string_equal(p->att[1].ifname, "eth1");
	assert_string_equal(p->att[1].network, "lg-extra");
}

static void test_upstream_entry(void **state)
{
	struct legacy_where w = DEL_WHERE;
	_cleanup_plan_ struct plan *p = NULL;

	w.ifname = "eth7"; /* the master takes CNI_IFNAME */
	p = parse(UP_ENTRY, "lgup0001", false, &w);
	assert_int_equal(p->n, 2);
	assert_true(p->att[0].master);
	assert_false(p->att[1].master);
	assert_string_equal(p->att[0].ifname, "eth7");
	assert_string_equal(p->att[1].ifname, "net1");
	assert_string_equal(p->ifname, "eth7");
	/* "Name": the NAD's ns/name. */
	assert_string_equal(p->att[0].network, "lg-default");
	assert_string_equal(p->att[1].network, "default/lg-extra");
	assert_conf(p->att[0].conf, FIX "/upstream/lg-default.conf");
	assert_conf(p->att[1].conf, FIX "/upstream/lg-extra.conf");
}

/* The plan can be saved in our format and read back (what a partial DEL keeps). */
static void test_plan_round_trip(void **state)
{
	_cleanup_plan_ struct plan *p = parse(UP_ENTRY, "lgup0001", false, &DEL_WHERE);
	_cleanup_plan_ struct plan *q = NULL;
	json_auto_t *j = plan_to_json(p);
	_cleanup_free_ char *text = NULL;
	struct err e = { 0 };

	assert_non_null(j);
	text = json_dumps(j, 0);
	assert_int_equal(store_parse(text, strlen(text), &q, &e), 0);
	assert_int_equal(q->n, 2);
	assert_string_equal(q->att[1].ifname, "net1");
	assert_true(json_equal(q->att[1].conf, p->att[1].conf));
}

/* The version spoken: the config's; none is 0.1.0, except upstream's conflists, which it gave
 * the multus netconf's. */
static void test_versions(void **state)
{
	const char *up =
	    "[{\"Bytes\":\"eyJuYW1lIjoiY2wiLCJwbHVnaW5zIjpbeyJ0eXBlIjoiYnJpZGdlIn0seyJ0eXBlIjoicG9ydG1hcCJ9XX0=\"},"
	    "{\"Bytes\":\"eyJjbmlWZXJzaW9uIjoiMS4wLjAiLCJuYW1lIjoiY2wiLCJwbHVnaW5zIjpbeyJ0eXBlIjoiYnJpZGdlIn1dfQ==\"},"
	    "{\"Bytes\":\"eyJuYW1lIjoib2xkIiwidHlwZSI6ImJyaWRnZSJ9\"}]";
	const char *seed =
	    "[{\"Bytes\":\"eyJuYW1lIjoiY2wiLCJwbHVnaW5zIjpbeyJ0eXBlIjoiYnJpZGdlIn0seyJ0eXBlIjoicG9ydG1hcCJ9XX0=\",\"masterPlugin\":true,\"confListPlugin\":true},"
	    "{\"Bytes\":\"eyJuYW1lIjoib2xkIiwidHlwZSI6ImJyaWRnZSJ9\",\"ifnameRequest\":\"eth1\"}]";
	_cleanup_plan_ struct plan *p = NULL, *q = NULL;
	struct err e = { 0 };

	assert_int_equal(legacy_parse(up, strlen(up), "c1", false, &DEL_WHERE, &p, &e), 0);
	assert_string_equal(p->att[0].version, "0.4.0");
	assert_true(json_is_array(json_object_get(p->att[0].conf, "plugins")));
	assert_string_equal(p->att[1].version, "1.0.0");
	assert_string_equal(p->att[2].version, "0.1.0");
	assert_string_equal(p->att[2].ifname, "net2");
	assert_int_equal(legacy_parse(seed, strlen(seed), "c1", false, &DEL_WHERE, &q, &e), 0);
	assert_string_equal(q->att[0].version, "0.1.0");
	assert_string_equal(q->att[0].network, "cl");
	assert_string_equal(q->att[1].network, "old");
}

static void test_cache_seed(void **state)
{
	_cleanup_free_ char *buf = fixture(FIX "/seed/var-lib-cni/results/lg-extra-lgseed0001");
	_cleanup_free_ char *ifname = NULL, *args = NULL;
	json_auto_t *res = NULL;
	struct err e = { 0 };

	assert_int_equal(
	    legacy_cache_parse(buf, strlen(buf), "lgseed0001", "0.4.0", &res, &ifname, &args, &e),
	    0);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(res, "ips"), 0), "address")),
			    "198.18.51.2/24");
	assert_null(ifname);
	assert_null(args);
}

static void test_cache_v1(void **state)
{
	_cleanup_free_ char *buf = fixture(UP_CACHE_NET1);
	_cleanup_free_ char *ifname = NULL, *args = NULL;
	json_auto_t *res = NULL, *res2 = NULL;
	struct err e = { 0 };

	assert_int_equal(
	    legacy_cache_parse(buf, strlen(buf), "lgup0001", "0.4.0", &res, &ifname, &args, &e), 0);
	assert_string_equal(ifname, "net1");
	assert_has(args, "IgnoreUnknown=true;K8S_POD_NAMESPACE=default;K8S_POD_NAME=lgpod-upstream;"
			 "K8S_POD_INFRA_CONTAINER_ID=lgup0001;K8S_POD_UID=");
	assert_int_equal(cni_result_find_sandbox_iface(res, "net1"), 2);
	/* Another container's cache is not this one's. */
	assert_int_equal(
	    legacy_cache_parse(buf, strlen(buf), "other", "0.4.0", &res2, NULL, NULL, &e),
	    -EBADMSG);
	assert_int_equal(e.code, CNI_ERR_DECODE);
	assert_has(e.msg, "lgup0001");
	assert_int_equal(legacy_cache_parse("{\"kind\":\"cniCacheV9\"}", 21, "lgup0001", "0.4.0",
					    &res2, NULL, NULL, &e),
			 -EBADMSG);
	assert_null(res2);
}

/* A scratch /var/lib/cni with both fixtures' files in place. */
struct tree {
	char *root, *dir, *seed_dir, *seed_results;
};

static void copy(const char *from, const char *dir, const char *name)
{
	_cleanup_free_ char *text = fixture(from), *path = tu_write(dir, name, 0600, text);

	assert_non_null(path);
}

static void tree_make(struct tree *t)
{
	char *results;

	t->root = tu_scratch("legacy");
	assert_non_null(t->root);
	assert_true(asprintf(&t->dir, "%s/multus", t->root) > 0);
	assert_true(asprintf(&t->seed_dir, "%s/networks-multus", t->root) > 0);
	assert_true(asprintf(&t->seed_results, "%s/results", t->root) > 0);
	assert_true(asprintf(&results, "%s/results", t->dir) > 0);
	assert_int_equal(mkdir(t->dir, 0700), 0);
	assert_int_equal(mkdir(t->seed_dir, 0700), 0);
	assert_int_equal(mkdir(t->seed_results, 0700), 0);
	assert_int_equal(mkdir(results, 0700), 0);
	copy(SEED_ENTRY, t->seed_dir, "lgseed0001");
	copy(FIX "/seed/var-lib-cni/results/lg-default-lgseed0001", t->seed_results,
	     "lg-default-lgseed0001");
	copy(FIX "/seed/var-lib-cni/results/lg-extra-lgseed0001", t->seed_results,
	     "lg-extra-lgseed0001");
	copy(UP_ENTRY, t->dir, "lgup0001");
	copy(FIX "/upstream/var-lib-cni/multus/results/lg-default-lgup0001-eth0", results,
	     "lg-default-lgup0001-eth0");
	copy(UP_CACHE_NET1, results, "lg-extra-lgup0001-net1");
	free(results);
}

static void tree_done(struct tree *t)
{
	tu_rm_rf(t->root);
	free(t->root);
	free(t->dir);
	free(t->seed_dir);
	free(t->seed_results);
}

static struct legacy_where tree_where(const struct tree *t, const char *ifname)
{
	return (struct legacy_where){ .dir = t->dir,
				      .seed_dir = t->seed_dir,
				      .seed_results = t->seed_results,
				      .ifname = ifname,
				      .cni_version = "0.4.0" };
}

static void test_load_seed(void **state)
{
	struct tree t;
	struct legacy_where w;
	_cleanup_plan_ struct plan *p = NULL;
	struct err e = { 0 };

	tree_make(&t);
	w = tree_where(&t, "eth0");
	assert_int_equal(store_lookup(&w, "lgseed0001", &p, &e), 0);
	assert_non_null(p->att[0].result);
	assert_non_null(p->att[1].result);
	assert_int_equal(cni_result_find_sandbox_iface(p->att[1].result, "eth1"), 2);
	assert_string_equal(p->netns, "/var/run/netns/lgpod-seed");
	assert_int_equal(p->n_legacy_files, 3);
	/* Removal: the entry and both caches, nothing else. */
	assert_int_equal(legacy_forget(p, &e), 0);
	plan_free(p);
	p = NULL;
	assert_int_equal(store_lookup(&w, "lgseed0001", &p, &e), -ENOENT);
	assert_int_equal(access(t.dir, F_OK), 0);
	/* Without the seed's default dir (cniDir set), it is not looked at. */
	copy(SEED_ENTRY, t.seed_dir, "lgseed0001");
	w.seed_dir = NULL;
	assert_int_equal(store_lookup(&w, "lgseed0001", &p, &e), -ENOENT);
	tree_done(&t);
}

/* GC: no CNI_IFNAME; upstream's master gets the name its cache records. */
static void test_load_upstream_gc(void **state)
{
	struct tree t;
	struct legacy_where w;
	_cleanup_plan_ struct plan *p = NULL;
	struct err e = { 0 };

	tree_make(&t);
	/* The cache says eth3: the master was eth3, not the guess. */
	{
		_cleanup_free_ char *c = NULL, *from = NULL, *to = NULL;
		FILE *f;

		assert_true(asprintf(&from, "%s/results/lg-default-lgup0001-eth0", t.dir) > 0);
		assert_true(asprintf(&to, "%s/results/lg-default-lgup0001-eth3", t.dir) > 0);
		c = tu_read(from);
		assert_non_null(c);
		assert_int_equal(unlink(from), 0);
		f = fopen(to, "we");
		assert_non_null(f);
		for (char *s = strstr(c, "\"eth0\""); s; s = strstr(s + 1, "\"eth0\""))
			s[4] = '3';
		fputs(c, f);
		fclose(f);
	}
	w = tree_where(&t, NULL);
	assert_int_equal(store_lookup(&w, "lgup0001", &p, &e), 0);
	assert_string_equal(p->att[0].ifname, "eth3");
	assert_string_equal(p->ifname, "eth3");
	assert_string_equal(p->att[1].ifname, "net1");
	assert_non_null(p->att[0].result);
	assert_string_equal(p->netns, "/var/run/netns/lgpod-up");
	assert_has(p->att[1].cni_args, "K8S_POD_NAME=lgpod-upstream");
	assert_int_equal(p->n_legacy_files, 3);
	tree_done(&t);
}

/* Writes upstream's entry with requests recorded for both delegates (what upstream v4 stores
 * for an annotation's mac/ips/deviceID/infiniband-guid), and adds what its ADD appended to
 * the cached CNI_ARGS of net1 (MAC= and IP=, not sent at DEL). */
static void with_requests(const struct tree *t)
{
	_cleanup_free_ char *text = fixture(UP_ENTRY), *cache = fixture(UP_CACHE_NET1), *out = NULL,
			    *path = NULL;
	json_auto_t *j = json_loads(text, 0, NULL), *c = json_loads(cache, 0, NULL);
	json_t *d1 = json_array_get(j, 1);

	assert_non_null(d1);
	assert_non_null(c);
	json_object_set_new(json_array_get(j, 0), "macRequest", json_string("02:00:00:00:00:50"));
	json_object_set_new(d1, "macRequest", json_string("02-00-00-00-00-51"));
	json_object_set_new(d1, "ipRequest", json_pack("[s,s]", "198.18.51.9/24", "fd51::9/64"));
	json_object_set_new(d1, "infinibandGUIDRequest", json_string("c2:b0:57:49:47:f1:01:01"));
	json_object_set_new(d1, "deviceID", json_string("0000:00:09.0"));
	json_object_set_new(d1, "resourceName", json_string("example.com/sriov"));
	out = json_dumps(j, JSON_COMPACT);
	assert_true(asprintf(&path, "%s/lgup0001", t->dir) > 0);
	free(tu_write(t->dir, "lgup0001", 0600, out));
	json_array_append_new(json_object_get(c, "cniArgs"),
			      json_pack("[s,s]", "MAC", "02-00-00-00-00-51"));
	json_array_append_new(json_object_get(c, "cniArgs"),
			      json_pack("[s,s]", "IP", "198.18.51.9/24,fd51::9/64"));
	free(out);
	out = json_dumps(c, JSON_COMPACT);
	free(path);
	assert_true(asprintf(&path, "%s/results", t->dir) > 0);
	free(tu_write(path, "lg-extra-lgup0001-net1", 0600, out));
}

/* Upstream's DEL (delPlugins, CreateCNIRuntimeConf): the call's runtimeConfig for every
 * delegate, and for those that are not the master what the entry recorded (mac, ips,
 * infinibandGUID, deviceID) plus the device-info file it names after the network; CNI_ARGS
 * without the MAC= and IP= that only its ADD appends. */
static void test_upstream_requests_at_del(void **state)
{
	json_auto_t *base = json_pack("{s:[{s:i}]}", "portMappings", "hostPort", 8080);
	json_auto_t *want1 = NULL;
	struct tree t;
	struct legacy_where w;
	_cleanup_plan_ struct plan *p = NULL;
	struct err e = { 0 };

	tree_make(&t);
	with_requests(&t);
	w = tree_where(&t, "eth0");
	w.runtime_config = base;
	w.device_info_dir = "/run/devinfo";
	assert_int_equal(store_lookup(&w, "lgup0001", &p, &e), 0);
	assert_int_equal(p->n, 2);
	/* The master: only the call's runtimeConfig (upstream merges no request into it). */
	assert_true(json_equal(p->att[0].runtime_config, base));
	want1 = json_pack("{s:O,s:s,s:[s,s],s:s,s:s,s:s}", "portMappings",
			  json_object_get(base, "portMappings"), "mac", "02-00-00-00-00-51", "ips",
			  "198.18.51.9/24", "fd51::9/64", "infinibandGUID",
			  "c2:b0:57:49:47:f1:01:01", "deviceID", "0000:00:09.0",
			  "CNIDeviceInfoFile", "/run/devinfo/cni/default-lg-extra-lgup0001_net1");
	if (!json_equal(p->att[1].runtime_config, want1)) {
		_cleanup_free_ char *got = json_dumps(p->att[1].runtime_config, JSON_COMPACT);

		fail_msg("net1's runtimeConfig: %s", got);
	}
	/* What its ADD appended is gone; the rest is the cache's, in order. */
	assert_has(p->att[1].cni_args, "K8S_POD_NAME=lgpod-upstream");
	assert_null(strstr(p->att[1].cni_args, "MAC="));
	assert_null(strstr(p->att[1].cni_args, "IP="));
	assert_true(strlen(p->att[1].cni_args) > 0 &&
		    p->att[1].cni_args[strlen(p->att[1].cni_args) - 1] != ';');
	/* The call's runtimeConfig is copied, never shared or changed. */
	assert_int_equal(json_object_size(base), 1);
	plan_free(p);
	p = NULL;
	/* Without the call's runtimeConfig: only the requests. */
	w.runtime_config = NULL;
	assert_int_equal(store_lookup(&w, "lgup0001", &p, &e), 0);
	assert_int_equal(json_object_size(p->att[0].runtime_config), 0);
	assert_int_equal(json_object_size(p->att[1].runtime_config), 5);
	/* The fixture itself (no requests): net1 gets the call's runtimeConfig, its CNI_ARGS
	 * stay the cache's. */
	plan_free(p);
	p = NULL;
	tree_done(&t);
	tree_make(&t);
	w = tree_where(&t, "eth0");
	w.runtime_config = base;
	assert_int_equal(store_lookup(&w, "lgup0001", &p, &e), 0);
	assert_true(json_equal(p->att[1].runtime_config, base));
	assert_has(p->att[1].cni_args, "K8S_POD_UID=11111111-2222-3333-4444-555555555555");
	tree_done(&t);
}

/* The seed fork records no requests: its entries get none. */
static void test_seed_no_requests(void **state)
{
	_cleanup_plan_ struct plan *p = parse(SEED_ENTRY, "lgseed0001", true, &DEL_WHERE);

	assert_null(p->att[0].runtime_config);
	assert_null(p->att[1].runtime_config);
}

static void test_ours_first(void **state)
{
	struct tree t;
	struct legacy_where w;
	_cleanup_plan_ struct plan *p = NULL, *ours = NULL;
	struct err e = { 0 };

	tree_make(&t);
	w = tree_where(&t, "eth0");
	ours = parse(UP_ENTRY, "lgup0001", false, &w);
	ours->conf_name = strdup("ours");
	assert_int_equal(store_create(t.dir, ours, &e), 0);
	assert_int_equal(store_lookup(&w, "lgup0001", &p, &e), 0);
	assert_string_equal(p->conf_name, "ours");
	assert_int_equal(p->n_legacy_files, 0);
	tree_done(&t);
}

static void test_list(void **state)
{
	struct tree t;
	struct legacy_where w;
	struct err e = { 0 };
	char **ids = NULL;
	size_t n = 0;
	bool seed = false, up = false, ours = false;
	_cleanup_free_ char *lease = NULL, *json = NULL, *lock = NULL;

	tree_make(&t);
	w = tree_where(&t, NULL);
	/* host-local's files when a network is called "multus", and ours. */
	lease = tu_write(t.seed_dir, "10.0.0.5", 0600, "c1\r\neth0");
	json = tu_write(t.dir, "c2.json", 0600, "[{}]");
	lock = tu_write(t.dir, "c2.lock", 0600, "");
	assert_true(lease && json && lock);
	ids = calloc(1, sizeof(*ids));
	ids[0] = strdup("lgup0001");
	n = 1;
	assert_int_equal(legacy_list_merge(&w, &ids, &n, &e), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		seed |= streq(ids[i], "lgseed0001");
		up |= streq(ids[i], "lgup0001");
		ours |= streq(ids[i], "c2") || streq(ids[i], "c2.json") || streq(ids[i], "results");
	}
	assert_true(seed && up && !ours);
	store_ids_free(ids, n);
	tree_done(&t);
}

static void expect_bad(const char *text, const char *msg)
{
	struct plan *p = NULL;
	struct err e = { 0 };

	assert_int_equal(legacy_parse(text, strlen(text), "c1", false, &DEL_WHERE, &p, &e),
			 -EBADMSG);
	assert_null(p);
	assert_int_equal(e.code, CNI_ERR_DECODE);
	assert_has(e.msg, msg);
}

static void test_corrupt(void **state)
{
	_cleanup_free_ char *good = fixture(SEED_ENTRY);
	char *s;

	good[strlen(good) / 2] = '\0';
	expect_bad(good, "not JSON");
	free(good);
	good = fixture(SEED_ENTRY);
	s = strstr(good, "\"Bytes\":\"ewog");
	assert_non_null(s);
	s[10] = '!';
	expect_bad(good, "delegates[0]: \"Bytes\" is not base64");
	expect_bad("{}", "not a list of delegates");
	expect_bad("[]", "not a list of delegates");
	expect_bad("[1]", "delegates[0]: not an object");
	expect_bad("[{\"Name\":\"x\"}]", "delegates[0]: no \"Bytes\" string");
	/* base64 of "not json" and of {"name":"x"} (no type) */
	expect_bad("[{\"Bytes\":\"bm90IGpzb24=\"}]", "not JSON");
	expect_bad("[{\"Bytes\":\"eyJuYW1lIjoieCJ9\"}]", "no \"type\"");
	expect_bad("[{\"Bytes\":\"eyJ0eXBlIjoieCJ9\",\"ifnameRequest\":\"a/b\"}]",
		   "not an interface name");
	expect_bad("[{\"Bytes\":\"eyJ0eXBlIjoieCJ9\",\"masterPlugin\":\"yes\"}]", "delegates[0]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_entry),
		cmocka_unit_test(test_seed_entry_in_cnidir),
		cmocka_unit_test(test_upstream_entry),
		cmocka_unit_test(test_plan_round_trip),
		cmocka_unit_test(test_cache_seed),
		cmocka_unit_test(test_cache_v1),
		cmocka_unit_test(test_load_seed),
		cmocka_unit_test(test_load_upstream_gc),
		cmocka_unit_test(test_upstream_requests_at_del),
		cmocka_unit_test(test_seed_no_requests),
		cmocka_unit_test(test_ours_first),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_versions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
