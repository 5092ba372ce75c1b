/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finding a delegate config by network name in confDir (PRODUCT.md section 4). */
#pragma once

#include <jansson.h>

#include "util/err.h"

#define CONF_FILE_MAX_BYTES (1 << 20)

/* Loads a config file (.conf, .json: a plugin config; .conflist: a list); validates shape.
 * Anything but a regular file (a FIFO, a device) is refused without being opened for long. */
int conf_load_file(const char *path, json_t **ret, struct err *e);

/*
 * One invocation's view of confDir: the directory is listed, and each candidate file read
 * (one bounded read) and parsed, once, on the first lookup; every later lookup is answered
 * from memory. Unreadable, invalid and non-regular files are skipped, `warn` is told once.
 */
struct confdir_scan;

/* Reads nothing yet. */
int confdir_scan_new(const char *dir, void (*warn)(const char *msg), struct confdir_scan **ret);
void confdir_scan_free(struct confdir_scan *s);
static inline void confdir_scan_freep(struct confdir_scan **s)
{
	confdir_scan_free(*s);
}
#define _cleanup_confdir_scan_ _cleanup_(confdir_scan_freep)

/* Another directory, looked in (the same way, scanned on its first need) when none of the
 * ones before has the name. */
int confdir_scan_also(struct confdir_scan *s, const char *dir);

/* Upstream Multus's default confDir: also looked in when the netconf names none. */
#define CONFDIR_UPSTREAM_DEFAULT "/etc/cni/multus/net.d"

/*
 * A copy of the config whose "name" is `name`: .conflist before .conf before .json, files in
 * name order. -ENOENT when none (or no directory).
 */
int confdir_scan_find(struct confdir_scan *s, const char *name, json_t **ret, struct err *e);

/*
 * The cluster network named by a directory, as upstream reads one: its first config file by
 * name (.conf, .conflist, .json), passing over multus's own (type "multus"). That file being
 * invalid is an error naming it: the next one is no stand-in for it. -ENOENT when none.
 */
int confdir_first(const char *dir, json_t **ret, struct err *e);

/* clusterNetwork by path: a config file (conf_load_file), or a directory (confdir_first; none
 * there is code 7). */
int conf_load_path(const char *path, json_t **ret, struct err *e);

/* The same for one lookup: a scan of its own. */
int confdir_find(const char *dir, const char *name, void (*warn)(const char *msg), json_t **ret,
		 struct err *e);
