// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The plugin's side of the daemon: a unix socket (0600 in a 0700 directory), root peers only
 * (SO_PEERCRED), one request line and one answer per connection, CLIENT_TIMEOUT_MS to send
 * the request, at most CLIENTS_MAX at once. A pod not in the cache (or under another uid) is
 * waited for POD_WAIT_MS, then fetched by the daemon itself.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "daemon/daemon_int.h"
#include "k8s/curl_dl.h"

enum client_state { C_READING, C_WAITING, C_FETCHING, C_WRITING };

struct client {
	int fd;
	enum client_state st;
	char *in;
	size_t in_len, in_size;
	struct cache_req req;
	uint64_t deadline, wait_until;
	char *out;
	size_t out_len, out_off;
	struct xfer *x;
	/* nads: the answer being made, and the names the cache lacks, waited for (their GETs are
	 * the daemon's, shared by every client that asks for the name meanwhile) */
	json_t *nads_out;
	bool nad_wait[CACHE_NAMES_MAX];
	unsigned nads_pending;
	bool nads_failed;
	struct client *next;
};

int server_open(const char *path, int *ret_fd, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_free_ char *dir = strdup(path);
	_cleanup_close_ int fd = -1;
	char *slash;
	struct stat st;

	if (!dir || strlen(path) >= sizeof(sa.sun_path) || path[0] != '/') {
		snprintf(err, errlen, "--socket %s: not an absolute path of at most %zu bytes",
			 path, sizeof(sa.sun_path) - 1);
		return -EINVAL;
	}
	slash = strrchr(dir, '/');
	*slash = '\0';
	if (dir[0] && mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s: %s", dir, strerror(errno));
		return negative_errno();
	}
	/* Our directory: a directory (not a symlink), root's, 0700 whatever it was before. */
	if (dir[0] && (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
		       chmod(dir, 0700) < 0)) {
		snprintf(err, errlen, "%s: not a directory of root's that can be made 0700", dir);
		return -EPERM;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return negative_errno();
	/* A socket left by a killed daemon; anything else of that name is not ours to remove. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	{
		mode_t old = umask(0177);
		int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));

		umask(old);
		if (r < 0) {
			snprintf(err, errlen, "cannot bind %s: %s", path, strerror(errno));
			return negative_errno();
		}
	}
	if (chmod(path, 0600) < 0 || listen(fd, 256) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return negative_errno();
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

static void client_free(struct daemon *d, struct client *c)
{
	struct client **pp;

	for (pp = &d->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	d->n_clients--;
	xfer_cancel(c->x);
	json_decref(c->nads_out);
	cache_req_done(&c->req);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}

void server_close_all(struct daemon *d)
{
	while (d->clients)
		client_free(d, d->clients);
}

static bool client_read(struct daemon *d, struct client *c);
static bool client_write(struct client *c);

void server_accept(struct daemon *d)
{
	for (;;) {
		int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct ucred cred;
		socklen_t len = sizeof(cred);
		struct client *c;

		if (fd < 0)
			return;
		/* Root only: the answers are other pods' annotations, and status writes are
		 * done with the daemon's credentials. */
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != 0 ||
		    d->n_clients >= CLIENTS_MAX || d->stopping) {
			if (cred.uid != 0)
				d->refused++;
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			return;
		}
		c->fd = fd;
		d->connections++;
		c->deadline = now_ms() + CLIENT_TIMEOUT_MS;
		c->next = d->clients;
		d->clients = c;
		d->n_clients++;
		/* The plugin writes its request right after connecting: it is usually there, and
		 * answered now rather than after another turn of the loop. */
		if (!client_read(d, c) || (c->st == C_WRITING && !client_write(c)))
			client_free(d, c);
	}
}

static void answer(struct client *c, json_t *msg)
{
	json_auto_t *m = msg;

	free(c->out);
	c->out = NULL;
	if (!m || cache_line_encode(m, &c->out, &c->out_len) < 0) {
		json_auto_t *err = cache_resp_error("out of memory");

		if (!err || cache_line_encode(err, &c->out, &c->out_len) < 0)
			c->out = NULL;
	}
	c->out_off = 0;
	c->st = C_WRITING;
	c->deadline = now_ms() + CLIENT_TIMEOUT_MS;
}

static json_t *lookup(const struct watch *w, const char *ns, const char *name)
{
	char key[512];

	snprintf(key, sizeof(key), "%s/%s", ns, name);
	return json_object_get(w->store, key);
}

