// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the plugin handed over to write: status PATCHes and AddedInterface event POSTs. Each
 * is tried at once and again with backoff (100 ms doubling to 2 s) on connection failures,
 * 429 and 5xx, until its timeout after it was queued (the plugin's apiTimeoutSeconds, which
 * it sends along, or the daemon's --api-timeout-seconds); what could not be written is
 * logged. SIGTERM's flush waits at most --api-timeout-seconds.
 */
#include <stdio.h>
#include <stdlib.h>

#include "daemon/daemon_int.h"

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 2000
#define JOBS_MAX 4096
#define IN_FLIGHT_MAX 16 /* writes under way at once: a burst of ADDs is spread out */

struct job {
	char *method, *path, *body, *what;
	uint64_t deadline, next_try;
	long backoff_ms;
	unsigned attempts;
	struct xfer *x;
	struct job *next;
};

static void job_free(struct daemon *d, struct job *j)
{
	struct job **pp;

	for (pp = &d->jobs; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	d->n_jobs--;
	xfer_cancel(j->x);
	free(j->method);
	free(j->path);
	free(j->body);
	free(j->what);
	free(j);
}

int writer_queue(struct daemon *d, const char *method, const char *path, json_t *body,
		 const char *what, long timeout_ms)
{
	struct job *j, **pp;

	if (d->n_jobs >= JOBS_MAX)
		return -ENOBUFS;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->method = strdup(method);
	j->path = strdup(path);
	j->body = json_dumps(body, JSON_COMPACT);
	j->what = strdup(what);
	if (!j->method || !j->path || !j->body || !j->what) {
		free(j->method);
		free(j->path);
		free(j->body);
		free(j->what);
		free(j);
		return -ENOMEM;
	}
	if (timeout_ms <= 0 || timeout_ms > CACHE_TIMEOUT_MS_MAX)
		timeout_ms = d->api_timeout_ms;
	j->deadline = now_ms() + (uint64_t)timeout_ms;
	j->backoff_ms = BACKOFF_FIRST_MS;
	/* In order: a pod's status before its events, and the plugin's order kept. */
	for (pp = &d->jobs; *pp; pp = &(*pp)->next)
		;
	*pp = j;
	d->n_jobs++;
	return 0;
}

static void on_written(struct xfer *x, int res, long status)
{
	struct job *j = x->ud;
	struct daemon *d = x->d;
	bool retry = res < 0 || status == 429 || status >= 500;

	j->x = NULL;
	j->attempts++;
	/* 409 on a POST: an earlier attempt created it after all. */
	if (res == 0 &&
	    ((status >= 200 && status < 300) || (status == 409 && streq(j->method, "POST")))) {
		d->written++;
		job_free(d, j);
		return;
	}
	if (retry && now_ms() + (uint64_t)j->backoff_ms < j->deadline) {
		j->next_try = now_ms() + (uint64_t)j->backoff_ms;
		j->backoff_ms =
		    j->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : j->backoff_ms * 2;
		return;
	}
	if (res < 0)
		dlog("cannot write %s after %u attempts: %s", j->what, j->attempts, strerror(-res));
	else
		dlog("cannot write %s after %u attempts: HTTP %ld", j->what, j->attempts, status);
	d->dropped++;
	job_free(d, j);
}

long writer_tick(struct daemon *d)
{
	uint64_t now = now_ms();
	long next = -1;
	struct job *j, *n;
	unsigned in_flight = 0;

	for (j = d->jobs; j; j = j->next)
		in_flight += j->x != NULL;
	for (j = d->jobs; j; j = n) {
		n = j->next;
		if (j->x)
			continue;
		if (now >= j->deadline) {
			dlog("cannot write %s: no time left after %u attempts", j->what,
			     j->attempts);
			d->dropped++;
			job_free(d, j);
			continue;
		}
		if (j->next_try > now) {
			long w = (long)(j->next_try - now);

			next = next < 0 || w < next ? w : next;
			continue;
		}
		if (in_flight >= IN_FLIGHT_MAX)
			continue; /* its turn comes when one is done (on_written) */
		j->x = xfer_start(d, j->method, j->path, j->body, 1 << 20,
				  (long)(j->deadline - now), NULL, on_written, j);
		if (!j->x) {
			j->next_try = now + (uint64_t)j->backoff_ms;
			next = next < 0 || j->backoff_ms < next ? j->backoff_ms : next;
		} else {
			in_flight++;
		}
	}
	return next;
}

bool writer_idle(const struct daemon *d)
{
	return !d->jobs;
}
