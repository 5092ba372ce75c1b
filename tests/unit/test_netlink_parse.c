// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtnetlink messages built with libmnl as the kernel would send them, parsed back and
 * compared field by field; then cut short, bent and padded with garbage, which must be
 * refused cleanly (run under ASan: every cut message lives in a buffer of exactly its size).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netlink/rtnl.h"

#define BUF 1024

static _Alignas(struct nlmsghdr) uint8_t buf[BUF];

static struct nlmsghdr *put_link(const struct nl_link *l)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *nest;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = l->index;
	ifi->ifi_flags = l->flags;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, l->name);
	mnl_attr_put_u32(nlh, IFLA_MTU, l->mtu);
	mnl_attr_put(nlh, IFLA_ADDRESS, l->mac_len, l->mac);
	mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)l->link_index);
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)l->master);
	nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, l->kind);
	mnl_attr_nest_end(nlh, nest);
	if (l->link_netnsid_set)
		mnl_attr_put_u32(nlh, IFLA_LINK_NETNSID, 3);
	return nlh;
}

static const struct nl_link veth = {
	.index = 7,
	.name = "eth0",
	.flags = IFF_UP | IFF_BROADCAST | IFF_MULTICAST,
	.mtu = 1450,
	.mac = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 },
	.mac_len = 6,
	.link_index = 12,
	.master = 3,
	.kind = "veth",
	.link_netnsid_set = true,
};

static void assert_link_eq(const struct nl_link *a, const struct nl_link *b)
{
	assert_int_equal(a->index, b->index);
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->mtu, b->mtu);
	assert_int_equal(a->mac_len, b->mac_len);
	assert_memory_equal(a->mac, b->mac, a->mac_len);
	assert_int_equal(a->link_index, b->link_index);
	assert_int_equal(a->master, b->master);
	assert_string_equal(a->kind, b->kind);
	assert_int_equal(a->link_netnsid_set, b->link_netnsid_set);
}

static void test_link_roundtrip(void **state)
{
	struct nl_link got;
	struct nl_link l = veth;

	assert_int_equal(nl_parse_link(put_link(&l), &got), 1);
	assert_link_eq(&got, &l);

	l.link_netnsid_set = false;
	strcpy(l.kind, "bridge");
	strcpy(l.name, "fifteen-chars-x");
	assert_int_equal(nl_parse_link(put_link(&l), &got), 1);
	assert_link_eq(&got, &l);
}

static void test_link_minimal_and_unknown(void **state)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nl_link got;
	uint8_t junk[40] = { 1, 2, 3 };

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 1;
	/* Unknown to us (beyond IFLA_MAX, or known but not in the policy): skipped. */
	mnl_attr_put(nlh, IFLA_MAX + 7, sizeof(junk), junk);
	mnl_attr_put(nlh, IFLA_STATS, sizeof(junk), junk);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "lo");
	assert_int_equal(nl_parse_link(nlh, &got), 1);
	assert_int_equal(got.index, 1);
	assert_string_equal(got.name, "lo");
	assert_int_equal(got.mac_len, 0);
	assert_string_equal(got.kind, "");
	assert_int_equal(got.link_index, 0);
	assert_int_equal(got.link_netnsid_set, false);
}

/* Every prefix of the message, in a heap buffer of exactly that size. */
static void check_cuts(const struct nlmsghdr *full, size_t fixed,
		       int (*parse)(const struct nlmsghdr *, void *), void *out)
{
	size_t len = full->nlmsg_len, k;

	for (k = MNL_NLMSG_HDRLEN; k < len; k++) {
		struct nlmsghdr *cut = malloc(k);
		int r;

		assert_non_null(cut);
		memcpy(cut, full, k);
		cut->nlmsg_len = (uint32_t)k;
		r = parse(cut, out);
		if (k < MNL_NLMSG_HDRLEN + fixed)
			assert_int_equal(r, -EBADMSG);
		else
			assert_true(r == -EBADMSG || r == 1 || r == 0);
		free(cut);
	}
}

