// SPDX-License-Identifier: GPL-2.0-or-later
/* What every command shares: the context, the pod netns, the readiness indicator. */
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "cni/cni.h"
#include "multus/log.h"
#include "multus/multus.h"
#include "netns/netns.h"

void multus_ctx_done(struct multus_ctx *ctx)
{
	nl_close(ctx->nl);
	ctx->nl = NULL;
	if (ctx->netns_fd >= 0)
		close(ctx->netns_fd);
	ctx->netns_fd = -1;
	k8s_client_free(ctx->api);
	ctx->api = NULL;
	json_decref(ctx->pod);
	ctx->pod = NULL;
	json_decref(ctx->cache_nads);
	ctx->cache_nads = NULL;
	json_decref(ctx->result);
	ctx->result = NULL;
	multus_netconf_done(&ctx->nc);
	cni_env_done(&ctx->env);
}

int multus_netns_open_path(struct multus_ctx *ctx, const char *path, struct err *e)
{
	int r;

	nl_close(ctx->nl);
	ctx->nl = NULL;
	if (ctx->netns_fd >= 0)
		close(ctx->netns_fd);
	ctx->netns_fd = -1;
	if (!path || !path[0])
		return err_setc(e, CNI_ERR_NETNS, -ENOENT, "no pod netns given");
	r = netns_open(path, &ctx->netns_fd, e);
	if (r < 0) {
		if (e)
			e->code = CNI_ERR_NETNS;
		return err_prefix(e, r, "pod netns %s", path);
	}
	/* One socket, opened in the pod netns and used from here: no setns around each call. */
	r = nl_open_in(ctx->netns_fd, &ctx->nl, e);
	if (r < 0) {
		if (e)
			e->code = CNI_ERR_NETNS;
		return err_prefix(e, r, "cannot open rtnetlink in pod netns %s", path);
	}
	return 0;
}

int multus_netns_open(struct multus_ctx *ctx, struct err *e)
{
	return multus_netns_open_path(ctx, ctx->env.netns, e);
}

bool multus_entry_foreign(const struct multus_ctx *ctx, const struct plan *p)
{
	return p->conf_name && ctx->nc.name && !streq(p->conf_name, ctx->nc.name) && p->ifname &&
	       ctx->env.ifname && !streq(p->ifname, ctx->env.ifname);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int multus_wait_ready(const struct multus_ctx *ctx, struct err *e)
{
	const char *f = ctx->nc.readiness_indicator_file;
	long deadline = now_ms() + (long)(ctx->nc.api_timeout_seconds * 1000);
	struct stat st;

	if (!f || !f[0])
		return 0;
	while (stat(f, &st) < 0) {
		if (now_ms() >= deadline)
			return err_setc(
			    e,
			    ctx->env.cmd == CNI_CMD_STATUS ? CNI_ERR_NOT_READY : CNI_ERR_TRY_AGAIN,
			    -EAGAIN, "readiness indicator file %s did not appear within %.0f s", f,
			    ctx->nc.api_timeout_seconds);
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
	return 0;
}
