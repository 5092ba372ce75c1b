/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network selection: the `tke.cloud.tencent.com/networks` and `k8s.v1.cni.cncf.io/networks`
 * annotations and the `defaultDelegates` key share one syntax, a comma list
 * (`name`, `ns/name`, `name@ifname`, `ns/name@ifname`) or a JSON array of objects.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"

struct k8s_net_sel {
	char *namespace; /* NULL: the pod's (or the caller's default) */
	char *name;
	char *ifname; /* NULL: auto */
	json_t *ips; /* array of strings, or NULL */
	char *mac; /* or NULL */
	json_t *default_route; /* array of gateway strings, or NULL */
	json_t *cni_args; /* object, or NULL */
	json_t *port_mappings; /* array, or NULL */
	json_t *bandwidth; /* object, or NULL */
	char *infiniband_guid;
	char *device_id;
};

#define K8S_NETSEL_MAX_BYTES (256 << 10)
#define K8S_NETSEL_MAX_ELEMENTS 64

/*
 * Parses `text`. Any malformed element makes the whole of it invalid: -EINVAL with a
 * message that quotes the bad part (the caller prefixes the annotation's name). An empty
 * list, `[]` and `[null]` are errors too.
 */
int k8s_netsel_parse(const char *text, struct k8s_net_sel **ret, size_t *ret_n, struct err *e);
void k8s_netsel_free(struct k8s_net_sel *sel, size_t n);
