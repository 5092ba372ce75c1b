// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Acks, errors with extended-ack text and the end of dumps, as the kernel sends them (with
 * NETLINK_CAP_ACK and without), and the reply state machine fed datagram by datagram:
 * stale messages skipped, DUMP_INTR noticed, callback errors kept, garbage refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netlink/rtnl.h"

#define PORT 4242

static _Alignas(struct nlmsghdr) uint8_t buf[4096];

/* An NLMSG_ERROR for a request of `req_payload` bytes; capped: the request is not echoed. */
static struct nlmsghdr *put_error(void *at, uint32_t seq, int error, bool capped,
				  size_t req_payload, const char *text)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);
	struct nlmsgerr *me;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORT;
	me = mnl_nlmsg_put_extra_header(nlh, sizeof(*me));
	me->error = error;
	me->msg.nlmsg_type = RTM_NEWLINK;
	me->msg.nlmsg_len = (uint32_t)(MNL_NLMSG_HDRLEN + req_payload);
	me->msg.nlmsg_seq = seq;
	if (capped) {
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	} else {
		/* the echoed request body */
		memset(mnl_nlmsg_put_extra_header(nlh, req_payload), 0xab, req_payload);
	}
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	}
	return nlh;
}

static struct nlmsghdr *put_done(void *at, uint32_t seq, int error, const char *text)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORT;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(int)), &error, sizeof(int));
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	}
	return nlh;
}

static struct nlmsghdr *put_link(void *at, uint32_t seq, int index, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_MULTI | flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORT;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = index;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "veth0");
	return nlh;
}

static void test_error_capped_extack(void **state)
{
	char msg[NL_EXTACK_MAX];
	int error = 0;

	memset(buf, 0, sizeof(buf));
	put_error(buf, 1, -EEXIST, true, 32, "Nexthop has invalid gateway");
	assert_int_equal(nl_parse_error((struct nlmsghdr *)buf, &error, msg, sizeof(msg)), 0);
	assert_int_equal(error, -EEXIST);
	assert_string_equal(msg, "Nexthop has invalid gateway");
}

static void test_error_uncapped_extack(void **state)
{
	char msg[NL_EXTACK_MAX];
	int error = 0;

	/* 37 bytes of echoed request: the TLVs start after its aligned end */
	memset(buf, 0, sizeof(buf));
	put_error(buf, 1, -EINVAL, false, 37, "Invalid prefix for given prefix length");
	assert_int_equal(nl_parse_error((struct nlmsghdr *)buf, &error, msg, sizeof(msg)), 0);
	assert_int_equal(error, -EINVAL);
	assert_string_equal(msg, "Invalid prefix for given prefix length");
	/* a short buffer cuts the text, never the parse */
	assert_int_equal(nl_parse_error((struct nlmsghdr *)buf, &error, msg, 8), 0);
	assert_string_equal(msg, "Invalid");
}

static void test_ack_and_done(void **state)
{
	char msg[NL_EXTACK_MAX] = "stale";
	int error = 1;

	memset(buf, 0, sizeof(buf));
	put_error(buf, 1, 0, true, 16, NULL);
	assert_int_equal(nl_parse_error((struct nlmsghdr *)buf, &error, msg, sizeof(msg)), 0);
	assert_int_equal(error, 0);
	assert_string_equal(msg, "");

	memset(buf, 0, sizeof(buf));
	put_done(buf, 1, 0, NULL);
	assert_int_equal(nl_parse_error((struct nlmsghdr *)buf, &error, NULL, 0), 0);
	assert_int_equal(error, 0);

	memset(buf, 0, sizeof(buf));
	put_done(buf, 1, -EMSGSIZE, "dump too big");
	assert_int_equal(nl_parse_error((struct nlmsghdr *)buf, &error, msg, sizeof(msg)), 0);
	assert_int_equal(error, -EMSGSIZE);
	assert_string_equal(msg, "dump too big");

	/* an old kernel's DONE without a payload */
	memset(buf, 0, sizeof(buf));
	mnl_nlmsg_put_header(buf)->nlmsg_type = NLMSG_DONE;
	assert_int_equal(nl_parse_error((struct nlmsghdr *)buf, &error, msg, sizeof(msg)), 0);
	assert_int_equal(error, 0);
}

