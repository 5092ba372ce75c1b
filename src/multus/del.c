// SPDX-License-Identifier: GPL-2.0-or-later
/* DEL and the teardown that ADD's rollback and GC share. */
#include <stdio.h>

#include "cni/cni.h"
#include "multus/firewall.h"
#include "multus/log.h"
#include "multus/multus.h"
#include "multus/netcheck.h"
#include "multus/store.h"

int multus_teardown(struct multus_ctx *ctx, struct plan *p, struct err *e)
{
	bool *failed = calloc(p->n ? p->n : 1, sizeof(bool));
	struct nft_sweep_stats st = { 0 };
	struct err first = { 0 };
	size_t kept = 0;
	int r, ret = 0;

	if (!failed)
		return -ENOMEM;
	/* Delegates in reverse, past errors. */
	for (size_t i = p->n; i-- > 0;) {
		struct attachment *a = &p->att[i];
		struct cni_invoke inv;
		struct err e2 = { 0 };

		multus_invoke_for(ctx, p, a, &inv);
		r = cni_delegate_del(a->conf, &inv, a->version, a->result, &e2);
		if (r < 0) {
			log_error("DEL of network %s (%s) failed: %s", a->network, a->ifname,
				  e2.msg);
			failed[i] = true;
			if (!ret) {
				ret = r;
				first = e2;
			}
		}
	}
	/* Then what they left in the pod netns: only links this container owns. */
	for (size_t i = 0; ctx->nl && i < p->n; i++) {
		struct err e2 = { 0 };

		r = netcheck_sweep(ctx->nl, &p->att[i], &e2);
		if (r > 0)
			log_info("network %s: deleted %d leftover link(s)", p->att[i].network, r);
		if (r < 0) {
			log_error("network %s: %s", p->att[i].network, e2.msg);
			failed[i] = true;
			if (!ret) {
				ret = r;
				first = e2;
			}
		}
	}
	/* And the firewall rules tagged with this container, in the host netns. */
	{
		struct err e2 = { 0 };

		r = multus_firewall_sweep(p->container_id, &st, &e2);
		if (r < 0) {
			log_error("nftables sweep failed: %s", e2.msg);
			if (!ret) {
				ret = r;
				first = e2;
			}
		} else if (st.rules || st.chains)
			log_info("deleted %u leftover firewall rule(s) and %u chain(s)", st.rules,
				 st.chains);
	}
	/* Keep only what failed, so the runtime's retry does only that. */
	for (size_t i = 0; i < p->n; i++) {
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
	/* A store that cannot record it (read-only, full) does not undo the teardown: the
	 * error says what is left on disk, and a retried DEL finds it done already. */
	if (ret == 0) {
		r = store_remove(ctx->nc.cni_dir, p->container_id, e);
		if (r < 0)
			return err_prefix(e, r, "torn down, but the store cannot record it");
		return 0;
	}
	/* Attachments [kept, n) are done: shrink the record to what is left. */
	{
		size_t n = p->n;
		struct err e2 = { 0 };

		p->n = kept;
		r = store_save(ctx->nc.cni_dir, p, &e2);
		p->n = n;
		if (r < 0) {
			log_error("cannot update the store entry: %s", e2.msg);
			size_t l = strlen(first.msg);

			snprintf(first.msg + l, sizeof(first.msg) - l,
				 "; and the store still lists every network: %s", e2.msg);
		}
	}
	if (e) {
		*e = first;
		if (!e->code)
			e->code = CNI_ERR_DELEGATE;
	}
	return ret;
}

int multus_cmd_del(struct multus_ctx *ctx, struct err *e)
{
	_cleanup_plan_ struct plan *p = NULL;
	const char *netns;
	int lock = -1, r;
	bool gone;

	r = store_lock(ctx->nc.cni_dir, ctx->env.container_id, &lock, e);
	if (r == -EROFS) {
		/* No lock file on a read-only store: nothing can change it, so go on. */
		log_warning("DEL without the container's lock: %s", e->msg);
		err_clear(e);
	} else if (r < 0)
		return r;
	r = store_load(ctx->nc.cni_dir, ctx->env.container_id, &p, e);
	if (r == -ENOENT) {
		/* Never added, or a DEL already done: nothing to do, and that is success. */
		log_verbose("DEL: no store entry, nothing to do");
		store_unlock(ctx->nc.cni_dir, ctx->env.container_id, lock, true);
		return 0;
	}
	if (r < 0) {
		store_unlock(ctx->nc.cni_dir, ctx->env.container_id, lock, false);
		return r;
	}
	/* A missing netns is no error: its links went with it. Without CNI_NETNS, the one ADD
	 * saw (the delegates are given that too). */
	netns = ctx->env.netns && ctx->env.netns[0] ? ctx->env.netns : p->netns;
	if (multus_netns_open_path(ctx, netns, NULL) < 0)
		log_verbose("DEL: pod netns %s is gone or unusable; no link sweep",
			    netns ? netns : "");
	r = multus_teardown(ctx, p, e);
	gone = r == 0;
	store_unlock(ctx->nc.cni_dir, ctx->env.container_id, lock, gone);
	if (r == 0)
		log_info("DEL done");
	return r;
}
