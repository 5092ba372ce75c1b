// SPDX-License-Identifier: GPL-2.0-or-later
/* The plugin's use of the Kubernetes API: opening it, the pod, the status annotations. All of
 * it runs in the host netns, before any namespace switch and after every one. */
#include <ctype.h>
#include <stdio.h>
#include <time.h>

#include "cni/cni.h"
#include "cni/result.h"
#include "k8s/kubeconfig.h"
#include "multus/api.h"
#include "multus/log.h"
#include "util/names.h"

int multus_api_open(struct multus_ctx *ctx, struct err *e)
{
	_cleanup_(k8s_config_freep) struct k8s_config *cfg = NULL;
	long timeout_ms = (long)(ctx->nc.api_timeout_seconds * 1000);
	int r;

	if (ctx->nc.kubeconfig[0])
		r = k8s_config_load(ctx->nc.kubeconfig, &cfg, e);
	else if (getenv("KUBERNETES_SERVICE_HOST") && getenv("KUBERNETES_SERVICE_PORT"))
		r = k8s_config_in_cluster(getenv("MULTUS_SA_TOKEN_FILE"),
					  getenv("MULTUS_SA_CA_FILE"), &cfg, e);
	else
		return 0; /* no API use at all */
	if (r < 0) {
		if (!e->code)
			e->code = CNI_ERR_API;
		return r;
	}
	r = k8s_client_new(cfg, timeout_ms, &ctx->api, e);
	if (r < 0 && !e->code)
		e->code = CNI_ERR_API;
	return r;
}

int multus_pod_fetch(struct multus_ctx *ctx, struct err *e)
{
	const char *ns = ctx->env.pod_namespace, *name = ctx->env.pod_name, *uid;
	int r;

	/* podman sends only a name: that is no pod we can look up. */
	if (!ctx->api || !ns || !name || !ns[0] || !name[0])
		return 0;
	r = k8s_get_pod(ctx->api, ns, name, &ctx->pod, e);
	if (r < 0) {
		e->code = CNI_ERR_API;
		return err_prefix(e, r, "cannot read pod %s/%s", ns, name);
	}
	uid = json_string_value(json_object_get(json_object_get(ctx->pod, "metadata"), "uid"));
	if (ctx->env.pod_uid && ctx->env.pod_uid[0] && uid && !streq(uid, ctx->env.pod_uid))
		return err_setc(
		    e, CNI_ERR_UNKNOWN_CONTAINER, -ESTALE,
		    "pod %s/%s has UID %s, not K8S_POD_UID %s (a newer pod of the same name?)", ns,
		    name, uid, ctx->env.pod_uid);
	return 0;
}

const char *multus_pod_annotation(const struct multus_ctx *ctx, const char *key)
{
	json_t *a = json_object_get(json_object_get(ctx->pod, "metadata"), "annotations");

	return json_string_value(json_object_get(a, key));
}

int multus_pod_annotations_check(const struct multus_ctx *ctx, const char *const *keys, size_t n,
				 struct err *e)
{
	const char *ns = ctx->env.pod_namespace, *name = ctx->env.pod_name;
	json_t *meta = json_object_get(ctx->pod, "metadata");
	json_t *ann = json_object_get(meta, "annotations");

	if (meta && !json_is_object(meta))
		return err_setc(e, CNI_ERR_API, -EPROTO, "pod %s/%s: metadata is not an object", ns,
				name);
	if (ann && !json_is_null(ann) && !json_is_object(ann))
		return err_setc(e, CNI_ERR_API, -EPROTO,
				"pod %s/%s: metadata.annotations is not an object", ns, name);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(ann, keys[i]);

		if (v && !json_is_string(v))
			return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
					"pod %s/%s: annotation %s is not a string", ns, name,
					keys[i]);
	}
	return 0;
}

/* Addresses of the attachment's sandbox interface, without prefix length. */
static json_t *status_ips(json_t *res, int iface, json_t **ret_gw)
{
	json_t *ips = json_array(), *gws = json_array(), *ip;
	size_t i;

	json_array_foreach (json_object_get(res, "ips"), i, ip) {
		json_t *idx = json_object_get(ip, "interface");
		const char *addr = json_string_value(json_object_get(ip, "address"));
		const char *gw = json_string_value(json_object_get(ip, "gateway"));

		if (!addr || (idx && iface >= 0 && json_integer_value(idx) != iface))
			continue;
		json_array_append_new(ips, json_stringn(addr, strcspn(addr, "/")));
		if (gw)
			json_array_append_new(gws, json_string(gw));
	}
	*ret_gw = gws;
	return ips;
}

