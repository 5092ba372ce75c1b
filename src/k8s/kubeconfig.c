// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kubeconfig files and the in-cluster service-account config. The YAML is checked event by
 * event first (no aliases, bounded nesting, one document), then loaded with libyaml's
 * document API and read along fixed paths only.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "k8s/credfile.h"
#include "k8s/kubeconfig.h"
#include "util/base64.h"

#define KUBECONFIG_MAX (1024 * 1024)
#define YAML_DEPTH_MAX 32
#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* "where.key" in messages; top-level fields have an empty `where`. */
#define FIELD_FMT "%s%s%s"
#define FIELD(where, key) (where), *(where) ? "." : "", (key)

struct kc {
	yaml_document_t doc;
	bool loaded;
	const char *what; /* "kubeconfig /path", the prefix of every error */
	const char *dir;
	struct err *e;
};

static void kc_done(struct kc *k)
{
	if (k->loaded)
		yaml_document_delete(&k->doc);
}

void k8s_config_free(struct k8s_config *c)
{
	if (!c)
		return;
	free(c->server);
	free(c->ca_file);
	free(c->ca_data);
	free(c->tls_server_name);
	k8s_wipe_free(c->token, c->token ? strlen(c->token) : 0);
	free(c->cert_file);
	free(c->key_file);
	free(c->cert_data);
	k8s_wipe_free(c->key_data, c->key_data_len);
	free(c);
}

void k8s_config_freep(struct k8s_config **c)
{
	k8s_config_free(*c);
}

/* Before loading: aliases refused (no billion laughs), nesting bounded, one document. */
static int yaml_check(const char *text, size_t len, const char *what, struct err *e)
{
	yaml_parser_t p;
	int depth = 0, docs = 0, r = 0;
	bool done = false;

	if (!yaml_parser_initialize(&p))
		return err_set(e, -ENOMEM, "%s: out of memory", what);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done && r == 0) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&p, &ev)) {
			r = err_set(e, -EINVAL, "%s: line %zu column %zu: %s", what,
				    p.problem_mark.line + 1, p.problem_mark.column + 1,
				    p.problem ? p.problem : "invalid YAML");
			break;
		}
		switch (ev.type) {
		case YAML_ALIAS_EVENT:
			r = err_set(e, -EINVAL, "%s: line %zu: YAML aliases are not supported",
				    what, ev.start_mark.line + 1);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > YAML_DEPTH_MAX)
				r = err_set(e, -EINVAL,
					    "%s: line %zu: nested deeper than %d levels", what,
					    ev.start_mark.line + 1, YAML_DEPTH_MAX);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				r = err_set(e, -EINVAL, "%s: more than one YAML document", what);
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return r;
}

static bool scalar_is(const yaml_node_t *n, const char *s)
{
	return n->data.scalar.length == strlen(s) &&
	       memcmp(n->data.scalar.value, s, strlen(s)) == 0;
}

static bool scalar_is_null(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (n->data.scalar.length == 0 || scalar_is(n, "~") || scalar_is(n, "null") ||
		scalar_is(n, "Null") || scalar_is(n, "NULL"));
}

/* `map`.`key`, or NULL (absent or null). A duplicate key is an error. */
static int kc_lookup(struct kc *k, yaml_node_t *map, const char *where, const char *key,
		     yaml_node_t **ret)
{
	yaml_node_t *found = NULL;
	bool seen = false;

	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *kn = yaml_document_get_node(&k->doc, pr->key);

		if (!kn || kn->type != YAML_SCALAR_NODE || !scalar_is(kn, key))
			continue;
		if (seen)
			return err_set(k->e, -EINVAL, "%s: " FIELD_FMT ": duplicate key", k->what,
				       FIELD(where, key));
		seen = true;
		found = yaml_document_get_node(&k->doc, pr->value);
	}
	*ret = found && !scalar_is_null(found) ? found : NULL;
	return 0;
}

