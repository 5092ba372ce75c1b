// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LIST of the NetworkAttachmentDefinitions of one namespace, page by page: `limit` per page,
 * the server's continue token followed, a bound on the pages and items in all.
 */
#include <stdio.h>

#include "k8s/client.h"
#include "k8s/http.h"
#include "util/names.h"

#define NAD_PATH "/apis/k8s.cni.cncf.io/v1/namespaces/%s/network-attachment-definitions"
#define CONTINUE_MAX 4096

int k8s_nad_list_page(const char *body, size_t len, json_t *items, char **ret_continue,
		      struct err *e)
{
	json_auto_t *root = NULL;
	json_error_t jerr;
	const char *cont;
	json_t *arr, *it;
	size_t i;

	root = json_loadb(body, len, 0, &jerr);
	if (!root)
		return err_set(e, -EPROTO, "bad JSON in the reply: %s (line %d)", jerr.text,
			       jerr.line);
	arr = json_object_get(root, "items");
	if (!json_is_object(root) || !json_is_array(arr))
		return err_set(e, -EPROTO, "the reply is not a list (no \"items\" array)");
	json_array_foreach (arr, i, it) {
		if (!json_is_object(it))
			return err_set(e, -EPROTO, "items[%zu] is not an object", i);
		if (json_array_size(items) >= K8S_NAD_LIST_MAX)
			return err_set(e, -E2BIG, "more than %d NetworkAttachmentDefinitions",
				       K8S_NAD_LIST_MAX);
		if (json_array_append(items, it) < 0)
			return -ENOMEM;
	}
	cont = json_string_value(json_object_get(json_object_get(root, "metadata"), "continue"));
	if (cont && strlen(cont) > CONTINUE_MAX)
		return err_set(e, -EPROTO, "continue token longer than %d bytes", CONTINUE_MAX);
	if (cont && !cont[0])
		cont = NULL;
	if (cont && !(*ret_continue = strdup(cont)))
		return -ENOMEM;
	if (!cont)
		*ret_continue = NULL;
	return 0;
}

/* RFC 3986 query value: every byte but the unreserved ones as %XX. */
static char *query_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = malloc(strlen(s) * 3 + 1), *p = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			*p++ = (char)ch;
		} else {
			*p++ = '%';
			*p++ = hex[ch >> 4];
			*p++ = hex[ch & 15];
		}
	}
	*p = '\0';
	return out;
}

int k8s_list_nads(struct k8s_client *c, const char *ns, json_t **ret_items, struct err *e)
{
	json_auto_t *items = NULL;
	_cleanup_free_ char *cont = NULL;
	char what[128];
	int r;

	if (!c)
		return err_set(e, -EINVAL, "LIST network-attachment-definitions: no API client");
	if (!name_is_dns1123_label(ns))
		return err_set(e, -EINVAL,
			       "LIST network-attachment-definitions: invalid namespace name");
	snprintf(what, sizeof(what), "LIST network-attachment-definitions %s", ns);
	items = json_array();
	if (!items)
		return -ENOMEM;
	for (int page = 0;; page++) {
		_cleanup_free_ char *path = NULL, *esc = NULL;
		const char *body;
		char *next = NULL;
		size_t len;

		if (page >= K8S_NAD_LIST_PAGES_MAX)
			return err_set(e, -E2BIG, "%s: more than %d pages", what,
				       K8S_NAD_LIST_PAGES_MAX);
		if (cont && !(esc = query_escape(cont)))
			return -ENOMEM;
		if (asprintf(&path, NAD_PATH "?limit=%d%s%s", ns, K8S_NAD_LIST_PAGE,
			     esc ? "&continue=" : "", esc ? esc : "") < 0)
			return -ENOMEM;
		r = k8s_http_call(c, path, NULL, what, &body, &len, e);
		if (r < 0)
			return r;
		r = k8s_nad_list_page(body, len, items, &next, e);
		if (r < 0)
			return err_prefix(e, r, "%s", what);
		free(cont);
		cont = next;
		if (!cont)
			break;
	}
	*ret_items = TAKE_PTR(items);
	return 0;
}
