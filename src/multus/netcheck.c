// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdio.h>
#include <linux/rtnetlink.h>

#include "cni/cni.h"
#include "cni/result.h"
#include "multus/netcheck.h"
#include "util/inet.h"

void link_snap_done(struct link_snap *s)
{
	free(s->links);
	s->links = NULL;
	s->n = 0;
}

static const struct nl_link *snap_find_index(const struct link_snap *s, int index)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->links[i].index == index)
			return &s->links[i];
	return NULL;
}

int link_snap_take(struct nl_sock *nl, struct link_snap *ret, struct err *e)
{
	struct link_snap s = { 0 };
	int r;

	r = nl_link_list(nl, &s.links, &s.n, e);
	if (r < 0) {
		e->code = CNI_ERR_NETNS;
		return err_prefix(e, r, "cannot list the links of the pod netns");
	}
	link_snap_done(ret);
	*ret = s;
	return 0;
}

int netcheck_before(const struct attachment *a, const struct link_snap *snap, struct err *e)
{
	for (size_t i = 0; i < snap->n; i++)
		if (streq(snap->links[i].name, a->ifname))
			return err_setc(
			    e, CNI_ERR_INTERFACE, -EEXIST,
			    "network \"%s\": interface \"%s\" already exists in the pod netns",
			    a->network, a->ifname);
	return 0;
}

static int rename_link(struct nl_sock *nl, const struct nl_link *l, const char *to, struct err *e)
{
	int r;

	r = nl_link_set_up(nl, l->index, false, e);
	if (r == 0)
		r = nl_link_rename(nl, l->index, to, e);
	if (r == 0 && (l->flags & IFF_UP))
		r = nl_link_set_up(nl, l->index, true, e);
	return r;
}

/* Taking a link down drops its IPv6 addresses: put back what the result says it has. */
static void restore_addrs(struct nl_sock *nl, const struct attachment *a, int ifindex, int idx)
{
	json_t *ip;
	size_t i;

	json_array_foreach (json_object_get(a->result, "ips"), i, ip) {
		json_t *ii = json_object_get(ip, "interface");
		const char *cidr = json_string_value(json_object_get(ip, "address"));
		struct nl_addr ad = { .ifindex = ifindex };

		if (!cidr || (ii && json_integer_value(ii) != idx) ||
		    ip_cidr_parse(cidr, &ad.family, ad.addr, &ad.prefixlen) < 0 ||
		    ad.family != AF_INET6)
			continue;
		nl_addr_add(nl, &ad, NULL); /* -EEXIST: it survived */
	}
}

int netcheck_after(struct nl_sock *nl, struct attachment *a, const char *netns,
		   struct link_snap *snap, bool delegate_ok, struct err *e)
{
	const struct link_snap *before = snap;
	struct link_snap now = { 0 };
	const struct nl_link *planned = NULL, *claimed = NULL;
	const char *said = NULL;
	int idx, r;

