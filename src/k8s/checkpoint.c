// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kubelet device manager's checkpoint (/var/lib/kubelet/device-plugins/
 * kubelet_internal_checkpoint), the fallback where the PodResources socket is absent:
 *   {"Data": {"PodDeviceEntries": [{"PodUID": "...", "ContainerName": "...",
 *             "ResourceName": "example.com/vf", "DeviceIDs": ..., "AllocResp": "..."}],
 *             "RegisteredDevices": {...}},
 *    "Checksum": 1234}
 * DeviceIDs is a list of IDs (kubelets before 1.20) or an object from NUMA node to a list.
 * The checksum is not checked: the kubelet computes it over its Go structures, and the file
 * is replaced atomically anyway.
 */
#include <stdio.h>

#include "k8s/kubelet.h"

static int add_list(json_t *devices, const char *resource, json_t *list, struct err *e)
{
	json_t *id;
	size_t i;
	int r;

	if (!json_is_array(list))
		return err_set(e, -EPROTO, "resource %s: DeviceIDs is neither a list nor a map",
			       resource);
	json_array_foreach (list, i, id) {
		if (!json_is_string(id))
			return err_set(e, -EPROTO, "resource %s: a device ID is not a string",
				       resource);
		r = k8s_devices_add(devices, resource, json_string_value(id), e);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_entry(json_t *devices, json_t *entry, struct err *e)
{
	const char *resource = json_string_value(json_object_get(entry, "ResourceName"));
	json_t *ids = json_object_get(entry, "DeviceIDs"), *list;
	const char *numa;
	int r;

	if (!resource)
		return err_set(e, -EPROTO, "an entry of the pod has no ResourceName");
	if (!json_is_object(ids))
		return add_list(devices, resource, ids, e);
	json_object_foreach (ids, numa, list) {
		r = add_list(devices, resource, list, e);
		if (r < 0)
			return r;
	}
	return 0;
}

int k8s_checkpoint_parse(const char *text, size_t len, const char *uid, json_t *devices,
			 struct err *e)
{
	json_auto_t *root = NULL;
	json_error_t jerr;
	json_t *entries, *entry;
	size_t i;
	int r;

	root = json_loadb(text, len, 0, &jerr);
	if (!root)
		return err_set(e, -EPROTO, "not JSON: %s (line %d)", jerr.text, jerr.line);
	entries = json_object_get(json_object_get(root, "Data"), "PodDeviceEntries");
	/* A kubelet with no device allocated writes null. */
	if (json_is_null(entries) && json_is_object(json_object_get(root, "Data")))
		return 0;
	if (!json_is_array(entries))
		return err_set(e, -EPROTO,
			       "no Data.PodDeviceEntries list: not a device checkpoint");
	json_array_foreach (entries, i, entry) {
		const char *pod = json_string_value(json_object_get(entry, "PodUID"));

		/* Only this pod's entries matter; others are not ours to judge. */
		if (!pod || !streq(pod, uid))
			continue;
		r = add_entry(devices, entry, e);
		if (r < 0)
			return err_prefix(e, r, "PodDeviceEntries[%zu]", i);
	}
	return 0;
}
