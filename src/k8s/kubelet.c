// SPDX-License-Identifier: GPL-2.0-or-later
/* The pod's devices from the kubelet: which source to ask, and the shape of the answer. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "k8s/kubelet.h"
#include "util/fileio.h"

/* Kubernetes resource names are a DNS subdomain, '/' and a name: 253 + 1 + 63. */
#define RESOURCE_MAX 317
#define DEVICE_ID_MAX 256
#define DEVICES_MAX 4096

static bool printable(const char *s, size_t max)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (n >= max || (unsigned char)s[n] <= 0x20 || (unsigned char)s[n] >= 0x7f)
			return false;
	return n > 0;
}

int k8s_devices_add(json_t *devices, const char *resource, const char *id, struct err *e)
{
	json_t *ids;
	size_t total = 0;
	const char *k;
	json_t *v;

	if (!resource || !printable(resource, RESOURCE_MAX))
		return err_set(e, -EPROTO, "invalid resource name \"%.64s\"",
			       resource ? resource : "");
	if (!id || !printable(id, DEVICE_ID_MAX))
		return err_set(e, -EPROTO, "resource %s: invalid device ID \"%.64s\"", resource,
			       id ? id : "");
	json_object_foreach (devices, k, v)
		total += json_array_size(v);
	if (total >= DEVICES_MAX)
		return err_set(e, -EPROTO, "more than %d devices for one pod", DEVICES_MAX);
	ids = json_object_get(devices, resource);
	if (!ids) {
		ids = json_array();
		if (!ids || json_object_set_new(devices, resource, ids) < 0)
			return -ENOMEM;
	}
	return json_array_append_new(ids, json_string(id)) < 0 ? -ENOMEM : 0;
}

static int cmp_json_str(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a),
		      json_string_value(*(json_t *const *)b));
}

void k8s_devices_sort(json_t *devices)
{
	const char *k;
	json_t *ids;

	json_object_foreach (devices, k, ids) {
		size_t n = json_array_size(ids), out = 0;
		_cleanup_free_ json_t **v = calloc(n ? n : 1, sizeof(*v));

		if (!v)
			continue; /* left in the kubelet's order */
		for (size_t i = 0; i < n; i++)
			v[i] = json_incref(json_array_get(ids, i));
		qsort(v, n, sizeof(*v), cmp_json_str);
		json_array_clear(ids);
		for (size_t i = 0; i < n; i++) {
			if (out && streq(json_string_value(v[i]),
					 json_string_value(json_array_get(ids, out - 1)))) {
				json_decref(v[i]);
				continue;
			}
			json_array_append_new(ids, v[i]);
			out++;
		}
	}
}

static int from_checkpoint(const char *path, const struct k8s_pod_ref *pod, json_t *devices,
			   struct err *e)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = read_file_bounded(path, O_NOFOLLOW, K8S_KUBELET_REPLY_MAX, &text, &len);
	if (r == -ENOENT)
		return r;
	if (r < 0)
		return err_set(e, r, "kubelet checkpoint %s: %s", path, read_file_strerror(r));
	if (!pod->uid || !pod->uid[0])
		return err_set(
		    e, -EINVAL,
		    "kubelet checkpoint %s: the pod's uid is not known, so its devices cannot be found",
		    path);
	r = k8s_checkpoint_parse(text, len, pod->uid, devices, e);
	if (r < 0)
		return err_prefix(e, r, "kubelet checkpoint %s", path);
	return 0;
}

int k8s_kubelet_pod_devices(const char *socket, const char *checkpoint,
			    const struct k8s_pod_ref *pod, long timeout_ms, json_t **ret,
			    const char **ret_source, struct err *e)
{
	json_auto_t *devices = NULL;
	const char *source;
	struct stat st;
	int r;

	/* As upstream: the API when its socket is there, the checkpoint otherwise. */
	if (stat(socket, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return err_set(e, -ENOTSOCK,
				       "kubelet PodResources socket %s is not a socket", socket);
		r = k8s_podresources_pod_devices(socket, pod, timeout_ms, &devices, e);
		if (r < 0)
			return r;
		source = "the kubelet's PodResources API";
	} else if (errno == ENOENT) {
		devices = json_object();
		if (!devices)
			return -ENOMEM;
		r = from_checkpoint(checkpoint, pod, devices, e);
		if (r == -ENOENT)
			return err_set(
			    e, r,
			    "neither the kubelet's PodResources socket %s nor its device checkpoint %s exists",
			    socket, checkpoint);
		if (r < 0)
			return r;
		source = "the kubelet's device checkpoint";
	} else {
		r = negative_errno();
		return err_set(e, r, "kubelet PodResources socket %s: %s", socket, strerror(-r));
	}
	k8s_devices_sort(devices);
	*ret = TAKE_PTR(devices);
	if (ret_source)
		*ret_source = source;
	return 0;
}