static int parse_link_v(const struct nlmsghdr *nlh, void *out)
{
	return nl_parse_link(nlh, out);
}
static int parse_addr_v(const struct nlmsghdr *nlh, void *out)
{
	return nl_parse_addr(nlh, out);
}
static int parse_route_v(const struct nlmsghdr *nlh, void *out)
{
	return nl_parse_route(nlh, out);
}

static void test_link_truncated(void **state)
{
	struct nl_link got;

	check_cuts(put_link(&veth), sizeof(struct ifinfomsg), parse_link_v, &got);
}

static void test_link_bad(void **state)
{
	struct nl_link got = { .index = 99 };
	struct nlmsghdr *nlh;
	struct nlattr *a;
	uint8_t big[40] = { 0 };

	/* wrong message type */
	nlh = put_link(&veth);
	nlh->nlmsg_type = RTM_NEWADDR;
	assert_int_equal(nl_parse_link(nlh, &got), -EBADMSG);
	/* IFLA_MTU of 2 bytes */
	nlh = put_link(&veth);
	mnl_attr_put_u16(nlh, IFLA_MTU, 1500);
	assert_int_equal(nl_parse_link(nlh, &got), -EBADMSG);
	/* IFLA_IFNAME without its NUL */
	nlh = put_link(&veth);
	mnl_attr_put(nlh, IFLA_IFNAME, 4, "eth1");
	assert_int_equal(nl_parse_link(nlh, &got), -EBADMSG);
	/* a name longer than IFNAMSIZ */
	nlh = put_link(&veth);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "a-name-far-too-long-for-a-link");
	assert_int_equal(nl_parse_link(nlh, &got), -EBADMSG);
	/* a hardware address larger than the struct holds */
	nlh = put_link(&veth);
	mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(big), big);
	assert_int_equal(nl_parse_link(nlh, &got), -EBADMSG);
	/* an attribute claiming more than the message has */
	nlh = put_link(&veth);
	a = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1);
	a->nla_len = 200;
	assert_int_equal(nl_parse_link(nlh, &got), -EBADMSG);
	/* an attribute shorter than its own header */
	nlh = put_link(&veth);
	a = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1);
	a->nla_len = 2;
	assert_int_equal(nl_parse_link(nlh, &got), -EBADMSG);
	/* trailing bytes that are no attribute */
	nlh = put_link(&veth);
	nlh->nlmsg_len += 2;
	assert_int_equal(nl_parse_link(nlh, &got), -EBADMSG);
	/* a bad attribute inside IFLA_LINKINFO */
	nlh = put_link(&veth);
	a = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put(nlh, IFLA_INFO_KIND, 3, "abc");
	mnl_attr_nest_end(nlh, a);
	assert_int_equal(nl_parse_link(nlh, &got), -EBADMSG);
	/* no name at all, and a zero index */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	((struct ifinfomsg *)mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg)))->ifi_index =
	    4;
	assert_int_equal(nl_parse_link(nlh, &got), -EBADMSG);
	nlh = put_link(&veth);
	((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index = 0;
	assert_int_equal(nl_parse_link(nlh, &got), -EBADMSG);
	/* nothing written on failure */
	assert_int_equal(got.index, 99);
}

static struct nlmsghdr *put_addr(int family, uint8_t prefixlen, const void *local,
				 const void *address, size_t alen)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = prefixlen;
	ifa->ifa_scope = RT_SCOPE_LINK;
	ifa->ifa_index = 5;
	if (address)
		mnl_attr_put(nlh, IFA_ADDRESS, alen, address);
	if (local)
		mnl_attr_put(nlh, IFA_LOCAL, alen, local);
	mnl_attr_put_strz(nlh, IFA_LABEL, "eth0");
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_PERMANENT);
	return nlh;
}

static void test_addr_roundtrip(void **state)
{
	const uint8_t local[4] = { 10, 1, 2, 3 }, peer[4] = { 10, 1, 2, 9 };
	const uint8_t v6[16] = { 0xfd, 0, [15] = 1 };
	struct nl_addr got;

	/* point-to-point: IFA_LOCAL is ours, IFA_ADDRESS the peer */
	assert_int_equal(nl_parse_addr(put_addr(AF_INET, 24, local, peer, 4), &got), 1);
	assert_int_equal(got.family, AF_INET);
	assert_int_equal(got.ifindex, 5);
	assert_memory_equal(got.addr, local, 4);
	assert_int_equal(got.prefixlen, 24);
	assert_int_equal(got.scope, RT_SCOPE_LINK);

	assert_int_equal(nl_parse_addr(put_addr(AF_INET6, 64, NULL, v6, 16), &got), 1);
	assert_int_equal(got.family, AF_INET6);
	assert_memory_equal(got.addr, v6, 16);
	assert_int_equal(got.prefixlen, 64);

	check_cuts(put_addr(AF_INET6, 64, NULL, v6, 16), sizeof(struct ifaddrmsg), parse_addr_v,
		   &got);
}

