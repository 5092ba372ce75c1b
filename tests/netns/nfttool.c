// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test driver for t_nft_sweep.sh, in the current netns, with the tag and chains of the CNI
 * reference plugins (what src/multus/firewall.c hands the sweep):
 *
 *   nfttool sweep|count ID   runs the sweep and prints "rules=N chains=M"
 *   nfttool genid            prints the ruleset's generation id
 *   nfttool stale ID OTHER   lists for ID and OTHER at one generation, deletes OTHER's rules
 *                            (a commit), then sends ID's batch for the old generation: prints
 *                            "refused=ERRNO left=N" (the kernel's answer, what ID still has),
 *                            then sweeps ID for real: "rules=N chains=M"
 *   nfttool race ID OTHER    sweeps ID, sweeping OTHER (a commit) between its first listing
 *                            and batch: prints "rules=N chains=M listings=K" (K: 2 when
 *                            the refused batch made the sweep list again)
 *
 * Errors print the message and exit 1.
 */
#include <stdio.h>

#include "netlink/nft.h"
#include "netlink/nft_int.h"
#include "netlink/rtnl.h"

static struct nft_sweep_spec spec_of(const char *id)
{
	return (struct nft_sweep_spec){ .id = id,
					.id_key = "id: ",
					.with_key = "name: ",
					.chain_prefix = "CNI-",
					.keep_prefix = "CNI-HOSTPORT-" };
}

static int fail(int r, const struct err *e)
{
	fprintf(stderr, "nfttool: %s (%d)\n", e->msg, r);
	return 1;
}

static int stale(const char *id, const char *other)
{
	struct nft_sweep_spec sa = spec_of(id), sb = spec_of(other);
	_cleanup_(nft_walk_done) struct nft_walk wa = { .spec = &sa };
	_cleanup_(nft_walk_done) struct nft_walk wb = { .spec = &sb };
	_cleanup_nl_ struct nl_sock *s = NULL;
	struct nft_sweep_stats st = { 0 };
	uint32_t ga = 0, gb = 0;
	struct err e = { 0 };
	int r, refused;

	r = nl_sock_open(NETLINK_NETFILTER, &s, &e);
	if (r < 0)
		return fail(r, &e);
	r = nft_list(s, &wa, &ga, &e);
	if (r == 1)
		r = nft_list(s, &wb, &gb, &e);
	if (r < 0)
		return fail(r, &e);
	if (r == 0 || ga != gb) {
		fprintf(stderr, "nfttool: the ruleset changed during the listings\n");
		return 1;
	}
	r = nft_delete(s, &wb, gb, &e);
	if (r < 0)
		return fail(r, &e);
	refused = nft_delete(s, &wa, ga, &e);
	r = nft_list(s, &wa, &ga, &e);
	if (r < 0)
		return fail(r, &e);
	printf("refused=%d left=%u\n", -refused, wa.n_doomed);
	r = nft_sweep(&sa, &st, &e);
	if (r < 0)
		return fail(r, &e);
	printf("rules=%u chains=%u\n", st.rules, st.chains);
	return 0;
}

struct race {
	const char *other;
	int listings;
};

static int race_between(void *arg, struct err *e)
{
	struct race *rc = arg;
	struct nft_sweep_spec so = spec_of(rc->other);

	if (rc->listings++ > 0)
		return 0;
	return nft_sweep(&so, NULL, e);
}

static int race(const char *id, const char *other)
{
	struct nft_sweep_spec sa = spec_of(id);
	struct race rc = { .other = other };
	struct nft_sweep_stats st = { 0 };
	struct err e = { 0 };
	int r;

	r = nft_run(&sa, true, race_between, &rc, &st, &e);
	if (r < 0)
		return fail(r, &e);
	printf("rules=%u chains=%u listings=%d\n", st.rules, st.chains, rc.listings);
	return 0;
}

int main(int argc, char **argv)
{
	struct nft_sweep_stats stats = { 0 };
	struct nft_sweep_spec spec;
	struct err e = { 0 };
	int r;

	if (argc == 2 && streq(argv[1], "genid")) {
		_cleanup_nl_ struct nl_sock *s = NULL;
		uint32_t genid = 0;

		r = nl_sock_open(NETLINK_NETFILTER, &s, &e);
		if (r == 0)
			r = nft_get_genid(s, &genid, &e);
		if (r < 0)
			return fail(r, &e);
		printf("%u\n", genid);
		return 0;
	}
	if (argc == 4 && streq(argv[1], "stale"))
		return stale(argv[2], argv[3]);
	if (argc == 4 && streq(argv[1], "race"))
		return race(argv[2], argv[3]);
	if (argc != 3 || (!streq(argv[1], "sweep") && !streq(argv[1], "count"))) {
		fprintf(stderr, "usage: nfttool sweep|count ID | genid | stale|race ID OTHER\n");
		return 2;
	}
	spec = spec_of(argv[2]);
	if (streq(argv[1], "sweep"))
		r = nft_sweep(&spec, &stats, &e);
	else
		r = nft_count(&spec, &stats, &e);
	if (r < 0)
		return fail(r, &e);
	printf("rules=%u chains=%u\n", stats.rules, stats.chains);
	return 0;
}
