// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The nftables side of the one netlink transport, without root: checked attribute puts that
 * refuse instead of overrunning; the delete batch built and parsed back (the batch begin
 * carries the generation id, every command its own sequence number, never 0); GETGEN replies
 * parsed; and batch acks fed to the reply state machine, an error mapped to its command by
 * sequence number, a batch refused as a whole (ERESTART) on its begin message.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>

#include "netlink/nft.h"
#include "netlink/nft_int.h"
#include "netlink/rtnl.h"

#define PORT 4242
#define NFT_TYPE(msg) ((uint16_t)(NFNL_SUBSYS_NFTABLES << 8 | (msg)))

static _Alignas(struct nlmsghdr) uint8_t buf[8192];

/* Every byte from `from` to the end of buf still holds the canary? */
static bool untouched(size_t from)
{
	for (size_t i = from; i < sizeof(buf); i++)
		if (buf[i] != 0xa5)
			return false;
	return true;
}

static void test_put_does_not_fit(void **state)
{
	struct nlmsghdr *nlh;
	size_t len;

	(void)state;
	memset(buf, 0xa5, sizeof(buf));
	/* Room for the header and 8 bytes: a u32 attribute fits exactly, nothing more. */
	assert_int_equal(nl_msg_start(buf, 40, RTM_NEWLINK, 0, 16, &nlh), 0);
	assert_int_equal(nlh->nlmsg_len, 32);
	assert_int_equal(nl_put_u32(nlh, 40, 1, 7), 0);
	assert_int_equal(nlh->nlmsg_len, 40);
	len = nlh->nlmsg_len;
	assert_int_equal(nl_put_u32(nlh, 40, 2, 8), -EMSGSIZE);
	assert_int_equal(nl_put_strz(nlh, 40, 3, ""), -EMSGSIZE);
	assert_int_equal(nlh->nlmsg_len, len);
	assert_true(untouched(40));
	/* A string one byte too long for what is left. */
	assert_int_equal(nl_msg_start(buf, 32, RTM_NEWLINK, 0, 0, &nlh), 0);
	assert_int_equal(nl_put_strz(nlh, 32, 3, "1234567890a"), 0); /* 4 + 12 */
	assert_int_equal(nl_msg_start(buf, 32, RTM_NEWLINK, 0, 0, &nlh), 0);
	assert_int_equal(nl_put_strz(nlh, 32, 3, "1234567890ab"), -EMSGSIZE); /* 4 + 16 */
	assert_int_equal(nlh->nlmsg_len, MNL_NLMSG_HDRLEN);
	/* More than an attribute's 16-bit length can say, whatever the buffer. */
	assert_int_equal(nl_put(nlh, sizeof(buf), 4, 65532, buf), -EMSGSIZE);
	/* A header or fixed part that does not fit. */
	assert_int_equal(nl_msg_start(buf, 15, RTM_NEWLINK, 0, 0, &nlh), -EMSGSIZE);
	assert_int_equal(nl_msg_start(buf, 20, RTM_NEWLINK, 0, 5, &nlh), -EMSGSIZE);
}

static void test_delete_does_not_fit(void **state)
{
	char table[NFT_NAME_MAXLEN], chain[] = "c";
	struct nft_ref r = { .family = NFPROTO_IPV4, .handle = 9, .table = table, .chain = chain };
	struct nlmsghdr *nlh;

	(void)state;
	memset(table, 't', sizeof(table) - 1);
	table[sizeof(table) - 1] = '\0';
	memset(buf, 0xa5, sizeof(buf));
	assert_int_equal(nft_build_delete(buf, 200, 5, &r, &nlh), -EMSGSIZE);
	assert_true(untouched(200));
	/* The most a listed name can be still fits one command's room. */
	r.chain = table;
	assert_int_equal(nft_build_delete(buf, NFT_CMD_MAX, 5, &r, &nlh), 0);
	r.handle = 0;
	assert_int_equal(nft_build_delete(buf, NFT_CMD_MAX, 5, &r, &nlh), 0);
	assert_int_equal(nft_build_batch_begin(buf, 20, 1, 7, &nlh), -EMSGSIZE);
}