static int kc_node(struct kc *k, yaml_node_t *map, const char *where, const char *key,
		   yaml_node_type_t type, yaml_node_t **ret)
{
	static const char *const names[] = {
		[YAML_SCALAR_NODE] = "a string",
		[YAML_SEQUENCE_NODE] = "a list",
		[YAML_MAPPING_NODE] = "a mapping",
	};
	yaml_node_t *n;
	int r;

	r = kc_lookup(k, map, where, key, &n);
	if (r < 0)
		return r;
	if (n && n->type != type)
		return err_set(k->e, -EINVAL, "%s: " FIELD_FMT ": expected %s", k->what,
			       FIELD(where, key), names[type]);
	*ret = n;
	return 0;
}

/* A string field; absent, null and "" all leave *ret NULL. */
static int kc_str(struct kc *k, yaml_node_t *map, const char *where, const char *key, char **ret)
{
	yaml_node_t *n;
	const char *v;
	size_t len;
	int r;

	r = kc_node(k, map, where, key, YAML_SCALAR_NODE, &n);
	if (r < 0)
		return r;
	if (!n || n->data.scalar.length == 0) {
		*ret = NULL;
		return 0;
	}
	v = (const char *)n->data.scalar.value;
	len = n->data.scalar.length;
	if (strnlen(v, len) != len)
		return err_set(k->e, -EINVAL, "%s: " FIELD_FMT ": contains a NUL byte", k->what,
			       FIELD(where, key));
	*ret = strndup(v, len);
	return *ret ? 0 : -ENOMEM;
}

static int kc_bool(struct kc *k, yaml_node_t *map, const char *where, const char *key, bool *ret)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "on" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "off" };
	yaml_node_t *n;
	int r;

	r = kc_node(k, map, where, key, YAML_SCALAR_NODE, &n);
	if (r < 0)
		return r;
	*ret = false;
	if (!n)
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
		if (scalar_is(n, yes[i]))
			*ret = true;
		if (scalar_is(n, yes[i]) || scalar_is(n, no[i]))
			return 0;
	}
	return err_set(k->e, -EINVAL, "%s: " FIELD_FMT ": expected true or false", k->what,
		       FIELD(where, key));
}

/* A file path field, made absolute against the kubeconfig's folder. */
static int kc_path(struct kc *k, yaml_node_t *map, const char *where, const char *key, char **ret)
{
	_cleanup_free_ char *p = NULL;
	int r;

	r = kc_str(k, map, where, key, &p);
	if (r < 0)
		return r;
	if (p && p[0] != '/' && k->dir && k->dir[0]) {
		char *abs;

		if (asprintf(&abs, "%s/%s", k->dir, p) < 0)
			return -ENOMEM;
		free(p);
		p = abs;
	}
	*ret = TAKE_PTR(p);
	return 0;
}

/* A base64 field, decoded; a bad encoding names the field only. */
static int kc_data(struct kc *k, yaml_node_t *map, const char *where, const char *key, char **ret,
		   size_t *ret_len)
{
	_cleanup_free_ char *text = NULL;
	int r;

	r = kc_str(k, map, where, key, &text);
	if (r < 0)
		return r;
	if (!text) {
		*ret = NULL;
		*ret_len = 0;
		return 0;
	}
	r = base64_decode(text, strlen(text), ret, ret_len);
	explicit_bzero(text, strlen(text));
	if (r == -EINVAL)
		return err_set(k->e, r, "%s: " FIELD_FMT ": invalid base64", k->what,
			       FIELD(where, key));
	return r;
}

/*
 * Finds the element of the list `list` (contexts, clusters, users) called `name` and returns
 * its `inner` mapping, with the element's position for error messages. -ENOENT (no message)
 * when there is none.
 */