static void test_error_malformed(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *a;
	int error = 12345;

	/* too short for struct nlmsgerr */
	memset(buf, 0, sizeof(buf));
	nlh = put_error(buf, 1, -EPERM, true, 0, NULL);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 8;
	assert_int_equal(nl_parse_error(nlh, &error, NULL, 0), -EBADMSG);
	/* positive and absurd error codes */
	memset(buf, 0, sizeof(buf));
	nlh = put_error(buf, 1, 5, true, 0, NULL);
	assert_int_equal(nl_parse_error(nlh, &error, NULL, 0), -EBADMSG);
	memset(buf, 0, sizeof(buf));
	nlh = put_error(buf, 1, -100000, true, 0, NULL);
	assert_int_equal(nl_parse_error(nlh, &error, NULL, 0), -EBADMSG);
	/* TLVs claimed after an echoed request longer than the message */
	memset(buf, 0, sizeof(buf));
	nlh = put_error(buf, 1, -EPERM, false, 8, "x");
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 0xfffffff0u;
	assert_int_equal(nl_parse_error(nlh, &error, NULL, 0), -EBADMSG);
	/* an echoed header shorter than a header */
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 3;
	assert_int_equal(nl_parse_error(nlh, &error, NULL, 0), -EBADMSG);
	/* the text without its NUL */
	memset(buf, 0, sizeof(buf));
	nlh = put_error(buf, 1, -EPERM, true, 0, NULL);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, 3, "abc");
	assert_int_equal(nl_parse_error(nlh, &error, NULL, 0), -EBADMSG);
	/* a TLV running past the end */
	memset(buf, 0, sizeof(buf));
	nlh = put_error(buf, 1, -EPERM, true, 0, NULL);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	a = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "abc");
	a->nla_len = 64;
	assert_int_equal(nl_parse_error(nlh, &error, NULL, 0), -EBADMSG);
	/* DONE with 2 bytes of payload, and not a control message at all */
	memset(buf, 0, sizeof(buf));
	nlh = put_done(buf, 1, 0, NULL);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
	assert_int_equal(nl_parse_error(nlh, &error, NULL, 0), -EBADMSG);
	nlh = put_link(buf, 1, 3, 0);
	assert_int_equal(nl_parse_error(nlh, &error, NULL, 0), -EBADMSG);
	assert_int_equal(error, 12345);
}

struct seen {
	int n;
	int last_index;
	int fail_at;
};

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct seen *s = data;
	struct nl_link l;
	int r;

	r = nl_parse_link(nlh, &l);
	if (r < 0)
		return r;
	s->n++;
	s->last_index = l.index;
	return s->n == s->fail_at ? -E2BIG : 0;
}

/* Appends messages one after another in buf; returns the total length. */
static size_t datagram(int kind, uint32_t seq)
{
	uint8_t *p = buf;

	memset(buf, 0, sizeof(buf));
	p += put_link(p, seq - 1, 100, 0)->nlmsg_len; /* stale: earlier request */
	p += put_link(p, seq, 1, 0)->nlmsg_len;
	p += put_link(p, seq, 2, kind == 1 ? NLM_F_DUMP_INTR : 0)->nlmsg_len;
	if (kind == 2)
		p += put_error(p, seq, -ENOBUFS, true, 16, "dump failed")->nlmsg_len;
	else
		p += put_done(p, seq, 0, NULL)->nlmsg_len;
	return (size_t)(p - buf);
}

static void test_feed_dump(void **state)
{
	struct seen s = { 0 };
	struct nl_reply r = { .seq = 9, .portid = PORT, .cb = count_cb, .data = &s };
	size_t len = datagram(0, 9);

	assert_int_equal(nl_reply_feed(&r, buf, len), 1);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.last_index, 2);
	assert_int_equal(r.error, 0);
	assert_false(r.intr);
}

