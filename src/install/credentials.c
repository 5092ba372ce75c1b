// SPDX-License-Identifier: GPL-2.0-or-later
/* The kubeconfig `multus install` writes from its pod's service account. */
#include <stdint.h>
#include <stdio.h>

#include "install/install_int.h"
#include "k8s/kubeconfig.h"
#include "util/fileio.h"
#include "util/macro.h"

/* For buffers that hold a token: wiped before they are freed. */
void secret_freep(char **p)
{
	if (*p) {
		explicit_bzero(*p, strlen(*p));
		free(*p);
	}
}

static char *base64_encode(const unsigned char *in, size_t len)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((len + 2) / 3 * 4 + 1), *p = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		v |= i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0;
		v |= i + 2 < len ? in[i + 2] : 0;
		*p++ = tab[v >> 18];
		*p++ = tab[(v >> 12) & 63];
		*p++ = i + 1 < len ? tab[(v >> 6) & 63] : '=';
		*p++ = i + 2 < len ? tab[v & 63] : '=';
	}
	*p = '\0';
	return out;
}

/* A YAML double-quoted scalar. The token has no control characters (k8s_token_read). */
static char *yaml_quote(const char *s)
{
	char *out = malloc(strlen(s) * 2 + 3), *p = out;

	if (!out)
		return NULL;
	*p++ = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p++ = '"';
	*p = '\0';
	return out;
}

/* The kubeconfig text, checked by parsing it back with the plugin's own kubeconfig parser. */
static int build_kubeconfig(const struct install_opts *o, char **ret, struct err *e)
{
	_cleanup_(k8s_config_freep) struct k8s_config *c = NULL, *back = NULL;
	_cleanup_(secret_freep) char *text = NULL, *token = NULL;
	_cleanup_free_ char *ca = NULL, *ca64 = NULL, *server = NULL;
	size_t ca_len;
	int r;

	r = k8s_config_in_cluster(o->token_file, o->ca_file, &c, e);
	if (r < 0)
		return r;
	r = read_file_bounded(o->ca_file, 0, TEXT_MAX_BYTES, &ca, &ca_len);
	if (r < 0)
		return err_set(e, r, "CA file %s: %s", o->ca_file, strerror(-r));
	if (ca_len == 0)
		return err_set(e, -EINVAL, "CA file %s: empty", o->ca_file);
	ca64 = base64_encode((const unsigned char *)ca, ca_len);
	token = yaml_quote(c->token);
	server = yaml_quote(c->server);
	/* --skip-tls-verify, as upstream's: the CA file must still be there, but the kubeconfig
	 * holds no CA and the plugin does not verify the server. */
	if (ca64 && o->skip_tls_verify) {
		free(ca64);
		ca64 = strdup("insecure-skip-tls-verify: true");
	} else if (ca64) {
		char *line = NULL;

		if (asprintf(&line, "certificate-authority-data: %s", ca64) < 0)
			line = NULL;
		free(ca64);
		ca64 = line;
	}
	if (!ca64 || !token || !server ||
	    asprintf(
		&text,
		"# Written by `multus install` from the service account of its DaemonSet pod;\n"
		"# rewritten when the token changes.\n"
		"apiVersion: v1\n"
		"kind: Config\n"
		"clusters:\n"
		"- name: local\n"
		"  cluster:\n"
		"    server: %s\n"
		"    %s\n"
		"users:\n"
		"- name: multus\n"
		"  user:\n"
		"    token: %s\n"
		"contexts:\n"
		"- name: multus-context\n"
		"  context:\n"
		"    cluster: local\n"
		"    user: multus\n"
		"current-context: multus-context\n",
		server, ca64, token) < 0) {
		text = NULL;
		return err_set(e, -ENOMEM, "out of memory");
	}
	r = k8s_config_parse(text, strlen(text), NULL, "the kubeconfig written", &back, e);
	if (r < 0)
		return r;
	if (!back->server || !streq(back->server, c->server) || !back->token ||
	    !streq(back->token, c->token) || back->insecure != o->skip_tls_verify ||
	    (o->skip_tls_verify
		 ? back->ca_data_len != 0
		 : back->ca_data_len != ca_len || memcmp(back->ca_data, ca, ca_len) != 0))
		return err_set(e, -EPROTO, "the kubeconfig written does not read back as built");
	*ret = TAKE_PTR(text);
	return 0;
}

/*
 * Writes the kubeconfig when `force` or when its text differs from the file's (a new token or
 * CA, or the file gone). Returns 1 when written, 0 when unchanged.
 */
int refresh_kubeconfig(const struct install_opts *o, bool force, struct err *e)
{
	_cleanup_free_ char *dir = path_join(o->conf_dir, KUBECONFIG_DIR), *path = NULL;
	_cleanup_(secret_freep) char *text = NULL, *old = NULL;
	int r;

	path = dir ? path_join(dir, KUBECONFIG_NAME) : NULL;
	if (!path)
		return err_set(e, -ENOMEM, "out of memory");
	r = build_kubeconfig(o, &text, e);
	if (r < 0)
		return r;
	if (!force && read_file_bounded(path, 0, TEXT_MAX_BYTES, &old, NULL) >= 0 &&
	    streq(old, text))
		return 0;
	/* 0700 and 0600: the file holds a bearer token that can patch any pod. */
	r = ensure_dir(dir, 0700, e);
	if (r < 0)
		return r;
	r = write_atomic(path, 0600, -1, text, strlen(text), e);
	return r < 0 ? r : 1;
}
