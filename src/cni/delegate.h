/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Invoking one delegate network: a plugin config or a conflist, as libcni would. Conflists
 * run in order with prevResult (DEL in reverse), with the list's name and cniVersion
 * injected; runtimeConfig is filtered by each plugin's capabilities. The version spoken is
 * the config's own (0.1.0 when it has none, as the CNI spec says); only when a plugin answers
 * code 1 is it probed with VERSION, once, and the highest common version not above the
 * caller's is used.
 */
#pragma once

#include <jansson.h>

#include "util/err.h"

struct cni_invoke {
	const char *container_id, *netns, *ifname, *args;
	const char *cni_path, *bin_dir;
	const char *caller_version;
	long timeout_ms;
	json_t *runtime_config; /* everything the attachment may hand on; filtered per plugin */
	/* Called with each plugin's stderr (may be NULL). */
	void (*on_stderr)(void *userdata, const char *plugin, const char *text);
	void *userdata;
	/* May be NULL: handed to each plugin's exec as cni_exec_req.started (run before the
	 * plugin gets its stdin; a failure fails the command before that plugin did anything). */
	int (*started)(void *data, struct err *e);
	void *started_data;
};

/* The version to speak with `conf` before any negotiation: its cniVersion, else 0.1.0. */
const char *cni_delegate_version_for(json_t *conf);

/* ADD. On success the canonical result and the version spoken (malloc'd). */
int cni_delegate_add(json_t *conf, const struct cni_invoke *inv, const char *version,
		     json_t **ret_result, char **ret_version, struct err *e);
/* DEL; prev_result (canonical) may be NULL. Keeps going through a conflist past errors and
 * returns the first. */
int cni_delegate_del(json_t *conf, const struct cni_invoke *inv, const char *version,
		     json_t *prev_result, struct err *e);
/* CHECK (skipped, returning 0, below 0.4.0). */
int cni_delegate_check(json_t *conf, const struct cni_invoke *inv, const char *version,
		       json_t *prev_result, struct err *e);
/* GC / STATUS (skipped, returning 0, for plugins that do not speak 1.1.0). `extra` (GC's
 * cni.dev/valid-attachments) is merged into each plugin config; may be NULL. */
int cni_delegate_gc(json_t *conf, const struct cni_invoke *inv, json_t *extra, struct err *e);
int cni_delegate_status(json_t *conf, const struct cni_invoke *inv, struct err *e);

/* The plugin type of a config or the first plugin of a conflist; NULL if none. */
const char *cni_conf_type(json_t *conf);
/* Is it a conflist ("plugins" array)? */
int cni_conf_is_list(json_t *conf);
/* Validates a delegate config's shape (plugins array of objects with a string type, or a
 * type); code 7 naming the problem. */
int cni_conf_validate(json_t *conf, const char *what, struct err *e);
