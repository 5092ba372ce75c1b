/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the installer's files share: its options, names and file helpers. */
#pragma once

#include <stdbool.h>
#include <jansson.h>
#include <sys/types.h>

#include "install/install.h"
#include "util/err.h"

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"
/* Our temporary files: recognisable (stale ones are removed) and never ending in ".conf". */
#define TMP_PREFIX ".multus-install."
#define LIBS_DIR "multus.libs"
#define KUBECONFIG_DIR "multus.d"
#define KUBECONFIG_NAME "multus.kubeconfig"
#define NETCONF_NAME "00-multus.conf"
/* Auto mode, primary at cniVersion 1.0.0 or later: runtimes read a list only from this suffix. */
#define NETCONF_LIST_NAME "00-multus.conflist"
/* Never taken as the primary: our own netconf, whatever its suffix (as upstream). */
#define OURS_PREFIX "00-multus"
#define TEXT_MAX_BYTES (1 << 20)
#define COPY_MAX_BYTES (512ULL << 20)
#define INTERVAL_MAX 86400

/* files.c */
char *path_join(const char *dir, const char *name);
/* The netconf's "kubeconfig": --multus-kubeconfig-file-host, or ours under --host-conf-dir. */
char *netconf_kubeconfig(const struct install_opts *o);
/* A directory and its parents made where missing (0755); an existing one is left as it is. */
int mkdir_parents(const char *path, struct err *e);
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

/* autoconf.c */
/*
 * The primary CNI config in `dir`: the file `fixed` when set, else the first file by name
 * (byte order, as runtimes sort) ending in .conf, .conflist or .json that is not ours (name
 * starting with OURS_PREFIX, a temporary file of ours, or a config whose type, or one of
 * whose plugins' type, is multus). -ENOENT when there is none; an unreadable or non-JSON
 * first file is an error, never skipped (the runtime would not skip it either).
 */
int autoconf_find_primary(const char *dir, const char *fixed, char **ret_path, json_t **ret_root,
			  struct err *e);
/*
 * The multus netconf wrapping `primary` (read from `path`) as its only delegate: a conflist
 * (`*ret_name` NETCONF_LIST_NAME) for cniVersion 1.0.0 and later, else a conf (NETCONF_NAME).
 * Checked with the plugin's own netconf parser, as the runtime would hand it to multus.
 */
int autoconf_generate(const struct install_opts *o, const char *path, json_t *primary,
		      char **ret_text, const char **ret_name, struct err *e);

/* credentials.c */
/* For buffers that hold a token: wiped before they are freed. */
void secret_freep(char **p);
/*
 * Writes the kubeconfig when `force` or when its text differs from the file's (a new token or
 * CA, or the file gone). Returns 1 when written, 0 when unchanged.
 */
int refresh_kubeconfig(const struct install_opts *o, bool force, struct err *e);
