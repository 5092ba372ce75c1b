/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nftables sweep (libnftnl over libmnl, NETLINK_NETFILTER). The reference plugins
 * (bridge ipMasq, portmap, firewall, through iptables-nft) tag their rules with the comment
 * `name: "NET" id: "CONTAINERID"`. These functions work on the `ip` and `ip6` family tables of
 * the calling thread's current network namespace.
 */
#pragma once

#include "util/err.h"

struct nft_sweep_stats {
	unsigned rules; /* rules tagged with the id (deleted, or found) */
	unsigned chains; /* CNI-* chains those rules jumped to that were (or would be) deleted */
};

/*
 * Deletes every rule tagged with `container_id`, then every CNI-* chain that one of those
 * rules jumped to and that is empty once they are gone, in one batch; every ack read.
 * Nothing tagged: 0 with zero stats. ret may be NULL.
 */
int nft_sweep_container(const char *container_id, struct nft_sweep_stats *ret, struct err *e);

/* Counts, deleting nothing (for `multus --verify`). */
int nft_count_container(const char *container_id, struct nft_sweep_stats *ret, struct err *e);

/* Does this rule comment tag that container? Exposed for unit tests. */
int nft_comment_matches(const char *comment, const char *container_id);