static struct nft_ref *add(struct nft_walk *w, uint32_t family, const char *chain, uint64_t handle,
			   bool doomed)
{
	struct nft_ref *r = nft_refs_add(&w->rules, family, "nat", chain, NULL);

	assert_non_null(r);
	r->handle = handle;
	r->doomed = doomed;
	w->n_doomed += doomed;
	return r;
}

static const struct nlattr *attr(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each (a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static void check_delimiter(const struct nlmsghdr *nlh, uint16_t type, uint32_t seq)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);

	assert_int_equal(nlh->nlmsg_type, type);
	assert_int_equal(nlh->nlmsg_seq, seq);
	assert_int_equal(ntohs(g->res_id), NFNL_SUBSYS_NFTABLES);
	assert_int_equal(g->nfgen_family, AF_UNSPEC);
}

/* The batch of a plan, parsed back message by message. */
static void test_batch_roundtrip(void **state)
{
	struct nft_sweep_spec spec = { .id = "a", .id_key = "id: ", .chain_prefix = "CNI-" };
	_cleanup_(nft_walk_done) struct nft_walk w = { .spec = &spec };
	_cleanup_(nft_batch_done) struct nft_batch b = { 0 };
	/* Sequence numbers about to wrap: 0 is skipped. */
	struct nl_sock s = { .seq = UINT32_MAX - 2 };
	const struct nlmsghdr *nlh;
	const struct nlattr *a;
	const struct nfgenmsg *g;
	size_t off;

	(void)state;
	add(&w, NFPROTO_IPV4, "POSTROUTING", 11, true);
	add(&w, NFPROTO_IPV4, "POSTROUTING", 12, false);
	add(&w, NFPROTO_IPV6, "CNI-q", 0x0102030405060708ull, true);
	assert_non_null(nft_refs_add(&w.chains, NFPROTO_IPV6, "nat", "CNI-q", NULL));
	assert_int_equal(nft_batch_build(&b, &s, &w, 0xdeadbeef), 0);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.begin_seq, UINT32_MAX - 1);
	assert_int_equal(b.cmds[0].seq, UINT32_MAX);
	assert_int_equal(b.cmds[1].seq, 1);
	assert_int_equal(b.cmds[2].seq, 2);
	assert_ptr_equal(b.refs[0], &w.rules.v[0]);
	assert_ptr_equal(b.refs[1], &w.rules.v[2]);
	assert_ptr_equal(b.refs[2], &w.chains.v[0]);

	/* Begin, with the generation id the kernel must still be at. */
	nlh = (const struct nlmsghdr *)b.buf;
	assert_true(nl_msg_ok(nlh, b.len));
	check_delimiter(nlh, NFNL_MSG_BATCH_BEGIN, b.begin_seq);
	a = attr(nlh, NFNL_BATCH_GENID);
	assert_non_null(a);
	assert_int_equal(mnl_attr_get_payload_len(a), 4);
	assert_int_equal(ntohl(mnl_attr_get_u32(a)), 0xdeadbeef);
	off = MNL_ALIGN(nlh->nlmsg_len);

	/* The doomed rules by handle, acked; the untagged one is not in the batch. */
	for (int i = 0; i < 2; i++) {
		nlh = (const struct nlmsghdr *)(b.buf + off);
		assert_true(nl_msg_ok(nlh, b.len - off));
		g = mnl_nlmsg_get_payload(nlh);
		assert_int_equal(nlh->nlmsg_type, NFT_TYPE(NFT_MSG_DELRULE));
		assert_int_equal(nlh->nlmsg_seq, b.cmds[i].seq);
		assert_true(nlh->nlmsg_flags & NLM_F_ACK);
		assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
		assert_int_equal(g->nfgen_family, i == 0 ? NFPROTO_IPV4 : NFPROTO_IPV6);
		assert_string_equal(mnl_attr_get_str(attr(nlh, NFTA_RULE_TABLE)), "nat");
		assert_string_equal(mnl_attr_get_str(attr(nlh, NFTA_RULE_CHAIN)),
				    i == 0 ? "POSTROUTING" : "CNI-q");
		assert_true(be64toh(mnl_attr_get_u64(attr(nlh, NFTA_RULE_HANDLE))) ==
			    (i == 0 ? 11 : 0x0102030405060708ull));
		off += MNL_ALIGN(nlh->nlmsg_len);
	}
	/* Then the chain, by name, refused by the kernel while still used (NONREC). */
	nlh = (const struct nlmsghdr *)(b.buf + off);
	assert_true(nl_msg_ok(nlh, b.len - off));
	assert_int_equal(nlh->nlmsg_type, NFT_TYPE(NFT_MSG_DELCHAIN));
	assert_int_equal(nlh->nlmsg_seq, b.cmds[2].seq);
	assert_int_equal(nlh->nlmsg_flags & (NLM_F_ACK | NLM_F_NONREC), NLM_F_ACK | NLM_F_NONREC);
	assert_string_equal(mnl_attr_get_str(attr(nlh, NFTA_CHAIN_NAME)), "CNI-q");
	assert_null(attr(nlh, NFTA_CHAIN_HANDLE));
	assert_string_equal(mnl_attr_get_str(attr(nlh, NFTA_CHAIN_TABLE)), "nat");
	off += MNL_ALIGN(nlh->nlmsg_len);
	/* End, and nothing after it. */
	nlh = (const struct nlmsghdr *)(b.buf + off);
	assert_true(nl_msg_ok(nlh, b.len - off));
	check_delimiter(nlh, NFNL_MSG_BATCH_END, 3);
	assert_int_equal(off + nlh->nlmsg_len, b.len);
}

