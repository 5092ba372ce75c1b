// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The planner without root and without an API server: the netconf, a pod object given
 * directly (its annotations), confDir files and a list of the pod's links, to the plan.
 * Which network is the master, interface names automatic and requested, names requested
 * twice, networks not found, namespaceIsolation, and the master STATUS asks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cni/cni.h"
#include "multus/planner.h"

#define assert_has(hay, needle)                                                                    \
	do {                                                                                       \
		if (!strstr((hay), (needle)))                                                      \
			fail_msg("\"%s\" not found in \"%s\"", (needle), (hay));                   \
	} while (0)

static char base[64], confdir[96];

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", confdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void put_net(const char *name)
{
	char file[64], text[256];

	snprintf(file, sizeof(file), "%s.conf", name);
	snprintf(
	    text, sizeof(text),
	    "{\"cniVersion\":\"1.0.0\",\"name\":\"%s\",\"type\":\"bridge\",\"bridge\":\"br-%s\"}",
	    name, name);
	put(file, text);
}

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "/tmp/multus-planner-test.XXXXXX");
	if (!mkdtemp(base))
		return -1;
	snprintf(confdir, sizeof(confdir), "%s/net.d", base);
	if (mkdir(confdir, 0755) < 0)
		return -1;
	put_net("a");
	put_net("b");
	put_net("c");
	put_net("cluster");
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	(void)state;
	/* Only ever our own mkdtemp directory. */
	if (strncmp(base, "/tmp/multus-planner-test.", 25) != 0)
		return -1;
	return nftw(base, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

struct t {
	struct multus_ctx ctx;
	struct link_snap links;
	struct nl_link link_buf[4];
	struct plan *p;
	struct err e;
};

/* A context as ADD has it after the API reads: the netconf (`members` added to a base one
 * using our confDir), and, with `annotations`, a pod in namespace `pod_ns` that has them. */
static void ctx_init(struct t *t, const char *members, const char *pod_ns, const char *annotations)
{
	char *text = NULL;
	struct err e = { 0 };

	memset(t, 0, sizeof(*t));
	t->ctx.netns_fd = -1;
	assert_true(asprintf(&text,
			     "{\"cniVersion\":\"1.0.0\",\"name\":\"m\",\"type\":\"multus\","
			     "\"confDir\":\"%s\"%s%s}",
			     confdir, members[0] ? "," : "", members) > 0);
	if (multus_netconf_parse(text, strlen(text), &t->ctx.nc, &e) < 0)
		fail_msg("netconf: %s (%s)", e.msg, text);
	free(text);
	t->ctx.env = (struct cni_env){
		.cmd = CNI_CMD_ADD,
		.command = "ADD",
		.container_id = "c0ffee",
		.netns = "/run/netns/test",
		.ifname = "eth0",
		.args = "",
	};
	if (annotations) {
		json_error_t jerr;

		t->ctx.env.pod_namespace = pod_ns;
		t->ctx.env.pod_name = "pod";
		t->ctx.pod = json_pack("{s:{s:s,s:o}}", "metadata", "uid", "u-1", "annotations",
				       json_loads(annotations, 0, &jerr));
		assert_non_null(t->ctx.pod);
	}
}

/* The pod already has these links (NULL-terminated). */
static void pod_has(struct t *t, const char *const *names)
{
	t->links.links = t->link_buf;
	for (t->links.n = 0; names[t->links.n]; t->links.n++) {
		snprintf(t->link_buf[t->links.n].name, sizeof(t->link_buf[0].name), "%s",
			 names[t->links.n]);
		t->link_buf[t->links.n].index = (int)t->links.n + 1;
	}
}

static int build(struct t *t)
{
	return multus_plan_build(&t->ctx, &t->links, &t->p, &t->e);
}

static void t_done(struct t *t)
{
	plan_free(t->p);
	t->links.links = NULL; /* ours, on the stack */
	multus_ctx_done(&t->ctx);
}

static void assert_att(const struct plan *p, size_t i, const char *network, const char *ifname,
		       bool master)
{
	assert_true(i < p->n);
	assert_string_equal(p->att[i].network, network);
	assert_string_equal(p->att[i].ifname, ifname);
	assert_int_equal(p->att[i].master, master);
}

static void test_master_from_inline_delegates(void **state)
{
	struct t t;

	(void)state;
	ctx_init(&t,
		 "\"delegates\":[{\"cniVersion\":\"0.4.0\",\"name\":\"d1\",\"type\":\"bridge\"},"
		 "{\"name\":\"d2\",\"type\":\"macvlan\"}]",
		 NULL, NULL);
	assert_int_equal(build(&t), 0);
	assert_int_equal(t.p->n, 2);
	assert_att(t.p, 0, "d1", "eth0", true);
	assert_att(t.p, 1, "d2", "eth1", false);
	assert_string_equal(t.p->container_id, "c0ffee");
	assert_string_equal(t.p->netns, "/run/netns/test");
	assert_null(t.p->pod_name);
	/* The version spoken with a delegate is its config's own. */
	assert_string_equal(t.p->att[0].version, "0.4.0");
	t_done(&t);
}

/* A runtime's IP= and MAC= (podman run --ip, --mac-address) are for its own interface: the
 * master gets the runtime's CNI_ARGS as they are, the other delegates without those two. */
static void test_runtime_ip_mac_master_only(void **state)
{
	struct t t;

	(void)state;
	ctx_init(&t,
		 "\"delegates\":[{\"cniVersion\":\"1.0.0\",\"name\":\"d1\",\"type\":\"bridge\"},"
		 "{\"name\":\"d2\",\"type\":\"macvlan\"}]",
		 NULL, NULL);
	t.ctx.env.args = "IgnoreUnknown=1;K8S_POD_NAME=c1;IP=10.88.7.50;MAC=12:34:56:78:9a:bc";
	assert_int_equal(cni_args_parse(t.ctx.env.args, &t.ctx.env.kv, &t.ctx.env.n_kv, &t.e), 0);
	assert_int_equal(build(&t), 0);
	assert_int_equal(t.p->n, 2);
	assert_att(t.p, 0, "d1", "eth0", true);
	assert_string_equal(t.p->att[0].cni_args, t.ctx.env.args);
	assert_string_equal(t.p->att[1].cni_args, "IgnoreUnknown=1;K8S_POD_NAME=c1");
	t_done(&t);

	/* Without those keys every delegate gets the runtime's CNI_ARGS unchanged. */
	ctx_init(&t, "\"defaultDelegates\":\"a,b\"", NULL, NULL);
	t.ctx.env.args = "IgnoreUnknown=1;K8S_POD_NAME=c1";
	assert_int_equal(cni_args_parse(t.ctx.env.args, &t.ctx.env.kv, &t.ctx.env.n_kv, &t.e), 0);
	assert_int_equal(build(&t), 0);
	assert_string_equal(t.p->att[0].cni_args, t.ctx.env.args);
	assert_string_equal(t.p->att[1].cni_args, t.ctx.env.args);
	t_done(&t);
}

static void test_master_from_default_delegates(void **state)
{
	struct t t;

	(void)state;
	ctx_init(&t, "\"defaultDelegates\":\"b, a\"", NULL, NULL);
	assert_int_equal(build(&t), 0);
	assert_int_equal(t.p->n, 2);
	assert_att(t.p, 0, "b", "eth0", true);
	assert_att(t.p, 1, "a", "eth1", false);
	assert_ptr_equal(plan_master(t.p), &t.p->att[0]);
	assert_string_equal(json_string_value(json_object_get(t.p->att[0].conf, "bridge")), "br-b");
	t_done(&t);
}

static void test_master_from_cluster_network(void **state)
{
	char path[160];
	char members[256];
	struct t t;

	(void)state;
	/* clusterNetwork wins over defaultDelegates; defaultNetworks come after it. */
	ctx_init(&t,
		 "\"clusterNetwork\":\"cluster\",\"defaultDelegates\":\"a\","
		 "\"defaultNetworks\":[\"b\",\"c\"]",
		 NULL, NULL);
	assert_int_equal(build(&t), 0);
	assert_int_equal(t.p->n, 3);
	assert_att(t.p, 0, "cluster", "eth0", true);
	assert_att(t.p, 1, "b", "eth1", false);
	assert_att(t.p, 2, "c", "eth2", false);
	t_done(&t);

	/* An absolute path names the file itself. */
	snprintf(path, sizeof(path), "%s/a.conf", confdir);
	snprintf(members, sizeof(members), "\"clusterNetwork\":\"%s\"", path);
	ctx_init(&t, members, NULL, NULL);
	assert_int_equal(build(&t), 0);
	assert_int_equal(t.p->n, 1);
	assert_att(t.p, 0, "a", "eth0", true);
	t_done(&t);
}

static void test_pod_annotations_and_system_namespaces(void **state)
{
	struct t t;

	(void)state;
	/* The default-network annotation replaces the master; networks come after. */
	ctx_init(&t, "\"clusterNetwork\":\"cluster\",\"defaultNetworks\":[\"c\"]", "team",
		 "{\"v1.multus-cni.io/default-network\":\"a\","
		 "\"k8s.v1.cni.cncf.io/networks\":\"b\"}");
	assert_int_equal(build(&t), 0);
	assert_int_equal(t.p->n, 3);
	assert_att(t.p, 0, "a", "eth0", true);
	assert_att(t.p, 1, "c", "eth1", false);
	assert_att(t.p, 2, "b", "eth2", false);
	assert_string_equal(t.p->pod_namespace, "team");
	assert_string_equal(t.p->pod_uid, "u-1");
	t_done(&t);

	/* A pod in a system namespace gets no defaultNetworks. */
	ctx_init(&t, "\"clusterNetwork\":\"cluster\",\"defaultNetworks\":[\"c\"]", "kube-system",
		 "{}");
	assert_int_equal(build(&t), 0);
	assert_int_equal(t.p->n, 1);
	assert_att(t.p, 0, "cluster", "eth0", true);
	t_done(&t);
}

static void test_auto_ifnames_skip_taken(void **state)
{
	static const char *const links[] = { "lo", "eth1", NULL };
	struct t t;

	(void)state;
	/* eth1 is in the pod already, eth2 is requested: b gets eth3. */
	ctx_init(&t, "\"clusterNetwork\":\"cluster\"", "team",
		 "{\"k8s.v1.cni.cncf.io/networks\":\"b, c@eth2\"}");
	pod_has(&t, links);
	assert_int_equal(build(&t), 0);
	assert_int_equal(t.p->n, 3);
	assert_att(t.p, 0, "cluster", "eth0", true);
	assert_att(t.p, 1, "b", "eth3", false);
	assert_att(t.p, 2, "c", "eth2", false);
	t_done(&t);

	/* ifnamePrefix. */
	ctx_init(&t, "\"clusterNetwork\":\"cluster\",\"ifnamePrefix\":\"net\"", "team",
		 "{\"k8s.v1.cni.cncf.io/networks\":\"b,c\"}");
	assert_int_equal(build(&t), 0);
	assert_att(t.p, 1, "b", "net1", false);
	assert_att(t.p, 2, "c", "net2", false);
	t_done(&t);
}

static void test_requested_names(void **state)
{
	struct t t;

	(void)state;
	/* JSON form with "interface"; a master-list network with a requested name is not the
	 * master when another one has none. */
	ctx_init(&t, "\"defaultDelegates\":\"a@first, b\"", "team",
		 "{\"k8s.v1.cni.cncf.io/networks\":\"[{\\\"name\\\":\\\"c\\\","
		 "\\\"interface\\\":\\\"data0\\\"}]\"}");
	assert_int_equal(build(&t), 0);
	assert_int_equal(t.p->n, 3);
	assert_att(t.p, 0, "a", "first", false);
	assert_att(t.p, 1, "b", "eth0", true);
	assert_att(t.p, 2, "c", "data0", false);
	t_done(&t);

	/* Every master-list network has a name: the first is the master and keeps its name. */
	ctx_init(&t, "\"defaultDelegates\":\"a@first, b@second\"", NULL, NULL);
	assert_int_equal(build(&t), 0);
	assert_att(t.p, 0, "a", "first", true);
	assert_att(t.p, 1, "b", "second", false);
	t_done(&t);
}

static void test_duplicate_names(void **state)
{
	struct t t;

	(void)state;
	ctx_init(&t, "\"clusterNetwork\":\"cluster\"", "team",
		 "{\"k8s.v1.cni.cncf.io/networks\":\"b@x1, c@x1\"}");
	assert_int_equal(build(&t), -EEXIST);
	assert_int_equal(t.e.code, CNI_ERR_INVALID_NETCONF);
	assert_has(t.e.msg, "\"x1\" is requested twice");
	assert_has(t.e.msg, "\"b\" and \"c\"");
	assert_null(t.p);
	t_done(&t);

	/* Requesting the master's name (CNI_IFNAME) is the same mistake. */
	ctx_init(&t, "\"clusterNetwork\":\"cluster\"", "team",
		 "{\"k8s.v1.cni.cncf.io/networks\":\"b@eth0\"}");
	assert_int_equal(build(&t), -EEXIST);
	assert_int_equal(t.e.code, CNI_ERR_INVALID_NETCONF);
	t_done(&t);
}

static void test_not_found(void **state)
{
	struct t t;

	(void)state;
	ctx_init(&t, "\"defaultDelegates\":\"a,nosuch\"", NULL, NULL);
	assert_int_equal(build(&t), -ENOENT);
	assert_int_equal(t.e.code, CNI_ERR_INVALID_NETCONF);
	assert_has(t.e.msg, "netconf defaultDelegates");
	assert_has(t.e.msg, "nosuch\" not found");
	assert_has(t.e.msg, "no config named \"nosuch\"");
	assert_has(t.e.msg, confdir);
	t_done(&t);

	ctx_init(&t, "\"clusterNetwork\":\"cluster\"", "team",
		 "{\"k8s.v1.cni.cncf.io/networks\":\"other/gone\"}");
	assert_int_equal(build(&t), -ENOENT);
	assert_int_equal(t.e.code, CNI_ERR_INVALID_NETCONF);
	assert_has(t.e.msg, "annotation k8s.v1.cni.cncf.io/networks");
	assert_has(t.e.msg, "\"other/gone\" not found");
	t_done(&t);

	/* No source of networks at all. */
	ctx_init(&t, "", NULL, NULL);
	assert_int_equal(build(&t), -EINVAL);
	assert_int_equal(t.e.code, CNI_ERR_INVALID_NETCONF);
	assert_has(t.e.msg, "no networks for this pod");
	t_done(&t);
}

static void test_isolation(void **state)
{
	struct t t;

	(void)state;
	ctx_init(&t, "\"clusterNetwork\":\"cluster\",\"namespaceIsolation\":true", "team-a",
		 "{\"k8s.v1.cni.cncf.io/networks\":\"team-b/b\"}");
	assert_int_equal(build(&t), -EPERM);
	assert_int_equal(t.e.code, CNI_ERR_INVALID_NETCONF);
	assert_has(t.e.msg, "namespace team-a may not use network team-b/b");
	t_done(&t);

	/* The pod's own namespace and the global ones are allowed. */
	ctx_init(&t,
		 "\"clusterNetwork\":\"cluster\",\"namespaceIsolation\":true,"
		 "\"globalNamespaces\":\"shared, default\"",
		 "team-a", "{\"k8s.v1.cni.cncf.io/networks\":\"team-a/a, shared/b, default/c\"}");
	assert_int_equal(build(&t), 0);
	assert_int_equal(t.p->n, 4);
	t_done(&t);

	/* Without isolation any namespace goes; the netconf's own lists are never isolated. */
	ctx_init(&t, "\"defaultDelegates\":\"kube-system/a\",\"namespaceIsolation\":true", "team-a",
		 "{}");
	assert_int_equal(build(&t), 0);
	t_done(&t);
	ctx_init(&t, "\"clusterNetwork\":\"cluster\"", "team-a",
		 "{\"k8s.v1.cni.cncf.io/networks\":\"team-b/b\"}");
	assert_int_equal(build(&t), 0);
	t_done(&t);
}

static void test_master_find(void **state)
{
	json_t *conf = NULL;
	char *network = NULL;
	struct t t;

	(void)state;
	/* STATUS: the master from the netconf alone, as ADD would choose it. */
	ctx_init(&t, "\"defaultDelegates\":\"a@x, b, c\",\"defaultNetworks\":[\"c\"]", NULL, NULL);
	t.ctx.env.cmd = CNI_CMD_STATUS;
	t.ctx.env.container_id = NULL;
	t.ctx.env.ifname = NULL;
	assert_int_equal(multus_master_find(&t.ctx, &conf, &network, &t.e), 0);
	assert_string_equal(network, "b");
	assert_string_equal(json_string_value(json_object_get(conf, "bridge")), "br-b");
	json_decref(conf);
	free(network);
	t_done(&t);

	ctx_init(&t, "\"defaultDelegates\":\"nosuch\"", NULL, NULL);
	conf = NULL;
	network = NULL;
	assert_int_equal(multus_master_find(&t.ctx, &conf, &network, &t.e), -ENOENT);
	assert_int_equal(t.e.code, CNI_ERR_INVALID_NETCONF);
	assert_has(t.e.msg, "nosuch");
	assert_null(conf);
	assert_null(network);
	t_done(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_master_from_inline_delegates),
		cmocka_unit_test(test_runtime_ip_mac_master_only),
		cmocka_unit_test(test_master_from_default_delegates),
		cmocka_unit_test(test_master_from_cluster_network),
		cmocka_unit_test(test_pod_annotations_and_system_namespaces),
		cmocka_unit_test(test_auto_ifnames_skip_taken),
		cmocka_unit_test(test_requested_names),
		cmocka_unit_test(test_duplicate_names),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_isolation),
		cmocka_unit_test(test_master_find),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
