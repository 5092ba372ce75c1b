// SPDX-License-Identifier: GPL-2.0-or-later
/* Auto mode's primary lookup and netconf generation (src/install/autoconf.c). */
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
#include <unistd.h>

#include "install/install_int.h"
#include "testutil.h"
#include "util/macro.h"

static char *base;

static int setup(void **state)
{
	(void)state;
	base = tu_scratch("autoconf-test");
	return base ? 0 : -1;
}

static int teardown(void **state)
{
	int r;

	(void)state;
	r = tu_rm_rf(base);
	free(base);
	base = NULL;
	return r;
}

static void put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", base, name);
	f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *find(int *r, struct err *e)
{
	char *path = NULL;
	json_t *root = NULL;

	*r = autoconf_find_primary(base, NULL, &path, &root, e);
	json_decref(root);
	return path;
}

static void test_find_primary(void **state)
{
	struct err e = { 0 };
	char *path;
	int r;

	(void)state;
	path = find(&r, &e);
	assert_int_equal(r, -ENOENT);
	assert_null(path);
	assert_non_null(strstr(e.msg, base));
	/* Ours, a multus config, a list with a multus plugin, other suffixes, a directory, a
	 * temporary file of ours: none is a primary. */
	put("00-multus.conf", "{\"cniVersion\":\"0.3.1\",\"name\":\"a\",\"type\":\"bridge\"}");
	put("00-multus.conflist", "{}");
	put("01-m.conf", "{\"cniVersion\":\"0.3.1\",\"name\":\"m\",\"type\":\"multus\"}");
	put("02-l.conflist",
	    "{\"name\":\"l\",\"plugins\":[{\"type\":\"x\"},{\"type\":\"multus\"}]}");
	put("03-x.yaml", "type: bridge");
	put(TMP_PREFIX "04.conf", "{\"type\":\"bridge\"}");
	{
		char d[128];

		snprintf(d, sizeof(d), "%s/05-d.conf", base);
		assert_int_equal(mkdir(d, 0755), 0);
	}
	path = find(&r, &e);
	assert_int_equal(r, -ENOENT);
	/* The first by byte order ("Z" < "a"), whatever the suffix among the three. */
	put("30-b.conf", "{\"type\":\"bridge\"}");
	put("20-a.json", "{\"type\":\"ptp\"}");
	put("20-Z.conflist", "{\"plugins\":[{\"type\":\"flannel\"}]}");
	path = find(&r, &e);
	assert_int_equal(r, 0);
	assert_non_null(strstr(path, "/20-Z.conflist"));
	free(path);
	/* A broken first config is an error naming it, not skipped. */
	put("10-broken.conf", "{\"type\":");
	path = find(&r, &e);
	assert_int_equal(r, -EBADMSG);
	assert_null(path);
	assert_non_null(strstr(e.msg, "10-broken.conf"));
	put("10-broken.conf", "[1]");
	path = find(&r, &e);
	assert_int_equal(r, -EBADMSG);
	/* A fixed name. */
	{
		json_t *root = NULL;

		assert_int_equal(autoconf_find_primary(base, "30-b.conf", &path, &root, &e), 0);
		assert_non_null(strstr(path, "/30-b.conf"));
		free(path);
		json_decref(root);
		path = NULL;
		assert_int_equal(autoconf_find_primary(base, "99-none.conf", &path, &root, &e),
				 -ENOENT);
		assert_non_null(strstr(e.msg, "99-none.conf"));
	}
}

static json_t *gen(const struct install_opts *o, const char *primary, int *r, const char **name,
		   struct err *e)
{
	json_auto_t *p = json_loads(primary, 0, NULL);
	char *text = NULL;
	json_t *out;

