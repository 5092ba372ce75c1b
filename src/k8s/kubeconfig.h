/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kubeconfig files (YAML, libyaml) and the in-cluster service-account config. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct k8s_config {
	char *server; /* "https://host:port", no trailing slash */
	char *ca_file; /* certificate-authority, or NULL */
	char *ca_data; /* certificate-authority-data, base64-decoded PEM, or NULL */
	size_t ca_data_len;
	bool insecure; /* insecure-skip-tls-verify */
	char *tls_server_name; /* or NULL */
	char *token; /* bearer token (from token, or read from tokenFile now) */
	char *cert_file, *key_file; /* client-certificate, client-key */
	char *cert_data, *key_data; /* ...-data, decoded PEM */
	size_t cert_data_len, key_data_len;
};

/*
 * Loads `path`: current-context, or the only context when current-context is unset; that
 * context's cluster and user. Relative file paths are relative to the kubeconfig's folder.
 * `exec` and `auth-provider` users fail with a "not supported" error. Errors name the file
 * and the field, and never quote a token or a key.
 */
int k8s_config_load(const char *path, struct k8s_config **ret, struct err *e);

/* Parses kubeconfig text; `dir` resolves relative paths (may be NULL). For tests and fuzzing. */
int k8s_config_parse(const char *text, size_t len, const char *dir, const char *what,
		     struct k8s_config **ret, struct err *e);

/*
 * In-cluster: server from KUBERNETES_SERVICE_HOST/_PORT (IPv6 hosts bracketed), token read
 * from token_path and CA from ca_path (NULL: the standard service-account paths).
 * -ENOENT when the environment variables are not set.
 */
int k8s_config_in_cluster(const char *token_path, const char *ca_path, struct k8s_config **ret,
			  struct err *e);

void k8s_config_free(struct k8s_config *c);
void k8s_config_freep(struct k8s_config **c);
