// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The nftables sweep's kernel side, on the room's one netlink transport (rtnl.c) opened on
 * NETLINK_NETFILTER: a rule listing made consistent by the ruleset's generation id, and the
 * delete batch that carries that id, so that the kernel refuses it (ERESTART) when anything
 * changed since the listing; then it is listed again. What the listing means and what goes is
 * decided in nft_scan.c.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "netlink/nft.h"
#include "netlink/nft_int.h"
#include "netlink/rtnl.h"

/* Listings and batches, when the ruleset keeps changing under them (any commit in the netns
 * does). Between attempts the sweep waits a little longer each time (1 ms doubling, at most
 * NFT_BACKOFF_MAX_MS) for a burst of changes to end: about 1.2 s in all. */
#define NFT_ATTEMPTS 16
#define NFT_BACKOFF_MAX_MS 128
/* GETGEN and GETRULE: a header and an nfgenmsg. */
#define NFT_REQ_SIZE 64
/* Receive-buffer room per queued ack, skb overhead included (about 700 bytes each). */
#define NFT_ACK_ROOM 1024

static uint16_t nft_type(uint16_t msg)
{
	return (uint16_t)(NFNL_SUBSYS_NFTABLES << 8 | msg);
}

/* A header and nfgenmsg of an nf_tables message (or, res_id set, a batch delimiter). */
static int nft_msg_start(void *buf, size_t size, uint16_t type, uint32_t family, uint16_t flags,
			 uint32_t seq, uint16_t res_id, struct nlmsghdr **ret)
{
	struct nfgenmsg *g;
	struct nlmsghdr *nlh;
	int r;

	r = nl_msg_start(buf, size, type, NLM_F_REQUEST | flags, sizeof(*g), &nlh);
	if (r < 0)
		return r;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_get_payload(nlh);
	g->nfgen_family = (uint8_t)family;
	g->version = NFNETLINK_V0;
	g->res_id = htons(res_id);
	*ret = nlh;
	return 0;
}

int nft_build_batch_begin(void *buf, size_t size, uint32_t seq, uint32_t genid,
			  struct nlmsghdr **ret)
{
	struct nlmsghdr *nlh;
	int r;

	r = nft_msg_start(buf, size, NFNL_MSG_BATCH_BEGIN, AF_UNSPEC, 0, seq, NFNL_SUBSYS_NFTABLES,
			  &nlh);
	if (r == 0)
		r = nl_put_u32(nlh, size, NFNL_BATCH_GENID, htonl(genid));
	if (r < 0)
		return r;
	*ret = nlh;
	return 0;
}

int nft_build_delete(void *buf, size_t size, uint32_t seq, const struct nft_ref *r,
		     struct nlmsghdr **ret)
{
	struct nlmsghdr *nlh;
	int q;

	if (r->handle) {
		uint64_t handle = htobe64(r->handle);

		q = nft_msg_start(buf, size, nft_type(NFT_MSG_DELRULE), r->family, NLM_F_ACK, seq,
				  0, &nlh);
		if (q == 0)
			q = nl_put_strz(nlh, size, NFTA_RULE_TABLE, r->table);
		if (q == 0)
			q = nl_put_strz(nlh, size, NFTA_RULE_CHAIN, r->chain);
		if (q == 0)
			q = nl_put(nlh, size, NFTA_RULE_HANDLE, sizeof(handle), &handle);
	} else {
		/* The chain's listed rules, and the listed jumps to it, are deleted by handle
		 * earlier in this batch. NLM_F_NONREC: the kernel itself refuses (EBUSY) to delete
		 * a chain that still holds a rule or is still referenced (a verdict map the listing
		 * cannot see); the retry keeps that chain. Kernels that predate the flag ignore it
		 * and flush, but still refuse a chain that is referenced. */
		q = nft_msg_start(buf, size, nft_type(NFT_MSG_DELCHAIN), r->family,
				  NLM_F_ACK | NLM_F_NONREC, seq, 0, &nlh);
		if (q == 0)
			q = nl_put_strz(nlh, size, NFTA_CHAIN_TABLE, r->table);
		if (q == 0)
			q = nl_put_strz(nlh, size, NFTA_CHAIN_NAME, r->chain);
	}
	if (q < 0)
		return q;
	*ret = nlh;
	return 0;
}