	assert_non_null(p);
	*r = autoconf_generate(o, "/x/10-p.conf", p, &text, name, e);
	if (*r < 0)
		return NULL;
	out = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(out);
	return out;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void test_generate(void **state)
{
	struct install_opts o;
	struct err e = { 0 };
	const char *name = NULL;
	json_t *g, *m;
	int r;

	(void)state;
	install_opts_init(&o);
	o.auto_mode = true;
	o.host_conf_dir = "/etc/cni/net.d";
	/* 0.3.1: a conf; the primary is the only delegate; capabilities it enables. */
	g = gen(&o,
		"{\"cniVersion\":\"0.3.1\",\"name\":\"p\",\"type\":\"bridge\","
		"\"capabilities\":{\"portMappings\":true,\"mac\":false}}",
		&r, &name, &e);
	assert_int_equal(r, 0);
	assert_string_equal(name, NETCONF_NAME);
	assert_string_equal(str(g, "type"), "multus");
	assert_string_equal(str(g, "cniVersion"), "0.3.1");
	assert_string_equal(str(g, "name"), "multus-cni-network");
	assert_string_equal(str(g, "kubeconfig"), "/etc/cni/net.d/multus.d/multus.kubeconfig");
	assert_int_equal(json_array_size(json_object_get(g, "delegates")), 1);
	assert_string_equal(str(json_array_get(json_object_get(g, "delegates"), 0), "name"), "p");
	assert_true(
	    json_is_true(json_object_get(json_object_get(g, "capabilities"), "portMappings")));
	assert_null(json_object_get(json_object_get(g, "capabilities"), "mac"));
	assert_null(json_object_get(g, "logToStderr"));
	json_decref(g);
	/* 1.0.0 and 1.1.0: a list with one multus plugin; the options' keys on the plugin. */
	o.readiness_file = "/run/ready";
	o.log_to_stderr = 0;
	o.log_level = "debug";
	o.override_network_name = true;
	for (int i = 0; i < 2; i++) {
		g = gen(
		    &o,
		    i ? "{\"cniVersion\":\"1.1.0\",\"name\":\"p\",\"plugins\":[{\"type\":\"a\"},"
			"{\"type\":\"b\",\"capabilities\":{\"bandwidth\":true}}]}"
		      : "{\"cniVersion\":\"1.0.0\",\"name\":\"p\",\"type\":\"bridge\"}",
		    &r, &name, &e);
		assert_int_equal(r, 0);
		assert_string_equal(name, NETCONF_LIST_NAME);
		assert_string_equal(str(g, "name"), "p");
		assert_null(json_object_get(g, "type"));
		m = json_array_get(json_object_get(g, "plugins"), 0);
		assert_int_equal(json_array_size(json_object_get(g, "plugins")), 1);
		assert_string_equal(str(m, "type"), "multus");
		assert_string_equal(str(m, "readinessindicatorfile"), "/run/ready");
		assert_string_equal(str(m, "logLevel"), "debug");
		assert_true(json_is_false(json_object_get(m, "logToStderr")));
		assert_int_equal(json_array_size(json_object_get(m, "delegates")), 1);
		assert_true(i == 0 || json_is_true(json_object_get(
					  json_object_get(m, "capabilities"), "bandwidth")));
		json_decref(g);
	}
	/* No cniVersion (0.1.0): none in ours either, a conf. */
	o.override_network_name = false;
	g = gen(&o, "{\"name\":\"p\",\"type\":\"bridge\"}", &r, &name, &e);
	assert_int_equal(r, 0);
	assert_string_equal(name, NETCONF_NAME);
	assert_null(json_object_get(g, "cniVersion"));
	json_decref(g);
	/* Errors: no type, empty plugins, a plugin without type, a version we do not speak, no
	 * name to override with. */
	const char *bad[] = {
		"{\"cniVersion\":\"0.3.1\",\"name\":\"p\"}",
		"{\"cniVersion\":\"1.0.0\",\"name\":\"p\",\"plugins\":[]}",
		"{\"cniVersion\":\"1.0.0\",\"name\":\"p\",\"plugins\":[{\"type\":\"a\"},{}]}",
		"{\"cniVersion\":\"7.0.0\",\"name\":\"p\",\"type\":\"bridge\"}",
		"{\"cniVersion\":5,\"name\":\"p\",\"type\":\"bridge\"}",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		g = gen(&o, bad[i], &r, &name, &e);
		assert_true(r < 0);
		assert_null(g);
		assert_non_null(strstr(e.msg, "/x/10-p.conf"));
	}
	o.override_network_name = true;
	g = gen(&o, "{\"cniVersion\":\"0.3.1\",\"type\":\"bridge\"}", &r, &name, &e);
	assert_true(r < 0);
	assert_non_null(strstr(e.msg, "override-network-name"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_primary),
		cmocka_unit_test(test_generate),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
