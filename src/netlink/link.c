// SPDX-License-Identifier: GPL-2.0-or-later
/* Links: list, get, up/down, rename, delete (RTM_*LINK). */
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <sys/socket.h>

#include "netlink/rtnl.h"

static const struct nl_policy link_policy[IFLA_MAX + 1] = {
	[IFLA_ADDRESS] = { MNL_TYPE_BINARY, 0 },   [IFLA_IFNAME] = { MNL_TYPE_NUL_STRING, 0 },
	[IFLA_MTU] = { MNL_TYPE_U32, 0 },	   [IFLA_LINK] = { MNL_TYPE_U32, 0 },
	[IFLA_MASTER] = { MNL_TYPE_U32, 0 },	   [IFLA_LINKINFO] = { MNL_TYPE_NESTED, 0 },
	[IFLA_LINK_NETNSID] = { MNL_TYPE_U32, 0 },
};

static const struct nl_policy linkinfo_policy[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND] = { MNL_TYPE_NUL_STRING, 0 },
};

/* Copies a validated NUL-terminated string attribute; -EBADMSG when it does not fit. */
static int link_copy_str(const struct nlattr *a, char *dst, size_t size)
{
	const char *s = mnl_attr_get_str(a);
	size_t len = strnlen(s, mnl_attr_get_payload_len(a));

	if (len >= size)
		return -EBADMSG;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

int nl_parse_link(const struct nlmsghdr *nlh, struct nl_link *ret)
{
	const struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
	const struct ifinfomsg *ifi;
	struct nl_link l = { 0 };
	int r;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return -EBADMSG;
	r = nl_msg_attrs(nlh, sizeof(*ifi), link_policy, IFLA_MAX, tb);
	if (r < 0)
		return r;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (ifi->ifi_index <= 0 || !tb[IFLA_IFNAME])
		return -EBADMSG;
	l.index = ifi->ifi_index;
	l.flags = ifi->ifi_flags;
	r = link_copy_str(tb[IFLA_IFNAME], l.name, sizeof(l.name));
	if (r < 0)
		return r;
	if (tb[IFLA_MTU])
		l.mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_ADDRESS]) {
		l.mac_len = mnl_attr_get_payload_len(tb[IFLA_ADDRESS]);
		if (l.mac_len > sizeof(l.mac))
			return -EBADMSG;
		memcpy(l.mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), l.mac_len);
	}
	if (tb[IFLA_LINK])
		l.link_index = (int)mnl_attr_get_u32(tb[IFLA_LINK]);
	if (tb[IFLA_MASTER])
		l.master = (int)mnl_attr_get_u32(tb[IFLA_MASTER]);
	l.link_netnsid_set = tb[IFLA_LINK_NETNSID] != NULL;
	if (tb[IFLA_LINKINFO]) {
		r = nl_attr_table(mnl_attr_get_payload(tb[IFLA_LINKINFO]),
				  mnl_attr_get_payload_len(tb[IFLA_LINKINFO]), linkinfo_policy,
				  IFLA_INFO_MAX, info);
		if (r < 0)
			return r;
		if (info[IFLA_INFO_KIND]) {
			r = link_copy_str(info[IFLA_INFO_KIND], l.kind, sizeof(l.kind));
			if (r < 0)
				return r;
		}
	}
	*ret = l;
	return 1;
}

/* Every request here fits NL_REQ_SIZE: a header, an ifinfomsg, a name and a u32. */
#define LINK_REQ_SIZE NL_REQ_SIZE

/* A request for one link: header, ifinfomsg, and (when given) the name or the ext mask, checked
 * against the buffer. */
static int link_req(uint8_t *buf, uint16_t type, int index, const char *name, bool skip_stats,
		    struct nlmsghdr **ret)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int r;

	r = nl_msg_start(buf, LINK_REQ_SIZE, type, 0, sizeof(*ifi), &nlh);
	if (r < 0)
		return r;
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	/* Statistics are most of a link message and nobody here reads them. */
	if (skip_stats)
		r = nl_put_u32(nlh, LINK_REQ_SIZE, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (r == 0 && name)
		r = nl_put_strz(nlh, LINK_REQ_SIZE, IFLA_IFNAME, name);
	if (r < 0)
		return r;
	*ret = nlh;
	return 0;
}

static int link_item(const struct nlmsghdr *nlh, void *item)
{
	return nl_parse_link(nlh, item);
}

