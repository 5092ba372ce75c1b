// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The store: a plan built in memory, serialized and parsed back field by field; entries
 * saved, loaded, listed and removed in a scratch directory (modes, atomic replace, ids
 * that must not become paths); the per-container lock; entries that must be refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "cni/cni.h"
#include "testutil.h"
#include "multus/store.h"

#define assert_has(hay, needle)                                                                    \
	do {                                                                                       \
		if (!strstr((hay), (needle)))                                                      \
			fail_msg("\"%s\" not found in \"%s\"", (needle), (hay));                   \
	} while (0)

static json_t *j(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	assert_non_null(v);
	return v;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

/* A pod with the cluster network (added, with a result) and a macvlan (planned). */
static struct plan *make_plan(const char *id)
{
	struct plan *p = calloc(1, sizeof(*p));
	struct attachment *a;

	assert_non_null(p);
	p->conf_name = xstrdup("multus-cni-network");
	p->container_id = xstrdup(id);
	p->netns = xstrdup("/var/run/netns/cni-5f0c6a1e-2b3c");
	p->ifname = xstrdup("eth0");
	p->cni_version = xstrdup("1.0.0");
	p->pod_namespace = xstrdup("default");
	p->pod_name = xstrdup("web-0");
	p->pod_uid = xstrdup("8d6a3c1e-1111-2222-3333-444455556666");

	a = plan_add(p);
	assert_non_null(a);
	a->network = xstrdup("kube-system/flannel");
	a->ifname = xstrdup("eth0");
	a->master = true;
	a->conf = j("{\"cniVersion\":\"0.3.1\",\"name\":\"cbr0\",\"type\":\"flannel\","
		    "\"delegate\":{\"isDefaultGateway\":true,\"hairpinMode\":true}}");
	a->version = xstrdup("0.3.1");
	a->runtime_config = j("{\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80,"
			      "\"protocol\":\"tcp\"}]}");
	a->cni_args = xstrdup("IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0");
	a->state = ATT_ADDED;
	a->result =
	    j("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\","
	      "\"mac\":\"06:aa:fd:eb:00:9c\",\"sandbox\":\"/var/run/netns/cni-5f0c6a1e-2b3c\"}],"
	      "\"ips\":[{\"interface\":0,\"address\":\"10.244.1.5/24\","
	      "\"gateway\":\"10.244.1.1\"}],\"dns\":{}}");
	assert_int_equal(attachment_own_link(a, "eth0", 3), 0);

	a = plan_add(p);
	assert_non_null(a);
	a->network = xstrdup("default/macvlan-conf");
	a->ifname = xstrdup("net1");
	a->master = false;
	a->conf = j("{\"cniVersion\":\"1.0.0\",\"name\":\"macvlan-conf\",\"plugins\":["
		    "{\"type\":\"macvlan\",\"master\":\"eth0\",\"ipam\":{\"type\":\"static\"}},"
		    "{\"type\":\"tuning\",\"sysctl\":{\"net.ipv4.conf.net1.arp_notify\":\"1\"}}]}");
	a->version = xstrdup("1.0.0");
	a->runtime_config = j("{\"ips\":[\"10.1.1.11/24\"],\"mac\":\"c2:b0:57:49:47:f1\"}");
	a->cni_args = xstrdup("IgnoreUnknown=1;K8S_POD_NAME=web-0;IP=10.1.1.11/24");
	a->default_route = j("[\"10.1.1.1\"]");
	a->state = ATT_PLANNED;
	assert_int_equal(attachment_own_link(a, "net1", 7), 0);
	assert_int_equal(attachment_own_link(a, "net1tmp", 8), 0);
	return p;
}

static void assert_str_eq(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_json_eq(json_t *a, json_t *b)
{
	if (!a || !b) {
		assert_ptr_equal(a, b);
		return;
	}
	if (!json_equal(a, b)) {
		char *da = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		char *db = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

		print_error("%s\n!=\n%s\n", da, db);
		free(da);
		free(db);
		fail();
	}
}

static void assert_plan_eq(const struct plan *a, const struct plan *b)
{
	assert_str_eq(a->conf_name, b->conf_name);
	assert_str_eq(a->container_id, b->container_id);
	assert_str_eq(a->netns, b->netns);
	assert_str_eq(a->ifname, b->ifname);
	assert_str_eq(a->cni_version, b->cni_version);
	assert_str_eq(a->pod_namespace, b->pod_namespace);
	assert_str_eq(a->pod_name, b->pod_name);
	assert_str_eq(a->pod_uid, b->pod_uid);
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct attachment *x = &a->att[i], *y = &b->att[i];

		assert_str_eq(x->network, y->network);
		assert_str_eq(x->ifname, y->ifname);
		assert_int_equal(x->master, y->master);
		assert_json_eq(x->conf, y->conf);
		assert_str_eq(x->version, y->version);
		assert_json_eq(x->runtime_config, y->runtime_config);
		assert_str_eq(x->cni_args, y->cni_args);
		assert_json_eq(x->default_route, y->default_route);
		assert_int_equal(x->state, y->state);
		assert_json_eq(x->result, y->result);
		assert_int_equal(x->n_links, y->n_links);
		for (size_t k = 0; k < x->n_links; k++) {
			assert_string_equal(x->links[k].name, y->links[k].name);
			assert_int_equal(x->links[k].index, y->links[k].index);
		}
	}
}

static char *dump(const struct plan *p)
{
	json_t *o = plan_to_json(p);
	char *text;

	assert_non_null(o);
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	assert_non_null(text);
	return text;
}

static struct plan *round_trip(const struct plan *p)
{
	char *text = dump(p);
	struct plan *back = NULL;
	struct err e = { 0 };
	int r = store_parse(text, strlen(text), &back, &e);

	if (r < 0)
		fail_msg("store_parse: %d %s\n%s", r, e.msg, text);
	free(text);
	return back;
}

/* ---- plan helpers and serialization ---- */

static void test_plan_helpers(void **state)
{
	struct plan *p = make_plan("abc");
	struct plan *empty = calloc(1, sizeof(*empty));

	(void)state;
	assert_ptr_equal(plan_master(p), &p->att[0]);
	assert_null(plan_master(empty));
	/* Owning a link again by index renames it, no duplicate. */
	assert_int_equal(attachment_own_link(&p->att[1], "net1renamed", 8), 0);
	assert_int_equal(p->att[1].n_links, 2);
	assert_string_equal(p->att[1].links[1].name, "net1renamed");
	assert_int_equal(p->att[1].links[1].index, 8);
	/* At most 128 attachments. */
	for (int i = 0; i < 128; i++)
		assert_non_null(plan_add(empty));
	assert_null(plan_add(empty));
	assert_int_equal(empty->n, 128);
	plan_free(empty);
	plan_free(p);
	plan_free(NULL);
	{
		_cleanup_plan_ struct plan *q = make_plan("x");
		_cleanup_plan_ struct plan *none = NULL;
	}
}

static void test_to_json_shape(void **state)
{
	struct plan *p = make_plan("0a1b2c3d4e5f");
	json_t *o = plan_to_json(p), *a0, *a1;

	(void)state;
	assert_int_equal(json_integer_value(json_object_get(o, "formatVersion")), 1);
	assert_string_equal(json_string_value(json_object_get(o, "containerID")), "0a1b2c3d4e5f");
	assert_string_equal(json_string_value(json_object_get(o, "name")), "multus-cni-network");
	assert_string_equal(json_string_value(json_object_get(o, "podUID")),
			    "8d6a3c1e-1111-2222-3333-444455556666");
	assert_int_equal(json_array_size(json_object_get(o, "attachments")), 2);
	a0 = json_array_get(json_object_get(o, "attachments"), 0);
	a1 = json_array_get(json_object_get(o, "attachments"), 1);
	assert_string_equal(json_string_value(json_object_get(a0, "state")), "added");
	assert_string_equal(json_string_value(json_object_get(a1, "state")), "planned");
	assert_true(json_is_true(json_object_get(a0, "master")));
	assert_true(json_is_false(json_object_get(a1, "master")));
	/* The config is kept as the text the delegate gets. */
	assert_true(json_is_string(json_object_get(a0, "config")));
	assert_has(json_string_value(json_object_get(a0, "config")), "\"type\":\"flannel\"");
	assert_true(json_is_null(json_object_get(a1, "result")));
	assert_int_equal(json_array_size(json_object_get(a1, "links")), 2);
	assert_int_equal(json_integer_value(json_object_get(
			     json_array_get(json_object_get(a1, "links"), 1), "index")),
			 8);
	json_decref(o);
	plan_free(p);
}

static void test_round_trip(void **state)
{
	struct plan *p = make_plan("0a1b2c3d4e5f"), *back;

	(void)state;
	back = round_trip(p);
	assert_plan_eq(p, back);
	/* Spot checks that the comparison really compared something. */
	assert_int_equal(back->n, 2);
	assert_true(back->att[0].master);
	assert_int_equal(back->att[0].state, ATT_ADDED);
	assert_int_equal(back->att[1].state, ATT_PLANNED);
	assert_string_equal(back->att[1].links[1].name, "net1tmp");
	assert_string_equal(json_string_value(json_array_get(back->att[1].default_route, 0)),
			    "10.1.1.1");
	assert_null(back->att[1].result);
	assert_ptr_equal(plan_master(back), &back->att[0]);
	plan_free(back);
	plan_free(p);
}

static void test_round_trip_without_pod(void **state)
{
	struct plan *p = make_plan("podman-ctr"), *back;

	(void)state;
	/* podman: no pod; DEL after the netns was gone; nothing run yet. */
	free(p->pod_namespace);
	free(p->pod_name);
	free(p->pod_uid);
	free(p->netns);
	p->pod_namespace = p->pod_name = p->pod_uid = p->netns = NULL;
	json_decref(p->att[0].runtime_config);
	json_decref(p->att[0].result);
	p->att[0].runtime_config = p->att[0].result = NULL;
	p->att[0].state = ATT_PLANNED;
	free(p->att[0].links);
	p->att[0].links = NULL;
	p->att[0].n_links = 0;
	back = round_trip(p);
	assert_plan_eq(p, back);
	assert_null(back->pod_namespace);
	assert_null(back->netns);
	assert_null(back->att[0].runtime_config);
	assert_int_equal(back->att[0].n_links, 0);
	plan_free(back);
	plan_free(p);

	/* No attachments at all. */
	p = calloc(1, sizeof(*p));
	assert_non_null(p);
	p->container_id = xstrdup("c1");
	back = round_trip(p);
	assert_plan_eq(p, back);
	assert_int_equal(back->n, 0);
	plan_free(back);
	plan_free(p);
}

static void test_round_trip_without_cni_args(void **state)
{
	struct plan *p = make_plan("c2"), *back = NULL;
	struct err e = { 0 };
	char *text;

	(void)state;
	free(p->att[1].cni_args);
	p->att[1].cni_args = NULL;
	text = dump(p);
	/*
	 * Once a bug: "cniArgs":null (an attachment without CNI_ARGS) was written fine and then
	 * refused by store_load(), code 6. An entry the store writes must load.
	 */
	if (store_parse(text, strlen(text), &back, &e) < 0) {
		free(text);
		plan_free(p);
		fail_msg("entry written by plan_to_json refused: %s", e.msg);
	}
	assert_plan_eq(p, back);
	assert_null(back->att[1].cni_args);
	plan_free(back);
	free(text);
	plan_free(p);
}

/* ---- refused entries ---- */

/* The real entry with `key` of the top level (att < 0) or of attachments[att] replaced by
 * `value` (JSON text; NULL deletes the key), parsed: must fail with code 6 and `needle`. */
static void expect_refused_at(int att, const char *key, const char *value, const char *needle,
			      int line)
{
	struct plan *p = make_plan("0a1b2c3d4e5f"), *back = NULL;
	json_t *o = plan_to_json(p), *target;
	struct err e = { 0 };
	char *text;
	int r;

	target = att < 0 ? o : json_array_get(json_object_get(o, "attachments"), (size_t)att);
	_assert_true((LargestIntegralType)(target != NULL), "target", __FILE__, line);
	if (value)
		json_object_set_new(target, key, json_loads(value, JSON_DECODE_ANY, NULL));
	else
		json_object_del(target, key);
	text = json_dumps(o, JSON_COMPACT);
	r = store_parse(text, strlen(text), &back, &e);
	if (r >= 0) {
		print_error("%s=%s: accepted\n", key, value ? value : "(deleted)");
		plan_free(back);
		_fail(__FILE__, line);
	}
	_assert_int_equal(r, -EBADMSG, __FILE__, line);
	_assert_int_equal(e.code, CNI_ERR_DECODE, __FILE__, line);
	if (!strstr(e.msg, needle)) {
		print_error("%s=%s: \"%s\" not found in \"%s\"\n", key, value ? value : "(deleted)",
			    needle, e.msg);
		_fail(__FILE__, line);
	}
	free(text);
	json_decref(o);
	plan_free(p);
}
#define expect_refused(att, key, value, needle) expect_refused_at(att, key, value, needle, __LINE__)

static void test_refused_top(void **state)
{
	(void)state;
	expect_refused(-1, "formatVersion", "2", "not a store entry of format 1");
	expect_refused(-1, "formatVersion", "0", "format 1");
	expect_refused(-1, "formatVersion", "\"1\"", "format 1");
	expect_refused(-1, "formatVersion", "1.0", "format 1");
	expect_refused(-1, "formatVersion", NULL, "format 1");
	expect_refused(-1, "containerID", NULL, "bad containerID");
	expect_refused(-1, "containerID", "5", "bad containerID");
	expect_refused(-1, "containerID", "\"../x\"", "bad containerID");
	expect_refused(-1, "containerID", "\"\"", "bad containerID");
	expect_refused(-1, "name", "5", "bad string field");
	expect_refused(-1, "netns", "[]", "bad string field");
	expect_refused(-1, "ifname", "true", "bad string field");
	expect_refused(-1, "cniVersion", "{}", "bad string field");
	expect_refused(-1, "podNamespace", "1", "bad string field");
	expect_refused(-1, "podName", "1", "bad string field");
	expect_refused(-1, "podUID", "1", "bad string field");
	expect_refused(-1, "attachments", NULL, "bad attachments");
	expect_refused(-1, "attachments", "{}", "bad attachments");
	expect_refused(-1, "attachments", "[1]", "attachments[0]:");
}

static void test_refused_attachment(void **state)
{
	(void)state;
	expect_refused(0, "network", NULL, "attachments[0]:");
	expect_refused(0, "network", "5", "attachments[0]:");
	expect_refused(1, "ifname", "\"a/b\"", "attachments[1]: bad ifname");
	expect_refused(1, "ifname", "\"\"", "attachments[1]: bad ifname");
	expect_refused(1, "ifname", "\"abcdefghijklmnop\"", "attachments[1]: bad ifname");
	expect_refused(1, "ifname", "\"..\"", "attachments[1]: bad ifname");
	expect_refused(0, "ifname", "3", "attachments[0]:");
	expect_refused(0, "master", "\"yes\"", "attachments[0]:");
	expect_refused(0, "master", "1", "attachments[0]:");
	expect_refused(0, "config", "{}", "attachments[0]:");
	expect_refused(0, "config", "\"[1]\"", "attachments[0]: bad config");
	expect_refused(0, "config", "\"{\"", "attachments[0]: bad config");
	expect_refused(0, "cniVersion", NULL, "attachments[0]:");
	expect_refused(0, "runtimeConfig", "[]", "attachments[0]: bad runtimeConfig");
	expect_refused(0, "cniArgs", "5", "attachments[0]:");
	expect_refused(0, "state", "1", "attachments[0]:");
	expect_refused(0, "result", "\"x\"", "attachments[0]: bad result");
	expect_refused(0, "unknownKey", "1", "attachments[0]:");
	expect_refused(1, "links", "{}", "attachments[1]: bad links");
	expect_refused(1, "links", "[1]", "attachments[1]: bad links[0]");
	expect_refused(1, "links",
		       "[{\"name\":\"net1\",\"index\":7},{\"name\":\"a/b\",\"index\":8}]",
		       "attachments[1]: bad links[1]");
	expect_refused(1, "links", "[{\"name\":\"net1\",\"index\":0}]", "bad links[0]");
	expect_refused(1, "links", "[{\"name\":\"net1\",\"index\":-3}]", "bad links[0]");
	expect_refused(1, "links", "[{\"name\":\"net1\",\"index\":\"7\"}]", "bad links[0]");
	expect_refused(1, "links", "[{\"index\":7}]", "bad links[0]");
	expect_refused(1, "links", "[{\"name\":\"abcdefghijklmnop\",\"index\":7}]", "bad links[0]");
}

static void test_refused_text(void **state)
{
	struct plan *p = make_plan("0a1b2c3d4e5f"), *back = NULL;
	char *text = dump(p), *big, *q;
	struct err e = { 0 };

	(void)state;
	/* Cut short, as after a crash of a writer that did not rename atomically. */
	assert_int_equal(store_parse(text, strlen(text) / 2, &back, &e), -EBADMSG);
	assert_int_equal(e.code, CNI_ERR_DECODE);
	assert_has(e.msg, "(line 1)");
	assert_int_equal(store_parse(text, strlen(text) - 1, &back, &e), -EBADMSG);
	assert_int_equal(store_parse("", 0, &back, &e), -EBADMSG);
	assert_int_equal(e.code, CNI_ERR_DECODE);
	err_clear(&e);
	assert_int_equal(store_parse("[]", 2, &back, &e), -EBADMSG);
	assert_int_equal(e.code, CNI_ERR_DECODE);
	assert_has(e.msg, "format 1");
	/* Duplicate keys. */
	err_clear(&e);
	q = NULL;
	assert_true(asprintf(&q, "{\"formatVersion\":1,\"formatVersion\":1,%s", text + 1) > 0);
	assert_int_equal(store_parse(q, strlen(q), &back, &e), -EBADMSG);
	assert_int_equal(e.code, CNI_ERR_DECODE);
	assert_has(e.msg, "duplicate");
	free(q);
	/* More than 128 attachments. */
	big = malloc(129 * 8 + 128);
	assert_non_null(big);
	q = big + sprintf(big, "{\"formatVersion\":1,\"containerID\":\"c\",\"attachments\":[");
	for (int i = 0; i < 129; i++)
		q += sprintf(q, "%s{}", i ? "," : "");
	sprintf(q, "]}");
	err_clear(&e);
	assert_int_equal(store_parse(big, strlen(big), &back, &e), -EBADMSG);
	assert_int_equal(e.code, CNI_ERR_DECODE);
	assert_has(e.msg, "bad attachments");
	free(big);
	assert_null(back);
	free(text);
	plan_free(p);
}

/* ---- on disk ---- */

/* Each on-disk test gets a fresh mkdtemp directory, removed after it, pass or fail. */
static char *scratch_dir;

static int make_scratch(void **state)
{
	(void)state;
	scratch_dir = strdup("/tmp/multus-store-test.XXXXXX");
	if (!scratch_dir || !mkdtemp(scratch_dir))
		return -1;
	return 0;
}

static int remove_scratch(void **state)
{
	int r;

	(void)state;
	/* Only ever our own mkdtemp directory. */
	if (!scratch_dir || strncmp(scratch_dir, "/tmp/multus-store-test.", 23) != 0)
		return -1;
	r = tu_rm_rf(scratch_dir);
	free(scratch_dir);
	scratch_dir = NULL;
	return r == 0 ? 0 : -1;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory's entries, sorted, joined by ' ' (without . and ..). */
static char *ls(const char *dir)
{
	char *names[64], *out = calloc(1, 4096);
	size_t n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;

	assert_non_null(d);
	assert_non_null(out);
	while ((de = readdir(d)) && n < 64)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = xstrdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_str);
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(out, " ");
		strcat(out, names[i]);
		free(names[i]);
	}
	return out;
}

