// SPDX-License-Identifier: GPL-2.0-or-later
#include <math.h>
#include <stdint.h>
#include <strings.h>

#include "cni/cni.h"
#include "cni/version.h"
#include "multus/netconf.h"
#include "util/names.h"

json_t *json_object_get_ci(json_t *obj, const char *key)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return NULL;
	v = json_object_get(obj, key);
	if (v)
		return v;
	json_object_foreach (obj, k, v)
		if (strcasecmp(k, key) == 0)
			return v;
	return NULL;
}

static int bad_type(struct err *e, const char *key, const char *want)
{
	return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL, "netconf: key \"%s\" must be %s", key,
			want);
}

/* Optional string key: absent or null keeps the default. */
static int get_string(json_t *raw, const char *key, const char **out, const char *def,
		      struct err *e)
{
	json_t *v = json_object_get_ci(raw, key);

	if (!v || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_string(v))
		return bad_type(e, key, "a string");
	*out = json_string_value(v);
	return 0;
}

static int get_bool(json_t *raw, const char *key, bool *out, bool def, struct err *e)
{
	json_t *v = json_object_get_ci(raw, key);

	if (!v || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_boolean(v))
		return bad_type(e, key, "a boolean");
	*out = json_is_true(v);
	return 0;
}

static int get_seconds(json_t *raw, const char *key, double *out, double def, struct err *e)
{
	json_t *v = json_object_get_ci(raw, key);
	double d;

	if (!v || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_number(v))
		return bad_type(e, key, "a number");
	d = json_number_value(v);
	/* A day is far beyond any sane bound and keeps the millisecond maths in range. */
	if (!isfinite(d) || d <= 0 || d > 86400)
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				"netconf: key \"%s\" must be a number of seconds in (0, 86400]",
				key);
	*out = d;
	return 0;
}

/* One logOptions integer. Upstream reads them into Go ints: a number with a fraction is an
 * error there too; a negative one means what 0 means (lumberjack tests "> 0"). */
static int get_log_count(json_t *opts, const char *key, long long max, long long *out,
			 struct err *e)
{
	json_t *v = json_object_get_ci(opts, key);
	long long n;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				"netconf: key \"logOptions.%s\" must be an integer", key);
	n = json_integer_value(v);
	*out = n < 0 ? 0 : n > max ? max : n;
	return 0;
}

/* logOptions over upstream's defaults: maxSize 0 is lumberjack's default of 100 MB. */
static int get_log_options(json_t *raw, struct log_rotate *out, struct err *e)
{
	json_t *opts = json_object_get_ci(raw, "logOptions"), *v;
	struct log_rotate rot = LOG_ROTATE_UPSTREAM;
	long long size = 100, age = rot.max_age_days, backups = rot.max_backups;
	int r;

	if (opts && !json_is_null(opts)) {
		if (!json_is_object(opts))
			return bad_type(e, "logOptions", "an object");
		if ((r = get_log_count(opts, "maxSize", 1 << 20, &size, e)) < 0 ||
		    (r = get_log_count(opts, "maxAge", UINT32_MAX, &age, e)) < 0 ||
		    (r = get_log_count(opts, "maxBackups", UINT32_MAX, &backups, e)) < 0)
			return r;
		v = json_object_get_ci(opts, "compress");
		if (v && !json_is_null(v) && !json_is_boolean(v))
			return bad_type(e, "logOptions.compress", "a boolean");
		if (v && json_is_boolean(v))
			rot.compress = json_is_true(v);
	}
	rot.max_bytes = (unsigned long long)(size ? size : 100) * LOG_MIB;
	rot.max_age_days = (unsigned)age;
	rot.max_backups = (unsigned)backups;
	*out = rot;
	return 0;
}

static int get_typed(json_t *raw, const char *key, int (*is)(const json_t *), const char *want,
		     json_t **out, struct err *e)
{
	json_t *v = json_object_get_ci(raw, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!is(v))
		return bad_type(e, key, want);
	*out = v;
	return 0;
}

static int is_object(const json_t *j)
{
	return json_is_object(j);
}

static int is_string_array(const json_t *j)
{
	size_t i;
	json_t *v;

	if (!json_is_array(j))
		return 0;
	json_array_foreach ((json_t *)j, i, v)
		if (!json_is_string(v))
			return 0;
	return 1;
}