int nl_link_list(struct nl_sock *s, struct nl_link **ret, size_t *ret_n, struct err *e)
{
	_Alignas(struct nlmsghdr) uint8_t buf[LINK_REQ_SIZE];
	struct nlmsghdr *nlh;
	void *items;
	int r;

	r = link_req(buf, RTM_GETLINK, 0, NULL, true, &nlh);
	if (r < 0)
		return err_set(e, r, "listing links: request too large");
	r = nl_dump(s, nlh, sizeof(struct nl_link), link_item, &items, ret_n, e);
	if (r < 0)
		return err_prefix(e, r, "listing links");
	*ret = items;
	return 0;
}

struct link_get {
	struct nl_link link;
	bool found;
};

static int link_get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_get *g = data;
	int r;

	r = nl_parse_link(nlh, &g->link);
	if (r < 0)
		return r;
	g->found = r > 0;
	return 0;
}

static int link_get(struct nl_sock *s, struct nlmsghdr *nlh, struct nl_link *ret, struct err *e)
{
	struct link_get g = { .found = false };
	int r;

	r = nl_request(s, nlh, link_get_cb, &g, e);
	if (r < 0)
		return r;
	if (!g.found)
		return err_set(e, -EBADMSG, "the kernel sent no link");
	*ret = g.link;
	return 0;
}

static int link_name_ok(const char *name)
{
	return name && name[0] && strlen(name) < NL_IFNAMSIZ;
}

int nl_link_get_by_name(struct nl_sock *s, const char *name, struct nl_link *ret, struct err *e)
{
	_Alignas(struct nlmsghdr) uint8_t buf[LINK_REQ_SIZE];
	struct nlmsghdr *nlh;
	int r;

	if (!link_name_ok(name))
		return err_set(e, -EINVAL, "invalid link name \"%s\"", name ? name : "");
	r = link_req(buf, RTM_GETLINK, 0, name, true, &nlh);
	if (r == 0)
		r = link_get(s, nlh, ret, e);
	else
		err_set(e, r, "request too large");
	if (r < 0)
		return err_prefix(e, r, "link %s", name);
	return 0;
}

int nl_link_get_by_index(struct nl_sock *s, int index, struct nl_link *ret, struct err *e)
{
	_Alignas(struct nlmsghdr) uint8_t buf[LINK_REQ_SIZE];
	struct nlmsghdr *nlh;
	int r;

	if (index <= 0)
		return err_set(e, -EINVAL, "invalid link index %d", index);
	r = link_req(buf, RTM_GETLINK, index, NULL, true, &nlh);
	if (r == 0)
		r = link_get(s, nlh, ret, e);
	else
		err_set(e, r, "request too large");
	if (r < 0)
		return err_prefix(e, r, "link %d", index);
	return 0;
}

int nl_link_set_up(struct nl_sock *s, int index, bool up, struct err *e)
{
	_Alignas(struct nlmsghdr) uint8_t buf[LINK_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int r;

	if (index <= 0)
		return err_set(e, -EINVAL, "invalid link index %d", index);
	r = link_req(buf, RTM_NEWLINK, index, NULL, false, &nlh);
	if (r == 0) {
		ifi = mnl_nlmsg_get_payload(nlh);
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = up ? IFF_UP : 0;
		r = nl_request(s, nlh, NULL, NULL, e);
	} else {
		err_set(e, r, "request too large");
	}
	if (r < 0)
		return err_prefix(e, r, "setting link %d %s", index, up ? "up" : "down");
	return 0;
}

int nl_link_rename(struct nl_sock *s, int index, const char *new_name, struct err *e)
{
	_Alignas(struct nlmsghdr) uint8_t buf[LINK_REQ_SIZE];
	struct nlmsghdr *nlh;
	int r;

	if (index <= 0)
		return err_set(e, -EINVAL, "invalid link index %d", index);
	if (!link_name_ok(new_name))
		return err_set(e, -EINVAL, "invalid link name \"%s\"", new_name ? new_name : "");
	/* Up/down is the caller's: most kinds refuse a rename while up (-EBUSY). */
	r = link_req(buf, RTM_NEWLINK, index, new_name, false, &nlh);
	if (r == 0)
		r = nl_request(s, nlh, NULL, NULL, e);
	else
		err_set(e, r, "request too large");
	if (r < 0)
		return err_prefix(e, r, "renaming link %d to %s", index, new_name);
	return 0;
}

int nl_link_delete(struct nl_sock *s, int index, struct err *e)
{
	_Alignas(struct nlmsghdr) uint8_t buf[LINK_REQ_SIZE];
	struct nlmsghdr *nlh;
	int r;

	if (index <= 0)
		return err_set(e, -EINVAL, "invalid link index %d", index);
	r = link_req(buf, RTM_DELLINK, index, NULL, false, &nlh);
	if (r == 0)
		r = nl_request(s, nlh, NULL, NULL, e);
	else
		err_set(e, r, "request too large");
	if (r < 0)
		return err_prefix(e, r, "deleting link %d", index);
	return 0;
}
