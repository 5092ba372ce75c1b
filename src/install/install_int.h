/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the installer's files share: its options, names and file helpers. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "util/err.h"

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"
/* Our temporary files: recognisable (stale ones are removed) and never ending in ".conf". */
#define TMP_PREFIX ".multus-install."
#define LIBS_DIR "multus.libs"
#define KUBECONFIG_DIR "multus.d"
#define KUBECONFIG_NAME "multus.kubeconfig"
#define NETCONF_NAME "00-multus.conf"
#define TEXT_MAX_BYTES (1 << 20)
#define COPY_MAX_BYTES (512ULL << 20)
#define INTERVAL_MAX 86400

struct install_opts {
	const char *bin_dir, *conf_dir, *netconf, *host_conf_dir, *token_file, *ca_file;
	bool once;
	unsigned interval;
};

/* files.c */
char *path_join(const char *dir, const char *name);
/*
 * Writes `path` atomically with `mode`: the bytes of `src_fd` (>= 0) or of `buf`, through a
 * temporary file created exclusively in the same directory, synced, renamed over `path`, the
 * directory synced.
 */
int write_atomic(const char *path, mode_t mode, int src_fd, const char *buf, size_t len,
		 struct err *e);
/* An existing directory of ours: made if missing, `mode` enforced, never a symlink. */
int ensure_dir(const char *path, mode_t mode, struct err *e);
int check_dir(const char *what, const char *path, struct err *e);
/* A killed install leaves its temporary files behind; a restart loop must not pile them up. */
void remove_stale_temps(const char *dir);
/* The libraries this binary runs with (libcurl loaded first) to BIN_DIR/multus.libs, then
 * the binary to BIN_DIR/multus. */
int install_binary(const struct install_opts *o, struct err *e);

/* credentials.c */
/* For buffers that hold a token: wiped before they are freed. */
void secret_freep(char **p);
/*
 * Writes the kubeconfig when `force` or when its text differs from the file's (a new token or
 * CA, or the file gone). Returns 1 when written, 0 when unchanged.
 */
int refresh_kubeconfig(const struct install_opts *o, bool force, struct err *e);
