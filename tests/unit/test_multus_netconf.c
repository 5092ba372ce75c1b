// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The multus netconf: every key of PRODUCT.md section 2 absent (defaults), present, null
 * and of the wrong type; the seed README's example configs; the error codes 1, 6 and 7.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cni.h"
#include "multus/netconf.h"

#define BASE "\"cniVersion\":\"1.0.0\",\"name\":\"multus-cni-network\",\"type\":\"multus\""

static int parse(const char *text, struct multus_netconf *nc, struct err *e)
{
	return multus_netconf_parse(text, strlen(text), nc, e);
}

#define expect_error(text, ret, code, needle) expect_error_at(text, ret, code, needle, __LINE__)
static void expect_error_at(const char *text, int ret, int code, const char *needle, int line)
{
	struct multus_netconf nc = { 0 };
	struct err e = { 0 };
	int r = parse(text, &nc, &e);

	if (r >= 0) {
		multus_netconf_done(&nc);
		print_error("%s: parsed, wanted code %d \"%s\"\n", text, code, needle);
		_fail(__FILE__, line);
	}
	_assert_int_equal(r, ret, __FILE__, line);
	_assert_int_equal(e.code, code, __FILE__, line);
	if (!strstr(e.msg, needle)) {
		print_error("%s: \"%s\" not found in \"%s\"\n", text, needle, e.msg);
		_fail(__FILE__, line);
	}
	_assert_true((LargestIntegralType)(nc.raw == NULL), "nc.raw == NULL", __FILE__, line);
}

/* The base config with `key` set to the JSON `value` (replacing what is there). */
static char *with_key(const char *key, const char *value)
{
	json_t *o = json_loads("{" BASE "}", 0, NULL),
	       *v = json_loads(value, JSON_DECODE_ANY, NULL);
	char *text;

	assert_non_null(o);
	assert_non_null(v);
	json_object_set_new(o, key, v);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	assert_non_null(text);
	return text;
}

static void test_defaults(void **state)
{
	struct multus_netconf nc = { 0 };
	struct err e = { 0 };

	(void)state;
	assert_int_equal(
	    parse("{\"cniVersion\":\"0.3.1\",\"name\":\"n\",\"type\":\"multus\"}", &nc, &e), 0);
	assert_non_null(nc.raw);
	assert_string_equal(nc.cni_version, "0.3.1");
	assert_string_equal(nc.name, "n");
	assert_string_equal(nc.type, "multus");
	assert_string_equal(nc.kubeconfig, "");
	assert_string_equal(nc.default_delegates, "");
	assert_null(nc.delegates);
	assert_string_equal(nc.cluster_network, "");
	assert_null(nc.default_networks);
	assert_string_equal(nc.conf_dir, "/etc/cni/net.d/multus");
	assert_string_equal(nc.cni_dir, "/var/lib/cni/multus");
	assert_string_equal(nc.bin_dir, "/opt/cni/bin");
	assert_string_equal(nc.ifname_prefix, "eth");
	assert_string_equal(nc.multus_namespace, "kube-system");
	assert_null(nc.system_namespaces);
	assert_false(nc.namespace_isolation);
	assert_string_equal(nc.global_namespaces, "default");
	assert_string_equal(nc.readiness_indicator_file, "");
	assert_true(nc.api_timeout_seconds == 10.0);
	assert_true(nc.delegate_timeout_seconds == 60.0);
	assert_string_equal(nc.log_file, "");
	assert_int_equal(nc.log_level, LOG_LEVEL_INFO);
	assert_true(nc.log_to_stderr);
	assert_null(nc.runtime_config);
	assert_null(nc.capabilities);
	assert_null(nc.prev_result);
	assert_true(multus_netconf_is_system_namespace(&nc, "kube-system"));
	assert_false(multus_netconf_is_system_namespace(&nc, "default"));
	assert_int_equal(e.code, 0);
	multus_netconf_done(&nc);
	assert_null(nc.raw);
	multus_netconf_done(&nc); /* twice is harmless */
}

