/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The node-local cache protocol, shared by `multus daemon` (the server) and the plugin (the
 * client): one JSON object per line, one request and one answer per connection, every line
 * at most CACHE_LINE_MAX bytes with its '\n'. Pure codec: no I/O here.
 *
 * Requests, all with "v": 1 and "op":
 *   {"op":"pod","namespace":NS,"name":N,"uid":U}         (uid may be "")
 *       optional "nadkeys":["NS2/N",...] (0..CACHE_NAMES_MAX) and "multusNamespace":NS3: NADs
 *       to send with the pod if the cache has them (a daemon that predates these ignores them)
 *   {"op":"nads","namespace":NS,"names":[N,...]}        (1..CACHE_NAMES_MAX names)
 *   {"op":"nadkeys","namespace":NS,"keys":["NS2/N",...]} (1..CACHE_NAMES_MAX NADs of any
 *                                          namespaces; NS is the pod's, for the log only)
 *   {"op":"status","namespace":NS,"name":N,"uid":U,"annotations":{K:V,...}}
 *   {"op":"events","namespace":NS,"events":[EVENT,...]} (core/v1 Event objects)
 *   {"op":"report","namespace":NS,"name":N,"uid":U,"annotations":{K:V,...},
 *    "events":[EVENT,...]}                  (status and events in one; events 0..64, optional)
 * status, events and report may carry "timeoutMs": T (1..CACHE_TIMEOUT_MS_MAX), the plugin's
 * apiTimeoutSeconds: how long the daemon retries the writes; without it, the daemon's own
 * --api-timeout-seconds (a daemon that predates the field ignores it, as any unknown member).
 * Answers: {"v":1,"ok":true,...} with, per op,
 *   pod:    "pod": {"metadata":{"namespace","name","uid","annotations"}}, and "ops": [OP,...]
 *           and, when the cache has any, "nads": {"NS2/N": NAD, ...}: of those the request's
 *           "nadkeys" names and of those the pod's network annotations name (a name alone in
 *           the pod's namespace; v1.multus-cni.io/default-network's in multusNamespace); a NAD
 *           the cache lacks is left out, for a nadkeys request to settle
 *           the ops this daemon knows (a daemon that predates "report" and "nadkeys" says
 *           none: the client then uses only pod, nads, status and events; it never sends an
 *           op not listed there but those four)
 *   nads:   "nads": {N: {"metadata":{...,"annotations"},"spec":{"config":TEXT}} or null, ...}
 *           (null: there is no such NAD)
 *   nadkeys: the same, keyed by "NS2/N"
 *   status, events, report: nothing (queued for writing)
 * or {"v":1,"ok":false,"notFound":true} (pod: no such pod, or another uid than asked), or
 * {"v":1,"ok":false,"error":TEXT} (the daemon cannot answer: ask the API yourself).
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define CACHE_PROTO_VERSION 1
#define CACHE_LINE_MAX (1 << 20)
#define CACHE_NAMES_MAX 64
#define CACHE_EVENTS_MAX 64
#define CACHE_TIMEOUT_MS_MAX (86400L * 1000) /* netconf's apiTimeoutSeconds at most */

enum cache_op {
	CACHE_OP_POD = 1,
	CACHE_OP_NADS,
	CACHE_OP_STATUS,
	CACHE_OP_EVENTS,
	/* added after version 1 came out: only to a daemon that lists them */
	CACHE_OP_REPORT,
	CACHE_OP_NADKEYS,
	CACHE_OP_LAST = CACHE_OP_NADKEYS,
};
/* The ops every daemon of protocol version 1 knows (cache_resp_parse's *ret_ops without "ops"). */
#define CACHE_OPS_BASE                                                                             \
	((1u << CACHE_OP_POD) | (1u << CACHE_OP_NADS) | (1u << CACHE_OP_STATUS) |                  \
	 (1u << CACHE_OP_EVENTS))
#define CACHE_OPS_MAX 32 /* entries of an answer's "ops" */

/* A parsed request; every pointer is borrowed from `root`. */
struct cache_req {
	json_t *root;
	enum cache_op op;
	const char *ns, *name, *uid; /* name, uid: pod and status */
	json_t *names; /* nads: array of DNS-1123 subdomain strings */
	json_t *keys; /* nadkeys: array of "NS/N" strings (cache_nad_key_split); pod: its
		       * "nadkeys" or NULL */
	const char *multus_ns; /* pod: "multusNamespace" or NULL */
	json_t *annotations; /* status, report: object of string values */
	json_t *events; /* events: array of objects; report: the same or NULL */
	long timeout_ms; /* status, events, report: "timeoutMs", 0 when not given */
};

