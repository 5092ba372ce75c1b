/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CNI environment (CNI_COMMAND and friends) and CNI_ARGS. */
#pragma once

#include <stddef.h>

#include "util/err.h"

enum cni_cmd {
	CNI_CMD_ADD,
	CNI_CMD_DEL,
	CNI_CMD_CHECK,
	CNI_CMD_GC,
	CNI_CMD_STATUS,
	CNI_CMD_VERSION,
};

struct cni_kv {
	char *key;
	char *value;
};

struct cni_env {
	enum cni_cmd cmd;
	const char *command;
	const char *container_id;
	const char *netns; /* NULL or "" when not given (DEL may) */
	const char *ifname;
	const char *args; /* CNI_ARGS without empty pairs (what delegates get), "" when unset */
	char *args_buf; /* owns args when it was rebuilt */
	const char *path; /* raw CNI_PATH */
	struct cni_kv *kv;
	size_t n_kv;
	/* From CNI_ARGS (borrowed from kv); NULL when absent. */
	const char *pod_namespace, *pod_name, *pod_uid, *infra_container_id;
};

const char *cni_cmd_name(enum cni_cmd cmd);
/* -EINVAL for an unknown command. */
int cni_cmd_parse(const char *text, enum cni_cmd *ret);

/*
 * Reads and validates the environment for the command (CNI.md's table): every missing
 * variable named in one error (code 4); a bad container id (4, empty: 3) or ifname (4).
 * Strings are borrowed from the environment; free with cni_env_done().
 */
int cni_env_load(struct cni_env *ret, struct err *e);
void cni_env_done(struct cni_env *env);

/* "K=V;K=V" -> pairs. Empty text: none. A pair without '=' is an error (code 4). */
int cni_args_parse(const char *text, struct cni_kv **ret, size_t *ret_n, struct err *e);
/* Pairs -> "K=V;K=V", leaving out the keys in `drop` (NULL-terminated; NULL: none). */
int cni_args_join(const struct cni_kv *kv, size_t n, const char *const *drop, char **ret);
void cni_kv_free(struct cni_kv *kv, size_t n);
const char *cni_kv_get(const struct cni_kv *kv, size_t n, const char *key);
