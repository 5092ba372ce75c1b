// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>

#include "cni/cni.h"
#include "cni/delegate.h"
#include "cni/exec.h"
#include "cni/result.h"
#include "cni/version.h"

int cni_conf_is_list(json_t *conf)
{
	return json_is_array(json_object_get(conf, "plugins"));
}

const char *cni_conf_type(json_t *conf)
{
	if (cni_conf_is_list(conf))
		return json_string_value(
		    json_object_get(json_array_get(json_object_get(conf, "plugins"), 0), "type"));
	return json_string_value(json_object_get(conf, "type"));
}

int cni_conf_validate(json_t *conf, const char *what, struct err *e)
{
	json_t *plugins, *p, *v;
	size_t i;

	if (!json_is_object(conf))
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL, "%s: config is not an object",
				what);
	v = json_object_get(conf, "cniVersion");
	if (v && !json_is_string(v))
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				"%s: cniVersion must be a string", what);
	plugins = json_object_get(conf, "plugins");
	if (!plugins) {
		v = json_object_get(conf, "type");
		if (!json_is_string(v) || !json_string_length(v))
			return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
					"%s: config has no \"type\" (nor \"plugins\")", what);
		return 0;
	}
	if (!json_is_array(plugins) || json_array_size(plugins) == 0)
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				"%s: \"plugins\" must be a non-empty array", what);
	json_array_foreach (plugins, i, p) {
		v = json_object_get(p, "type");
		if (!json_is_object(p) || !json_is_string(v) || !json_string_length(v))
			return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
					"%s: plugins[%zu] has no \"type\"", what, i);
	}
	return 0;
}

const char *cni_delegate_version_for(json_t *conf)
{
	const char *v = json_string_value(json_object_get(conf, "cniVersion"));

	/* As libcni hands it on: a config without a version is a 0.1.0 config (CNI spec). */
	return v && v[0] ? v : "0.1.0";
}

/* The plugins to run: the conflist's, or the config itself as a list of one. */
static json_t *plugin_list(json_t *conf)
{
	json_t *plugins = json_object_get(conf, "plugins");

	if (json_is_array(plugins))
		return json_incref(plugins);
	return json_pack("[O]", conf);
}

/* A plugin's config as libcni builds it. */
static json_t *plugin_conf(json_t *conf, json_t *plugin, const char *version,
			   const struct cni_invoke *inv, json_t *prev, json_t *extra, struct err *e)
{
	json_t *c = json_deep_copy(plugin), *caps, *rc = NULL, *v;
	const char *k;

	if (!c)
		return NULL;
	if (json_object_get(conf, "name"))
		json_object_set(c, "name", json_object_get(conf, "name"));
	json_object_set_new(c, "cniVersion", json_string(version));
	json_object_del(c, "runtimeConfig");
	caps = json_object_get(plugin, "capabilities");
	if (json_is_object(caps) && json_is_object(inv->runtime_config)) {
		json_object_foreach (caps, k, v) {
			json_t *val = json_object_get(inv->runtime_config, k);

			if (!json_is_true(v) || !val)
				continue;
			if (!rc)
				rc = json_object();
			json_object_set(rc, k, val);
		}
	}
	if (rc)
		json_object_set_new(c, "runtimeConfig", rc);
	if (prev) {
		json_t *conv = NULL;

		if (cni_result_convert(prev, version, &conv, e) < 0) {
			json_decref(c);
			return NULL;
		}
		json_object_set_new(c, "prevResult", conv);
	}
	if (extra)
		json_object_update(c, extra);
	return c;
}

static void tail_line(const char *s, size_t len, char *buf, size_t size)
{
	/* The last non-empty line of stderr says most about a crash. */
	while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
		len--;
	size_t start = len;
	while (start && s[start - 1] != '\n')
		start--;
	snprintf(buf, size, "%.*s", (int)(len - start), s + start);
}

struct outcome {
	int code; /* the delegate's CNI code when it printed an error */
	json_t *result;
};