static void test_addr_bad(void **state)
{
	const uint8_t v6[16] = { 0xfd, 0, [15] = 1 };
	struct nl_addr got = { .ifindex = 42 };

	assert_int_equal(nl_parse_addr(put_addr(AF_INET, 24, v6, NULL, 16), &got), -EBADMSG);
	assert_int_equal(nl_parse_addr(put_addr(AF_INET6, 64, NULL, v6, 4), &got), -EBADMSG);
	assert_int_equal(nl_parse_addr(put_addr(AF_INET, 33, v6, NULL, 4), &got), -EBADMSG);
	assert_int_equal(nl_parse_addr(put_addr(AF_INET6, 129, NULL, v6, 16), &got), -EBADMSG);
	assert_int_equal(nl_parse_addr(put_addr(AF_INET6, 64, NULL, NULL, 16), &got), -EBADMSG);
	/* not an inet family: skipped, not an error */
	assert_int_equal(nl_parse_addr(put_addr(AF_PACKET, 0, NULL, v6, 6), &got), 0);
	assert_int_equal(got.ifindex, 42);
}

static void assert_route_eq(const struct nl_route *a, const struct nl_route *b)
{
	assert_int_equal(a->family, b->family);
	assert_memory_equal(a->dst, b->dst, 16);
	assert_int_equal(a->dst_len, b->dst_len);
	assert_memory_equal(a->gw, b->gw, 16);
	assert_int_equal(a->has_gw, b->has_gw);
	assert_int_equal(a->oif, b->oif);
	assert_int_equal(a->table, b->table);
	assert_int_equal(a->priority, b->priority);
	assert_int_equal(a->protocol, b->protocol);
	assert_int_equal(a->scope, b->scope);
	assert_int_equal(a->type, b->type);
}

static void test_route_roundtrip(void **state)
{
	struct nl_route r = {
		.family = AF_INET6,
		.dst = { 0xfd, 0x00, 0x12, 0x34 },
		.dst_len = 48,
		.gw = { 0xfe, 0x80, [15] = 1 },
		.has_gw = true,
		.oif = 9,
		.table = 1000,
		.priority = 256,
		.protocol = RTPROT_STATIC,
		.scope = RT_SCOPE_UNIVERSE,
		.type = RTN_UNICAST,
	};
	struct nl_route got;
	struct nlmsghdr *nlh;

	assert_int_equal(nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, 0, &r, &nlh), 0);
	assert_int_equal(((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_table, RT_TABLE_UNSPEC);
	assert_int_equal(nl_parse_route(nlh, &got), 1);
	assert_route_eq(&got, &r);
	check_cuts(nlh, sizeof(struct rtmsg), parse_route_v, &got);

	r = (struct nl_route){ .family = AF_INET,
			       .dst = { 192, 168, 7, 0 },
			       .dst_len = 24,
			       .oif = 2,
			       .table = 100,
			       .priority = 5,
			       .protocol = RTPROT_KERNEL,
			       .scope = RT_SCOPE_LINK,
			       .type = RTN_UNICAST };
	assert_int_equal(nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, 0, &r, &nlh), 0);
	assert_int_equal(nl_parse_route(nlh, &got), 1);
	assert_route_eq(&got, &r);
}