static bool pod_matches(json_t *pod, const char *uid)
{
	const char *have =
	    json_string_value(json_object_get(json_object_get(pod, "metadata"), "uid"));

	return pod && (!uid[0] || (have && streq(have, uid)));
}

static void on_pod_fetched(struct xfer *x, int res, long status)
{
	struct client *c = x->ud;
	struct daemon *d = x->d;
	json_auto_t *pod = NULL, *t = NULL;
	char key[512];

	c->x = NULL;
	d->fetched++;
	if (res == 0 && status == 404) {
		answer(c, cache_resp_not_found());
		return;
	}
	if (res < 0 || status != 200) {
		char why[96];

		snprintf(why, sizeof(why), "GET pod: %s (HTTP %ld)", res < 0 ? strerror(-res) : "",
			 status);
		answer(c, cache_resp_error(why));
		return;
	}
	pod = json_loadb(x->buf ? x->buf : "", x->len, 0, NULL);
	t = cache_trim_pod(pod);
	if (!t) {
		answer(c, cache_resp_error("GET pod: not a pod"));
		return;
	}
	/* The newest we know: into the cache (the watch will say the same soon). */
	snprintf(key, sizeof(key), "%s/%s", c->req.ns, c->req.name);
	json_object_set(d->pods.store, key, t);
	if (!pod_matches(t, c->req.uid))
		answer(c, cache_resp_not_found());
	else
		answer(c, cache_resp_pod_nads(json_incref(t), server_pod_nads(d, &c->req, t)));
}

static void fetch_pod(struct daemon *d, struct client *c)
{
	_cleanup_free_ char *path = NULL;

	if (asprintf(&path, "/api/v1/namespaces/%s/pods/%s", c->req.ns, c->req.name) < 0)
		path = NULL;
	c->x = path ? xfer_start(d, "GET", path, NULL, 4u << 20, CLIENT_TIMEOUT_MS, NULL,
				 on_pod_fetched, c)
		    : NULL;
	if (!c->x) {
		answer(c, cache_resp_error("cannot start a GET"));
		return;
	}
	c->st = C_FETCHING;
}

static void serve_pod(struct daemon *d, struct client *c)
{
	json_t *pod = lookup(&d->pods, c->req.ns, c->req.name);

	if (pod_matches(pod, c->req.uid)) {
		d->served++;
		answer(c, cache_resp_pod_nads(json_incref(pod), server_pod_nads(d, &c->req, pod)));
		return;
	}
	if (pod)
		d->stale++;
	if (c->st == C_READING && !pod) {
		/* The watch is usually a few ms behind a pod's creation: wait for it briefly. */
		c->st = C_WAITING;
		c->wait_until = now_ms() + POD_WAIT_MS;
		return;
	}
	fetch_pod(d, c);
}

void server_pod_seen(struct daemon *d, const char *key)
{
	for (struct client *c = d->clients; c; c = c->next) {
		char want[512];

		if (c->st != C_WAITING)
			continue;
		snprintf(want, sizeof(want), "%s/%s", c->req.ns, c->req.name);
		if (streq(want, key) &&
		    pod_matches(json_object_get(d->pods.store, key), c->req.uid))
			serve_pod(d, c);
	}
}

static void nads_answer(struct client *c)
{
	if (c->nads_failed)
		answer(c, cache_resp_error("GET of a NAD failed"));
	else
		answer(c, cache_resp_ok("nads", TAKE_PTR(c->nads_out)));
}

/* The i-th NAD a nads or nadkeys request asks for: its namespace and name, and the name its
 * answer goes under (the name, or the "NS/N" key). false past the end. */
static bool nad_asked(const struct client *c, size_t i, char ns[CACHE_NS_MAX], const char **name,
		      const char **out)
{
	bool keys = c->req.op == CACHE_OP_NADKEYS;
	const char *s = json_string_value(json_array_get(keys ? c->req.keys : c->req.names, i));

	if (!s || i >= CACHE_NAMES_MAX)
		return false;
	*out = s;
	if (keys)
		return cache_nad_key_split(s, ns, name) == 0; /* checked by the parser */
	snprintf(ns, CACHE_NS_MAX, "%s", c->req.ns);
	*name = s;
	return true;
}

/* A NAD the cache lacked, as the API has it (404: there is none): every client waiting for
 * that name gets it. x->ud is the "ns/name" key, the daemon's. */
