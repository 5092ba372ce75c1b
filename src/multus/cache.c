// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The plugin's use of the node-local cache (`multus daemon`, PRODUCT.md section 10): asked
 * first, within one short bound for the whole invocation; without an answer the plugin does
 * the API work itself, so the daemon only ever speeds an ADD up. With answers, no API client
 * is made and libcurl is never loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "k8s/annotations.h"
#include "k8s/cache.h"
#include "multus/api.h"
#include "multus/cache.h"
#include "multus/log.h"
#include "multus/nadcache.h"

#define CACHE_BOUND_NS (50ULL * 1000 * 1000)

/* The daemon stands in for the API: only where the plugin would use the API at all. */
static bool api_configured(const struct multus_ctx *ctx)
{
	return ctx->nc.kubeconfig[0] ||
	       (getenv("KUBERNETES_SERVICE_HOST") && getenv("KUBERNETES_SERVICE_PORT"));
}

static bool cache_usable(const struct multus_ctx *ctx)
{
	return ctx->nc.daemon_socket && ctx->nc.daemon_socket[0] && !ctx->cache_failed &&
	       api_configured(ctx);
}

/* A request to the daemon, counted with the wall time it took (logged at debug level). */
static void count_ask(struct multus_ctx *ctx, enum cache_op op, const struct timespec *t0,
		      const struct timespec *t1)
{
	uint64_t ns = (uint64_t)(t1->tv_sec - t0->tv_sec) * 1000000000ULL + (uint64_t)t1->tv_nsec -
		      (uint64_t)t0->tv_nsec;

	ctx->cache_asks++;
	ctx->cache_wall_ns += ns;
	log_debug("node-local cache: %s in %llu us", cache_op_name(op),
		  (unsigned long long)(ns / 1000));
}

