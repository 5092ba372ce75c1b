// SPDX-License-Identifier: GPL-2.0-or-later
/* The planner, step 2 of ADD: from the netconf, the pod's annotations, NADs and confDir to the
 * plan. Reads the API (NADs) but never touches a namespace. */
#include <arpa/inet.h>
#include <stdio.h>
#include <strings.h>

#include "cni/cni.h"
#include "cni/delegate.h"
#include "k8s/annotations.h"
#include "multus/api.h"
#include "multus/confdir.h"
#include "multus/devinfo.h"
#include "multus/log.h"
#include "multus/lookup.h"
#include "multus/planner.h"
#include "util/inet.h"
#include "util/names.h"

#define ANN_TKE "tke.cloud.tencent.com/networks"
#define ANN_NETWORKS "k8s.v1.cni.cncf.io/networks"
#define ANN_DEFAULT "v1.multus-cni.io/default-network"

/* One network to attach, before it has an ifname. */
struct want {
	const struct k8s_net_sel *sel; /* NULL for inline delegates and clusterNetwork */
	json_t *conf;
	char *network;
	bool master_list; /* from the master list (may become the master) */
	char *resource; /* the NAD's k8s.v1.cni.cncf.io/resourceName, or NULL */
	/* Until resolve_wants(): the network to look up (conf NULL), for the error `what`. */
	const char *ns, *name, *what;
};

static void warn_cb(const char *msg)
{
	log_warning("%s", msg);
}

