/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal to the nftables sweep: what the listing and the plan (nft_scan.c) hand to the socket
 * and batch code (nft.c). Exposed here so unit tests can feed rule messages and check the plan
 * without root.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

/* A rule, or (handle 0) a chain, of one table. */
struct nft_ref {
	uint32_t family;
	uint64_t handle;
	char *table;
	char *chain;
	char *target; /* rules: the CNI-* chain it jumps or goes to, NULL if none */
	bool tagged; /* rules: carries the container id */
	bool doomed; /* rules: the sweep deletes it (tagged, or in a doomed chain) */
};

struct nft_refs {
	struct nft_ref *v;
	size_t n, cap;
};

struct nft_walk {
	const char *id;
	/* Tagged rules, and untagged ones that live in or jump to a CNI-* chain. */
	struct nft_refs rules;
	/* After nft_walk_plan: the CNI-* chains the sweep deletes. */
	struct nft_refs chains;
	/* Chains the kernel refused to delete (EBUSY: used from where we cannot see, such as a
	 * verdict map): left alone on the next attempt so that the rules can still go. */
	struct nft_refs busy;
	unsigned n_tagged;
	unsigned n_doomed; /* after nft_walk_plan: rules marked doomed */
};

/* Copies the names; NULL when out of memory. */
struct nft_ref *nft_refs_add(struct nft_refs *a, uint32_t family, const char *table,
			     const char *chain, const char *target);
/* Forgets a listing (rules, chains, counts) but keeps `busy` across attempts. */
void nft_walk_reset(struct nft_walk *w);
void nft_walk_done(struct nft_walk *w);

/* One message of a GETRULE dump: a rule that can bear on the sweep is added to w->rules, any
 * other message is ignored. 0, or -errno (-EBADMSG for a rule without table, chain or handle). */
int nft_scan_rule(struct nft_walk *w, const struct nlmsghdr *nlh);

/* Marks the rules and fills w->chains with what the sweep deletes, from the listed rules. */
int nft_walk_plan(struct nft_walk *w);
