/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nftables sweep (libnftnl for reading rules, the room's netlink transport on
 * NETLINK_NETFILTER). It deletes the rules that carry a caller's tag in their comment, and the
 * chains that go with them. What a tag looks like and which chains are fair game is the
 * caller's to say (this room knows no CNI). These functions work on the `ip` and `ip6` family
 * tables of the calling thread's current network namespace.
 */
#pragma once

#include "util/err.h"

/*
 * What the sweep looks for. A comment is a list of `KEY "VALUE"` pairs, each starting a word,
 * the value quoted the way Go's %q quotes (\" and \\ escaped); keys count only outside quoted
 * values. A rule is tagged when its comment (an iptables-nft comment match, or nft's userdata
 * comment) has id_key with the value id and, when with_key is set, with_key with any value.
 * Keys are the text before the opening quote, separator included (`id: `), and hold no quote.
 */
struct nft_sweep_spec {
	const char *id;
	const char *id_key;
	const char *with_key; /* NULL: not needed */
	/* The chains the sweep lists in full and may delete, such as one that only a tagged
	 * rule jumped to; no other chain is ever deleted. Not empty. */
	const char *chain_prefix;
	/* Chains with chain_prefix that are never deleted (shared by every owner); NULL: none. */
	const char *keep_prefix;
};

/* What a sweep deleted, or (counting) would delete. */
struct nft_sweep_stats {
	/* the tagged rules, and every rule of a chain that goes */
	unsigned rules;
	/* chains with the spec's chain_prefix */
	unsigned chains;
};

/*
 * Deletes every tagged rule, in one batch with every ack read. With them goes every
 * chain_prefix chain (not keep_prefix) that one of those rules jumped or went to and that no
 * remaining rule (untagged, or tagged with another id) references any more, together with all
 * its rules, even untagged ones (a chain reached only through the tagged jump holds rules of
 * the same owner). This repeats for the chains a deleted chain's rules jumped to. A chain still
 * referenced stays, emptied of the tagged rules only. The listing and the batch are one
 * generation of the ruleset: the kernel refuses the batch when anything changed since the
 * listing, and the sweep lists again (a bounded number of times). Nothing tagged: 0 with zero
 * stats; no nftables in the kernel: the same. ret may be NULL.
 */
int nft_sweep(const struct nft_sweep_spec *spec, struct nft_sweep_stats *ret, struct err *e);

/* Counts what nft_sweep would delete, deleting nothing. */
int nft_count(const struct nft_sweep_spec *spec, struct nft_sweep_stats *ret, struct err *e);
/* The same for n specs from one listing of the ruleset: ret[i] is what nft_sweep(&specs[i])
 * would delete (as if it ran alone). One listing for all keeps the cost at one dump of the
 * host's rules, whatever n is (multus --verify --all). */
int nft_count_each(const struct nft_sweep_spec *specs, size_t n, struct nft_sweep_stats *ret,
		   struct err *e);

/* Is this rule comment tagged for spec? 1 or 0. Exposed for unit tests. */
int nft_comment_matches(const char *comment, const struct nft_sweep_spec *spec);
