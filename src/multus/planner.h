/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The planner: from the netconf, the pod (its annotations), NADs and confDir to the plan
 * (PRODUCT.md sections 3 and 4). All of ADD's API reads happen here; no namespace is touched.
 */
#pragma once

#include "multus/multus.h"
#include "multus/netcheck.h"

/*
 * Builds the plan. `links` are the pod's links (automatic interface names skip them); NULL
 * when there is no pod netns to look at. Errors: code 7 for a network not found, a selection
 * that is invalid or not allowed (namespaceIsolation), a name requested twice; 102 for the API.
 */
int multus_plan_build(struct multus_ctx *ctx, const struct link_snap *links, struct plan **ret,
		      struct err *e);

/*
 * The master network from the netconf and, when there is one, the pod (clusterNetwork,
 * delegates, defaultDelegates, or the pod's annotations): its delegate config and network
 * name, as ADD would choose them. STATUS asks this, with no pod.
 */
int multus_master_find(struct multus_ctx *ctx, json_t **ret_conf, char **ret_network,
		       struct err *e);
