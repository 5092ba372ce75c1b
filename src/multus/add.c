// SPDX-License-Identifier: GPL-2.0-or-later
/* ADD: plan, store, delegates one by one with the kernel checked after each, finish. */
#include <stdio.h>

#include "cni/cni.h"
#include "cni/result.h"
#include "cni/version.h"
#include "multus/api.h"
#include "multus/cache.h"
#include "multus/devinfo.h"
#include "multus/log.h"
#include "multus/netcheck.h"
#include "multus/planner.h"
#include "multus/store.h"
#include "util/inet.h"

/* Undoes the first `count` attachments after a failed ADD; the ADD's own error stays in e.
 * An attachment whose delegate never ran gets no DEL: a delegate's DEL works by interface
 * name, and that name may belong to a link that was there before. */
static void rollback(struct multus_ctx *ctx, struct plan *p, size_t count)
{
	struct err e2 = { 0 };

	if (multus_teardown(ctx, p, count, true, &e2) < 0)
		log_error("rollback left something behind (kept in the store for DEL): %s", e2.msg);
}

/* 0.1.0/0.2.0 results name no interface: the one the kernel shows is added, so that a newer
 * caller (containerd looks for the pod IP under eth0's entry), network-status and --verify
 * have it. Best effort: the ADD stands without it. */
static void describe_legacy_iface(struct multus_ctx *ctx, const struct cni_invoke *inv,
				  struct attachment *a)
{
	char mac[MAC_STRLEN];
	struct nl_link l;

	if (!a->result || !ctx->nl || cni_version_cmp(a->version, "0.3.0") >= 0)
		return;
	if (nl_link_get_by_name(ctx->nl, a->ifname, &l, NULL) < 0 ||
	    cni_result_add_sandbox_iface(
		a->result, a->ifname,
		l.mac_len ? mac_addr_fmt(l.mac, l.mac_len, mac, sizeof(mac)) : NULL,
		inv->netns) < 0)
		log_warning("network %s: cannot describe %s in its CNI %s result", a->network,
			    a->ifname, a->version);
}

/*
 * The entry's first write, staged before the first delegate and committed (fsynced and
 * renamed into place) once that delegate's process runs and before it is given its config:
 * the fsync overlaps the delegate's start-up (a Go plugin's runtime takes longer than the
 * fsync) instead of adding to the ADD, and no delegate acts before the entry is on disk.
 */
struct first_write {
	struct multus_ctx *ctx;
	struct plan *p;
	bool failed;
};

static int first_commit(void *data, struct err *e)
{
	struct first_write *w = data;
	int r = store_commit(w->ctx->nc.cni_dir, w->p, e);

	if (r < 0)
		w->failed = true;
	return r;
}

/* *ret_ran: whether the delegate was run at all (rollback must DEL it then). w: the entry's
 * first write while it is staged, else NULL. */
static int run_attachment(struct multus_ctx *ctx, struct plan *p, struct attachment *a,
			  struct link_snap *snap, struct first_write *w, bool *ret_ran,
			  struct err *e)
{
	struct cni_invoke inv;
	_cleanup_free_ char *version = NULL;
	json_t *result = NULL;
	int r, r2;

	multus_invoke_for(ctx, p, a, &inv);
	*ret_ran = false;
	r = netcheck_before(a, snap, e);
	if (r < 0)
		return r;
	/* A missing binary or an invalid type: nothing of this attachment runs, so rollback
	 * owes it no DEL (which could only fail the same way, for good). */
	r = multus_delegate_find(ctx, a, e);
	if (r < 0)
		return r;
	/* A device-info file is something DEL must find an entry for: the entry first. */
	if (w && a->resource_name) {
		r = first_commit(w, e);
		if (r < 0)
			return r;
	}
	if (w) {
		inv.started = first_commit;
		inv.started_data = w;
	}
	*ret_ran = true;
	log_verbose("ADD %s as %s (type %s, CNI %s)", a->network, a->ifname, cni_conf_type(a->conf),
		    a->version);
	multus_devinfo_copy(ctx, a);
	r = cni_delegate_add(a->conf, &inv, a->version, &result, &version, e);
	/* The entry could not be written: the delegate was killed before it got its config. */
	if (w && w->failed) {
		*ret_ran = false;
		return r;
	}
	if (r == 0) {
		multus_devinfo_load(a);
		json_decref(a->result);
		a->result = result;
		free(a->version);
		a->version = TAKE_PTR(version);
	}
	/* Even when the delegate failed: whatever it created is this attachment's. */
	{
		struct err e2 = { 0 };

		r2 = netcheck_after(ctx->nl, a, inv.netns, snap, r == 0, r == 0 ? e : &e2);
	}
	if (r < 0)
		return r;
	if (r2 < 0)
		return r2;
	r = netcheck_kept(p, (size_t)(a - p->att), a, snap, e);
	if (r < 0)
		return r;
	if (r2 == 1)
		log_info("network %s: the delegate named its interface otherwise; renamed to %s",
			 a->network, a->ifname);
	describe_legacy_iface(ctx, &inv, a);
	a->state = ATT_ADDED;
	return 0;
}

/* A repeated ADD for the same container: what the first one set up goes first, whether our
 * entry or one the seed fork or upstream Multus left before an upgrade (its files go with it,
 * as at DEL). */
