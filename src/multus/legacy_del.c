// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What upstream Multus v4's DEL (delPlugins, CreateCNIRuntimeConf) hands each delegate of an
 * entry it left: the runtimeConfig made of the call's own and the requests the entry recorded,
 * and the CNI_ARGS its ADD cached without what only that ADD appended.
 */
#include <stdio.h>

#include "multus/devinfo.h"
#include "multus/legacy.h"

static int set_str(json_t *o, const char *key, const char *v)
{
	if (!v || !v[0])
		return 0;
	return json_object_set_new(o, key, json_string(v)) < 0 ? -ENOMEM : 0;
}

/*
 * What upstream's DEL gives delegate `a` as runtimeConfig (CreateCNIRuntimeConf): the call's
 * own; for one that is not the master also the requests its entry recorded; and with a
 * deviceID the device-info file named as at its ADD (devinfo.c). The seed fork records none.
 */
int legacy_upstream_runtime_config(json_t *o, const char *id, const char *name,
				   const struct legacy_where *w, struct attachment *a)
{
	json_t *rc = w->runtime_config ? json_deep_copy(w->runtime_config) : json_object();
	json_t *ips = json_object_get(o, "ipRequest");
	const char *dev;
	int r = 0;

	a->runtime_config = rc;
	if (!rc)
		return -ENOMEM;
	if (!a->master) {
		r = set_str(rc, "mac", json_string_value(json_object_get(o, "macRequest")));
		if (r == 0 && json_array_size(ips) && json_object_set(rc, "ips", ips) < 0)
			r = -ENOMEM;
		if (r == 0)
			r = set_str(rc, "infinibandGUID",
				    json_string_value(json_object_get(o, "infinibandGUIDRequest")));
		if (r == 0)
			r = set_str(rc, "deviceID",
				    json_string_value(json_object_get(o, "deviceID")));
	}
	dev = json_string_value(json_object_get(rc, "deviceID"));
	if (r == 0 && dev && dev[0] && w->device_info_dir) {
		_cleanup_free_ char *path = NULL;

		r = multus_devinfo_path(w->device_info_dir, name, id, a->ifname, &path);
		if (r == 0)
			r = set_str(rc, "CNIDeviceInfoFile", path);
	}
	return r;
}

/* Cuts ";K=V" (or a whole "K=V") off the end of args. */
static void cut_arg(char *args, const char *k, const char *v)
{
	size_t n = strlen(args), kl = strlen(k), vl = strlen(v);
	char *s;

	if (n < kl + 1 + vl)
		return;
	s = args + n - kl - 1 - vl;
	if (strncmp(s, k, kl) != 0 || s[kl] != '=' || !streq(s + kl + 1, v))
		return;
	if (s == args)
		*s = '\0';
	else if (s[-1] == ';')
		s[-1] = '\0';
}

/* Upstream's ADD appended MAC=<macRequest>, then IP=<ipRequest joined by ','>, to what libcni
 * cached; its DEL (and CHECK) sends neither. */
void legacy_upstream_del_args(char *args, json_t *o)
{
	const char *mac = json_string_value(json_object_get(o, "macRequest"));
	json_t *ips = json_object_get(o, "ipRequest"), *ip;
	_cleanup_free_ char *joined = NULL;
	size_t len = 0, i;

	json_array_foreach (ips, i, ip)
		len += json_string_length(ip) + 1;
	if (len && (joined = calloc(1, len))) {
		json_array_foreach (ips, i, ip) {
			if (i)
				strcat(joined, ",");
			strcat(joined, json_string_value(ip));
		}
		cut_arg(args, "IP", joined);
	}
	if (mac && mac[0])
		cut_arg(args, "MAC", mac);
}
