// SPDX-License-Identifier: GPL-2.0-or-later
/* The node-local cache protocol's codec (cache_proto.h has the grammar). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "k8s/cache_proto.h"
#include "util/names.h"

#define UID_MAX 128

static const char *const op_names[] = {
	[CACHE_OP_POD] = "pod",	      [CACHE_OP_NADS] = "nads",	    [CACHE_OP_STATUS] = "status",
	[CACHE_OP_EVENTS] = "events", [CACHE_OP_REPORT] = "report", [CACHE_OP_NADKEYS] = "nadkeys",
};
_Static_assert(ELEMENTSOF(op_names) == CACHE_OP_LAST + 1, "a name for every op");

const char *cache_op_name(enum cache_op op)
{
	return (size_t)op < ELEMENTSOF(op_names) && op_names[op] ? op_names[op] : "?";
}

bool cache_uid_ok(const char *s)
{
	size_t n = strlen(s);

	if (n > UID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static bool annotations_ok(json_t *a)
{
	const char *k;
	json_t *v;

	if (!json_is_object(a))
		return false;
	json_object_foreach (a, k, v)
		if (!*k || !json_is_string(v))
			return false;
	return true;
}

/* A string member that must be there. */
static const char *member(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Checks "v" and "ok"/"op" common to both directions. */
static int version_check(json_t *root, struct err *e)
{
	json_t *v = json_object_get(root, "v");

	if (!json_is_integer(v))
		return err_set(e, -EPROTO, "cache protocol: no version");
	if (json_integer_value(v) != CACHE_PROTO_VERSION)
		return err_set(e, -ENOTSUP, "cache protocol: version %lld, not %d",
			       (long long)json_integer_value(v), CACHE_PROTO_VERSION);
	return 0;
}

/* Printable ASCII of at most size-1 bytes: whatever came over the socket may be logged. */
static void printable(char *out, size_t size, const char *in)
{
	size_t n = 0;

	for (; *in && n + 1 < size; in++)
		out[n++] = (*in < 0x20 || *in >= 0x7f) ? '?' : *in;
	out[n] = '\0';
}

static json_t *load_line(const char *line, size_t len, struct err *e, int *ret_r)
{
	json_error_t jerr;
	char why[160];
	json_t *root;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len + 1 > CACHE_LINE_MAX) {
		*ret_r = err_set(e, -EMSGSIZE, "cache protocol: line longer than %d bytes",
				 CACHE_LINE_MAX);
		return NULL;
	}
	if (memchr(line, '\n', len)) {
		*ret_r = err_set(e, -EPROTO, "cache protocol: more than one line");
		return NULL;
	}
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root || !json_is_object(root)) {
		printable(why, sizeof(why), root ? "" : jerr.text);
		json_decref(root);
		*ret_r = err_set(e, -EPROTO, "cache protocol: not a JSON object%s%s",
				 *why ? ": " : "", why);
		return NULL;
	}
	*ret_r = 0;
	return root;
}

/* "timeoutMs" of a write request: optional, an integer in 1..CACHE_TIMEOUT_MS_MAX. */
static int parse_timeout(struct cache_req *q, struct err *e)
{
	json_t *t = json_object_get(q->root, "timeoutMs");

	if (!t)
		return 0;
	if (!json_is_integer(t) || json_integer_value(t) < 1 ||
	    json_integer_value(t) > CACHE_TIMEOUT_MS_MAX)
		return err_set(e, -EPROTO, "cache request: timeoutMs must be 1-%ld",
			       CACHE_TIMEOUT_MS_MAX);
	q->timeout_ms = (long)json_integer_value(t);
	return 0;
}

int cache_nad_key_split(const char *key, char ns[CACHE_NS_MAX], const char **ret_name)
{
	const char *slash = key ? strchr(key, '/') : NULL;
	size_t n = slash ? (size_t)(slash - key) : 0;

	if (!slash || n == 0 || n >= CACHE_NS_MAX || !name_is_dns1123_subdomain(slash + 1))
		return -EINVAL;
	memcpy(ns, key, n);
	ns[n] = '\0';
	if (!name_is_dns1123_label(ns))
		return -EINVAL;
	*ret_name = slash + 1;
	return 0;
}

