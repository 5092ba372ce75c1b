// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CNI 0.1.0 and 0.2.0 results: one "ip4" and one "ip6" (each with ip, gateway and its
 * routes) and "dns", no interfaces. Read into the 0.3.0+ shape that result.c checks.
 */
#include <arpa/inet.h>
#include <stdio.h>

#include "cni/result_int.h"
#include "util/macro.h"

/* 0.1.0/0.2.0: "ip4" and "ip6" hold one address each, plus routes. */
static const struct result_field old_ip_fields[] = {
	{ "ip", K_CIDR, true, 0, 0 },
	{ "gateway", K_IP, false, 0, 0 },
};

/* 0.1.0/0.2.0 "ip4"/"ip6" into the ips/routes/dns of the later versions. */
int cni_res_from_legacy(json_t *root, json_t **ret, struct err *e)
{
	static const struct {
		const char *key;
		int family;
	} old[] = { { "ip4", AF_INET }, { "ip6", AF_INET6 } };
	json_auto_t *ips = json_array(), *routes = json_array(), *out = NULL;
	struct result_ctx c = { .target = V110 };
	json_t *v;
	int r;

	if (!ips || !routes)
		return -ENOMEM;
	for (size_t i = 0; i < ELEMENTSOF(old); i++) {
		json_auto_t *ip = NULL, *entry = NULL;
		const char *addr;
		char where[32];
		json_t *gw;

		v = json_object_get(root, old[i].key);
		if (cni_res_is_empty(v, JSON_OBJECT))
			continue;
		r = cni_res_object_copy(v, old_ip_fields, ELEMENTSOF(old_ip_fields), &c, old[i].key,
					&ip, e);
		if (r < 0)
			return r;
		addr = json_string_value(json_object_get(ip, "ip"));
		if (cni_res_cidr_family(addr) != old[i].family)
			return result_invalid(e, "%s.ip: \"%s\" is not an IPv%c address",
					      old[i].key, addr,
					      old[i].family == AF_INET ? '4' : '6');
		entry = json_pack("{s:s}", "address", addr);
		gw = json_object_get(ip, "gateway");
		if (!entry || (gw && json_object_set(entry, "gateway", gw) < 0) ||
		    json_array_append(ips, entry) < 0)
			return -ENOMEM;
		snprintf(where, sizeof(where), "%s.routes", old[i].key);
		r = cni_res_list_copy(json_object_get(v, "routes"), where, cni_res_route_fields,
				      CNI_RES_N_ROUTE_FIELDS, &c, routes, e);
		if (r < 0)
			return r;
	}
	out = json_pack("{s:O, s:O}", "ips", ips, "routes", routes);
	if (!out)
		return -ENOMEM;
	v = json_object_get(root, "dns");
	if (v && json_object_set(out, "dns", v) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(out);
	return 0;
}

/* {"ip": address, "gateway": gw} of the first address of `family` in ips[], or NULL. */
static int legacy_ip(json_t *ips, int family, json_t **ret)
{
	json_t *ip, *gw;
	size_t i;

	*ret = NULL;
	json_array_foreach (ips, i, ip) {
		const char *addr = json_string_value(json_object_get(ip, "address"));
		json_auto_t *entry = NULL;

		if (!addr || cni_res_cidr_family(addr) != family)
			continue;
		entry = json_pack("{s:s}", "ip", addr);
		gw = json_object_get(ip, "gateway");
		if (!entry || (gw && json_object_set(entry, "gateway", gw) < 0))
			return -ENOMEM;
		*ret = TAKE_PTR(entry);
		break;
	}
	return 0;
}

/* The routes[] of `family`, only dst and gw (0.2.0 has no more); NULL when there are none. */
static int legacy_routes(json_t *routes, int family, json_t **ret)
{
	json_auto_t *out = json_array();
	json_t *route, *gw;
	size_t i;

	if (!out)
		return -ENOMEM;
	json_array_foreach (routes, i, route) {
		const char *dst = json_string_value(json_object_get(route, "dst"));
		json_auto_t *entry = NULL;

		if (!dst || cni_res_cidr_family(dst) != family)
			continue;
		entry = json_pack("{s:s}", "dst", dst);
		gw = json_object_get(route, "gw");
		if (!entry || (gw && json_object_set(entry, "gw", gw) < 0) ||
		    json_array_append(out, entry) < 0)
			return -ENOMEM;
	}
	*ret = json_array_size(out) ? TAKE_PTR(out) : NULL;
	return 0;
}

int cni_res_to_legacy(json_t *res, const char *version, json_t **ret)
{
	static const struct {
		const char *key;
		int family;
	} old[] = { { "ip4", AF_INET }, { "ip6", AF_INET6 } };
	json_auto_t *out = json_pack("{s:s}", "cniVersion", version);
	json_t *dns = json_object_get(res, "dns");
	int r;

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < ELEMENTSOF(old); i++) {
		json_auto_t *ip = NULL, *routes = NULL;

		r = legacy_ip(json_object_get(res, "ips"), old[i].family, &ip);
		if (r < 0)
			return r;
		if (!ip)
			continue; /* its routes have no address to go with */
		r = legacy_routes(json_object_get(res, "routes"), old[i].family, &routes);
		if (r < 0)
			return r;
		if ((routes && json_object_set(ip, "routes", routes) < 0) ||
		    json_object_set(out, old[i].key, ip) < 0)
			return -ENOMEM;
	}
	/* The Go plugins' 0.2.0 result always has "dns", {} when empty. */
	if (json_object_set_new(out, "dns", dns ? json_deep_copy(dns) : json_object()) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(out);
	return 0;
}