static int kc_find(struct kc *k, yaml_node_t *root, const char *list, const char *inner,
		   const char *name, int *ret_idx, yaml_node_t **ret)
{
	yaml_node_t *seq, *found = NULL;
	int idx = -1, i = 0, r;

	r = kc_node(k, root, "", list, YAML_SEQUENCE_NODE, &seq);
	if (r < 0)
		return r;
	if (!seq)
		return -ENOENT;
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++, i++) {
		yaml_node_t *item = yaml_document_get_node(&k->doc, *it), *in;
		_cleanup_free_ char *n = NULL;
		char where[64];

		snprintf(where, sizeof(where), "%s[%d]", list, i);
		if (!item || item->type != YAML_MAPPING_NODE)
			return err_set(k->e, -EINVAL, "%s: %s: expected a mapping", k->what, where);
		r = kc_str(k, item, where, "name", &n);
		if (r < 0)
			return r;
		if (!n || !streq(n, name))
			continue;
		if (found)
			return err_set(k->e, -EINVAL, "%s: %s: duplicate name \"%s\"", k->what,
				       list, name);
		r = kc_node(k, item, where, inner, YAML_MAPPING_NODE, &in);
		if (r < 0)
			return r;
		if (!in)
			return err_set(k->e, -EINVAL, "%s: %s.%s: missing", k->what, where, inner);
		found = in;
		idx = i;
	}
	if (!found)
		return -ENOENT;
	*ret_idx = idx;
	*ret = found;
	return 0;
}

/* current-context, or the only context when it is unset. */
static int kc_context_name(struct kc *k, yaml_node_t *root, char **ret)
{
	yaml_node_t *seq, *item;
	size_t n;
	int r;

	r = kc_str(k, root, "", "current-context", ret);
	if (r < 0 || *ret)
		return r;
	r = kc_node(k, root, "", "contexts", YAML_SEQUENCE_NODE, &seq);
	if (r < 0)
		return r;
	n = seq ? (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start) : 0;
	if (n == 0)
		return err_set(k->e, -EINVAL, "%s: no contexts", k->what);
	if (n > 1)
		return err_set(k->e, -EINVAL,
			       "%s: current-context is not set and there are %zu contexts", k->what,
			       n);
	item = yaml_document_get_node(&k->doc, seq->data.sequence.items.start[0]);
	if (!item || item->type != YAML_MAPPING_NODE)
		return err_set(k->e, -EINVAL, "%s: contexts[0]: expected a mapping", k->what);
	r = kc_str(k, item, "contexts[0]", "name", ret);
	if (r < 0)
		return r;
	if (!*ret)
		return err_set(k->e, -EINVAL, "%s: contexts[0].name: missing", k->what);
	return 0;
}

