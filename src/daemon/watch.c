// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LIST, then WATCH from the list's resourceVersion, of one resource, into the cache. Follows
 * every event's resourceVersion, asks for bookmarks, relists on 410 Gone (or an ERROR event
 * saying so), and after a cut stream or a failure watches or lists again after a backoff
 * (100 ms doubling to 5 s; reset by a good event).
 */
#include <stdio.h>
#include <stdlib.h>

#include "daemon/daemon_int.h"

#define LIST_MAX (64u << 20)
#define EVENT_MAX (4u << 20)
#define WATCH_SECONDS 300
#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 5000

int watch_init(struct watch *w, const char *what, const char *path, json_t *(*trim)(json_t *))
{
	*w = (struct watch){ .what = what, .trim = trim, .backoff_ms = BACKOFF_FIRST_MS };
	w->path = strdup(path);
	w->store = json_object();
	return w->path && w->store ? 0 : -ENOMEM;
}

void watch_stop(struct watch *w)
{
	xfer_cancel(w->x);
	w->x = NULL;
}

void watch_done(struct watch *w)
{
	watch_stop(w);
	free(w->path);
	json_decref(w->store);
	w->path = NULL;
	w->store = NULL;
}

static void set_rv(struct watch *w, json_t *obj)
{
	const char *rv =
	    json_string_value(json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));

	if (rv && strlen(rv) < sizeof(w->rv) && strspn(rv, "0123456789") == strlen(rv) && *rv)
		snprintf(w->rv, sizeof(w->rv), "%s", rv);
}

static int key_of(json_t *obj, char *buf, size_t size)
{
	json_t *md = json_object_get(obj, "metadata");
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	const char *name = json_string_value(json_object_get(md, "name"));

	if (!ns || !name)
		return -EINVAL;
	return snprintf(buf, size, "%s/%s", ns, name) < (int)size ? 0 : -ENAMETOOLONG;
}

static void put(struct daemon *d, struct watch *w, json_t *store, json_t *obj)
{
	json_t *t = w->trim(obj);
	char key[512];

	if (!t || key_of(t, key, sizeof(key)) < 0) {
		/* Not kept (cache_trim_*), nor the older version it replaces: that is stale now,
		 * and the plugin asks the API for what the cache lacks. */
		if (key_of(obj, key, sizeof(key)) == 0)
			json_object_del(store, key);
		json_decref(t);
		return;
	}
	json_object_set_new(store, key, t);
	if (store == w->store && w == &d->pods)
		server_pod_seen(d, key);
}

static void failed(struct watch *w, const char *how)
{
	dlog("watch %s: %s; again in %ld ms", w->what, how, w->backoff_ms);
	w->retry_at = now_ms() + (uint64_t)w->backoff_ms;
	w->backoff_ms = w->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : w->backoff_ms * 2;
}

void watch_on_line(struct xfer *x, const char *line, size_t len)
{
	struct watch *w = x->ud;
	struct daemon *d = x->d;
	json_auto_t *ev = json_loadb(line, len, 0, NULL);
	const char *type = json_string_value(json_object_get(ev, "type"));
	json_t *obj = json_object_get(ev, "object");
	char key[512];

	if (!type || !json_is_object(obj)) {
		if (len)
			dlog("watch %s: an event that is not one; ignored", w->what);
		return;
	}
	w->events++;
	if (streq(type, "ERROR")) {
		json_int_t code = json_integer_value(json_object_get(obj, "code"));

		/* Expired resourceVersion: only a new LIST helps. */
		if (code == 410)
			w->gone = true;
		x->abort = true;
		return;
	}
	w->backoff_ms = BACKOFF_FIRST_MS;
	set_rv(w, obj);
	if (streq(type, "BOOKMARK"))
		return;
	if (streq(type, "ADDED") || streq(type, "MODIFIED"))
		put(d, w, w->store, obj);
	else if (streq(type, "DELETED") && key_of(obj, key, sizeof(key)) == 0)
		json_object_del(w->store, key);
}