static void test_every_key(void **state)
{
	static const char text[] =
	    "{\"cniVersion\":\"1.1.0\",\"name\":\"multus-cni-network\",\"type\":\"multus\","
	    "\"kubeconfig\":\"/etc/cni/net.d/multus.d/multus.kubeconfig\","
	    "\"defaultDelegates\":\"tke-bridge,sriov@north\","
	    "\"delegates\":[{\"cniVersion\":\"0.3.1\",\"name\":\"br\",\"type\":\"bridge\"},{}],"
	    "\"clusterNetwork\":\"flannel\",\"defaultNetworks\":[\"a\",\"ns/b\"],"
	    "\"confDir\":\"/etc/cni/multus/net.d\",\"cniDir\":\"/run/multus\","
	    "\"binDir\":\"/usr/lib/cni\",\"ifnamePrefix\":\"net\","
	    "\"multusNamespace\":\"multus\",\"systemNamespaces\":[\"kube-system\",\"openshift\"],"
	    "\"namespaceIsolation\":true,\"globalNamespaces\":\"default,shared\","
	    "\"readinessindicatorfile\":\"/run/flannel/subnet.env\",\"apiTimeoutSeconds\":2.5,"
	    "\"delegateTimeoutSeconds\":86400,\"logFile\":\"/var/log/multus.log\","
	    "\"logLevel\":\"verbose\",\"logToStderr\":false,"
	    "\"runtimeConfig\":{\"portMappings\":[]},\"capabilities\":{\"portMappings\":true},"
	    "\"prevResult\":{\"cniVersion\":\"1.1.0\"},\"unknownKey\":[1,2,3]}";
	struct multus_netconf nc = { 0 };
	struct err e = { 0 };

	(void)state;
	assert_int_equal(parse(text, &nc, &e), 0);
	assert_string_equal(nc.cni_version, "1.1.0");
	assert_string_equal(nc.name, "multus-cni-network");
	assert_string_equal(nc.type, "multus");
	assert_string_equal(nc.kubeconfig, "/etc/cni/net.d/multus.d/multus.kubeconfig");
	assert_string_equal(nc.default_delegates, "tke-bridge,sriov@north");
	assert_int_equal(json_array_size(nc.delegates), 2);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(nc.delegates, 0), "type")), "bridge");
	assert_string_equal(nc.cluster_network, "flannel");
	assert_int_equal(json_array_size(nc.default_networks), 2);
	assert_string_equal(json_string_value(json_array_get(nc.default_networks, 1)), "ns/b");
	assert_string_equal(nc.conf_dir, "/etc/cni/multus/net.d");
	assert_string_equal(nc.cni_dir, "/run/multus");
	assert_string_equal(nc.bin_dir, "/usr/lib/cni");
	assert_string_equal(nc.ifname_prefix, "net");
	assert_string_equal(nc.multus_namespace, "multus");
	assert_int_equal(json_array_size(nc.system_namespaces), 2);
	assert_true(nc.namespace_isolation);
	assert_string_equal(nc.global_namespaces, "default,shared");
	assert_string_equal(nc.readiness_indicator_file, "/run/flannel/subnet.env");
	assert_true(nc.api_timeout_seconds == 2.5);
	assert_true(nc.delegate_timeout_seconds == 86400.0);
	assert_string_equal(nc.log_file, "/var/log/multus.log");
	assert_int_equal(nc.log_level, LOG_LEVEL_VERBOSE);
	assert_false(nc.log_to_stderr);
	assert_true(json_is_array(json_object_get(nc.runtime_config, "portMappings")));
	assert_true(json_is_true(json_object_get(nc.capabilities, "portMappings")));
	assert_string_equal(json_string_value(json_object_get(nc.prev_result, "cniVersion")),
			    "1.1.0");
	assert_true(multus_netconf_is_system_namespace(&nc, "openshift"));
	assert_true(multus_netconf_is_system_namespace(&nc, "kube-system"));
	assert_false(multus_netconf_is_system_namespace(&nc, "default"));
	multus_netconf_done(&nc);
}

static void test_null_keeps_defaults(void **state)
{
	static const char text[] =
	    "{" BASE ",\"kubeconfig\":null,\"delegates\":null,\"confDir\":null,"
	    "\"cniDir\":null,\"binDir\":null,\"ifnamePrefix\":null,\"systemNamespaces\":null,"
	    "\"namespaceIsolation\":null,\"apiTimeoutSeconds\":null,\"logLevel\":null,"
	    "\"logToStderr\":null,\"runtimeConfig\":null}";
	struct multus_netconf nc = { 0 };
	struct err e = { 0 };

	(void)state;
	assert_int_equal(parse(text, &nc, &e), 0);
	assert_string_equal(nc.kubeconfig, "");
	assert_null(nc.delegates);
	assert_string_equal(nc.conf_dir, "/etc/cni/net.d/multus");
	assert_string_equal(nc.cni_dir, "/var/lib/cni/multus");
	assert_string_equal(nc.bin_dir, "/opt/cni/bin");
	assert_string_equal(nc.ifname_prefix, "eth");
	assert_null(nc.system_namespaces);
	assert_false(nc.namespace_isolation);
	assert_true(nc.api_timeout_seconds == 10.0);
	assert_int_equal(nc.log_level, LOG_LEVEL_INFO);
	assert_true(nc.log_to_stderr);
	assert_null(nc.runtime_config);
	multus_netconf_done(&nc);
}