/* "names" of nads, "keys" of nadkeys: 1..CACHE_NAMES_MAX valid strings. */
static int parse_names(struct cache_req *q, struct err *e)
{
	bool keys = q->op == CACHE_OP_NADKEYS;
	json_t *arr = json_object_get(q->root, keys ? "keys" : "names"), *v;
	char ns[CACHE_NS_MAX];
	const char *name;
	size_t i;

	if (!json_is_array(arr) || !json_array_size(arr) || json_array_size(arr) > CACHE_NAMES_MAX)
		return err_set(e, -EPROTO, "cache request: %s must be 1-%d names",
			       keys ? "keys" : "names", CACHE_NAMES_MAX);
	json_array_foreach (arr, i, v) {
		const char *s = json_string_value(v);

		if (!s ||
		    (keys ? cache_nad_key_split(s, ns, &name) < 0 : !name_is_dns1123_subdomain(s)))
			return err_set(e, -EPROTO, "cache request: invalid NAD %s",
				       keys ? "key" : "name");
	}
	if (keys)
		q->keys = arr;
	else
		q->names = arr;
	return 0;
}

/* An array of at most CACHE_EVENTS_MAX objects, at least `min`. */
static int parse_events(struct cache_req *q, size_t min, struct err *e)
{
	size_t i;
	json_t *v;

	q->events = json_object_get(q->root, "events");
	if (!q->events && min == 0)
		return 0;
	if (!json_is_array(q->events) || json_array_size(q->events) < min ||
	    json_array_size(q->events) > CACHE_EVENTS_MAX)
		return err_set(e, -EPROTO, "cache request: events must be %zu-%d objects", min,
			       CACHE_EVENTS_MAX);
	json_array_foreach (q->events, i, v)
		if (!json_is_object(v))
			return err_set(e, -EPROTO, "cache request: an event is no object");
	return 0;
}

/* pod, status and report: a pod's name and uid; status and report: its annotations. */
static int parse_pod_like(struct cache_req *q, struct err *e)
{
	q->name = member(q->root, "name");
	q->uid = member(q->root, "uid");
	if (!q->name || !name_is_dns1123_subdomain(q->name))
		return err_set(e, -EPROTO, "cache request: invalid pod name");
	if (!q->uid)
		q->uid = "";
	if (!cache_uid_ok(q->uid))
		return err_set(e, -EPROTO, "cache request: invalid uid");
	if (q->op == CACHE_OP_POD)
		return 0;
	q->annotations = json_object_get(q->root, "annotations");
	if (!annotations_ok(q->annotations) || !json_object_size(q->annotations))
		return err_set(e, -EPROTO, "cache request: invalid annotations");
	return 0;
}

static int parse_fields(struct cache_req *q, struct err *e)
{
	json_t *root = q->root;
	const char *op = member(root, "op");
	int r;

	q->ns = member(root, "namespace");
	if (!op)
		return err_set(e, -EPROTO, "cache request: no op");
	if (!q->ns || !name_is_dns1123_label(q->ns))
		return err_set(e, -EPROTO, "cache request: invalid namespace");
	q->op = 0;
	for (size_t k = CACHE_OP_POD; k <= CACHE_OP_LAST; k++)
		if (streq(op, op_names[k]))
			q->op = (enum cache_op)k;
	switch (q->op) {
	case CACHE_OP_POD:
		return parse_pod_like(q, e);
	case CACHE_OP_STATUS:
	case CACHE_OP_REPORT:
		r = parse_pod_like(q, e);
		if (r == 0 && q->op == CACHE_OP_REPORT)
			r = parse_events(q, 0, e);
		return r < 0 ? r : parse_timeout(q, e);
	case CACHE_OP_NADS:
	case CACHE_OP_NADKEYS:
		return parse_names(q, e);
	case CACHE_OP_EVENTS:
		r = parse_events(q, 1, e);
		return r < 0 ? r : parse_timeout(q, e);
	}
	return err_set(e, -EPROTO, "cache request: unknown op");
}

int cache_req_parse(const char *line, size_t len, struct cache_req *ret, struct err *e)
{
	struct cache_req q = { 0 };
	int r;

	q.root = load_line(line, len, e, &r);
	if (!q.root)
		return r;
	r = version_check(q.root, e);
	if (r == 0)
		r = parse_fields(&q, e);
	if (r < 0) {
		json_decref(q.root);
		return r;
	}
	*ret = q;
	return 0;
}

void cache_req_done(struct cache_req *r)
{
	json_decref(r->root);
	*r = (struct cache_req){ 0 };
}

static json_t *req_new(const char *op, const char *ns)
{
	if (!ns || !name_is_dns1123_label(ns))
		return NULL;
	return json_pack("{s:i,s:s,s:s}", "v", CACHE_PROTO_VERSION, "op", op, "namespace", ns);
}