const char *cache_op_name(enum cache_op op);
/* A uid as the protocol takes it: printable ASCII, at most 128 bytes ("" is "any uid";
 * Kubernetes uids are UUIDs). */
bool cache_uid_ok(const char *s);

/* One request line (with or without its '\n'). -EPROTO (not JSON, wrong shape, names that
 * are not DNS-1123), -ENOTSUP (another protocol version), -EMSGSIZE (too long). */
int cache_req_parse(const char *line, size_t len, struct cache_req *ret, struct err *e);
void cache_req_done(struct cache_req *r);

/* Request objects for the client (NULL on ENOMEM or an invalid argument). */
json_t *cache_req_pod(const char *ns, const char *name, const char *uid);
json_t *cache_req_nads(const char *ns, const char *const *names, size_t n);
json_t *cache_req_status(const char *ns, const char *name, const char *uid, json_t *annotations);
json_t *cache_req_events(const char *ns, json_t *events);
/* NAD nss[i]/names[i] for each i < n, in one request. */
json_t *cache_req_nadkeys(const char *ns, const char *const *nss, const char *const *names,
			  size_t n);
/* Adds to a pod request the NADs nss[i]/names[i] (i < n, n may be 0) and the multusNamespace
 * (may be NULL) for the daemon to send along: -EINVAL for an invalid one. */
int cache_req_pod_prefetch(json_t *req, const char *multus_ns, const char *const *nss,
			   const char *const *names, size_t n);
/* `events` may be NULL or empty (none: the member is left out). */
json_t *cache_req_report(const char *ns, const char *name, const char *uid, json_t *annotations,
			 json_t *events);
/* Adds "timeoutMs" to a status, events or report request: -EINVAL outside
 * 1..CACHE_TIMEOUT_MS_MAX. */
int cache_req_set_timeout(json_t *req, long timeout_ms);

/* A key of nadkeys, "NS/N": its namespace into ns (a DNS-1123 label), *ret_name points into
 * `key` (a DNS-1123 subdomain). -EINVAL for anything else. */
#define CACHE_NS_MAX 64 /* a namespace with its '\0' */
int cache_nad_key_split(const char *key, char ns[CACHE_NS_MAX], const char **ret_name);

/* A line: compact JSON and '\n' (malloc'd). -EMSGSIZE past CACHE_LINE_MAX, -ENOMEM. */
int cache_line_encode(json_t *msg, char **ret, size_t *ret_len);

/* Answers for the server. `payload` is stolen (may be NULL). */
json_t *cache_resp_ok(const char *key, json_t *payload);
/* The pod answer, with the "ops" of this daemon (all of enum cache_op). */
json_t *cache_resp_pod(json_t *pod);
/* The same with "nads" ("NS/N" -> NAD; stolen; NULL or empty: left out). */
json_t *cache_resp_pod_nads(json_t *pod, json_t *nads);
json_t *cache_resp_not_found(void);
json_t *cache_resp_error(const char *text);

/*
 * The client's reading of an answer to `op`: 0 with *ret (the pod object for pod, the name ->
 * NAD-or-null object for nads, the "NS/N" -> NAD-or-null object for nadkeys, NULL for
 * status/events/report; `ret` may be NULL) and, for pod, *ret_ops (1u << op for each op the daemon
 * knows: CACHE_OPS_BASE when it does not say; names this client does not know are ignored;
 * `ret_ops` may be NULL), -ENOENT for notFound, -EREMOTEIO for an error answer (message from the
 * daemon), -EPROTO for anything malformed
 * ("ops" too: not an array of at most CACHE_OPS_MAX strings).
 */
int cache_resp_parse(const char *line, size_t len, enum cache_op op, json_t **ret,
		     unsigned *ret_ops, struct err *e);
/* A pod answer with its "nads" too: *ret_nads the "NS/N" -> NAD object, or NULL when there is
 * none (-EPROTO for a malformed one, as for a nadkeys answer). */
int cache_resp_parse_pod(const char *line, size_t len, json_t **ret, json_t **ret_nads,
			 unsigned *ret_ops, struct err *e);

/*
 * What the cache keeps of an API object (cache_trim.c): the pod's namespace, name, uid and
 * annotations; a NAD's namespace, name, annotations and spec.config. NULL when `obj` lacks a string
 * metadata.name/namespace (pods also a uid) or on ENOMEM. Annotations that are not strings
 * are dropped.
 */
json_t *cache_trim_pod(json_t *obj);
json_t *cache_trim_nad(json_t *obj);
