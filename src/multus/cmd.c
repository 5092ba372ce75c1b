// SPDX-License-Identifier: GPL-2.0-or-later
/* The CNI command layer: stdin and environment in, a result or an error JSON out. The only
 * place (with --verify) that prints. */
#include <signal.h>
#include <stdio.h>

#include "cni/cni.h"
#include "cni/version.h"
#include "multus/cmd.h"
#include "multus/log.h"
#include "multus/multus.h"

static int read_stdin(char **ret, size_t *ret_len)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *nb;

			if (cap > NETCONF_MAX_BYTES) {
				free(buf);
				return -E2BIG;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(STDIN_FILENO, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return negative_errno();
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret = buf;
	*ret_len = len;
	return 0;
}

/* The caller's cniVersion when it can be read at all: errors are printed in it. */
static const char *version_hint(const char *buf, size_t len, char *out, size_t size)
{
	json_auto_t *j = json_loadb(buf, len, 0, NULL);
	const char *v = json_string_value(json_object_get(j, "cniVersion"));

	/* An object without one is a 0.1.0 netconf; no object at all says nothing. */
	if (json_is_object(j) && (!json_object_get(j, "cniVersion") || (v && !v[0])))
		v = "0.1.0";
	snprintf(out, size, "%s", v && cni_version_supported(v) ? v : CNI_VERSION_LATEST);
	return out;
}

static int fail(const char *version, const struct err *e)
{
	_cleanup_free_ char *j =
	    cni_error_json(version, e->code ? e->code : CNI_ERR_INTERNAL, e->msg, e->details);

	log_error("%s%s%s", e->msg, e->details[0] ? ": " : "", e->details);
	if (j)
		printf("%s\n", j);
	fflush(stdout);
	return 1;
}

static int print_version(void)
{
	json_auto_t *o = json_object(), *arr = json_array();
	_cleanup_free_ char *s = NULL;

	for (size_t i = 0; cni_supported_versions[i]; i++)
		json_array_append_new(arr, json_string(cni_supported_versions[i]));
	json_object_set_new(o, "cniVersion", json_string(CNI_VERSION_LATEST));
	json_object_set(o, "supportedVersions", arr);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	printf("%s\n", s);
	return 0;
}

static int need_version(const char *have, const char *want, const char *cmd, struct err *e)
{
	if (cni_version_cmp(have, want) >= 0)
		return 0;
	return err_setc(e, CNI_ERR_INCOMPATIBLE_VERSION, -ENOTSUP,
			"%s needs CNI version %s or later; the netconf says %s", cmd, want, have);
}

/* One CNI invocation; returns the exit status. What it allocates is left to the exit. */
static int cni_run(struct multus_ctx *ctx)
{
	char *in = NULL;
	struct err e = { 0 };
	char hint[16];
	size_t len = 0;
	int r;

	/* Delegates that exit before reading their stdin must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	r = read_stdin(&in, &len);
	if (r < 0) {
		err_setc(&e, CNI_ERR_IO, r, "cannot read the netconf from stdin: %s", strerror(-r));
		return fail(CNI_VERSION_LATEST, &e);
	}
	version_hint(in, len, hint, sizeof(hint));
	r = cni_env_load(&ctx->env, &e);
	if (r < 0)
		return fail(hint, &e);
	if (ctx->env.cmd == CNI_CMD_VERSION)
		return print_version();
	r = multus_netconf_parse(in, len, &ctx->nc, &e);
	if (r < 0)
		return fail(hint, &e);
	log_set_rotate(&ctx->nc.log_rotate);
	log_setup(ctx->nc.log_level, ctx->nc.log_file, ctx->nc.log_to_stderr);
	log_set_container(ctx->env.container_id);
	if (ctx->nc.log_level_unknown)
		log_warning("netconf: logLevel \"%.32s\" is not one of debug, verbose, info, "
			    "warning, error, panic; using info",
			    ctx->nc.log_level_unknown);
	/* CNI: DEL cleans up as far as it can, and ours works from the store, not prevResult. */
	if (ctx->nc.prev_result_invalid && ctx->env.cmd == CNI_CMD_DEL)
		log_warning("netconf: prevResult is not an object; DEL goes on from the store");
	else if ((r = multus_netconf_prev_result_check(&ctx->nc, &e)) < 0)
		return fail(ctx->nc.cni_version, &e);
	log_debug("%s: netconf %s, netns %s, ifname %s", ctx->env.command, ctx->nc.name,
		  ctx->env.netns ? ctx->env.netns : "", ctx->env.ifname ? ctx->env.ifname : "");
	switch (ctx->env.cmd) {
	case CNI_CMD_ADD:
		r = multus_cmd_add(ctx, &e);
		break;
	case CNI_CMD_DEL:
		r = multus_cmd_del(ctx, &e);
		break;
	case CNI_CMD_CHECK:
		r = need_version(ctx->nc.cni_version, "0.4.0", "CHECK", &e);
		if (r == 0)
			r = multus_cmd_check(ctx, &e);
		break;
	case CNI_CMD_GC:
		r = need_version(ctx->nc.cni_version, "1.1.0", "GC", &e);
		if (r == 0)
			r = multus_cmd_gc(ctx, &e);
		break;
	case CNI_CMD_STATUS:
		r = need_version(ctx->nc.cni_version, "1.1.0", "STATUS", &e);
		if (r == 0)
			r = multus_cmd_status(ctx, &e);
		break;
	default:
		r = -EINVAL;
	}
	if (r < 0) {
		r = fail(ctx->nc.cni_version, &e);
	} else {
		if (ctx->env.cmd == CNI_CMD_ADD && ctx->result) {
			_cleanup_free_ char *s =
			    json_dumps(ctx->result, JSON_INDENT(4) | JSON_PRESERVE_ORDER);

			printf("%s\n", s);
		}
		r = 0;
	}
	return r;
}

void multus_cni_main(void)
{
	struct multus_ctx ctx = { .netns_fd = -1 };
	int r = cni_run(&ctx);

	/*
	 * No teardown (issue 9): freeing the context and unloading libraries cost about a
	 * millisecond and change nothing the kernel does not do at exit anyway: memory goes, fds
	 * close (the store lock is released with its fd). The log is written with write(2), one
	 * line at a time, so only stdio has anything to flush.
	 */
	fflush(stdout);
	fflush(stderr);
	_exit(r);
}