/* Every key with a value of the wrong JSON type: code 7, the key named. */
static void test_wrong_types(void **state)
{
	static const struct {
		const char *key, *value, *want;
	} cases[] = {
		{ "cniVersion", "1.0", "key \"cniVersion\" must be a string" },
		{ "name", "5", "key \"name\" must be a string" },
		{ "type", "true", "key \"type\" must be a string" },
		{ "kubeconfig", "1", "key \"kubeconfig\" must be a string" },
		{ "defaultDelegates", "[\"a\"]", "key \"defaultDelegates\" must be a string" },
		{ "delegates", "{}", "key \"delegates\" must be an array of objects" },
		{ "delegates", "[1]", "key \"delegates\" must be an array of objects" },
		{ "delegates", "[{},\"x\"]", "key \"delegates\" must be an array of objects" },
		{ "clusterNetwork", "{}", "key \"clusterNetwork\" must be a string" },
		{ "defaultNetworks", "\"a\"",
		  "key \"defaultNetworks\" must be an array of strings" },
		{ "defaultNetworks", "[\"a\",2]",
		  "key \"defaultNetworks\" must be an array of strings" },
		{ "confDir", "1", "key \"confDir\" must be a string" },
		{ "cniDir", "false", "key \"cniDir\" must be a string" },
		{ "binDir", "[]", "key \"binDir\" must be a string" },
		{ "ifnamePrefix", "1", "key \"ifnamePrefix\" must be a string" },
		{ "multusNamespace", "{}", "key \"multusNamespace\" must be a string" },
		{ "systemNamespaces", "\"kube-system\"",
		  "key \"systemNamespaces\" must be an array of strings" },
		{ "systemNamespaces", "[null]",
		  "key \"systemNamespaces\" must be an array of strings" },
		{ "namespaceIsolation", "\"true\"",
		  "key \"namespaceIsolation\" must be a boolean" },
		{ "namespaceIsolation", "1", "key \"namespaceIsolation\" must be a boolean" },
		{ "globalNamespaces", "[\"default\"]",
		  "key \"globalNamespaces\" must be a string" },
		{ "readinessindicatorfile", "1",
		  "key \"readinessindicatorfile\" must be a string" },
		{ "apiTimeoutSeconds", "\"10\"", "key \"apiTimeoutSeconds\" must be a number" },
		{ "delegateTimeoutSeconds", "true",
		  "key \"delegateTimeoutSeconds\" must be a number" },
		{ "logFile", "1", "key \"logFile\" must be a string" },
		{ "logLevel", "3", "key \"logLevel\" must be a string" },
		{ "logToStderr", "\"yes\"", "key \"logToStderr\" must be a boolean" },
		{ "runtimeConfig", "[]", "key \"runtimeConfig\" must be an object" },
		{ "capabilities", "\"portMappings\"", "key \"capabilities\" must be an object" },
		{ "logOptions", "[]", "key \"logOptions\" must be an object" },
		{ "logOptions", "\"maxSize=1\"", "key \"logOptions\" must be an object" },
		{ "logOptions", "{\"maxSize\":\"10\"}",
		  "key \"logOptions.maxSize\" must be an integer" },
		{ "logOptions", "{\"maxSize\":1.5}",
		  "key \"logOptions.maxSize\" must be an integer" },
		{ "logOptions", "{\"maxAge\":true}",
		  "key \"logOptions.maxAge\" must be an integer" },
		{ "logOptions", "{\"maxBackups\":[]}",
		  "key \"logOptions.maxBackups\" must be an integer" },
		{ "logOptions", "{\"compress\":1}",
		  "key \"logOptions.compress\" must be a boolean" },
		{ "logOptions", "{\"compress\":\"true\"}",
		  "key \"logOptions.compress\" must be a boolean" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = with_key(cases[i].key, cases[i].value);

		expect_error(text, -EINVAL, CNI_ERR_INVALID_NETCONF, cases[i].want);
		free(text);
	}
}

/* A prevResult that is no object is flagged, not fatal: DEL must go on (CNI), the rest
 * refuse it with code 7 through multus_netconf_prev_result_check. */
static void test_prev_result_not_object(void **state)
{
	static const char *const bad[] = { "[]", "\"x\"", "1", "true" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_free_ char *text = with_key("prevResult", bad[i]);
		struct multus_netconf nc = { 0 };
		struct err e = { 0 };

		assert_int_equal(parse(text, &nc, &e), 0);
		assert_true(nc.prev_result_invalid);
		assert_null(nc.prev_result);
		assert_int_equal(multus_netconf_prev_result_check(&nc, &e), -EINVAL);
		assert_int_equal(e.code, CNI_ERR_INVALID_NETCONF);
		assert_non_null(strstr(e.msg, "key \"prevResult\" must be an object"));
		multus_netconf_done(&nc);
	}
	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *text = with_key("prevResult", i ? "null" : "{\"ips\":[]}");
		struct multus_netconf nc = { 0 };
		struct err e = { 0 };

		assert_int_equal(parse(text, &nc, &e), 0);
		assert_false(nc.prev_result_invalid);
		assert_true(i ? nc.prev_result == NULL : json_is_object(nc.prev_result));
		assert_int_equal(multus_netconf_prev_result_check(&nc, &e), 0);
		multus_netconf_done(&nc);
	}
}

