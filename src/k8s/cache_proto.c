// SPDX-License-Identifier: GPL-2.0-or-later
/* The node-local cache protocol's codec (cache_proto.h has the grammar). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "k8s/cache_proto.h"
#include "util/names.h"

#define UID_MAX 128
#define RV_MAX 64 /* a resourceVersion kept (etcd revisions are decimal, about 20 digits) */

static const char *const op_names[] = {
	[CACHE_OP_POD] = "pod",	      [CACHE_OP_NADS] = "nads",	    [CACHE_OP_STATUS] = "status",
	[CACHE_OP_EVENTS] = "events", [CACHE_OP_REPORT] = "report",
};

const char *cache_op_name(enum cache_op op)
{
	return (size_t)op < ELEMENTSOF(op_names) && op_names[op] ? op_names[op] : "?";
}

/* Kubernetes uids are UUIDs; anything printable and short is accepted ("" is "any"). */
static bool uid_ok(const char *s)
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
	if (!uid_ok(q->uid))
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
	size_t i;
	json_t *v;
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
		q->names = json_object_get(root, "names");
		if (!json_is_array(q->names) || !json_array_size(q->names) ||
		    json_array_size(q->names) > CACHE_NAMES_MAX)
			return err_set(e, -EPROTO, "cache request: names must be 1-%d names",
				       CACHE_NAMES_MAX);
		json_array_foreach (q->names, i, v)
			if (!json_is_string(v) || !name_is_dns1123_subdomain(json_string_value(v)))
				return err_set(e, -EPROTO, "cache request: invalid NAD name");
		return 0;
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

	if (!name || !name_is_dns1123_subdomain(name) || !uid_ok(uid ? uid : ""))
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
	       member(md, "name") && (!need_uid || (uid && uid_ok(uid))) &&
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

/*
 * Always an object; NULL when the object's annotations are not an object of strings. Such an
 * object is not kept: the plugin then asks the API itself and fails as it does there, naming
 * what is wrong, instead of being served the object without the annotations it has.
 */
static json_t *annotations_copy(json_t *md)
{
	json_t *ann = json_object_get(md, "annotations"), *out, *v;
	const char *k;

	if (ann && !json_is_null(ann) && !json_is_object(ann))
		return NULL;
	out = json_object();
	if (!out)
		return NULL;
	json_object_foreach (ann, k, v)
		if (!json_is_string(v) || (*k && json_object_set(out, k, v) < 0)) {
			json_decref(out);
			return NULL;
		}
	return out;
}

static json_t *trim_meta(json_t *obj, bool with_uid)
{
	json_t *md = json_object_get(obj, "metadata");
	const char *ns = member(md, "namespace"), *name = member(md, "name");
	const char *uid = member(md, "uid");
	json_t *ann;

	if (!ns || !name || (with_uid && (!uid || !uid_ok(uid))))
		return NULL;
	ann = annotations_copy(md);
	if (!ann)
		return NULL;
	if (with_uid) {
		/* A pod's resourceVersion too: its AddedInterface events name it, as the API
		 * path's do (client-go's reference to the object). */
		const char *rv = member(md, "resourceVersion");
		json_t *out = json_pack("{s:s,s:s,s:s,s:o}", "namespace", ns, "name", name, "uid",
					uid, "annotations", ann);

		if (out && rv && strlen(rv) <= RV_MAX)
			json_object_set_new(out, "resourceVersion", json_string(rv));
		return out;
	}
	return json_pack("{s:s,s:s,s:o}", "namespace", ns, "name", name, "annotations", ann);
}

json_t *cache_trim_pod(json_t *obj)
{
	json_t *md = trim_meta(obj, true);

	return md ? json_pack("{s:o}", "metadata", md) : NULL;
}

json_t *cache_trim_nad(json_t *obj)
{
	json_t *spec = json_object_get(obj, "spec"), *conf = json_object_get(spec, "config");
	json_t *md;

	/* Not kept either (see annotations_copy): a spec or config of another type. */
	if ((spec && !json_is_null(spec) && !json_is_object(spec)) ||
	    (conf && !json_is_null(conf) && !json_is_string(conf)))
		return NULL;
	md = trim_meta(obj, false);
	if (!md)
		return NULL;
	if (json_is_string(conf))
		return json_pack("{s:o,s:{s:O}}", "metadata", md, "spec", "config", conf);
	return json_pack("{s:o,s:{}}", "metadata", md, "spec");
}