static json_t *req_pod_like(const char *op, const char *ns, const char *name, const char *uid)
{
	json_t *o;

	if (!name || !name_is_dns1123_subdomain(name) || !cache_uid_ok(uid ? uid : ""))
		return NULL;
	o = req_new(op, ns);
	if (o && (json_object_set_new(o, "name", json_string(name)) < 0 ||
		  json_object_set_new(o, "uid", json_string(uid ? uid : "")) < 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *cache_req_pod(const char *ns, const char *name, const char *uid)
{
	return req_pod_like("pod", ns, name, uid);
}

json_t *cache_req_nads(const char *ns, const char *const *names, size_t n)
{
	json_auto_t *o = NULL;
	json_t *arr;

	if (!n || n > CACHE_NAMES_MAX)
		return NULL;
	o = req_new("nads", ns);
	arr = json_array();
	if (!o || json_object_set_new(o, "names", arr) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!name_is_dns1123_subdomain(names[i]) ||
		    json_array_append_new(arr, json_string(names[i])) < 0)
			return NULL;
	return TAKE_PTR(o);
}

json_t *cache_req_nadkeys(const char *ns, const char *const *nss, const char *const *names,
			  size_t n)
{
	json_auto_t *o = NULL;
	json_t *arr;

	if (!n || n > CACHE_NAMES_MAX)
		return NULL;
	o = req_new("nadkeys", ns);
	arr = json_array();
	if (!o || json_object_set_new(o, "keys", arr) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *key = NULL;

		if (!nss[i] || !name_is_dns1123_label(nss[i]) ||
		    !name_is_dns1123_subdomain(names[i]) ||
		    asprintf(&key, "%s/%s", nss[i], names[i]) < 0)
			return NULL;
		if (json_array_append_new(arr, json_string(key)) < 0)
			return NULL;
	}
	return TAKE_PTR(o);
}

json_t *cache_req_status(const char *ns, const char *name, const char *uid, json_t *annotations)
{
	json_auto_t *o = NULL;

	if (!annotations_ok(annotations))
		return NULL;
	o = req_pod_like("status", ns, name, uid);
	if (!o || json_object_set(o, "annotations", annotations) < 0)
		return NULL;
	return TAKE_PTR(o);
}

json_t *cache_req_events(const char *ns, json_t *events)
{
	json_auto_t *o = NULL;

	if (!json_is_array(events) || !json_array_size(events) ||
	    json_array_size(events) > CACHE_EVENTS_MAX)
		return NULL;
	o = req_new("events", ns);
	if (!o || json_object_set(o, "events", events) < 0)
		return NULL;
	return TAKE_PTR(o);
}

json_t *cache_req_report(const char *ns, const char *name, const char *uid, json_t *annotations,
			 json_t *events)
{
	json_auto_t *o = NULL;

	if (!annotations_ok(annotations) || !json_object_size(annotations) ||
	    (events && (!json_is_array(events) || json_array_size(events) > CACHE_EVENTS_MAX)))
		return NULL;
	o = req_pod_like("report", ns, name, uid);
	if (!o || json_object_set(o, "annotations", annotations) < 0)
		return NULL;
	if (events && json_array_size(events) && json_object_set(o, "events", events) < 0)
		return NULL;
	return TAKE_PTR(o);
}

int cache_req_set_timeout(json_t *req, long timeout_ms)
{
	const char *op = member(req, "op");

	if (!op || (!streq(op, "status") && !streq(op, "events") && !streq(op, "report")) ||
	    timeout_ms < 1 || timeout_ms > CACHE_TIMEOUT_MS_MAX)
		return -EINVAL;
	return json_object_set_new(req, "timeoutMs", json_integer(timeout_ms)) < 0 ? -ENOMEM : 0;
}

int cache_line_encode(json_t *msg, char **ret, size_t *ret_len)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	size_t n;
	char *line;

	if (!text)
		return -ENOMEM;
	n = strlen(text);
	if (n + 1 > CACHE_LINE_MAX) {
		free(text);
		return -EMSGSIZE;
	}
	line = realloc(text, n + 2);
	if (!line) {
		free(text);
		return -ENOMEM;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	*ret = line;
	*ret_len = n + 1;
	return 0;
}

json_t *cache_resp_ok(const char *key, json_t *payload)
{
	json_t *o = json_pack("{s:i,s:b}", "v", CACHE_PROTO_VERSION, "ok", 1);

	if (o && key && payload && json_object_set(o, key, payload) < 0) {
		json_decref(o);
		o = NULL;
	}
	json_decref(payload);
	return o;
}

json_t *cache_resp_pod(json_t *pod)
{
	json_auto_t *o = cache_resp_ok("pod", pod);
	json_t *ops = json_array();

	if (!o || json_object_set_new(o, "ops", ops) < 0)
		return NULL;
	for (size_t k = CACHE_OP_POD; k <= CACHE_OP_LAST; k++)
		if (json_array_append_new(ops, json_string(op_names[k])) < 0)
			return NULL;
	return TAKE_PTR(o);
}

json_t *cache_resp_not_found(void)
{
	return json_pack("{s:i,s:b,s:b}", "v", CACHE_PROTO_VERSION, "ok", 0, "notFound", 1);
}

json_t *cache_resp_error(const char *text)
{
	return json_pack("{s:i,s:b,s:s}", "v", CACHE_PROTO_VERSION, "ok", 0, "error",
			 text ? text : "error");
}

/* A cached object's metadata: string namespace and name, annotations an object of strings. */
static bool meta_ok(json_t *obj, bool need_uid)
{
	json_t *md = json_object_get(obj, "metadata");
	const char *uid = member(md, "uid");

	return json_is_object(obj) && json_is_object(md) && member(md, "namespace") &&
	       member(md, "name") && (!need_uid || (uid && cache_uid_ok(uid))) &&
	       annotations_ok(json_object_get(md, "annotations"));
}

static bool nad_ok(json_t *nad)
{
	json_t *spec = json_object_get(nad, "spec");
	json_t *conf = json_object_get(spec, "config");

	return meta_ok(nad, false) && (!spec || json_is_object(spec)) &&
	       (!conf || json_is_string(conf));
}

/* The "ops" of a pod answer: CACHE_OPS_BASE without it. */
static int parse_ops(json_t *root, unsigned *ret_ops, struct err *e)
{
	json_t *ops = json_object_get(root, "ops"), *v;
	unsigned mask = CACHE_OPS_BASE;
	size_t i;

	if (!ops)
		goto out;
	if (!json_is_array(ops) || json_array_size(ops) > CACHE_OPS_MAX)
		return err_set(e, -EPROTO, "cache answer: ops must be at most %d names",
			       CACHE_OPS_MAX);
	json_array_foreach (ops, i, v) {
		if (!json_is_string(v))
			return err_set(e, -EPROTO, "cache answer: an op is no string");
		for (size_t k = CACHE_OP_POD; k <= CACHE_OP_LAST; k++)
			if (streq(json_string_value(v), op_names[k]))
				mask |= 1u << k;
	}
out:
	if (ret_ops)
		*ret_ops = mask;
	return 0;
}

static int parse_payload(json_t *root, enum cache_op op, json_t **ret, unsigned *ret_ops,
			 struct err *e)
{
	const char *name;
	json_t *v, *o;
	int r;

	switch (op) {
	case CACHE_OP_POD:
		o = json_object_get(root, "pod");
		if (!meta_ok(o, true))
			return err_set(e, -EPROTO, "cache answer: malformed pod");
		r = parse_ops(root, ret_ops, e);
		if (r < 0)
			return r;
		if (ret)
			*ret = json_incref(o);
		return 0;
	case CACHE_OP_NADS:
	case CACHE_OP_NADKEYS:
		o = json_object_get(root, "nads");
		if (!json_is_object(o))
			return err_set(e, -EPROTO, "cache answer: no nads");
		json_object_foreach (o, name, v)
			if (!json_is_null(v) && !nad_ok(v))
				return err_set(e, -EPROTO, "cache answer: malformed NAD");
		if (ret)
			*ret = json_incref(o);
		return 0;
	case CACHE_OP_STATUS:
	case CACHE_OP_EVENTS:
	case CACHE_OP_REPORT:
		if (ret)
			*ret = NULL;
		return 0;
	}
	return err_set(e, -EINVAL, "cache answer: unknown op");
}

int cache_resp_parse(const char *line, size_t len, enum cache_op op, json_t **ret,
		     unsigned *ret_ops, struct err *e)
{
	json_auto_t *root = NULL;
	json_t *ok;
	int r;

	root = load_line(line, len, e, &r);
	if (!root)
		return r;
	r = version_check(root, e);
	if (r < 0)
		return r;
	ok = json_object_get(root, "ok");
	if (!json_is_boolean(ok))
		return err_set(e, -EPROTO, "cache answer: no ok");
	if (json_is_false(ok)) {
		const char *why = member(root, "error");
		char text[200];

		if (json_is_true(json_object_get(root, "notFound")))
			return err_set(e, -ENOENT, "not found");
		printable(text, sizeof(text), why ? why : "no reason given");
		return err_set(e, -EREMOTEIO, "the daemon says: %s", text);
	}
	return parse_payload(root, op, ret, ret_ops, e);
}
