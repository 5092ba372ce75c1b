// SPDX-License-Identifier: GPL-2.0-or-later
/* STATUS: ready when the readiness indicator is there and the master delegate says so. */
#include "cni/cni.h"
#include "multus/multus.h"
#include "multus/planner.h"

int multus_cmd_status(struct multus_ctx *ctx, struct err *e)
{
	json_auto_t *conf = NULL;
	_cleanup_free_ char *network = NULL;
	struct cni_invoke inv = { 0 };
	int r;

	r = multus_wait_ready(ctx, e);
	if (r < 0)
		return r;
	/* The master delegate, from the netconf alone (STATUS has no pod). */
	r = multus_master_find(ctx, &conf, &network, e);
	if (r < 0) {
		e->code = CNI_ERR_NOT_READY;
		return err_prefix(e, r, "cannot find the master network");
	}
	/* No container, netns or interface: STATUS is about the plugin, not a pod. */
	multus_invoke_base(ctx, &inv);
	r = cni_delegate_status(conf, &inv, e);
	if (r < 0 && e->code != CNI_ERR_NOT_READY && e->code != CNI_ERR_LIMITED_CONNECTIVITY)
		e->code = CNI_ERR_NOT_READY;
	return r;
}