/* The seed documents LogFile/LogLevel; the lower-case spelling works too. */
static void test_case_insensitive_keys(void **state)
{
	struct multus_netconf nc = { 0 };
	struct err e = { 0 };

	(void)state;
	assert_int_equal(parse("{" BASE ",\"LogFile\":\"/var/log/multus.log\","
			       "\"LogLevel\":\"debug\"}",
			       &nc, &e),
			 0);
	assert_string_equal(nc.log_file, "/var/log/multus.log");
	assert_int_equal(nc.log_level, LOG_LEVEL_DEBUG);
	multus_netconf_done(&nc);

	assert_int_equal(parse("{" BASE ",\"logfile\":\"/a\",\"LOGLEVEL\":\"error\"}", &nc, &e), 0);
	assert_string_equal(nc.log_file, "/a");
	assert_int_equal(nc.log_level, LOG_LEVEL_ERROR);
	multus_netconf_done(&nc);

	/* Both spellings present: the exact one wins. */
	assert_int_equal(parse("{" BASE ",\"LogLevel\":\"error\",\"logLevel\":\"panic\"}", &nc, &e),
			 0);
	assert_int_equal(nc.log_level, LOG_LEVEL_PANIC);
	multus_netconf_done(&nc);

	/* A wrong type under the other spelling is still an error naming the key. */
	expect_error("{" BASE ",\"LogFile\":5}", -EINVAL, CNI_ERR_INVALID_NETCONF,
		     "key \"logFile\" must be a string");
	/* An unknown level under either spelling is info and remembered for the warning. */
	assert_int_equal(parse("{" BASE ",\"LogLevel\":\"loud\"}", &nc, &e), 0);
	assert_int_equal(nc.log_level, LOG_LEVEL_INFO);
	assert_string_equal(nc.log_level_unknown, "loud");
	multus_netconf_done(&nc);
}

static void test_json_object_get_ci(void **state)
{
	json_t *o = json_loads("{\"LogFile\":1,\"logFile\":2,\"Other\":3}", 0, NULL);
	json_t *arr = json_array();

	(void)state;
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get_ci(o, "logFile")), 2);
	assert_int_equal(json_integer_value(json_object_get_ci(o, "LogFile")), 1);
	assert_int_equal(json_integer_value(json_object_get_ci(o, "OTHER")), 3);
	assert_null(json_object_get_ci(o, "missing"));
	assert_null(json_object_get_ci(arr, "logFile"));
	assert_null(json_object_get_ci(NULL, "logFile"));
	json_decref(o);
	json_decref(arr);
}

