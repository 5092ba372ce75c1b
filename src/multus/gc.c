// SPDX-License-Identifier: GPL-2.0-or-later
/* CHECK, GC, STATUS, and what every command shares (netns, readiness, context). */
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "cni/cni.h"
#include "cni/version.h"
#include "multus/log.h"
#include "multus/multus.h"
#include "multus/netcheck.h"
#include "multus/store.h"
#include "netns/netns.h"

void multus_ctx_done(struct multus_ctx *ctx)
{
	nl_close(ctx->nl);
	ctx->nl = NULL;
	if (ctx->netns_fd >= 0)
		close(ctx->netns_fd);
	ctx->netns_fd = -1;
	k8s_client_free(ctx->api);
	ctx->api = NULL;
	json_decref(ctx->pod);
	ctx->pod = NULL;
	json_decref(ctx->result);
	ctx->result = NULL;
	multus_netconf_done(&ctx->nc);
	cni_env_done(&ctx->env);
}

int multus_netns_open_path(struct multus_ctx *ctx, const char *path, struct err *e)
{
	int r;

	nl_close(ctx->nl);
	ctx->nl = NULL;
	if (ctx->netns_fd >= 0)
		close(ctx->netns_fd);
	ctx->netns_fd = -1;
	if (!path || !path[0])
		return err_setc(e, CNI_ERR_NETNS, -ENOENT, "no pod netns given");
	r = netns_open(path, &ctx->netns_fd, e);
	if (r < 0) {
		if (e)
			e->code = CNI_ERR_NETNS;
		return err_prefix(e, r, "pod netns %s", path);
	}
	/* One socket, opened in the pod netns and used from here: no setns around each call. */
	r = nl_open_in(ctx->netns_fd, &ctx->nl, e);
	if (r < 0) {
		if (e)
			e->code = CNI_ERR_NETNS;
		return err_prefix(e, r, "cannot open rtnetlink in pod netns %s", path);
	}
	return 0;
}