static bool in_comma_list(const char *list, const char *item)
{
	const char *p = list;

	while (p && *p) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		while (len && *p == ' ') {
			p++;
			len--;
		}
		while (len && p[len - 1] == ' ')
			len--;
		if (len == strlen(item) && strncmp(p, item, len) == 0)
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

struct wants {
	struct want *w;
	size_t n;
	struct k8s_net_sel *sels[4];
	size_t n_sels[4];
	struct confdir_scan *scan; /* confDir, read once for every lookup */
	struct nad_cache *nads; /* each NAD asked for once */
};

static void wants_done(struct wants *ws)
{
	for (size_t i = 0; i < ws->n; i++) {
		json_decref(ws->w[i].conf);
		free(ws->w[i].network);
		free(ws->w[i].resource);
	}
	free(ws->w);
	for (size_t i = 0; i < ELEMENTSOF(ws->sels); i++)
		k8s_netsel_free(ws->sels[i], ws->n_sels[i]);
	confdir_scan_free(ws->scan);
	nad_cache_free(ws->nads);
}

static int wants_push(struct wants *ws, const struct k8s_net_sel *sel, json_t *conf, char *network,
		      bool master_list)
{
	struct want *n = realloc(ws->w, (ws->n + 1) * sizeof(*n));

	if (!n) {
		json_decref(conf);
		free(network);
		return -ENOMEM;
	}
	ws->w = n;
	ws->w[ws->n++] = (struct want){
		.sel = sel, .conf = conf, .network = network, .master_list = master_list
	};
	return 0;
}

/* Parses a selection list into slot `slot` of ws and resolves each element. */
static int add_selection(struct multus_ctx *ctx, struct wants *ws, int slot, const char *text,
			 const char *what, const char *default_ns, bool master_list, bool isolate,
			 struct err *e)
{
	const char *pod_ns = ctx->env.pod_namespace;
	int r;

	r = k8s_netsel_parse(text, &ws->sels[slot], &ws->n_sels[slot], e);
	if (r < 0) {
		e->code = CNI_ERR_INVALID_NETCONF;
		return err_prefix(e, r, "%s is invalid", what);
	}
	for (size_t i = 0; i < ws->n_sels[slot]; i++) {
		const struct k8s_net_sel *s = &ws->sels[slot][i];
		const char *ns = s->namespace ? s->namespace : default_ns;

		/* An implicit multusNamespace (default-network) is the admin's choice, not the
		 * pod's: isolation is about the namespaces a pod names. */
		if (isolate && ctx->nc.namespace_isolation && pod_ns && ns && !streq(ns, pod_ns) &&
		    !in_comma_list(ctx->nc.global_namespaces, ns) &&
		    !(!s->namespace && default_ns == ctx->nc.multus_namespace))
			return err_setc(
			    e, CNI_ERR_INVALID_NETCONF, -EPERM,
			    "%s: pod in namespace %s may not use network %s/%s (namespaceIsolation; global namespaces: %s)",
			    what, pod_ns, ns, s->name, ctx->nc.global_namespaces);
		r = wants_push(ws, s, NULL, NULL, master_list);
		if (r < 0)
			return r;
		ws->w[ws->n - 1].ns = ns;
		ws->w[ws->n - 1].name = s->name;
		ws->w[ws->n - 1].what = what;
	}
	return 0;
}

static int add_cluster_network(struct multus_ctx *ctx, struct wants *ws, struct err *e)
{
	const char *cn = ctx->nc.cluster_network;
	json_t *conf = NULL;
	char *network = NULL;
	int r;

	if (cn[0] == '/') {
		r = conf_load_path(cn, &conf, e);
		if (r < 0)
			return err_prefix(e, r, "clusterNetwork");
		network = strdup(json_string_value(json_object_get(conf, "name")));
		if (!network) {
			json_decref(conf);
			return -ENOMEM;
		}
	} else {
		if (!name_is_cni_id(cn))
			return err_setc(
			    e, CNI_ERR_INVALID_NETCONF, -EINVAL,
			    "clusterNetwork \"%.64s\" is neither a config name nor an absolute path",
			    cn);
		r = wants_push(ws, NULL, NULL, NULL, true);
		if (r == 0) {
			ws->w[ws->n - 1].ns = ctx->nc.multus_namespace;
			ws->w[ws->n - 1].name = cn;
			ws->w[ws->n - 1].what = "clusterNetwork";
		}
		return r;
	}
	return wants_push(ws, NULL, conf, network, true);
}

static int add_inline_delegates(struct multus_ctx *ctx, struct wants *ws, struct err *e)
{
	json_t *d;
	size_t i;
	int r;

	json_array_foreach (ctx->nc.delegates, i, d) {
		char what[32];
		const char *name = json_string_value(json_object_get(d, "name"));
		char *network;

		snprintf(what, sizeof(what), "delegates[%zu]", i);
		r = cni_conf_validate(d, what, e);
		if (r < 0)
			return r;
		if (!name || !name_is_cni_id(name))
			return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
					"%s: \"name\" is missing or invalid", what);
		network = strdup(name);
		if (!network)
			return -ENOMEM;
		r = wants_push(ws, NULL, json_deep_copy(d), network, true);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Merges cni-args into args.cni of the config (each plugin of a conflist). */
static void merge_cni_args(json_t *conf, json_t *cni_args)
{
	json_t *plugins = json_object_get(conf, "plugins"), *p;
	size_t i;

	if (!json_is_array(plugins)) {
		json_t *args = json_object_get(conf, "args");
		json_t *cni;

		if (!json_is_object(args)) {
			args = json_object();
			json_object_set_new(conf, "args", args);
		}
		cni = json_object_get(args, "cni");
		if (!json_is_object(cni)) {
			cni = json_object();
			json_object_set_new(args, "cni", cni);
		}
		json_object_update(cni, cni_args);
		return;
	}
	json_array_foreach (plugins, i, p)
		merge_cni_args(p, cni_args);
}

/* "a,b,c" from an array of strings ("" for an empty one); NULL on ENOMEM. */
static char *join_strings(json_t *arr)
{
	char *joined = strdup("");
	json_t *v;
	size_t i;

	json_array_foreach (arr, i, v) {
		char *n = NULL;

		if (!joined ||
		    asprintf(&n, "%s%s%s", joined, i ? "," : "", json_string_value(v)) < 0) {
			free(joined);
			return NULL;
		}
		free(joined);
		joined = n;
	}
	return joined;
}

/* 4 or 6 for a gateway address, 0 for anything else. */
static int ip_family(const char *s)
{
	uint8_t addr[16];
	int family;

	if (ip_addr_parse(s, &family, addr) < 0)
		return 0;
	return family == AF_INET ? 4 : 6;
}

/* Appends "KEY=VALUE" to the CNI_ARGS list *args (";"-separated). */
static int args_append(char **args, const char *key, const char *value)
{
	char *n = NULL;

	if (asprintf(&n, "%s%s%s=%s", *args, (*args)[0] ? ";" : "", key, value) < 0)
		return -ENOMEM;
	free(*args);
	*args = n;
	return 0;
}

/* The runtime's CNI_ARGS for an attachment. IP= and MAC= ask for the runtime's own interface
 * (podman run --ip, --mac-address): the master's only, as the runtime's runtimeConfig; another
 * delegate given them would allocate the master's address in its own subnet and fail. */
static int runtime_args(const struct multus_ctx *ctx, const struct attachment *a, char **ret)
{
	static const char *const own_iface[] = { "IP", "MAC", NULL };

	if (a->master || !ctx->env.n_kv)
		return (*ret = strdup(ctx->env.args ? ctx->env.args : "")) ? 0 : -ENOMEM;
	return cni_args_join(ctx->env.kv, ctx->env.n_kv, own_iface, ret);
}

/* runtimeConfig, CNI_ARGS and conf changes that an attachment's selection asks for. */
static int apply_selection(struct multus_ctx *ctx, struct attachment *a,
			   const struct k8s_net_sel *s)
{
	if (a->master && ctx->nc.runtime_config)
		a->runtime_config = json_deep_copy(ctx->nc.runtime_config);
	else
		a->runtime_config = json_object();
	if (runtime_args(ctx, a, &a->cni_args) < 0)
		return -ENOMEM;
	if (!s)
		return 0;
	if (s->ips)
		json_object_set(a->runtime_config, "ips", s->ips);
	if (s->mac)
		json_object_set_new(a->runtime_config, "mac", json_string(s->mac));
	if (s->port_mappings)
		json_object_set(a->runtime_config, "portMappings", s->port_mappings);
	if (s->bandwidth)
		json_object_set(a->runtime_config, "bandwidth", s->bandwidth);
	if (s->infiniband_guid)
		json_object_set_new(a->runtime_config, "infinibandGUID",
				    json_string(s->infiniband_guid));
	if (s->device_id)
		json_object_set_new(a->runtime_config, "deviceID", json_string(s->device_id));
	if (s->cni_args)
		merge_cni_args(a->conf, s->cni_args);
	if (s->default_route)
		a->default_route = json_incref(s->default_route);
	/* As upstream: the requests reach plugins that read CNI_ARGS too, MAC= before IP=. */
	if (s->mac && args_append(&a->cni_args, "MAC", s->mac) < 0)
		return -ENOMEM;
	if (s->ips && json_array_size(s->ips)) {
		_cleanup_free_ char *list = join_strings(s->ips);

		if (!list || args_append(&a->cni_args, "IP", list) < 0)
			return -ENOMEM;
	}
	return 0;
}

static bool name_taken(const struct plan *p, size_t upto, const char *name,
		       const struct link_snap *links)
{
	for (size_t i = 0; i < upto; i++)
		if (p->att[i].ifname && streq(p->att[i].ifname, name))
			return true;
	for (size_t i = 0; links && i < links->n; i++)
		if (streq(links->links[i].name, name))
			return true;
	return false;
}

/* The master: the first of the master list without a requested name; if every one has a
 * name, the first of the list. */
static size_t pick_master(const struct wants *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		if (ws->w[i].master_list && !(ws->w[i].sel && ws->w[i].sel->ifname))
			return i;
	return 0;
}

static int assign_ifnames(struct multus_ctx *ctx, struct plan *p, struct wants *ws,
			  const struct link_snap *links, struct err *e)
{
	size_t master = pick_master(ws);

	for (size_t i = 0; i < p->n; i++) {
		const struct k8s_net_sel *s = ws->w[i].sel;

		p->att[i].master = (i == master);
		if (i == master && !(s && s->ifname))
			p->att[i].ifname = strdup(ctx->env.ifname);
		else if (s && s->ifname)
			p->att[i].ifname = strdup(s->ifname);
		else
			continue;
		if (!p->att[i].ifname)
			return -ENOMEM;
	}
	/* Requested names must be unique. */
	for (size_t i = 0; i < p->n; i++)
		for (size_t j = i + 1; p->att[i].ifname && j < p->n; j++)
			if (p->att[j].ifname && streq(p->att[i].ifname, p->att[j].ifname))
				return err_setc(
				    e, CNI_ERR_INVALID_NETCONF, -EEXIST,
				    "interface name \"%s\" is requested twice (networks \"%s\" and \"%s\")",
				    p->att[i].ifname, p->att[i].network, p->att[j].network);
	for (size_t i = 0; i < p->n; i++) {
		char name[32];

		if (p->att[i].ifname)
			continue;
		for (unsigned k = 1;; k++) {
			snprintf(name, sizeof(name), "%s%u", ctx->nc.ifname_prefix, k);
			if (strlen(name) > 15)
				return err_setc(e, CNI_ERR_INVALID_NETCONF, -ERANGE,
						"no free interface name with prefix \"%s\"",
						ctx->nc.ifname_prefix);
			if (!name_taken(p, p->n, name, links))
				break;
		}
		p->att[i].ifname = strdup(name);
		if (!p->att[i].ifname)
			return -ENOMEM;
	}
	return 0;
}

static int check_default_routes(const struct plan *p, struct err *e)
{
	const char *by[7] = { 0 };

	for (size_t i = 0; i < p->n; i++) {
		json_t *gw;
		size_t k;

		json_array_foreach (p->att[i].default_route, k, gw) {
			int fam = ip_family(json_string_value(gw));

			if (by[fam] && !streq(by[fam], p->att[i].network))
				return err_setc(
				    e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				    "default-route for IPv%d is requested by both \"%s\" and \"%s\"",
				    fam, by[fam], p->att[i].network);
			if (by[fam])
				return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
						"\"%s\" requests two IPv%d default routes",
						p->att[i].network, fam);
			by[fam] = p->att[i].network;
		}
	}
	return 0;
}

static int plan_header(struct multus_ctx *ctx, struct plan *p)
{
	const struct cni_env *env = &ctx->env;

	p->conf_name = strdup(ctx->nc.name);
	p->container_id = strdup(env->container_id);
	p->netns = strdup(env->netns ? env->netns : "");
	p->ifname = strdup(env->ifname);
	p->cni_version = strdup(ctx->nc.cni_version);
	if (!p->conf_name || !p->container_id || !p->netns || !p->ifname || !p->cni_version)
		return -ENOMEM;
	if (ctx->pod) {
		json_t *md = json_object_get(ctx->pod, "metadata");
		const char *uid = json_string_value(json_object_get(md, "uid"));

		p->pod_namespace = strdup(env->pod_namespace);
		p->pod_name = strdup(env->pod_name);
		p->pod_uid = uid ? strdup(uid) : NULL;
	}
	return 0;
}

/* The master list: exactly one source gives it. */
static int gather_master_list(struct multus_ctx *ctx, struct wants *ws, struct err *e)
{
	const char *tke = multus_pod_annotation(ctx, ANN_TKE);
	const char *def = multus_pod_annotation(ctx, ANN_DEFAULT);
	const char *pod_ns = ctx->env.pod_namespace;
	int r;

	if (tke && tke[0])
		r = add_selection(ctx, ws, 0, tke, "annotation " ANN_TKE, pod_ns, true, true, e);
	else if (def && def[0]) {
		/* Like clusterNetwork, which it replaces: a name alone is in multusNamespace. */
		r = add_selection(ctx, ws, 0, def, "annotation " ANN_DEFAULT,
				  ctx->nc.multus_namespace, true, true, e);
		if (r == 0 && ws->n_sels[0] != 1)
			r = err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				     "annotation " ANN_DEFAULT " must name exactly one network");
	} else if (ctx->nc.cluster_network[0])
		r = add_cluster_network(ctx, ws, e);
	else if (ctx->nc.delegates && json_array_size(ctx->nc.delegates))
		r = add_inline_delegates(ctx, ws, e);
	else if (ctx->nc.default_delegates[0])
		r = add_selection(ctx, ws, 0, ctx->nc.default_delegates, "netconf defaultDelegates",
				  ctx->nc.multus_namespace, true, false, e);
	else
		r = err_setc(
		    e, CNI_ERR_INVALID_NETCONF, -EINVAL,
		    "no networks for this pod: the netconf sets none of clusterNetwork, delegates, defaultDelegates, and the pod has no " ANN_TKE
		    " annotation");
	return r;
}

