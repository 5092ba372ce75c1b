// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The listing side of the nftables sweep: which rules carry the caller's tag, what they jump
 * to (the plan of what one sweep deletes is nft_plan.c). No socket here (nft.c owns it).
 *
 * Where the tag lives: iptables-nft 1.8.9 keeps `-m comment --comment TEXT` as a compat `match`
 * expression named "comment" whose info blob is struct xt_comment_info (a 256-byte string);
 * `nft ... comment "TEXT"` keeps it in the rule's userdata (NFTNL_UDATA_RULE_COMMENT). Both are
 * read, so a later iptables-nft that moves the comment to userdata is still swept.
 */
#include <stdbool.h>
#include <stdint.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/xt_comment.h>
#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>

#include "netlink/nft.h"
#include "netlink/nft_int.h"
#include "netlink/rtnl.h"

static bool nft_has_prefix(const char *name, const char *prefix)
{
	return name && prefix && strncmp(name, prefix, strlen(prefix)) == 0;
}

/* A chain the sweep lists in full and may delete. */
bool nft_in_scope(const struct nft_sweep_spec *spec, const char *name)
{
	return nft_has_prefix(name, spec->chain_prefix);
}

/* A chain of the caller's that is shared by every owner and so never deleted: its owner may be
 * adding to it right now. */
bool nft_kept(const struct nft_sweep_spec *spec, const char *name)
{
	return nft_has_prefix(name, spec->keep_prefix);
}

/* Does a key start at p, followed by its opening quote? */
static bool nft_key_at(const char *p, const char *key)
{
	size_t n = strlen(key);

	return strncmp(p, key, n) == 0 && p[n] == '"';
}

/* Compares a Go %q-quoted value (q at its opening quote) with want; the closing quote must end
 * the comment or be followed by a space. */
static bool nft_quoted_equals(const char *q, const char *want)
{
	const char *p = q + 1;

	while (*p && *p != '"') {
		char c = *p;

		if (c == '\\' && (p[1] == '"' || p[1] == '\\'))
			c = *++p;
		if (*want != c)
			return false;
		want++;
		p++;
	}
	return *p == '"' && *want == '\0' && (p[1] == '\0' || p[1] == ' ');
}

int nft_comment_matches(const char *comment, const struct nft_sweep_spec *spec)
{
	bool quoted = false, has_with, has_id = false;
	const char *p;

	/* An empty id would match an empty value, which no owner writes: never sweep on it. */
	if (!comment || !spec || !spec->id || !*spec->id || !spec->id_key || !*spec->id_key)
		return 0;
	has_with = !spec->with_key;
	/* Keys count only outside quoted values, so a value holding `id: "x"` (escaped by %q)
	 * cannot pose as the id. */
	for (p = comment; *p; p++) {
		if (quoted) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				quoted = false;
			continue;
		}
		if (*p == '"') {
			quoted = true;
			continue;
		}
		if (p != comment && p[-1] != ' ')
			continue;
		if (spec->with_key && nft_key_at(p, spec->with_key))
			has_with = true;
		else if (nft_key_at(p, spec->id_key) &&
			 nft_quoted_equals(p + strlen(spec->id_key), spec->id))
			has_id = true;
	}
	return has_with && has_id;
}

/* What one rule says, whoever asks: its comments (a rule may carry one of each kind) and the
 * chain_prefix chain it jumps or goes to. Whether it is tagged is each spec's question. */
#define NFT_RULE_COMMENTS 4
struct nft_rule_scan {
	const struct nft_sweep_spec *spec; /* for chain_prefix */
	char comments[NFT_RULE_COMMENTS][sizeof(struct xt_comment_info) + 1];
	size_t n_comments;
	const char *target; /* points into the parsed rule */
};

static void nft_scan_comment(struct nft_rule_scan *s, const char *text, size_t len)
{
	size_t n =
	    strnlen(text, len < sizeof(s->comments[0]) - 1 ? len : sizeof(s->comments[0]) - 1);

	if (s->n_comments == NFT_RULE_COMMENTS)
		return;
	memcpy(s->comments[s->n_comments], text, n);
	s->comments[s->n_comments++][n] = '\0';
}

static bool nft_scan_tagged(const struct nft_rule_scan *s, const struct nft_sweep_spec *spec)
{
	for (size_t i = 0; i < s->n_comments; i++)
		if (nft_comment_matches(s->comments[i], spec))
			return true;
	return false;
}

