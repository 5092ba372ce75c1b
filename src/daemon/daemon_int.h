/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the daemon's files share. One thread: a curl multi handle carries every API transfer
 * (the two watches, the daemon's own GETs, the queued writes) and its poll also waits on the
 * signalfd, the listening socket and the clients (loop.c).
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "k8s/cache_proto.h"
#include "k8s/client.h"

#define CLIENTS_MAX 128
#define CLIENT_TIMEOUT_MS 2000 /* to send a whole request line */
#define POD_WAIT_MS 10 /* a pod not in the cache yet: wait this long for the watch, then GET */

struct daemon;
struct xfer;

/* api.c: transfers on the multi handle. */
typedef void (*xfer_line_fn)(struct xfer *x, const char *line, size_t len);
typedef void (*xfer_done_fn)(struct xfer *x, int res, long status);
struct xfer {
	struct daemon *d;
	void *h; /* CURL * */
	char *buf;
	size_t len, size, max;
	bool too_big, abort;
	xfer_line_fn on_line; /* streaming: called per '\n'-terminated line; NULL: whole body */
	xfer_done_fn on_done; /* res: 0 (status is the HTTP status) or -errno; then freed */
	void *ud;
	char *body;
	struct k8s_client *api; /* the client it was made from (its headers, its TLS files) */
	struct xfer *next;
};
/* `body` (may be NULL) is copied; `max` bounds what is kept of the reply (a line, or the
 * whole body). timeout_ms 0: none (a watch). */
struct xfer *xfer_start(struct daemon *d, const char *method, const char *path, const char *body,
			size_t max, long timeout_ms, xfer_line_fn on_line, xfer_done_fn on_done,
			void *ud);
/* Stops it without calling on_done. */
void xfer_cancel(struct xfer *x);
/* What libcurl's write callback does with `n` bytes of the reply: kept, or with on_line
 * split into lines. Returns n, or 0 to stop the transfer (too big, aborted, no memory). */
size_t xfer_feed(struct xfer *x, const char *ptr, size_t n);
/* Runs what is due and calls on_done of every finished transfer. */
void api_dispatch(struct daemon *d);
/* d->api is replaced (after a 401): the old client is freed when its last transfer ends. */
void api_retire(struct daemon *d, struct k8s_client *old);

/* watch.c: LIST then WATCH of one resource into a json object "ns/name" -> trimmed object. */
struct watch {
	const char *what; /* "pods", "nads" */
	char *path; /* the collection, with its fieldSelector */
	json_t *store;
	json_t *(*trim)(json_t *obj);
	char rv[128];
	bool synced, gone;
	struct xfer *x;
	uint64_t retry_at; /* ms; 0: nothing to wait for */
	long backoff_ms;
	unsigned lists, watches, events;
	uint64_t started; /* ms, of the current watch */
	unsigned events_at_start;
};
int watch_init(struct watch *w, const char *what, const char *path, json_t *(*trim)(json_t *));
void watch_done(struct watch *w);
/* Starts what is due (a LIST, a WATCH after a backoff); returns the ms to the next due time
 * or -1. */
long watch_tick(struct daemon *d, struct watch *w);
void watch_stop(struct watch *w);
/* A watch's on_line (one event) and a LIST's on_done; x->ud is the watch (the fuzz target
 * drives them with the API server's bytes). */
void watch_on_line(struct xfer *x, const char *line, size_t len);
void watch_on_list(struct xfer *x, int res, long status);

/* writer.c: the queue of status PATCHes and event POSTs, each retried within its timeout_ms
 * (the plugin's apiTimeoutSeconds, or the daemon's api_timeout_ms). */
int writer_queue(struct daemon *d, const char *method, const char *path, json_t *body,
		 const char *what, long timeout_ms);
long writer_tick(struct daemon *d);
bool writer_idle(const struct daemon *d);

/* server.c: the unix socket. */
int server_open(const char *path, int *ret_fd, char *err, size_t errlen);
void server_accept(struct daemon *d);
/* Adds the clients' fds to `fds` (struct curl_waitfd), at most `max`; returns how many. */
unsigned server_fds(struct daemon *d, void *fds, unsigned max);
/* Handles readiness of the client fds as given back in `fds`; returns ms to the next
 * deadline or -1. */
long server_tick(struct daemon *d, void *fds, unsigned n);
/* The watch added or changed a pod: a client waiting for it may be answered. */
void server_pod_seen(struct daemon *d, const char *key);
/* podnads.c: the NADs to send with the answer to pod request q about `pod` ("NS/N" -> NAD),
 * or NULL (the NADs not listed yet, ENOMEM). */
json_t *server_pod_nads(struct daemon *d, const struct cache_req *q, json_t *pod);
void server_close_all(struct daemon *d);

struct client;
struct retired;
struct daemon {
	struct k8s_client *api;
	struct retired *retired; /* older clients that transfers still use */
	void *multi; /* CURLM * */
	struct xfer *xfers;
	struct watch pods, nads;
	struct client *clients;
	/* "ns/name" of the NAD GETs under way for clients: one per name however many ask */
	json_t *nads_inflight;
	unsigned n_clients;
	struct job *jobs;
	unsigned n_jobs;
	long api_timeout_ms;
	bool reauth; /* a 401: make the client anew from the (rotated) credentials */
	uint64_t reauth_at;
	int listen_fd;
	const char *socket_path;
	bool stopping;
	/* Counters, logged at exit and on SIGUSR1 (tests read them). */
	unsigned served, fetched, stale, refused, written, dropped;
	unsigned connections; /* from root peers, accepted */
	unsigned clients_made, clients_freed;
};

/* daemon.c: a new API client from the credentials, after a 401 (at most every 10 s; the old
 * one is retired: freed when the transfers under way that use it are done). */
void api_reload(struct daemon *d);

uint64_t now_ms(void);
void dlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
