/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device plugins (PRODUCT.md 5b): a NAD's k8s.v1.cni.cncf.io/resourceName gets the device the
 * kubelet gave the pod, and the NPWG device-info file (spec 1.1) of that device is handed on.
 */
#pragma once

#include "multus/multus.h"

/*
 * Planner, after each attachment has its runtimeConfig: every attachment with a
 * resource_name gets the next of the pod's devices of that resource (in the kubelet's
 * order, sorted; distinct per attachment) as `deviceID` in its config (each plugin of a
 * conflist) and as runtimeConfig.deviceID, over an annotation's deviceID (with a warning).
 * Every attachment with a deviceID gets runtimeConfig.CNIDeviceInfoFile, named as upstream
 * names it. One kubelet lookup per ADD, bounded by apiTimeoutSeconds, in the host netns.
 * A resource with no device left for the pod: code 7 naming the resource and the pod.
 */
int multus_devices_plan(struct multus_ctx *ctx, struct plan *p, struct err *e);

/* The device-info file of an attachment, as upstream names it: DIR/cni/NETWORK-ID_IFNAME
 * with '/' as '-' in the name. -ENOMEM or 0. */
int multus_devinfo_path(const char *dir, const char *network, const char *id, const char *ifname,
			char **ret);
/* ADD, before the attachment's delegate: the device plugin's file (devinfo/dp/) copied to
 * CNIDeviceInfoFile. Logged, never fatal: a plugin that writes none is not an error. */
void multus_devinfo_copy(const struct multus_ctx *ctx, const struct attachment *a);
/* ADD, after it: CNIDeviceInfoFile (written by us or by the delegate) into a->device_info,
 * for network-status' "device-info". Logged, never fatal. */
void multus_devinfo_load(struct attachment *a);
/* DEL: removes CNIDeviceInfoFile (only below deviceInfoDir/cni/). */
void multus_devinfo_remove(const struct multus_ctx *ctx, const struct attachment *a);