	r = nl_link_list(nl, &now.links, &now.n, e);
	if (r < 0) {
		e->code = CNI_ERR_NETNS;
		return err_prefix(e, r, "cannot list the links of the pod netns");
	}
	/* The interface the result calls ours: by the planned name, else its first in the pod. */
	idx = cni_result_find_sandbox_iface(a->result, a->ifname);
	if (idx < 0)
		idx = cni_result_first_sandbox_iface(a->result);
	if (idx >= 0)
		said = json_string_value(json_object_get(
		    json_array_get(json_object_get(a->result, "interfaces"), (size_t)idx), "name"));
	for (size_t i = 0; i < now.n; i++) {
		const struct nl_link *l = &now.links[i];

		if (snap_find_index(before, l->index))
			continue;
		/* New since the delegate ran: this attachment's, to be swept on DEL. */
		r = attachment_own_link(a, l->name, l->index);
		if (r < 0)
			goto out;
		if (streq(l->name, a->ifname))
			planned = l;
		else if (said && streq(l->name, said))
			claimed = l;
	}
	r = 0;
	if (!delegate_ok)
		goto out;
	if (!planned) {
		/* A link of that name that was there before would have failed netcheck_before. */
		for (size_t i = 0; i < now.n && !planned; i++)
			if (streq(now.links[i].name, a->ifname))
				planned = &now.links[i];
	}
	if (planned) {
		/* It is in the pod, whatever sandbox the result gives it. */
		if (said && streq(said, a->ifname))
			cni_result_set_sandbox(a->result, idx, netns);
		goto out;
	}
	if (!claimed) {
		r = err_setc(
		    e, CNI_ERR_INTERFACE, -ENODEV,
		    "network \"%s\": the delegate reported success but no interface \"%s\"%s%s%s appeared in the pod netns",
		    a->network, a->ifname, said ? " (nor \"" : "", said ? said : "",
		    said ? "\")" : "");
		goto out;
	}
	r = rename_link(nl, claimed, a->ifname, e);
	if (r < 0) {
		e->code = CNI_ERR_INTERFACE;
		r = err_prefix(e, r, "network \"%s\": cannot rename \"%s\" to \"%s\"", a->network,
			       claimed->name, a->ifname);
		goto out;
	}
	attachment_own_link(a, a->ifname, claimed->index);
	cni_result_rename_iface(a->result, idx, a->ifname);
	cni_result_set_sandbox(a->result, idx, netns);
	restore_addrs(nl, a, claimed->index, idx);
	r = 1;
out:
	/* What is there now is the next attachment's "before" (renames included). */
	if (r == 1) {
		for (size_t i = 0; i < now.n; i++)
			if (now.links[i].index == claimed->index)
				snprintf(now.links[i].name, sizeof(now.links[i].name), "%s",
					 a->ifname);
	}
	link_snap_done(snap);
	*snap = now;
	return r;
}

int netcheck_kept(const struct plan *p, size_t upto, const struct attachment *by,
		  const struct link_snap *snap, struct err *e)
{
	for (size_t i = 0; i < upto; i++) {
		const struct attachment *o = &p->att[i];
		bool there = false;

		if (o->state != ATT_ADDED)
			continue;
		for (size_t k = 0; k < o->n_links && !there; k++) {
			const struct nl_link *l = snap_find_index(snap, o->links[k].index);

			there = l && streq(l->name, o->ifname);
		}
		if (!there)
			return err_setc(
			    e, CNI_ERR_INTERFACE, -ENODEV,
			    "network \"%s\": after its ADD, interface \"%s\" of network \"%s\" is no longer in the pod netns (moved, renamed or deleted)",
			    by->network, o->ifname, o->network);
	}
	return 0;
}

int netcheck_sweep(struct nl_sock *nl, struct attachment *a, bool by_index, struct err *e)
{
	int swept = 0, first = 0;

	for (size_t i = 0; i < a->n_links; i++) {
		struct nl_link l;
		int r;

		if (nl_link_get_by_index(nl, a->links[i].index, &l, NULL) < 0)
			continue; /* gone: the delegate cleaned up (or its peer took it) */
		/* Same index under another name is someone else's link now; unless this is the
		 * netns the ADD saw it appear in, where an index is never reused. */
		if (!by_index && !streq(l.name, a->links[i].name))
			continue;
		r = nl_link_delete(nl, l.index, e);
		if (r < 0 && r != -ENODEV && first == 0)
			first = err_prefix(e, r, "cannot delete leftover link \"%s\"", l.name);
		else if (r == 0)
			swept++;
	}
	return first < 0 ? first : swept;
}

static int family_of(const char *s, uint8_t addr[16])
{
	int fam;

	if (ip_addr_parse(s, &fam, addr) < 0)
		return 0;
	return fam;
}

static int apply_default_route(struct nl_sock *nl, const struct attachment *a, const char *gw,
			       struct err *e)
{
	_cleanup_free_ struct nl_route *routes = NULL;
	struct nl_link l;
	struct nl_route want = { 0 };
	size_t n = 0;
	bool have = false;
	int r;