static int nft_udata_cb(const struct nftnl_udata *attr, void *data)
{
	struct nft_rule_scan *s = data;
	const char *value = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);

	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && len > 0 && value[len - 1] == '\0')
		nft_scan_comment(s, value, len);
	return 0;
}

static int nft_expr_cb(struct nftnl_expr *expr, void *data)
{
	struct nft_rule_scan *s = data;
	const char *name = nftnl_expr_get_str(expr, NFTNL_EXPR_NAME);

	if (!name)
		return 0;
	if (streq(name, "match")) {
		const char *match = nftnl_expr_get_str(expr, NFTNL_EXPR_MT_NAME);
		uint32_t len = 0;
		const char *info = nftnl_expr_get(expr, NFTNL_EXPR_MT_INFO, &len);

		if (!match || !streq(match, "comment") || !info)
			return 0;
		/* The blob is a fixed char array, NUL-padded; never trust it to be terminated. */
		nft_scan_comment(s, info, len);
	} else if (streq(name, "immediate") && nftnl_expr_is_set(expr, NFTNL_EXPR_IMM_VERDICT)) {
		int32_t verdict = (int32_t)nftnl_expr_get_u32(expr, NFTNL_EXPR_IMM_VERDICT);
		const char *chain = nftnl_expr_get_str(expr, NFTNL_EXPR_IMM_CHAIN);

		if ((verdict == NFT_JUMP || verdict == NFT_GOTO) && nft_in_scope(s->spec, chain))
			s->target = chain;
	}
	return 0;
}

static void nft_rule_freep(struct nftnl_rule **r)
{
	if (*r)
		nftnl_rule_free(*r);
}

/*
 * libnftnl trusts the kernel: an expression without a name, or a list holding something else,
 * crashes its parser. A rule goes to it only after this check against a policy of our own:
 * table, chain and handle there and well-formed, every expression a named list element.
 */
static int nft_rule_check(const struct nlmsghdr *nlh)
{
	static const struct nl_policy rule_policy[NFTA_RULE_MAX + 1] = {
		[NFTA_RULE_TABLE] = { MNL_TYPE_NUL_STRING, 0 },
		[NFTA_RULE_CHAIN] = { MNL_TYPE_NUL_STRING, 0 },
		[NFTA_RULE_HANDLE] = { MNL_TYPE_U64, 0 },
		[NFTA_RULE_EXPRESSIONS] = { MNL_TYPE_NESTED, 0 },
		[NFTA_RULE_USERDATA] = { MNL_TYPE_BINARY, 0 },
	};
	static const struct nl_policy expr_policy[NFTA_EXPR_MAX + 1] = {
		[NFTA_EXPR_NAME] = { MNL_TYPE_NUL_STRING, 0 },
		[NFTA_EXPR_DATA] = { MNL_TYPE_NESTED, 0 },
	};
	const struct nlattr *tb[NFTA_RULE_MAX + 1], *et[NFTA_EXPR_MAX + 1];
	const uint8_t *list;
	size_t len, off = 0;
	int r;

	r = nl_msg_attrs(nlh, sizeof(struct nfgenmsg), rule_policy, NFTA_RULE_MAX, tb);
	if (r < 0)
		return r;
	if (!tb[NFTA_RULE_TABLE] || !tb[NFTA_RULE_CHAIN] || !tb[NFTA_RULE_HANDLE])
		return -EBADMSG;
	if (!tb[NFTA_RULE_EXPRESSIONS])
		return 0;
	list = mnl_attr_get_payload(tb[NFTA_RULE_EXPRESSIONS]);
	len = mnl_attr_get_payload_len(tb[NFTA_RULE_EXPRESSIONS]);
	while (off < len) {
		const struct nlattr *a = (const struct nlattr *)(list + off);

		if (!mnl_attr_ok(a, (int)(len - off)) || mnl_attr_get_type(a) != NFTA_LIST_ELEM)
			return -EBADMSG;
		off += MNL_ALIGN(a->nla_len);
		r = nl_attr_table(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a), expr_policy,
				  NFTA_EXPR_MAX, et);
		if (r < 0)
			return r;
		if (!et[NFTA_EXPR_NAME])
			return -EBADMSG;
	}
	return 0;
}

/* Parses a rule message that passed a first look (nft_rule_check first): *ret is the rule. */
static int nft_scan_parse(const struct nlmsghdr *nlh, struct nftnl_rule **ret,
			  struct nft_rule_scan *s)
{
	_cleanup_(nft_rule_freep) struct nftnl_rule *r = NULL;
	const void *udata;
	uint32_t udata_len = 0;

