/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NADs of one invocation: each asked for at most once. The planner first says which NADs
 * it will look up (nad_cache_want); a namespace with two or more of them is LISTed once at its
 * first lookup, any other NAD is one GET. A 404 is remembered like a NAD. Answers from
 * elsewhere (the node-local cache, in batches: multus/cache.c) are put in with nad_cache_put.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "k8s/client.h"

struct nad_cache;

int nad_cache_new(struct nad_cache **ret);
void nad_cache_free(struct nad_cache *c);
/* The plan will look up NAD ns/name (the same name twice counts once). */
int nad_cache_want(struct nad_cache *c, const char *ns, const char *name);
/*
 * NAD ns/name: 0 with a new reference in *ret_nad, -ENOENT when there is none, else the API's
 * error (not remembered). A LIST that fails (RBAC without list, too many NADs, ...) falls back
 * to a GET of each name.
 */
int nad_cache_get(struct nad_cache *c, struct k8s_client *api, const char *ns, const char *name,
		  json_t **ret_nad, struct err *e);
/*
 * For one batched request: ns/first, then up to max-1 other NADs that are wanted and not
 * known yet, of namespace ns only or (all_ns) of any, into nss[] and names[] (borrowed from c
 * but for ns/first, valid as long as c). Returns how many (1 at least when max is).
 */
size_t nad_cache_unknown(struct nad_cache *c, const char *ns, const char *first, bool all_ns,
			 const char **nss, const char **names, size_t max);
/* NAD ns/name is `nad` (a reference taken), or there is none (`nad` NULL). -ENOMEM. */
int nad_cache_put(struct nad_cache *c, const char *ns, const char *name, json_t *nad);
/* 1 with a new reference in *ret_nad, -ENOENT: known to be none, 0: not known yet. */
int nad_cache_known(struct nad_cache *c, const char *ns, const char *name, json_t **ret_nad);