static int clear_stale(struct multus_ctx *ctx, struct err *e)
{
	_cleanup_plan_ struct plan *old = NULL;
	struct legacy_where w;
	int r;

	legacy_where_for(ctx, &w);
	r = store_lookup(&w, ctx->env.container_id, &old, e);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	/* Tearing down another network's attachment would unwire the pod behind its back. */
	if (multus_entry_foreign(ctx, old))
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EEXIST,
				"container %s already has multus network \"%s\" on %s; multus "
				"keeps one attachment per container, so this ADD of \"%s\" on %s "
				"is refused",
				ctx->env.container_id, old->conf_name, old->ifname, ctx->nc.name,
				ctx->env.ifname);
	log_warning("ADD for a container that has a store entry: tearing the old one down first");
	return multus_teardown(ctx, old, old->n, false, e);
}

int multus_cmd_add(struct multus_ctx *ctx, struct err *e)
{
	_cleanup_plan_ struct plan *p = NULL;
	struct link_snap snap = { 0 };
	struct first_write w;
	struct attachment *master;
	int lock = -1, r;

	r = multus_wait_ready(ctx, e);
	if (r < 0)
		return r;
	/* All API reads happen here, before anything touches a namespace. Without both pod
	 * names (podman sends only a name) there is no pod: the config alone decides. */
	if (ctx->env.pod_namespace && ctx->env.pod_namespace[0] && ctx->env.pod_name &&
	    ctx->env.pod_name[0]) {
		r = multus_pod_read(ctx, e);
		if (r < 0)
			return r;
	}
	r = multus_netns_open(ctx, e);
	if (r < 0)
		return r;
	r = store_lock(ctx->nc.cni_dir, ctx->env.container_id, &lock, e);
	if (r < 0)
		return r;
	r = clear_stale(ctx, e);
	if (r < 0)
		goto out;
	/* The pod's links, listed once up front: what it had before any delegate (never ours
	 * to delete, and explained for --verify), the names the planner must not pick, and the
	 * first attachment's "before". After each delegate, netcheck_after lists them again. */
	r = link_snap_take(ctx->nl, &snap, e);
	if (r < 0)
		goto out;
	r = multus_plan_build(ctx, &snap, &p, e);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < snap.n && r == 0; i++)
		r = plan_add_preexisting(p, snap.links[i].name, snap.links[i].index);
	if (r < 0)
		goto out;
	/* Before any delegate acts: a crash from then on still leaves DEL what it needs. A full
	 * or read-only store fails the ADD here; the fsync, the one of the ADD, is done while
	 * the first delegate starts (first_write). */
	r = store_stage(ctx->nc.cni_dir, p, e);
	if (r < 0)
		goto out;
	w = (struct first_write){ .ctx = ctx, .p = p };
	for (size_t i = 0; i < p->n; i++) {
		bool ran;

		r = run_attachment(ctx, p, &p->att[i], &snap, i == 0 ? &w : NULL, &ran, e);
		/* Whether or not its delegate ran: from here on the entry is in place (a
		 * no-op when the delegate's start committed it). */
		if (i == 0 && !w.failed) {
			struct err e2 = { 0 };
			int r2 = store_commit(ctx->nc.cni_dir, p, r < 0 ? &e2 : e);

			/* (Its delegate, if it ran, is rolled back as after any failure.) */
			if (r2 < 0 && r == 0)
				r = r2;
			else if (r2 < 0)
				log_warning("%s", e2.msg);
		}
		if (r < 0) {
			log_error("ADD failed at network %s: %s", p->att[i].network, e->msg);
			rollback(ctx, p, ran ? i + 1 : i);
			goto out;
		}
		/* The last one's result goes into the entry itself, after netcheck_finish. */
		if (i + 1 == p->n)
			break;
		r = store_note(ctx->nc.cni_dir, p, e);
		if (r < 0) {
			rollback(ctx, p, i + 1);
			goto out;
		}
	}
	r = netcheck_finish(ctx->nl, p, e);
	if (r == 0)
		r = store_save(ctx->nc.cni_dir, p, e);
	if (r < 0) {
		rollback(ctx, p, p->n);
		goto out;
	}
	master = plan_master(p);
	r = cni_result_convert(master->result, ctx->nc.cni_version, &ctx->result, e);
	if (r < 0) {
		rollback(ctx, p, p->n);
		goto out;
	}
	store_unlock(ctx->nc.cni_dir, ctx->env.container_id, lock, false);
	lock = -1;
	multus_report_write(ctx, p);
	log_info("ADD done: %zu network(s)", p->n);
	link_snap_done(&snap);
	return 0;
out:
	link_snap_done(&snap);
	/* Staged and never committed (no delegate started): nothing of it stays. */
	if (p)
		store_abort(ctx->nc.cni_dir, p);
	if (lock >= 0) {
		/* A clean rollback removed the entry: the lock file can go too. */
		struct plan *left = NULL;
		bool gone =
		    store_load(ctx->nc.cni_dir, ctx->env.container_id, &left, NULL) == -ENOENT;

		plan_free(left);
		store_unlock(ctx->nc.cni_dir, ctx->env.container_id, lock, gone);
	}
	return r;
}
