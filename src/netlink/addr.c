// SPDX-License-Identifier: GPL-2.0-or-later
/* Interface addresses: list (RTM_GETADDR dump). */
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netlink/rtnl.h"

static const struct nl_policy addr_policy[IFA_MAX + 1] = {
	[IFA_ADDRESS] = { MNL_TYPE_BINARY, 0 },
	[IFA_LOCAL] = { MNL_TYPE_BINARY, 0 },
};

/* 4 or 16 bytes by family, 0 for a family this room does not represent. */
static size_t addr_len_of(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

int nl_parse_addr(const struct nlmsghdr *nlh, struct nl_addr *ret)
{
	const struct nlattr *tb[IFA_MAX + 1], *a;
	const struct ifaddrmsg *ifa;
	struct nl_addr out = { 0 };
	size_t alen;
	int r;

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return -EBADMSG;
	r = nl_msg_attrs(nlh, sizeof(*ifa), addr_policy, IFA_MAX, tb);
	if (r < 0)
		return r;
	ifa = mnl_nlmsg_get_payload(nlh);
	alen = addr_len_of(ifa->ifa_family);
	if (alen == 0)
		return 0;
	/* On a point-to-point link IFA_ADDRESS is the peer; IFA_LOCAL is always ours. */
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) != alen || ifa->ifa_prefixlen > alen * 8)
		return -EBADMSG;
	out.family = ifa->ifa_family;
	out.ifindex = (int)ifa->ifa_index;
	memcpy(out.addr, mnl_attr_get_payload(a), alen);
	out.prefixlen = ifa->ifa_prefixlen;
	out.scope = ifa->ifa_scope;
	*ret = out;
	return 1;
}

static int addr_item(const struct nlmsghdr *nlh, void *item)
{
	return nl_parse_addr(nlh, item);
}

int nl_addr_list(struct nl_sock *s, int family, struct nl_addr **ret, size_t *ret_n, struct err *e)
{
	_Alignas(struct nlmsghdr) uint8_t buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	void *items;
	int r;

	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
		return err_set(e, -EAFNOSUPPORT, "address family %d not supported", family);
	r = nl_msg_start(buf, sizeof(buf), RTM_GETADDR, 0, sizeof(*ifa), &nlh);
	if (r < 0)
		return err_set(e, r, "listing addresses: request too large");
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = (uint8_t)family;
	r = nl_dump(s, nlh, sizeof(struct nl_addr), addr_item, &items, ret_n, e);
	if (r < 0)
		return err_prefix(e, r, "listing addresses");
	*ret = items;
	return 0;
}

int nl_addr_add(struct nl_sock *s, const struct nl_addr *a, struct err *e)
{
	_Alignas(struct nlmsghdr) uint8_t buf[NL_REQ_SIZE];
	size_t alen = addr_len_of(a->family);
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int r;

	if (alen == 0 || a->ifindex <= 0 || a->prefixlen > alen * 8)
		return err_set(e, -EINVAL, "invalid address to add");
	r = nl_msg_start(buf, sizeof(buf), RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa),
			 &nlh);
	if (r == 0) {
		ifa = mnl_nlmsg_get_payload(nlh);
		ifa->ifa_family = (uint8_t)a->family;
		ifa->ifa_prefixlen = a->prefixlen;
		ifa->ifa_scope = a->scope;
		ifa->ifa_index = (uint32_t)a->ifindex;
		r = nl_put(nlh, sizeof(buf), IFA_LOCAL, alen, a->addr);
	}
	if (r == 0)
		r = nl_put(nlh, sizeof(buf), IFA_ADDRESS, alen, a->addr);
	if (r < 0)
		return err_set(e, r, "adding address: request too large");
	r = nl_request(s, nlh, NULL, NULL, e);
	if (r < 0)
		return err_prefix(e, r, "adding address");
	return 0;
}
