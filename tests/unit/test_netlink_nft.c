// SPDX-License-Identifier: GPL-2.0-or-later
/* nft_comment_matches on the comments the reference plugins really write (Go's
 * fmt.Sprintf("name: %q id: %q", ...); portmap prefixes "dnat "); rule messages built with
 * libnftnl and read back by nft_scan_rule; the sweep's plan on hand-made listings. No root. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_comment.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>

#include "netlink/nft.h"
#include "netlink/nft_int.h"

/* The CNI reference plugins' tag and chains, as src/multus/firewall.c passes them. */
#define CNI_SPEC(ID)                                                                               \
	{                                                                                          \
		.id = (ID), .id_key = "id: ", .with_key = "name: ", .chain_prefix = "CNI-",        \
		.keep_prefix = "CNI-HOSTPORT-"                                                     \
	}

static int m(const char *comment, const char *id)
{
	struct nft_sweep_spec spec = CNI_SPEC(id);

	return nft_comment_matches(comment, &spec);
}

static void test_exact(void **state)
{
	(void)state;
	assert_true(m("name: \"mynet\" id: \"abc123\"", "abc123"));
	/* A real 64-hex containerd id. */
	assert_true(m(
	    "name: \"cbr0\" id: \"0f3a8e1c2b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7\"",
	    "0f3a8e1c2b7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7"));
	assert_false(m("name: \"mynet\" id: \"abc123\"", "abc124"));
}

static void test_trailing_and_leading_text(void **state)
{
	(void)state;
	/* portmap's DNAT jump. */
	assert_true(m("dnat name: \"mynet\" id: \"abc123\"", "abc123"));
	assert_true(m("name: \"mynet\" id: \"abc123\" more", "abc123"));
	assert_true(m("name: \"mynet\" id: \"abc123\" x: \"y\"", "abc123"));
	/* The closing quote must end the value: no text glued to it. */
	assert_false(m("name: \"mynet\" id: \"abc123\"x", "abc123"));
	/* Keys count only at a word start. */
	assert_false(m("name: \"mynet\" xid: \"abc123\"", "abc123"));
	assert_false(m("xname: \"mynet\" id: \"abc123\"", "abc123"));
}

static void test_prefix_suffix_ids(void **state)
{
	(void)state;
	assert_false(m("name: \"net\" id: \"abcd\"", "abc"));
	assert_false(m("name: \"net\" id: \"xabc\"", "abc"));
	assert_false(m("name: \"net\" id: \"abc\"", "abcd"));
	assert_false(m("name: \"net\" id: \"abc\"", "xabc"));
	assert_false(m("name: \"net\" id: \"abc\"", "ab"));
	assert_true(m("name: \"net\" id: \"abc\"", "abc"));
}

static void test_empty_and_null(void **state)
{
	(void)state;
	assert_false(m("name: \"net\" id: \"\"", ""));
	assert_false(m("name: \"net\" id: \"abc\"", ""));
	assert_false(m(NULL, "abc"));
	assert_false(m("name: \"net\" id: \"abc\"", NULL));
	assert_false(m("", "abc"));
	assert_false(m("name: \"net\" id: \"\"", "abc"));
}

static void test_other_comments(void **state)
{
	(void)state;
	/* Untagged comments that the same plugins write. */
	assert_false(m("CNI portfwd requiring masquerade", "abc"));
	assert_false(m("CNI portfwd masquerade mark", "abc"));
	/* No name key: not the plugins' tag. */
	assert_false(m("id: \"abc\"", "abc"));
	/* Unquoted. */
	assert_false(m("name: net id: abc", "abc"));
	assert_false(m("name: \"net\" id: abc", "abc"));
}

