// SPDX-License-Identifier: GPL-2.0-or-later
/* The Go plugins' store entries and result caches, read into a plan (legacy.h has the map). */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cni/cni.h"
#include "cni/delegate.h"
#include "cni/result.h"
#include "multus/legacy.h"
#include "multus/multus.h"
#include "multus/store.h"
#include "util/base64.h"
#include "util/fileio.h"
#include "util/names.h"

#define CACHE_MAX_BYTES (1 << 20)
/* As many as a plan holds (plan.c). */
#define LEGACY_MAX_DELEGATES 128

void legacy_where_for(const struct multus_ctx *ctx, struct legacy_where *ret)
{
	*ret = (struct legacy_where){
		.dir = ctx->nc.cni_dir,
		/* Only a netconf without cniDir had the seed write to its own default. */
		.seed_dir = json_object_get_ci(ctx->nc.raw, "cniDir") ? NULL : LEGACY_SEED_DIR,
		.seed_results = LEGACY_SEED_RESULTS,
		.ifname = ctx->env.ifname && ctx->env.ifname[0] ? ctx->env.ifname : NULL,
		.cni_args = ctx->env.args && ctx->env.args[0] ? ctx->env.args : NULL,
		.cni_version = ctx->nc.cni_version,
		.runtime_config = ctx->nc.runtime_config,
		.device_info_dir = ctx->nc.device_info_dir,
	};
}

static int bad(struct err *e, size_t i, const char *what)
{
	return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "delegates[%zu]: %s", i, what);
}

/* "Bytes": a Go []byte, so base64 of the delegate config (the file's bytes, or re-encoded). */
static int decode_conf(json_t *o, size_t i, json_t **ret, struct err *e)
{
	json_t *b = json_object_get(o, "Bytes");
	_cleanup_free_ char *raw = NULL;
	json_auto_t *conf = NULL;
	struct err e2 = { 0 };
	json_error_t jerr;
	size_t len;
	int r;

	if (!json_is_string(b))
		return bad(e, i, "no \"Bytes\" string");
	r = base64_decode(json_string_value(b), json_string_length(b), &raw, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return bad(e, i, "\"Bytes\" is not base64");
	conf = json_loadb(raw, len, 0, &jerr);
	if (!conf)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG,
				"delegates[%zu]: the config in \"Bytes\" is not JSON: %s", i,
				jerr.text);
	if (cni_conf_validate(conf, "config", &e2) < 0)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "delegates[%zu]: %s", i, e2.msg);
	*ret = TAKE_PTR(conf);
	return 0;
}

/* The seed marks its master (and conflists); upstream writes neither key. */
static bool is_seed_entry(json_t *arr)
{
	json_t *o;
	size_t i;

	json_array_foreach (arr, i, o)
		if (json_object_get(o, "masterPlugin") || json_object_get(o, "confListPlugin"))
			return true;
	return false;
}

/* The version libcni spoke: the config's; a config without one is 0.1.0 (the CNI spec),
 * except upstream's conflists, which it gave the multus netconf's. */
static const char *version_of(json_t *conf, bool seed, const struct legacy_where *w)
{
	const char *v = json_string_value(json_object_get(conf, "cniVersion"));

	if (v && v[0])
		return v;
	if (!seed && cni_conf_is_list(conf) && w->cni_version)
		return w->cni_version;
	return "0.1.0";
}