void nft_batch_done(struct nft_batch *b)
{
	free(b->buf);
	free(b->cmds);
	free(b->refs);
	*b = (struct nft_batch){ 0 };
}

static int nft_batch_add(struct nft_batch *b, struct nl_sock *s, const struct nft_ref *r)
{
	uint32_t seq = nl_next_seq(s);
	struct nlmsghdr *nlh;
	int q;

	q = nft_build_delete(b->buf + b->len, b->size - b->len, seq, r, &nlh);
	if (q < 0)
		return q;
	b->len += nlh->nlmsg_len;
	b->cmds[b->n] = (struct nl_cmd){ .seq = seq };
	b->refs[b->n++] = r;
	return 0;
}

int nft_batch_build(struct nft_batch *b, struct nl_sock *s, const struct nft_walk *w,
		    uint32_t genid)
{
	size_t max = w->n_doomed + w->chains.n;
	struct nlmsghdr *nlh;
	int r;

	nft_batch_done(b);
	/* One delete is at most a header and two names of NFT_NAME_MAXLEN; the checked puts
	 * refuse anything larger. */
	b->size = (max + 2) * NFT_CMD_MAX;
	b->buf = malloc(b->size);
	b->cmds = calloc(max ? max : 1, sizeof(*b->cmds));
	b->refs = calloc(max ? max : 1, sizeof(*b->refs));
	if (!b->buf || !b->cmds || !b->refs)
		return -ENOMEM;
	b->begin_seq = nl_next_seq(s);
	r = nft_build_batch_begin(b->buf, b->size, b->begin_seq, genid, &nlh);
	if (r < 0)
		return r;
	b->len = nlh->nlmsg_len;
	/* Every doomed rule, then every doomed chain (its last rule, and every rule that jumped to
	 * it, are gone by then), in one transaction: the kernel applies all of it or none. */
	for (size_t i = 0; i < w->rules.n && r == 0; i++)
		if (w->rules.v[i].doomed)
			r = nft_batch_add(b, s, &w->rules.v[i]);
	for (size_t i = 0; i < w->chains.n && r == 0; i++)
		r = nft_batch_add(b, s, &w->chains.v[i]);
	if (r == 0)
		r = nft_msg_start(b->buf + b->len, b->size - b->len, NFNL_MSG_BATCH_END, AF_UNSPEC,
				  0, nl_next_seq(s), NFNL_SUBSYS_NFTABLES, &nlh);
	if (r < 0)
		return r;
	b->len += nlh->nlmsg_len;
	return 0;
}

int nft_parse_gen(const struct nlmsghdr *nlh, uint32_t *ret)
{
	static const struct nl_policy policy[NFTA_GEN_MAX + 1] = {
		[NFTA_GEN_ID] = { MNL_TYPE_U32, 0 },
	};
	const struct nlattr *tb[NFTA_GEN_MAX + 1];
	int r;

	if (nlh->nlmsg_type != nft_type(NFT_MSG_NEWGEN))
		return 0;
	r = nl_msg_attrs(nlh, sizeof(struct nfgenmsg), policy, NFTA_GEN_MAX, tb);
	if (r < 0)
		return r;
	if (!tb[NFTA_GEN_ID])
		return -EBADMSG;
	*ret = ntohl(mnl_attr_get_u32(tb[NFTA_GEN_ID]));
	return 1;
}

struct nft_gen {
	uint32_t id;
	bool seen;
};

static int nft_gen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_gen *g = data;
	int r = nft_parse_gen(nlh, &g->id);

	if (r > 0)
		g->seen = true;
	return r < 0 ? r : 0;
}

