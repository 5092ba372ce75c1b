// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cni.h"
#include "multus/plan.h"
#include "multus/plan_int.h"
#include "util/names.h"

void plan_attachment_done(struct attachment *a)
{
	free(a->network);
	free(a->ifname);
	json_decref(a->conf);
	free(a->version);
	json_decref(a->runtime_config);
	free(a->cni_args);
	json_decref(a->default_route);
	free(a->resource_name);
	json_decref(a->result);
	json_decref(a->device_info);
	free(a->links);
}

void plan_free(struct plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		plan_attachment_done(&p->att[i]);
	free(p->att);
	free(p->pre);
	for (size_t i = 0; i < p->n_legacy_files; i++)
		free(p->legacy_files[i]);
	free(p->legacy_files);
	free(p->conf_name);
	free(p->container_id);
	free(p->netns);
	free(p->ifname);
	free(p->cni_version);
	free(p->pod_namespace);
	free(p->pod_name);
	free(p->pod_uid);
	free(p);
}

void plan_freep(struct plan **p)
{
	plan_free(*p);
}

/* Generous: the annotation parser stops at 64 networks, plus cluster and default networks. */
#define PLAN_MAX_ATTACHMENTS 128

struct attachment *plan_add(struct plan *p)
{
	struct attachment *n;

	if (p->n >= PLAN_MAX_ATTACHMENTS)
		return NULL;
	n = realloc(p->att, (p->n + 1) * sizeof(*n));
	if (!n)
		return NULL;
	p->att = n;
	memset(&p->att[p->n], 0, sizeof(p->att[p->n]));
	return &p->att[p->n++];
}

void plan_truncate(struct plan *p, size_t n)
{
	while (p->n > n)
		plan_attachment_done(&p->att[--p->n]);
}

struct attachment *plan_master(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->att[i].master)
			return &p->att[i];
	return NULL;
}

/* Adds or renames the link `index` in a list of links. */
static int links_put(struct owned_link **links, size_t *n, const char *name, int index)
{
	struct owned_link *nl;

	for (size_t i = 0; i < *n; i++)
		if ((*links)[i].index == index) {
			snprintf((*links)[i].name, sizeof((*links)[i].name), "%s", name);
			return 0;
		}
	nl = realloc(*links, (*n + 1) * sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	*links = nl;
	snprintf(nl[*n].name, sizeof(nl[*n].name), "%s", name);
	nl[(*n)++].index = index;
	return 0;
}

int attachment_own_link(struct attachment *a, const char *name, int index)
{
	return links_put(&a->links, &a->n_links, name, index);
}

int plan_add_preexisting(struct plan *p, const char *name, int index)
{
	return links_put(&p->pre, &p->n_pre, name, index);
}

json_t *plan_links_to_json(const struct owned_link *links, size_t n, int *bad)
{
	json_t *arr = json_array();

	for (size_t k = 0; k < n; k++)
		*bad |= json_array_append_new(
		    arr, json_pack("{s:s,s:i}", "name", links[k].name, "index", links[k].index));
	return arr;
}

/* Parses [{"name","index"}] into a list; -EBADMSG for anything else, *ret_bad saying which
 * element (SIZE_MAX: not an array). */
static int links_from_json(json_t *arr, struct owned_link **links, size_t *n, size_t *ret_bad)
{
	json_t *l;
	size_t i;

	*ret_bad = SIZE_MAX;
	if (arr && !json_is_null(arr) && !json_is_array(arr))
		return -EBADMSG;
	json_array_foreach (arr, i, l) {
		const char *name;
		json_int_t index;

		if (json_unpack(l, "{s:s,s:I}", "name", &name, "index", &index) < 0 ||
		    !name_is_ifname(name) || index <= 0 || index > INT32_MAX) {
			*ret_bad = i;
			return -EBADMSG;
		}
		if (links_put(links, n, name, (int)index) < 0)
			return -ENOMEM;
	}
	return 0;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *plan_head_to_json(const struct plan *p, int *bad)
{
	json_t *j = json_object();

	/* Every set must succeed: json_string() refuses text that is not UTF-8, and a record
	 * missing an attachment would make DEL leave it behind. */
	*bad |= json_object_set_new(j, "formatVersion", json_integer(1));
	*bad |= json_object_set_new(j, "name", str_or_null(p->conf_name));
	*bad |= json_object_set_new(j, "containerID", str_or_null(p->container_id));
	*bad |= json_object_set_new(j, "netns", str_or_null(p->netns));
	*bad |= json_object_set_new(j, "ifname", str_or_null(p->ifname));
	*bad |= json_object_set_new(j, "cniVersion", str_or_null(p->cni_version));
	*bad |= json_object_set_new(j, "podNamespace", str_or_null(p->pod_namespace));
	*bad |= json_object_set_new(j, "podName", str_or_null(p->pod_name));
	*bad |= json_object_set_new(j, "podUID", str_or_null(p->pod_uid));
	*bad |= json_object_set_new(j, "generation", json_integer((json_int_t)p->generation));
	return j;
}

json_t *plan_att_to_json(const struct attachment *a, const char *conf, int *bad)
{
	json_t *links = plan_links_to_json(a->links, a->n_links, bad);

	return json_pack("{s:s,s:s,s:b,s:s,s:s,s:O?,s:s?,s:O?,s:s*,s:s,s:O?,s:o}", "network",
			 a->network, "ifname", a->ifname, "master", a->master, "config", conf,
			 "cniVersion", a->version, "runtimeConfig", a->runtime_config, "cniArgs",
			 a->cni_args, "defaultRoute", a->default_route, "resourceName",
			 a->resource_name, "state", a->state == ATT_ADDED ? "added" : "planned",
			 "result", a->result, "links", links);
}

json_t *plan_to_json(const struct plan *p)
{
	json_auto_t *j = NULL, *arr = json_array();
	int bad = 0;

	j = plan_head_to_json(p, &bad);
	for (size_t i = 0; i < p->n; i++) {
		char *conf = json_dumps(p->att[i].conf, PLAN_TEXT_FLAGS);

		bad |= json_array_append_new(arr, plan_att_to_json(&p->att[i], conf, &bad));
		free(conf);
	}
	bad |= json_object_set(j, "attachments", arr);
	bad |= json_object_set_new(j, "preexisting", plan_links_to_json(p->pre, p->n_pre, &bad));
	if (bad || json_array_size(arr) != p->n)
		return NULL;
	return TAKE_PTR(j);
}

static int dup_opt(json_t *j, const char *key, char **out)
{
	json_t *v = json_object_get(j, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -EINVAL;
	*out = strdup(json_string_value(v));
	return *out ? 0 : -ENOMEM;
}

static int att_from_json(json_t *o, struct attachment *a, struct err *e, size_t idx)
{
	const char *network, *ifname, *conf, *version, *state;
	json_t *rc = NULL, *dr = NULL, *res = NULL, *links = NULL, *args_j = NULL;
	const char *args = NULL, *resource = NULL;
	json_error_t jerr;
	size_t bad;
	int master = 0, r;

	if (json_unpack_ex(o, &jerr, JSON_STRICT,
			   "{s:s,s:s,s:b,s:s,s:s,s?o,s?o,s?o,s?s,s:s,s?o,s?o}", "network", &network,
			   "ifname", &ifname, "master", &master, "config", &conf, "cniVersion",
			   &version, "runtimeConfig", &rc, "cniArgs", &args_j, "defaultRoute", &dr,
			   "resourceName", &resource, "state", &state, "result", &res, "links",
			   &links) < 0)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "attachments[%zu]: %s", idx,
				jerr.text);
	if (!name_is_ifname(ifname))
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "attachments[%zu]: bad ifname", idx);
	if (args_j && !json_is_null(args_j) && !json_is_string(args_j))
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "attachments[%zu]: bad cniArgs", idx);
	args = json_string_value(args_j);
	if (dr && !json_is_null(dr) && !json_is_array(dr))
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "attachments[%zu]: bad defaultRoute",
				idx);
	a->network = strdup(network);
	a->ifname = strdup(ifname);
	a->version = strdup(version);
	a->cni_args = args ? strdup(args) : NULL;
	a->resource_name = resource ? strdup(resource) : NULL;
	a->master = master;
	a->conf = json_loads(conf, 0, &jerr);
	if (!a->network || !a->ifname || !a->version || (args && !a->cni_args) ||
	    (resource && !a->resource_name))
		return -ENOMEM;
	if (!json_is_object(a->conf))
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "attachments[%zu]: bad config", idx);
	if (rc && !json_is_null(rc)) {
		if (!json_is_object(rc))
			return err_setc(e, CNI_ERR_DECODE, -EBADMSG,
					"attachments[%zu]: bad runtimeConfig", idx);
		a->runtime_config = json_incref(rc);
	}
	if (dr && !json_is_null(dr))
		a->default_route = json_incref(dr);
	if (res && !json_is_null(res)) {
		if (!json_is_object(res))
			return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "attachments[%zu]: bad result",
					idx);
		a->result = json_incref(res);
	}
	a->state = streq(state, "added") ? ATT_ADDED : ATT_PLANNED;
	r = links_from_json(links, &a->links, &a->n_links, &bad);
	if (r == -ENOMEM)
		return r;
	if (r < 0 && bad == SIZE_MAX)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "attachments[%zu]: bad links", idx);
	if (r < 0)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "attachments[%zu]: bad links[%zu]",
				idx, bad);
	return 0;
}

