/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `multus install`: a second program in the same binary (PRODUCT.md section 8). Its steps are
 * functions so that another long-running command (a node daemon) can run the same install:
 * install_opts_init() and install_parse_args() for the flags, install_once() for the copy and
 * the kubeconfig (and the given netconf), install_netconf_refresh() and
 * install_kubeconfig_refresh() to keep the node's files current, install_watch_open() for an
 * fd that wakes up when the primary CNI config may have changed, install_cleanup() on exit.
 * None of them prints; install_run() is the command's own loop, which does.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>

#include "util/err.h"

struct install_opts {
	const char *bin_dir, *conf_dir, *netconf, *host_conf_dir, *token_file, *ca_file;
	bool once;
	unsigned interval;
	bool cleanup_on_exit;
	/* Auto mode (--multus-conf-file=auto): the netconf is generated from the primary. */
	bool auto_mode;
	const char *autoconfig_dir; /* where the primary is looked for; NULL: conf_dir */
	const char *master_file; /* the primary's file name there; NULL: the first by name */
	bool override_network_name;
	bool namespace_isolation;
	const char *global_namespaces, *additional_bin_dir, *readiness_file;
	const char *log_file, *log_level; /* log_level: canonical name, or NULL */
	/* Upstream's thin entrypoint's: the primary's cniVersion must be this one (or, forced,
	 * is made this one); NULL: any. */
	const char *cni_version;
	bool force_cni_version;
	const char *bin_file; /* the binary to copy; NULL: this one */
	bool skip_binary_copy;
	const char *kubeconfig_host; /* the netconf's "kubeconfig"; NULL: under host_conf_dir */
	const char *multus_cni_conf_dir; /* made if missing (auto mode), as upstream does */
	bool rename_conf_file; /* the primary renamed to NAME.old once wrapped */
	bool skip_config_watch; /* auto mode: generated once, not regenerated */
	bool skip_tls_verify; /* the kubeconfig says insecure-skip-tls-verify, holds no CA */
	int log_to_stderr; /* -1: not given (the plugin's default, true) */
	/* logOptions: -1 not given. */
	long long log_max_size, log_max_age, log_max_backups;
	int log_compress;
};

/* The defaults of every flag (`multus install --help`). */
void install_opts_init(struct install_opts *o);
/* The command's flags (argv[0] is "install"). 0; 1 help printed; -EINVAL usage error, printed. */
int install_parse_args(int argc, char **argv, struct install_opts *o);

/*
 * The binary and its libraries, then the kubeconfig, then (not in auto mode) the given
 * netconf, which is checked before anything is written. 0 or -errno with `e` set.
 */
int install_once(const struct install_opts *o, struct err *e);
/*
 * Auto mode: generates the netconf from the primary CNI config and writes it when its text
 * differs from the node's. 1 written, 0 unchanged, -ENOENT no primary config yet, other
 * -errno (the node's netconf is then left as it was). `ret_primary` (may be NULL) gets the
 * primary's path on success; `ret_written` (may be NULL) the netconf's path.
 */
int install_netconf_refresh(const struct install_opts *o, char **ret_primary, char **ret_written,
			    struct err *e);
/* Rewrites the kubeconfig when the token or CA changed. 1 written, 0 unchanged, or -errno. */
int install_kubeconfig_refresh(const struct install_opts *o, struct err *e);
/*
 * Auto mode: an inotify fd (non-blocking, close-on-exec) that becomes readable when a file
 * in the autoconfig dir is created, written, renamed or removed; drain it with
 * install_watch_drain(). -errno when it cannot be set up (then poll instead).
 */
int install_watch_open(const struct install_opts *o, struct err *e);
void install_watch_drain(int fd);
/* Removes what install wrote into the conf dir: the netconf and the kubeconfig. */
int install_cleanup(const struct install_opts *o, struct err *e);

/*
 * The command after install_once(): keeps the files current until SIGTERM/SIGINT (taken
 * from `mask`, already blocked). Logs to stdout/stderr. Returns the exit status.
 */
int install_run(const struct install_opts *o, const sigset_t *mask);

/* `multus install ...` (the DaemonSet's container); returns the exit status. */
int multus_install_main(int argc, char **argv);
/* `install_multus --type thin [--dest-dir DIR]` (upstream's init container): the binary only. */
int multus_install_multus_main(int argc, char **argv);
