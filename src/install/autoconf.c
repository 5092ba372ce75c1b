// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Auto mode (`--multus-conf-file=auto`), as upstream's thin entrypoint does it: the node's
 * primary CNI config (the one the runtime would use without us) becomes the only entry of
 * `delegates` in a generated multus netconf, which sorts first in the conf dir so that the
 * runtime calls multus instead.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "install/install_int.h"
#include "multus/netconf.h"
#include "util/fileio.h"
#include "util/macro.h"

/* Upstream's name for the generated network, unless --override-network-name. */
#define DEFAULT_NETWORK_NAME "multus-cni-network"

static bool has_config_suffix(const char *name)
{
	static const char *const suffixes[] = { ".conf", ".conflist", ".json" };
	size_t n = strlen(name);

	for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
		size_t l = strlen(suffixes[i]);

		if (n > l && streq(name + n - l, suffixes[i]))
			return true;
	}
	return false;
}

static bool is_type_multus(json_t *obj)
{
	json_t *t = json_is_object(obj) ? json_object_get(obj, "type") : NULL;

	return json_is_string(t) && streq(json_string_value(t), "multus");
}

/* A config of ours (or another multus's): taking it as the primary would make a loop. */
static bool is_multus_config(json_t *root)
{
	json_t *plugins = json_object_get(root, "plugins"), *p;
	size_t i;

	if (is_type_multus(root))
		return true;
	if (json_is_array(plugins))
		json_array_foreach (plugins, i, p)
			if (is_type_multus(p))
				return true;
	return false;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The candidate names in `dir`, sorted. */
static int list_candidates(const char *dir, char ***ret, size_t *ret_n, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	if (!d)
		return err_set(e, -errno, "autoconfig dir %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		char **grown;

		if (strncmp(de->d_name, OURS_PREFIX, strlen(OURS_PREFIX)) == 0 ||
		    strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0 ||
		    !has_config_suffix(de->d_name))
			continue;
		grown = realloc(names, (n + 1) * sizeof(*names));
		if (!grown || !(grown[n] = strdup(de->d_name))) {
			free_names(grown ? grown : names, n);
			closedir(d);
			return err_set(e, -ENOMEM, "out of memory");
		}
		names = grown;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	*ret = names;
	*ret_n = n;
	return 0;
}

/* 0 and the object; -ENOENT when the file is gone (or is not a regular file); other -errno. */
static int load_config(const char *path, json_t **ret, struct err *e)
{
	_cleanup_free_ char *buf = NULL;
	json_error_t jerr;
	struct stat st;
	json_t *root;
	size_t len;
	int r;

	if (stat(path, &st) < 0)
		return errno == ENOENT ? -ENOENT
				       : err_set(e, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return -ENOENT;
	r = read_file_bounded(path, 0, NETCONF_MAX_BYTES, &buf, &len);
	if (r == -ENOENT)
		return r;
	if (r < 0)
		return err_set(e, r, "primary CNI config %s: %s", path, read_file_strerror(r));
	root = json_loadb(buf, len, 0, &jerr);
	if (!root)
		return err_set(e, -EBADMSG,
			       "primary CNI config %s: not JSON: %s (line %d, column %d)", path,
			       jerr.text, jerr.line, jerr.column);
	if (!json_is_object(root)) {
		json_decref(root);
		return err_set(e, -EBADMSG, "primary CNI config %s: not a JSON object", path);
	}
	*ret = root;
	return 0;
}

int autoconf_find_primary(const char *dir, const char *fixed, char **ret_path, json_t **ret_root,
			  struct err *e)
{
	char **names = NULL;
	size_t n = 0;
	int r;

	if (fixed) {
		_cleanup_free_ char *path = path_join(dir, fixed);
		json_t *root = NULL;

		if (!path)
			return err_set(e, -ENOMEM, "out of memory");
		r = load_config(path, &root, e);
		if (r == -ENOENT)
			return err_set(e, r, "no primary CNI config %s yet", path);
		if (r < 0)
			return r;
		*ret_path = TAKE_PTR(path);
		*ret_root = root;
		return 0;
	}
	r = list_candidates(dir, &names, &n, e);
	if (r < 0)
		return r;
	r = err_set(e, -ENOENT, "no primary CNI config (*.conf, *.conflist, *.json) in %s yet",
		    dir);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *path = path_join(dir, names[i]);
		json_t *root = NULL;
		int q;

		if (!path) {
			r = err_set(e, -ENOMEM, "out of memory");
			break;
		}
		q = load_config(path, &root, e);
		if (q == -ENOENT)
			continue; /* removed since the listing, or a directory */
		if (q < 0) {
			r = q;
			break;
		}
		if (is_multus_config(root)) {
			json_decref(root);
			continue;
		}
		*ret_path = TAKE_PTR(path);
		*ret_root = root;
		r = 0;
		break;
	}
	free_names(names, n);
	return r;
}

/* cniVersion 1.0.0 and later: "MAJOR..." with MAJOR >= 1. */
static bool version_wants_list(const char *v)
{
	char *end;
	unsigned long major;

	if (!v || v[0] < '0' || v[0] > '9')
		return false;
	major = strtoul(v, &end, 10);
	return major >= 1 && *end == '.';
}

/* The capabilities the primary enables (its own, or any of its plugins'): multus must
 * announce them, or the runtime passes it no runtimeConfig to hand on. */
static int add_capabilities(json_t *caps, json_t *conf)
{
	json_t *c = json_object_get(conf, "capabilities"), *v;
	const char *k;

	if (!json_is_object(c))
		return 0;
	json_object_foreach (c, k, v)
		if (json_is_true(v) && json_object_set_new(caps, k, json_true()) < 0)
			return -ENOMEM;
	return 0;
}

static int check_primary(const char *path, json_t *primary, struct err *e)
{
	json_t *plugins = json_object_get(primary, "plugins"), *p, *t;
	size_t i;

	if (!plugins) {
		t = json_object_get(primary, "type");
		if (!json_is_string(t) || !json_string_length(t))
			return err_set(e, -EINVAL, "primary CNI config %s: no \"type\"", path);
		return 0;
	}
	if (!json_is_array(plugins) || json_array_size(plugins) == 0)
		return err_set(e, -EINVAL,
			       "primary CNI config %s: \"plugins\" is not a non-empty array", path);
	json_array_foreach (plugins, i, p) {
		t = json_is_object(p) ? json_object_get(p, "type") : NULL;
		if (!json_is_string(t) || !json_string_length(t))
			return err_set(e, -EINVAL,
				       "primary CNI config %s: plugin %zu has no \"type\"", path,
				       i);
	}
	return 0;
}

static int set_str(json_t *obj, const char *key, const char *v)
{
	return v ? json_object_set_new(obj, key, json_string(v)) : 0;
}

/* "logOptions" with the options given, or nothing when none is. */
static int set_log_options(const struct install_opts *o, json_t *m)
{
	const struct {
		const char *key;
		long long v;
	} counts[] = {
		{ "maxSize", o->log_max_size },
		{ "maxAge", o->log_max_age },
		{ "maxBackups", o->log_max_backups },
	};
	json_auto_t *lo = json_object();

	if (!lo)
		return -ENOMEM;
	for (size_t i = 0; i < ELEMENTSOF(counts); i++)
		if (counts[i].v >= 0 &&
		    json_object_set_new(lo, counts[i].key, json_integer(counts[i].v)) < 0)
			return -ENOMEM;
	if (o->log_compress >= 0 &&
	    json_object_set_new(lo, "compress", json_boolean(o->log_compress)) < 0)
		return -ENOMEM;
	return json_object_size(lo) ? json_object_set(m, "logOptions", lo) : 0;
}

/* The plugin's keys, in upstream's order, on `m` (the conf, or the conflist's plugin). */
static int fill_plugin(const struct install_opts *o, json_t *m, json_t *caps, json_t *primary,
		       const char *kubeconfig)
{
	if (json_object_set_new(m, "type", json_string("multus")) < 0 ||
	    (json_object_size(caps) && json_object_set(m, "capabilities", caps) < 0) ||
	    (o->namespace_isolation &&
	     json_object_set_new(m, "namespaceIsolation", json_true()) < 0) ||
	    set_str(m, "globalNamespaces", o->global_namespaces) < 0 ||
	    (o->log_to_stderr >= 0 &&
	     json_object_set_new(m, "logToStderr", json_boolean(o->log_to_stderr)) < 0) ||
	    set_str(m, "logLevel", o->log_level) < 0 || set_str(m, "logFile", o->log_file) < 0 ||
	    set_log_options(o, m) < 0 || set_str(m, "binDir", o->additional_bin_dir) < 0 ||
	    set_str(m, "readinessindicatorfile", o->readiness_file) < 0 ||
	    set_str(m, "kubeconfig", kubeconfig) < 0)
		return -ENOMEM;
	return json_object_set_new(m, "delegates", json_pack("[O]", primary));
}

/* What the runtime hands multus on stdin for this netconf: a conflist's plugin gets the
 * list's name and cniVersion (libcni), a conf is itself. Then the plugin's own parser. */
static int check_with_parser(json_t *root, bool list, struct err *e)
{
	_cleanup_(multus_netconf_done) struct multus_netconf nc = { 0 };
	int r;
	_cleanup_free_ char *text = NULL;
	json_auto_t *conf = NULL;
	json_t *v;

	if (list) {
		conf = json_deep_copy(json_array_get(json_object_get(root, "plugins"), 0));
		if (!conf || json_object_set(conf, "name", json_object_get(root, "name")) < 0)
			return err_set(e, -ENOMEM, "out of memory");
		v = json_object_get(root, "cniVersion");
		if (v && json_object_set(conf, "cniVersion", v) < 0)
			return err_set(e, -ENOMEM, "out of memory");
	} else {
		conf = json_incref(root);
	}
	text = json_dumps(conf, JSON_COMPACT);
	if (!text)
		return err_set(e, -ENOMEM, "out of memory");
	r = multus_netconf_parse(text, strlen(text), &nc, e);
	return r < 0 ? r : multus_netconf_prev_result_check(&nc, e);
}

int autoconf_generate(const struct install_opts *o, const char *path, json_t *primary,
		      char **ret_text, const char **ret_name, struct err *e)
{
	json_t *ver = json_object_get(primary, "cniVersion"),
	       *name = json_object_get(primary, "name");
	json_t *plugins = json_object_get(primary, "plugins"), *p;
	json_auto_t *root = json_object(), *caps = json_object(), *m = NULL, *forced = NULL,
		    *given = NULL;
	_cleanup_free_ char *kc = netconf_kubeconfig(o);
	_cleanup_free_ char *out = NULL, *text = NULL;
	const char *version = json_is_string(ver) ? json_string_value(ver) : NULL;
	bool list = version_wants_list(version);
	size_t i;
	int r;

	if (!root || !caps || !kc)
		return err_set(e, -ENOMEM, "out of memory");
	if (ver && !json_is_string(ver))
		return err_set(e, -EINVAL, "primary CNI config %s: \"cniVersion\" is not a string",
			       path);
	r = check_primary(path, primary, e);
	if (r < 0)
		return r;
	/* --cni-version, as upstream's entrypoint.sh: the netconf's (the runtime speaks it to
	 * multus, which speaks the primary's own to it); forced, the primary's too. */
	if (o->cni_version) {
		if (o->force_cni_version) {
			forced = json_deep_copy(primary);
			if (!forced || json_object_set_new(forced, "cniVersion",
							   json_string(o->cni_version)) < 0)
				return err_set(e, -ENOMEM, "out of memory");
			primary = forced;
		}
		given = json_string(o->cni_version);
		if (!given)
			return err_set(e, -ENOMEM, "out of memory");
		ver = given;
		version = o->cni_version;
		list = version_wants_list(version);
	}
	if (o->override_network_name && (!json_is_string(name) || !json_string_length(name)))
		return err_set(e, -EINVAL,
			       "primary CNI config %s: no \"name\" for --override-network-name",
			       path);
	if (json_is_array(plugins)) {
		json_array_foreach (plugins, i, p)
			if (add_capabilities(caps, p) < 0)
				return err_set(e, -ENOMEM, "out of memory");
	} else if (add_capabilities(caps, primary) < 0) {
		return err_set(e, -ENOMEM, "out of memory");
	}
	/* No cniVersion in the primary: none in ours either (both are 0.1.0, the CNI spec's). */
	if ((version && json_object_set(root, "cniVersion", ver) < 0) ||
	    json_object_set_new(root, "name",
				o->override_network_name ? json_incref(name)
							 : json_string(DEFAULT_NETWORK_NAME)) < 0)
		return err_set(e, -ENOMEM, "out of memory");
	m = list ? json_object() : json_incref(root);
	if (!m || fill_plugin(o, m, caps, primary, kc) < 0 ||
	    (list && json_object_set_new(root, "plugins", json_pack("[O]", m)) < 0))
		return err_set(e, -ENOMEM, "out of memory");
	r = check_with_parser(root, list, e);
	if (r < 0)
		return err_prefix(e, r, "the netconf generated from %s", path);
	out = json_dumps(root, JSON_INDENT(4));
	if (!out || asprintf(&text, "%s\n", out) < 0) {
		text = NULL;
		return err_set(e, -ENOMEM, "out of memory");
	}
	*ret_text = TAKE_PTR(text);
	*ret_name = list ? NETCONF_LIST_NAME : NETCONF_NAME;
	return 0;
}