/* A GETGEN reply: nfgenmsg, NFTA_GEN_ID (big-endian) and the committer's pid and name. */
static struct nlmsghdr *put_gen(void *at, const void *id, size_t id_len)
{
	struct nlmsghdr *nlh;

	assert_int_equal(
	    nl_msg_start(at, 256, NFT_TYPE(NFT_MSG_NEWGEN), 0, sizeof(struct nfgenmsg), &nlh), 0);
	nlh->nlmsg_pid = PORT;
	if (id)
		assert_int_equal(nl_put(nlh, 256, NFTA_GEN_ID, id_len, id), 0);
	assert_int_equal(nl_put_u32(nlh, 256, NFTA_GEN_PROC_PID, htonl(77)), 0);
	assert_int_equal(nl_put_strz(nlh, 256, NFTA_GEN_PROC_NAME, "nft"), 0);
	return nlh;
}

static void test_parse_gen(void **state)
{
	uint32_t id = htonl(123456), got = 1;
	uint16_t short_id = 1;
	struct nlmsghdr *nlh;

	(void)state;
	assert_int_equal(nft_parse_gen(put_gen(buf, &id, sizeof(id)), &got), 1);
	assert_int_equal(got, 123456);
	got = 1;
	assert_int_equal(nft_parse_gen(put_gen(buf, NULL, 0), &got), -EBADMSG);
	assert_int_equal(nft_parse_gen(put_gen(buf, &short_id, sizeof(short_id)), &got), -EBADMSG);
	nlh = put_gen(buf, &id, sizeof(id));
	nlh->nlmsg_type = NFT_TYPE(NFT_MSG_NEWRULE);
	assert_int_equal(nft_parse_gen(nlh, &got), 0);
	nlh = put_gen(buf, &id, sizeof(id));
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2; /* shorter than its nfgenmsg */
	assert_int_equal(nft_parse_gen(nlh, &got), -EBADMSG);
	assert_int_equal(got, 1);
}

/* An ack as nfnetlink sends one for a batch message: capped, maybe with extack text. */
static size_t put_ack(uint8_t *at, uint32_t seq, int error, const char *text)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);
	struct nlmsgerr *me;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORT;
	me = mnl_nlmsg_put_extra_header(nlh, sizeof(*me));
	me->error = error;
	me->msg.nlmsg_len = 60;
	me->msg.nlmsg_type = NFT_TYPE(NFT_MSG_DELCHAIN);
	me->msg.nlmsg_seq = seq;
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	}
	return MNL_ALIGN(nlh->nlmsg_len);
}

