// SPDX-License-Identifier: GPL-2.0-or-later
/* The node-local cache protocol's request objects, as the plugin makes them (cache_proto.h). */
#include <stdio.h>
#include <stdlib.h>

#include "k8s/cache_proto.h"
#include "k8s/cache_proto_int.h"
#include "util/names.h"

static json_t *req_new(const char *op, const char *ns)
{
	if (!ns || !name_is_dns1123_label(ns))
		return NULL;
	return json_pack("{s:i,s:s,s:s}", "v", CACHE_PROTO_VERSION, "op", op, "namespace", ns);
}

static json_t *req_pod_like(const char *op, const char *ns, const char *name, const char *uid)
{
	json_t *o;

	if (!name || !name_is_dns1123_subdomain(name) || !cache_uid_ok(uid ? uid : ""))
		return NULL;
	o = req_new(op, ns);
	if (o && (json_object_set_new(o, "name", json_string(name)) < 0 ||
		  json_object_set_new(o, "uid", json_string(uid ? uid : "")) < 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *cache_req_pod(const char *ns, const char *name, const char *uid)
{
	return req_pod_like("pod", ns, name, uid);
}

int cache_req_pod_prefetch(json_t *req, const char *multus_ns, const char *const *nss,
			   const char *const *names, size_t n)
{
	json_t *arr;

	if (!req || n > CACHE_NAMES_MAX || (multus_ns && !name_is_dns1123_label(multus_ns)))
		return -EINVAL;
	/* All checked first: an invalid one leaves the request as it was. */
	for (size_t i = 0; i < n; i++)
		if (!nss[i] || !names[i] || !name_is_dns1123_label(nss[i]) ||
		    !name_is_dns1123_subdomain(names[i]))
			return -EINVAL;
	if (multus_ns && json_object_set_new(req, "multusNamespace", json_string(multus_ns)) < 0)
		return -ENOMEM;
	if (!n)
		return 0;
	arr = json_array();
	if (!arr || json_object_set_new(req, "nadkeys", arr) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char *key = NULL;
		int r;

		if (asprintf(&key, "%s/%s", nss[i], names[i]) < 0)
			return -ENOMEM;
		r = json_array_append_new(arr, json_string(key));
		free(key);
		if (r < 0)
			return -ENOMEM;
	}
	return 0;
}

json_t *cache_req_nads(const char *ns, const char *const *names, size_t n)
{
	json_auto_t *o = NULL;
	json_t *arr;

	if (!n || n > CACHE_NAMES_MAX)
		return NULL;
	o = req_new("nads", ns);
	arr = json_array();
	if (!o || json_object_set_new(o, "names", arr) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!name_is_dns1123_subdomain(names[i]) ||
		    json_array_append_new(arr, json_string(names[i])) < 0)
			return NULL;
	return TAKE_PTR(o);
}

json_t *cache_req_nadkeys(const char *ns, const char *const *nss, const char *const *names,
			  size_t n)
{
	json_auto_t *o = NULL;
	json_t *arr;

	if (!n || n > CACHE_NAMES_MAX)
		return NULL;
	o = req_new("nadkeys", ns);
	arr = json_array();
	if (!o || json_object_set_new(o, "keys", arr) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *key = NULL;

		if (!nss[i] || !name_is_dns1123_label(nss[i]) ||
		    !name_is_dns1123_subdomain(names[i]) ||
		    asprintf(&key, "%s/%s", nss[i], names[i]) < 0)
			return NULL;
		if (json_array_append_new(arr, json_string(key)) < 0)
			return NULL;
	}
	return TAKE_PTR(o);
}

json_t *cache_req_status(const char *ns, const char *name, const char *uid, json_t *annotations)
{
	json_auto_t *o = NULL;

	if (!cache_annotations_ok(annotations))
		return NULL;
	o = req_pod_like("status", ns, name, uid);
	if (!o || json_object_set(o, "annotations", annotations) < 0)
		return NULL;
	return TAKE_PTR(o);
}

json_t *cache_req_events(const char *ns, json_t *events)
{
	json_auto_t *o = NULL;

	if (!json_is_array(events) || !json_array_size(events) ||
	    json_array_size(events) > CACHE_EVENTS_MAX)
		return NULL;
	o = req_new("events", ns);
	if (!o || json_object_set(o, "events", events) < 0)
		return NULL;
	return TAKE_PTR(o);
}

json_t *cache_req_report(const char *ns, const char *name, const char *uid, json_t *annotations,
			 json_t *events)
{
	json_auto_t *o = NULL;

	if (!cache_annotations_ok(annotations) || !json_object_size(annotations) ||
	    (events && (!json_is_array(events) || json_array_size(events) > CACHE_EVENTS_MAX)))
		return NULL;
	o = req_pod_like("report", ns, name, uid);
	if (!o || json_object_set(o, "annotations", annotations) < 0)
		return NULL;
	if (events && json_array_size(events) && json_object_set(o, "events", events) < 0)
		return NULL;
	return TAKE_PTR(o);
}

int cache_req_set_timeout(json_t *req, long timeout_ms)
{
	const char *op = cache_member(req, "op");

	if (!op || (!streq(op, "status") && !streq(op, "events") && !streq(op, "report")) ||
	    timeout_ms < 1 || timeout_ms > CACHE_TIMEOUT_MS_MAX)
		return -EINVAL;
	return json_object_set_new(req, "timeoutMs", json_integer(timeout_ms)) < 0 ? -ENOMEM : 0;
}
