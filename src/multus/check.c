// SPDX-License-Identifier: GPL-2.0-or-later
/* CHECK: each attachment of the store entry against the kernel, then its delegate's CHECK. */
#include "cni/cni.h"
#include "multus/multus.h"
#include "multus/netcheck.h"
#include "multus/store.h"

int multus_cmd_check(struct multus_ctx *ctx, struct err *e)
{
	_cleanup_plan_ struct plan *p = NULL;
	struct legacy_where w;
	int lock = -1, r;

	/* The runtime passes the ADD's result it cached (CNI spec; libcni always does). The
	 * delegates get the results the store recorded for each. */
	if (!ctx->nc.prev_result)
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				"CHECK needs prevResult: the result of this container's ADD, which "
				"the runtime caches and passes on");
	r = store_lock(ctx->nc.cni_dir, ctx->env.container_id, &lock, e);
	if (r < 0)
		return r;
	legacy_where_for(ctx, &w);
	r = store_lookup(&w, ctx->env.container_id, &p, e);
	if (r == 0 && multus_entry_foreign(ctx, p)) {
		plan_free(TAKE_PTR(p));
		r = -ENOENT;
	}
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

		if (a->state != ATT_ADDED) {
			r = err_setc(e, CNI_ERR_INTERFACE, -EIO,
				     "network %s (%s) was never added completely", a->network,
				     a->ifname);
			goto out;
		}
		/* An old binary's entry whose libcni result cache is gone. */
		if (!a->result) {
			r = err_setc(e, CNI_ERR_INTERFACE, -EIO,
				     "network %s (%s) has no recorded result to check against",
				     a->network, a->ifname);
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
