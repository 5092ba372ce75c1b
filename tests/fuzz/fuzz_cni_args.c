// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the CNI environment: the whole input as CNI_ARGS, then the input as
 * lines CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS, CNI_PATH for
 * cni_env_load (a missing line or a line that is the single byte 0xff: unset).
 *
 * The variables are set with putenv() on buffers the harness owns and unset again before
 * returning: glibc's setenv() keeps every value it was ever given, which would grow
 * without bound over millions of runs.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cni.h"
#include "cni/env.h"
#include "util/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const vars[] = { "CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS",
				    "CNI_IFNAME",  "CNI_ARGS",	      "CNI_PATH" };
#define N_VARS (sizeof(vars) / sizeof(vars[0]))

static void check_args(const char *text)
{
	struct cni_kv *kv = NULL;
	struct err e = { 0 };
	size_t n = 0;
	int r = cni_args_parse(text, &kv, &n, &e);

	if (r < 0) {
		assert(r == -EINVAL || r == -E2BIG || r == -ENOMEM);
		assert(r == -ENOMEM || (e.code == CNI_ERR_INVALID_ENV && e.msg[0]));
		assert(!kv);
		return;
	}
	assert(n <= 256);
	assert(n == 0 || kv);
	for (size_t i = 0; i < n; i++) {
		/* A key is what comes before the first '=': never empty, never ';' or '='. */
		assert(kv[i].key[0]);
		assert(!strpbrk(kv[i].key, ";="));
		assert(!strchr(kv[i].value, ';'));
		assert(strstr(text, kv[i].key));
		assert(cni_kv_get(kv, n, kv[i].key));
	}
	cni_kv_free(kv, n);
}

static void check_env(void)
{
	struct cni_env env = { 0 };
	struct err e = { 0 };
	int r = cni_env_load(&env, &e);

	if (r < 0) {
		assert(r == -ENOMEM || e.code == CNI_ERR_INVALID_ENV ||
		       e.code == CNI_ERR_UNKNOWN_CONTAINER);
		assert(r == -ENOMEM || e.msg[0]);
		assert(!env.kv);
		return;
	}
	assert(streq(env.command, cni_cmd_name(env.cmd)));
	if (env.cmd == CNI_CMD_ADD || env.cmd == CNI_CMD_DEL || env.cmd == CNI_CMD_CHECK) {
		assert(name_is_cni_id(env.container_id));
		assert(name_is_ifname(env.ifname));
		assert(env.path);
		if (env.cmd != CNI_CMD_DEL)
			assert(env.netns && env.netns[0]);
	}
	if (env.cmd != CNI_CMD_VERSION) {
		/* Every command but VERSION needs CNI_PATH (CNI.md). */
		assert(getenv("CNI_PATH"));
		assert(env.args && env.path);
		assert(env.pod_name == cni_kv_get(env.kv, env.n_kv, "K8S_POD_NAME"));
		assert(env.pod_namespace == cni_kv_get(env.kv, env.n_kv, "K8S_POD_NAMESPACE"));
	}
	cni_env_done(&env);
	assert(!env.kv && !env.n_kv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *bufs[N_VARS] = { 0 }, *p;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_args(text);

	for (size_t i = 0; i < N_VARS; i++)
		unsetenv(vars[i]);
	p = text;
	for (size_t i = 0; i < N_VARS && p; i++) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (strcmp(p, "\xff") != 0 && asprintf(&bufs[i], "%s=%s", vars[i], p) >= 0)
			putenv(bufs[i]);
		p = nl ? nl + 1 : NULL;
	}
	check_env();
	/* Nothing of this run stays in the environment. */
	for (size_t i = 0; i < N_VARS; i++) {
		unsetenv(vars[i]);
		free(bufs[i]);
	}
	free(text);
	return 0;
}
