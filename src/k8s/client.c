// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Kubernetes side of the API client: object paths from validated names, JSON replies,
 * and Kubernetes Status replies turned into errors. The transport is in http.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "k8s/client.h"
#include "k8s/http.h"
#include "util/names.h"

static const char *http_reason(long code)
{
	static const struct {
		long code;
		const char *text;
	} reasons[] = {
		{ 400, "Bad Request" },
		{ 401, "Unauthorized" },
		{ 403, "Forbidden" },
		{ 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 406, "Not Acceptable" },
		{ 409, "Conflict" },
		{ 410, "Gone" },
		{ 413, "Request Entity Too Large" },
		{ 415, "Unsupported Media Type" },
		{ 422, "Unprocessable Entity" },
		{ 429, "Too Many Requests" },
		{ 500, "Internal Server Error" },
		{ 502, "Bad Gateway" },
		{ 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
	};

	for (size_t i = 0; i < ELEMENTSOF(reasons); i++)
		if (reasons[i].code == code)
			return reasons[i].text;
	return "HTTP error";
}

/* Printable ASCII only: the text ends up in CNI JSON and in logs. */
static void sanitize(char *out, size_t size, const char *in, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 1 < size; i++) {
		unsigned char ch = (unsigned char)in[i];

		out[n++] = ch == '\n' || ch == '\t'  ? ' '
			   : ch < 0x20 || ch >= 0x7f ? '?'
						     : (char)ch;
	}
	if (n > 0 && n + 1 == size && size > 4)
		memcpy(out + n - 3, "...", 3);
	out[n] = '\0';
}

int k8s_status_error(long http_status, const char *body, size_t len, struct err *e)
{
	json_auto_t *root = NULL;
	json_error_t jerr;
	const char *kind = NULL, *message = NULL, *reason = NULL;
	char text[320] = "";
	int r;

	if (http_status == 404)
		r = -ENOENT;
	else if (http_status == 401 || http_status == 403)
		r = -EACCES;
	else if (http_status < 400)
		r = -EPROTO;
	else
		r = -EIO;

	if (body && len > 0) {
		root = json_loadb(body, len, 0, &jerr);
		if (root &&
		    json_unpack_ex(root, &jerr, 0, "{s:s, s?s, s?s}", "kind", &kind, "message",
				   &message, "reason", &reason) == 0 &&
		    streq(kind, "Status")) {
			const char *m = message && *message ? message : reason ? reason : "";

			sanitize(text, sizeof(text), m, strlen(m));
		} else {
			/* A proxy's HTML page or the like: the start of it is a clue. */
			char junk[100];

			sanitize(junk, sizeof(junk), body, len);
			snprintf(text, sizeof(text), "unexpected reply: %s", junk);
		}
	}
	if (http_status >= 200 && http_status < 400)
		return err_set(e, r, "unexpected HTTP status %ld%s%s", http_status,
			       *text ? ": " : "", text);
	return err_set(e, r, "%ld %s%s%s", http_status, http_reason(http_status), *text ? ": " : "",
		       text);
}

