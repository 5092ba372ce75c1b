/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Credential files (private to k8s/): bounded reads, bearer token files, base64. */
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

/* Standard base64 (white space skipped, padding optional); -EINVAL on bad or empty input.
 * The result is NUL-terminated for convenience. */
int k8s_base64_decode(const char *in, size_t len, char **ret, size_t *ret_len);
