// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device plugins: the kubelet's devices into the plan, and the NPWG device-info files
 * (/var/run/k8s.cni.cncf.io/devinfo by default): the device plugin writes
 * dp/<resource>-<deviceID>-device.json, multus copies it to cni/<network>-<containerID>_<ifname>
 * ('/' as '-' in both, as the NPWG client library names them), hands that path on as
 * runtimeConfig.CNIDeviceInfoFile, shows its content in network-status and removes it on DEL.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cni/cni.h"
#include "k8s/kubelet.h"
#include "multus/devinfo.h"
#include "multus/log.h"
#include "util/atomic.h"
#include "util/fileio.h"

#define DEVINFO_MAX (64 * 1024)

static void slash_to_dash(char *s)
{
	for (; *s; s++)
		if (*s == '/')
			*s = '-';
}

/* deviceID into the config: the plugin's own key, in each plugin of a conflist. */
static int conf_set_device(json_t *conf, const char *id)
{
	json_t *plugins = json_object_get(conf, "plugins"), *pl;
	size_t i;

	if (!json_is_array(plugins))
		return json_object_set_new(conf, "deviceID", json_string(id)) < 0 ? -ENOMEM : 0;
	json_array_foreach (plugins, i, pl)
		if (json_is_object(pl) && json_object_set_new(pl, "deviceID", json_string(id)) < 0)
			return -ENOMEM;
	return 0;
}

static int lookup(struct multus_ctx *ctx, const struct plan *p, const char *network,
		  const char *resource, json_t **ret, struct err *e)
{
	_cleanup_free_ char *sock = NULL, *cp = NULL;
	struct k8s_pod_ref pod = { p->pod_namespace, p->pod_name,
				   p->pod_uid ? p->pod_uid : ctx->env.pod_uid };
	const char *source = NULL;
	char *text;
	int r;

	if (!p->pod_namespace || !p->pod_name)
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				"network %s: resourceName %s needs the pod, and there is none",
				network, resource);
	if (asprintf(&sock, "%s/pod-resources/kubelet.sock", ctx->nc.kubelet_root_dir) < 0 ||
	    asprintf(&cp, "%s/device-plugins/kubelet_internal_checkpoint",
		     ctx->nc.kubelet_root_dir) < 0)
		return -ENOMEM;
	r = k8s_kubelet_pod_devices(sock, cp, &pod, (long)(ctx->nc.api_timeout_seconds * 1000), ret,
				    &source, e);
	if (r < 0) {
		e->code = r == -ETIMEDOUT || r == -ECONNREFUSED ? CNI_ERR_TRY_AGAIN : CNI_ERR_IO;
		return err_prefix(e, r, "network %s: the devices of resource %s for pod %s/%s",
				  network, resource, p->pod_namespace, p->pod_name);
	}
	text = json_dumps(*ret, JSON_COMPACT);
	log_verbose("devices of pod %s/%s from %s: %s", p->pod_namespace, p->pod_name, source,
		    text ? text : "?");
	free(text);
	return 0;
}

static size_t uses_of(const struct plan *p, const char *resource)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->att[i].resource_name && streq(p->att[i].resource_name, resource);
	return n;
}

int multus_devices_plan(struct multus_ctx *ctx, struct plan *p, struct err *e)
{
	json_auto_t *devices = NULL, *taken = json_object();
	int r;

	if (!taken)
		return -ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		struct attachment *a = &p->att[i];
		const char *dev = json_string_value(json_object_get(a->runtime_config, "deviceID"));
		_cleanup_free_ char *file = NULL;

		if (a->resource_name) {
			const char *res = a->resource_name;
			size_t k = (size_t)json_integer_value(json_object_get(taken, res));
			json_t *ids;

			if (!devices && (r = lookup(ctx, p, a->network, res, &devices, e)) < 0)
				return r;
			ids = json_object_get(devices, res);
			if (k >= json_array_size(ids))
				return err_setc(
				    e, CNI_ERR_INVALID_NETCONF, -ENODEV,
				    "network %s: no device of resource %s for pod %s/%s: the kubelet gave it %zu, and %zu network(s) of the pod need one each",
				    a->network, res, p->pod_namespace, p->pod_name,
				    json_array_size(ids), uses_of(p, res));
			json_object_set_new(taken, res, json_integer((json_int_t)k + 1));
			if (dev && !streq(dev, json_string_value(json_array_get(ids, k))))
				log_warning(
				    "network %s: the annotation's deviceID %s gives way to the kubelet's %s (resource %s)",
				    a->network, dev, json_string_value(json_array_get(ids, k)),
				    res);
			dev = json_string_value(json_array_get(ids, k));
			if (json_object_set(a->runtime_config, "deviceID", json_array_get(ids, k)) <
				0 ||
			    conf_set_device(a->conf, dev) < 0)
				return -ENOMEM;
			dev = json_string_value(json_object_get(a->runtime_config, "deviceID"));
		}
		if (!dev)
			continue;
		/* As upstream: every attachment with a device gets a device-info file name;
		 * the delegate may write the file itself when no device plugin did. */
		if (multus_devinfo_path(ctx->nc.device_info_dir, a->network, p->container_id,
					a->ifname, &file) < 0 ||
		    json_object_set_new(a->runtime_config, "CNIDeviceInfoFile", json_string(file)) <
			0)
			return -ENOMEM;
	}
	return 0;
}