static int dup_into(char **dst, const char *src)
{
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

/* One delegate; *ret_guessed when its interface name is a guess (a master without
 * ifnameRequest while the call gives no CNI_IFNAME: GC). */
static int parse_delegate(json_t *o, size_t i, const char *id, bool seed,
			  const struct legacy_where *w, struct attachment *a, bool *ret_guessed,
			  struct err *e)
{
	const char *req = NULL, *name = NULL, *ifname, *s = NULL;
	json_t *ips = NULL, *ip;
	json_error_t jerr;
	int master = 0, r;
	size_t k;

	if (!json_is_object(o))
		return bad(e, i, "not an object");
	if (json_unpack_ex(o, &jerr, 0, "{s?s,s?s,s?b,s?s,s?s,s?s,s?o}", "ifnameRequest", &req,
			   "Name", &name, "masterPlugin", &master, "macRequest", &s,
			   "infinibandGUIDRequest", &s, "deviceID", &s, "ipRequest", &ips) < 0)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "delegates[%zu]: %s", i, jerr.text);
	if (ips && !json_is_null(ips) && !json_is_array(ips))
		return bad(e, i, "\"ipRequest\" is not a list");
	json_array_foreach (ips, k, ip)
		if (!json_is_string(ip))
			return bad(e, i, "\"ipRequest\" is not a list of strings");
	if (req && !req[0])
		req = NULL;
	if (req && !name_is_ifname(req))
		return bad(e, i, "\"ifnameRequest\" is not an interface name");
	r = decode_conf(o, i, &a->conf, e);
	if (r < 0)
		return r;
	/* Upstream's "Name" is the NAD's ns/name; else the config's own name. */
	if (seed || !name || !name[0])
		name = json_string_value(json_object_get(a->conf, "name"));
	/* Upstream: the first is the master. The seed flags it. */
	a->master = seed ? master : i == 0;
	*ret_guessed = false;
	ifname = req;
	if (!ifname && (a->master || seed)) {
		ifname = w->ifname;
		/* No CNI_IFNAME (GC): what every runtime gives the pod's first interface. */
		if (!ifname) {
			ifname = "eth0";
			*ret_guessed = true;
		}
	}
	if (ifname)
		r = dup_into(&a->ifname, ifname);
	else
		r = asprintf(&a->ifname, "net%zu", i) < 0 ? -ENOMEM : 0;
	if (r == 0 && name && name[0])
		r = dup_into(&a->network, name);
	else if (r == 0)
		r = asprintf(&a->network, "delegate%zu", i) < 0 ? -ENOMEM : 0;
	if (r == 0)
		r = dup_into(&a->version, version_of(a->conf, seed, w));
	if (r == 0)
		r = dup_into(&a->cni_args, w->cni_args);
	/* Upstream's "Name" names the device-info file (devinfo.c), even when empty. */
	if (r == 0 && !seed)
		r = legacy_upstream_runtime_config(
		    o, id,
		    json_is_string(json_object_get(o, "Name"))
			? json_string_value(json_object_get(o, "Name"))
			: a->network,
		    w, a);
	a->state = ATT_ADDED;
	return r;
}

/* *ret_json (optional): the entry's delegates as parsed. */
static int parse_entry(const char *buf, size_t len, const char *id, bool seed,
		       const struct legacy_where *w, struct plan **ret, bool *ret_seed,
		       bool *ret_guessed, json_t **ret_json, struct err *e)
{
	_cleanup_plan_ struct plan *p = NULL;
	json_auto_t *j = NULL;
	json_error_t jerr;
	struct attachment *m;
	bool guessed = false;
	json_t *o;
	size_t i;
	int r;

	if (!name_is_cni_id(id))
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "container id \"%.64s\" is invalid",
				id);
	j = json_loadb(buf, len, 0, &jerr);
	if (!j)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "not JSON: %s (line %d)", jerr.text,
				jerr.line);
	if (!json_is_array(j) || json_array_size(j) == 0)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "not a list of delegates");
	if (json_array_size(j) > LEGACY_MAX_DELEGATES)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "more than %d delegates",
				LEGACY_MAX_DELEGATES);
	seed = seed || is_seed_entry(j);
	p = calloc(1, sizeof(*p));
	if (!p || !(p->container_id = strdup(id)))
		return -ENOMEM;
	json_array_foreach (j, i, o) {
		struct attachment *a = plan_add(p);
		bool g = false;

		if (!a)
			return -ENOMEM;
		r = parse_delegate(o, i, id, seed, w, a, &g, e);
		if (r < 0)
			return r;
		guessed |= g && a->master;
	}
	/* One master: the first flagged one (a seed entry without a flag: the first). */
	m = plan_master(p);
	for (i = 0; i < p->n; i++)
		p->att[i].master = m ? &p->att[i] == m : i == 0;
	m = plan_master(p);
	if (dup_into(&p->ifname, m->ifname) < 0)
		return -ENOMEM;
	*ret_seed = seed;
	*ret_guessed = guessed;
	*ret = TAKE_PTR(p);
	if (ret_json)
		*ret_json = TAKE_PTR(j);
	return 0;
}

