// SPDX-License-Identifier: GPL-2.0-or-later
/* The planner's lookup of one network by name: a NetworkAttachmentDefinition, else confDir. */
#include <stdio.h>

#include "cni/cni.h"
#include "cni/delegate.h"
#include "k8s/annotations.h"
#include "multus/cache.h"
#include "multus/confdir.h"
#include "multus/lookup.h"
#include "util/names.h"

/* Config text from a NAD's spec.config, with the NAD's name when the config has none. */
static int conf_from_nad(json_t *nad, const char *ns, const char *name, json_t **ret, struct err *e)
{
	json_t *spec = json_object_get(nad, "spec"), *config = json_object_get(spec, "config");
	const char *text = json_string_value(config);
	json_auto_t *conf = NULL;
	json_error_t jerr;
	char what[300];
	int r;

	snprintf(what, sizeof(what), "NetworkAttachmentDefinition %s/%s", ns, name);
	/* Not "no config": the API sent something else, which a Go client would not decode. */
	if (spec && !json_is_null(spec) && !json_is_object(spec))
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL, "%s: spec is not an object",
				what);
	if (config && !json_is_null(config) && !text)
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				"%s: spec.config is not a string", what);
	if (!text || !text[0])
		return -ENOENT;
	conf = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!conf)
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				"%s: spec.config is not valid JSON: %s", what, jerr.text);
	r = cni_conf_validate(conf, what, e);
	if (r < 0)
		return r;
	if (!json_is_string(json_object_get(conf, "name")))
		json_object_set_new(conf, "name", json_string(name));
	*ret = TAKE_PTR(conf);
	return 0;
}

/* Whether a network by that name is looked for among the NADs at all. */
static bool nad_wanted(const struct multus_ctx *ctx, const char *ns, const char *name)
{
	return multus_nad_source(ctx) && ns && name_is_dns1123_subdomain(name);
}

int multus_network_lookup_want(const struct multus_ctx *ctx, struct nad_cache *nads, const char *ns,
			       const char *name)
{
	return nad_wanted(ctx, ns, name) ? nad_cache_want(nads, ns, name) : 0;
}

#define ANN_RESOURCE "k8s.v1.cni.cncf.io/resourceName"

int multus_network_lookup(struct multus_ctx *ctx, struct confdir_scan *scan, struct nad_cache *nads,
			  const char *ns, const char *name, json_t **ret_conf, char **ret_network,
			  char **ret_resource, struct err *e)
{
	json_auto_t *nad = NULL, *conf = NULL;
	bool nad_empty = false, asked = false;
	int r;

	if (nad_wanted(ctx, ns, name)) {
		asked = true;
		r = multus_nad_get(ctx, nads, ns, name, &nad, e);
		if (r < 0 && r != -ENOENT) {
			e->code = CNI_ERR_API;
			return err_prefix(e, r, "network \"%s/%s\"", ns, name);
		}
		if (r == 0) {
			const char *res = json_string_value(json_object_get(
			    json_object_get(json_object_get(nad, "metadata"), "annotations"),
			    ANN_RESOURCE));

			if (ret_resource && res && res[0] && !(*ret_resource = strdup(res)))
				return -ENOMEM;
			r = conf_from_nad(nad, ns, name, &conf, e);
			if (r < 0 && r != -ENOENT)
				return r;
			nad_empty = r == -ENOENT;
			if (r == 0) {
				if (asprintf(ret_network, "%s/%s", ns, name) < 0)
					return -ENOMEM;
				*ret_conf = TAKE_PTR(conf);
				return 0;
			}
		}
	}
	r = confdir_scan_find(scan, name, &conf, e);
	if (r == -ENOENT)
		return err_setc(
		    e, CNI_ERR_INVALID_NETCONF, -ENOENT,
		    "network \"%s%s%s\" not found: %s%s%s%s%sno config named \"%s\" in %s%s",
		    ns ? ns : "", ns ? "/" : "", name, asked ? "NetworkAttachmentDefinition " : "",
		    asked ? ns : "", asked ? "/" : "", asked ? name : "",
		    !asked	? ""
		    : nad_empty ? " has no spec.config and "
				: " does not exist and ",
		    name, ctx->nc.conf_dir,
		    json_object_get_ci(ctx->nc.raw, "confDir") ? ""
							       : " or " CONFDIR_UPSTREAM_DEFAULT);
	if (r < 0)
		return r;
	if (nad_empty)
		r = asprintf(ret_network, "%s/%s", ns, name) < 0 ? -ENOMEM : 0;
	else if (!(*ret_network = strdup(json_string_value(json_object_get(conf, "name")))))
		r = -ENOMEM;
	if (r < 0)
		return r;
	*ret_conf = TAKE_PTR(conf);
	return 0;
}

int multus_confdir_scan(const struct multus_ctx *ctx, void (*warn)(const char *msg),
			struct confdir_scan **ret)
{
	int r = confdir_scan_new(ctx->nc.conf_dir, warn, ret);

	/* An upstream node's files, where upstream looks without the key. */
	if (r == 0 && !json_object_get_ci(ctx->nc.raw, "confDir"))
		r = confdir_scan_also(*ret, CONFDIR_UPSTREAM_DEFAULT);
	return r;
}
