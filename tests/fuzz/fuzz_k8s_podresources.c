// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: kubelet PodResources reply bodies. The first byte chooses Get (odd) or List
 * (even); the rest is the HTTP/2 body as the client gets it: a gRPC frame holding a
 * GetPodResourcesResponse or ListPodResourcesResponse, looked through for pod default/sriov.
 * The unframed bytes are decoded as a bare message too, so the corpus need not be framed.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "k8s/kubelet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_msg(const struct err *e)
{
	if (strlen(e->msg) >= sizeof(e->msg))
		__builtin_trap();
}

/* What the lookup hands on: printable IDs, at most 4096 of them. */
static void check_devices(json_t *devices)
{
	size_t total = 0;
	const char *k;
	json_t *ids, *id;
	size_t i;

	json_object_foreach (devices, k, ids) {
		json_array_foreach (ids, i, id) {
			for (const char *p = json_string_value(id); *p; p++)
				if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
					__builtin_trap();
			if (i && strcmp(json_string_value(json_array_get(ids, i - 1)),
					json_string_value(id)) >= 0)
				__builtin_trap();
		}
		total += json_array_size(ids);
	}
	if (total > 4096)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *msg;
	size_t len;
	struct err e = { 0 };
	bool get;

	if (size < 1)
		return 0;
	get = data[0] & 1;
	for (int framed = 0; framed < 2; framed++) {
		json_auto_t *devices = json_object();

		msg = data + 1;
		len = size - 1;
		if (framed && k8s_grpc_unframe(data + 1, size - 1, &msg, &len, &e) < 0) {
			check_msg(&e);
			continue;
		}
		if (k8s_podresources_parse(msg, len, get, "default", "sriov", devices, &e) < 0) {
			check_msg(&e);
			continue;
		}
		k8s_devices_sort(devices);
		check_devices(devices);
	}
	return 0;
}
