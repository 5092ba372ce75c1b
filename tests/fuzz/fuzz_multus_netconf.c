// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the multus netconf (stdin): whatever parses must satisfy every
 * rule the rest of multus relies on; whatever fails must carry code 1, 6 or 7.
 */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "cni/cni.h"
#include "cni/version.h"
#include "multus/netconf.h"
#include "util/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_string_array(json_t *a)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a))
		return 0;
	json_array_foreach (a, i, v)
		if (!json_is_string(v))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct multus_netconf nc = { 0 };
	struct err e = { 0 };
	size_t i;
	json_t *v;
	int r;

	/* Not NUL-terminated on purpose: the parser takes a length. */
	r = multus_netconf_parse((const char *)data, size, &nc, &e);
	if (r < 0) {
		assert(r == -ENOMEM || e.code == CNI_ERR_INCOMPATIBLE_VERSION ||
		       e.code == CNI_ERR_DECODE || e.code == CNI_ERR_INVALID_NETCONF);
		assert(r == -ENOMEM || e.msg[0]);
		assert(!nc.raw);
		return 0;
	}
	assert(json_is_object(nc.raw));
	assert(cni_version_supported(nc.cni_version));
	assert(name_is_cni_id(nc.name));
	assert(nc.type && nc.type[0]);
	assert(nc.kubeconfig && nc.default_delegates && nc.cluster_network && nc.global_namespaces);
	assert(nc.multus_namespace && nc.readiness_indicator_file && nc.log_file);
	assert(nc.conf_dir[0] && nc.cni_dir[0] && nc.bin_dir[0]);
	assert(name_is_ifname(nc.ifname_prefix) && strlen(nc.ifname_prefix) <= 12);
	assert(isfinite(nc.api_timeout_seconds) && nc.api_timeout_seconds > 0 &&
	       nc.api_timeout_seconds <= 86400);
	assert(isfinite(nc.delegate_timeout_seconds) && nc.delegate_timeout_seconds > 0 &&
	       nc.delegate_timeout_seconds <= 86400);
	assert(nc.log_level >= LOG_LEVEL_PANIC && nc.log_level <= LOG_LEVEL_DEBUG);
	assert(log_level_name(nc.log_level)[0] != '?');
	if (nc.delegates) {
		assert(json_is_array(nc.delegates));
		json_array_foreach (nc.delegates, i, v)
			assert(json_is_object(v));
	}
	assert(!nc.default_networks || is_string_array(nc.default_networks));
	assert(!nc.system_namespaces || is_string_array(nc.system_namespaces));
	assert(!nc.runtime_config || json_is_object(nc.runtime_config));
	assert(!nc.capabilities || json_is_object(nc.capabilities));
	assert(!nc.prev_result || json_is_object(nc.prev_result));
	(void)multus_netconf_is_system_namespace(&nc, "kube-system");
	(void)multus_netconf_is_system_namespace(&nc, nc.name);
	multus_netconf_done(&nc);
	return 0;
}
