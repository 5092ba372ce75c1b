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
/* The same with the method named: "GET" (data NULL), "PATCH" (a merge patch) or "POST" (a
 * JSON object to create). A POST is retried only when the server cannot have seen it (no
 * connection) or said 429: a create is not idempotent. */
int k8s_http_send(struct k8s_client *c, const char *method, const char *path, const char *data,
		  const char *what, const char **ret_body, size_t *ret_len, struct err *e);
