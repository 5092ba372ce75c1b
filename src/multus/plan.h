/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plan: one plain record of what ADD will do, built once (step 2) and then the only
 * input of everything after it. The store keeps the plan plus what happened, so ADD, DEL,
 * CHECK, GC and --verify all read the same record.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "cni/env.h"
#include "multus/netconf.h"
#include "util/err.h"

enum att_state {
	ATT_PLANNED, /* not run yet, or its ADD did not finish */
	ATT_ADDED, /* ADD succeeded and was verified */
};

struct owned_link {
	char name[16];
	int index;
};

struct attachment {
	char *network; /* "ns/name" for NAD networks, else the config's name */
	char *ifname;
	bool master;
	json_t *conf; /* the delegate config, as found (name injected when missing) */
	char *version; /* the CNI version spoken with it */
	json_t *runtime_config; /* object: what this attachment may hand on */
	char *cni_args; /* CNI_ARGS for this delegate */
	json_t *default_route; /* array of gateway strings, or NULL */
	/* Device plugins: the NAD's resourceName, whose device the kubelet gave this attachment
	 * (runtimeConfig.deviceID; CNIDeviceInfoFile names the device-info file). NULL: none. */
	char *resource_name;
	/* What happened. */
	enum att_state state;
	json_t *result; /* canonical result, NULL before ADD */
	json_t *device_info; /* ADD only, not stored: the device-info file, for network-status */
	struct owned_link *links;
	size_t n_links;
};

struct plan {
	char *conf_name; /* the multus netconf's name (GC collects only its own) */
	char *container_id;
	char *netns;
	char *ifname; /* CNI_IFNAME */
	char *cni_version; /* the caller's */
	char *pod_namespace, *pod_name, *pod_uid; /* NULL without a pod */
	struct attachment *att;
	size_t n;
	/* The links the pod netns had before the first delegate ran (--verify explains them). */
	struct owned_link *pre;
	size_t n_pre;
	/* Which write of the entry this is (store.c: an entry and its journal's records are
	 * ordered by it); 0 in an entry written before it existed. */
	unsigned long generation;
	/* Read from a Go plugin's entry (legacy.c): the files it came from, never stored. */
	char **legacy_files;
	size_t n_legacy_files;
};

void plan_free(struct plan *p);
void plan_freep(struct plan **p);
#define _cleanup_plan_ _cleanup_(plan_freep)

/* Store serialization. */
json_t *plan_to_json(const struct plan *p);
/* How an entry is encoded: json_dumps(plan_to_json(p), PLAN_TEXT_FLAGS). */
#define PLAN_TEXT_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)
/*
 * Those bytes, made from each attachment's text as this process last encoded it when the
 * attachment is unchanged (the entry is encoded after every delegate). 0, -EINVAL when
 * plan_to_json would give NULL (text that is not UTF-8), -ENOMEM. Not thread-safe.
 */
int plan_to_text(const struct plan *p, char **ret_text);
int plan_from_json(json_t *j, struct plan **ret, struct err *e);

/* Adds an empty attachment and returns it (NULL on ENOMEM). */
struct attachment *plan_add(struct plan *p);
/* Frees the attachments from index n on. */
void plan_truncate(struct plan *p, size_t n);
/* The master attachment, or NULL. */
struct attachment *plan_master(struct plan *p);
/* Records a link an attachment owns (idempotent by index). */
int attachment_own_link(struct attachment *a, const char *name, int index);
/* Records a link that was there before ADD. */
int plan_add_preexisting(struct plan *p, const char *name, int index);
