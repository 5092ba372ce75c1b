// SPDX-License-Identifier: GPL-2.0-or-later
/* The node-local cache protocol's codec (cache_proto.h has the grammar). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/cache_proto.h"
#include "k8s/cache_proto_int.h"
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

bool cache_annotations_ok(json_t *a)
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
const char *cache_member(json_t *o, const char *key)
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

/* A pod request's optional "nadkeys" (0..CACHE_NAMES_MAX keys) and "multusNamespace". */
static int parse_prefetch(struct cache_req *q, struct err *e)
{
	json_t *arr = json_object_get(q->root, "nadkeys"), *mns, *v;
	char ns[CACHE_NS_MAX];
	const char *name;
	size_t i;

	mns = json_object_get(q->root, "multusNamespace");
	if (mns && (!json_is_string(mns) || !name_is_dns1123_label(json_string_value(mns))))
		return err_set(e, -EPROTO, "cache request: invalid multusNamespace");
	q->multus_ns = mns ? json_string_value(mns) : NULL;
	if (!arr)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > CACHE_NAMES_MAX)
		return err_set(e, -EPROTO, "cache request: nadkeys must be 0-%d keys",
			       CACHE_NAMES_MAX);
	json_array_foreach (arr, i, v)
		if (!json_is_string(v) || cache_nad_key_split(json_string_value(v), ns, &name) < 0)
			return err_set(e, -EPROTO, "cache request: invalid NAD key");
	q->keys = arr;
	return 0;
}

/* pod, status and report: a pod's name and uid; status and report: its annotations. */
static int parse_pod_like(struct cache_req *q, struct err *e)
{
	q->name = cache_member(q->root, "name");
	q->uid = cache_member(q->root, "uid");
	if (!q->name || !name_is_dns1123_subdomain(q->name))
		return err_set(e, -EPROTO, "cache request: invalid pod name");
	if (!q->uid)
		q->uid = "";
	if (!cache_uid_ok(q->uid))
		return err_set(e, -EPROTO, "cache request: invalid uid");
	if (q->op == CACHE_OP_POD)
		return parse_prefetch(q, e);
	q->annotations = json_object_get(q->root, "annotations");
	if (!cache_annotations_ok(q->annotations) || !json_object_size(q->annotations))
		return err_set(e, -EPROTO, "cache request: invalid annotations");
	return 0;
}

static int parse_fields(struct cache_req *q, struct err *e)
{
	json_t *root = q->root;
	const char *op = cache_member(root, "op");
	int r;

	q->ns = cache_member(root, "namespace");
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

json_t *cache_resp_pod_nads(json_t *pod, json_t *nads)
{
	json_auto_t *n = nads;
	json_t *o = cache_resp_pod(pod);

	if (o && n && json_object_size(n) && json_object_set(o, "nads", n) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
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
	const char *uid = cache_member(md, "uid");

	return json_is_object(obj) && json_is_object(md) && cache_member(md, "namespace") &&
	       cache_member(md, "name") && (!need_uid || (uid && cache_uid_ok(uid))) &&
	       cache_annotations_ok(json_object_get(md, "annotations"));
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

/* A pod answer's "nads": absent, or an object of "NS/N" -> NAD. */
static int parse_pod_nads(json_t *root, json_t **ret_nads, struct err *e)
{
	json_t *o = json_object_get(root, "nads"), *v;
	char ns[CACHE_NS_MAX];
	const char *key, *name;

	if (!o) {
		if (ret_nads)
			*ret_nads = NULL;
		return 0;
	}
	if (!json_is_object(o) || json_object_size(o) > CACHE_NAMES_MAX * 2)
		return err_set(e, -EPROTO, "cache answer: malformed nads");
	json_object_foreach (o, key, v)
		if (cache_nad_key_split(key, ns, &name) < 0 || !nad_ok(v))
			return err_set(e, -EPROTO, "cache answer: malformed NAD");
	if (ret_nads)
		*ret_nads = json_incref(o);
	return 0;
}

static int parse_payload(json_t *root, enum cache_op op, json_t **ret, json_t **ret_nads,
			 unsigned *ret_ops, struct err *e)
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
		if (r == 0)
			r = parse_pod_nads(root, ret_nads, e);
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

static int resp_parse(const char *line, size_t len, enum cache_op op, json_t **ret,
		      json_t **ret_nads, unsigned *ret_ops, struct err *e)
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
		const char *why = cache_member(root, "error");
		char text[200];

		if (json_is_true(json_object_get(root, "notFound")))
			return err_set(e, -ENOENT, "not found");
		printable(text, sizeof(text), why ? why : "no reason given");
		return err_set(e, -EREMOTEIO, "the daemon says: %s", text);
	}
	return parse_payload(root, op, ret, ret_nads, ret_ops, e);
}

int cache_resp_parse(const char *line, size_t len, enum cache_op op, json_t **ret,
		     unsigned *ret_ops, struct err *e)
{
	return resp_parse(line, len, op, ret, NULL, ret_ops, e);
}

int cache_resp_parse_pod(const char *line, size_t len, json_t **ret, json_t **ret_nads,
			 unsigned *ret_ops, struct err *e)
{
	json_t *nads = NULL;
	int r = resp_parse(line, len, CACHE_OP_POD, ret, &nads, ret_ops, e);

	if (r == 0 && ret_nads)
		*ret_nads = nads;
	else
		json_decref(nads);
	return r;
}
