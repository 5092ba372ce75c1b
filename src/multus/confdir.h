/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finding a delegate config by network name in confDir (PRODUCT.md section 4). */
#pragma once

#include <jansson.h>

#include "util/err.h"

#define CONF_FILE_MAX_BYTES (1 << 20)

/* Loads a config file (.conf, .json: a plugin config; .conflist: a list); validates shape. */
int conf_load_file(const char *path, json_t **ret, struct err *e);

/*
 * The config in `dir` whose "name" is `name`: .conflist before .conf before .json, files in
 * name order; unreadable or invalid files are skipped (`warn` is told). -ENOENT when none.
 */
int confdir_find(const char *dir, const char *name, void (*warn)(const char *msg), json_t **ret,
		 struct err *e);