static void test_odd_quotes(void **state)
{
	(void)state;
	/* Unterminated value. */
	assert_false(m("name: \"net\" id: \"abc", "abc"));
	/* A network name that holds an id-looking text, escaped by %q: it is part of the name. */
	assert_false(m("name: \"x\\\" id: \\\"abc\" id: \"real\"", "abc"));
	assert_true(m("name: \"x\\\" id: \\\"abc\" id: \"real\"", "real"));
	/* An unescaped name with a quote in it: the id key then sits inside a quoted value. */
	assert_false(m("name: \"a\"b\" id: \"abc\"", "abc"));
	/* Escaped quote and backslash inside the id compare as the characters themselves. */
	assert_true(m("name: \"n\" id: \"a\\\"b\"", "a\"b"));
	assert_true(m("name: \"n\" id: \"a\\\\b\"", "a\\b"));
	assert_false(m("name: \"n\" id: \"a\\\"b\"", "a\\\"b"));
	/* Quote characters in the wanted id never match an unescaped comment. */
	assert_false(m("name: \"n\" id: \"abc\"", "abc\""));
	assert_false(m("name: \"n\" id: \"abc\"", "\"abc"));
	/* Two ids: either one may match (a rule may carry two comment matches joined). */
	assert_true(m("name: \"n\" id: \"one\" id: \"two\"", "two"));
}

/* The tag format is the caller's: other keys, no second key, keys glued to their quote. */
static void test_other_tag_format(void **state)
{
	struct nft_sweep_spec own = {
		.id = "p1", .id_key = "pod=", .with_key = "owner=", .chain_prefix = "X-"
	};
	struct nft_sweep_spec bare = { .id = "p1", .id_key = "pod: ", .chain_prefix = "X-" };

	(void)state;
	assert_true(nft_comment_matches("owner=\"me\" pod=\"p1\"", &own));
	assert_false(nft_comment_matches("pod=\"p1\"", &own)); /* no owner= */
	assert_false(nft_comment_matches("name: \"me\" id: \"p1\"", &own));
	assert_false(nft_comment_matches("owner=\"pod=\\\"p1\" pod=\"p2\"", &own));
	assert_true(nft_comment_matches("pod: \"p1\"", &bare));
	assert_true(nft_comment_matches("dnat pod: \"p1\" x", &bare));
	assert_false(nft_comment_matches("pod: \"p10\"", &bare));
	/* The CNI format no longer matches under another spec, and the other way round. */
	assert_false(nft_comment_matches("name: \"n\" id: \"p1\"", &bare));
	assert_false(m("owner=\"me\" pod=\"p1\"", "p1"));
	/* An incomplete spec never matches. */
	bare.id_key = "";
	assert_false(nft_comment_matches("pod: \"p1\"", &bare));
	assert_false(nft_comment_matches("pod: \"p1\"", NULL));
}

/* A rule as a GETRULE dump returns it: nat table, the tag as an xt comment match (iptables-nft)
 * or as userdata (nft), and maybe a jump. */
static struct nlmsghdr *build_rule(char *buf, const char *chain, const char *match_comment,
				   const char *udata_comment, const char *jump, uint64_t handle)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	assert_non_null(r);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "nat");
	if (chain)
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	if (match_comment) {
		struct nftnl_expr *e = nftnl_expr_alloc("match");
		/* libnftnl takes ownership of the info blob. */
		struct xt_comment_info *info = calloc(1, sizeof(*info));

		assert_true(e && info);
		snprintf(info->comment, sizeof(info->comment), "%s", match_comment);
		nftnl_expr_set_str(e, NFTNL_EXPR_MT_NAME, "comment");
		nftnl_expr_set_u32(e, NFTNL_EXPR_MT_REV, 0);
		nftnl_expr_set(e, NFTNL_EXPR_MT_INFO, info, sizeof(*info));
		nftnl_rule_add_expr(r, e);
	}
	if (jump) {
		struct nftnl_expr *e = nftnl_expr_alloc("immediate");

		assert_non_null(e);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)NFT_JUMP);
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, jump);
		nftnl_rule_add_expr(r, e);
	}
	if (udata_comment) {
		struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

		assert_non_null(u);
		assert_true(nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, udata_comment));
		nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u),
				    nftnl_udata_buf_len(u));
		nftnl_udata_buf_free(u);
	}
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, NFPROTO_IPV4, NLM_F_MULTI, 1);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return nlh;
}

