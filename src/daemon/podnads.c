// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The NADs a pod answer carries (cache_proto.h): those the plugin's request names (its
 * netconf's networks) and those the pod's own network annotations name, as far as the cache
 * has them. With them the plugin needs no second request for its NADs; a NAD left out (not
 * in the cache, or not listed yet) is asked for with nadkeys, which fetches it.
 */
#include <stdio.h>

#include "daemon/daemon_int.h"
#include "k8s/annotations.h"
#include "util/macro.h"

/* The annotations that name networks; a name alone is in the pod's namespace, but for the
 * default network's (as the plugin reads it: in multusNamespace). */
static const struct {
	const char *key;
	bool in_multus_ns;
} net_annotations[] = {
	{ "tke.cloud.tencent.com/networks", false },
	{ "k8s.v1.cni.cncf.io/networks", false },
	{ "v1.multus-cni.io/default-network", true },
};

/* Stops at the answer's limit: twice CACHE_NAMES_MAX, what cache_resp_parse_pod takes. */
static void add(struct daemon *d, json_t *out, const char *ns, const char *name)
{
	char key[CACHE_NS_MAX + 256];
	json_t *nad;

	if (json_object_size(out) >= 2 * CACHE_NAMES_MAX)
		return;
	if (snprintf(key, sizeof(key), "%s/%s", ns, name) >= (int)sizeof(key))
		return;
	nad = json_object_get(d->nads.store, key);
	if (nad)
		json_object_set(out, key, nad);
}

json_t *server_pod_nads(struct daemon *d, const struct cache_req *q, json_t *pod)
{
	json_t *ann = json_object_get(json_object_get(pod, "metadata"), "annotations");
	json_t *out, *v;
	size_t i;

	if (!d->nads.synced || !(out = json_object()))
		return NULL;
	json_array_foreach (q->keys, i, v) {
		char ns[CACHE_NS_MAX];
		const char *name;

		if (cache_nad_key_split(json_string_value(v), ns, &name) == 0)
			add(d, out, ns, name);
	}
	for (size_t k = 0; k < ELEMENTSOF(net_annotations); k++) {
		const char *text = json_string_value(json_object_get(ann, net_annotations[k].key));
		const char *def = net_annotations[k].in_multus_ns
				      ? (q->multus_ns ? q->multus_ns : "kube-system")
				      : q->ns;
		struct k8s_net_sel *sels = NULL;
		size_t n = 0;

		/* What does not parse is the plugin's to refuse, with its own words. */
		if (!text || !text[0] || k8s_netsel_parse(text, &sels, &n, NULL) < 0)
			continue;
		for (size_t s = 0; s < n; s++)
			add(d, out, sels[s].namespace ? sels[s].namespace : def, sels[s].name);
		k8s_netsel_free(sels, n);
	}
	return out;
}
