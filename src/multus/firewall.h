/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The firewall rules a container's delegates left in the host netns: what the reference
 * plugins' tags and chains look like, handed to the netlink room's nftables sweep.
 */
#pragma once

#include "netlink/nft.h"

/* Deletes the rules tagged with this container and the CNI-* chains that go with them. */
int multus_firewall_sweep(const char *container_id, struct nft_sweep_stats *ret, struct err *e);
/* Counts them, deleting nothing (for `multus --verify`). */
int multus_firewall_count(const char *container_id, struct nft_sweep_stats *ret, struct err *e);
/* Counts them for each of n containers, from one listing of the ruleset (--verify --all). */
int multus_firewall_count_each(char *const *container_ids, size_t n, struct nft_sweep_stats *ret,
			       struct err *e);
