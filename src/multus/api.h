/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <time.h>

#include "multus/multus.h"

/* GET the pod named by CNI_ARGS into ctx->pod (nothing without API or names); checks UID. */
int multus_pod_fetch(struct multus_ctx *ctx, struct err *e);
/* A pod annotation's value, or NULL. */
const char *multus_pod_annotation(const struct multus_ctx *ctx, const char *key);
/* The pod's annotations as the API must send them: an object (or none) whose `keys`, where
 * present, are strings. Anything else is an error (102; 7 for a key), not a pod that asks for
 * no networks. */
int multus_pod_annotations_check(const struct multus_ctx *ctx, const char *const *keys, size_t n,
				 struct err *e);
/* The network-status array (PRODUCT.md section 3) of an added plan. */
json_t *multus_network_status(const struct plan *p);
/* Both status annotations (the network-status array as text) of an added plan. */
json_t *multus_status_annotations(const struct plan *p);
/* PATCH both status annotations; failure is logged, not fatal. */
void multus_status_patch(struct multus_ctx *ctx, const struct plan *p);
/* The AddedInterface message of an added attachment, as upstream words it:
 * "Add eth1 [10.56.217.2/24] from default/sriov-conf" (malloc'd; NULL on ENOMEM). */
char *multus_event_message(const struct attachment *a);
/* The core/v1 Event for it on `pod` (the object read at ADD), at `when`; `seq` tells the
 * events of one ADD apart in their names. NULL when the pod lacks a name or namespace. */
json_t *multus_added_event(json_t *pod, const struct attachment *a, const struct timespec *when,
			   unsigned seq);
/* POST one AddedInterface Event per attachment; failure is logged, not fatal. */
void multus_events_write(struct multus_ctx *ctx, const struct plan *p);