/* Runs one plugin with one command; turns every way of failing into an error. */
static int run_plugin(const char *command, json_t *pconf, const struct cni_invoke *inv,
		      const char *what, struct outcome *out, struct err *e)
{
	_cleanup_free_ char *bin = NULL, *in = NULL, *msg = NULL, *details = NULL;
	const char *type = json_string_value(json_object_get(pconf, "type"));
	struct cni_exec_out o = { 0 };
	struct err load_e = { 0 };
	json_auto_t *root = NULL;
	struct cni_exec_req req;
	char tail[256];
	int r, code, lr = 0;

	out->code = 0;
	out->result = NULL;
	r = cni_exec_find(type, inv->cni_path, inv->bin_dir, &bin, e);
	if (r < 0)
		return err_prefix(e, r, "%s", what);
	in = json_dumps(pconf, JSON_COMPACT);
	if (!in)
		return -ENOMEM;
	req = (struct cni_exec_req){
		.binary = bin,
		.command = command,
		.container_id = inv->container_id,
		.netns = inv->netns,
		.ifname = inv->ifname,
		.args = inv->args,
		.path = inv->cni_path,
		.stdin_buf = in,
		.stdin_len = strlen(in),
		.timeout_ms = inv->timeout_ms,
		.started = inv->started,
		.started_data = inv->started_data,
	};
	r = cni_exec_run(&req, &o, e);
	if (r < 0)
		return err_prefix(e, r, "%s", what);
	if (inv->on_stderr && o.err_len)
		inv->on_stderr(inv->userdata, type, o.err);
	tail_line(o.err, o.err_len, tail, sizeof(tail));
	if (o.timed_out)
		r = err_setc(e, CNI_ERR_DELEGATE, -ETIMEDOUT,
			     "%s: %s %s did not finish within %ld ms and was killed", what, type,
			     command, inv->timeout_ms);
	else if (o.signal)
		r = err_setc(e, CNI_ERR_DELEGATE, -ECHILD, "%s: %s %s was killed by signal %d%s%s",
			     what, type, command, o.signal, tail[0] ? ": " : "", tail);
	/* Only ADD's output, or a failure's error object, is read. */
	else if (o.truncated && (streq(command, "ADD") || o.exit_code != 0))
		r = err_setc(e, CNI_ERR_DELEGATE, -EMSGSIZE, "%s: %s %s printed more than %d bytes",
			     what, type, command, CNI_EXEC_STDOUT_MAX);
	/* The exit status decides, as in libcni: a DEL or CHECK that exits 0 has succeeded,
	 * even when it printed an error object. */
	else if (!streq(command, "ADD") && o.exit_code == 0)
		r = 0;
	/* stdout is decoded once, for both questions (a result is ~90k instructions). */
	else if ((lr = cni_output_load(o.out, o.out_len, &root, &load_e)) == 0 &&
		 cni_error_parse_json(root, &code, &msg, &details) == 1) {
		out->code = code;
		r = err_setc(e, code > 0 ? code : CNI_ERR_DELEGATE, -EIO, "%s: %s %s failed: %s",
			     what, type, command, msg);
		err_details(e, "%s", details);
	} else if (o.exit_code != 0)
		r = err_setc(e, CNI_ERR_DELEGATE, -EIO, "%s: %s %s exited with status %d%s%s", what,
			     type, command, o.exit_code, tail[0] ? ": " : "", tail);
	else if (streq(command, "ADD")) {
		const char *v = json_string_value(json_object_get(pconf, "cniVersion"));

		if (lr < 0) {
			r = lr;
			if (e)
				*e = load_e;
		} else {
			r = cni_result_parse_json(root, v, &out->result, e);
		}
		if (r < 0)
			r = err_prefix(e, r, "%s: %s ADD printed an invalid result", what, type);
	} else
		r = 0;
	cni_exec_out_done(&o);
	return r;
}

/* Asks the plugin which versions it speaks; the highest not above `ceiling`. */
static int probe_version(const char *type, const struct cni_invoke *inv, const char *ceiling,
			 char **ret, struct err *e)
{
	_cleanup_free_ char *bin = NULL, *in = NULL;
	json_auto_t *reply = NULL;
	struct cni_exec_out o = { 0 };
	struct cni_exec_req req;
	const char *best = NULL;
	json_t *v;
	size_t i;
	int r;

	r = cni_exec_find(type, inv->cni_path, inv->bin_dir, &bin, e);
	if (r < 0)
		return r;
	if (asprintf(&in, "{\"cniVersion\":\"%s\"}", ceiling) < 0)
		return -ENOMEM;
	req = (struct cni_exec_req){ .binary = bin,
				     .command = "VERSION",
				     .path = inv->cni_path,
				     .stdin_buf = in,
				     .stdin_len = strlen(in),
				     .timeout_ms = inv->timeout_ms };
	r = cni_exec_run(&req, &o, e);
	if (r < 0)
		return r;
	reply = json_loadb(o.out, o.out_len, 0, NULL);
	cni_exec_out_done(&o);
	json_array_foreach (json_object_get(reply, "supportedVersions"), i, v) {
		const char *s = json_string_value(v);

		if (s && cni_version_parse(s) >= 0 && cni_version_cmp(s, ceiling) <= 0 &&
		    (!best || cni_version_cmp(s, best) > 0))
			best = s;
	}
	if (!best)
		return err_setc(e, CNI_ERR_INCOMPATIBLE_VERSION, -ENOTSUP,
				"plugin %s supports no CNI version up to %s", type, ceiling);
	*ret = strdup(best);
	return *ret ? 0 : -ENOMEM;
}

