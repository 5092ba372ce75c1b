/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HTTP transport of struct k8s_client (private to k8s/). */
#pragma once

#include <stddef.h>

#include "k8s/client.h"

/*
 * One API call: GET `path` (below the server URL), or PATCH it with the merge-patch body
 * `patch` when that is not NULL. Retried with backoff on connection failures, 429 and 5xx
 * while the client's time budget allows. On success *ret_body (NUL-terminated, owned by the
 * client, valid until the next call) holds the 2xx reply. Errors are prefixed with `what`.
 */
int k8s_http_call(struct k8s_client *c, const char *path, const char *patch, const char *what,
		  const char **ret_body, size_t *ret_len, struct err *e);