int multus_devinfo_path(const char *dir, const char *network, const char *id, const char *ifname,
			char **ret)
{
	_cleanup_free_ char *file = NULL;

	if (asprintf(&file, "%s-%s_%s", network, id, ifname) < 0)
		return -ENOMEM;
	slash_to_dash(file);
	return asprintf(ret, "%s/cni/%s", dir, file) < 0 ? -ENOMEM : 0;
}

static const char *cni_file(const struct attachment *a)
{
	return json_string_value(json_object_get(a->runtime_config, "CNIDeviceInfoFile"));
}

/* Reads a device-info file: a JSON object of at most DEVINFO_MAX bytes. */
static int devinfo_read(const char *path, char **ret_text, size_t *ret_len, json_t **ret)
{
	_cleanup_free_ char *text = NULL;
	json_auto_t *j = NULL;
	size_t len;
	int r;

	r = read_file_bounded(path, O_NOFOLLOW, DEVINFO_MAX, &text, &len);
	if (r < 0)
		return r;
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(j))
		return -EBADMSG;
	if (ret_text)
		*ret_text = TAKE_PTR(text);
	if (ret_len)
		*ret_len = len;
	if (ret)
		*ret = TAKE_PTR(j);
	return 0;
}

void multus_devinfo_copy(const struct multus_ctx *ctx, const struct attachment *a)
{
	_cleanup_free_ char *name = NULL, *src = NULL, *dir = NULL, *text = NULL;
	const char *dev = json_string_value(json_object_get(a->runtime_config, "deviceID"));
	const char *dst = cni_file(a);
	size_t len;
	int r;

	if (!a->resource_name || !dev || !dst)
		return;
	if (asprintf(&name, "%s-%s-device.json", a->resource_name, dev) < 0)
		return;
	slash_to_dash(name);
	if (asprintf(&src, "%s/dp/%s", ctx->nc.device_info_dir, name) < 0 ||
	    asprintf(&dir, "%s/cni", ctx->nc.device_info_dir) < 0)
		return;
	r = devinfo_read(src, &text, &len, NULL);
	if (r == -ENOENT) {
		log_debug("network %s: the device plugin wrote no %s", a->network, src);
		return;
	}
	if (r < 0) {
		log_warning("network %s: device-info file %s not copied: %s", a->network, src,
			    r == -EBADMSG ? "not a JSON object" : read_file_strerror(r));
		return;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		log_warning("network %s: cannot create %s: %m", a->network, dir);
		return;
	}
	r = atomic_write(dst, NULL, 0444, 0, text, len);
	if (r < 0)
		log_warning("network %s: cannot write the device-info file %s: %s", a->network, dst,
			    strerror(-r));
	else
		log_verbose("network %s: device-info %s copied to %s", a->network, src, dst);
}

void multus_devinfo_load(struct attachment *a)
{
	const char *path = cni_file(a);
	json_t *j = NULL;
	int r;

	if (!path)
		return;
	r = devinfo_read(path, NULL, NULL, &j);
	if (r == -ENOENT)
		return;
	if (r < 0) {
		log_warning("network %s: device-info file %s left out of network-status: %s",
			    a->network, path,
			    r == -EBADMSG ? "not a JSON object" : read_file_strerror(r));
		return;
	}
	json_decref(a->device_info);
	a->device_info = j;
}

void multus_devinfo_remove(const struct multus_ctx *ctx, const struct attachment *a)
{
	const char *path = cni_file(a);
	size_t n = strlen(ctx->nc.device_info_dir);

	if (!path)
		return;
	/* The store says which file: never one outside our own directory. */
	if (strncmp(path, ctx->nc.device_info_dir, n) != 0 || strncmp(path + n, "/cni/", 5) != 0 ||
	    strchr(path + n + 5, '/') || streq(path + n + 5, "..") || !path[n + 5]) {
		log_warning("network %s: device-info file %s is not below %s/cni: left alone",
			    a->network, path, ctx->nc.device_info_dir);
		return;
	}
	if (unlink(path) < 0 && errno != ENOENT)
		log_warning("network %s: cannot remove the device-info file %s: %m", a->network,
			    path);
}