int multus_netns_open(struct multus_ctx *ctx, struct err *e)
{
	return multus_netns_open_path(ctx, ctx->env.netns, e);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int multus_wait_ready(const struct multus_ctx *ctx, struct err *e)
{
	const char *f = ctx->nc.readiness_indicator_file;
	long deadline = now_ms() + (long)(ctx->nc.api_timeout_seconds * 1000);
	struct stat st;

	if (!f || !f[0])
		return 0;
	while (stat(f, &st) < 0) {
		if (now_ms() >= deadline)
			return err_setc(
			    e,
			    ctx->env.cmd == CNI_CMD_STATUS ? CNI_ERR_NOT_READY : CNI_ERR_TRY_AGAIN,
			    -EAGAIN, "readiness indicator file %s did not appear within %.0f s", f,
			    ctx->nc.api_timeout_seconds);
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
	return 0;
}

int multus_cmd_check(struct multus_ctx *ctx, struct err *e)
{
	_cleanup_plan_ struct plan *p = NULL;
	int lock = -1, r;

	r = store_lock(ctx->nc.cni_dir, ctx->env.container_id, &lock, e);
	if (r < 0)
		return r;
	r = store_load(ctx->nc.cni_dir, ctx->env.container_id, &p, e);
	if (r == -ENOENT)
		r = err_setc(e, CNI_ERR_UNKNOWN_CONTAINER, -ENOENT,
			     "container %s has no store entry: it was never added here",
			     ctx->env.container_id);
	if (r < 0)
		goto out;
	r = multus_netns_open(ctx, e);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < p->n; i++) {
		struct attachment *a = &p->att[i];
		struct cni_invoke inv;

		if (a->state != ATT_ADDED || !a->result) {
			r = err_setc(e, CNI_ERR_INTERFACE, -EIO,
				     "network %s (%s) was never added completely", a->network,
				     a->ifname);
			goto out;
		}
		r = netcheck_attachment(ctx->nl, a, e);
		if (r < 0) {
			err_prefix(e, r, "network %s", a->network);
			goto out;
		}
		multus_invoke_for(ctx, p, a, &inv);
		r = cni_delegate_check(a->conf, &inv, a->version, a->result, e);
		if (r < 0)
			goto out;
	}
out:
	store_unlock(ctx->nc.cni_dir, ctx->env.container_id, lock, false);
	return r;
}

static bool attachment_valid(json_t *valid, const char *id, const char *ifname)
{
	json_t *v;
	size_t i;

	json_array_foreach (valid, i, v) {
		const char *vid = json_string_value(json_object_get(v, "containerID"));
		const char *vif = json_string_value(json_object_get(v, "ifname"));

		if (vid && streq(vid, id) && (!vif || !ifname || streq(vif, ifname)))
			return true;
	}
	return false;
}

/* GC of one entry: torn down as DEL would when the runtime no longer knows it. */
static int gc_entry(struct multus_ctx *ctx, const char *id, json_t *valid, json_t *keep,
		    struct err *e)
{
	_cleanup_plan_ struct plan *p = NULL;
	int lock = -1, r;

	r = store_lock(ctx->nc.cni_dir, id, &lock, e);
	if (r < 0)
		return r;
	r = store_load(ctx->nc.cni_dir, id, &p, e);
	if (r < 0) {
		store_unlock(ctx->nc.cni_dir, id, lock, r == -ENOENT);
		return r == -ENOENT ? 0 : r;
	}
	if ((p->conf_name && !streq(p->conf_name, ctx->nc.name)) ||
	    attachment_valid(valid, p->container_id, p->ifname)) {
		for (size_t i = 0; i < p->n; i++)
			json_array_append_new(
			    keep, json_pack("{s:s,s:s,s:O}", "containerID", p->container_id,
					    "ifname", p->att[i].ifname, "conf", p->att[i].conf));
		store_unlock(ctx->nc.cni_dir, id, lock, false);
		return 0;
	}
	log_info("GC: container %s is no longer valid; tearing it down", id);
	if (multus_netns_open_path(ctx, p->netns, NULL) < 0)
		log_verbose("GC: netns %s of %s is gone", p->netns, id);
	r = multus_teardown(ctx, p, e);
	store_unlock(ctx->nc.cni_dir, id, lock, r == 0);
	return r;
}

/* GC forwarded to each delegate config that speaks 1.1.0, with its own valid list. */
static int gc_delegates(struct multus_ctx *ctx, json_t *keep, struct err *e)
{
	json_auto_t *done = json_array();
	json_t *k;
	size_t i;
	int first = 0;

	json_array_foreach (keep, i, k) {
		json_t *conf = json_object_get(k, "conf"), *d, *k2;
		json_auto_t *valid = json_array(), *extra = NULL;
		struct cni_invoke inv = { .cni_path = ctx->env.path,
					  .bin_dir = ctx->nc.bin_dir,
					  .caller_version = ctx->nc.cni_version,
					  .timeout_ms =
					      (long)(ctx->nc.delegate_timeout_seconds * 1000) };
		struct err e2 = { 0 };
		bool seen = false;
		size_t j;

		json_array_foreach (done, j, d)
			if (json_equal(d, conf))
				seen = true;
		if (seen)
			continue;
		json_array_append(done, conf);
		json_array_foreach (keep, j, k2)
			if (json_equal(json_object_get(k2, "conf"), conf))
				json_array_append_new(
				    valid, json_pack("{s:O,s:O}", "containerID",
						     json_object_get(k2, "containerID"), "ifname",
						     json_object_get(k2, "ifname")));
		extra = json_pack("{s:O}", "cni.dev/valid-attachments", valid);
		if (cni_delegate_gc(conf, &inv, extra, &e2) < 0 && !first) {
			first = -EIO;
			*e = e2;
		}
	}
	return first;
}

int multus_cmd_gc(struct multus_ctx *ctx, struct err *e)
{
	json_t *valid = json_object_get(ctx->nc.raw, "cni.dev/valid-attachments");
	json_auto_t *keep = json_array();
	char **ids = NULL;
	size_t n = 0;
	int r, first = 0;

	if (!valid)
		valid = json_object_get(ctx->nc.raw, "cni.dev/attachments");
	if (valid && !json_is_array(valid))
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				"cni.dev/valid-attachments must be an array");
	r = store_list(ctx->nc.cni_dir, &ids, &n, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct err e2 = { 0 };

		r = gc_entry(ctx, ids[i], valid, keep, &e2);
		if (r < 0) {
			log_error("GC of %s: %s", ids[i], e2.msg);
			if (!first) {
				first = r;
				*e = e2;
			}
		}
	}
	store_ids_free(ids, n);
	r = gc_delegates(ctx, keep, first ? &(struct err){ 0 } : e);
	return first ? first : r;
}

int multus_cmd_status(struct multus_ctx *ctx, struct err *e)
{
	_cleanup_plan_ struct plan *p = NULL;
	struct cni_invoke inv = { 0 };
	int r;

	r = multus_wait_ready(ctx, e);
	if (r < 0)
		return r;
	/* The master delegate, from the netconf alone (STATUS has no pod). */
	ctx->env.container_id = "status";
	ctx->env.ifname = "eth0";
	r = multus_plan_build(ctx, &p, e);
	if (r < 0) {
		e->code = CNI_ERR_NOT_READY;
		return err_prefix(e, r, "cannot find the master network");
	}
	multus_invoke_for(ctx, p, plan_master(p), &inv);
	inv.container_id = NULL;
	inv.netns = NULL;
	inv.ifname = NULL;
	r = cni_delegate_status(plan_master(p)->conf, &inv, e);
	if (r < 0 && e->code != CNI_ERR_NOT_READY && e->code != CNI_ERR_LIMITED_CONNECTIVITY)
		e->code = CNI_ERR_NOT_READY;
	return r;
}