static int is_object_array(const json_t *j)
{
	size_t i;
	json_t *v;

	if (!json_is_array(j))
		return 0;
	json_array_foreach ((json_t *)j, i, v)
		if (!json_is_object(v))
			return 0;
	return 1;
}

int multus_netconf_parse(const char *buf, size_t len, struct multus_netconf *ret, struct err *e)
{
	struct multus_netconf nc = { 0 };
	json_error_t jerr;
	const char *level = NULL;
	json_t *v;
	int r;

	if (len > NETCONF_MAX_BYTES)
		return err_setc(e, CNI_ERR_DECODE, -E2BIG, "netconf is larger than %d bytes",
				NETCONF_MAX_BYTES);
	nc.raw = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!nc.raw)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG,
				"failed to decode netconf: %s (line %d, column %d)", jerr.text,
				jerr.line, jerr.column);
	if (!json_is_object(nc.raw)) {
		json_decref(nc.raw);
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "netconf is not a JSON object");
	}
	/* From here on nc.raw is released through multus_netconf_done() on failure. */
	v = json_object_get(nc.raw, "cniVersion");
	if (v && !json_is_string(v)) {
		r = bad_type(e, "cniVersion", "a string");
		goto fail;
	}
	/* Missing (or "", as the Go plugins read it) is 0.1.0, the CNI spec's first version. */
	nc.cni_version = v && json_string_length(v) ? json_string_value(v) : "0.1.0";
	if (!cni_version_supported(nc.cni_version)) {
		r = err_setc(
		    e, CNI_ERR_INCOMPATIBLE_VERSION, -ENOTSUP,
		    "incompatible CNI version %s: multus supports " CNI_SUPPORTED_VERSIONS_TEXT,
		    nc.cni_version);
		goto fail;
	}
	if ((r = get_string(nc.raw, "name", &nc.name, NULL, e)) < 0 ||
	    (r = get_string(nc.raw, "type", &nc.type, NULL, e)) < 0)
		goto fail;
	if (!nc.name || !name_is_cni_id(nc.name)) {
		r = err_setc(
		    e, CNI_ERR_INVALID_NETCONF, -EINVAL,
		    nc.name
			? "netconf: name \"%.64s\" is invalid: must match ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$"
			: "netconf: key \"name\" is required%.0s",
		    nc.name ? nc.name : "");
		goto fail;
	}
	if (!nc.type || !nc.type[0]) {
		/* A conflist given as it is (the runtime hands each plugin its own config). */
		r = err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
			     json_object_get(nc.raw, "plugins")
				 ? "netconf: key \"type\" is required: this is a conflist "
				   "(\"plugins\"), multus takes one plugin's config"
				 : "netconf: key \"type\" is required");
		goto fail;
	}
	if ((r = get_string(nc.raw, "kubeconfig", &nc.kubeconfig, "", e)) < 0 ||
	    (r = get_string(nc.raw, "defaultDelegates", &nc.default_delegates, "", e)) < 0 ||
	    (r = get_typed(nc.raw, "delegates", is_object_array, "an array of objects",
			   &nc.delegates, e)) < 0 ||
	    (r = get_string(nc.raw, "clusterNetwork", &nc.cluster_network, "", e)) < 0 ||
	    (r = get_typed(nc.raw, "defaultNetworks", is_string_array, "an array of strings",
			   &nc.default_networks, e)) < 0 ||
	    (r = get_string(nc.raw, "confDir", &nc.conf_dir, "/etc/cni/net.d/multus", e)) < 0 ||
	    (r = get_string(nc.raw, "cniDir", &nc.cni_dir, "/var/lib/cni/multus", e)) < 0 ||
	    (r = get_string(nc.raw, "binDir", &nc.bin_dir, "/opt/cni/bin", e)) < 0 ||
	    (r = get_string(nc.raw, "ifnamePrefix", &nc.ifname_prefix, "eth", e)) < 0 ||
	    (r = get_string(nc.raw, "multusNamespace", &nc.multus_namespace, "kube-system", e)) <
		0 ||
	    (r = get_typed(nc.raw, "systemNamespaces", is_string_array, "an array of strings",
			   &nc.system_namespaces, e)) < 0 ||
	    (r = get_bool(nc.raw, "namespaceIsolation", &nc.namespace_isolation, false, e)) < 0 ||
	    (r = get_string(nc.raw, "globalNamespaces", &nc.global_namespaces, "default", e)) < 0 ||
	    (r = get_string(nc.raw, "readinessindicatorfile", &nc.readiness_indicator_file, "",
			    e)) < 0 ||
	    (r = get_string(nc.raw, "kubeletRootDir", &nc.kubelet_root_dir, "/var/lib/kubelet",
			    e)) < 0 ||
	    (r = get_string(nc.raw, "deviceInfoDir", &nc.device_info_dir,
			    "/var/run/k8s.cni.cncf.io/devinfo", e)) < 0 ||
	    (r = get_seconds(nc.raw, "apiTimeoutSeconds", &nc.api_timeout_seconds, 10, e)) < 0 ||
	    (r = get_seconds(nc.raw, "delegateTimeoutSeconds", &nc.delegate_timeout_seconds, 60,
			     e)) < 0 ||
	    (r = get_string(nc.raw, "logFile", &nc.log_file, "", e)) < 0 ||
	    (r = get_string(nc.raw, "daemonSocket", &nc.daemon_socket, "/run/multus/multus.sock",
			    e)) < 0 ||
	    (r = get_string(nc.raw, "logLevel", &level, "info", e)) < 0 ||
	    (r = get_bool(nc.raw, "logToStderr", &nc.log_to_stderr, true, e)) < 0 ||
	    (r = get_log_options(nc.raw, &nc.log_rotate, e)) < 0 ||
	    (r = get_typed(nc.raw, "runtimeConfig", is_object, "an object", &nc.runtime_config,
			   e)) < 0 ||
	    (r = get_typed(nc.raw, "capabilities", is_object, "an object", &nc.capabilities, e)) <
		0)
		goto fail;
	/* Only flagged: DEL must clean up even then (it needs the store, not this); the command
	 * layer refuses it for the others. */
	v = json_object_get_ci(nc.raw, "prevResult");
	if (v && !json_is_null(v) && !json_is_object(v))
		nc.prev_result_invalid = true;
	else
		nc.prev_result = v && json_is_object(v) ? v : NULL;
	/* Upstream ignores a level it does not know; so do we, with a warning (cmd.c). */
	if (!level[0] || log_level_parse(level, &nc.log_level) < 0) {
		nc.log_level = LOG_LEVEL_INFO;
		nc.log_level_unknown = level[0] ? level : NULL;
	}
	if (nc.ifname_prefix[0] == '\0' || strlen(nc.ifname_prefix) > 12 ||
	    !name_is_ifname(nc.ifname_prefix)) {
		r = err_setc(
		    e, CNI_ERR_INVALID_NETCONF, -EINVAL,
		    "netconf: ifnamePrefix \"%.32s\" is invalid: 1-12 bytes of an interface name",
		    nc.ifname_prefix);
		goto fail;
	}
	if (!nc.cni_dir[0] || !nc.conf_dir[0] || !nc.bin_dir[0]) {
		r = err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
			     "netconf: confDir, cniDir and binDir must not be empty");
		goto fail;
	}
	if (nc.kubelet_root_dir[0] != '/' || nc.device_info_dir[0] != '/') {
		r = err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
			     "netconf: kubeletRootDir and deviceInfoDir must be absolute paths");
		goto fail;
	}
	*ret = nc;
	return 0;
fail:
	multus_netconf_done(&nc);
	return r;
}

int multus_netconf_prev_result_check(const struct multus_netconf *nc, struct err *e)
{
	return nc->prev_result_invalid ? bad_type(e, "prevResult", "an object") : 0;
}

void multus_netconf_done(struct multus_netconf *nc)
{
	json_decref(nc->raw);
	nc->raw = NULL;
}

bool multus_netconf_is_system_namespace(const struct multus_netconf *nc, const char *ns)
{
	size_t i;
	json_t *v;

	if (!nc->system_namespaces)
		return streq(ns, "kube-system");
	json_array_foreach (nc->system_namespaces, i, v)
		if (streq(json_string_value(v), ns))
			return true;
	return false;
}
