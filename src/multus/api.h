/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "multus/multus.h"

/* GET the pod named by CNI_ARGS into ctx->pod (nothing without API or names); checks UID. */
int multus_pod_fetch(struct multus_ctx *ctx, struct err *e);
/* A pod annotation's value, or NULL. */
const char *multus_pod_annotation(const struct multus_ctx *ctx, const char *key);
/* The network-status array (PRODUCT.md section 3) of an added plan. */
json_t *multus_network_status(const struct plan *p);
/* PATCH both status annotations; failure is logged, not fatal. */
void multus_status_patch(struct multus_ctx *ctx, const struct plan *p);
