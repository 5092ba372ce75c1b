// SPDX-License-Identifier: GPL-2.0-or-later
/* Running the delegates of a plan: how each is invoked, and the teardown that DEL, ADD's
 * rollback, a repeated ADD and GC share. */
#include <stdio.h>

#include "cni/cni.h"
#include "cni/exec.h"
#include "multus/devinfo.h"
#include "multus/firewall.h"
#include "multus/log.h"
#include "multus/multus.h"
#include "multus/netcheck.h"
#include "multus/store.h"

static void log_stderr_cb(void *userdata, const char *plugin, const char *text)
{
	log_verbose("delegate %s stderr: %s", plugin, text);
}

void multus_invoke_base(const struct multus_ctx *ctx, struct cni_invoke *ret)
{
	*ret = (struct cni_invoke){
		.cni_path = ctx->env.path ? ctx->env.path : "",
		.bin_dir = ctx->nc.bin_dir,
		.caller_version = ctx->nc.cni_version,
		.timeout_ms = (long)(ctx->nc.delegate_timeout_seconds * 1000),
		.on_stderr = log_stderr_cb,
	};
}

void multus_invoke_for(const struct multus_ctx *ctx, const struct plan *p,
		       const struct attachment *a, struct cni_invoke *ret)
{
	multus_invoke_base(ctx, ret);
	ret->container_id = p->container_id;
	ret->netns = ctx->env.netns && ctx->env.netns[0] ? ctx->env.netns : p->netns;
	ret->ifname = a->ifname;
	ret->args = a->cni_args ? a->cni_args : "";
	ret->runtime_config = a->runtime_config;
}

static int plugin_find(const struct multus_ctx *ctx, const struct attachment *a, const char *type,
		       struct err *e)
{
	_cleanup_free_ char *bin = NULL;
	int r;

	/* Ourselves as a delegate would wait for this container's lock, held by this ADD, until
	 * killed; and its DEL likewise, for good. */
	if (type && ctx->nc.type && streq(type, ctx->nc.type))
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -ELOOP,
				"network \"%s\": its type \"%s\" is this plugin itself; a "
				"delegate cannot be multus",
				a->network, type);
	r = cni_exec_find(type, ctx->env.path ? ctx->env.path : "", ctx->nc.bin_dir, &bin, e);
	if (r < 0) {
		e->code = CNI_ERR_INVALID_NETCONF;
		return err_prefix(e, r, "network \"%s\"", a->network);
	}
	return 0;
}

int multus_delegate_find(const struct multus_ctx *ctx, const struct attachment *a, struct err *e)
{
	json_t *plugins = json_object_get(a->conf, "plugins"), *p;
	size_t i;

	if (!json_is_array(plugins))
		return plugin_find(ctx, a, json_string_value(json_object_get(a->conf, "type")), e);
	json_array_foreach (plugins, i, p) {
		int r = plugin_find(ctx, a, json_string_value(json_object_get(p, "type")), e);

		if (r < 0)
			return r;
	}
	return 0;
}

static void keep_first(int r, const struct err *e2, int *ret, struct err *first)
{
	if (*ret)
		return;
	*ret = r;
	*first = *e2;
}

int multus_teardown(struct multus_ctx *ctx, struct plan *p, size_t count, bool rollback,
		    struct err *e)
{
	bool *failed = calloc(count ? count : 1, sizeof(bool));
	struct nft_sweep_stats st = { 0 };
	struct err first = { 0 }, e2 = { 0 };
	size_t kept = 0;
	int r, ret = 0;

	if (!failed)
		return -ENOMEM;
	/* Delegates in reverse, past errors. */
	for (size_t i = count; i-- > 0;) {
		struct attachment *a = &p->att[i];
		struct cni_invoke inv;

		err_clear(&e2);
		multus_invoke_for(ctx, p, a, &inv);
		r = cni_delegate_del(a->conf, &inv, a->version, a->result, &e2);
		multus_devinfo_remove(ctx, a);
		if (r < 0 && rollback && a->state != ATT_ADDED) {
			/* The attachment whose ADD just failed: a config that fails ADD mostly
			 * fails DEL too (macvlan on a missing master), and a CRI runtime DELs a
			 * sandbox it failed to set up once, then forgets its id: kept, the entry
			 * would never go. Its links are still swept below. */
			log_warning("DEL undoing the failed ADD of network %s (%s) failed too, "
				    "not kept for a later DEL: %s",
				    a->network, a->ifname, e2.msg);
		} else if (r < 0) {
			log_error("DEL of network %s (%s) failed: %s", a->network, a->ifname,
				  e2.msg);
			failed[i] = true;
			keep_first(r, &e2, &ret, &first);
		}
	}
	/* Then what they left in the pod netns: only links this container owns. */
	for (size_t i = 0; ctx->nl && i < count; i++) {
		err_clear(&e2);
		r = netcheck_sweep(ctx->nl, &p->att[i], rollback, &e2);
		if (r > 0)
			log_info("network %s: deleted %d leftover link(s)", p->att[i].network, r);
		if (r < 0) {
			log_error("network %s: %s", p->att[i].network, e2.msg);
			failed[i] = true;
			keep_first(r, &e2, &ret, &first);
		}
	}
	/* And the firewall rules tagged with this container, in the host netns. */
	err_clear(&e2);
	r = multus_firewall_sweep(p->container_id, &st, &e2);
	if (r < 0) {
		log_error("nftables sweep failed: %s", e2.msg);
		keep_first(r, &e2, &ret, &first);
	} else if (st.rules || st.chains)
		log_info("deleted %u leftover firewall rule(s) and %u chain(s)", st.rules,
			 st.chains);
	/* Keep only what failed, so the runtime's retry does only that; what is done and what
	 * never ran ([count, n)) goes from the plan. */
	for (size_t i = 0; i < count; i++) {
		if (!failed[i])
			continue;
		if (kept != i) {
			struct attachment t = p->att[kept];

			p->att[kept] = p->att[i];
			p->att[i] = t;
		}
		kept++;
	}
	free(failed);
	plan_truncate(p, kept);
	/* A store that cannot record it (read-only, full) does not undo the teardown: the
	 * error says what is left on disk, and a retried DEL finds it done already. */
	if (ret == 0) {
		r = store_remove(ctx->nc.cni_dir, p->container_id, e);
		/* An entry the seed fork or upstream Multus left goes once the pod is clean. */
		if (r == 0)
			r = legacy_forget(p, e);
		if (r < 0)
			return err_prefix(e, r, "torn down, but the store cannot record it");
		return 0;
	}
	err_clear(&e2);
	r = store_save(ctx->nc.cni_dir, p, &e2);
	/* What is left of a legacy entry is ours now: the retry reads only that. */
	if (r == 0 && legacy_forget(p, &e2) < 0)
		log_error("%s", e2.msg);
	if (r < 0) {
		size_t l = strlen(first.msg);

		log_error("cannot update the store entry: %s", e2.msg);
		snprintf(first.msg + l, sizeof(first.msg) - l,
			 "; and the store still lists every network: %s", e2.msg);
	}
	if (e) {
		*e = first;
		if (!e->code)
			e->code = CNI_ERR_DELEGATE;
	}
	return ret;
}
