// SPDX-License-Identifier: GPL-2.0-or-later
/* DEL: the store entry torn down (delegates.c), the pod netns when it is still there. */
#include <stdio.h>

#include "cni/cni.h"
#include "multus/log.h"
#include "multus/multus.h"
#include "multus/store.h"

int multus_cmd_del(struct multus_ctx *ctx, struct err *e)
{
	_cleanup_plan_ struct plan *p = NULL;
	struct legacy_where w;
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
	legacy_where_for(ctx, &w);
	r = store_lookup(&w, ctx->env.container_id, &p, e);
	if (r == -ENOENT) {
		/* Never added, or a DEL already done: nothing to do, and that is success. */
		log_verbose("DEL: no store entry, nothing to do");
		store_unlock(ctx->nc.cni_dir, ctx->env.container_id, lock, true);
		return 0;
	}
	if (r == 0 && multus_entry_foreign(ctx, p)) {
		/* Another multus network's attachment (its own DEL comes): not this one's. */
		log_info(
		    "DEL: the store entry is network \"%s\" on %s, not this one; nothing to do",
		    p->conf_name, p->ifname);
		r = -ENOENT;
	}
	if (r < 0) {
		store_unlock(ctx->nc.cni_dir, ctx->env.container_id, lock, false);
		return r == -ENOENT ? 0 : r;
	}
	/* A missing netns is no error: its links went with it. Without CNI_NETNS, the one ADD
	 * saw (the delegates are given that too). */
	netns = ctx->env.netns && ctx->env.netns[0] ? ctx->env.netns : p->netns;
	if (multus_netns_open_path(ctx, netns, NULL) < 0)
		log_verbose("DEL: pod netns %s is gone or unusable; no link sweep",
			    netns ? netns : "");
	r = multus_teardown(ctx, p, p->n, false, e);
	gone = r == 0;
	store_unlock(ctx->nc.cni_dir, ctx->env.container_id, lock, gone);
	if (r == 0)
		log_info("DEL done");
	return r;
}
