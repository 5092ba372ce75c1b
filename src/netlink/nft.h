/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nftables sweep (libnftnl over libmnl, NETLINK_NETFILTER). The reference plugins
 * (bridge ipMasq, portmap, firewall, through iptables-nft) tag their rules with the comment
 * `name: "NET" id: "CONTAINERID"`. These functions work on the `ip` and `ip6` family tables of
 * the calling thread's current network namespace.
 */
#pragma once

#include "util/err.h"

/* What a sweep deleted, or (counting) would delete. */
struct nft_sweep_stats {
	/* the tagged rules, and every rule of a chain that goes */
	unsigned rules;
	/* CNI-* chains */
	unsigned chains;
};

/*
 * Deletes every rule tagged with `container_id`, in one batch with every ack read. With them
 * goes every CNI-* chain that one of those rules jumped or went to and that no remaining rule
 * (untagged, or tagged with another id) references any more, together with all its rules, even
 * untagged ones: portmap's per-container CNI-DN-x holds untagged DNAT rules and is reached only
 * through the container's tagged jump. This repeats for the CNI-* chains a deleted chain's rules
 * jumped to (CNI-HOSTPORT-SETMARK goes with the last CNI-DN-x that used it; portmap makes it
 * again on its next ADD). A chain still referenced stays, emptied of the tagged rules only.
 * Nothing tagged: 0 with zero stats. ret may be NULL.
 */
int nft_sweep_container(const char *container_id, struct nft_sweep_stats *ret, struct err *e);

/* Counts what nft_sweep_container would delete, deleting nothing (for `multus --verify`). */
int nft_count_container(const char *container_id, struct nft_sweep_stats *ret, struct err *e);

/* Does this rule comment tag that container? Exposed for unit tests. */
int nft_comment_matches(const char *comment, const char *container_id);