static int cache_ask(struct multus_ctx *ctx, json_t *req, enum cache_op op, json_t **ret,
		     unsigned *ret_ops, struct err *e)
{
	struct timespec t0, t1;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = k8s_cache_ask(ctx->nc.daemon_socket, &ctx->cache_budget_ns, req, op, ret, ret_ops, e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	count_ask(ctx, op, &t0, &t1);
	return r;
}

static void cache_gave_up(struct multus_ctx *ctx, const struct err *why)
{
	log_verbose("node-local cache %s: %s; asking the API server", ctx->nc.daemon_socket,
		    why->msg);
	ctx->cache_failed = true;
}

/* The daemon's answer is the object asked for (a confused daemon must not hand out another's). */
static bool is_named(json_t *obj, const char *ns, const char *name, const char *uid)
{
	json_t *md = json_object_get(obj, "metadata");
	const char *mns = json_string_value(json_object_get(md, "namespace"));
	const char *mname = json_string_value(json_object_get(md, "name"));
	const char *muid = json_string_value(json_object_get(md, "uid"));

	return ns && name && mns && mname && streq(mns, ns) && streq(mname, name) &&
	       (!uid || !uid[0] || (muid && streq(muid, uid)));
}

/* The netconf's networks that may be NADs (in multusNamespace unless named with one), for the
 * daemon to send with the pod: nss/names point into *ret_sels, to be freed. */
static size_t netconf_nads(const struct multus_ctx *ctx, struct k8s_net_sel **ret_sels,
			   size_t *ret_n, const char **nss, const char **names, size_t max)
{
	const char *texts[2] = { ctx->nc.default_delegates, ctx->nc.cluster_network };
	struct k8s_net_sel *all = NULL;
	size_t n_all = 0, k = 0;
	json_t *v;
	size_t i;

	*ret_sels = NULL;
	*ret_n = 0;
	for (size_t t = 0; t < ELEMENTSOF(texts) + json_array_size(ctx->nc.default_networks); t++) {
		const char *text;
		struct k8s_net_sel *sels = NULL, *grown;
		size_t n = 0;

		if (t < ELEMENTSOF(texts))
			text = texts[t];
		else {
			v = json_array_get(ctx->nc.default_networks, t - ELEMENTSOF(texts));
			text = json_string_value(v);
		}
		/* A path or anything else that is no network selection: not a NAD. */
		if (!text || !text[0] || k8s_netsel_parse(text, &sels, &n, NULL) < 0)
			continue;
		grown = realloc(all, (n_all + n) * sizeof(*all));
		if (!grown) {
			k8s_netsel_free(sels, n);
			break;
		}
		all = grown;
		memcpy(all + n_all, sels, n * sizeof(*sels));
		n_all += n;
		free(sels); /* its strings are all's now */
	}
	for (i = 0; i < n_all && k < max; i++) {
		nss[k] = all[i].namespace ? all[i].namespace : ctx->nc.multus_namespace;
		names[k++] = all[i].name;
	}
	*ret_sels = all;
	*ret_n = n_all;
	return k;
}

int multus_pod_read(struct multus_ctx *ctx, struct err *e)
{
	const char *ns = ctx->env.pod_namespace, *name = ctx->env.pod_name;
	int r;

	if (cache_usable(ctx)) {
		json_auto_t *req = cache_req_pod(ns, name, ctx->env.pod_uid);
		const char *nss[CACHE_NAMES_MAX], *names[CACHE_NAMES_MAX];
		struct k8s_net_sel *sels = NULL;
		size_t n_sels = 0, n;
		json_t *pod = NULL, *nads = NULL;
		struct err e2 = { 0 };
		struct timespec t0, t1;

		/* The NADs the netconf names come with the pod, and those the pod's annotations
		 * name (the daemon reads them): one request fewer. Best effort: a request
		 * without them is what an older plugin sends. */
		n = netconf_nads(ctx, &sels, &n_sels, nss, names, ELEMENTSOF(names));
		if (req)
			(void)cache_req_pod_prefetch(req, ctx->nc.multus_namespace, nss, names, n);
		k8s_netsel_free(sels, n_sels);
		ctx->cache_budget_ns = CACHE_BOUND_NS;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		r = k8s_cache_ask_pod(ctx->nc.daemon_socket, &ctx->cache_budget_ns, req, &pod,
				      &nads, &ctx->cache_ops, &e2);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		count_ask(ctx, CACHE_OP_POD, &t0, &t1);
		if (r == 0) {
			json_decref(ctx->cache_nads);
			ctx->cache_nads = nads;
		}
		if (r == 0 && !is_named(pod, ns, name, ctx->env.pod_uid)) {
			json_decref(pod);
			r = err_set(&e2, -EPROTO, "its answer is another pod");
		}
		if (r == 0) {
			ctx->pod = pod;
			ctx->cached = true;
			log_debug("pod %s/%s from the node-local cache", ns, name);
			return 0;
		}
		/* Not found (or not with that uid) even by the daemon's own GET: the API path
		 * says so in its own words (it is an error either way). */
		cache_gave_up(ctx, &e2);
	}
	r = multus_api_open(ctx, e);
	if (r == 0)
		r = multus_pod_fetch(ctx, e);
	return r;
}

/* The API client, made on the first need after the cache stopped answering. */
static int api_fallback(struct multus_ctx *ctx, struct err *e)
{
	if (ctx->api)
		return 0;
	return multus_api_open(ctx, e);
}

bool multus_nad_source(const struct multus_ctx *ctx)
{
	return ctx->api || ctx->cached;
}

/*
 * One request for ns/name and every other NAD the plan wants and has not got yet: of every
 * namespace where the daemon knows "nadkeys", else of namespace ns (one request per
 * namespace); at most CACHE_NAMES_MAX in one. Each answer goes into the invocation's NAD
 * cache, found or none. The whole answer is checked first: a NAD named otherwise than asked,
 * and nothing of it is used.
 */
static int cache_nads_batch(struct multus_ctx *ctx, struct nad_cache *nads, const char *ns,
			    const char *name, struct err *e)
{
	bool keys = ctx->cache_ops & (1u << CACHE_OP_NADKEYS);
	const char *nss[CACHE_NAMES_MAX], *names[CACHE_NAMES_MAX];
	size_t n = nad_cache_unknown(nads, ns, name, keys, nss, names, ELEMENTSOF(names));
	json_auto_t *req = keys ? cache_req_nadkeys(ctx->env.pod_namespace, nss, names, n)
				: cache_req_nads(ns, names, n);
	json_auto_t *got = NULL;
	json_t *found[CACHE_NAMES_MAX];
	int r;

	r = cache_ask(ctx, req, keys ? CACHE_OP_NADKEYS : CACHE_OP_NADS, &got, NULL, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *key = NULL;

		if (keys && asprintf(&key, "%s/%s", nss[i], names[i]) < 0)
			return err_set(e, -ENOMEM, "out of memory");
		found[i] = json_object_get(got, keys ? key : names[i]);
		if (json_is_null(found[i]))
			found[i] = NULL;
		if (found[i] && !is_named(found[i], nss[i], names[i], NULL))
			return err_set(e, -EPROTO, "its answer is another NAD");
	}
	log_debug("%zu NAD%s from the node-local cache in one request (%s)", n, n == 1 ? "" : "s",
		  keys ? "any namespace" : ns);
	for (size_t i = 0; i < n; i++) {
		r = nad_cache_put(nads, nss[i], names[i], found[i]);
		if (r < 0)
			return err_set(e, r, "out of memory");
	}
	return 0;
}

/* The NADs the pod answer carried, into the invocation's NAD cache (once). One named otherwise
 * than its key: a confused daemon, nothing of it is used. */
static int prefetched_put(struct multus_ctx *ctx, struct nad_cache *nads, struct err *e)
{
	json_auto_t *got = TAKE_PTR(ctx->cache_nads);
	const char *key;
	size_t n = 0;
	json_t *v;

	json_object_foreach (got, key, v) {
		char ns[CACHE_NS_MAX];
		const char *name;

		if (cache_nad_key_split(key, ns, &name) < 0 || !is_named(v, ns, name, NULL))
			return err_set(e, -EPROTO, "its answer is another NAD");
	}
	json_object_foreach (got, key, v) {
		char ns[CACHE_NS_MAX];
		const char *name;
		json_t *have = NULL;
		int r;

		(void)cache_nad_key_split(key, ns, &name);
		r = nad_cache_known(nads, ns, name, &have);
		json_decref(have);
		if (r != 0)
			continue;
		r = nad_cache_put(nads, ns, name, v);
		if (r < 0)
			return err_set(e, r, "out of memory");
		n++;
	}
	if (n)
		log_debug("%zu NAD%s from the node-local cache with the pod", n, n == 1 ? "" : "s");
	return 0;
}

int multus_nad_get(struct multus_ctx *ctx, struct nad_cache *nads, const char *ns, const char *name,
		   json_t **ret_nad, struct err *e)
{
	int r;

	if (ctx->cached && cache_usable(ctx)) {
		struct err e2 = { 0 };

		r = prefetched_put(ctx, nads, &e2);
		if (r == 0)
			r = nad_cache_known(nads, ns, name, ret_nad);
		if (r == 0)
			r = cache_nads_batch(ctx, nads, ns, name, &e2);
		if (r == 0)
			r = nad_cache_known(nads, ns, name, ret_nad);
		if (r == -ENOENT)
			return err_set(e, -ENOENT,
				       "NetworkAttachmentDefinition %s/%s: not found (node-local "
				       "cache)",
				       ns, name);
		if (r > 0)
			return 0;
		if (r == 0)
			r = err_set(&e2, -EPROTO, "no answer for NAD %s/%s", ns, name);
		cache_gave_up(ctx, &e2);
	}
	r = api_fallback(ctx, e);
	if (r < 0)
		return r;
	return nad_cache_get(nads, ctx->api, ns, name, ret_nad, e);
}

/* The daemon retries a write within the plugin's own apiTimeoutSeconds, as the plugin would. */
static void write_timeout(const struct multus_ctx *ctx, json_t *req)
{
	double ms = ctx->nc.api_timeout_seconds * 1000;

	if (req)
		cache_req_set_timeout(req, ms < 1 ? 1 : (long)ms);
}

/* The AddedInterface events of the plan (NULL on ENOMEM). */
static json_t *plan_events(struct multus_ctx *ctx, const struct plan *p)
{
	json_auto_t *evs = json_array();
	struct timespec now;

	if (!evs)
		return NULL;
	clock_gettime(CLOCK_REALTIME, &now);
	for (size_t i = 0; i < p->n && i < CACHE_EVENTS_MAX; i++)
		if (json_array_append_new(
			evs, multus_added_event(ctx->pod, &p->att[i], &now, (unsigned)i)) < 0)
			return NULL;
	return TAKE_PTR(evs);
}

static bool cache_write(struct multus_ctx *ctx, json_t *req, enum cache_op op)
{
	struct err e2 = { 0 };

	write_timeout(ctx, req);
	if (cache_ask(ctx, req, op, NULL, NULL, &e2) == 0)
		return true;
	cache_gave_up(ctx, &e2);
	return false;
}

/*
 * The status annotations and the AddedInterface events, handed to the daemon: it writes them
 * (with retries, within apiTimeoutSeconds) after the ADD has returned. One request where the
 * daemon knows "report", else two (a daemon that predates it). false: written by nobody.
 */
static void cache_report(struct multus_ctx *ctx, const struct plan *p, bool *status_done,
			 bool *events_done)
{
	json_auto_t *ann = multus_status_annotations(p), *evs = plan_events(ctx, p);
	json_auto_t *req = NULL;

	if (!ann || !evs)
		return;
	if (ctx->cache_ops & (1u << CACHE_OP_REPORT)) {
		req = cache_req_report(p->pod_namespace, p->pod_name, p->pod_uid, ann, evs);
		*status_done = *events_done = cache_write(ctx, req, CACHE_OP_REPORT);
		return;
	}
	req = cache_req_status(p->pod_namespace, p->pod_name, p->pod_uid, ann);
	*status_done = cache_write(ctx, req, CACHE_OP_STATUS);
	if (!*status_done)
		return;
	json_decref(TAKE_PTR(req));
	req = cache_req_events(p->pod_namespace, evs);
	*events_done = cache_write(ctx, req, CACHE_OP_EVENTS);
}

void multus_report_write(struct multus_ctx *ctx, const struct plan *p)
{
	bool status_done = false, events_done = false;
	struct err e2 = { 0 };

	if (ctx->cached && cache_usable(ctx))
		cache_report(ctx, p, &status_done, &events_done);
	if (ctx->cache_asks)
		log_debug("node-local cache: %u requests, %llu us", ctx->cache_asks,
			  (unsigned long long)(ctx->cache_wall_ns / 1000));
	if (status_done && events_done)
		return;
	if (ctx->cached && api_fallback(ctx, &e2) < 0) {
		log_warning("cannot write the network-status annotations and events of pod %s/%s: "
			    "%s",
			    p->pod_namespace, p->pod_name, e2.msg);
		return;
	}
	if (!status_done)
		multus_status_patch(ctx, p);
	if (!events_done)
		multus_events_write(ctx, p);
}
