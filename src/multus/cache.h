/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The node-local cache first, the API server without its answer (cache.c). */
#pragma once

#include "multus/multus.h"

/* The pod of CNI_ARGS into ctx->pod: from the daemon (ctx->cached), else GET from the API
 * (opening it; nothing without API use). Errors as multus_pod_fetch(). */
int multus_pod_read(struct multus_ctx *ctx, struct err *e);
/* Is there anything to look NADs up in (the cache or the API)? */
bool multus_nad_source(const struct multus_ctx *ctx);
/* The NAD ns/name: from the daemon when the pod came from it, else from the API (opened on
 * first need) through the invocation's NAD cache (nadcache.h). -ENOENT: there is none. */
struct nad_cache;
int multus_nad_get(struct multus_ctx *ctx, struct nad_cache *nads, const char *ns, const char *name,
		   json_t **ret_nad, struct err *e);
/* The status annotations and the AddedInterface events: handed to the daemon when the pod
 * came from it (it writes them), else PATCHed and POSTed. Failure is logged, not fatal. */
void multus_report_write(struct multus_ctx *ctx, const struct plan *p);