int legacy_parse(const char *buf, size_t len, const char *id, bool seed,
		 const struct legacy_where *w, struct plan **ret, struct err *e)
{
	bool s, guessed;

	return parse_entry(buf, len, id, seed, w, ret, &s, &guessed, NULL, e);
}

/* cniArgs [["K","V"],...] -> "K=V;K=V", the CNI_ARGS libcni made of them. */
static int join_args(json_t *args, char **ret)
{
	_cleanup_free_ char *s = NULL;
	size_t len = 0;
	json_t *kv;
	size_t i;

	json_array_foreach (args, i, kv) {
		const char *k = json_string_value(json_array_get(kv, 0));
		const char *v = json_string_value(json_array_get(kv, 1));
		size_t add;
		char *n;

		if (json_array_size(kv) != 2 || !k || !v || !k[0] || strpbrk(k, "=;") ||
		    strchr(v, ';'))
			return -EBADMSG;
		add = strlen(k) + strlen(v) + 2;
		n = realloc(s, len + add + 1);
		if (!n)
			return -ENOMEM;
		s = n;
		len += (size_t)sprintf(s + len, "%s%s=%s", len ? ";" : "", k, v);
	}
	*ret = TAKE_PTR(s);
	return 0;
}

int legacy_cache_parse(const char *buf, size_t len, const char *id, const char *version,
		       json_t **ret_result, char **ret_ifname, char **ret_args, struct err *e)
{
	_cleanup_free_ char *text = NULL, *ifname = NULL, *args = NULL;
	json_auto_t *j = NULL;
	json_t *res = NULL, *cargs = NULL;
	const char *kind, *cid = NULL, *ifn = NULL;
	json_error_t jerr;
	int r;

	j = json_loadb(buf, len, 0, &jerr);
	if (!json_is_object(j))
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "result cache is not a JSON object");
	kind = json_string_value(json_object_get(j, "kind"));
	/* libcni 0.7 cached the result itself. */
	if (!kind)
		return cni_result_parse(buf, len, version, ret_result, e);
	if (!streq(kind, "cniCacheV1"))
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "result cache of kind \"%.32s\"",
				kind);
	if (json_unpack_ex(j, &jerr, 0, "{s:s,s?s,s?o,s:o}", "containerId", &cid, "ifName", &ifn,
			   "cniArgs", &cargs, "result", &res) < 0)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "result cache: %s", jerr.text);
	if (!streq(cid, id))
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG,
				"result cache of container \"%.64s\", not %s", cid, id);
	if (ifn && !name_is_ifname(ifn))
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "result cache: bad ifName");
	if (cargs && !json_is_null(cargs)) {
		r = json_is_array(cargs) ? join_args(cargs, &args) : -EBADMSG;
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "result cache: bad cniArgs");
	}
	if (ifn && !(ifname = strdup(ifn)))
		return -ENOMEM;
	text = json_dumps(res, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text)
		return -ENOMEM;
	r = cni_result_parse(text, strlen(text), version, ret_result, e);
	if (r < 0)
		return r;
	if (ret_ifname)
		*ret_ifname = TAKE_PTR(ifname);
	if (ret_args)
		*ret_args = TAKE_PTR(args);
	return 0;
}