/* The ruleset's generation id: every commit, in any table of any family, changes it. */
static int nft_genid(struct nl_sock *s, uint32_t *ret, struct err *e)
{
	_Alignas(struct nlmsghdr) uint8_t buf[NFT_REQ_SIZE];
	struct nft_gen g = { 0 };
	struct nlmsghdr *nlh;
	int r;

	r = nft_msg_start(buf, sizeof(buf), nft_type(NFT_MSG_GETGEN), AF_UNSPEC, 0, 0, 0, &nlh);
	if (r < 0)
		return err_set(e, r, "request too large");
	r = nl_request(s, nlh, nft_gen_cb, &g, e);
	if (r < 0)
		return r;
	if (!g.seen)
		return err_set(e, -EBADMSG, "the kernel sent no generation id");
	*ret = g.id;
	return 0;
}

int nft_get_genid(struct nl_sock *s, uint32_t *ret, struct err *e)
{
	int r = nft_genid(s, ret, e);

	return r < 0 ? err_prefix(e, r, "nftables: generation id") : 0;
}

static int nft_rule_cb(const struct nlmsghdr *nlh, void *data)
{
	return nft_walks_scan(data, nlh);
}

static int nft_dump_rules(struct nl_sock *s, uint32_t family, struct nft_walks *w, bool *intr,
			  struct err *e)
{
	_Alignas(struct nlmsghdr) uint8_t buf[NFT_REQ_SIZE];
	struct nlmsghdr *nlh;
	bool this_intr = false;
	int r;

	r = nft_msg_start(buf, sizeof(buf), nft_type(NFT_MSG_GETRULE), family, 0, 0, 0, &nlh);
	if (r < 0)
		return err_set(e, r, "request too large");
	r = nl_dump_each(s, nlh, nft_rule_cb, w, &this_intr, e);
	if (r < 0)
		return r;
	*intr = *intr || this_intr;
	return 0;
}

static int nft_list_walks(struct nl_sock *s, struct nft_walks *ws, uint32_t *ret_genid,
			  struct err *e)
{
	static const uint32_t families[] = { NFPROTO_IPV4, NFPROTO_IPV6 };
	uint32_t before, after;
	bool intr = false;
	int r;

	for (size_t i = 0; i < ws->n; i++)
		nft_walk_reset(&ws->w[i]);
	/* Two dumps are no snapshot by themselves; one generation before and after them proves
	 * that nothing was committed in between (an interrupted dump says so too). */
	r = nft_genid(s, &before, e);
	for (size_t i = 0; r == 0 && i < ELEMENTSOF(families); i++)
		r = nft_dump_rules(s, families[i], ws, &intr, e);
	if (r == 0)
		r = nft_genid(s, &after, e);
	if (r < 0)
		return err_prefix(e, r, "nftables: listing rules");
	if (intr || before != after)
		return 0;
	for (size_t i = 0; i < ws->n; i++) {
		r = nft_walk_plan(&ws->w[i]);
		if (r < 0)
			return err_set(e, r, "nftables: %s", strerror(-r));
	}
	*ret_genid = before;
	return 1;
}

int nft_list(struct nl_sock *s, struct nft_walk *w, uint32_t *ret_genid, struct err *e)
{
	struct nft_walks ws = { .w = w, .n = 1 };

	return nft_list_walks(s, &ws, ret_genid, e);
}

static const char *nft_family_name(uint32_t family)
{
	return family == NFPROTO_IPV6 ? "ip6" : family == NFPROTO_IPV4 ? "ip" : "?";
}

/* Names the command the kernel refused, and keeps the chains it found busy out of the next
 * plan. */