static int del_list(json_t *conf, json_t *plugins, size_t upto, const struct cni_invoke *inv,
		    const char *version, json_t *prev, const char *what, struct err *e);

static int add_once(json_t *conf, const struct cni_invoke *inv, const char *version, json_t **ret,
		    int *ret_code, size_t *ret_failed, struct err *e)
{
	json_auto_t *plugins = plugin_list(conf), *prev = NULL;
	const char *name = json_string_value(json_object_get(conf, "name"));
	char what[128];
	json_t *p;
	size_t i;
	int r;

	*ret_code = 0;
	json_array_foreach (plugins, i, p) {
		json_auto_t *pc = NULL;
		struct outcome out;

		snprintf(what, sizeof(what), "network \"%s\"", name ? name : "?");
		pc = plugin_conf(conf, p, version, inv, prev, NULL, e);
		if (!pc)
			return -EINVAL;
		r = run_plugin("ADD", pc, inv, what, &out, e);
		if (r < 0) {
			*ret_code = out.code;
			*ret_failed = i;
			return r;
		}
		json_decref(prev);
		prev = out.result;
	}
	*ret = TAKE_PTR(prev);
	return 0;
}

int cni_delegate_add(json_t *conf, const struct cni_invoke *inv, const char *version,
		     json_t **ret_result, char **ret_version, struct err *e)
{
	_cleanup_free_ char *negotiated = NULL;
	json_t *result = NULL;
	size_t failed = 0;
	int r, code;

	r = add_once(conf, inv, version, &result, &code, &failed, e);
	if (r < 0 && code == CNI_ERR_INCOMPATIBLE_VERSION) {
		json_auto_t *plugins = plugin_list(conf);
		const char *type =
		    json_string_value(json_object_get(json_array_get(plugins, failed), "type"));
		struct err e2 = { 0 };

		if (probe_version(type, inv, inv->caller_version, &negotiated, &e2) < 0 ||
		    streq(negotiated, version))
			return r; /* keep the delegate's own error */
		/* Undo what the first try added, then run the whole list in the new version. */
		if (failed > 0)
			del_list(conf, plugins, failed, inv, version, NULL, "rollback", &e2);
		version = negotiated;
		r = add_once(conf, inv, version, &result, &code, &failed, e);
	}
	if (r < 0)
		return r;
	*ret_version = strdup(version);
	if (!*ret_version) {
		json_decref(result);
		return -ENOMEM;
	}
	*ret_result = result;
	return 0;
}

/*
 * A DEL plugin config. DEL must run whatever became of the stored result: when the prevResult
 * cannot be written in `version` (one newer than ours or unknown, stored by a later multus or
 * edited), the plugin gets its DEL without it.
 */
static json_t *del_conf(json_t *conf, json_t *plugin, const char *version,
			const struct cni_invoke *inv, json_t *prev, struct err *e)
{
	json_t *pc = NULL;

	if (prev && cni_version_supported(version))
		pc = plugin_conf(conf, plugin, version, inv, prev, NULL, e);
	return pc ? pc : plugin_conf(conf, plugin, version, inv, NULL, NULL, e);
}

/* A plugin that refuses the version on DEL would refuse forever, and the runtime's retries
 * with it: ask it once which version it speaks and try again in that. */