static void on_nad_fetched(struct xfer *x, int res, long status)
{
	struct daemon *d = x->d;
	_cleanup_free_ char *key = x->ud;
	json_auto_t *obj = NULL, *t = NULL;
	struct client *c, *next;

	json_object_del(d->nads_inflight, key);
	d->fetched++;
	if (res == 0 && status == 200) {
		obj = json_loadb(x->buf ? x->buf : "", x->len, 0, NULL);
		t = cache_trim_nad(obj);
		/* The newest we know: into the cache (the watch will say the same soon). */
		if (t)
			json_object_set(d->nads.store, key, t);
	}
	for (c = d->clients; c; c = next) {
		char ns[CACHE_NS_MAX], want[512];
		const char *name, *out;

		next = c->next; /* nads_answer may end the client */
		if (c->st != C_FETCHING || !c->nads_pending)
			continue;
		for (size_t i = 0; nad_asked(c, i, ns, &name, &out); i++) {
			if (!c->nad_wait[i])
				continue;
			snprintf(want, sizeof(want), "%s/%s", ns, name);
			if (!streq(want, key))
				continue;
			c->nad_wait[i] = false;
			c->nads_pending--;
			if (t)
				json_object_set(c->nads_out, out, t);
			else if (res == 0 && status == 404)
				json_object_set_new(c->nads_out, out, json_null());
			else
				c->nads_failed = true;
		}
		if (!c->nads_pending)
			nads_answer(c);
	}
}

/* The NADs asked for; one the cache lacks may be newer than the watch (made just before the
 * pod): the daemon GETs it before it says there is none, as the API path would, once for all
 * the clients that ask for it while the GET is under way (50 pods of a burst, say). */
static void serve_nads(struct daemon *d, struct client *c)
{
	char ns[CACHE_NS_MAX];
	const char *name, *out;

	if (!d->nads.synced) {
		answer(c, cache_resp_error("NADs not listed yet"));
		return;
	}
	c->nads_out = json_object();
	if (!d->nads_inflight)
		d->nads_inflight = json_object();
	if (!c->nads_out || !d->nads_inflight) {
		answer(c, cache_resp_error("out of memory"));
		return;
	}
	d->served++;
	for (size_t i = 0; nad_asked(c, i, ns, &name, &out); i++) {
		json_t *nad = lookup(&d->nads, ns, name);
		_cleanup_free_ char *path = NULL, *key = NULL;
		struct xfer *x;

		if (nad) {
			json_object_set(c->nads_out, out, nad);
			continue;
		}
		if (asprintf(&key, "%s/%s", ns, name) < 0) {
			key = NULL;
			c->nads_failed = true;
			break;
		}
		if (!json_object_get(d->nads_inflight, key)) {
			if (asprintf(&path,
				     "/apis/k8s.cni.cncf.io/v1/namespaces/%s/"
				     "network-attachment-definitions/%s",
				     ns, name) < 0)
				path = NULL;
			x = path ? xfer_start(d, "GET", path, NULL, 4u << 20, CLIENT_TIMEOUT_MS,
					      NULL, on_nad_fetched, key)
				 : NULL;
			if (!x || json_object_set_new(d->nads_inflight, key, json_true()) < 0) {
				if (x)
					xfer_cancel(x);
				else
					free(TAKE_PTR(key)); /* not handed to a transfer */
				c->nads_failed = true;
				break;
			}
			key = NULL; /* the transfer's now */
		}
		c->nad_wait[i] = true;
		c->nads_pending++;
	}
	if (c->nads_pending)
		c->st = C_FETCHING;
	else
		nads_answer(c);
}

static int queue_status(struct daemon *d, const struct cache_req *q)
{
	json_auto_t *patch = json_pack("{s:{s:O}}", "metadata", "annotations", q->annotations);
	_cleanup_free_ char *path = NULL;
	char what[400];

	snprintf(what, sizeof(what), "the network-status of pod %s/%s", q->ns, q->name);
	if (asprintf(&path, "/api/v1/namespaces/%s/pods/%s", q->ns, q->name) < 0)
		path = NULL;
	return path && patch ? writer_queue(d, "PATCH", path, patch, what, q->timeout_ms) : -ENOMEM;
}

static int queue_events(struct daemon *d, const struct cache_req *q)
{
	_cleanup_free_ char *path = NULL;
	char what[400];
	size_t i;
	json_t *v;
	int r;

	if (asprintf(&path, "/api/v1/namespaces/%s/events", q->ns) < 0)
		return -ENOMEM;
	snprintf(what, sizeof(what), "an AddedInterface event in %s", q->ns);
	json_array_foreach (q->events, i, v) {
		r = writer_queue(d, "POST", path, v, what, q->timeout_ms);
		if (r < 0)
			return r;
	}
	return 0;
}