static void test_batch_acks(void **state)
{
	struct nl_cmd cmds[3] = { { .seq = 21 }, { .seq = 22 }, { .seq = 23 } };
	struct nl_reply r = { .seq = 20, .portid = PORT, .cmds = cmds, .n_cmds = 3 };
	size_t len = 0, first;

	(void)state;
	memset(buf, 0, sizeof(buf));
	len += put_ack(buf + len, 7, -ENOENT, "stale"); /* an earlier request's leftover */
	len += put_ack(buf + len, 21, 0, NULL);
	len += put_ack(buf + len, 22, -EBUSY, "chain is in use");
	first = len;
	len += put_ack(buf + len, 22, -ENOENT, "again"); /* a second ack for one command */
	len += put_ack(buf + len, 23, 0, NULL);
	/* Two datagrams: the reply is not complete until every command is acked. */
	assert_int_equal(nl_reply_feed(&r, buf, first), 0);
	assert_int_equal(r.n_acked, 2);
	assert_int_equal(nl_reply_feed(&r, buf + first, len - first), 1);
	assert_int_equal(r.n_acked, 3);
	assert_true(cmds[0].acked && cmds[1].acked && cmds[2].acked);
	assert_int_equal(cmds[0].error, 0);
	assert_int_equal(cmds[1].error, -EBUSY);
	assert_int_equal(cmds[2].error, 0);
	/* The error is the first one, named by its command's sequence number, with its text. */
	assert_int_equal(r.error, -EBUSY);
	assert_int_equal(r.error_seq, 22);
	assert_true(r.from_kernel);
	assert_string_equal(r.extack, "chain is in use");

	/* Acks out of order, one of another port among them. */
	memset(cmds, 0, sizeof(cmds));
	cmds[0].seq = 21, cmds[1].seq = 22, cmds[2].seq = 23;
	r = (struct nl_reply){ .seq = 20, .portid = PORT, .cmds = cmds, .n_cmds = 3 };
	memset(buf, 0, sizeof(buf));
	len = put_ack(buf, 23, -ENOENT, NULL);
	((struct nlmsghdr *)buf)->nlmsg_pid = PORT + 1;
	len += put_ack(buf + len, 23, 0, NULL);
	len += put_ack(buf + len, 21, 0, NULL);
	len += put_ack(buf + len, 22, 0, NULL);
	assert_int_equal(nl_reply_feed(&r, buf, len), 1);
	assert_int_equal(r.error, 0);
	assert_int_equal(r.n_acked, 3);
	/* A malformed ack fails the datagram. */
	r = (struct nl_reply){ .seq = 20, .portid = PORT, .cmds = cmds, .n_cmds = 3 };
	memset(buf, 0, sizeof(buf));
	len = put_ack(buf, 21, 5, NULL);
	assert_int_equal(nl_reply_feed(&r, buf, len), -EBADMSG);
}

/* The generation moved on between listing and batch: the kernel refuses the batch on its begin
 * message and applies nothing; no command is acked. */
static void test_batch_refused(void **state)
{
	struct nl_cmd cmds[2] = { { .seq = 31 }, { .seq = 32 } };
	struct nl_reply r = { .seq = 30, .portid = PORT, .cmds = cmds, .n_cmds = 2 };
	size_t len;

	(void)state;
	memset(buf, 0, sizeof(buf));
	len = put_ack(buf, 30, -ERESTART, NULL);
	assert_int_equal(nl_reply_feed(&r, buf, len), 1);
	assert_int_equal(r.error, -ERESTART);
	assert_int_equal(r.error_seq, 30);
	assert_int_equal(r.n_acked, 0);
	assert_false(cmds[0].acked || cmds[1].acked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_does_not_fit), cmocka_unit_test(test_delete_does_not_fit),
		cmocka_unit_test(test_batch_roundtrip),	 cmocka_unit_test(test_parse_gen),
		cmocka_unit_test(test_batch_acks),	 cmocka_unit_test(test_batch_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