static int del_renegotiated(json_t *conf, json_t *plugin, const struct cni_invoke *inv,
			    const char *version, json_t *prev, const char *what, struct err *e)
{
	_cleanup_free_ char *v = NULL;
	json_auto_t *pc = NULL;
	struct outcome out;
	int r;

	r = probe_version(json_string_value(json_object_get(plugin, "type")), inv,
			  inv->caller_version, &v, NULL);
	if (r < 0 || streq(v, version))
		return -EIO;
	if (prev && cni_version_cmp(v, "0.4.0") < 0)
		prev = NULL;
	pc = del_conf(conf, plugin, v, inv, prev, e);
	if (!pc)
		return -EINVAL;
	return run_plugin("DEL", pc, inv, what, &out, e);
}

/* DEL of plugins [0, upto) in reverse, past errors; the first error is returned. */
static int del_list(json_t *conf, json_t *plugins, size_t upto, const struct cni_invoke *inv,
		    const char *version, json_t *prev, const char *what, struct err *e)
{
	/* Below 0.4.0 DEL has no prevResult (libcni does the same). A version that cannot be
	 * parsed keeps it for the renegotiated try. */
	bool old = cni_version_parse(version) >= 0 && cni_version_cmp(version, "0.4.0") < 0;
	json_t *pr = old ? NULL : prev;
	int first = 0;

	for (size_t i = upto; i-- > 0;) {
		json_t *plugin = json_array_get(plugins, i);
		json_auto_t *pc = NULL;
		struct err e2 = { 0 };
		struct outcome out = { 0 };
		int r;

		pc = del_conf(conf, plugin, version, inv, pr, &e2);
		r = pc ? run_plugin("DEL", pc, inv, what, &out, &e2) : -ENOMEM;
		if (r < 0 && out.code == CNI_ERR_INCOMPATIBLE_VERSION)
			r = del_renegotiated(conf, plugin, inv, version, pr, what, &e2);
		if (r < 0 && first == 0) {
			first = r;
			if (e)
				*e = e2;
		}
	}
	return first;
}

int cni_delegate_del(json_t *conf, const struct cni_invoke *inv, const char *version,
		     json_t *prev_result, struct err *e)
{
	json_auto_t *plugins = plugin_list(conf);
	const char *name = json_string_value(json_object_get(conf, "name"));
	char what[128];

	snprintf(what, sizeof(what), "network \"%s\"", name ? name : "?");
	return del_list(conf, plugins, json_array_size(plugins), inv, version, prev_result, what,
			e);
}

/* Runs `command` on each plugin in order. With `stop_early` the first error ends it;
 * otherwise every plugin is asked and the first error is returned. */
static int run_each(const char *command, json_t *conf, const struct cni_invoke *inv,
		    const char *version, json_t *prev, json_t *extra, bool stop_early,
		    struct err *e)
{
	json_auto_t *plugins = plugin_list(conf);
	const char *name = json_string_value(json_object_get(conf, "name"));
	char what[128];
	int first = 0;
	json_t *p;
	size_t i;

	snprintf(what, sizeof(what), "network \"%s\"", name ? name : "?");
	json_array_foreach (plugins, i, p) {
		json_auto_t *pc = plugin_conf(conf, p, version, inv, prev, extra, e);
		struct err e2 = { 0 };
		struct outcome out;
		int r;

		if (!pc)
			return -EINVAL;
		r = run_plugin(command, pc, inv, what, &out, &e2);
		if (r < 0 && first == 0) {
			first = r;
			if (e)
				*e = e2;
			if (stop_early)
				return r;
		}
	}
	return first;
}

int cni_delegate_check(json_t *conf, const struct cni_invoke *inv, const char *version,
		       json_t *prev_result, struct err *e)
{
	if (cni_version_cmp(version, "0.4.0") < 0)
		return 0;
	return run_each("CHECK", conf, inv, version, prev_result, NULL, true, e);
}

static int run_110(const char *command, json_t *conf, const struct cni_invoke *inv, json_t *extra,
		   struct err *e)
{
	const char *version = cni_delegate_version_for(conf);

	/* Plugins that do not speak 1.1.0 know no GC or STATUS: nothing to ask them. */
	if (cni_version_cmp(version, "1.1.0") < 0)
		return 0;
	return run_each(command, conf, inv, version, NULL, extra, false, e);
}

int cni_delegate_gc(json_t *conf, const struct cni_invoke *inv, json_t *extra, struct err *e)
{
	return run_110("GC", conf, inv, extra, e);
}

int cni_delegate_status(json_t *conf, const struct cni_invoke *inv, struct err *e)
{
	return run_110("STATUS", conf, inv, NULL, e);
}