static int nft_batch_error(struct nft_walk *w, const struct nft_batch *b,
			   const struct nl_reply *rep, struct err *e)
{
	const char *sep = rep->extack[0] ? ": " : "";
	const struct nft_ref *failed = NULL;

	for (size_t i = 0; i < b->n; i++) {
		const struct nft_ref *r = b->refs[i];

		if (b->cmds[i].seq == rep->error_seq)
			failed = r;
		if (!r->handle && b->cmds[i].error == -EBUSY &&
		    !nft_refs_add(&w->busy, r->family, r->table, r->chain, NULL))
			return err_set(e, -ENOMEM, "nftables: %s", strerror(ENOMEM));
	}
	if (rep->error == -ERESTART && !failed)
		return err_set(
		    e, rep->error,
		    "nftables: delete batch refused: the ruleset changed since it was listed");
	if (!failed)
		return err_set(e, rep->error, "nftables: delete batch refused: %s%s%s",
			       strerror(-rep->error), sep, rep->extack);
	if (!failed->handle)
		return err_set(e, rep->error, "nftables: deleting chain %s %s %s: %s%s%s",
			       nft_family_name(failed->family), failed->table, failed->chain,
			       strerror(-rep->error), sep, rep->extack);
	return err_set(e, rep->error, "nftables: deleting rule %s %s %s handle %llu: %s%s%s",
		       nft_family_name(failed->family), failed->table, failed->chain,
		       (unsigned long long)failed->handle, strerror(-rep->error), sep, rep->extack);
}

int nft_delete(struct nl_sock *s, struct nft_walk *w, uint32_t genid, struct err *e)
{
	_cleanup_(nft_batch_done) struct nft_batch b = { 0 };
	struct nl_reply rep = { 0 };
	int r;

	r = nft_batch_build(&b, s, w, genid);
	if (r < 0)
		return err_set(e, r, "nftables: building the delete batch: %s", strerror(-r));
	/* The batch and its acks can outgrow the default socket buffers (a few hundred acks do). */
	nl_sock_room(s, b.len + 65536, b.n * NFT_ACK_ROOM + 65536);
	rep.seq = b.begin_seq;
	rep.cmds = b.cmds;
	rep.n_cmds = b.n;
	r = nl_batch(s, b.buf, b.len, &rep, e);
	if (r == 0)
		return 0;
	if (!rep.error)
		return err_prefix(e, r, "nftables: delete batch");
	return nft_batch_error(w, &b, &rep, e);
}

static bool nft_unsupported(int ret)
{
	return ret == -EPROTONOSUPPORT || ret == -ENOENT || ret == -EAFNOSUPPORT ||
	       ret == -EOPNOTSUPP;
}

static bool nft_key_ok(const char *key, bool optional)
{
	return key ? key[0] && !strchr(key, '"') : optional;
}

static bool nft_spec_ok(const struct nft_sweep_spec *spec)
{
	return spec && spec->id && spec->id[0] && nft_key_ok(spec->id_key, false) &&
	       nft_key_ok(spec->with_key, true) && spec->chain_prefix && spec->chain_prefix[0];
}

int nft_run(const struct nft_sweep_spec *spec, bool apply, nft_between_fn between, void *arg,
	    struct nft_sweep_stats *ret, struct err *e)
{
	_cleanup_(nft_walk_done) struct nft_walk w = { .spec = spec };
	_cleanup_nl_ struct nl_sock *s = NULL;
	struct nft_sweep_stats stats = { 0 };
	int r = 0;

