/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which devices the kubelet gave a pod (device plugins: SR-IOV VFs and the like). From the
 * kubelet's PodResources gRPC API on its unix socket when that socket exists, otherwise
 * from the device manager's checkpoint file. Both only read; every read is bounded in size
 * and time. Never call it while inside a pod netns.
 *
 * The answer is a JSON object from resource name to the pod's device IDs for it, sorted
 * (byte order, as upstream Multus sorts them) and without duplicates:
 *   {"example.com/vf": ["0000:03:02.0", "0000:03:02.1"]}
 * A pod the kubelet knows nothing of gets {}.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define K8S_KUBELET_SOCKET "/var/lib/kubelet/pod-resources/kubelet.sock"
#define K8S_KUBELET_CHECKPOINT "/var/lib/kubelet/device-plugins/kubelet_internal_checkpoint"
/* Replies and checkpoint files larger than this are refused (the kubelet's own gRPC cap). */
#define K8S_KUBELET_REPLY_MAX (16 * 1024 * 1024)

struct k8s_pod_ref {
	const char *namespace, *name; /* for the PodResources API */
	const char *uid; /* for the checkpoint; may be NULL when only the API is used */
};

/*
 * The pod's devices: the PodResources API on `socket` (Get for the one pod, List where the
 * kubelet does not serve Get) if `socket` exists, else the checkpoint file `checkpoint`.
 * All of it takes at most timeout_ms. *ret_source (may be NULL) names where the answer
 * came from, for logs. Errors: -ETIMEDOUT (the kubelet did not answer in time),
 * -ECONNREFUSED, -EPROTO (a reply or file that is not what the kubelet writes), -EFBIG,
 * -ENOENT (neither the socket nor the checkpoint exists), each with a message naming the
 * socket or file.
 */
int k8s_kubelet_pod_devices(const char *socket, const char *checkpoint,
			    const struct k8s_pod_ref *pod, long timeout_ms, json_t **ret,
			    const char **ret_source, struct err *e);

/* podresources.c: the gRPC client. */
int k8s_podresources_pod_devices(const char *socket, const struct k8s_pod_ref *pod, long timeout_ms,
				 json_t **ret, struct err *e);
/*
 * The one message of a gRPC reply body (5-byte frame: uncompressed flag, big-endian
 * length). -EPROTO for anything else: a short or compressed frame, trailing bytes.
 */
int k8s_grpc_unframe(const uint8_t *body, size_t len, const uint8_t **ret_msg, size_t *ret_len,
		     struct err *e);
/* Decodes a ListPodResourcesResponse (get false) or a GetPodResourcesResponse (get true) and
 * adds the devices of pod ns/name to the object `devices`. */
int k8s_podresources_parse(const uint8_t *msg, size_t len, bool get, const char *ns,
			   const char *name, json_t *devices, struct err *e);

/* checkpoint.c: the device manager's checkpoint, both shapes of DeviceIDs (a list; a map
 * from NUMA node to list). Adds the devices of the pod with `uid` to `devices`. */
int k8s_checkpoint_parse(const char *text, size_t len, const char *uid, json_t *devices,
			 struct err *e);

/* kubelet.c: shared by both sources. Adds one device ID of `resource` (validated: printable
 * ASCII, bounded length; -EPROTO otherwise). */
int k8s_devices_add(json_t *devices, const char *resource, const char *id, struct err *e);
/* Sorts each resource's IDs and drops duplicates. */
void k8s_devices_sort(json_t *devices);