static int object_call(struct k8s_client *c, const char *method, const char *prefix,
		       const char *resource, const char *ns, const char *name, const char *patch,
		       json_t **ret, struct err *e)
{
	_cleanup_free_ char *path = NULL;
	json_auto_t *root = NULL;
	json_error_t jerr;
	const char *body, *kind;
	char what[400];
	size_t len;
	int r;

	if (!c)
		return err_set(e, -EINVAL, "%s %s: no API client", method, resource);
	/* DNS-1123: namespaces are labels, object names subdomains. Checked before any URL. */
	if (!name_is_dns1123_label(ns))
		return err_set(e, -EINVAL, "%s %s: invalid namespace name", method, resource);
	if (!name_is_dns1123_subdomain(name))
		return err_set(e, -EINVAL, "%s %s %s: invalid object name", method, resource, ns);
	snprintf(what, sizeof(what), "%s %s %s/%s", method, resource, ns, name);
	if (asprintf(&path, "%s/namespaces/%s/%s/%s", prefix, ns, resource, name) < 0)
		return -ENOMEM;
	r = k8s_http_call(c, path, patch, what, &body, &len, e);
	if (r < 0)
		return r;
	root = json_loadb(body, len, 0, &jerr);
	if (!root)
		return err_set(e, -EPROTO, "%s: bad JSON in the reply: %s (line %d)", what,
			       jerr.text, jerr.line);
	if (!json_is_object(root))
		return err_set(e, -EPROTO, "%s: the reply is not a JSON object", what);
	/* A 2xx whose body is a Status is a failure, not the object (it has none of its fields). */
	kind = json_string_value(json_object_get(root, "kind"));
	if (kind && streq(kind, "Status"))
		return err_prefix(e, k8s_status_error(200, body, len, e), "%s", what);
	if (ret)
		*ret = TAKE_PTR(root);
	return 0;
}

int k8s_get_pod(struct k8s_client *c, const char *ns, const char *name, json_t **ret_pod,
		struct err *e)
{
	return object_call(c, "GET", "/api/v1", "pods", ns, name, NULL, ret_pod, e);
}

int k8s_get_nad(struct k8s_client *c, const char *ns, const char *name, json_t **ret_nad,
		struct err *e)
{
	return object_call(c, "GET", "/apis/k8s.cni.cncf.io/v1", "network-attachment-definitions",
			   ns, name, NULL, ret_nad, e);
}

int k8s_patch_pod_annotations(struct k8s_client *c, const char *ns, const char *name,
			      json_t *annotations, struct err *e)
{
	_cleanup_free_ char *body = NULL;
	json_auto_t *patch = NULL;
	const char *key;
	json_t *v;

	if (!json_is_object(annotations))
		return err_set(e, -EINVAL, "PATCH pods: annotations must be a JSON object");
	json_object_foreach (annotations, key, v) {
		/* null removes an annotation in a merge patch. */
		if (!json_is_string(v) && !json_is_null(v))
			return err_set(e, -EINVAL, "PATCH pods: annotation \"%s\" is not a string",
				       key);
	}
	patch = json_pack("{s:{s:O}}", "metadata", "annotations", annotations);
	if (!patch)
		return -ENOMEM;
	body = json_dumps(patch, JSON_COMPACT);
	if (!body)
		return -ENOMEM;
	return object_call(c, "PATCH", "/api/v1", "pods", ns, name, body, NULL, e);
}

int k8s_create(struct k8s_client *c, const char *prefix, const char *ns, const char *resource,
	       json_t *obj, json_t **ret, struct err *e)
{
	_cleanup_free_ char *path = NULL, *data = NULL;
	json_auto_t *root = NULL;
	json_error_t jerr;
	const char *body;
	char what[200];
	size_t len;
	int r;

	if (!c)
		return err_set(e, -EINVAL, "POST %s: no API client", resource);
	if (!name_is_dns1123_label(ns))
		return err_set(e, -EINVAL, "POST %s: invalid namespace name", resource);
	if (!name_is_dns1123_label(resource) || !json_is_object(obj))
		return err_set(e, -EINVAL, "POST %s: invalid resource or object", resource);
	snprintf(what, sizeof(what), "POST %s in %s", resource, ns);
	if (asprintf(&path, "%s/namespaces/%s/%s", prefix, ns, resource) < 0) {
		path = NULL;
		return -ENOMEM;
	}
	data = json_dumps(obj, JSON_COMPACT);
	if (!data)
		return -ENOMEM;
	r = k8s_http_send(c, "POST", path, data, what, &body, &len, e);
	if (r < 0 || !ret)
		return r;
	root = json_loadb(body, len, 0, &jerr);
	if (!json_is_object(root))
		return err_set(e, -EPROTO, "%s: the reply is not a JSON object", what);
	*ret = TAKE_PTR(root);
	return 0;
}
