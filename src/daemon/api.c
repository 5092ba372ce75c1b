// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's API transfers: easy handles copied from one k8s client (its TLS, credentials
 * and headers), all on one multi handle. HTTP/2 where the server speaks it, with PIPEWAIT:
 * the watches, the GETs and the writes share one connection then (libcurl multiplexes).
 */
#include <stdio.h>
#include <stdlib.h>

#include "daemon/daemon_int.h"
#include "k8s/curl_dl.h"

size_t xfer_feed(struct xfer *x, const char *ptr, size_t n)
{
	size_t start = 0;

	if (x->abort)
		return 0;
	if (!x->on_line) {
		if (n > x->max - x->len) {
			x->too_big = true;
			return 0;
		}
	}
	if (x->len + n + 1 > x->size) {
		size_t want = x->size ? x->size : 16384;
		char *nb;

		while (want < x->len + n + 1)
			want *= 2;
		nb = realloc(x->buf, want);
		if (!nb)
			return 0;
		x->buf = nb;
		x->size = want;
	}
	memcpy(x->buf + x->len, ptr, n);
	x->len += n;
	x->buf[x->len] = '\0';
	if (!x->on_line)
		return n;
	/* Streaming: every whole line goes to on_line, the rest waits for more. */
	for (;;) {
		char *nl = memchr(x->buf + start, '\n', x->len - start);

		if (!nl)
			break;
		*nl = '\0';
		x->on_line(x, x->buf + start, (size_t)(nl - (x->buf + start)));
		start = (size_t)(nl - x->buf) + 1;
		if (x->abort)
			return 0;
	}
	memmove(x->buf, x->buf + start, x->len - start);
	x->len -= start;
	if (x->len > x->max) {
		x->too_big = true;
		return 0;
	}
	return n;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	return xfer_feed(userdata, ptr, size * nmemb);
}

struct retired {
	struct k8s_client *c;
	struct retired *next;
};

/* Frees the retired clients that no transfer uses any more. */
static void api_gc(struct daemon *d)
{
	struct retired **pp = &d->retired;

	while (*pp) {
		struct retired *r = *pp;
		bool used = false;

		for (struct xfer *x = d->xfers; x && !used; x = x->next)
			used = x->api == r->c;
		if (used) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		k8s_client_free(r->c);
		free(r);
		d->clients_freed++;
	}
}

void api_retire(struct daemon *d, struct k8s_client *old)
{
	struct retired *r = calloc(1, sizeof(*r));

	if (!r) {
		dlog("out of memory: an old API client is kept for good");
		return;
	}
	r->c = old;
	r->next = d->retired;
	d->retired = r;
	api_gc(d);
}

static void xfer_free(struct xfer *x)
{
	struct daemon *d = x->d;
	struct xfer **pp;

	for (pp = &x->d->xfers; *pp; pp = &(*pp)->next)
		if (*pp == x) {
			*pp = x->next;
			break;
		}
	if (x->h) {
		curl_multi_remove_handle(x->d->multi, x->h);
		curl_easy_cleanup(x->h);
	}
	free(x->buf);
	free(x->body);
	free(x);
	api_gc(d);
}

void xfer_cancel(struct xfer *x)
{
	if (x)
		xfer_free(x);
}

struct xfer *xfer_start(struct daemon *d, const char *method, const char *path, const char *body,
			size_t max, long timeout_ms, xfer_line_fn on_line, xfer_done_fn on_done,
			void *ud)
{
	struct xfer *x = calloc(1, sizeof(*x));
	bool ok = true;

	if (!x)
		return NULL;
	x->d = d;
	x->max = max;
	x->on_line = on_line;
	x->on_done = on_done;
	x->ud = ud;
	x->api = d->api;
	x->h = k8s_client_easy_dup(d->api, method, path);
	if (!x->h || (body && !(x->body = strdup(body)))) {
		if (x->h)
			curl_easy_cleanup(x->h);
		free(x);
		return NULL;
	}
	ok &= curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, on_data) == CURLE_OK;
	ok &= curl_easy_setopt(x->h, CURLOPT_WRITEDATA, x) == CURLE_OK;
	ok &= curl_easy_setopt(x->h, CURLOPT_PRIVATE, x) == CURLE_OK;
	ok &= curl_easy_setopt(x->h, CURLOPT_TIMEOUT_MS, timeout_ms) == CURLE_OK;
	ok &= curl_easy_setopt(x->h, CURLOPT_CONNECTTIMEOUT_MS, 3000L) == CURLE_OK;
	ok &=
	    curl_easy_setopt(x->h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS) == CURLE_OK;
	ok &= curl_easy_setopt(x->h, CURLOPT_PIPEWAIT, 1L) == CURLE_OK;
	/* Tells the daemon's requests from the plugin's in the API server's log. */
	ok &=
	    curl_easy_setopt(x->h, CURLOPT_USERAGENT, "multus-daemon/" MULTUS_VERSION) == CURLE_OK;
	/* A watch that goes silent (no event, no bookmark) for this long is dead. */
	if (!timeout_ms) {
		ok &= curl_easy_setopt(x->h, CURLOPT_LOW_SPEED_LIMIT, 1L) == CURLE_OK;
		ok &= curl_easy_setopt(x->h, CURLOPT_LOW_SPEED_TIME, 90L) == CURLE_OK;
	}
	if (x->body) {
		ok &= curl_easy_setopt(x->h, CURLOPT_POSTFIELDS, x->body) == CURLE_OK;
		ok &= curl_easy_setopt(x->h, CURLOPT_POSTFIELDSIZE_LARGE,
				       (curl_off_t)strlen(x->body)) == CURLE_OK;
	} else {
		ok &= curl_easy_setopt(x->h, CURLOPT_HTTPGET, 1L) == CURLE_OK;
	}
	if (!ok || curl_multi_add_handle(d->multi, x->h) != CURLM_OK) {
		curl_easy_cleanup(x->h);
		free(x->body);
		free(x);
		return NULL;
	}
	x->next = d->xfers;
	d->xfers = x;
	return x;
}

static int res_errno(CURLcode res, const struct xfer *x)
{
	switch (res) {
	case CURLE_OK:
		return 0;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		return -ECONNREFUSED;
	case CURLE_WRITE_ERROR:
		return x->too_big ? -EMSGSIZE : x->abort ? -ECANCELED : -EIO;
	default:
		return -EIO;
	}
}

void api_dispatch(struct daemon *d)
{
	CURLMsg *m;
	int running, left;

	curl_multi_perform(d->multi, &running);
	while ((m = curl_multi_info_read(d->multi, &left))) {
		struct xfer *x = NULL;
		long status = 0;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
		if (!x)
			continue;
		{
			int r = res_errno(m->data.result, x);

			if (r == 0 && status == 401)
				d->reauth = true;
			/* The callback may start new transfers; this one is freed after it. */
			x->on_done(x, r, status);
			xfer_free(x);
		}
	}
}
