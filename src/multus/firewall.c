// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reference plugins (bridge ipMasq, portmap, firewall, through iptables-nft) tag their rules
 * with Go's fmt.Sprintf("name: %q id: %q", network, containerID) (portmap prefixes "dnat ")
 * and keep them in CNI-* chains. portmap's CNI-HOSTPORT-* chains (DNAT, SETMARK, MASQ, ...) are
 * shared by every container: portmap checks they exist and then adds to them, so deleting one
 * when its last user goes would race with a concurrent portmap ADD. They are left to portmap.
 */
#include <stdlib.h>

#include "multus/firewall.h"

static struct nft_sweep_spec firewall_spec(const char *container_id)
{
	return (struct nft_sweep_spec){
		.id = container_id,
		.id_key = "id: ",
		.with_key = "name: ",
		.chain_prefix = "CNI-",
		.keep_prefix = "CNI-HOSTPORT-",
	};
}

int multus_firewall_sweep(const char *container_id, struct nft_sweep_stats *ret, struct err *e)
{
	struct nft_sweep_spec spec = firewall_spec(container_id);

	return nft_sweep(&spec, ret, e);
}

int multus_firewall_count(const char *container_id, struct nft_sweep_stats *ret, struct err *e)
{
	struct nft_sweep_spec spec = firewall_spec(container_id);

	return nft_count(&spec, ret, e);
}

int multus_firewall_count_each(char *const *container_ids, size_t n, struct nft_sweep_stats *ret,
			       struct err *e)
{
	_cleanup_free_ struct nft_sweep_spec *specs = calloc(n ? n : 1, sizeof(*specs));

	if (!specs)
		return err_set(e, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		specs[i] = firewall_spec(container_ids[i]);
	return nft_count_each(specs, n, ret, e);
}