int plan_from_json(json_t *j, struct plan **ret, struct err *e)
{
	_cleanup_plan_ struct plan *p = calloc(1, sizeof(*p));
	json_t *arr, *o;
	size_t i;
	int r;

	if (!p)
		return -ENOMEM;
	if (!json_is_object(j) || json_integer_value(json_object_get(j, "formatVersion")) != 1)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "not a store entry of format 1");
	if (dup_opt(j, "containerID", &p->container_id) < 0 || !p->container_id ||
	    !name_is_cni_id(p->container_id))
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "bad containerID");
	if (dup_opt(j, "name", &p->conf_name) < 0 || dup_opt(j, "netns", &p->netns) < 0 ||
	    dup_opt(j, "ifname", &p->ifname) < 0 || dup_opt(j, "cniVersion", &p->cni_version) < 0 ||
	    dup_opt(j, "podNamespace", &p->pod_namespace) < 0 ||
	    dup_opt(j, "podName", &p->pod_name) < 0 || dup_opt(j, "podUID", &p->pod_uid) < 0)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "bad string field");
	o = json_object_get(j, "generation");
	if (o && (!json_is_integer(o) || json_integer_value(o) < 0))
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "bad generation");
	p->generation = o ? (unsigned long)json_integer_value(o) : 0;
	arr = json_object_get(j, "attachments");
	if (!json_is_array(arr) || json_array_size(arr) > PLAN_MAX_ATTACHMENTS)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "bad attachments");
	json_array_foreach (arr, i, o) {
		struct attachment *a = plan_add(p);

		if (!a)
			return -ENOMEM;
		r = att_from_json(o, a, e, i);
		if (r < 0)
			return r;
	}
	r = links_from_json(json_object_get(j, "preexisting"), &p->pre, &p->n_pre, &i);
	if (r < 0)
		return r == -ENOMEM ? r : err_setc(e, CNI_ERR_DECODE, -EBADMSG, "bad preexisting");
	*ret = TAKE_PTR(p);
	return 0;
}
