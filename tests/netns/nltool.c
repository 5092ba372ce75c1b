// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test driver for tests/netns/t_netlink_ops.sh: one netns/ or netlink/ call per run, the
 * result printed in a line the script compares with what `ip` says. Errors print
 * "err=-ERRNO msg=..." on stdout and exit 1.
 *
 *   nltool open SPEC | same SPEC SPEC
 *   nltool [-n SPEC] link-list | link-get NAME | link-get-index N | link-up NAME
 *          | link-down NAME | link-rename NAME NEW | link-del NAME
 *          | addr-list [4|6] | route-list [4|6]
 *          | route-add|route-del DST/LEN [via GW] [dev NAME] [table N] [metric N]
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <sys/socket.h>

#include "netlink/nl.h"
#include "util/inet.h"
#include "netns/netns.h"

static int fail(int r, const struct err *e)
{
	printf("err=%d msg=%s\n", r, e->msg);
	return 1;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int family_arg(int argc, char **argv)
{
	if (argc < 1)
		return AF_UNSPEC;
	return streq(argv[0], "4") ? AF_INET : streq(argv[0], "6") ? AF_INET6 : -1;
}

static void print_link(const struct nl_link *l)
{
	char mac[3 * NL_MAX_HWADDR + 1] = "-";
	size_t i;

	for (i = 0; i < l->mac_len; i++)
		snprintf(mac + 3 * i, sizeof(mac) - 3 * i, "%02x%s", l->mac[i],
			 i + 1 < l->mac_len ? ":" : "");
	printf("index=%d name=%s flags=0x%x mtu=%u mac=%s kind=%s link=%d master=%d netnsid=%d\n",
	       l->index, l->name, l->flags, l->mtu, mac, l->kind[0] ? l->kind : "-", l->link_index,
	       l->master, l->link_netnsid_set);
}

static int cmd_link(struct nl_sock *s, const char *cmd, int argc, char **argv, struct err *e)
{
	_cleanup_free_ struct nl_link *links = NULL;
	struct nl_link l;
	unsigned long idx;
	size_t n, i;
	int r;

	if (streq(cmd, "link-list")) {
		r = nl_link_list(s, &links, &n, e);
		for (i = 0; r == 0 && i < n; i++)
			print_link(&links[i]);
		return r;
	}
	if (argc < 1)
		return err_set(e, -EINVAL, "%s: missing argument", cmd);
	if (streq(cmd, "link-get-index")) {
		if (parse_uint(argv[0], INT_MAX, &idx) < 0)
			return err_set(e, -EINVAL, "bad index");
		r = nl_link_get_by_index(s, (int)idx, &l, e);
		if (r == 0)
			print_link(&l);
		return r;
	}
	r = nl_link_get_by_name(s, argv[0], &l, e);
	if (r < 0)
		return r;
	if (streq(cmd, "link-get"))
		print_link(&l);
	else if (streq(cmd, "link-up") || streq(cmd, "link-down"))
		r = nl_link_set_up(s, l.index, streq(cmd, "link-up"), e);
	else if (streq(cmd, "link-rename") && argc >= 2)
		r = nl_link_rename(s, l.index, argv[1], e);
	else if (streq(cmd, "link-del"))
		r = nl_link_delete(s, l.index, e);
	else
		r = err_set(e, -EINVAL, "unknown command %s", cmd);
	return r;
}

static int cmd_addr_list(struct nl_sock *s, int argc, char **argv, struct err *e)
{
	_cleanup_free_ struct nl_addr *addrs = NULL;
	int family = family_arg(argc, argv);
	char text[64];
	size_t n, i;
	int r;

	if (family < 0)
		return err_set(e, -EINVAL, "family is 4 or 6");
	r = nl_addr_list(s, family, &addrs, &n, e);
	for (i = 0; r == 0 && i < n; i++)
		printf("ifindex=%d addr=%s/%u scope=%u\n", addrs[i].ifindex,
		       ip_addr_fmt(addrs[i].family, addrs[i].addr, text, sizeof(text)),
		       addrs[i].prefixlen, addrs[i].scope);
	return r;
}

static int cmd_route_list(struct nl_sock *s, int argc, char **argv, struct err *e)
{
	_cleanup_free_ struct nl_route *routes = NULL;
	int family = family_arg(argc, argv);
	char dst[64], gw[64];
	size_t n, i;
	int r;

	if (family < 0)
		return err_set(e, -EINVAL, "family is 4 or 6");
	r = nl_route_list(s, family, &routes, &n, e);
	for (i = 0; r == 0 && i < n; i++) {
		const struct nl_route *rt = &routes[i];

		printf("dst=%s/%u gw=%s oif=%d table=%u metric=%u proto=%u scope=%u type=%u\n",
		       ip_addr_fmt(rt->family, rt->dst, dst, sizeof(dst)), rt->dst_len,
		       rt->has_gw ? ip_addr_fmt(rt->family, rt->gw, gw, sizeof(gw)) : "-", rt->oif,
		       rt->table, rt->priority, rt->protocol, rt->scope, rt->type);
	}
	return r;
}

static int cmd_route_change(struct nl_sock *s, const char *cmd, int argc, char **argv,
			    struct err *e)
{
	struct nl_route rt = { 0 };
	unsigned long v;
	int i, family;

	if (argc < 1 || ip_cidr_parse(argv[0], &rt.family, rt.dst, &rt.dst_len) < 0)
		return err_set(e, -EINVAL, "%s: bad destination", cmd);
	for (i = 1; i + 1 < argc; i += 2) {
		const char *key = argv[i], *val = argv[i + 1];

		if (streq(key, "via")) {
			if (ip_addr_parse(val, &family, rt.gw) < 0 || family != rt.family)
				return err_set(e, -EINVAL, "bad gateway %s", val);
			rt.has_gw = true;
		} else if (streq(key, "dev")) {
			struct nl_link l;
			int r = nl_link_get_by_name(s, val, &l, e);

			if (r < 0)
				return r;
			rt.oif = l.index;
		} else if (streq(key, "table") && parse_uint(val, UINT32_MAX, &v) == 0) {
			rt.table = (uint32_t)v;
		} else if (streq(key, "metric") && parse_uint(val, UINT32_MAX, &v) == 0) {
			rt.priority = (uint32_t)v;
		} else {
			return err_set(e, -EINVAL, "bad option %s %s", key, val);
		}
	}
	if (streq(cmd, "route-add"))
		return nl_route_add(s, &rt, e);
	return nl_route_del(s, &rt, e);
}

static int cmd_ns(const char *cmd, int argc, char **argv, struct err *e)
{
	_cleanup_close_ int a = -1;
	_cleanup_close_ int b = -1;
	int r;

	if (argc < 1)
		return err_set(e, -EINVAL, "%s: missing namespace", cmd);
	r = netns_open(argv[0], &a, e);
	if (r < 0)
		return r;
	if (streq(cmd, "open")) {
		printf("ok\n");
		return 0;
	}
	if (argc < 2)
		return err_set(e, -EINVAL, "same: two namespaces");
	r = netns_open(argv[1], &b, e);
	if (r < 0)
		return r;
	r = netns_same(a, b);
	if (r < 0)
		return err_set(e, r, "comparing");
	printf("%d\n", r);
	return 0;
}

/* Opens the socket in spec (or here) and checks that we came back. */
static int open_sock(const char *spec, struct nl_sock **ret, struct err *e)
{
	_cleanup_close_ int target = -1;
	_cleanup_close_ int before = -1;
	_cleanup_close_ int after = -1;
	int r;

	if (!spec)
		return nl_open(ret, e);
	r = netns_open(spec, &target, e);
	if (r < 0)
		return r;
	r = netns_open_current(&before, e);
	if (r < 0)
		return r;
	r = nl_open_in(target, ret, e);
	if (r < 0)
		return r;
	r = netns_open_current(&after, e);
	if (r < 0)
		return r;
	if (netns_same(before, after) != 1)
		return err_set(e, -EIO, "nl_open_in did not return to the original netns");
	return 0;
}

int main(int argc, char **argv)
{
	_cleanup_nl_ struct nl_sock *s = NULL;
	struct err e = { 0 };
	const char *spec = NULL, *cmd;
	int r;

	if (argc >= 3 && streq(argv[1], "-n")) {
		spec = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: nltool [-n NETNS] COMMAND [ARGS]\n");
		return 2;
	}
	cmd = argv[1];
	argc -= 2;
	argv += 2;
	if (streq(cmd, "open") || streq(cmd, "same"))
		r = cmd_ns(cmd, argc, argv, &e);
	else if ((r = open_sock(spec, &s, &e)) < 0)
		;
	else if (strncmp(cmd, "link-", 5) == 0)
		r = cmd_link(s, cmd, argc, argv, &e);
	else if (streq(cmd, "addr-list"))
		r = cmd_addr_list(s, argc, argv, &e);
	else if (streq(cmd, "route-list"))
		r = cmd_route_list(s, argc, argv, &e);
	else if (streq(cmd, "route-add") || streq(cmd, "route-del"))
		r = cmd_route_change(s, cmd, argc, argv, &e);
	else
		r = err_set(&e, -EINVAL, "unknown command %s", cmd);
	return r < 0 ? fail(r, &e) : 0;
}