static int kc_cluster(struct kc *k, yaml_node_t *cl, const char *where, struct k8s_config *c)
{
	size_t len;
	int r;

	if ((r = kc_str(k, cl, where, "server", &c->server)) < 0 ||
	    (r = kc_path(k, cl, where, "certificate-authority", &c->ca_file)) < 0 ||
	    (r = kc_data(k, cl, where, "certificate-authority-data", &c->ca_data,
			 &c->ca_data_len)) < 0 ||
	    (r = kc_bool(k, cl, where, "insecure-skip-tls-verify", &c->insecure)) < 0 ||
	    (r = kc_str(k, cl, where, "tls-server-name", &c->tls_server_name)) < 0)
		return r;
	if (!c->server)
		return err_set(k->e, -EINVAL, "%s: %s.server: missing", k->what, where);
	if (!strstr(c->server, "://")) {
		/* client-go takes a bare host:port as https. */
		char *s;

		if (asprintf(&s, "https://%s", c->server) < 0)
			return -ENOMEM;
		free(c->server);
		c->server = s;
	}
	if (strncmp(c->server, "https://", 8) != 0 && strncmp(c->server, "http://", 7) != 0)
		return err_set(k->e, -EINVAL,
			       "%s: %s.server: only https:// and http:// are supported", k->what,
			       where);
	for (const char *p = c->server; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return err_set(k->e, -EINVAL, "%s: %s.server: contains white space",
				       k->what, where);
	len = strlen(c->server);
	while (len > 0 && c->server[len - 1] == '/')
		c->server[--len] = '\0';
	if (c->ca_file && c->ca_data)
		return err_set(
		    k->e, -EINVAL,
		    "%s: %s: certificate-authority and certificate-authority-data are both set",
		    k->what, where);
	return 0;
}

static int kc_user(struct kc *k, yaml_node_t *u, const char *where, const char *name,
		   struct k8s_config *c)
{
	_cleanup_free_ char *token_file = NULL, *user = NULL, *pass = NULL;
	yaml_node_t *n;
	int r;

	if ((r = kc_lookup(k, u, where, "exec", &n)) < 0)
		return r;
	if (n)
		return err_set(k->e, -ENOTSUP,
			       "%s: user \"%s\": exec credential plugins are not supported",
			       k->what, name);
	if ((r = kc_lookup(k, u, where, "auth-provider", &n)) < 0)
		return r;
	if (n)
		return err_set(k->e, -ENOTSUP,
			       "%s: user \"%s\": auth-provider plugins are not supported", k->what,
			       name);
	if ((r = kc_str(k, u, where, "token", &c->token)) < 0 ||
	    (r = kc_path(k, u, where, "tokenFile", &token_file)) < 0 ||
	    (r = kc_path(k, u, where, "client-certificate", &c->cert_file)) < 0 ||
	    (r = kc_data(k, u, where, "client-certificate-data", &c->cert_data,
			 &c->cert_data_len)) < 0 ||
	    (r = kc_path(k, u, where, "client-key", &c->key_file)) < 0 ||
	    (r = kc_data(k, u, where, "client-key-data", &c->key_data, &c->key_data_len)) < 0 ||
	    (r = kc_str(k, u, where, "username", &user)) < 0 ||
	    (r = kc_str(k, u, where, "password", &pass)) < 0)
		return r;
	if (pass)
		explicit_bzero(pass, strlen(pass));
	if (user || pass)
		return err_set(k->e, -ENOTSUP,
			       "%s: user \"%s\": basic authentication is not supported", k->what,
			       name);
	if (token_file) {
		/* Read now, on every load: a rotated token is picked up by the next run. Like
		 * client-go, the file wins over an inline token, which is only a fallback. */
		_cleanup_free_ char *tok = NULL;
		const char *why = NULL;

		r = k8s_token_read(token_file, &tok, &why);
		if (r < 0 && !c->token)
			return err_set(k->e, r, "%s: %s.tokenFile: %s: %s", k->what, where,
				       token_file, why);
		if (r == 0) {
			k8s_wipe_free(c->token, c->token ? strlen(c->token) : 0);
			c->token = TAKE_PTR(tok);
		}
	}
	for (const char *p = c->token; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return err_set(k->e, -EINVAL, "%s: %s.token: contains control characters",
				       k->what, where);
	if (c->cert_file && c->cert_data)
		return err_set(
		    k->e, -EINVAL,
		    "%s: %s: client-certificate and client-certificate-data are both set", k->what,
		    where);
	if (c->key_file && c->key_data)
		return err_set(k->e, -EINVAL, "%s: %s: client-key and client-key-data are both set",
			       k->what, where);
	if (!!(c->cert_file || c->cert_data) != !!(c->key_file || c->key_data))
		return err_set(k->e, -EINVAL,
			       "%s: %s: a client certificate needs both a certificate and a key",
			       k->what, where);
	return 0;
}

int k8s_config_parse(const char *text, size_t len, const char *dir, const char *what,
		     struct k8s_config **ret, struct err *e)
{
	_cleanup_(kc_done) struct kc k = { .what = what ? what : "kubeconfig", .dir = dir, .e = e };
	_cleanup_(k8s_config_freep) struct k8s_config *c = NULL;
	_cleanup_free_ char *ctx_name = NULL, *cluster_name = NULL, *user_name = NULL;
	yaml_node_t *root, *ctx, *cl, *u;
	yaml_parser_t p;
	char where[64];
	int idx, r;

	if (len > KUBECONFIG_MAX)
		return err_set(e, -EFBIG, "%s: larger than %d bytes", k.what, KUBECONFIG_MAX);
	r = yaml_check(text, len, k.what, e);
	if (r < 0)
		return r;
	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	k.loaded = yaml_parser_load(&p, &k.doc);
	yaml_parser_delete(&p);
	if (!k.loaded)
		return err_set(e, -EINVAL, "%s: cannot load the YAML document", k.what);
	root = yaml_document_get_root_node(&k.doc);
	if (!root || scalar_is_null(root))
		return err_set(e, -EINVAL, "%s: empty", k.what);
	if (root->type != YAML_MAPPING_NODE)
		return err_set(e, -EINVAL, "%s: expected a mapping at the top", k.what);

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	r = kc_context_name(&k, root, &ctx_name);
	if (r < 0)
		return r;
	r = kc_find(&k, root, "contexts", "context", ctx_name, &idx, &ctx);
	if (r == -ENOENT)
		return err_set(e, r, "%s: context \"%s\" not found", k.what, ctx_name);
	if (r < 0)
		return r;
	snprintf(where, sizeof(where), "contexts[%d].context", idx);
	if ((r = kc_str(&k, ctx, where, "cluster", &cluster_name)) < 0 ||
	    (r = kc_str(&k, ctx, where, "user", &user_name)) < 0)
		return r;
	if (!cluster_name)
		return err_set(e, -EINVAL, "%s: context \"%s\": no cluster", k.what, ctx_name);

	r = kc_find(&k, root, "clusters", "cluster", cluster_name, &idx, &cl);
	if (r == -ENOENT)
		return err_set(e, r, "%s: context \"%s\": cluster \"%s\" not found", k.what,
			       ctx_name, cluster_name);
	if (r < 0)
		return r;
	snprintf(where, sizeof(where), "clusters[%d].cluster", idx);
	r = kc_cluster(&k, cl, where, c);
	if (r < 0)
		return r;

	if (user_name) {
		r = kc_find(&k, root, "users", "user", user_name, &idx, &u);
		if (r == -ENOENT)
			return err_set(e, r, "%s: context \"%s\": user \"%s\" not found", k.what,
				       ctx_name, user_name);
		if (r < 0)
			return r;
		snprintf(where, sizeof(where), "users[%d].user", idx);
		r = kc_user(&k, u, where, user_name, c);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(c);
	return 0;
}

int k8s_config_load(const char *path, struct k8s_config **ret, struct err *e)
{
	_cleanup_free_ char *text = NULL, *dir = NULL, *what = NULL;
	const char *slash;
	size_t len;
	int r;

	if (asprintf(&what, "kubeconfig %s", path) < 0)
		return -ENOMEM;
	r = read_file_bounded(path, 0, KUBECONFIG_MAX, &text, &len);
	if (r < 0)
		return err_set(e, r, "%s: %s", what, read_file_strerror(r));
	slash = strrchr(path, '/');
	dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir)
		return -ENOMEM;
	r = k8s_config_parse(text, len, dir, what, ret, e);
	explicit_bzero(text, len);
	return r;
}

/* KUBERNETES_SERVICE_HOST is an IP address or a name; anything else could rewrite the URL. */
static bool host_ok(const char *h)
{
	if (!*h || strlen(h) > 253)
		return false;
	return strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") ==
	       strlen(h);
}

int k8s_config_in_cluster(const char *token_path, const char *ca_path, struct k8s_config **ret,
			  struct err *e)
{
	_cleanup_(k8s_config_freep) struct k8s_config *c = NULL;
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	const char *why = NULL;
	bool v6;
	char *end;
	unsigned long pn;
	int r;

	if (!host || !*host || !port || !*port)
		return err_set(
		    e, -ENOENT,
		    "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
	errno = 0;
	pn = strtoul(port, &end, 10);
	if (!host_ok(host) || *end || errno || pn == 0 || pn > 65535 || port[0] == '-' ||
	    port[0] == '+')
		return err_set(
		    e, -EINVAL,
		    "in-cluster config: invalid KUBERNETES_SERVICE_HOST or KUBERNETES_SERVICE_PORT");
	token_path = token_path ? token_path : SA_DIR "/token";
	ca_path = ca_path ? ca_path : SA_DIR "/ca.crt";

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	v6 = strchr(host, ':');
	if (asprintf(&c->server, "https://%s%s%s:%lu", v6 ? "[" : "", host, v6 ? "]" : "", pn) <
	    0) {
		c->server = NULL;
		return -ENOMEM;
	}
	r = k8s_token_read(token_path, &c->token, &why);
	if (r < 0)
		return err_set(e, r, "in-cluster config: %s: %s", token_path, why);
	if (access(ca_path, R_OK) < 0)
		return err_set(e, -errno, "in-cluster config: %s: %s", ca_path, strerror(errno));
	c->ca_file = strdup(ca_path);
	if (!c->ca_file)
		return -ENOMEM;
	*ret = TAKE_PTR(c);
	return 0;
}