static void test_scan_rule(void **state)
{
	struct nft_sweep_spec spec = CNI_SPEC("abc");
	_cleanup_(nft_walk_done) struct nft_walk w = { .spec = &spec };
	char buf[4096] __attribute__((aligned(8)));
	const struct nft_ref *r;
	struct nlmsghdr *nlh;
	struct nlattr *list;

	(void)state;
	/* portmap's tagged jump, comment in a compat match. */
	assert_int_equal(
	    nft_scan_rule(&w, build_rule(buf, "CNI-HOSTPORT-DNAT", "dnat name: \"n\" id: \"abc\"",
					 NULL, "CNI-DN-1", 7)),
	    0);
	/* An untagged DNAT rule inside a CNI-* chain: kept, so that the chain can be emptied. */
	assert_int_equal(nft_scan_rule(&w, build_rule(buf, "CNI-DN-1", NULL, NULL, NULL, 8)), 0);
	/* An untagged jump to a CNI-* chain: kept, it references the chain. */
	assert_int_equal(
	    nft_scan_rule(&w, build_rule(buf, "PREROUTING", NULL, NULL, "CNI-HOSTPORT-DNAT", 9)),
	    0);
	/* The tag in userdata, as nft writes it. */
	assert_int_equal(nft_scan_rule(&w, build_rule(buf, "POSTROUTING", NULL,
						      "name: \"n\" id: \"abc\"", NULL, 10)),
			 0);
	/* Nothing to do with CNI: not kept. Another id's tag: kept only for its jump. */
	assert_int_equal(
	    nft_scan_rule(&w, build_rule(buf, "KUBE-SVC-X", NULL, NULL, "KUBE-SEP-Y", 11)), 0);
	assert_int_equal(nft_scan_rule(&w, build_rule(buf, "POSTROUTING", "name: \"n\" id: \"abd\"",
						      NULL, NULL, 12)),
			 0);
	assert_int_equal(w.rules.n, 4);
	assert_int_equal(w.n_tagged, 2);
	r = &w.rules.v[0];
	assert_true(r->tagged && r->handle == 7 && r->family == NFPROTO_IPV4);
	assert_string_equal(r->table, "nat");
	assert_string_equal(r->chain, "CNI-HOSTPORT-DNAT");
	assert_string_equal(r->target, "CNI-DN-1");
	r = &w.rules.v[1];
	assert_true(!r->tagged && !r->target && r->handle == 8);
	r = &w.rules.v[2];
	assert_true(!r->tagged && r->handle == 9);
	assert_string_equal(r->target, "CNI-HOSTPORT-DNAT");
	r = &w.rules.v[3];
	assert_true(r->tagged && !r->target && r->handle == 10);
	/* A rule without its chain is refused; other message types are not rules. */
	assert_int_equal(
	    nft_scan_rule(&w, build_rule(buf, NULL, "name: \"n\" id: \"abc\"", NULL, NULL, 13)),
	    -EBADMSG);
	/* An expression list whose element has no name would crash libnftnl (it trusts the
	 * kernel): refused before it gets there. The later list attribute is the one parsed. */
	nlh = build_rule(buf, "CNI-x", "name: \"n\" id: \"abc\"", NULL, NULL, 15);
	list = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, NFTA_LIST_ELEM));
	mnl_attr_nest_end(nlh, list);
	assert_int_equal(nft_scan_rule(&w, nlh), -EBADMSG);
	/* One that holds neither the chain prefix nor the id key is not even parsed. */
	assert_int_equal(nft_scan_rule(&w, build_rule(buf, NULL, "filler", NULL, NULL, 14)), 0);
	nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWCHAIN, NFPROTO_IPV4, NLM_F_MULTI, 1);
	assert_int_equal(nft_scan_rule(&w, (struct nlmsghdr *)buf), 0);
	assert_int_equal(w.rules.n, 4);
}