static void test_route_defaults(void **state)
{
	/* A default route via a gateway, everything else left 0. */
	const struct nl_route r = { .family = AF_INET, .gw = { 10, 9, 0, 1 }, .has_gw = true };
	struct nl_route got;
	struct nlmsghdr *nlh;

	assert_int_equal(
	    nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &r, &nlh), 0);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(nl_parse_route(nlh, &got), 1);
	assert_int_equal(got.dst_len, 0);
	assert_true(got.has_gw);
	assert_memory_equal(got.gw, r.gw, 4);
	assert_int_equal(got.table, RT_TABLE_MAIN);
	assert_int_equal(got.protocol, RTPROT_BOOT);
	assert_int_equal(got.type, RTN_UNICAST);
	assert_int_equal(got.scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(got.priority, 0);
	assert_int_equal(got.oif, 0);

	/* Delete: 0 matches any protocol, type and scope. */
	assert_int_equal(nl_build_route(buf, sizeof(buf), RTM_DELROUTE, 0, &r, &nlh), 0);
	nlh->nlmsg_type = RTM_NEWROUTE; /* to read it back */
	assert_int_equal(nl_parse_route(nlh, &got), 1);
	assert_int_equal(got.protocol, 0);
	assert_int_equal(got.type, 0);
	assert_int_equal(got.scope, RT_SCOPE_NOWHERE);
	assert_int_equal(got.table, RT_TABLE_MAIN);
}

static void test_route_build_bad(void **state)
{
	struct nl_route r = { .family = AF_INET, .dst_len = 33 };
	struct nlmsghdr *nlh = NULL;
	_Alignas(struct nlmsghdr) uint8_t small[40];

	assert_int_equal(nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, 0, &r, &nlh), -EINVAL);
	r.family = AF_INET6;
	r.dst_len = 129;
	assert_int_equal(nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, 0, &r, &nlh), -EINVAL);
	r.family = AF_PACKET;
	r.dst_len = 0;
	assert_int_equal(nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, 0, &r, &nlh), -EINVAL);
	r.family = AF_INET;
	assert_int_equal(nl_build_route(buf, sizeof(buf), RTM_GETROUTE, 0, &r, &nlh), -EINVAL);
	r.oif = -1;
	assert_int_equal(nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, 0, &r, &nlh), -EINVAL);
	r.oif = 0;
	assert_int_equal(nl_build_route(small, 20, RTM_NEWROUTE, 0, &r, &nlh), -EMSGSIZE);
	/* the fixed part fits, the attributes do not */
	r.dst_len = 8;
	r.has_gw = true;
	assert_int_equal(nl_build_route(small, sizeof(small), RTM_NEWROUTE, 0, &r, &nlh),
			 -EMSGSIZE);
	assert_null(nlh);
}

static void test_route_parse_bad(void **state)
{
	struct nl_route r = { .family = AF_INET, .dst = { 10 }, .dst_len = 8 };
	struct nl_route got = { .oif = 77 };
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	uint8_t v6[16] = { 0 };

	assert_int_equal(nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, 0, &r, &nlh), 0);
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_dst_len = 40;
	assert_int_equal(nl_parse_route(nlh, &got), -EBADMSG);
	rtm->rtm_dst_len = 8;
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof(v6), v6); /* v6 gateway on a v4 route */
	assert_int_equal(nl_parse_route(nlh, &got), -EBADMSG);

	assert_int_equal(nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, 0, &r, &nlh), 0);
	mnl_attr_put_u16(nlh, RTA_OIF, 3);
	assert_int_equal(nl_parse_route(nlh, &got), -EBADMSG);

	/* multicast routes of an AF_UNSPEC dump are skipped */
	assert_int_equal(nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, 0, &r, &nlh), 0);
	((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_family = RTNL_FAMILY_IPMR;
	assert_int_equal(nl_parse_route(nlh, &got), 0);
	nlh->nlmsg_type = RTM_DELROUTE;
	assert_int_equal(nl_parse_route(nlh, &got), -EBADMSG);
	assert_int_equal(got.oif, 77);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_roundtrip),
		cmocka_unit_test(test_link_minimal_and_unknown),
		cmocka_unit_test(test_link_truncated),
		cmocka_unit_test(test_link_bad),
		cmocka_unit_test(test_addr_roundtrip),
		cmocka_unit_test(test_addr_bad),
		cmocka_unit_test(test_route_roundtrip),
		cmocka_unit_test(test_route_defaults),
		cmocka_unit_test(test_route_build_bad),
		cmocka_unit_test(test_route_parse_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