	want.family = family_of(gw, want.gw);
	if (!want.family)
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				"default-route \"%s\" is not an address", gw);
	r = nl_link_get_by_name(nl, a->ifname, &l, e);
	if (r < 0)
		return r;
	want.has_gw = true;
	want.oif = l.index;
	want.table = RT_TABLE_MAIN;
	r = nl_route_list(nl, want.family, &routes, &n, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct nl_route *rt = &routes[i];

		if (rt->table != RT_TABLE_MAIN || rt->dst_len != 0 || rt->type != RTN_UNICAST)
			continue;
		if (rt->oif == l.index && rt->has_gw && memcmp(rt->gw, want.gw, 16) == 0) {
			have = true;
			continue;
		}
		/* Only one default route per family: the one the pod asked for. */
		r = nl_route_del(nl, rt, e);
		if (r < 0 && r != -ESRCH)
			return err_prefix(e, r, "cannot remove the other default route");
	}
	if (!have) {
		r = nl_route_add(nl, &want, e);
		if (r < 0)
			return err_prefix(e, r, "cannot add default route via %s dev %s", gw,
					  a->ifname);
	}
	return 0;
}

int netcheck_finish(struct nl_sock *nl, struct plan *p, struct err *e)
{
	struct nl_link lo;
	int r;

	r = nl_link_get_by_name(nl, "lo", &lo, e);
	if (r == 0 && !(lo.flags & IFF_UP))
		r = nl_link_set_up(nl, lo.index, true, e);
	if (r < 0) {
		e->code = CNI_ERR_NETNS;
		return err_prefix(e, r, "cannot bring lo up in the pod netns");
	}
	for (size_t i = 0; i < p->n; i++) {
		json_t *gw;
		size_t k;

		json_array_foreach (p->att[i].default_route, k, gw) {
			r = apply_default_route(nl, &p->att[i], json_string_value(gw), e);
			if (r < 0) {
				if (!e->code)
					e->code = CNI_ERR_INTERFACE;
				return err_prefix(e, r, "network \"%s\"", p->att[i].network);
			}
		}
	}
	return 0;
}

static bool has_addr(const struct nl_addr *addrs, size_t n, int ifindex, int fam,
		     const uint8_t *addr, uint8_t len)
{
	for (size_t i = 0; i < n; i++)
		if (addrs[i].ifindex == ifindex && addrs[i].family == fam &&
		    addrs[i].prefixlen == len &&
		    memcmp(addrs[i].addr, addr, fam == AF_INET ? 4 : 16) == 0)
			return true;
	return false;
}

static void problem(json_t *problems, const char *fmt, ...) _printf_(2, 3);
static void problem(json_t *problems, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(problems, json_string(buf));
}

static bool has_route(const struct nl_route *routes, size_t n, int fam, const uint8_t *dst,
		      uint8_t dst_len, const uint8_t *gw, int oif)
{
	for (size_t i = 0; i < n; i++) {
		const struct nl_route *r = &routes[i];

		if (r->family != fam || r->table != RT_TABLE_MAIN || r->dst_len != dst_len ||
		    memcmp(r->dst, dst, 16) != 0)
			continue;
		if (gw && (!r->has_gw || memcmp(r->gw, gw, 16) != 0))
			continue;
		if (oif && r->oif != oif)
			continue;
		return true;
	}
	return false;
}

int netcheck_problems(struct nl_sock *nl, const struct attachment *a, json_t *problems,
		      struct err *e)
{
	_cleanup_free_ struct nl_addr *addrs = NULL;
	_cleanup_free_ struct nl_route *routes = NULL;
	int idx = cni_result_find_sandbox_iface(a->result, a->ifname), r;
	size_t n = 0, n_routes = 0, before = json_array_size(problems), i;
	json_t *ip, *ifo, *rt, *gw;
	struct nl_link l;

