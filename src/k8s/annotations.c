// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "k8s/annotations.h"
#include "util/inet.h"
#include "util/names.h"

void k8s_netsel_free(struct k8s_net_sel *sel, size_t n)
{
	for (size_t i = 0; sel && i < n; i++) {
		free(sel[i].namespace);
		free(sel[i].name);
		free(sel[i].ifname);
		json_decref(sel[i].ips);
		free(sel[i].mac);
		json_decref(sel[i].default_route);
		json_decref(sel[i].cni_args);
		json_decref(sel[i].port_mappings);
		json_decref(sel[i].bandwidth);
		free(sel[i].infiniband_guid);
		free(sel[i].device_id);
	}
	free(sel);
}

/* The name/namespace/ifname rules both forms share. */
static int check_names(const struct k8s_net_sel *s, const char *quote, struct err *e)
{
	if (!name_is_dns1123_label(s->name) && !name_is_dns1123_subdomain(s->name))
		return err_set(e, -EINVAL, "%s: network name \"%s\" is not a valid DNS-1123 name",
			       quote, s->name);
	if (s->namespace && !name_is_dns1123_label(s->namespace))
		return err_set(e, -EINVAL, "%s: namespace \"%s\" is not a valid DNS-1123 label",
			       quote, s->namespace);
	if (s->ifname && !name_is_ifname(s->ifname))
		return err_set(
		    e, -EINVAL,
		    "%s: interface name \"%s\" is invalid (1-15 bytes, not \".\" or \"..\", no '/', ':' or white space)",
		    quote, s->ifname);
	return 0;
}

static char *trim_dup(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return strndup(s, len);
}

static int parse_element(const char *el, struct k8s_net_sel *ret, struct err *e)
{
	struct k8s_net_sel s = { 0 };
	const char *at = strchr(el, '@'), *slash;
	_cleanup_free_ char *body = NULL;
	char quote[96];
	int r;

	snprintf(quote, sizeof(quote), "\"%.80s\"", el);
	if (!*el)
		return err_set(e, -EINVAL, "empty element in the network list");
	if (at && strchr(at + 1, '@'))
		return err_set(e, -EINVAL, "%s: more than one '@'", quote);
	body = at ? strndup(el, (size_t)(at - el)) : strdup(el);
	if (!body)
		return -ENOMEM;
	slash = strchr(body, '/');
	if (slash && strchr(slash + 1, '/'))
		return err_set(e, -EINVAL, "%s: more than one '/'", quote);
	/* White space around '/' and '@' goes, as upstream and the seed trim it: "default / neta",
	 * "neta @ x1". Inside a part it stays, and makes the name invalid. */
	if (slash) {
		s.namespace = trim_dup(body, (size_t)(slash - body));
		s.name = trim_dup(slash + 1, strlen(slash + 1));
	} else
		s.name = trim_dup(body, strlen(body));
	if (at)
		s.ifname = trim_dup(at + 1, strlen(at + 1));
	if (!s.name || (slash && !s.namespace) || (at && !s.ifname)) {
		free(s.namespace);
		free(s.name);
		free(s.ifname);
		return -ENOMEM;
	}
	r = check_names(&s, quote, e);
	if (r < 0) {
		free(s.namespace);
		free(s.name);
		free(s.ifname);
		return r;
	}
	*ret = s;
	return 0;
}

static int parse_list(const char *text, struct k8s_net_sel **ret, size_t *ret_n, struct err *e)
{
	struct k8s_net_sel *sel = calloc(K8S_NETSEL_MAX_ELEMENTS, sizeof(*sel));
	const char *p = text;
	size_t n = 0;
	int r;

	if (!sel)
		return -ENOMEM;
	for (;;) {
		const char *c = strchr(p, ',');
		_cleanup_free_ char *el = trim_dup(p, c ? (size_t)(c - p) : strlen(p));

		if (!el) {
			r = -ENOMEM;
			goto fail;
		}
		if (n == K8S_NETSEL_MAX_ELEMENTS) {
			r = err_set(e, -E2BIG, "more than %d networks", K8S_NETSEL_MAX_ELEMENTS);
			goto fail;
		}
		r = parse_element(el, &sel[n], e);
		if (r < 0)
			goto fail;
		n++;
		if (!c)
			break;
		p = c + 1;
	}
	*ret = sel;
	*ret_n = n;
	return 0;
fail:
	k8s_netsel_free(sel, n);
	return r;
}

static bool is_ip(const char *s)
{
	uint8_t addr[16];
	int family;

	return ip_addr_parse(s, &family, addr) == 0;
}

/* "10.1.1.5/24" or a bare address: the NPWG spec allows both for `ips`. */
static bool is_ip_or_cidr(const char *s)
{
	uint8_t addr[16], len;
	int family;

	return is_ip(s) || ip_cidr_parse(s, &family, addr, &len) == 0;
}

static bool is_mac(const char *s)
{
	uint8_t mac[MAC_MAX_LEN];

	return mac_addr_parse(s, mac) > 0;
}

static int string_field(json_t *o, const char *key, char **out, const char *quote, struct err *e)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(e, -EINVAL, "%s: \"%s\" must be a string", quote, key);
	*out = strdup(json_string_value(v));
	return *out ? 0 : -ENOMEM;
}