static void test_log_levels(void **state)
{
	static const struct {
		const char *text;
		enum log_level level;
	} ok[] = {
		{ "debug", LOG_LEVEL_DEBUG },  { "verbose", LOG_LEVEL_VERBOSE },
		{ "info", LOG_LEVEL_INFO },    { "warning", LOG_LEVEL_WARNING },
		{ "error", LOG_LEVEL_ERROR },  { "panic", LOG_LEVEL_PANIC },
		{ "DEBUG", LOG_LEVEL_DEBUG },  { "Warning", LOG_LEVEL_WARNING },
		{ "warn", LOG_LEVEL_WARNING },
	};
	static const char *const bad[] = { "trace", "fatal", "debug ", "inf", "warnings", "0" };
	enum log_level l;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct multus_netconf nc = { 0 };
		struct err e = { 0 };
		char *text = NULL;

		assert_int_equal(log_level_parse(ok[i].text, &l), 0);
		assert_int_equal(l, ok[i].level);
		assert_true(asprintf(&text, "{" BASE ",\"logLevel\":\"%s\"}", ok[i].text) > 0);
		assert_int_equal(parse(text, &nc, &e), 0);
		assert_int_equal(nc.log_level, ok[i].level);
		multus_netconf_done(&nc);
		free(text);
	}
	/* Unknown levels are no error (upstream ignores them): info, with the text kept for the
	 * warning the command layer logs. */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct multus_netconf nc = { 0 };
		struct err e = { 0 };
		char *text = NULL;

		assert_int_equal(log_level_parse(bad[i], &l), -EINVAL);
		assert_true(asprintf(&text, "{" BASE ",\"logLevel\":\"%s\"}", bad[i]) > 0);
		assert_int_equal(parse(text, &nc, &e), 0);
		assert_int_equal(nc.log_level, LOG_LEVEL_INFO);
		assert_string_equal(nc.log_level_unknown, bad[i]);
		multus_netconf_done(&nc);
		free(text);
	}
	/* Empty: the default. */
	{
		struct multus_netconf nc = { 0 };
		struct err e = { 0 };

		assert_int_equal(parse("{" BASE ",\"logLevel\":\"\"}", &nc, &e), 0);
		assert_int_equal(nc.log_level, LOG_LEVEL_INFO);
		assert_null(nc.log_level_unknown);
		multus_netconf_done(&nc);
	}
	assert_string_equal(log_level_name(LOG_LEVEL_PANIC), "panic");
	assert_string_equal(log_level_name(LOG_LEVEL_ERROR), "error");
	assert_string_equal(log_level_name(LOG_LEVEL_WARNING), "warning");
	assert_string_equal(log_level_name(LOG_LEVEL_INFO), "info");
	assert_string_equal(log_level_name(LOG_LEVEL_VERBOSE), "verbose");
	assert_string_equal(log_level_name(LOG_LEVEL_DEBUG), "debug");
	assert_string_equal(log_level_name((enum log_level)17), "?");
}

static void test_versions(void **state)
{
	static const char *const ok[] = { "0.1.0", "0.2.0", "0.3.0", "0.3.1",
					  "0.4.0", "1.0.0", "1.1.0" };
	static const char *const missing[] = {
		"{\"name\":\"n\",\"type\":\"multus\"}",
		"{\"cniVersion\":\"\",\"name\":\"n\",\"type\":\"multus\"}",
		/* Only the exact key: "cniversion" is an unknown key, so the version is missing. */
		"{\"cniversion\":\"1.0.0\",\"name\":\"n\",\"type\":\"multus\"}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct multus_netconf nc = { 0 };
		struct err e = { 0 };
		char *text = NULL;

		assert_true(asprintf(&text, "{\"cniVersion\":\"%s\",\"name\":\"n\",\"type\":\"m\"}",
				     ok[i]) > 0);
		assert_int_equal(parse(text, &nc, &e), 0);
		assert_string_equal(nc.cni_version, ok[i]);
		multus_netconf_done(&nc);
		free(text);
	}
	/* Missing (or "") means 0.1.0, as the CNI spec and the Go plugins read it. */
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		struct multus_netconf nc = { 0 };
		struct err e = { 0 };

		assert_int_equal(parse(missing[i], &nc, &e), 0);
		assert_string_equal(nc.cni_version, "0.1.0");
		multus_netconf_done(&nc);
	}
	expect_error("{\"cniVersion\":\"0.2.1\",\"name\":\"n\",\"type\":\"multus\"}", -ENOTSUP,
		     CNI_ERR_INCOMPATIBLE_VERSION, "incompatible CNI version 0.2.1:");
	expect_error("{\"cniVersion\":\"1.2.0\",\"name\":\"n\",\"type\":\"multus\"}", -ENOTSUP,
		     CNI_ERR_INCOMPATIBLE_VERSION,
		     "multus supports 0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0");
	expect_error("{\"cniVersion\":\"1.0\",\"name\":\"n\",\"type\":\"multus\"}", -ENOTSUP,
		     CNI_ERR_INCOMPATIBLE_VERSION, "incompatible CNI version 1.0:");
	/* The version is checked before anything else: a bad name still gives code 1. */
	expect_error("{\"cniVersion\":\"0.0.1\",\"name\":\"a b\"}", -ENOTSUP,
		     CNI_ERR_INCOMPATIBLE_VERSION, "0.0.1");
}