/* Listings for the plan: add(w, family, table, chain, target, tagged). */
static void add(struct nft_walk *w, uint32_t family, const char *table, const char *chain,
		const char *target, bool tagged)
{
	struct nft_ref *r = nft_refs_add(&w->rules, family, table, chain, target);

	assert_non_null(r);
	r->handle = w->rules.n;
	r->tagged = tagged;
	w->n_tagged += tagged;
}

static void add4(struct nft_walk *w, const char *chain, const char *target, bool tagged)
{
	add(w, NFPROTO_IPV4, "nat", chain, target, tagged);
}

static bool chain_goes(const struct nft_walk *w, uint32_t family, const char *chain)
{
	for (size_t i = 0; i < w->chains.n; i++)
		if (w->chains.v[i].family == family && streq(w->chains.v[i].chain, chain))
			return true;
	return false;
}

static bool rule_goes(const struct nft_walk *w, uint64_t handle)
{
	return w->rules.v[handle - 1].doomed;
}

/* Several walks from one listing (nft_count_each) keep exactly what each walk alone keeps:
 * ids that are prefixes of each other, a tag in a match or in userdata, a rule with two
 * comments, an id the index cannot hold (a quote in it: looked for by memmem). */
static void test_walks_scan(void **state)
{
	static const struct {
		const char *chain, *match, *udata, *jump;
	} rules[] = {
		{ "CNI-HOSTPORT-DNAT", "dnat name: \"n\" id: \"abc\"", NULL, "CNI-DN-1" },
		{ "CNI-DN-1", NULL, NULL, NULL },
		{ "PREROUTING", NULL, NULL, "CNI-HOSTPORT-DNAT" },
		{ "POSTROUTING", NULL, "name: \"n\" id: \"ab\"", NULL },
		{ "POSTROUTING", "name: \"n\" id: \"abd\"", "name: \"n\" id: \"abc\"", NULL },
		{ "KUBE-SVC-X", NULL, NULL, "KUBE-SEP-Y" },
		{ "POSTROUTING", "name: \"n\" id: \"q\\\"x\"", NULL, NULL },
		{ "POSTROUTING", "id: \"ab\"", NULL, NULL }, /* no name: key, not tagged */
	};
	struct nft_sweep_spec specs[] = { CNI_SPEC("abc"), CNI_SPEC("ab"), CNI_SPEC("abd"),
					  CNI_SPEC("q\"x"), CNI_SPEC("zz") };
	struct nft_walk many[ELEMENTSOF(specs)] = { 0 }, one[ELEMENTSOF(specs)] = { 0 };
	struct nft_walks ws;
	char buf[4096] __attribute__((aligned(8)));

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(specs); i++)
		many[i].spec = one[i].spec = &specs[i];
	assert_int_equal(nft_walks_init(&ws, many, ELEMENTSOF(many)), 0);
	for (size_t k = 0; k < ELEMENTSOF(rules); k++) {
		for (size_t i = 0; i < ELEMENTSOF(specs); i++)
			assert_int_equal(
			    nft_scan_rule(&one[i],
					  build_rule(buf, rules[k].chain, rules[k].match,
						     rules[k].udata, rules[k].jump, 100 + k)),
			    0);
		assert_int_equal(
		    nft_walks_scan(&ws, build_rule(buf, rules[k].chain, rules[k].match,
						   rules[k].udata, rules[k].jump, 100 + k)),
		    0);
	}
	for (size_t i = 0; i < ELEMENTSOF(specs); i++) {
		assert_int_equal(many[i].rules.n, one[i].rules.n);
		assert_int_equal(many[i].n_tagged, one[i].n_tagged);
		for (size_t k = 0; k < one[i].rules.n; k++) {
			assert_true(many[i].rules.v[k].handle == one[i].rules.v[k].handle);
			assert_int_equal(many[i].rules.v[k].tagged, one[i].rules.v[k].tagged);
			assert_true((!many[i].rules.v[k].target && !one[i].rules.v[k].target) ||
				    streq(many[i].rules.v[k].target, one[i].rules.v[k].target));
		}
	}
	/* What each walk saw: abc 2 tags (match, userdata of a two-comment rule), ab 1, abd 1,
	 * q"x 1 (the escaped quote), zz none; the CNI-* rules are in every walk. */
	assert_int_equal(many[0].n_tagged, 2);
	assert_int_equal(many[1].n_tagged, 1);
	assert_int_equal(many[2].n_tagged, 1);
	assert_int_equal(many[3].n_tagged, 1);
	assert_int_equal(many[4].n_tagged, 0);
	assert_int_equal(many[4].rules.n, 3);
	nft_walks_done(&ws);
	for (size_t i = 0; i < ELEMENTSOF(specs); i++) {
		nft_walk_done(&many[i]);
		nft_walk_done(&one[i]);
	}
}

