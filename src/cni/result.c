// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CNI results. One table per object kind drives both the validation and the per-version
 * copy, so parsing (into the canonical 1.1.0 shape) and converting (out of it) cannot
 * disagree about which field exists in which version.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "cni/result.h"
#include "cni/result_int.h"
#include "cni/version.h"
#include "util/inet.h"

/* A result is a few KiB; anything near these limits is not a result. */
#define RESULT_MAX_BYTES (1024 * 1024)
#define RESULT_MAX_DEPTH 64

static const struct result_field iface_fields[] = {
	{ "name", K_STR, true, V030, 0 },	 { "mac", K_MAC, false, V030, 0 },
	{ "mtu", K_UINT, false, V110, INT_MAX }, { "sandbox", K_STR, false, V030, 0 },
	{ "socketPath", K_STR, false, V110, 0 }, { "pciID", K_STR, false, V110, 0 },
};

static const struct result_field ip_fields[] = {
	{ "version", K_IPVER, false, 0, 0 },
	{ "interface", K_IFINDEX, false, V030, 0 },
	{ "address", K_CIDR, true, V030, 0 },
	{ "gateway", K_IP, false, V030, 0 },
};

const struct result_field cni_res_route_fields[] = {
	{ "dst", K_CIDR, true, V030, 0 },
	{ "gw", K_IP, false, V030, 0 },
	{ "mtu", K_UINT, false, V110, INT_MAX },
	{ "advmss", K_UINT, false, V110, INT_MAX },
	{ "priority", K_UINT, false, V110, UINT32_MAX },
	{ "table", K_UINT, false, V110, UINT32_MAX },
	{ "scope", K_UINT, false, V110, UINT8_MAX },
};
_Static_assert(ELEMENTSOF(cni_res_route_fields) == CNI_RES_N_ROUTE_FIELDS, "route fields");

static const struct result_field dns_fields[] = {
	{ "nameservers", K_STRS, false, 0, 0 },
	{ "domain", K_STR, false, 0, 0 },
	{ "search", K_STRS, false, 0, 0 },
	{ "options", K_STRS, false, 0, 0 },
};

/* AF_INET or AF_INET6 for an address, 0 for anything else. */
static int result_ip_family(const char *s)
{
	uint8_t addr[16];
	int family;

	return ip_addr_parse(s, &family, addr) == 0 ? family : 0;
}

/* The family of "address/prefix" with a prefix in range, 0 if it is no such thing. */
int cni_res_cidr_family(const char *s)
{
	uint8_t addr[16], len;
	int family;

	return ip_cidr_parse(s, &family, addr, &len) == 0 ? family : 0;
}

static bool result_mac_valid(const char *s)
{
	uint8_t mac[MAC_MAX_LEN];

	return mac_addr_parse(s, mac) > 0;
}

