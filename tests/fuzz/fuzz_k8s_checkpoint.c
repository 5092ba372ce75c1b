// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the kubelet device manager's checkpoint file, as read for the pod with uid
 * "u1" (the corpus uses it), both DeviceIDs shapes.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "k8s/kubelet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_auto_t *devices = json_object();
	struct err e = { 0 };
	const char *k;
	json_t *ids;

	if (k8s_checkpoint_parse((const char *)data, size, "u1", devices, &e) < 0) {
		if (strlen(e.msg) >= sizeof(e.msg) || !e.msg[0])
			__builtin_trap();
		return 0;
	}
	k8s_devices_sort(devices);
	json_object_foreach (devices, k, ids)
		for (size_t i = 1; i < json_array_size(ids); i++)
			if (strcmp(json_string_value(json_array_get(ids, i - 1)),
				   json_string_value(json_array_get(ids, i))) >= 0)
				__builtin_trap();
	return 0;
}
