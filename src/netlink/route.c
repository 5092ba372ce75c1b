// SPDX-License-Identifier: GPL-2.0-or-later
/* Routes: list every table, add, delete (RTM_*ROUTE). */
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netlink/rtnl.h"
#include "util/inet.h"

static const struct nl_policy route_policy[RTA_MAX + 1] = {
	[RTA_DST] = { MNL_TYPE_BINARY, 0 }, [RTA_GATEWAY] = { MNL_TYPE_BINARY, 0 },
	[RTA_OIF] = { MNL_TYPE_U32, 0 },    [RTA_PRIORITY] = { MNL_TYPE_U32, 0 },
	[RTA_TABLE] = { MNL_TYPE_U32, 0 },
};

static size_t route_alen(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

int nl_parse_route(const struct nlmsghdr *nlh, struct nl_route *ret)
{
	const struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm;
	struct nl_route out = { 0 };
	size_t alen;
	int r;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return -EBADMSG;
	r = nl_msg_attrs(nlh, sizeof(*rtm), route_policy, RTA_MAX, tb);
	if (r < 0)
		return r;
	rtm = mnl_nlmsg_get_payload(nlh);
	/* An AF_UNSPEC dump also brings multicast (RTNL_FAMILY_IPMR...) and MPLS routes. */
	alen = route_alen(rtm->rtm_family);
	if (alen == 0)
		return 0;
	if (rtm->rtm_dst_len > alen * 8)
		return -EBADMSG;
	out.family = rtm->rtm_family;
	out.dst_len = rtm->rtm_dst_len;
	if (tb[RTA_DST]) {
		if (mnl_attr_get_payload_len(tb[RTA_DST]) != alen)
			return -EBADMSG;
		memcpy(out.dst, mnl_attr_get_payload(tb[RTA_DST]), alen);
	}
	if (tb[RTA_GATEWAY]) {
		if (mnl_attr_get_payload_len(tb[RTA_GATEWAY]) != alen)
			return -EBADMSG;
		memcpy(out.gw, mnl_attr_get_payload(tb[RTA_GATEWAY]), alen);
		out.has_gw = true;
	}
	if (tb[RTA_OIF])
		out.oif = (int)mnl_attr_get_u32(tb[RTA_OIF]);
	if (tb[RTA_PRIORITY])
		out.priority = mnl_attr_get_u32(tb[RTA_PRIORITY]);
	/* rtm_table is 8 bits; RTA_TABLE carries the real id of tables above 255. */
	out.table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	out.protocol = rtm->rtm_protocol;
	out.scope = rtm->rtm_scope;
	out.type = rtm->rtm_type;
	*ret = out;
	return 1;
}

int nl_build_route(void *buf, size_t size, uint16_t type, uint16_t flags, const struct nl_route *r,
		   struct nlmsghdr **ret)
{
	size_t alen = route_alen(r->family);
	uint32_t table = r->table ? r->table : RT_TABLE_MAIN;
	bool add = type == RTM_NEWROUTE;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int q;

	if (alen == 0 || r->dst_len > alen * 8 || r->oif < 0)
		return -EINVAL;
	if (type != RTM_NEWROUTE && type != RTM_DELROUTE)
		return -EINVAL;
	q = nl_msg_start(buf, size, type, flags, sizeof(*rtm), &nlh);
	if (q < 0)
		return q;
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = (uint8_t)r->family;
	rtm->rtm_dst_len = r->dst_len;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	if (add) {
		rtm->rtm_protocol = r->protocol ? r->protocol : RTPROT_BOOT;
		rtm->rtm_type = r->type ? r->type : RTN_UNICAST;
		rtm->rtm_scope = r->scope;
	} else {
		/* On delete 0 means "any"; for the scope that is RT_SCOPE_NOWHERE. */
		rtm->rtm_protocol = r->protocol;
		rtm->rtm_type = r->type;
		rtm->rtm_scope = r->scope ? r->scope : RT_SCOPE_NOWHERE;
	}
	q = nl_put_u32(nlh, size, RTA_TABLE, table);
	if (q == 0 && r->dst_len > 0)
		q = nl_put(nlh, size, RTA_DST, alen, r->dst);
	if (q == 0 && r->has_gw)
		q = nl_put(nlh, size, RTA_GATEWAY, alen, r->gw);
	if (q == 0 && r->oif > 0)
		q = nl_put_u32(nlh, size, RTA_OIF, (uint32_t)r->oif);
	if (q == 0 && r->priority)
		q = nl_put_u32(nlh, size, RTA_PRIORITY, r->priority);
	if (q < 0)
		return q;
	*ret = nlh;
	return 0;
}

static int route_item(const struct nlmsghdr *nlh, void *item)
{
	return nl_parse_route(nlh, item);
}

int nl_route_list(struct nl_sock *s, int family, struct nl_route **ret, size_t *ret_n,
		  struct err *e)
{
	_Alignas(struct nlmsghdr) uint8_t buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	void *items;
	int r;

	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
		return err_set(e, -EAFNOSUPPORT, "address family %d not supported", family);
	r = nl_msg_start(buf, sizeof(buf), RTM_GETROUTE, 0, sizeof(*rtm), &nlh);
	if (r < 0)
		return err_set(e, r, "listing routes: request too large");
	/* rtm_table 0 and no RTA_TABLE: the kernel dumps every table. */
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = (uint8_t)family;
	r = nl_dump(s, nlh, sizeof(struct nl_route), route_item, &items, ret_n, e);
	if (r < 0)
		return err_prefix(e, r, "listing routes");
	*ret = items;
	return 0;
}

static int route_change(struct nl_sock *s, uint16_t type, uint16_t flags, const struct nl_route *r,
			struct err *e)
{
	_Alignas(struct nlmsghdr) uint8_t buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	char dst[IP_ADDR_STRLEN];
	int q;

	q = nl_build_route(buf, sizeof(buf), type, flags, r, &nlh);
	if (q < 0)
		return err_set(e, q, "invalid route (family %d, prefix length %u)", r->family,
			       r->dst_len);
	q = nl_request(s, nlh, NULL, NULL, e);
	if (q < 0) {
		ip_addr_fmt(r->family, r->dst, dst, sizeof(dst)); /* "" when it cannot */
		return err_prefix(e, q, "%s route %s/%u",
				  type == RTM_NEWROUTE ? "adding" : "deleting", dst, r->dst_len);
	}
	return 0;
}

int nl_route_add(struct nl_sock *s, const struct nl_route *r, struct err *e)
{
	return route_change(s, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, r, e);
}

int nl_route_del(struct nl_sock *s, const struct nl_route *r, struct err *e)
{
	return route_change(s, RTM_DELROUTE, 0, r, e);
}