/* portmap for two containers: A's CNI-DN chain goes with its untagged rules; B's, the shared
 * chains and every jump to them stay. */
static void test_plan_portmap(void **state)
{
	struct nft_sweep_spec spec = CNI_SPEC("a");
	_cleanup_(nft_walk_done) struct nft_walk w = { .spec = &spec };

	(void)state;
	add4(&w, "PREROUTING", "CNI-HOSTPORT-DNAT", false); /* 1 */
	add4(&w, "OUTPUT", "CNI-HOSTPORT-DNAT", false); /* 2 */
	add4(&w, "CNI-HOSTPORT-DNAT", "CNI-DN-b", false); /* 3: B's tag, not ours */
	add4(&w, "CNI-HOSTPORT-DNAT", "CNI-DN-a", true); /* 4 */
	add4(&w, "CNI-HOSTPORT-SETMARK", NULL, false); /* 5 */
	add4(&w, "CNI-DN-a", "CNI-HOSTPORT-SETMARK", false); /* 6 */
	add4(&w, "CNI-DN-a", NULL, false); /* 7: DNAT */
	add4(&w, "CNI-DN-b", "CNI-HOSTPORT-SETMARK", false); /* 8 */
	add4(&w, "CNI-DN-b", NULL, false); /* 9 */
	assert_int_equal(nft_walk_plan(&w), 0);
	assert_int_equal(w.chains.n, 1);
	assert_true(chain_goes(&w, NFPROTO_IPV4, "CNI-DN-a"));
	assert_int_equal(w.n_doomed, 3);
	assert_true(rule_goes(&w, 4) && rule_goes(&w, 6) && rule_goes(&w, 7));
	/* Planning again gives the same answer. */
	assert_int_equal(nft_walk_plan(&w), 0);
	assert_int_equal(w.chains.n, 1);
	assert_int_equal(w.n_doomed, 3);
}

/* A is the last portmap user: its CNI-DN chain goes; portmap's shared CNI-HOSTPORT-SETMARK stays
 * (deleting it would race with a concurrent portmap ADD), as does the chain untagged rules
 * jump to. */