static const char *result_type_name(const json_t *v)
{
	static const char *const names[] = {
		[JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array",
		[JSON_STRING] = "a string",  [JSON_INTEGER] = "an integer",
		[JSON_REAL] = "a number",    [JSON_TRUE] = "a boolean",
		[JSON_FALSE] = "a boolean",  [JSON_NULL] = "null",
	};

	return v ? names[json_typeof(v)] : "nothing";
}

/* Go's omitempty prints none of null, "" and [], so a delegate printing them means "absent";
 * an empty value of another type than `want` is still a type error. */
bool cni_res_is_empty(const json_t *v, json_type want)
{
	if (!v || json_is_null(v))
		return true;
	if (json_typeof(v) != want)
		return false;
	return (want == JSON_STRING && json_string_length(v) == 0) ||
	       (want == JSON_ARRAY && json_array_size(v) == 0);
}

static int result_bad_type(struct err *e, const char *where, const char *want, const json_t *v)
{
	return result_invalid(e, "%s: expected %s, got %s", where, want, result_type_name(v));
}

/* ips[].version is never kept: it is checked against the address and re-derived. */
static int result_ipver_copy(json_t *src, const json_t *v, const struct result_ctx *c,
			     const char *where, json_t *out, struct err *e)
{
	const char *addr = json_string_value(json_object_get(src, "address"));
	int family = addr ? cni_res_cidr_family(addr) : 0;

	if (!cni_res_is_empty(v, JSON_STRING)) {
		const char *s = json_string_value(v);

		if (!s)
			return result_bad_type(e, where, "a string", v);
		if (!streq(s, "4") && !streq(s, "6"))
			return result_invalid(e, "%s: \"%s\" is not 4 or 6", where, s);
		/* An invalid address is reported by its own field. */
		if (family && family != (streq(s, "4") ? AF_INET : AF_INET6))
			return result_invalid(e, "%s: \"%s\" does not match the address \"%s\"",
					      where, s, addr);
	}
	if (c->target >= V100 || !family)
		return 0;
	return json_object_set_new(out, "version", json_string(family == AF_INET ? "4" : "6")) < 0
		   ? -ENOMEM
		   : 0;
}

static int result_check_string(const struct result_field *f, const json_t *v, const char *where,
			       struct err *e)
{
	const char *s = json_string_value(v);

	if (!s)
		return result_bad_type(e, where, "a string", v);
	if (f->kind == K_MAC && !result_mac_valid(s))
		return result_invalid(e, "%s: \"%s\" is not a MAC address", where, s);
	if (f->kind == K_IP && !result_ip_family(s))
		return result_invalid(e, "%s: \"%s\" is not an IP address", where, s);
	if (f->kind == K_CIDR && !cni_res_cidr_family(s))
		return result_invalid(e, "%s: \"%s\" is not an IP address with prefix length",
				      where, s);
	return 0;
}

/*
 * `where` for a field's messages: what snprintf's "%s%s%s" of path, "." and key makes, at a
 * twentieth of its cost (it runs for every field of every result, error or not).
 */
static void where_join(char *buf, size_t size, const char *path, const char *key)
{
	const char *parts[] = { path, *path ? "." : "", key };
	size_t n = 0;

	for (size_t i = 0; i < ELEMENTSOF(parts); i++)
		for (const char *c = parts[i]; *c && n + 1 < size; c++)
			buf[n++] = *c;
	buf[n] = '\0';
}

/* Checks src[f->key] and copies it into out when the target version has it. */
static int result_field_copy(json_t *src, const struct result_field *f, const struct result_ctx *c,
			     const char *path, json_t *out, struct err *e)
{
	json_t *v = json_object_get(src, f->key), *item;
	char where[128];
	json_type want;
	json_int_t n;
	size_t i;
	int r;

	where_join(where, sizeof(where), path, f->key);
	if (f->kind == K_IPVER)
		return result_ipver_copy(src, v, c, where, out, e);
	want = f->kind == K_UINT || f->kind == K_IFINDEX ? JSON_INTEGER : JSON_STRING;
	if (f->kind == K_STRS)
		want = JSON_ARRAY;
	if (cni_res_is_empty(v, want)) {
		if (f->required)
			return result_invalid(e, "%s is missing", where);
		return 0;
	}
	switch (f->kind) {
	case K_UINT:
		n = json_integer_value(v);
		if (!json_is_integer(v) || n < 0 || n > f->max)
			return result_invalid(e, "%s: expected an integer from 0 to %lld", where,
					      f->max);
		break;
	case K_IFINDEX:
		if (!json_is_integer(v))
			return result_bad_type(e, where, "an integer", v);
		n = json_integer_value(v);
		if (n < 0 || (unsigned long long)n >= c->n_ifaces)
			return result_invalid(e, "%s: %lld is not an index into interfaces (%zu)",
					      where, (long long)n, c->n_ifaces);
		break;
	case K_STRS:
		if (!json_is_array(v))
			return result_bad_type(e, where, "an array", v);
		json_array_foreach (v, i, item) {
			if (!json_is_string(item))
				return result_invalid(e, "%s[%zu]: expected a string, got %s",
						      where, i, result_type_name(item));
		}
		break;
	default:
		r = result_check_string(f, v, where, e);
		if (r < 0)
			return r;
	}
	if (c->target < f->since)
		return 0;
	return json_object_set_new(out, f->key, json_deep_copy(v)) < 0 ? -ENOMEM : 0;
}

int cni_res_object_copy(json_t *src, const struct result_field *fields, size_t n_fields,
			const struct result_ctx *c, const char *path, json_t **ret, struct err *e)
{
	json_auto_t *out = NULL;
	int r;

	if (!json_is_object(src))
		return result_bad_type(e, path, "an object", src);
	out = json_object();
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < n_fields; i++) {
		r = result_field_copy(src, &fields[i], c, path, out, e);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(out);
	return 0;
}

/* Appends a copy of every element of the array `src` (absent is fine) to `out`. */
int cni_res_list_copy(json_t *src, const char *path, const struct result_field *fields,
		      size_t n_fields, const struct result_ctx *c, json_t *out, struct err *e)
{
	json_t *item;
	size_t i;
	int r;

	if (cni_res_is_empty(src, JSON_ARRAY))
		return 0;
	if (!json_is_array(src))
		return result_bad_type(e, path, "an array", src);
	json_array_foreach (src, i, item) {
		char where[64];
		json_t *copy;

		snprintf(where, sizeof(where), "%s[%zu]", path, i);
		r = cni_res_object_copy(item, fields, n_fields, c, where, &copy, e);
		if (r < 0)
			return r;
		if (json_array_append_new(out, copy) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Only non-empty containers are printed, as the Go plugins do with omitempty; v may be NULL. */
static int result_set_nonempty(json_t *out, const char *key, json_t *v)
{
	if (json_is_array(v) ? json_array_size(v) == 0 : json_object_size(v) == 0)
		return 0;
	return json_object_set(out, key, v) < 0 ? -ENOMEM : 0;
}

/* Interfaces first: ips[].interface is checked against their number. */
static const struct {
	const char *key;
	const struct result_field *fields;
	size_t n_fields;
} result_lists[] = {
	{ "interfaces", iface_fields, ELEMENTSOF(iface_fields) },
	{ "ips", ip_fields, ELEMENTSOF(ip_fields) },
	{ "routes", cni_res_route_fields, CNI_RES_N_ROUTE_FIELDS },
};

/* Copies a 0.3.0+ shaped src into a new result with `target`'s fields. */
static int result_build(json_t *src, int target, const char *version, json_t **ret, struct err *e)
{
	json_auto_t *out = json_pack("{s:s}", "cniVersion", version), *dns = NULL;
	struct result_ctx c = { .target = target };
	json_t *v;
	int r;

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < ELEMENTSOF(result_lists); i++) {
		json_auto_t *list = json_array();

		if (!list)
			return -ENOMEM;
		r = cni_res_list_copy(json_object_get(src, result_lists[i].key),
				      result_lists[i].key, result_lists[i].fields,
				      result_lists[i].n_fields, &c, list, e);
		if (r >= 0)
			r = result_set_nonempty(out, result_lists[i].key, list);
		if (r < 0)
			return r;
		if (i == 0)
			c.n_ifaces = json_array_size(list);
	}
	v = json_object_get(src, "dns");
	if (!cni_res_is_empty(v, JSON_OBJECT)) {
		r = cni_res_object_copy(v, dns_fields, ELEMENTSOF(dns_fields), &c, "dns", &dns, e);
		if (r >= 0)
			r = result_set_nonempty(out, "dns", dns);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(out);
	return 0;
}

/* Brackets outside strings, counted before jansson builds (and recurses into) the tree. */
static bool result_depth_ok(const char *buf, size_t len)
{
	bool in_string = false, escaped = false;
	unsigned int depth = 0;

	for (size_t i = 0; i < len; i++) {
		char ch = buf[i];

		if (in_string) {
			if (escaped)
				escaped = false;
			else if (ch == '\\')
				escaped = true;
			else if (ch == '"')
				in_string = false;
		} else if (ch == '"') {
			in_string = true;
		} else if (ch == '[' || ch == '{') {
			if (++depth > RESULT_MAX_DEPTH)
				return false;
		} else if ((ch == ']' || ch == '}') && depth > 0) {
			depth--;
		}
	}
	return true;
}

static int result_load(const char *buf, size_t len, json_t **ret, struct err *e)
{
	json_error_t jerr;
	json_t *root;

	if (!buf)
		len = 0;
	if (len > RESULT_MAX_BYTES)
		return err_setc(e, CODE_DECODE, -EBADMSG,
				"failed to decode result: %zu bytes, more than the limit of %d",
				len, RESULT_MAX_BYTES);
	if (len && !result_depth_ok(buf, len))
		return err_setc(e, CODE_DECODE, -EBADMSG,
				"failed to decode result: nested deeper than %d levels",
				RESULT_MAX_DEPTH);
	root = json_loadb(buf ? buf : "", len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return err_setc(e, CODE_DECODE, -EBADMSG,
				"failed to decode result: %s (line %d, column %d)", jerr.text,
				jerr.line, jerr.column);
	*ret = root;
	return 0;
}

int cni_output_load(const char *buf, size_t len, json_t **ret, struct err *e)
{
	return result_load(buf, len, ret, e);
}

int cni_result_parse(const char *buf, size_t len, const char *version, json_t **ret, struct err *e)
{
	json_auto_t *root = NULL;
	int r;

	if (!ret)
		return -EINVAL;
	r = result_load(buf, len, &root, e);
	if (r < 0)
		return r;
	return cni_result_parse_json(root, version, ret, e);
}

int cni_result_parse_json(json_t *root, const char *version, json_t **ret, struct err *e)
{
	json_auto_t *shaped = NULL;
	const char *v;
	int r, vnum;

	if (!ret)
		return -EINVAL;
	if (!json_is_object(root))
		return result_invalid(e, "expected an object, got %s", result_type_name(root));
	/* The result's own word wins; a garbled one is no better than none. */
	v = json_string_value(json_object_get(root, "cniVersion"));
	if (cni_version_parse(v) < 0)
		v = version;
	vnum = cni_version_parse(v);
	if (vnum < 0)
		return err_setc(e, CODE_VERSION, -EINVAL,
				"incompatible CNI version \"%s\" for a result without one",
				version ? version : "");
	if (vnum < V030) {
		r = cni_res_from_legacy(root, &shaped, e);
		if (r < 0)
			return r;
	}
	return result_build(shaped ? shaped : root, V110, v, ret, e);
}

int cni_result_convert(json_t *canonical, const char *version, json_t **ret, struct err *e)
{
	json_auto_t *out = NULL;
	int vnum, r;

	if (!ret)
		return -EINVAL;
	if (!cni_version_supported(version))
		return err_setc(e, CODE_VERSION, -ENOTSUP,
				"incompatible CNI version \"%s\": results are printed in %s to %s",
				version ? version : "", cni_supported_versions[0],
				CNI_VERSION_LATEST);
	if (!json_is_object(canonical))
		return err_setc(e, CODE_INVALID, -EINVAL, "result: expected an object, got %s",
				result_type_name(canonical));
	vnum = cni_version_parse(version);
	/* 0.1.0/0.2.0 are made from a checked copy of everything. */
	r = result_build(canonical, vnum < V030 ? V110 : vnum, version, &out, e);
	if (r < 0)
		return r;
	if (vnum < V030)
		return cni_res_to_legacy(out, version, ret);
	*ret = TAKE_PTR(out);
	return 0;
}

/* "" for absent or null, NULL when the value is no string. */
static const char *result_opt_string(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return "";
	return json_string_value(v);
}

int cni_error_parse(const char *buf, size_t len, int *ret_code, char **ret_msg, char **ret_details)
{
	json_auto_t *root = NULL;

	if (result_load(buf, len, &root, NULL) < 0)
		return 0;
	return cni_error_parse_json(root, ret_code, ret_msg, ret_details);
}

int cni_error_parse_json(json_t *root, int *ret_code, char **ret_msg, char **ret_details)
{
	_cleanup_free_ char *msg = NULL, *details = NULL;
	const char *m, *d;
	json_t *code;
	json_int_t n;

	if (!json_is_object(root))
		return 0;
	code = json_object_get(root, "code");
	n = json_integer_value(code);
	if (!json_is_integer(code) || n < INT_MIN || n > INT_MAX)
		return 0;
	m = result_opt_string(root, "msg");
	d = result_opt_string(root, "details");
	if (!m || !d)
		return 0;
	if (ret_msg && !(msg = strdup(m)))
		return -ENOMEM;
	if (ret_details && !(details = strdup(d)))
		return -ENOMEM;
	if (ret_code)
		*ret_code = (int)n;
	if (ret_msg)
		*ret_msg = TAKE_PTR(msg);
	if (ret_details)
		*ret_details = TAKE_PTR(details);
	return 1;
}

/* The first interface with a non-empty sandbox and, unless ifname is NULL, that name. */
static int result_sandbox_iface(json_t *res, const char *ifname)
{
	json_t *ifaces = json_object_get(res, "interfaces");

	for (size_t i = 0; i < json_array_size(ifaces) && i < INT_MAX; i++) {
		json_t *iface = json_array_get(ifaces, i);
		const char *sandbox = json_string_value(json_object_get(iface, "sandbox"));
		const char *name = json_string_value(json_object_get(iface, "name"));

		if (sandbox && sandbox[0] && (!ifname || (name && streq(name, ifname))))
			return (int)i;
	}
	return -1;
}

int cni_result_find_sandbox_iface(json_t *res, const char *ifname)
{
	return ifname ? result_sandbox_iface(res, ifname) : -1;
}

int cni_result_first_sandbox_iface(json_t *res)
{
	return result_sandbox_iface(res, NULL);
}

int cni_result_add_sandbox_iface(json_t *res, const char *name, const char *mac,
				 const char *sandbox)
{
	json_auto_t *ifaces = NULL, *iface = NULL;
	json_t *ip;
	size_t i;

	if (!json_is_object(res) || !name || !name[0] || !sandbox)
		return -EINVAL;
	if (json_array_size(json_object_get(res, "interfaces")))
		return 0;
	iface = json_pack("{s:s}", "name", name);
	if (!iface || (mac && json_object_set_new(iface, "mac", json_string(mac)) < 0) ||
	    (sandbox[0] && json_object_set_new(iface, "sandbox", json_string(sandbox)) < 0))
		return -ENOMEM;
	ifaces = json_pack("[O]", iface);
	if (!ifaces || json_object_set(res, "interfaces", ifaces) < 0)
		return -ENOMEM;
	json_array_foreach (json_object_get(res, "ips"), i, ip) {
		if (!json_object_get(ip, "interface") &&
		    json_object_set_new(ip, "interface", json_integer(0)) < 0)
			return -ENOMEM;
	}
	return 0;
}

int cni_result_rename_iface(json_t *res, int idx, const char *new_name)
{
	json_t *iface;

	if (idx < 0 || !new_name || !new_name[0])
		return -EINVAL;
	iface = json_array_get(json_object_get(res, "interfaces"), (size_t)idx);
	if (!json_is_object(iface))
		return -EINVAL;
	/* json_string() refuses invalid UTF-8: that is a bad name, not a lack of memory. */
	return json_object_set_new(iface, "name", json_string(new_name)) < 0 ? -EINVAL : 0;
}

int cni_result_set_sandbox(json_t *res, int idx, const char *sandbox)
{
	json_t *iface, *old;

	if (idx < 0 || !sandbox || !sandbox[0])
		return -EINVAL;
	iface = json_array_get(json_object_get(res, "interfaces"), (size_t)idx);
	if (!json_is_object(iface))
		return -EINVAL;
	old = json_object_get(iface, "sandbox");
	if (json_is_string(old) && streq(json_string_value(old), sandbox))
		return 0;
	return json_object_set_new(iface, "sandbox", json_string(sandbox)) < 0 ? -EINVAL : 0;
}