static int gather(struct multus_ctx *ctx, struct wants *ws, struct err *e)
{
	static const char *const pod_keys[] = { ANN_TKE, ANN_NETWORKS, ANN_DEFAULT };
	const char *nets = multus_pod_annotation(ctx, ANN_NETWORKS);
	const char *pod_ns = ctx->env.pod_namespace;
	int r;

	r = multus_pod_annotations_check(ctx, pod_keys, ELEMENTSOF(pod_keys), e);
	if (r < 0)
		return r;
	r = gather_master_list(ctx, ws, e);
	if (r < 0)
		return r;
	if (ctx->nc.default_networks &&
	    !(pod_ns && multus_netconf_is_system_namespace(&ctx->nc, pod_ns))) {
		_cleanup_free_ char *joined = join_strings(ctx->nc.default_networks);

		if (!joined)
			return -ENOMEM;
		if (joined[0]) {
			r = add_selection(ctx, ws, 1, joined, "netconf defaultNetworks",
					  ctx->nc.multus_namespace, false, false, e);
			if (r < 0)
				return r;
		}
	}
	if (nets && nets[0])
		return add_selection(ctx, ws, 2, nets, "annotation " ANN_NETWORKS, pod_ns, false,
				     true, e);
	return 0;
}

/* Every network gather() named, looked up now that all of them are known (the NAD batching). */
static int resolve_wants(struct multus_ctx *ctx, struct wants *ws, struct err *e)
{
	int r;

	for (size_t i = 0; i < ws->n; i++)
		if (ws->w[i].name &&
		    (r = multus_network_lookup_want(ctx, ws->nads, ws->w[i].ns, ws->w[i].name)) < 0)
			return r;
	for (size_t i = 0; i < ws->n; i++) {
		struct want *w = &ws->w[i];

		if (!w->name)
			continue;
		r = multus_network_lookup(ctx, ws->scan, ws->nads, w->ns, w->name, &w->conf,
					  &w->network, &w->resource, e);
		if (r < 0)
			return err_prefix(e, r, "%s", w->what);
	}
	return 0;
}