/* status, events, report: queued, then answered (the writes are the daemon's from then on). */
static void serve_writes(struct daemon *d, struct client *c)
{
	int r = 0;

	if (c->req.op == CACHE_OP_STATUS || c->req.op == CACHE_OP_REPORT)
		r = queue_status(d, &c->req);
	if (r == 0 && (c->req.op == CACHE_OP_EVENTS || c->req.op == CACHE_OP_REPORT))
		r = queue_events(d, &c->req);
	if (r < 0) {
		answer(c, cache_resp_error(strerror(-r)));
		return;
	}
	answer(c, cache_resp_ok(NULL, NULL));
}

static void got_request(struct daemon *d, struct client *c, size_t len)
{
	struct err e = { 0 };
	int r = cache_req_parse(c->in, len, &c->req, &e);

	if (r < 0) {
		answer(c, cache_resp_error(e.msg));
		return;
	}
	switch (c->req.op) {
	case CACHE_OP_POD:
		serve_pod(d, c);
		break;
	case CACHE_OP_NADS:
	case CACHE_OP_NADKEYS:
		serve_nads(d, c);
		break;
	case CACHE_OP_STATUS:
	case CACHE_OP_EVENTS:
	case CACHE_OP_REPORT:
		serve_writes(d, c);
		break;
	}
}

/* false: the client is done with (freed). */
static bool client_read(struct daemon *d, struct client *c)
{
	for (;;) {
		ssize_t n;
		char *nl;

		if (c->in_len == c->in_size) {
			size_t want = c->in_size ? c->in_size * 2 : 4096;
			char *nb;

			if (c->in_size >= CACHE_LINE_MAX)
				return false; /* a line too long: no answer deserved */
			if (want > CACHE_LINE_MAX)
				want = CACHE_LINE_MAX;
			nb = realloc(c->in, want);
			if (!nb)
				return false;
			c->in = nb;
			c->in_size = want;
		}
		n = recv(c->fd, c->in + c->in_len, c->in_size - c->in_len, 0);
		if (n == 0)
			return false;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		nl = memchr(c->in + c->in_len, '\n', (size_t)n);
		c->in_len += (size_t)n;
		if (nl) {
			got_request(d, c, (size_t)(nl - c->in) + 1);
			return true;
		}
	}
}

/* false: done (all written, or the client is gone). */
static bool client_write(struct client *c)
{
	if (!c->out)
		return false;
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		c->out_off += (size_t)n;
	}
	return false;
}

unsigned server_fds(struct daemon *d, void *fds, unsigned max)
{
	struct curl_waitfd *w = fds;
	unsigned n = 0;

	for (struct client *c = d->clients; c && n < max; c = c->next) {
		if (c->st == C_READING)
			w[n++] = (struct curl_waitfd){ .fd = c->fd, .events = CURL_WAIT_POLLIN };
		else if (c->st == C_WRITING)
			w[n++] = (struct curl_waitfd){ .fd = c->fd, .events = CURL_WAIT_POLLOUT };
	}
	return n;
}

long server_tick(struct daemon *d, void *fds, unsigned n)
{
	struct curl_waitfd *w = fds;
	uint64_t now = now_ms();
	struct client *c, *next;
	long wait = -1;

	for (c = d->clients; c; c = next) {
		bool keep = true;

		next = c->next;
		for (unsigned i = 0; i < n; i++) {
			if (w[i].fd != c->fd || !w[i].revents)
				continue;
			if (c->st == C_READING)
				keep = client_read(d, c);
			break;
		}
		if (keep && c->st == C_WAITING && now >= c->wait_until)
			serve_pod(d, c);
		if (keep && c->st == C_WRITING)
			keep = client_write(c);
		if (keep && (c->st == C_READING || c->st == C_WRITING) && now >= c->deadline)
			keep = false;
		if (!keep) {
			client_free(d, c);
			continue;
		}
		{
			uint64_t until = c->st == C_WAITING    ? c->wait_until
					 : c->st == C_FETCHING ? 0
							       : c->deadline;
			long ms = until > now ? (long)(until - now) : 0;

			if (until && (wait < 0 || ms < wait))
				wait = ms;
		}
	}
	return wait;
}
