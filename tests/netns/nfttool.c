// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test driver for t_nft_sweep.sh: `nfttool sweep|count CONTAINER_ID` runs the nftables sweep in
 * the current netns and prints "rules=N chains=M" (or the error and exits 1).
 */
#include <stdio.h>

#include "netlink/nft.h"

int main(int argc, char **argv)
{
	struct nft_sweep_stats stats = { 0 };
	struct err e = { 0 };
	int r;

	if (argc != 3 || (!streq(argv[1], "sweep") && !streq(argv[1], "count"))) {
		fprintf(stderr, "usage: nfttool sweep|count CONTAINER_ID\n");
		return 2;
	}
	if (streq(argv[1], "sweep"))
		r = nft_sweep_container(argv[2], &stats, &e);
	else
		r = nft_count_container(argv[2], &stats, &e);
	if (r < 0) {
		fprintf(stderr, "nfttool: %s (%d)\n", e.msg, r);
		return 1;
	}
	printf("rules=%u chains=%u\n", stats.rules, stats.chains);
	return 0;
}
