/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Credential files (private to k8s/): bounded reads, bearer token files. */
#pragma once

#include <stddef.h>

#include "util/fileio.h"

/* Overwrites `len` bytes of `p` before freeing it (tokens, keys). NULL is fine. */
void k8s_wipe_free(char *p, size_t len);

/*
 * Reads a bearer token (at most 64 KiB): surrounding white space dropped, control
 * characters and emptiness refused. On failure *ret_why says why, without the contents.
 */
int k8s_token_read(const char *path, char **ret, const char **ret_why);