static void test_save_load_remove(void **state)
{
	const char *base = scratch_dir;
	char *dir = NULL, *path = NULL, *names;
	struct plan *p = make_plan("0a1b2c3d4e5f"), *back = NULL;
	struct err e = { 0 };
	struct stat st;

	(void)state;
	assert_true(asprintf(&dir, "%s/var/lib/cni/multus", base) > 0);
	assert_true(asprintf(&path, "%s/0a1b2c3d4e5f.json", dir) > 0);
	assert_int_equal(store_load(dir, "0a1b2c3d4e5f", &back, &e), -ENOENT);

	assert_int_equal(store_save(dir, p, &e), 0);
	/* Every level it created is 0700; the entry is 0600; nothing else is left. */
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	{
		char *mid = NULL;

		assert_true(asprintf(&mid, "%s/var/lib", base) > 0);
		assert_int_equal(stat(mid, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0700);
		free(mid);
	}
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	names = ls(dir);
	assert_string_equal(names, "0a1b2c3d4e5f.json");
	free(names);

	assert_int_equal(store_load(dir, "0a1b2c3d4e5f", &back, &e), 0);
	assert_plan_eq(p, back);
	plan_free(back);
	back = NULL;

	/* Replaced in place: still one file, with the new content. */
	p->att[1].state = ATT_ADDED;
	assert_int_equal(attachment_own_link(&p->att[1], "net1", 9), 0);
	assert_int_equal(store_save(dir, p, &e), 0);
	names = ls(dir);
	assert_string_equal(names, "0a1b2c3d4e5f.json");
	free(names);
	assert_int_equal(store_load(dir, "0a1b2c3d4e5f", &back, &e), 0);
	assert_int_equal(back->att[1].state, ATT_ADDED);
	assert_int_equal(back->att[1].n_links, 3);
	assert_plan_eq(p, back);
	plan_free(back);
	back = NULL;

	assert_int_equal(store_remove(dir, "0a1b2c3d4e5f", &e), 0);
	assert_int_equal(store_load(dir, "0a1b2c3d4e5f", &back, &e), -ENOENT);
	assert_null(back);
	/* No entry is not an error. */
	assert_int_equal(store_remove(dir, "0a1b2c3d4e5f", &e), 0);
	assert_int_equal(e.code, 0);
	names = ls(dir);
	assert_string_equal(names, "");
	free(names);

	plan_free(p);
	free(path);
	free(dir);
}

static void append_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static char *record_of(const struct plan *p)
{
	json_t *j = plan_to_json(p);
	char *text, *line = NULL;

	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	assert_non_null(text);
	assert_true(asprintf(&line, "%s\n", text) > 0);
	free(text);
	return line;
}

static unsigned long generation_on_disk(const char *path)
{
	json_error_t jerr;
	json_t *j = json_load_file(path, 0, &jerr);
	unsigned long g;

	assert_non_null(j);
	g = (unsigned long)json_integer_value(json_object_get(j, "generation"));
	json_decref(j);
	return g;
}

/* ADD's progress goes to the journal: the entry stays as written, store_load reads the newest
 * whole record; torn, garbled and foreign lines are skipped; every replacement of the entry,
 * a new entry and a removal take the journal away; an older journal never wins. */
static void test_journal(void **state)
{
	char *dir = NULL, *path = NULL, *jpath = NULL, *names, *line;
	struct plan *p = make_plan("j0b"), *back = NULL, *other = make_plan("j0c");
	struct err e = { 0 };

	(void)state;
	assert_true(asprintf(&dir, "%s/store", scratch_dir) > 0);
	assert_true(asprintf(&path, "%s/j0b.json", dir) > 0);
	assert_true(asprintf(&jpath, "%s/.j0b.journal", dir) > 0);
	p->att[1].state = ATT_PLANNED;
	assert_int_equal(store_create(dir, p, &e), 0);
	assert_int_equal(p->generation, 1);

	p->att[1].state = ATT_ADDED;
	assert_int_equal(store_note(dir, p, &e), 0);
	assert_int_equal(p->generation, 2);
	names = ls(dir);
	assert_string_equal(names, ".j0b.journal j0b.json");
	free(names);
	/* The entry itself is untouched... */
	assert_int_equal(generation_on_disk(path), 1);
	/* ...and what loads is the journal's record. */
	assert_int_equal(store_load(dir, "j0b", &back, &e), 0);
	assert_int_equal(back->generation, 2);
	assert_int_equal(back->att[1].state, ATT_ADDED);
	assert_plan_eq(p, back);
	plan_free(back);

	assert_int_equal(attachment_own_link(&p->att[1], "net1", 9), 0);
	assert_int_equal(store_note(dir, p, &e), 0);
	/* A machine crash's leftovers after the last record: a torn line, zeros, garbage, a
	 * record of another container with a higher generation. */
	other->generation = 50;
	line = record_of(other);
	append_file(jpath, line);
	free(line);
	append_file(jpath, "not json\n");
	append_file(jpath, "{\"formatVersion\":1,\"containerID\":\"j0b\",\"generation\":9");
	assert_int_equal(store_load(dir, "j0b", &back, &e), 0);
	assert_int_equal(back->generation, 3);
	assert_int_equal(back->att[1].n_links, 3);
	assert_plan_eq(p, back);
	plan_free(back);

	/* The entry replaced: the journal goes. */
	assert_int_equal(store_save(dir, p, &e), 0);
	assert_int_equal(p->generation, 4);
	names = ls(dir);
	assert_string_equal(names, "j0b.json");
	free(names);
	assert_int_equal(generation_on_disk(path), 4);

	/* A journal a crash left between the rename and its removal is older: ignored. */
	p->generation = 2;
	p->att[1].state = ATT_PLANNED;
	line = record_of(p);
	append_file(jpath, line);
	free(line);
	assert_int_equal(store_load(dir, "j0b", &back, &e), 0);
	assert_int_equal(back->generation, 4);
	assert_int_equal(back->att[1].state, ATT_ADDED);
	plan_free(back);

	/* A new entry for the same id: a newer-looking journal of the old one must not win. */
	p->generation = 99;
	line = record_of(p);
	append_file(jpath, line);
	free(line);
	assert_int_equal(store_create(dir, p, &e), 0);
	assert_int_equal(p->generation, 1);
	names = ls(dir);
	assert_string_equal(names, "j0b.json");
	free(names);

	/* Someone else's file where the journal goes: not appended to; the entry is replaced
	 * instead, and the planted name goes with the journal. */
	append_file(jpath, "planted\n");
	p->att[1].state = ATT_ADDED;
	assert_int_equal(store_note(dir, p, &e), 0);
	assert_int_equal(generation_on_disk(path), p->generation);
	assert_int_equal(store_load(dir, "j0b", &back, &e), 0);
	assert_int_equal(back->att[1].state, ATT_ADDED);
	plan_free(back);
	names = ls(dir);
	assert_string_equal(names, "j0b.json");
	free(names);

	/* Removal takes both. */
	assert_int_equal(store_note(dir, p, &e), 0);
	assert_int_equal(store_remove(dir, "j0b", &e), 0);
	names = ls(dir);
	assert_string_equal(names, "");
	free(names);
	assert_int_equal(store_load(dir, "j0b", &back, &e), -ENOENT);

	plan_free(other);
	plan_free(p);
	free(jpath);
	free(path);
	free(dir);
}

static void test_parse_journal(void **state)
{
	struct plan *p = make_plan("j1"), *back = NULL;
	char *r2, *r3, *buf = NULL;

	(void)state;
	p->generation = 2;
	r2 = record_of(p);
	p->generation = 3;
	r3 = record_of(p);
	assert_true(asprintf(&buf, "%s%s%s", r2, r3, "{\"formatVers") > 0);
	assert_int_equal(store_parse_journal(buf, strlen(buf), "j1", 2, &back), 0);
	assert_int_equal(back->generation, 3);
	plan_free(back);
	assert_int_equal(store_parse_journal(buf, strlen(buf), "j1", 3, &back), -ENOENT);
	assert_int_equal(store_parse_journal(buf, strlen(buf), "j2", 0, &back), -ENOENT);
	/* The last whole line garbled: the one before it. */
	free(buf);
	buf = calloc(1, strlen(r2) + 8);
	assert_non_null(buf);
	memcpy(buf, r2, strlen(r2));
	buf[strlen(r2) + 3] = '\n'; /* three zero bytes, then a newline */
	assert_int_equal(store_parse_journal(buf, strlen(r2) + 4, "j1", 0, &back), 0);
	assert_int_equal(back->generation, 2);
	plan_free(back);
	assert_int_equal(store_parse_journal("", 0, "j1", 0, &back), -ENOENT);
	assert_int_equal(store_parse_journal("\n\n", 2, "j1", 0, &back), -ENOENT);
	free(buf);
	free(r2);
	free(r3);
	plan_free(p);
}

/* A rewrite with the bytes this process last wrote is skipped (the file keeps its inode);
 * different bytes, a removal, or a file gone behind our back are written again. */
static void test_save_same_skipped(void **state)
{
	char *dir = NULL, *path = NULL;
	struct plan *p = make_plan("5e5e5e5e"), *back = NULL;
	struct err e = { 0 };
	struct stat st;
	ino_t ino;

	(void)state;
	assert_true(asprintf(&dir, "%s/store", scratch_dir) > 0);
	assert_true(asprintf(&path, "%s/5e5e5e5e.json", dir) > 0);
	assert_int_equal(store_create(dir, p, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	ino = st.st_ino;
	assert_int_equal(store_save(dir, p, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_ino, ino);

	/* New content: replaced (a new inode), and what is read back is the new plan. */
	p->att[1].state = ATT_ADDED;
	assert_int_equal(store_save(dir, p, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_not_equal(st.st_ino, ino);
	ino = st.st_ino;
	assert_int_equal(store_load(dir, "5e5e5e5e", &back, &e), 0);
	assert_int_equal(back->att[1].state, ATT_ADDED);
	plan_free(back);
	back = NULL;
	assert_int_equal(store_save(dir, p, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_ino, ino);

	/* Removed, then saved with the same bytes: there again. */
	assert_int_equal(store_remove(dir, "5e5e5e5e", &e), 0);
	assert_int_equal(store_save(dir, p, &e), 0);
	assert_int_equal(store_load(dir, "5e5e5e5e", &back, &e), 0);
	assert_plan_eq(p, back);
	plan_free(back);
	back = NULL;

	/* Unlinked behind our back, or cut short: written again. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(store_save(dir, p, &e), 0);
	assert_int_equal(store_load(dir, "5e5e5e5e", &back, &e), 0);
	plan_free(back);
	back = NULL;
	assert_int_equal(truncate(path, 10), 0);
	assert_int_equal(store_save(dir, p, &e), 0);
	assert_int_equal(store_load(dir, "5e5e5e5e", &back, &e), 0);
	assert_plan_eq(p, back);
	plan_free(back);

	plan_free(p);
	free(path);
	free(dir);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char *path = NULL;
	FILE *f;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static void test_list(void **state)
{
	const char *base = scratch_dir;
	char *dir = NULL, **ids = NULL;
	struct plan *a = make_plan("ctr-a"), *b = make_plan("B.2_x");
	struct err e = { 0 };
	size_t n = 99;

	(void)state;
	assert_true(asprintf(&dir, "%s/store", base) > 0);
	/* A missing directory lists nothing. */
	assert_int_equal(store_list(dir, &ids, &n, &e), 0);
	assert_int_equal(n, 0);
	store_ids_free(ids, n);

	assert_int_equal(store_save(dir, a, &e), 0);
	assert_int_equal(store_save(dir, b, &e), 0);
	/* Not entries: locks, temp files, other suffixes, names that are no container id. */
	write_file(dir, "ctr-a.lock", "");
	write_file(dir, "ctr-c.json.tmp.123", "{");
	write_file(dir, "notes.txt", "x");
	write_file(dir, ".hidden.json", "{}");
	write_file(dir, ".json", "{}");
	write_file(dir, "-x.json", "{}");
	ids = NULL;
	assert_int_equal(store_list(dir, &ids, &n, &e), 0);
	assert_int_equal(n, 2);
	qsort(ids, n, sizeof(ids[0]), by_str);
	assert_string_equal(ids[0], "B.2_x");
	assert_string_equal(ids[1], "ctr-a");
	store_ids_free(ids, n);
	store_ids_free(NULL, 0);

	/* Not a directory: an I/O error. */
	{
		char *file = NULL;

		assert_true(asprintf(&file, "%s/notes.txt", dir) > 0);
		assert_true(store_list(file, &ids, &n, &e) < 0);
		assert_int_equal(e.code, CNI_ERR_IO);
		free(file);
	}
	plan_free(a);
	plan_free(b);
	free(dir);
}

/* Issue 7 defect 5: nothing planted in the store under a temporary name is ever written. */
static void test_planted_temp_names(void **state)
{
	char *dir = NULL, *victim = NULL, *planted = NULL, *link_path = NULL, *names, *text;
	struct plan *p = make_plan("ctr-t"), *back = NULL;
	struct err e = { 0 };
	struct stat st;
	FILE *f;

	(void)state;
	assert_true(asprintf(&dir, "%s/store", scratch_dir) > 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_true(asprintf(&victim, "%s/victim", scratch_dir) > 0);
	write_file(scratch_dir, "victim", "precious");
	/* The old temporary name, as a hard link and (for the next save) as a symlink. */
	assert_true(asprintf(&planted, "%s/ctr-t.json.tmp.%d", dir, (int)getpid()) > 0);
	assert_int_equal(link(victim, planted), 0);
	assert_int_equal(store_create(dir, p, &e), 0);
	assert_true(asprintf(&link_path, "%s/ctr-t.json.tmp.%d.sym", dir, (int)getpid()) > 0);
	assert_int_equal(symlink(victim, link_path), 0);
	p->att[1].state = ATT_ADDED;
	assert_int_equal(store_save(dir, p, &e), 0);

	text = calloc(1, 64);
	assert_non_null(text);
	f = fopen(victim, "r");
	assert_non_null(f);
	assert_non_null(fgets(text, 64, f));
	fclose(f);
	assert_string_equal(text, "precious");
	free(text);
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_nlink, 2);
	/* The entry is a file of its own, and no temporary file is left. */
	assert_int_equal(store_load(dir, "ctr-t", &back, &e), 0);
	assert_int_equal(back->att[1].state, ATT_ADDED);
	plan_free(back);
	assert_true(asprintf(&text, "%s/ctr-t.json", dir) > 0);
	assert_int_equal(stat(text, &st), 0);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(text);
	names = ls(dir);
	text = NULL;
	assert_true(asprintf(&text, "ctr-t.json ctr-t.json.tmp.%d ctr-t.json.tmp.%d.sym",
			     (int)getpid(), (int)getpid()) > 0);
	assert_string_equal(names, text);
	free(text);
	free(names);
	plan_free(p);
	free(link_path);
	free(planted);
	free(victim);
	free(dir);
}

static void test_ids_are_not_paths(void **state)
{
	static const char *const bad[] = { "../x", "..", ".", "", "a/b", "/x", "x y", ".x", "-x" };
	const char *base = scratch_dir;
	char *dir = NULL, *names;
	struct plan *outside = make_plan("x");
	struct err e = { 0 };

	(void)state;
	assert_true(asprintf(&dir, "%s/store", base) > 0);
	/* A valid entry right next to the store: "../x" must not reach it. */
	assert_int_equal(store_save(base, outside, &e), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct plan *p = make_plan("placeholder"), *back = NULL;
		int fd = -1;

		free(p->container_id);
		p->container_id = xstrdup(bad[i]);
		err_clear(&e);
		assert_int_equal(store_save(dir, p, &e), -EINVAL);
		assert_int_equal(e.code, CNI_ERR_INVALID_ENV);
		assert_has(e.msg, "cannot name a store entry");
		err_clear(&e);
		assert_int_equal(store_load(dir, bad[i], &back, &e), -EINVAL);
		assert_null(back);
		assert_has(e.msg, "cannot name a store entry");
		assert_int_equal(store_remove(dir, bad[i], &e), -EINVAL);
		assert_int_equal(store_lock(dir, bad[i], &fd, &e), -EINVAL);
		assert_int_equal(fd, -1);
		plan_free(p);
	}
	/* Nothing was created: not the store directory, not a file beside it. */
	names = ls(base);
	assert_string_equal(names, "x.json");
	free(names);
	plan_free(outside);
	free(dir);
}

static void test_load_bad_files(void **state)
{
	const char *base = scratch_dir;
	char *dir = NULL, *path = NULL;
	struct plan *back = NULL;
	struct err e = { 0 };

	(void)state;
	assert_true(asprintf(&dir, "%s/store", base) > 0);
	assert_int_equal(mkdir(dir, 0700), 0);

	/* Truncated. */
	write_file(dir, "trunc.json", "{\"formatVersion\":1,\"containerID\":\"tr");
	assert_int_equal(store_load(dir, "trunc", &back, &e), -EBADMSG);
	assert_int_equal(e.code, CNI_ERR_DECODE);
	assert_has(e.msg, "store entry ");
	assert_has(e.msg, "/store/trunc.json: ");
	/* Empty. */
	write_file(dir, "empty.json", "");
	err_clear(&e);
	assert_int_equal(store_load(dir, "empty", &back, &e), -EBADMSG);
	assert_int_equal(e.code, CNI_ERR_DECODE);
	/* Another format. */
	write_file(dir, "v2.json",
		   "{\"formatVersion\":2,\"containerID\":\"v2\",\"attachments\":[]}");
	err_clear(&e);
	assert_int_equal(store_load(dir, "v2", &back, &e), -EBADMSG);
	assert_has(e.msg, "not a store entry of format 1");
	/* The smallest valid entry. */
	write_file(dir, "min.json",
		   "{\"formatVersion\":1,\"containerID\":\"min\",\"attachments\":[]}");
	assert_int_equal(store_load(dir, "min", &back, &e), 0);
	assert_string_equal(back->container_id, "min");
	assert_int_equal(back->n, 0);
	assert_null(back->netns);
	plan_free(back);
	back = NULL;
	/* Not a regular file. */
	assert_true(asprintf(&path, "%s/adir.json", dir) > 0);
	assert_int_equal(mkdir(path, 0700), 0);
	err_clear(&e);
	assert_int_equal(store_load(dir, "adir", &back, &e), -EINVAL);
	assert_int_equal(e.code, CNI_ERR_IO);
	assert_has(e.msg, "not a regular file");
	assert_null(back);

	free(path);
	free(dir);
}

static void test_load_symlink(void **state)
{
	const char *base = scratch_dir;
	char *dir = NULL, *path = NULL, *target = NULL;
	struct plan *back = NULL;
	struct err e = { 0 };
	int r;

	(void)state;
	assert_true(asprintf(&dir, "%s/store", base) > 0);
	assert_true(asprintf(&path, "%s/link.json", dir) > 0);
	assert_true(asprintf(&target, "%s/elsewhere.json", base) > 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file(base, "elsewhere.json",
		   "{\"formatVersion\":1,\"containerID\":\"link\",\"attachments\":[]}");
	assert_int_equal(symlink(target, path), 0);
	/*
	 * Only multus writes the store (0700), and store_save()/store_lock() open with
	 * O_NOFOLLOW: an entry that is a symlink is someone else's doing and is not followed.
	 */
	r = store_load(dir, "link", &back, &e);
	plan_free(back);
	free(target);
	free(path);
	free(dir);
	assert_int_equal(r, -ELOOP);
	assert_int_equal(e.code, CNI_ERR_IO);
	assert_null(back);
}

static void test_save_not_utf8(void **state)
{
	const char *base = scratch_dir;
	struct plan *p = make_plan("ctr-utf"), *back = NULL;
	struct err e = { 0 };
	char *dir = NULL;
	int r;

	(void)state;
	assert_true(asprintf(&dir, "%s/store", base) > 0);
	/* CNI_ARGS is whatever bytes the runtime sent; the pod name comes from it. */
	free(p->pod_name);
	p->pod_name = xstrdup("web-\xff");
	free(p->att[1].cni_args);
	p->att[1].cni_args = xstrdup("IgnoreUnknown=1;K8S_POD_NAME=web-\xff");
	/*
	 * Once a bug: a string that is not UTF-8 made json_pack() fail and the entry was saved
	 * without that attachment, so DEL never tore it down. Saving must fail, or keep every
	 * attachment.
	 */
	r = store_save(dir, p, &e);
	if (r == 0) {
		r = store_load(dir, "ctr-utf", &back, &e);
		if (r == 0 && back->n != 2) {
			print_error("saved with %zu of 2 attachments\n", back->n);
			r = -1;
		}
		plan_free(back);
		plan_free(p);
		free(dir);
		assert_int_equal(r, 0);
		return;
	}
	assert_int_equal(e.code, CNI_ERR_IO);
	plan_free(p);
	free(dir);
}

/* ---- the lock ---- */

static bool flock_free(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	bool ok;

	assert_true(fd >= 0);
	ok = flock(fd, LOCK_EX | LOCK_NB) == 0;
	if (!ok)
		assert_int_equal(errno, EWOULDBLOCK);
	close(fd);
	return ok;
}

static void test_lock(void **state)
{
	const char *base = scratch_dir;
	char *dir = NULL, *path = NULL;
	struct err e = { 0 };
	struct stat st;
	int fd = -1, fd2 = -1;

	(void)state;
	assert_true(asprintf(&dir, "%s/new/store", base) > 0);
	assert_true(asprintf(&path, "%s/ctr1.lock", dir) > 0);
	/* Creates the directory, 0700, and a 0600 lock file. */
	assert_int_equal(store_lock(dir, "ctr1", &fd, &e), 0);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_false(flock_free(path));

	/* Released without removal: the file stays, the lock is free. */
	store_unlock(dir, "ctr1", fd, false);
	assert_int_equal(stat(path, &st), 0);
	assert_true(flock_free(path));

	/* Another container's lock is independent. */
	assert_int_equal(store_lock(dir, "ctr1", &fd, &e), 0);
	assert_int_equal(store_lock(dir, "ctr2", &fd2, &e), 0);
	assert_false(flock_free(path));
	store_unlock(dir, "ctr2", fd2, true);

	/* Released with removal: the file goes. */
	store_unlock(dir, "ctr1", fd, true);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
	store_unlock(dir, "ctr1", -1, true); /* no lock: nothing to do */

	free(path);
	free(dir);
}

/* A waiter whose lock file is removed by the holder takes the new file, not the ghost. */
static void test_lock_waiter_after_remove(void **state)
{
	const char *base = scratch_dir;
	char *dir = NULL;
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	struct err e = { 0 };
	int fd = -1, status = 0;
	pid_t pid;

	(void)state;
	assert_true(asprintf(&dir, "%s/store", base) > 0);
	assert_int_equal(store_lock(dir, "ctr", &fd, &e), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char path[512];
		struct stat a, b;
		int cfd = -1;

		/* The parent's descriptor came along with fork() and shares its lock: drop it,
		 * and never hang the test run if the lock is never released. */
		close(fd);
		alarm(10);
		if (store_lock(dir, "ctr", &cfd, NULL) < 0)
			_exit(2);
		snprintf(path, sizeof(path), "%s/ctr.lock", dir);
		/* Our lock is on the file that is there now. */
		if (fstat(cfd, &a) < 0 || stat(path, &b) < 0 || a.st_ino != b.st_ino)
			_exit(3);
		store_unlock(dir, "ctr", cfd, true);
		_exit(0);
	}
	nanosleep(&ts, NULL); /* let the child block on our lock */
	store_unlock(dir, "ctr", fd, true);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_helpers),
		cmocka_unit_test(test_to_json_shape),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_without_pod),
		cmocka_unit_test(test_round_trip_without_cni_args),
		cmocka_unit_test(test_refused_top),
		cmocka_unit_test(test_refused_attachment),
		cmocka_unit_test(test_refused_text),
		cmocka_unit_test_setup_teardown(test_save_load_remove, make_scratch,
						remove_scratch),
		cmocka_unit_test_setup_teardown(test_save_same_skipped, make_scratch,
						remove_scratch),
		cmocka_unit_test_setup_teardown(test_list, make_scratch, remove_scratch),
		cmocka_unit_test_setup_teardown(test_planted_temp_names, make_scratch,
						remove_scratch),
		cmocka_unit_test_setup_teardown(test_ids_are_not_paths, make_scratch,
						remove_scratch),
		cmocka_unit_test_setup_teardown(test_load_bad_files, make_scratch, remove_scratch),
		cmocka_unit_test_setup_teardown(test_load_symlink, make_scratch, remove_scratch),
		cmocka_unit_test_setup_teardown(test_save_not_utf8, make_scratch, remove_scratch),
		cmocka_unit_test_setup_teardown(test_lock, make_scratch, remove_scratch),
		cmocka_unit_test_setup_teardown(test_journal, make_scratch, remove_scratch),
		cmocka_unit_test(test_parse_journal),
		cmocka_unit_test_setup_teardown(test_lock_waiter_after_remove, make_scratch,
						remove_scratch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