/* The seed README's example configs, as written (no cniVersion) and with one. */
static void test_seed_examples(void **state)
{
	static const char kubeconfig[] = "{\n"
					 "    \"name\": \"node-cni-network\",\n"
					 "    \"type\": \"multus\",\n"
					 "    \"kubeconfig\": \"/root/.kube/config\"\n"
					 "}\n";
	static const char delegates[] = "{\n"
					"    \"name\": \"node-cni-network\",\n"
					"    \"type\": \"multus\",\n"
					"    \"kubeconfig\": \"/root/.kube/config\",\n"
					"    \"defaultDelegates\": \"tke-bridge\"\n"
					"}\n";
	static const char delegates_v[] = "{\n"
					  "    \"cniVersion\": \"0.3.1\",\n"
					  "    \"name\": \"node-cni-network\",\n"
					  "    \"type\": \"multus\",\n"
					  "    \"kubeconfig\": \"/root/.kube/config\",\n"
					  "    \"defaultDelegates\": \"tke-bridge\",\n"
					  "    \"LogFile\": \"/var/log/multus.log\",\n"
					  "    \"LogLevel\": \"debug\"\n"
					  "}\n";
	struct multus_netconf nc = { 0 };
	struct err e = { 0 };

	(void)state;
	/* As written they are 0.1.0 netconfs. */
	assert_int_equal(parse(kubeconfig, &nc, &e), 0);
	assert_string_equal(nc.cni_version, "0.1.0");
	assert_string_equal(nc.kubeconfig, "/root/.kube/config");
	multus_netconf_done(&nc);
	assert_int_equal(parse(delegates, &nc, &e), 0);
	assert_string_equal(nc.cni_version, "0.1.0");
	assert_string_equal(nc.default_delegates, "tke-bridge");
	multus_netconf_done(&nc);
	assert_int_equal(parse(delegates_v, &nc, &e), 0);
	assert_string_equal(nc.name, "node-cni-network");
	assert_string_equal(nc.kubeconfig, "/root/.kube/config");
	assert_string_equal(nc.default_delegates, "tke-bridge");
	assert_string_equal(nc.log_file, "/var/log/multus.log");
	assert_int_equal(nc.log_level, LOG_LEVEL_DEBUG);
	multus_netconf_done(&nc);
}

static void test_not_json(void **state)
{
	static const char *const bad[] = {
		"", " ", "{", "{\"cniVersion\":\"1.0.0\",}", "nul", "{'a':1}", "{\"a\":1}{}"
	};
	struct multus_netconf nc = { 0 };
	struct err e = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_error(bad[i], -EBADMSG, CNI_ERR_DECODE, "failed to decode netconf:");
	expect_error("{\"a\":", -EBADMSG, CNI_ERR_DECODE, "(line 1, column");
	/* The length is what counts, not a NUL: trailing bytes beyond it are not read. */
	assert_int_equal(
	    multus_netconf_parse("{" BASE "}garbage", sizeof("{" BASE "}") - 1, &nc, &e), 0);
	assert_string_equal(nc.name, "multus-cni-network");
	multus_netconf_done(&nc);
	assert_int_equal(multus_netconf_parse("{" BASE "}", sizeof("{" BASE "}") - 2, &nc, &e),
			 -EBADMSG);
	assert_int_equal(e.code, CNI_ERR_DECODE);
	/* A NUL inside is not the end of the text. */
	assert_int_equal(multus_netconf_parse("{}\0{}", 5, &nc, &e), -EBADMSG);
}

static void test_not_object(void **state)
{
	static const char *const scalars[] = { "\"multus\"", "1", "null", "true" };

	(void)state;
	expect_error("[]", -EBADMSG, CNI_ERR_DECODE, "netconf is not a JSON object");
	expect_error("[{" BASE "}]", -EBADMSG, CNI_ERR_DECODE, "netconf is not a JSON object");
	/* A bare scalar is not even accepted by the decoder: code 6 all the same. */
	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
		expect_error(scalars[i], -EBADMSG, CNI_ERR_DECODE, "failed to decode netconf:");
}

