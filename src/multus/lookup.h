/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "multus/confdir.h"
#include "multus/multus.h"
#include "multus/nadcache.h"

/*
 * A network by name: the NAD ns/name (with an API and a namespace), else the config named
 * `name` in confDir. A NAD without a config names its config file in confDir (as upstream
 * reads it); the network is still "ns/name". Code 7 naming where it looked when not found,
 * 102 when the API fails. A NAD's k8s.v1.cni.cncf.io/resourceName goes to *ret_resource
 * (ret_resource may be NULL; *ret_resource starts NULL); the caller frees it, on failure too.
 */
int multus_network_lookup(struct multus_ctx *ctx, struct confdir_scan *scan, struct nad_cache *nads,
			  const char *ns, const char *name, json_t **ret_conf, char **ret_network,
			  char **ret_resource, struct err *e);
/* Before any lookup: the plan will look up ns/name (nadcache.h batches a namespace's NADs). */
int multus_network_lookup_want(const struct multus_ctx *ctx, struct nad_cache *nads, const char *ns,
			       const char *name);
/* The invocation's confDir scan; a netconf without "confDir" also has upstream's default
 * looked in, after ours (CONFDIR_UPSTREAM_DEFAULT). */
int multus_confdir_scan(const struct multus_ctx *ctx, void (*warn)(const char *msg),
			struct confdir_scan **ret);