	if (nft_rule_check(nlh) < 0)
		return -EBADMSG;
	r = nftnl_rule_alloc();
	if (!r)
		return -ENOMEM;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0 || !nftnl_rule_is_set(r, NFTNL_RULE_TABLE) ||
	    !nftnl_rule_is_set(r, NFTNL_RULE_CHAIN) || !nftnl_rule_is_set(r, NFTNL_RULE_HANDLE))
		return -EBADMSG;
	udata = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &udata_len);
	if (udata)
		nftnl_udata_parse(udata, udata_len, nft_udata_cb, s);
	nftnl_expr_foreach(r, nft_expr_cb, s);
	*ret = TAKE_PTR(r);
	return 0;
}

/* The parsed rule into the walk, when it bears on its sweep. */
static int nft_scan_add(struct nft_walk *w, const struct nftnl_rule *r,
			const struct nft_rule_scan *s)
{
	const char *chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	bool tagged = nft_scan_tagged(s, w->spec);
	struct nft_ref *ref;

	/* Only rules that can bear on a chain_prefix chain's fate are kept: the host may hold tens
	 * of thousands of other rules. Every rule of a chain_prefix chain is, so that a doomed
	 * chain can be emptied rule by rule. */
	if (!tagged && !s->target && !nft_in_scope(w->spec, chain))
		return 0;
	ref = nft_refs_add(&w->rules, nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY),
			   nftnl_rule_get_str(r, NFTNL_RULE_TABLE), chain, s->target);
	if (!ref)
		return -ENOMEM;
	ref->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	ref->tagged = tagged;
	w->n_tagged += tagged;
	return 0;
}

/*
 * memmem for the first look at a rule's bytes: memchr for the needle's first byte, then a
 * compare. glibc's memmem clears a 256-byte shift table and hashes every position on each
 * call, about 1,800 instructions for a 300-byte rule; this is a few hundred, which counts on a
 * host with thousands of rules (each is looked at twice per listing).
 */