static int add_file(struct plan *p, const char *path)
{
	char **n;

	for (size_t i = 0; i < p->n_legacy_files; i++)
		if (streq(p->legacy_files[i], path))
			return 0;
	n = realloc(p->legacy_files, (p->n_legacy_files + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	p->legacy_files = n;
	n[p->n_legacy_files] = strdup(path);
	if (!n[p->n_legacy_files])
		return -ENOMEM;
	p->n_legacy_files++;
	return 0;
}

/* Upstream's cache of a master whose interface name we do not know: the first
 * `<net>-<id>-<ifname>` in results/. */
static int find_cache(const char *dir, const char *net, const char *id, char **ret)
{
	_cleanup_free_ char *prefix = NULL;
	struct dirent *de;
	DIR *d;
	int r = -ENOENT;

	if (asprintf(&prefix, "%s-%s-", net, id) < 0)
		return -ENOMEM;
	d = opendir(dir);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 &&
		    name_is_ifname(de->d_name + strlen(prefix))) {
			r = asprintf(ret, "%s/%s", dir, de->d_name) < 0 ? -ENOMEM : 0;
			break;
		}
	closedir(d);
	return r;
}

/* What libcni cached for attachment `a`. A cache that is missing or unreadable is no
 * error (libcni's DEL goes on without it too): then there is no prevResult. */
static int attach_cache(const struct legacy_where *w, struct plan *p, struct attachment *a,
			json_t *o, bool seed, bool guessed)
{
	const char *net = json_string_value(json_object_get(a->conf, "name"));
	_cleanup_free_ char *path = NULL, *buf = NULL, *ifname = NULL, *args = NULL,
			    *results = NULL;
	json_t *res = NULL;
	size_t len;
	int r;

	/* The name becomes a file name. */
	if (!net || !name_is_cni_id(net))
		return 0;
	if (seed)
		r = w->seed_results
			? asprintf(&path, "%s/%s-%s", w->seed_results, net, p->container_id)
			: 0;
	else
		r = asprintf(&results, "%s/results", w->dir);
	if (r < 0)
		return -ENOMEM;
	if (!seed && a->master && guessed) {
		r = find_cache(results, net, p->container_id, &path);
		if (r == -ENOMEM)
			return r;
	} else if (!seed &&
		   asprintf(&path, "%s/%s-%s-%s", results, net, p->container_id, a->ifname) < 0)
		return -ENOMEM;
	if (!path)
		return 0;
	r = read_file_bounded(path, O_NOFOLLOW, CACHE_MAX_BYTES, &buf, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	r = legacy_cache_parse(buf, len, p->container_id, a->version, &res, &ifname, &args, NULL);
	if (r == -ENOMEM)
		return r;
	if (r == 0) {
		a->result = res;
		if (guessed && a->master && ifname) {
			free(a->ifname);
			a->ifname = TAKE_PTR(ifname);
		}
		/* Upstream passed exactly these, but for what only its ADD adds. */
		if (args) {
			legacy_upstream_del_args(args, o);
			free(a->cni_args);
			a->cni_args = TAKE_PTR(args);
		}
	}
	/* A corrupt cache goes with the entry. */
	return add_file(p, path);
}

/* The pod netns, for GC (no CNI_NETNS): the sandbox the results name. */
static int netns_from_results(struct plan *p)
{
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < p->n; i++) {
			struct attachment *a = &p->att[i];
			int idx;

			if (!a->result || a->master != (k == 0))
				continue;
			idx = cni_result_find_sandbox_iface(a->result, a->ifname);
			if (idx < 0)
				continue;
			return dup_into(&p->netns,
					json_string_value(json_object_get(
					    json_array_get(json_object_get(a->result, "interfaces"),
							   (size_t)idx),
					    "sandbox")));
		}
	return 0;
}

int legacy_load(const struct legacy_where *w, const char *id, struct plan **ret, struct err *e)
{
	const char *dirs[] = { w->dir, w->seed_dir };

	for (size_t k = 0; k < ELEMENTSOF(dirs); k++) {
		_cleanup_free_ char *path = NULL, *buf = NULL;
		_cleanup_plan_ struct plan *p = NULL;
		json_auto_t *j = NULL;
		bool guessed, seed;
		size_t len;
		int r;

		if (!dirs[k] || !name_is_cni_id(id))
			continue;
		if (asprintf(&path, "%s/%s", dirs[k], id) < 0)
			return -ENOMEM;
		r = read_file_bounded(path, O_NOFOLLOW, STORE_MAX_BYTES, &buf, &len);
		/* Not there, or not a file (upstream's results/ directory). */
		if (r == -ENOENT || r == -EINVAL)
			continue;
		if (r < 0)
			return err_setc(e, CNI_ERR_IO, r, "cannot read legacy store entry %s: %s",
					path, read_file_strerror(r));
		r = parse_entry(buf, len, id, k == 1, w, &p, &seed, &guessed, &j, e);
		if (r < 0)
			return r == -ENOMEM ? r : err_prefix(e, r, "legacy store entry %s", path);
		r = add_file(p, path);
		for (size_t i = 0; r == 0 && i < p->n; i++)
			r = attach_cache(w, p, &p->att[i], json_array_get(j, i), seed, guessed);
		if (r == 0 && guessed && plan_master(p)) {
			free(p->ifname);
			p->ifname = strdup(plan_master(p)->ifname);
			r = p->ifname ? 0 : -ENOMEM;
		}
		if (r == 0)
			r = netns_from_results(p);
		if (r < 0)
			return r;
		*ret = TAKE_PTR(p);
		return 0;
	}
	return -ENOENT;
}

/* Is the file a legacy entry? Its first byte opens a JSON array: host-local's leases share
 * the seed's default directory when a network is called "multus". */
static bool looks_like_entry(int dfd, const char *name)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	char c[32];
	ssize_t n;

	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	n = read(fd, c, sizeof(c));
	for (ssize_t i = 0; i < n; i++)
		if (!isspace((unsigned char)c[i]))
			return c[i] == '[';
	return false;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && streq(s + a - b, suffix);
}

