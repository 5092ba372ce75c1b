/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The multus netconf (stdin): the Multus policy (kubeconfig, namespaces, isolation, logging)
 * on top of the CNI keys: every key of PRODUCT.md section 2, type-checked. Strings and
 * arrays are borrowed from `raw` and live as long as the netconf.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "multus/log.h"
#include "util/err.h"

struct multus_netconf {
	json_t *raw;
	const char *cni_version; /* validated: one we speak */
	const char *name, *type;
	const char *kubeconfig;
	const char *default_delegates;
	json_t *delegates; /* array of objects, or NULL */
	const char *cluster_network;
	json_t *default_networks; /* array of strings, or NULL */
	const char *conf_dir, *cni_dir, *bin_dir;
	const char *ifname_prefix;
	const char *multus_namespace;
	json_t *system_namespaces; /* array of strings; NULL: default ["kube-system"] */
	bool namespace_isolation;
	const char *global_namespaces;
	const char *readiness_indicator_file;
	const char
	    *kubelet_root_dir; /* the kubelet's --root-dir: PodResources socket, checkpoint */
	const char *device_info_dir; /* NPWG device-info files: dp/ (device plugins), cni/ (ours) */
	double api_timeout_seconds, delegate_timeout_seconds;
	const char *log_file;
	const char *daemon_socket; /* the node-local cache; "": none */
	enum log_level log_level;
	const char *log_level_unknown; /* a logLevel we do not know (info is used), or NULL */
	bool log_to_stderr;
	struct log_rotate log_rotate; /* logOptions, over upstream's defaults */
	json_t *runtime_config; /* object or NULL */
	json_t *capabilities; /* object or NULL */
	json_t *prev_result; /* object or NULL */
	bool prev_result_invalid; /* prevResult is there but no object (prev_result is NULL) */
};

#define NETCONF_MAX_BYTES (4 << 20)

/*
 * Parses stdin bytes. A missing or empty cniVersion is 0.1.0. Errors: code 6 (not JSON / not
 * an object), code 1 (a cniVersion we do not speak), code 7 (a key of the wrong type or value,
 * named). A prevResult that is no object is not an error here: prev_result_invalid says so,
 * and the caller decides (DEL goes on; multus_netconf_prev_result_check refuses it).
 */
int multus_netconf_parse(const char *buf, size_t len, struct multus_netconf *ret, struct err *e);
void multus_netconf_done(struct multus_netconf *nc);
/* Code 7 as for any key of the wrong type when prevResult is there but no object, else 0. */
int multus_netconf_prev_result_check(const struct multus_netconf *nc, struct err *e);

/* Case-insensitive key lookup on an object (exact match preferred), as the netconf keys are. */
json_t *json_object_get_ci(json_t *obj, const char *key);

/* Is ns in the system namespaces list (default ["kube-system"])? */
bool multus_netconf_is_system_namespace(const struct multus_netconf *nc, const char *ns);
