// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The plugin's use of the node-local cache (`multus daemon`, PRODUCT.md section 10): asked
 * first, within one short bound for the whole invocation; without an answer the plugin does
 * the API work itself, so the daemon only ever speeds an ADD up. With answers, no API client
 * is made and libcurl is never loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

int multus_pod_read(struct multus_ctx *ctx, struct err *e)
{
	const char *ns = ctx->env.pod_namespace, *name = ctx->env.pod_name;
	int r;

	if (cache_usable(ctx)) {
		json_auto_t *req = cache_req_pod(ns, name, ctx->env.pod_uid);
		json_t *pod = NULL;
		struct err e2 = { 0 };

		ctx->cache_budget_ns = CACHE_BOUND_NS;
		r = k8s_cache_ask(ctx->nc.daemon_socket, &ctx->cache_budget_ns, req, CACHE_OP_POD,
				  &pod, &e2);
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

int multus_nad_get(struct multus_ctx *ctx, struct nad_cache *nads, const char *ns, const char *name,
		   json_t **ret_nad, struct err *e)
{
	int r;

	if (ctx->cached && cache_usable(ctx)) {
		json_auto_t *req = cache_req_nads(ns, &name, 1), *got = NULL;
		struct err e2 = { 0 };
		json_t *nad;

		r = k8s_cache_ask(ctx->nc.daemon_socket, &ctx->cache_budget_ns, req, CACHE_OP_NADS,
				  &got, &e2);
		nad = r == 0 ? json_object_get(got, name) : NULL;
		if (nad && !json_is_null(nad) && !is_named(nad, ns, name, NULL))
			r = err_set(&e2, -EPROTO, "its answer is another NAD");
		if (r == 0) {
			if (!nad || json_is_null(nad))
				return err_set(e, -ENOENT,
					       "NetworkAttachmentDefinition %s/%s: not "
					       "found (node-local cache)",
					       ns, name);
			*ret_nad = json_incref(nad);
			return 0;
		}
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

/* The status annotations and the AddedInterface events, handed to the daemon: it writes them
 * (with retries, within apiTimeoutSeconds) after the ADD has returned. */
static bool cache_status(struct multus_ctx *ctx, const struct plan *p)
{
	json_auto_t *ann = multus_status_annotations(p), *req = NULL;
	struct err e2 = { 0 };

	req = ann ? cache_req_status(p->pod_namespace, p->pod_name, p->pod_uid, ann) : NULL;
	write_timeout(ctx, req);
	if (k8s_cache_ask(ctx->nc.daemon_socket, &ctx->cache_budget_ns, req, CACHE_OP_STATUS, NULL,
			  &e2) == 0)
		return true;
	cache_gave_up(ctx, &e2);
	return false;
}

static bool cache_events(struct multus_ctx *ctx, const struct plan *p)
{
	json_auto_t *evs = json_array(), *req = NULL;
	struct err e2 = { 0 };
	struct timespec now;

	if (!evs)
		return false;
	clock_gettime(CLOCK_REALTIME, &now);
	for (size_t i = 0; i < p->n && i < CACHE_EVENTS_MAX; i++)
		if (json_array_append_new(
			evs, multus_added_event(ctx->pod, &p->att[i], &now, (unsigned)i)) < 0)
			return false;
	req = cache_req_events(p->pod_namespace, evs);
	write_timeout(ctx, req);
	if (k8s_cache_ask(ctx->nc.daemon_socket, &ctx->cache_budget_ns, req, CACHE_OP_EVENTS, NULL,
			  &e2) == 0)
		return true;
	cache_gave_up(ctx, &e2);
	return false;
}

void multus_report_write(struct multus_ctx *ctx, const struct plan *p)
{
	bool status_done = false, events_done = false;
	struct err e2 = { 0 };

	if (ctx->cached && cache_usable(ctx)) {
		status_done = cache_status(ctx, p);
		events_done = status_done && cache_events(ctx, p);
	}
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