int multus_plan_build(struct multus_ctx *ctx, const struct link_snap *links, struct plan **ret,
		      struct err *e)
{
	_cleanup_plan_ struct plan *p = calloc(1, sizeof(*p));
	struct wants ws = { 0 };
	int r;

	if (!p)
		return -ENOMEM;
	r = multus_confdir_scan(ctx, warn_cb, &ws.scan);
	if (r == 0)
		r = nad_cache_new(&ws.nads);
	if (r == 0)
		r = plan_header(ctx, p);
	if (r < 0)
		goto out;
	r = gather(ctx, &ws, e);
	if (r == 0)
		r = resolve_wants(ctx, &ws, e);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < ws.n; i++) {
		struct attachment *a = plan_add(p);

		if (!a) {
			r = err_setc(e, CNI_ERR_INVALID_NETCONF, -E2BIG, "too many networks");
			goto out;
		}
		a->network = TAKE_PTR(ws.w[i].network);
		a->conf = TAKE_PTR(ws.w[i].conf);
		a->resource_name = TAKE_PTR(ws.w[i].resource);
	}
	r = assign_ifnames(ctx, p, &ws, links, e);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < p->n; i++) {
		struct attachment *a = &p->att[i];

		r = apply_selection(ctx, a, ws.w[i].sel);
		if (r < 0)
			goto out;
		a->version = strdup(cni_delegate_version_for(a->conf));
		if (!a->version) {
			r = -ENOMEM;
			goto out;
		}
	}
	r = check_default_routes(p, e);
	if (r < 0)
		goto out;
	/* Last: the kubelet is asked only for a plan that is otherwise sound. */
	r = multus_devices_plan(ctx, p, e);
	if (r < 0)
		goto out;
	*ret = TAKE_PTR(p);
out:
	wants_done(&ws);
	return r;
}

int multus_master_find(struct multus_ctx *ctx, json_t **ret_conf, char **ret_network, struct err *e)
{
	struct wants ws = { 0 };
	size_t m;
	int r;

	r = multus_confdir_scan(ctx, warn_cb, &ws.scan);
	if (r == 0)
		r = nad_cache_new(&ws.nads);
	if (r == 0)
		r = gather_master_list(ctx, &ws, e);
	if (r == 0)
		r = resolve_wants(ctx, &ws, e);
	if (r == 0 && ws.n == 0)
		r = err_setc(e, CNI_ERR_INVALID_NETCONF, -ENOENT, "the master list is empty");
	if (r == 0) {
		m = pick_master(&ws);
		*ret_conf = TAKE_PTR(ws.w[m].conf);
		*ret_network = TAKE_PTR(ws.w[m].network);
	}
	wants_done(&ws);
	return r;
}