static void on_watch_done(struct xfer *x, int res, long status)
{
	struct watch *w = x->ud;

	w->x = NULL;
	if (status == 410 || w->gone) {
		dlog("watch %s: resourceVersion %s is gone (410); listing again", w->what, w->rv);
		w->rv[0] = '\0';
		w->gone = false;
		w->synced = false;
		w->retry_at = 0;
		return;
	}
	if (res == 0 && status == 200) {
		/* The server's timeoutSeconds, or it closed the stream cleanly: watch on; but a
		 * server that ends every watch at once gets the backoff, not a busy loop. */
		if (now_ms() - w->started < 1000 && w->events == w->events_at_start)
			failed(w, "the watch ended at once");
		else
			w->retry_at = 0;
		return;
	}
	if (res == -ECANCELED || res == -EIO || res == 0)
		failed(w, res == 0 ? "the watch failed" : "the watch stream was cut");
	else
		failed(w, strerror(-res));
}

void watch_on_list(struct xfer *x, int res, long status)
{
	struct watch *w = x->ud;
	struct daemon *d = x->d;
	json_auto_t *list = NULL, *store = NULL;
	json_t *items, *it;
	size_t i;

	w->x = NULL;
	if (res < 0 || status != 200) {
		char why[64];

		snprintf(why, sizeof(why), "LIST failed (%s, HTTP %ld)",
			 res < 0 ? strerror(-res) : "ok", status);
		failed(w, why);
		return;
	}
	list = json_loadb(x->buf ? x->buf : "", x->len, 0, NULL);
	items = json_object_get(list, "items");
	store = json_object();
	/* "items": null or none is an empty list, as client-go decodes it. */
	if (!json_is_object(list) || (items && !json_is_array(items) && !json_is_null(items)) ||
	    !store) {
		failed(w, "LIST: not a list");
		return;
	}
	json_array_foreach (items, i, it)
		put(d, w, store, it);
	json_decref(w->store);
	w->store = TAKE_PTR(store);
	w->rv[0] = '\0';
	set_rv(w, list);
	w->synced = true;
	w->lists++;
	if (w->rv[0]) {
		w->backoff_ms = BACKOFF_FIRST_MS;
		w->retry_at = 0;
		dlog("watch %s: listed %zu, resourceVersion %s", w->what,
		     json_object_size(w->store), w->rv);
	} else {
		/* Nothing to watch from: list again, but not in a busy loop. */
		failed(w, "LIST without a resourceVersion");
	}
	/* Pods waited for may be in the list. */
	if (w == &d->pods) {
		const char *key;
		json_t *v;

		json_object_foreach (w->store, key, v)
			server_pod_seen(d, key);
	}
}

static const char *sep(const char *path)
{
	return strchr(path, '?') ? "&" : "?";
}

long watch_tick(struct daemon *d, struct watch *w)
{
	_cleanup_free_ char *path = NULL;
	uint64_t now = now_ms();

	if (w->x || d->stopping)
		return -1;
	if (w->retry_at > now)
		return (long)(w->retry_at - now);
	w->retry_at = 0;
	if (!w->synced || !w->rv[0]) {
		w->x = xfer_start(d, "GET", w->path, NULL, LIST_MAX, 60000, NULL, watch_on_list, w);
	} else {
		if (asprintf(
			&path,
			"%s%swatch=1&allowWatchBookmarks=true&resourceVersion=%s&timeoutSeconds=%d",
			w->path, sep(w->path), w->rv, WATCH_SECONDS) < 0)
			return -1;
		w->x =
		    xfer_start(d, "GET", path, NULL, EVENT_MAX, 0, watch_on_line, on_watch_done, w);
		if (w->x) {
			w->watches++;
			w->started = now_ms();
			w->events_at_start = w->events;
		}
	}
	if (!w->x)
		failed(w, "cannot start a transfer");
	return w->x ? -1 : w->backoff_ms;
}