static void test_plan_portmap_last(void **state)
{
	struct nft_sweep_spec spec = CNI_SPEC("a");
	_cleanup_(nft_walk_done) struct nft_walk w = { .spec = &spec };

	(void)state;
	add4(&w, "PREROUTING", "CNI-HOSTPORT-DNAT", false); /* 1 */
	add4(&w, "CNI-HOSTPORT-DNAT", "CNI-DN-a", true); /* 2 */
	add4(&w, "CNI-HOSTPORT-SETMARK", NULL, false); /* 3 */
	add4(&w, "CNI-DN-a", "CNI-HOSTPORT-SETMARK", false); /* 4 */
	add4(&w, "CNI-DN-a", "CNI-HOSTPORT-SETMARK", false); /* 5 */
	add4(&w, "CNI-DN-a", NULL, false); /* 6 */
	assert_int_equal(nft_walk_plan(&w), 0);
	assert_int_equal(w.chains.n, 1);
	assert_true(chain_goes(&w, NFPROTO_IPV4, "CNI-DN-a"));
	assert_false(chain_goes(&w, NFPROTO_IPV4, "CNI-HOSTPORT-SETMARK"));
	assert_int_equal(w.n_doomed, 4);
	assert_false(rule_goes(&w, 1) || rule_goes(&w, 3));
}

/* Listed deepest first, so that each level takes a round of its own. */
static void test_plan_transitive(void **state)
{
	struct nft_sweep_spec spec = CNI_SPEC("t");
	_cleanup_(nft_walk_done) struct nft_walk w = { .spec = &spec };

	(void)state;
	add4(&w, "CNI-z", NULL, false); /* 1 */
	add4(&w, "CNI-y", "CNI-z", false); /* 2 */
	add4(&w, "CNI-y", "CNI-kept", false); /* 3 */
	add4(&w, "CNI-x", "CNI-y", false); /* 4 */
	add4(&w, "FORWARD", "CNI-x", true); /* 5 */
	add4(&w, "INPUT", "CNI-kept", false); /* 6 */
	add4(&w, "CNI-kept", NULL, false); /* 7 */
	assert_int_equal(nft_walk_plan(&w), 0);
	assert_int_equal(w.chains.n, 3);
	assert_true(chain_goes(&w, NFPROTO_IPV4, "CNI-x") &&
		    chain_goes(&w, NFPROTO_IPV4, "CNI-y") && chain_goes(&w, NFPROTO_IPV4, "CNI-z"));
	assert_int_equal(w.n_doomed, 5);
	assert_false(rule_goes(&w, 6) || rule_goes(&w, 7));
}

/* References count within one family and table only; another id's tag keeps a chain; a chain
 * the kernel refused (busy) keeps its rules and so what they jump to. */
static void test_plan_kept(void **state)
{
	struct nft_sweep_spec spec = CNI_SPEC("a");
	_cleanup_(nft_walk_done) struct nft_walk w = { .spec = &spec };

	(void)state;
	add(&w, NFPROTO_IPV4, "nat", "POSTROUTING", "CNI-q", true); /* 1 */
	add(&w, NFPROTO_IPV6, "nat", "POSTROUTING", "CNI-q", false); /* 2 */
	add(&w, NFPROTO_IPV4, "filter", "FORWARD", "CNI-q", false); /* 3 */
	add(&w, NFPROTO_IPV4, "nat", "CNI-q", NULL, false); /* 4 */
	add(&w, NFPROTO_IPV4, "nat", "POSTROUTING", "CNI-shared", true); /* 5 */
	add(&w, NFPROTO_IPV4, "nat", "POSTROUTING", "CNI-shared", false); /* 6: B's tag */
	add(&w, NFPROTO_IPV4, "nat", "CNI-shared", NULL, true); /* 7 */
	add(&w, NFPROTO_IPV4, "nat", "POSTROUTING", "CNI-busy", true); /* 8 */
	add(&w, NFPROTO_IPV4, "nat", "CNI-busy", "CNI-under", false); /* 9 */
	add(&w, NFPROTO_IPV4, "nat", "CNI-under", NULL, false); /* 10 */
	assert_non_null(nft_refs_add(&w.busy, NFPROTO_IPV4, "nat", "CNI-busy", NULL));
	assert_int_equal(nft_walk_plan(&w), 0);
	assert_int_equal(w.chains.n, 1);
	assert_true(chain_goes(&w, NFPROTO_IPV4, "CNI-q"));
	/* The tagged rules, and CNI-q's one; the shared chain loses only our rule in it. */
	assert_int_equal(w.n_doomed, 5);
	assert_true(rule_goes(&w, 1) && rule_goes(&w, 4) && rule_goes(&w, 5) && rule_goes(&w, 7) &&
		    rule_goes(&w, 8));
}

