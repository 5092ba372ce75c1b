// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cni.h"
#include "cni/env.h"
#include "util/names.h"

static const char *const cmd_names[] = {
	[CNI_CMD_ADD] = "ADD", [CNI_CMD_DEL] = "DEL",	    [CNI_CMD_CHECK] = "CHECK",
	[CNI_CMD_GC] = "GC",   [CNI_CMD_STATUS] = "STATUS", [CNI_CMD_VERSION] = "VERSION",
};

const char *cni_cmd_name(enum cni_cmd cmd)
{
	return cmd < ELEMENTSOF(cmd_names) ? cmd_names[cmd] : "?";
}

int cni_cmd_parse(const char *text, enum cni_cmd *ret)
{
	for (size_t i = 0; text && i < ELEMENTSOF(cmd_names); i++)
		if (streq(text, cmd_names[i])) {
			*ret = (enum cni_cmd)i;
			return 0;
		}
	return -EINVAL;
}

void cni_kv_free(struct cni_kv *kv, size_t n)
{
	for (size_t i = 0; kv && i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

const char *cni_kv_get(const struct cni_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (streq(kv[i].key, key))
			return kv[i].value;
	return NULL;
}

/* Bounds CNI_ARGS: runtimes send a handful of pairs. */
#define CNI_ARGS_MAX_LEN 65536
#define CNI_ARGS_MAX_PAIRS 256

/* "K=V;K=V" of the pairs. */
int cni_args_join(const struct cni_kv *kv, size_t n, const char *const *drop, char **ret)
{
	size_t len = 1;
	char *buf, *q;
	bool first = true;

	for (size_t i = 0; i < n; i++)
		len += strlen(kv[i].key) + strlen(kv[i].value) + 2;
	buf = q = malloc(len);
	if (!buf)
		return -ENOMEM;
	*q = '\0';
	for (size_t i = 0; i < n; i++) {
		bool dropped = false;

		for (size_t j = 0; drop && drop[j] && !dropped; j++)
			dropped = streq(kv[i].key, drop[j]);
		if (dropped)
			continue;
		q += sprintf(q, "%s%s=%s", first ? "" : ";", kv[i].key, kv[i].value);
		first = false;
	}
	*ret = buf;
	return 0;
}

int cni_args_parse(const char *text, struct cni_kv **ret, size_t *ret_n, struct err *e)
{
	struct cni_kv *kv = NULL;
	size_t n = 0;
	const char *p = text;

	if (!text || !*text) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	if (strlen(text) > CNI_ARGS_MAX_LEN)
		return err_setc(e, CNI_ERR_INVALID_ENV, -E2BIG, "CNI_ARGS is longer than %d bytes",
				CNI_ARGS_MAX_LEN);
	kv = calloc(CNI_ARGS_MAX_PAIRS, sizeof(*kv));
	if (!kv)
		return -ENOMEM;
	while (*p) {
		const char *end = strchr(p, ';'), *eq;
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == 0) { /* tolerate ";;" and a trailing ';' */
			p += end ? 1 : 0;
			continue;
		}
		eq = memchr(p, '=', len);
		if (!eq || eq == p) {
			cni_kv_free(kv, n);
			return err_setc(e, CNI_ERR_INVALID_ENV, -EINVAL,
					"CNI_ARGS: invalid pair \"%.*s\" (want KEY=VALUE)",
					(int)(len > 100 ? 100 : len), p);
		}
		if (n == CNI_ARGS_MAX_PAIRS) {
			cni_kv_free(kv, n);
			return err_setc(e, CNI_ERR_INVALID_ENV, -E2BIG,
					"CNI_ARGS has more than %d pairs", CNI_ARGS_MAX_PAIRS);
		}
		kv[n].key = strndup(p, (size_t)(eq - p));
		kv[n].value = strndup(eq + 1, len - (size_t)(eq - p) - 1);
		n++;
		if (!kv[n - 1].key || !kv[n - 1].value) {
			cni_kv_free(kv, n);
			return -ENOMEM;
		}
		p += len + (end ? 1 : 0);
	}
	*ret = kv;
	*ret_n = n;
	return 0;
}

enum need { NO, YES, OPT };

/* Which variables each command needs (CNI.md). */
static const struct {
	const char *var;
	enum need need[6];
} env_table[] = {
	{ "CNI_CONTAINERID", { YES, YES, YES, NO, NO, NO } },
	{ "CNI_NETNS", { YES, OPT, YES, NO, NO, NO } },
	{ "CNI_IFNAME", { YES, YES, YES, NO, NO, NO } },
	{ "CNI_PATH", { YES, YES, YES, YES, YES, NO } },
};

int cni_env_load(struct cni_env *ret, struct err *e)
{
	struct cni_env env = { 0 };
	char missing[256] = "";
	const char *cmd = getenv("CNI_COMMAND");
	int r;

	if (!cmd)
		return err_setc(e, CNI_ERR_INVALID_ENV, -EINVAL,
				"required environment variable CNI_COMMAND is not set");
	if (cni_cmd_parse(cmd, &env.cmd) < 0)
		return err_setc(
		    e, CNI_ERR_INVALID_ENV, -EINVAL,
		    "CNI_COMMAND \"%.32s\" is not one of ADD, DEL, CHECK, GC, STATUS, VERSION",
		    cmd);
	env.command = cmd;
	if (env.cmd == CNI_CMD_VERSION) {
		*ret = env;
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(env_table); i++)
		if (env_table[i].need[env.cmd] == YES && !getenv(env_table[i].var)) {
			size_t l = strlen(missing);
			snprintf(missing + l, sizeof(missing) - l, "%s%s", l ? ", " : "",
				 env_table[i].var);
		}
	if (missing[0])
		return err_setc(e, CNI_ERR_INVALID_ENV, -EINVAL,
				"required environment variables missing: %s", missing);
	env.container_id = getenv("CNI_CONTAINERID");
	env.netns = getenv("CNI_NETNS");
	env.ifname = getenv("CNI_IFNAME");
	env.path = getenv("CNI_PATH");
	env.args = getenv("CNI_ARGS");
	if (!env.args)
		env.args = "";
	if (!env.path)
		env.path = "";
	/* Everything from here is kept in the store and handed to delegates as JSON. */
	for (size_t i = 0; i < ELEMENTSOF(env_table); i++) {
		const char *v = getenv(env_table[i].var);

		if (v && !text_is_utf8(v))
			return err_setc(e, CNI_ERR_INVALID_ENV, -EINVAL, "%s is not valid UTF-8",
					env_table[i].var);
	}
	if (!text_is_utf8(env.args))
		return err_setc(e, CNI_ERR_INVALID_ENV, -EINVAL, "CNI_ARGS is not valid UTF-8");
	if (env_table[0].need[env.cmd] == YES) {
		if (!env.container_id[0])
			return err_setc(e, CNI_ERR_UNKNOWN_CONTAINER, -EINVAL,
					"CNI_CONTAINERID is empty");
		if (strlen(env.container_id) > CNI_ID_MAX)
			return err_setc(
			    e, CNI_ERR_INVALID_ENV, -EINVAL,
			    "CNI_CONTAINERID \"%.64s...\" is invalid: %zu bytes long, at "
			    "most %d",
			    env.container_id, strlen(env.container_id), CNI_ID_MAX);
		if (!name_is_cni_id(env.container_id))
			return err_setc(
			    e, CNI_ERR_INVALID_ENV, -EINVAL,
			    "CNI_CONTAINERID \"%.64s\" is invalid: must match ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$",
			    env.container_id);
		if (!name_is_ifname(env.ifname))
			return err_setc(
			    e, CNI_ERR_INVALID_ENV, -EINVAL,
			    "CNI_IFNAME \"%.64s\" is invalid: 1-15 bytes, not \".\" or \"..\", no '/', ':' or white space",
			    env.ifname);
		if (env.cmd != CNI_CMD_DEL && !env.netns[0])
			return err_setc(e, CNI_ERR_INVALID_ENV, -EINVAL, "CNI_NETNS is empty");
	}
	r = cni_args_parse(env.args, &env.kv, &env.n_kv, e);
	if (r < 0)
		return r;
	/* The Go plugins refuse the empty pairs we tolerate (";;", a trailing ';'): they get
	 * the pairs only. */
	if (env.args[0] && (env.args[0] == ';' || strstr(env.args, ";;") ||
			    env.args[strlen(env.args) - 1] == ';')) {
		r = cni_args_join(env.kv, env.n_kv, NULL, &env.args_buf);
		if (r < 0) {
			cni_kv_free(env.kv, env.n_kv);
			return r;
		}
		env.args = env.args_buf;
	}
	env.pod_namespace = cni_kv_get(env.kv, env.n_kv, "K8S_POD_NAMESPACE");
	env.pod_name = cni_kv_get(env.kv, env.n_kv, "K8S_POD_NAME");
	env.pod_uid = cni_kv_get(env.kv, env.n_kv, "K8S_POD_UID");
	env.infra_container_id = cni_kv_get(env.kv, env.n_kv, "K8S_POD_INFRA_CONTAINER_ID");
	*ret = env;
	return 0;
}

void cni_env_done(struct cni_env *env)
{
	free(env->args_buf);
	env->args_buf = NULL;
	cni_kv_free(env->kv, env->n_kv);
	env->kv = NULL;
	env->n_kv = 0;
}
