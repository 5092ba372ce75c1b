// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The plan side of the nftables sweep: from the rules a listing kept (nft_scan.c), which rules
 * and which chain_prefix chains one sweep deletes. No socket and no message parsing here.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>

#include "netlink/nft.h"
#include "netlink/nft_int.h"
#include "util/macro.h"

/* Rounds of the plan, each reaching at least one chain further from the tagged rules. Real
 * layouts are two or three deep; the bound only stops a pathological ruleset, and a chain past
 * it is merely kept. */
#define NFT_PLAN_ROUNDS 16

static void nft_refs_clear(struct nft_refs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].table);
		free(a->v[i].chain);
		free(a->v[i].target);
	}
	a->n = 0;
}

/* Names go back to the kernel in the delete batch: they are held to its own limit. */
struct nft_ref *nft_refs_add(struct nft_refs *a, uint32_t family, const char *table,
			     const char *chain, const char *target)
{
	struct nft_ref *r;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct nft_ref *v = reallocarray(a->v, cap, sizeof(*v));

		if (!v)
			return NULL;
		a->v = v;
		a->cap = cap;
	}
	r = &a->v[a->n];
	*r = (struct nft_ref){ .family = family };
	r->table = strndup(table, NFT_NAME_MAXLEN - 1);
	r->chain = strndup(chain, NFT_NAME_MAXLEN - 1);
	r->target = target ? strndup(target, NFT_NAME_MAXLEN - 1) : NULL;
	if (!r->table || !r->chain || (target && !r->target)) {
		free(r->table);
		free(r->chain);
		free(r->target);
		return NULL;
	}
	a->n++;
	return r;
}

static struct nft_ref *nft_refs_find(const struct nft_refs *a, uint32_t family, const char *table,
				     const char *chain)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].family == family && streq(a->v[i].table, table) &&
		    streq(a->v[i].chain, chain))
			return &a->v[i];
	return NULL;
}

void nft_walk_reset(struct nft_walk *w)
{
	nft_refs_clear(&w->rules);
	nft_refs_clear(&w->chains);
	w->n_tagged = 0;
	w->n_doomed = 0;
}

void nft_walk_done(struct nft_walk *w)
{
	nft_walk_reset(w);
	nft_refs_clear(&w->busy);
	free(w->rules.v);
	free(w->chains.v);
	free(w->busy.v);
}

/* Does a rule that the sweep leaves jump or go to this chain? */
static bool nft_plan_used(const struct nft_walk *w, uint32_t family, const char *table,
			  const char *chain)
{
	for (size_t i = 0; i < w->rules.n; i++) {
		const struct nft_ref *r = &w->rules.v[i];

		if (!r->doomed && r->target && r->family == family && streq(r->target, chain) &&
		    streq(r->table, table))
			return true;
	}
	return false;
}

/* The chain goes, and every rule in it (the listing kept all rules of chain_prefix chains). */
static int nft_plan_doom(struct nft_walk *w, uint32_t family, const char *table, const char *chain)
{
	if (!nft_refs_add(&w->chains, family, table, chain, NULL))
		return -ENOMEM;
	for (size_t i = 0; i < w->rules.n; i++) {
		struct nft_ref *r = &w->rules.v[i];

		if (!r->doomed && r->family == family && streq(r->chain, chain) &&
		    streq(r->table, table)) {
			r->doomed = true;
			w->n_doomed++;
		}
	}
	return 0;
}

/*
 * Which rules and chains go: every tagged rule; then, repeatedly, every chain_prefix chain (not
 * keep_prefix) that a doomed rule jumps or goes to and that no remaining rule references, with
 * all its rules (so a chain full of untagged rules, reached only through the tagged jump, goes
 * with it). A rule only ever
 * becomes doomed, never the reverse, so a chain found unreferenced stays so: the rounds converge.
 * A jump target is never a base chain (the kernel refuses such a jump), so no hook is lost; a
 * reference the listing cannot see (a verdict map) makes the kernel refuse the chain (EBUSY,
 * NLM_F_NONREC), and the retry keeps it through w->busy.
 */
int nft_walk_plan(struct nft_walk *w)
{
	nft_refs_clear(&w->chains);
	w->n_doomed = 0;
	for (size_t i = 0; i < w->rules.n; i++) {
		w->rules.v[i].doomed = w->rules.v[i].tagged;
		w->n_doomed += w->rules.v[i].tagged;
	}
	for (int round = 0; round < NFT_PLAN_ROUNDS; round++) {
		bool grew = false;

		for (size_t i = 0; i < w->rules.n; i++) {
			/* nft_plan_doom grows w->chains only, so r stays valid. */
			const struct nft_ref *r = &w->rules.v[i];
			int ret;

			if (!r->doomed || !nft_in_scope(w->spec, r->target) ||
			    nft_kept(w->spec, r->target) ||
			    nft_refs_find(&w->chains, r->family, r->table, r->target) ||
			    nft_refs_find(&w->busy, r->family, r->table, r->target) ||
			    nft_plan_used(w, r->family, r->table, r->target))
				continue;
			ret = nft_plan_doom(w, r->family, r->table, r->target);
			if (ret < 0)
				return ret;
			grew = true;
		}
		if (!grew)
			break;
	}
	return 0;
}
