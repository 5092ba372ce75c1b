/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Go plugins' store entries, read after an in-place upgrade (PRODUCT.md 5a): what the
 * seed fork and upstream Multus v4 left for a container they ADDed, `<cniDir>/<containerID>`
 * (no suffix) plus the libcni result caches they wrote, turned into a plan, so that DEL,
 * CHECK and GC work from it exactly as from one of our own entries.
 *
 *            seed fork (libcni 0.7)               upstream v4 (libcni 1.x)
 * entry      [{Bytes, ifnameRequest, masterPlugin, [{Bytes, Name, ifnameRequest?, ...}]
 *              confListPlugin}]                   master: the first; ifname CNI_IFNAME,
 *            ifname: ifnameRequest, else          else ifnameRequest, else net<i>
 *            CNI_IFNAME
 * cache      /var/lib/cni/results/<net>-<id>      <cniDir>/results/<net>-<id>-<ifname>
 *            (the result itself)                  (kind cniCacheV1: ifName, cniArgs, result)
 * runtime-   none                                 as upstream's DEL: the call's, and for all
 * Config                                          but the master the recorded macRequest,
 *                                                 ipRequest, infinibandGUIDRequest, deviceID
 *                                                 (+ CNIDeviceInfoFile)
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "multus/plan.h"

/* The seed's store when its netconf set no cniDir, and libcni 0.7's result cache. */
#define LEGACY_SEED_DIR "/var/lib/cni/networks/multus"
#define LEGACY_SEED_RESULTS "/var/lib/cni/results"

/* Where one invocation looks, and what it knows that the old binaries took from the call. */
struct legacy_where {
	const char *dir; /* cniDir */
	const char *seed_dir; /* LEGACY_SEED_DIR when the netconf sets no cniDir, else NULL */
	const char *seed_results; /* LEGACY_SEED_RESULTS */
	const char *ifname; /* CNI_IFNAME (the master's); NULL for GC */
	const char *cni_args; /* CNI_ARGS; NULL for GC */
	const char *cni_version; /* the caller's */
	json_t *runtime_config; /* the call's netconf runtimeConfig, or NULL */
	const char *device_info_dir; /* deviceInfoDir; NULL: no device-info file names */
};

struct multus_ctx;
void legacy_where_for(const struct multus_ctx *ctx, struct legacy_where *ret);

/*
 * Parses the bytes of an entry into a plan without result caches (no file is read).
 * `seed`: the entry was found in the seed's default store (else its fields decide). Errors:
 * -EBADMSG with code 6 saying which delegate and what is wrong; -ENOMEM.
 */
int legacy_parse(const char *buf, size_t len, const char *id, bool seed,
		 const struct legacy_where *w, struct plan **ret, struct err *e);

/*
 * Parses a libcni result cache for container `id`: 0.7's (the result itself) or cniCacheV1
 * (then *ret_ifname and *ret_args, "K=V;..." as libcni passed it, may be set; else NULL).
 * The result comes back canonical. -EBADMSG (code 6) when it is not one.
 */
int legacy_cache_parse(const char *buf, size_t len, const char *id, const char *version,
		       json_t **ret_result, char **ret_ifname, char **ret_args, struct err *e);

/* The entry of `id` with its caches, as a plan whose legacy_files are what it read.
 * -ENOENT when there is none. */
int legacy_load(const struct legacy_where *w, const char *id, struct plan **ret, struct err *e);

/* Appends to ids[] the containers that have a legacy entry and are not in it yet. */
int legacy_list_merge(const struct legacy_where *w, char ***ids, size_t *n, struct err *e);

/* Removes the files a plan was read from (when the pod is clean, or what is left of it is
 * recorded in our format). Missing files are fine. */
int legacy_forget(struct plan *p, struct err *e);

/* legacy_del.c, for legacy.c: upstream's DEL of entry delegate `o` (its runtimeConfig into
 * a->runtime_config; a->master and a->ifname are set), and its CNI_ARGS from the cached
 * `args` (edited in place). */
int legacy_upstream_runtime_config(json_t *o, const char *id, const char *name,
				   const struct legacy_where *w, struct attachment *a);
void legacy_upstream_del_args(char *args, json_t *o);