static const char *nft_find(const void *hay, size_t n, const char *needle, size_t m)
{
	const char *p = hay, *end = p + n;

	if (m == 0)
		return p;
	while ((size_t)(end - p) >= m) {
		p = memchr(p, needle[0], (size_t)(end - p) - m + 1);
		if (!p)
			return NULL;
		if (memcmp(p + 1, needle + 1, m - 1) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* A rule that passed the first look: parsed and added to the walk. */
static int nft_scan_rule_parsed(struct nft_walk *w, const struct nlmsghdr *nlh)
{
	_cleanup_(nft_rule_freep) struct nftnl_rule *r = NULL;
	/* Zeroed here only: its comment buffers are a kilobyte, too much for every rule. */
	struct nft_rule_scan s = { .spec = w->spec };
	int ret;

	ret = nft_scan_parse(nlh, &r, &s);
	return ret < 0 ? ret : nft_scan_add(w, r, &s);
}

int nft_scan_rule(struct nft_walk *w, const struct nlmsghdr *nlh)
{
	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWRULE)
		return 0;
	/* A first look at the raw bytes: a rule bears on the sweep only when they hold the chain
	 * prefix (its chain's name, a jump's target) or the id key (a tag), all kept verbatim.
	 * Most of a host's rules hold neither and are never parsed, which keeps a listing short
	 * and so less likely to see a commit under it. */
	if (!nft_find(nlh, nlh->nlmsg_len, w->spec->chain_prefix, strlen(w->spec->chain_prefix)) &&
	    !nft_find(nlh, nlh->nlmsg_len, w->spec->id_key, strlen(w->spec->id_key)))
		return 0;
	return nft_scan_rule_parsed(w, nlh);
}

/* An id the index can find: no byte that Go's %q would escape, so the bytes of a tagged rule
 * hold it verbatim between quotes after the id key. */
static bool nft_id_plain(const char *id)
{
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			return false;
	return true;
}

static int nft_cmp_walk_ids(const void *a, const void *b, void *arg)
{
	const struct nft_walk *w = arg;

	return strcmp(w[*(const size_t *)a].spec->id, w[*(const size_t *)b].spec->id);
}

int nft_walks_init(struct nft_walks *ws, struct nft_walk *w, size_t n)
{
	*ws = (struct nft_walks){ .w = w, .n = n, .one_prefix = true };
	ws->by_id = calloc(n ? n : 1, sizeof(*ws->by_id));
	ws->indexed = calloc(n ? n : 1, sizeof(*ws->indexed));
	ws->hit = calloc(n ? n : 1, sizeof(*ws->hit));
	if (!ws->by_id || !ws->indexed || !ws->hit) {
		nft_walks_done(ws);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct nft_sweep_spec *spec = w[i].spec;

		if (!streq(spec->chain_prefix, w[0].spec->chain_prefix))
			ws->one_prefix = false;
		if (streq(spec->id_key, w[0].spec->id_key) && nft_id_plain(spec->id)) {
			ws->indexed[i] = true;
			ws->by_id[ws->n_by_id++] = i;
		}
	}
	qsort_r(ws->by_id, ws->n_by_id, sizeof(*ws->by_id), nft_cmp_walk_ids, w);
	return 0;
}

void nft_walks_done(struct nft_walks *ws)
{
	free(ws->by_id);
	free(ws->indexed);
	free(ws->hit);
	ws->by_id = NULL;
	ws->indexed = ws->hit = NULL;
}

/* Compares the id of walk `i` with the len bytes at v: <0, 0, >0 as strcmp. */
static int nft_cmp_id(const struct nft_walks *ws, size_t i, const char *v, size_t len)
{
	const char *id = ws->w[i].spec->id;
	int c = strncmp(id, v, len);

	return c ? c : id[len] ? 1 : 0;
}

/* Marks the indexed walks whose id is the len bytes at v. */
static void nft_hit_id(struct nft_walks *ws, const char *v, size_t len)
{
	size_t lo = 0, hi = ws->n_by_id;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (nft_cmp_id(ws, ws->by_id[mid], v, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ws->n_by_id && nft_cmp_id(ws, ws->by_id[lo], v, len) == 0; lo++)
		ws->hit[ws->by_id[lo]] = true;
}

static int nft_walks_scan_many(struct nft_walks *ws, const struct nlmsghdr *nlh)
{
	const char *buf = (const char *)nlh, *end = buf + nlh->nlmsg_len;
	const char *key = ws->n ? ws->w[0].spec->id_key : "";
	_cleanup_(nft_rule_freep) struct nftnl_rule *r = NULL;
	struct nft_rule_scan s = { .spec = ws->n ? ws->w[0].spec : NULL };
	size_t klen = strlen(key);
	bool all = false, any = false;

	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWRULE)
		return 0;
	memset(ws->hit, 0, ws->n * sizeof(*ws->hit));
	if (ws->one_prefix && ws->n)
		all = nft_find(buf, nlh->nlmsg_len, ws->w[0].spec->chain_prefix,
			       strlen(ws->w[0].spec->chain_prefix)) != NULL;
	for (size_t i = 0; !all && i < ws->n; i++) {
		const struct nft_sweep_spec *spec = ws->w[i].spec;

		if (!ws->one_prefix &&
		    nft_find(buf, nlh->nlmsg_len, spec->chain_prefix, strlen(spec->chain_prefix)))
			ws->hit[i] = true;
		else if (!ws->indexed[i] &&
			 nft_find(buf, nlh->nlmsg_len, spec->id_key, strlen(spec->id_key)))
			ws->hit[i] = true; /* as nft_scan_rule's own first look */
	}
	/* Every `KEY"VALUE"` in the bytes: the walks of that id. */
	for (const char *p = buf; !all && klen && p < end;) {
		const char *k = nft_find(p, (size_t)(end - p), key, klen), *v, *q;

		if (!k)
			break;
		v = k + klen;
		p = v;
		if (v >= end || *v != '"')
			continue;
		v++;
		q = memchr(v, '"', (size_t)(end - v));
		if (!q)
			break;
		nft_hit_id(ws, v, (size_t)(q - v));
	}
	for (size_t i = 0; i < ws->n && !any; i++)
		any = all || ws->hit[i];
	if (!any)
		return 0;
	/* One parse for every walk: they share the chain prefix, which is all the parse needs
	 * of a spec. */
	if (ws->one_prefix && !r) {
		int ret = nft_scan_parse(nlh, &r, &s);

		if (ret < 0)
			return ret;
	}
	for (size_t i = 0; i < ws->n; i++) {
		int ret;

		if (!all && !ws->hit[i])
			continue;
		ret = r ? nft_scan_add(&ws->w[i], r, &s) : nft_scan_rule(&ws->w[i], nlh);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int nft_walks_scan(struct nft_walks *ws, const struct nlmsghdr *nlh)
{
	/* One walk (a DEL): no per-rule state to set up before the first look. */
	if (ws->n == 1)
		return nft_scan_rule(ws->w, nlh);
	return nft_walks_scan_many(ws, nlh);
}