static void test_duplicates(void **state)
{
	(void)state;
	expect_error("{" BASE ",\"name\":\"other\"}", -EBADMSG, CNI_ERR_DECODE, "duplicate");
	expect_error("{" BASE ",\"runtimeConfig\":{\"a\":1,\"a\":2}}", -EBADMSG, CNI_ERR_DECODE,
		     "duplicate");
}

static void test_too_large(void **state)
{
	size_t len = NETCONF_MAX_BYTES + 1;
	char *big = malloc(len);
	struct multus_netconf nc = { 0 };
	struct err e = { 0 };

	(void)state;
	assert_non_null(big);
	memset(big, ' ', len);
	memcpy(big, "{" BASE "}", sizeof("{" BASE "}") - 1);
	assert_int_equal(multus_netconf_parse(big, len, &nc, &e), -E2BIG);
	assert_int_equal(e.code, CNI_ERR_DECODE);
	assert_non_null(strstr(e.msg, "larger than 4194304 bytes"));
	/* 4 MiB exactly, mostly white space, is fine. */
	assert_int_equal(multus_netconf_parse(big, len - 1, &nc, &e), 0);
	multus_netconf_done(&nc);
	free(big);
}

static void test_name_and_type(void **state)
{
	static const char *const bad[] = { "", "-x", ".x", "../x", "a/b", "my net", "a:b", "ä" };
	struct multus_netconf nc = { 0 };
	struct err e = { 0 };

	(void)state;
	expect_error("{\"cniVersion\":\"1.0.0\",\"type\":\"multus\"}", -EINVAL,
		     CNI_ERR_INVALID_NETCONF, "key \"name\" is required");
	expect_error("{\"cniVersion\":\"1.0.0\",\"name\":null,\"type\":\"multus\"}", -EINVAL,
		     CNI_ERR_INVALID_NETCONF, "key \"name\" is required");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *s = json_string(bad[i]);
		char *v = json_dumps(s, JSON_ENCODE_ANY), *text, want[64];

		text = with_key("name", v);
		snprintf(want, sizeof(want), "name \"%s\" is invalid", bad[i]);
		expect_error(text, -EINVAL, CNI_ERR_INVALID_NETCONF, want);
		free(text);
		free(v);
		json_decref(s);
	}
	expect_error("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}", -EINVAL, CNI_ERR_INVALID_NETCONF,
		     "key \"type\" is required");
	expect_error("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"\"}", -EINVAL,
		     CNI_ERR_INVALID_NETCONF, "key \"type\" is required");
	/* Same rule as a container id: dots, dashes and underscores after the first. */
	assert_int_equal(parse("{\"cniVersion\":\"1.0.0\",\"name\":\"Multus_cni-net.1\","
			       "\"type\":\"multus\"}",
			       &nc, &e),
			 0);
	assert_string_equal(nc.name, "Multus_cni-net.1");
	multus_netconf_done(&nc);
}

static void test_timeouts(void **state)
{
	static const char *const keys[] = { "apiTimeoutSeconds", "delegateTimeoutSeconds" };
	static const char *const bad[] = { "0", "0.0", "-1", "86400.5", "86401", "1e300" };

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct multus_netconf nc = { 0 };
		struct err e = { 0 };
		char *text;

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char want[96];

			text = with_key(keys[k], bad[i]);
			snprintf(want, sizeof(want),
				 "key \"%s\" must be a number of seconds in (0, 86400]", keys[k]);
			expect_error(text, -EINVAL, CNI_ERR_INVALID_NETCONF, want);
			free(text);
		}
		text = with_key(keys[k], "0.001");
		assert_int_equal(parse(text, &nc, &e), 0);
		assert_true((k ? nc.delegate_timeout_seconds : nc.api_timeout_seconds) == 0.001);
		multus_netconf_done(&nc);
		free(text);
		text = with_key(keys[k], "86400");
		assert_int_equal(parse(text, &nc, &e), 0);
		assert_true((k ? nc.delegate_timeout_seconds : nc.api_timeout_seconds) == 86400);
		multus_netconf_done(&nc);
		free(text);
	}
}