int legacy_list_merge(const struct legacy_where *w, char ***ids, size_t *n, struct err *e)
{
	const char *dirs[] = { w->dir, w->seed_dir };

	for (size_t k = 0; k < ELEMENTSOF(dirs); k++) {
		struct dirent *de;
		DIR *d;

		if (!dirs[k] || !(d = opendir(dirs[k])))
			continue;
		while ((de = readdir(d))) {
			bool seen = false;
			char **nids;

			/* Ours are <id>.json and <id>.lock. */
			if (!name_is_cni_id(de->d_name) || has_suffix(de->d_name, ".json") ||
			    has_suffix(de->d_name, ".lock") ||
			    !looks_like_entry(dirfd(d), de->d_name))
				continue;
			for (size_t i = 0; i < *n && !seen; i++)
				seen = streq((*ids)[i], de->d_name);
			if (seen)
				continue;
			nids = realloc(*ids, (*n + 1) * sizeof(*nids));
			if (nids)
				*ids = nids;
			if (!nids || !(nids[*n] = strdup(de->d_name))) {
				closedir(d);
				return -ENOMEM;
			}
			(*n)++;
		}
		closedir(d);
	}
	return 0;
}

int legacy_forget(struct plan *p, struct err *e)
{
	int first = 0;

	for (size_t i = 0; i < p->n_legacy_files; i++)
		if (unlink(p->legacy_files[i]) < 0 && errno != ENOENT && !first)
			first = err_setc(e, CNI_ERR_IO, negative_errno(), "cannot remove %s: %m",
					 p->legacy_files[i]);
	return first;
}