/* The chain prefixes are the caller's too: with X- in scope and X-SHARED- kept, CNI-* chains
 * are neither listed in full nor deleted, and X-SHARED-* stays even when nothing else uses it. */
static void test_plan_other_prefixes(void **state)
{
	struct nft_sweep_spec spec = {
		.id = "a", .id_key = "id: ", .chain_prefix = "X-", .keep_prefix = "X-SHARED-"
	};
	_cleanup_(nft_walk_done) struct nft_walk w = { .spec = &spec };
	char buf[4096] __attribute__((aligned(8)));

	(void)state;
	add4(&w, "FORWARD", "X-mine", true); /* 1 */
	add4(&w, "X-mine", "X-SHARED-mark", false); /* 2 */
	add4(&w, "X-SHARED-mark", NULL, false); /* 3 */
	add4(&w, "FORWARD", "CNI-x", true); /* 4: a CNI-* target is none of this spec's */
	add4(&w, "CNI-x", NULL, false); /* 5 */
	assert_int_equal(nft_walk_plan(&w), 0);
	assert_int_equal(w.chains.n, 1);
	assert_true(chain_goes(&w, NFPROTO_IPV4, "X-mine"));
	assert_false(chain_goes(&w, NFPROTO_IPV4, "X-SHARED-mark"));
	assert_false(chain_goes(&w, NFPROTO_IPV4, "CNI-x"));
	assert_int_equal(w.n_doomed, 3);
	assert_true(rule_goes(&w, 1) && rule_goes(&w, 2) && rule_goes(&w, 4));
	assert_false(rule_goes(&w, 3) || rule_goes(&w, 5));
	/* The listing keeps untagged rules of in-scope chains only. */
	nft_walk_reset(&w);
	assert_int_equal(nft_scan_rule(&w, build_rule(buf, "X-other", NULL, NULL, NULL, 1)), 0);
	assert_int_equal(nft_scan_rule(&w, build_rule(buf, "CNI-y", NULL, NULL, NULL, 2)), 0);
	assert_int_equal(nft_scan_rule(&w, build_rule(buf, "INPUT", NULL, NULL, "CNI-y", 3)), 0);
	assert_int_equal(nft_scan_rule(&w, build_rule(buf, "INPUT", NULL, NULL, "X-other", 4)), 0);
	assert_int_equal(w.rules.n, 2);
	assert_string_equal(w.rules.v[0].chain, "X-other");
	assert_string_equal(w.rules.v[1].target, "X-other");
}

static void test_plan_nothing_tagged(void **state)
{
	struct nft_sweep_spec spec = CNI_SPEC("a");
	_cleanup_(nft_walk_done) struct nft_walk w = { .spec = &spec };

	(void)state;
	add4(&w, "CNI-lonely", NULL, false);
	add4(&w, "CNI-x", "CNI-y", false);
	assert_int_equal(nft_walk_plan(&w), 0);
	assert_int_equal(w.chains.n, 0);
	assert_int_equal(w.n_doomed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_trailing_and_leading_text),
		cmocka_unit_test(test_prefix_suffix_ids),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_other_comments),
		cmocka_unit_test(test_odd_quotes),
		cmocka_unit_test(test_other_tag_format),
		cmocka_unit_test(test_scan_rule),
		cmocka_unit_test(test_walks_scan),
		cmocka_unit_test(test_plan_portmap),
		cmocka_unit_test(test_plan_portmap_last),
		cmocka_unit_test(test_plan_transitive),
		cmocka_unit_test(test_plan_kept),
		cmocka_unit_test(test_plan_other_prefixes),
		cmocka_unit_test(test_plan_nothing_tagged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
