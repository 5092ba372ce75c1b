/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bounded Kubernetes API client on libcurl. One client per invocation: one connection,
 * reused for every call; the time spent in all calls together is bounded by the timeout given
 * at creation (connect, retries and backoff included; time between calls is not charged).
 * Never call it while inside a pod netns.
 */
#pragma once

#include <jansson.h>

#include "k8s/kubeconfig.h"

struct k8s_client;

/* timeout_ms: the bound on all API work of this client: the time spent inside its calls
 * (connects, retries and backoff included) adds up to at most this. */
int k8s_client_new(const struct k8s_config *cfg, long timeout_ms, struct k8s_client **ret,
		   struct err *e);
void k8s_client_free(struct k8s_client *c);
void k8s_client_freep(struct k8s_client **c);

/*
 * Errors: -ENOENT (404), -EACCES (401, 403), -ETIMEDOUT (the bound ran out), -ECONNREFUSED
 * (could not connect, after retries), -EPROTO (bad reply), -EIO (other HTTP errors). The
 * message quotes the Kubernetes Status message when there is one, e.g.
 * `pods "x" is forbidden: ...`, and says which HTTP status it was.
 */
int k8s_get_pod(struct k8s_client *c, const char *ns, const char *name, json_t **ret_pod,
		struct err *e);
int k8s_get_nad(struct k8s_client *c, const char *ns, const char *name, json_t **ret_nad,
		struct err *e);
/*
 * LIST of the NADs of namespace `ns`: *ret_items, a JSON array of the NAD objects. Pages of
 * K8S_NAD_LIST_PAGE, the continue token followed; -E2BIG past K8S_NAD_LIST_MAX items or
 * K8S_NAD_LIST_PAGES_MAX pages (a caller then asks for its NADs one by one).
 */
#define K8S_NAD_LIST_PAGE 500
#define K8S_NAD_LIST_MAX 4000
#define K8S_NAD_LIST_PAGES_MAX 16
int k8s_list_nads(struct k8s_client *c, const char *ns, json_t **ret_items, struct err *e);
/* One page of a LIST reply: its items appended to `items`, *ret_continue the continue token
 * (NULL on the last page). Exposed for fuzzing. */
int k8s_nad_list_page(const char *body, size_t len, json_t *items, char **ret_continue,
		      struct err *e);
/* One merge PATCH of metadata.annotations (`annotations`: object of string values). */
int k8s_patch_pod_annotations(struct k8s_client *c, const char *ns, const char *name,
			      json_t *annotations, struct err *e);

/* POST `obj` to the namespaced collection `resource` below `prefix` (e.g. "/api/v1", "events"):
 * creates it. *ret (may be NULL) gets the created object as the server returned it. */
int k8s_create(struct k8s_client *c, const char *prefix, const char *ns, const char *resource,
	       json_t *obj, json_t **ret, struct err *e);

/*
 * For a caller that runs its own transfers (a curl multi handle, `multus daemon`): a new easy
 * handle with the client's TLS, credentials and options, the headers for `method` ("GET",
 * "PATCH": merge patch, "POST": JSON), the URL set to the server's plus `path`; the caller
 * sets the body, write callback and timeouts. The client must outlive it. NULL on ENOMEM.
 */
void *k8s_client_easy_dup(struct k8s_client *c, const char *method, const char *path);

/* Number of HTTP requests made and of connections opened (for tests and benchmarks). */
unsigned k8s_client_requests(const struct k8s_client *c);
unsigned k8s_client_connections(const struct k8s_client *c);

/* Turns a reply body of HTTP status `http_status` into an error (exposed for fuzzing). */
int k8s_status_error(long http_status, const char *body, size_t len, struct err *e);