json_t *multus_network_status(const struct plan *p)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < p->n; i++) {
		const struct attachment *a = &p->att[i];
		int iface = cni_result_find_sandbox_iface(a->result, a->ifname);
		json_t *ifo =
		    json_array_get(json_object_get(a->result, "interfaces"), (size_t)iface);
		json_t *dns = json_object_get(a->result, "dns"), *gws = NULL;
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(a->network));
		json_object_set_new(o, "interface", json_string(a->ifname));
		json_object_set_new(o, "ips", status_ips(a->result, iface, &gws));
		if (json_string_value(json_object_get(ifo, "mac")))
			json_object_set(o, "mac", json_object_get(ifo, "mac"));
		json_object_set_new(o, "default", json_boolean(a->master));
		json_object_set_new(o, "dns",
				    json_is_object(dns) ? json_incref(dns) : json_object());
		if (a->default_route) {
			json_decref(gws);
			gws = json_incref(a->default_route);
		}
		if (json_array_size(gws))
			json_object_set_new(o, "gateway", gws);
		else
			json_decref(gws);
		if (a->device_info)
			json_object_set(o, "device-info", a->device_info);
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *multus_status_annotations(const struct plan *p)
{
	json_auto_t *status = multus_network_status(p);
	_cleanup_free_ char *text = NULL;

	text = json_dumps(status, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text)
		return NULL;
	return json_pack("{s:s,s:s}", "k8s.v1.cni.cncf.io/network-status", text,
			 "tke.cloud.tencent.com/networks-status", text);
}

void multus_status_patch(struct multus_ctx *ctx, const struct plan *p)
{
	json_auto_t *ann = NULL;
	struct err e = { 0 };

	if (!ctx->api || !ctx->pod)
		return;
	ann = multus_status_annotations(p);
	if (!ann)
		return;
	/* Not fatal: the pod is wired; a missing status is a cosmetic loss. */
	if (k8s_patch_pod_annotations(ctx->api, p->pod_namespace, p->pod_name, ann, &e) < 0)
		log_warning("cannot write the network-status annotations of pod %s/%s: %s",
			    p->pod_namespace, p->pod_name, e.msg);
}

char *multus_event_message(const struct attachment *a)
{
	json_t *ip;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	bool first = true;

	if (!f)
		return NULL;
	/* Go's %v of a []string: "[a b]". */
	fprintf(f, "Add %s [", a->ifname);
	json_array_foreach (json_object_get(a->result, "ips"), i, ip) {
		const char *addr = json_string_value(json_object_get(ip, "address"));

		if (!addr)
			continue;
		fprintf(f, "%s%s", first ? "" : " ", addr);
		first = false;
	}
	fputc(']', f);
	if (a->network && a->network[0])
		fprintf(f, " from %s", a->network);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

json_t *multus_added_event(json_t *pod, const struct attachment *a, const struct timespec *when,
			   unsigned seq)
{
	json_t *meta = json_object_get(pod, "metadata");
	const char *ns = json_string_value(json_object_get(meta, "namespace"));
	const char *name = json_string_value(json_object_get(meta, "name"));
	const char *uid = json_string_value(json_object_get(meta, "uid"));
	const char *rv = json_string_value(json_object_get(meta, "resourceVersion"));
	_cleanup_free_ char *msg = multus_event_message(a);
	char ev_name[254], ts[32];
	unsigned long long nanos;
	json_t *ref;
	struct tm tm;
	int n;

	if (!ns || !name || !msg)
		return NULL;
	/* client-go's recorder names an event "<object>.<hex UnixNano>"; seq keeps the names of
	 * one ADD's events apart. The object's part is cut so the whole stays a subdomain. */
	nanos =
	    (unsigned long long)when->tv_sec * 1000000000ULL + (unsigned long long)when->tv_nsec;
	n = (int)strlen(name);
	if (n > 253 - 17)
		n = 253 - 17;
	while (n > 0 && !isalnum((unsigned char)name[n - 1]))
		n--;
	snprintf(ev_name, sizeof(ev_name), "%.*s.%llx", n, name, nanos + seq);
	gmtime_r(&when->tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	ref = json_pack("{s:s,s:s,s:s,s:s}", "kind", "Pod", "namespace", ns, "name", name,
			"apiVersion", "v1");
	if (ref && uid)
		json_object_set_new(ref, "uid", json_string(uid));
	if (ref && rv)
		json_object_set_new(ref, "resourceVersion", json_string(rv));
	return json_pack("{s:s,s:s,s:{s:s,s:s},s:o,s:s,s:s,s:{s:s},s:s,s:s,s:i,s:s,s:s}",
			 "apiVersion", "v1", "kind", "Event", "metadata", "name", ev_name,
			 "namespace", ns, "involvedObject", ref, "reason", "AddedInterface",
			 "message", msg, "source", "component", "multus", "firstTimestamp", ts,
			 "lastTimestamp", ts, "count", 1, "type", "Normal", "reportingComponent",
			 "multus");
}

void multus_events_write(struct multus_ctx *ctx, const struct plan *p)
{
	struct timespec now;

	if (!ctx->api || !ctx->pod)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	for (size_t i = 0; i < p->n; i++) {
		json_auto_t *ev = multus_added_event(ctx->pod, &p->att[i], &now, (unsigned)i);
		struct err e = { 0 };
		int r;

		r = ev ? k8s_create(ctx->api, "/api/v1", p->pod_namespace, "events", ev, NULL, &e)
		       : err_set(&e, -ENOMEM, "out of memory");
		/* Not fatal. The first failure (RBAC, the bound spent, a server error) would be
		 * the next one's too: one warning, no more tries. */
		if (r < 0) {
			log_warning("cannot write the AddedInterface events of pod %s/%s "
				    "(%zu of %zu not written): %s",
				    p->pod_namespace, p->pod_name, p->n - i, p->n, e.msg);
			return;
		}
	}
}
