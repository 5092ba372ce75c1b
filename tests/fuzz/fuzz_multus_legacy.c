// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the Go plugins' store entries and libcni result caches (legacy.c):
 * the first byte picks how the entry was found (the seed's default dir or cniDir) and whether
 * the call gave CNI_IFNAME, CNI_ARGS and a runtimeConfig; the rest is the file. Whatever parses is
 * a plan DEL can run (one master, valid ifnames, config objects) and can be kept in our format:
 * plan_to_json parses back with store_parse. The same bytes as a result cache must parse or fail
 * with code 6.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "cni/cni.h"
#include "multus/legacy.h"
#include "multus/store.h"
#include "util/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct legacy_where w = { .dir = "/nonexistent",
				  .cni_version = "0.4.0",
				  .device_info_dir = "/run/devinfo" };
	json_t *rc;
	struct plan *p = NULL, *q = NULL;
	struct err e = { 0 };
	json_t *res = NULL;
	char *ifname = NULL, *args = NULL, *text;
	size_t masters = 0;
	bool seed;
	int r;

	if (size < 1)
		return 0;
	seed = data[0] & 1;
	w.ifname = data[0] & 2 ? "eth0" : NULL;
	w.cni_args = data[0] & 4 ? "K8S_POD_NAME=p" : NULL;
	/* The call's runtimeConfig, which upstream's delegates get at DEL. */
	rc = json_pack("{s:[]}", "portMappings");
	w.runtime_config = data[0] & 8 ? rc : NULL;
	data++;
	size--;

	r = legacy_parse((const char *)data, size, "c1", seed, &w, &p, &e);
	if (r < 0) {
		assert(r == -ENOMEM || (r == -EBADMSG && e.code == CNI_ERR_DECODE && e.msg[0]));
		assert(!p);
	} else {
		assert(p->n >= 1 && p->n <= 128);
		assert(streq(p->container_id, "c1"));
		for (size_t i = 0; i < p->n; i++) {
			const struct attachment *a = &p->att[i];

			assert(a->network && a->version && a->state == ATT_ADDED);
			assert(name_is_ifname(a->ifname));
			assert(json_is_object(a->conf));
			assert(!a->runtime_config || json_is_object(a->runtime_config));
			masters += a->master;
		}
		assert(masters == 1);
		assert(streq(p->ifname, plan_master(p)->ifname));
		/* What a partial DEL keeps must be an entry of ours. */
		{
			json_t *j = plan_to_json(p);

			assert(j);
			text = json_dumps(j, JSON_COMPACT);
			json_decref(j);
			assert(text);
			r = store_parse(text, strlen(text), &q, &e);
			assert(r == 0 && q->n == p->n);
			free(text);
			plan_free(q);
		}
		plan_free(p);
	}

	r = legacy_cache_parse((const char *)data, size, "c1", "0.4.0", &res, &ifname, &args, &e);
	if (r < 0) {
		assert(r == -ENOMEM || (r == -EBADMSG && (e.code == CNI_ERR_DECODE ||
							  e.code == CNI_ERR_INVALID_NETCONF)));
		assert(!res);
	} else {
		assert(json_is_object(res));
		assert(!ifname || name_is_ifname(ifname));
		/* CNI_ARGS as libcni joined them: K=V pairs. */
		assert(!args || (args[0] && args[0] != '=' && strchr(args, '=')));
	}
	json_decref(res);
	free(ifname);
	free(args);
	/* Copied, never changed. */
	assert(json_object_size(rc) == 1);
	json_decref(rc);
	return 0;
}