	if (a->state != ATT_ADDED || !a->result) {
		problem(problems, "%s: its ADD never finished", a->ifname);
		return 1;
	}
	r = nl_link_get_by_name(nl, a->ifname, &l, NULL);
	if (r < 0) {
		problem(problems, "%s: link is missing", a->ifname);
		return 1;
	}
	if (!(l.flags & IFF_UP))
		problem(problems, "%s: link is down", a->ifname);
	ifo = json_array_get(json_object_get(a->result, "interfaces"), (size_t)idx);
	if (idx >= 0 && json_string_value(json_object_get(ifo, "mac"))) {
		const char *want = json_string_value(json_object_get(ifo, "mac"));
		uint8_t mac[MAC_MAX_LEN];
		int m = mac_addr_parse(want, mac);

		if (m < 0)
			problem(problems, "%s: the result's MAC %s is not a MAC address", a->ifname,
				want);
		else if ((size_t)m != l.mac_len || memcmp(mac, l.mac, (size_t)m) != 0)
			problem(problems, "%s: MAC differs from the result's %s", a->ifname, want);
	}
	r = nl_addr_list(nl, AF_UNSPEC, &addrs, &n, e);
	if (r == 0)
		r = nl_route_list(nl, AF_UNSPEC, &routes, &n_routes, e);
	if (r < 0)
		return r;
	json_array_foreach (json_object_get(a->result, "ips"), i, ip) {
		json_t *ii = json_object_get(ip, "interface");
		const char *cidr = json_string_value(json_object_get(ip, "address"));
		uint8_t addr[16], len;
		int fam;

		if (!cidr || (ii && json_integer_value(ii) != idx))
			continue;
		/* Text util/inet refuses cannot be checked: say so, never pass it silently. */
		if (ip_cidr_parse(cidr, &fam, addr, &len) < 0)
			problem(problems, "%s: the result's address %s is not address/prefix",
				a->ifname, cidr);
		else if (!has_addr(addrs, n, l.index, fam, addr, len))
			problem(problems, "%s: address %s is missing", a->ifname, cidr);
	}
	/* Routes the result promised (through any link: results do not say which). */
	json_array_foreach (json_object_get(a->result, "routes"), i, rt) {
		const char *dst = json_string_value(json_object_get(rt, "dst"));
		const char *via = json_string_value(json_object_get(rt, "gw"));
		uint8_t d[16] = { 0 }, g[16] = { 0 }, len;
		int fam, gfam;

		if (!dst)
			continue;
		if (ip_cidr_parse(dst, &fam, d, &len) < 0) {
			problem(problems, "%s: the result's route %s is not address/prefix",
				a->ifname, dst);
			continue;
		}
		if (via && (ip_addr_parse(via, &gfam, g) < 0 || gfam != fam))
			via = NULL;
		if (!has_route(routes, n_routes, fam, d, len, via ? g : NULL, 0))
			problem(problems, "%s: route %s%s%s is missing", a->ifname, dst,
				via ? " via " : "", via ? via : "");
	}
	/* The default route the pod asked for, through this very link. */
	json_array_foreach (a->default_route, i, gw) {
		uint8_t g[16] = { 0 }, zero[16] = { 0 };
		int fam;

		if (ip_addr_parse(json_string_value(gw), &fam, g) < 0)
			continue;
		if (!has_route(routes, n_routes, fam, zero, 0, g, l.index))
			problem(problems, "%s: default route via %s is not as planned", a->ifname,
				json_string_value(gw));
	}
	return json_array_size(problems) > before ? 1 : 0;
}

int netcheck_attachment(struct nl_sock *nl, const struct attachment *a, struct err *e)
{
	json_auto_t *problems = json_array();
	int r = netcheck_problems(nl, a, problems, e);

	if (r <= 0)
		return r;
	return err_setc(e, CNI_ERR_INTERFACE, -EIO, "%s",
			json_string_value(json_array_get(problems, 0)));
}
