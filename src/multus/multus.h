/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The meta plugin: what one invocation knows, and its commands. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cni/delegate.h"
#include "cni/env.h"
#include "k8s/client.h"
#include "multus/netconf.h"
#include "multus/plan.h"
#include "netlink/nl.h"

struct multus_ctx {
	struct cni_env env;
	struct multus_netconf nc;
	struct k8s_client *api; /* NULL: no API use */
	json_t *pod; /* NULL: no pod */
	bool cached; /* ctx->pod came from the node-local cache (multus daemon) */
	bool cache_failed; /* it did not answer once: the API from then on */
	uint64_t cache_budget_ns; /* what is left of the bound on asking it */
	unsigned cache_ops; /* the ops it knows (1u << enum cache_op), as its pod answer says */
	json_t *cache_nads; /* NADs its pod answer carried ("NS/N" -> NAD), until put to use */
	unsigned cache_asks; /* requests made to it, and their wall time (for the log) */
	uint64_t cache_wall_ns;
	int netns_fd; /* the pod netns, -1 when none/gone */
	struct nl_sock *nl; /* one rtnetlink socket bound to the pod netns */
	json_t *result; /* ADD: what to print (caller's version) */
};

void multus_ctx_done(struct multus_ctx *ctx);

/* ctx.c: what every command shares. */
/* API access per the netconf (kubeconfig / in-cluster); ctx->api stays NULL without one. */
int multus_api_open(struct multus_ctx *ctx, struct err *e);
/* Opens the pod netns and its rtnetlink socket (ctx->netns_fd, ctx->nl). */
int multus_netns_open(struct multus_ctx *ctx, struct err *e);
int multus_netns_open_path(struct multus_ctx *ctx, const char *path, struct err *e);
/* Is store entry `p` another attachment of this container: another multus netconf on
 * another CNI_IFNAME (a runtime with two multus networks for one container)? An entry
 * matching either is this one's (the netconf renamed on an upgrade, a retried ADD). */
bool multus_entry_foreign(const struct multus_ctx *ctx, const struct plan *p);

/* delegates.c: the invocation parameters of a delegate that are not about a container
 * (GC, STATUS), and those for attachment `a`. */
void multus_invoke_base(const struct multus_ctx *ctx, struct cni_invoke *ret);
void multus_invoke_for(const struct multus_ctx *ctx, const struct plan *p,
		       const struct attachment *a, struct cni_invoke *ret);
/* Are the binaries of every plugin of `a` there (CNI_PATH, then binDir)? Code 7 naming the
 * type when one is missing or the type is invalid: the delegate cannot run at all. */
int multus_delegate_find(const struct multus_ctx *ctx, const struct attachment *a, struct err *e);

/* One file each: add.c, del.c, check.c, gc.c, status.c. */
int multus_cmd_add(struct multus_ctx *ctx, struct err *e);
int multus_cmd_del(struct multus_ctx *ctx, struct err *e);
int multus_cmd_check(struct multus_ctx *ctx, struct err *e);
int multus_cmd_gc(struct multus_ctx *ctx, struct err *e);
int multus_cmd_status(struct multus_ctx *ctx, struct err *e);

/*
 * delegates.c: tears down attachments [0, count) of an entry as DEL does (delegates in
 * reverse, then link and nft sweeps); [count, n) never ran and get no DEL. Afterwards `p`
 * holds only the attachments whose teardown failed: with none the store entry is removed,
 * else rewritten to them, for the runtime's retry. Caller holds the lock. `rollback`: a
 * failed ADD's, in the netns it has open, where an owned link is known by its index even
 * under another name (a later delegate renamed it).
 */
int multus_teardown(struct multus_ctx *ctx, struct plan *p, size_t count, bool rollback,
		    struct err *e);

/* Waits (bounded) for the readiness indicator file; 0 when there is none to wait for. */
int multus_wait_ready(const struct multus_ctx *ctx, struct err *e);