static int string_array_field(json_t *o, const char *key, json_t **out, bool (*valid)(const char *),
			      const char *what, const char *quote, struct err *e)
{
	json_t *v = json_object_get(o, key), *x;
	size_t i;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return err_set(e, -EINVAL, "%s: \"%s\" must be an array of strings", quote, key);
	json_array_foreach (v, i, x) {
		if (!json_is_string(x))
			return err_set(e, -EINVAL, "%s: \"%s\"[%zu] must be a string", quote, key,
				       i);
		if (!valid(json_string_value(x)))
			return err_set(e, -EINVAL, "%s: \"%s\"[%zu] \"%.64s\" is not %s", quote,
				       key, i, json_string_value(x), what);
	}
	*out = json_incref(v);
	return 0;
}

static int json_element(json_t *o, size_t idx, struct k8s_net_sel *s, struct err *e)
{
	_cleanup_free_ char *dump = json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY);
	char quote[128];
	json_t *v;
	int r;

	snprintf(quote, sizeof(quote), "element %zu %.100s", idx, dump ? dump : "");
	if (!json_is_object(o))
		return err_set(e, -EINVAL, "%s: must be an object with a \"name\"", quote);
	v = json_object_get(o, "name");
	if (!json_is_string(v) || !json_string_length(v))
		return err_set(e, -EINVAL, "%s: \"name\" is required and must be a string", quote);
	s->name = strdup(json_string_value(v));
	if (!s->name)
		return -ENOMEM;
	if ((r = string_field(o, "namespace", &s->namespace, quote, e)) < 0 ||
	    (r = string_field(o, "interface", &s->ifname, quote, e)) < 0 ||
	    (!s->ifname && (r = string_field(o, "interfaceRequest", &s->ifname, quote, e)) < 0) ||
	    (r = string_field(o, "mac", &s->mac, quote, e)) < 0 ||
	    (r = string_field(o, "infiniband-guid", &s->infiniband_guid, quote, e)) < 0 ||
	    (r = string_field(o, "deviceID", &s->device_id, quote, e)) < 0 ||
	    (r = string_array_field(o, "ips", &s->ips, is_ip_or_cidr, "an IP address", quote, e)) <
		0 ||
	    (r = string_array_field(o, "default-route", &s->default_route, is_ip,
				    "a gateway IP address", quote, e)) < 0)
		return r;
	if (s->namespace && !s->namespace[0]) {
		free(s->namespace);
		s->namespace = NULL;
	}
	if (s->mac && !is_mac(s->mac))
		return err_set(e, -EINVAL, "%s: \"mac\" \"%.64s\" is not a MAC address", quote,
			       s->mac);
	v = json_object_get(o, "cni-args");
	if (v && !json_is_null(v)) {
		if (!json_is_object(v))
			return err_set(e, -EINVAL, "%s: \"cni-args\" must be an object", quote);
		s->cni_args = json_incref(v);
	}
	v = json_object_get(o, "portMappings");
	if (v && !json_is_null(v)) {
		if (!json_is_array(v))
			return err_set(e, -EINVAL, "%s: \"portMappings\" must be an array", quote);
		s->port_mappings = json_incref(v);
	}
	v = json_object_get(o, "bandwidth");
	if (v && !json_is_null(v)) {
		if (!json_is_object(v))
			return err_set(e, -EINVAL, "%s: \"bandwidth\" must be an object", quote);
		s->bandwidth = json_incref(v);
	}
	return check_names(s, quote, e);
}

static int parse_json(const char *text, struct k8s_net_sel **ret, size_t *ret_n, struct err *e)
{
	json_auto_t *arr = NULL;
	struct k8s_net_sel *sel;
	json_error_t jerr;
	json_t *o;
	size_t i;
	int r;

	arr = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!arr)
		return err_set(e, -EINVAL, "not valid JSON: %s (line %d, column %d)", jerr.text,
			       jerr.line, jerr.column);
	if (!json_is_array(arr))
		return err_set(e, -EINVAL, "JSON form must be an array of objects");
	if (json_array_size(arr) == 0)
		return err_set(e, -EINVAL, "the network list is empty ([])");
	if (json_array_size(arr) > K8S_NETSEL_MAX_ELEMENTS)
		return err_set(e, -E2BIG, "more than %d networks", K8S_NETSEL_MAX_ELEMENTS);
	sel = calloc(json_array_size(arr), sizeof(*sel));
	if (!sel)
		return -ENOMEM;
	json_array_foreach (arr, i, o) {
		r = json_element(o, i, &sel[i], e);
		if (r < 0) {
			k8s_netsel_free(sel, i + 1);
			return r;
		}
	}
	*ret = sel;
	*ret_n = json_array_size(arr);
	return 0;
}

int k8s_netsel_parse(const char *text, struct k8s_net_sel **ret, size_t *ret_n, struct err *e)
{
	const char *p = text;

	if (!text)
		return err_set(e, -EINVAL, "the network list is empty");
	if (strlen(text) > K8S_NETSEL_MAX_BYTES)
		return err_set(e, -E2BIG, "the network list is longer than %d bytes",
			       K8S_NETSEL_MAX_BYTES);
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return err_set(e, -EINVAL, "the network list is empty");
	if (*p == '[' || *p == '{')
		return parse_json(p, ret, ret_n, e);
	return parse_list(p, ret, ret_n, e);
}