static void test_feed_split(void **state)
{
	struct seen s = { 0 };
	struct nl_reply r = { .seq = 9, .portid = PORT, .cb = count_cb, .data = &s };
	size_t len = datagram(0, 9);
	size_t first = ((struct nlmsghdr *)buf)->nlmsg_len * 2; /* stale + one link */

	assert_int_equal(nl_reply_feed(&r, buf, first), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(nl_reply_feed(&r, buf + first, len - first), 1);
	assert_int_equal(s.n, 2);
}

static void test_feed_intr_error_cb(void **state)
{
	struct seen s = { 0 };
	struct nl_reply r = { .seq = 9, .portid = PORT, .cb = count_cb, .data = &s };
	size_t len;

	len = datagram(1, 9);
	assert_int_equal(nl_reply_feed(&r, buf, len), 1);
	assert_true(r.intr);

	memset(&r, 0, sizeof(r));
	r = (struct nl_reply){ .seq = 9, .portid = PORT, .cb = count_cb, .data = &s };
	s = (struct seen){ 0 };
	len = datagram(2, 9);
	assert_int_equal(nl_reply_feed(&r, buf, len), 1);
	assert_int_equal(r.error, -ENOBUFS);
	assert_true(r.from_kernel);
	assert_string_equal(r.extack, "dump failed");

	/* a callback error is kept, the rest still read to the end, callbacks stop */
	r = (struct nl_reply){ .seq = 9, .portid = PORT, .cb = count_cb, .data = &s };
	s = (struct seen){ .fail_at = 1 };
	len = datagram(0, 9);
	assert_int_equal(nl_reply_feed(&r, buf, len), 1);
	assert_int_equal(r.error, -E2BIG);
	assert_false(r.from_kernel);
	assert_int_equal(s.n, 1);

	/* another port's messages are not ours */
	r = (struct nl_reply){ .seq = 9, .portid = PORT + 1, .cb = count_cb, .data = &s };
	s = (struct seen){ 0 };
	assert_int_equal(nl_reply_feed(&r, buf, len), 0);
	assert_int_equal(s.n, 0);
}

static void test_feed_garbage(void **state)
{
	struct seen s = { 0 };
	struct nl_reply r = { .seq = 9, .portid = PORT, .cb = count_cb, .data = &s };
	size_t len = datagram(0, 9);
	size_t first = ((struct nlmsghdr *)buf)->nlmsg_len;

	/* a message cut in the middle of the datagram */
	assert_int_equal(nl_reply_feed(&r, buf, first + 20), -EBADMSG);
	/* a bad ack ends the reply as malformed */
	r = (struct nl_reply){ .seq = 9, .portid = PORT, .cb = count_cb, .data = &s };
	memset(buf, 0, sizeof(buf));
	len = put_error(buf, 9, 7, true, 16, NULL)->nlmsg_len;
	assert_int_equal(nl_reply_feed(&r, buf, len), -EBADMSG);
	/* fewer bytes than a header */
	assert_int_equal(nl_reply_feed(&r, buf, 7), -EBADMSG);
	assert_int_equal(nl_reply_feed(&r, buf, 0), 0);
}

static void test_feed_request(void **state)
{
	struct seen s = { 0 };
	struct nl_reply r = { .seq = 3, .portid = PORT, .cb = count_cb, .data = &s };
	uint8_t *p = buf;

	/* RTM_GETLINK: the link, then the ack */
	memset(buf, 0, sizeof(buf));
	p += put_link(p, 3, 5, 0)->nlmsg_len;
	p += put_error(p, 3, 0, true, 32, NULL)->nlmsg_len;
	assert_int_equal(nl_reply_feed(&r, buf, (size_t)(p - buf)), 1);
	assert_int_equal(r.error, 0);
	assert_int_equal(s.last_index, 5);

	/* an ack with extack warning text but no error is a success */
	r = (struct nl_reply){ .seq = 3, .portid = PORT };
	memset(buf, 0, sizeof(buf));
	p = buf + put_error(buf, 3, 0, true, 32, "just a warning")->nlmsg_len;
	assert_int_equal(nl_reply_feed(&r, buf, (size_t)(p - buf)), 1);
	assert_int_equal(r.error, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_capped_extack),
		cmocka_unit_test(test_error_uncapped_extack),
		cmocka_unit_test(test_ack_and_done),
		cmocka_unit_test(test_error_malformed),
		cmocka_unit_test(test_feed_dump),
		cmocka_unit_test(test_feed_split),
		cmocka_unit_test(test_feed_intr_error_cb),
		cmocka_unit_test(test_feed_garbage),
		cmocka_unit_test(test_feed_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