static void test_ifname_prefix(void **state)
{
	static const char *const bad[] = { "\"\"",    "\"abcdefghijklm\"", "\"a/b\"",
					   "\"a:b\"", "\"a b\"",	   "\".\"",
					   "\"..\"",  "\"e\\t\"" };
	static const char *const good[] = { "net", "e", "abcdefghijkl", "eth-", "v." };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *text = with_key("ifnamePrefix", bad[i]);

		expect_error(text, -EINVAL, CNI_ERR_INVALID_NETCONF,
			     "is invalid: 1-12 bytes of an interface name");
		free(text);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct multus_netconf nc = { 0 };
		struct err e = { 0 };
		char *text = NULL;

		assert_true(asprintf(&text, "{" BASE ",\"ifnamePrefix\":\"%s\"}", good[i]) > 0);
		assert_int_equal(parse(text, &nc, &e), 0);
		assert_string_equal(nc.ifname_prefix, good[i]);
		multus_netconf_done(&nc);
		free(text);
	}
}

static void test_empty_dirs(void **state)
{
	static const char *const keys[] = { "confDir", "cniDir", "binDir" };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		char *text = with_key(keys[i], "\"\"");

		expect_error(text, -EINVAL, CNI_ERR_INVALID_NETCONF,
			     "confDir, cniDir and binDir must not be empty");
		free(text);
	}
}

/* The rotation of logOptions, over upstream's defaults (100 MB, 5 days, 5 backups, gzip). */
static void expect_rotate(const char *options, unsigned long long mib, unsigned age,
			  unsigned backups, bool compress)
{
	struct multus_netconf nc = { 0 };
	struct err e = { 0 };
	char *text = options ? with_key("logOptions", options) : strdup("{" BASE "}");

	assert_non_null(text);
	if (parse(text, &nc, &e) != 0)
		fail_msg("%s: %s", text, e.msg);
	if (nc.log_rotate.max_bytes != mib * LOG_MIB || nc.log_rotate.max_age_days != age ||
	    nc.log_rotate.max_backups != backups || nc.log_rotate.compress != compress)
		fail_msg("%s: got %llu bytes, %u days, %u backups, compress %d", text,
			 nc.log_rotate.max_bytes, nc.log_rotate.max_age_days,
			 nc.log_rotate.max_backups, nc.log_rotate.compress);
	multus_netconf_done(&nc);
	free(text);
}

static void test_log_options(void **state)
{
	(void)state;
	expect_rotate(NULL, 100, 5, 5, true);
	expect_rotate("null", 100, 5, 5, true);
	expect_rotate("{}", 100, 5, 5, true);
	expect_rotate("{\"maxSize\":1,\"maxAge\":7,\"maxBackups\":2,\"compress\":false}", 1, 7, 2,
		      false);
	/* Each key on its own; the others keep upstream's defaults. */
	expect_rotate("{\"maxSize\":50}", 50, 5, 5, true);
	expect_rotate("{\"maxAge\":0}", 100, 0, 5, true);
	expect_rotate("{\"maxBackups\":0}", 100, 5, 0, true);
	expect_rotate("{\"compress\":false}", 100, 5, 5, false);
	expect_rotate("{\"maxSize\":null,\"compress\":null}", 100, 5, 5, true);
	/* lumberjack: maxSize 0 is its default of 100 MB; a negative maxAge or maxBackups is no
	 * limit, as 0 is. Too big a size is capped (1 TiB), not wrapped. */
	expect_rotate("{\"maxSize\":0}", 100, 5, 5, true);
	expect_rotate("{\"maxSize\":-3,\"maxAge\":-1,\"maxBackups\":-1}", 100, 0, 0, true);
	expect_rotate("{\"maxSize\":9223372036854775807}", 1 << 20, 5, 5, true);
	/* Keys as Go's encoding/json matches them: any case. Unknown keys are ignored. */
	expect_rotate("{\"MaxSize\":3,\"MAXAGE\":4,\"maxbackups\":1,\"Compress\":false,"
		      "\"localTime\":true}",
		      3, 4, 1, false);
	{
		char *text = with_key("LogOptions", "{\"maxSize\":2}");
		struct multus_netconf nc = { 0 };
		struct err e = { 0 };

		assert_int_equal(parse(text, &nc, &e), 0);
		assert_true(nc.log_rotate.max_bytes == 2 * LOG_MIB);
		multus_netconf_done(&nc);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_null_keeps_defaults),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_prev_result_not_object),
		cmocka_unit_test(test_case_insensitive_keys),
		cmocka_unit_test(test_json_object_get_ci),
		cmocka_unit_test(test_log_levels),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_seed_examples),
		cmocka_unit_test(test_not_json),
		cmocka_unit_test(test_not_object),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_name_and_type),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_ifname_prefix),
		cmocka_unit_test(test_empty_dirs),
		cmocka_unit_test(test_log_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
