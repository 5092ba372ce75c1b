/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal to the nftables sweep: what the listing and the plan (nft_scan.c) hand to the socket
 * and batch code (nft.c). Exposed here so unit tests can feed rule messages, check the plan and
 * build the batch without root, and the netns test driver can run a listing and a batch apart.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "netlink/nft.h"
#include "util/err.h"

struct nl_sock;
struct nl_cmd;

/* One DELRULE/DELCHAIN: headers, two names of at most NFT_NAME_MAXLEN, a handle. */
#define NFT_CMD_MAX 1024

/* A rule, or (handle 0) a chain, of one table. */
struct nft_ref {
	uint32_t family;
	uint64_t handle;
	char *table;
	char *chain;
	char *target; /* rules: the chain_prefix chain it jumps or goes to, NULL if none */
	bool tagged; /* rules: carries the tag */
	bool doomed; /* rules: the sweep deletes it (tagged, or in a doomed chain) */
};

struct nft_refs {
	struct nft_ref *v;
	size_t n, cap;
};

struct nft_walk {
	const struct nft_sweep_spec *spec;
	/* Tagged rules, and untagged ones that live in or jump to a chain_prefix chain. */
	struct nft_refs rules;
	/* After nft_walk_plan: the chains the sweep deletes. */
	struct nft_refs chains;
	/* Chains the kernel refused to delete (EBUSY: used from where we cannot see, such as a
	 * verdict map): left alone on the next attempt so that the rules can still go. */
	struct nft_refs busy;
	unsigned n_tagged;
	unsigned n_doomed; /* after nft_walk_plan: rules marked doomed */
};

/* Copies the names; NULL when out of memory. */
/* A chain the sweep lists in full and may delete; a shared one it never deletes. */
bool nft_in_scope(const struct nft_sweep_spec *spec, const char *name);
bool nft_kept(const struct nft_sweep_spec *spec, const char *name);

struct nft_ref *nft_refs_add(struct nft_refs *a, uint32_t family, const char *table,
			     const char *chain, const char *target);
/* Forgets a listing (rules, chains, counts) but keeps `busy` across attempts. */
void nft_walk_reset(struct nft_walk *w);
void nft_walk_done(struct nft_walk *w);

/* One message of a GETRULE dump: a rule that can bear on the sweep is added to w->rules, any
 * other message is ignored. 0, or -errno (-EBADMSG for a rule without table, chain or handle). */
int nft_scan_rule(struct nft_walk *w, const struct nlmsghdr *nlh);

/* Several walks fed by one listing (nft_count_each), one per spec. A rule message goes only to
 * the walks it can bear on: those whose chain_prefix its bytes hold, and those whose id its
 * bytes hold after the id key, found through an index of the ids, so a listing costs one look
 * at each rule's bytes, not one per walk. With n == 1 the message goes to the walk as is. */
struct nft_walks {
	struct nft_walk *w;
	size_t n;
	size_t *by_id; /* indexes of the walks in the index, sorted by id */
	size_t n_by_id;
	bool *indexed; /* per walk: found through by_id (else: every rule with its id key) */
	bool *hit; /* per walk, for the message at hand */
	bool one_prefix; /* every spec has w[0]'s chain_prefix */
};

/* -ENOMEM, or 0. */
int nft_walks_init(struct nft_walks *ws, struct nft_walk *w, size_t n);
void nft_walks_done(struct nft_walks *ws);
/* One message of a GETRULE dump, to nft_scan_rule of each walk it can bear on. */
int nft_walks_scan(struct nft_walks *ws, const struct nlmsghdr *nlh);

/* Marks the rules and fills w->chains with what the sweep deletes, from the listed rules. */
int nft_walk_plan(struct nft_walk *w);

/* The delete batch of a plan: its messages, and per command its ack and what it deletes. */
struct nft_batch {
	uint8_t *buf;
	size_t size, len;
	uint32_t begin_seq;
	struct nl_cmd *cmds;
	const struct nft_ref **refs;
	size_t n;
};

void nft_batch_done(struct nft_batch *b);
/* The batch begin carrying the generation id the kernel must still be at (NFNL_BATCH_GENID);
 * -EMSGSIZE when it does not fit. */
int nft_build_batch_begin(void *buf, size_t size, uint32_t seq, uint32_t genid,
			  struct nlmsghdr **ret);
/* DELRULE by handle, or (handle 0) DELCHAIN by name with NLM_F_NONREC, acked; -EMSGSIZE when it
 * does not fit. */
int nft_build_delete(void *buf, size_t size, uint32_t seq, const struct nft_ref *r,
		     struct nlmsghdr **ret);
/* Begin (genid), every doomed rule, every doomed chain, end, with sequence numbers from s. */
int nft_batch_build(struct nft_batch *b, struct nl_sock *s, const struct nft_walk *w,
		    uint32_t genid);
/* NFT_MSG_NEWGEN: 1 and the generation id, 0 another message, -EBADMSG malformed. */
int nft_parse_gen(const struct nlmsghdr *nlh, uint32_t *ret);

/* The ruleset's generation id now. */
int nft_get_genid(struct nl_sock *s, uint32_t *ret, struct err *e);
/* Lists the rules of both families and plans: 1 with the generation the listing is of, 0 when
 * the ruleset changed during the listing (list again), -errno. */
int nft_list(struct nl_sock *s, struct nft_walk *w, uint32_t *ret_genid, struct err *e);
/* Sends the plan's delete batch for that generation and reads every ack: 0, or -errno
 * (-ERESTART: the ruleset is at another generation, nothing was deleted; -EBUSY: a chain is
 * still used, and is now in w->busy). */
int nft_delete(struct nl_sock *s, struct nft_walk *w, uint32_t genid, struct err *e);

/* Runs between a listing and its batch: a seam for tests, to commit in between. */
typedef int (*nft_between_fn)(void *arg, struct err *e);
/* nft_sweep (apply) or nft_count, with between (may be NULL) called before each batch. */
int nft_run(const struct nft_sweep_spec *spec, bool apply, nft_between_fn between, void *arg,
	    struct nft_sweep_stats *ret, struct err *e);