	if (!nft_spec_ok(spec))
		return err_set(e, -EINVAL, "nftables: incomplete sweep specification");
	r = nl_sock_open(NETLINK_NETFILTER, &s, e);
	if (nft_unsupported(r))
		goto done; /* no nftables in this kernel: nothing can have leaked */
	if (r < 0)
		return err_prefix(e, r, "nftables: opening a netfilter netlink socket");
	for (int attempt = 0;; attempt++) {
		uint32_t genid = 0;

		if (attempt == NFT_ATTEMPTS)
			return r < 0 ? r
				     : err_set(e, -EAGAIN,
					       "nftables: the ruleset changed under %d listings",
					       NFT_ATTEMPTS);
		if (attempt > 0) {
			/* 1, 2, 4 ... 128 ms, then 128 ms each time. */
			long ms = attempt > 8 ? NFT_BACKOFF_MAX_MS : 1L << (attempt - 1);
			struct timespec ts = { .tv_nsec = ms * 1000000L };

			nanosleep(&ts, NULL);
		}
		r = nft_list(s, &w, &genid, e);
		if (r < 0 && nft_unsupported(r))
			goto done;
		if (r < 0)
			return r;
		if (r == 0)
			continue; /* committed to meanwhile: list again */
		stats.rules = w.n_doomed;
		stats.chains = (unsigned)w.chains.n;
		if (!apply || w.n_doomed == 0)
			break;
		if (between) {
			r = between(arg, e);
			if (r < 0)
				return r;
		}
		r = nft_delete(s, &w, genid, e);
		if (r == 0)
			break;
		/* ERESTART: the ruleset changed since the listing (the kernel applied nothing).
		 * EBUSY: a chain is still used where no listing shows it (now kept). ENOENT: a
		 * kernel that ignores the generation id in the batch lost a race. All three call
		 * for a fresh listing. */
		if (r != -ERESTART && r != -EBUSY && r != -ENOENT)
			return r;
	}
done:
	if (ret)
		*ret = stats;
	return 0;
}

int nft_sweep(const struct nft_sweep_spec *spec, struct nft_sweep_stats *ret, struct err *e)
{
	return nft_run(spec, true, NULL, NULL, ret, e);
}

int nft_count(const struct nft_sweep_spec *spec, struct nft_sweep_stats *ret, struct err *e)
{
	return nft_run(spec, false, NULL, NULL, ret, e);
}

int nft_count_each(const struct nft_sweep_spec *specs, size_t n, struct nft_sweep_stats *ret,
		   struct err *e)
{
	_cleanup_nl_ struct nl_sock *s = NULL;
	_cleanup_free_ struct nft_walk *w = NULL;
	_cleanup_(nft_walks_done) struct nft_walks ws = { 0 };
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		if (!nft_spec_ok(&specs[i]))
			return err_set(e, -EINVAL, "nftables: incomplete sweep specification");
		ret[i] = (struct nft_sweep_stats){ 0 };
	}
	if (n == 0)
		return 0;
	w = calloc(n, sizeof(*w));
	if (!w)
		return err_set(e, -ENOMEM, "nftables: %s", strerror(ENOMEM));
	for (size_t i = 0; i < n; i++)
		w[i].spec = &specs[i];
	if (nft_walks_init(&ws, w, n) < 0)
		return err_set(e, -ENOMEM, "nftables: %s", strerror(ENOMEM));
	r = nl_sock_open(NETLINK_NETFILTER, &s, e);
	if (nft_unsupported(r))
		goto done;
	if (r < 0) {
		r = err_prefix(e, r, "nftables: opening a netfilter netlink socket");
		goto done_err;
	}
	for (int attempt = 0;; attempt++) {
		uint32_t genid = 0;

		if (attempt == NFT_ATTEMPTS) {
			r = err_set(e, -EAGAIN, "nftables: the ruleset changed under %d listings",
				    NFT_ATTEMPTS);
			goto done_err;
		}
		if (attempt > 0) {
			long ms = attempt > 8 ? NFT_BACKOFF_MAX_MS : 1L << (attempt - 1);
			struct timespec ts = { .tv_nsec = ms * 1000000L };

			nanosleep(&ts, NULL);
		}
		r = nft_list_walks(s, &ws, &genid, e);
		if (r < 0 && nft_unsupported(r))
			goto done;
		if (r < 0)
			goto done_err;
		if (r == 1)
			break;
	}
	for (size_t i = 0; i < n; i++)
		ret[i] = (struct nft_sweep_stats){ .rules = w[i].n_doomed,
						   .chains = (unsigned)w[i].chains.n };
done:
	r = 0;
done_err:
	for (size_t i = 0; i < n; i++)
		nft_walk_done(&w[i]);
	return r;
}
