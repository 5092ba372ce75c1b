/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What cache_proto.c and cache_req.c share; not for other rooms. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

/* An object whose members are strings with non-empty names. */
bool cache_annotations_ok(json_t *a);
/* o's member `key` when it is a string, else NULL. */
const char *cache_member(json_t *o, const char *key);
