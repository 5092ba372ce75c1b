// SPDX-License-Identifier: GPL-2.0-or-later
/* `multus install`'s flags: upstream's thin entrypoint's names where it has the same option. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cni/version.h"
#include "install/install_int.h"
#include "multus/log.h"
#include "util/macro.h"

void install_opts_init(struct install_opts *o)
{
	*o = (struct install_opts){
		.bin_dir = "/host/opt/cni/bin",
		.conf_dir = "/host/etc/cni/net.d",
		.netconf = "/etc/multus/" NETCONF_NAME,
		.host_conf_dir = "/etc/cni/net.d",
		.token_file = SA_DIR "/token",
		.ca_file = SA_DIR "/ca.crt",
		.interval = 60,
		.log_to_stderr = -1,
		.log_max_size = -1,
		.log_max_age = -1,
		.log_max_backups = -1,
		.log_compress = -1,
	};
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: multus install [OPTIONS]    (the multus DaemonSet's command)\n"
	    "Copies this binary and the libraries it needs (not glibc's) into the CNI bin dir,\n"
	    "writes " KUBECONFIG_DIR "/" KUBECONFIG_NAME " (0600, the service-account token inline)"
	    " and the\nnetconf into the CNI conf dir, then rewrites the kubeconfig whenever the"
	    " token changes\n(and, in auto mode, the netconf whenever the primary CNI config"
	    " changes), until SIGTERM.\n"
	    "  --cni-bin-dir DIR          the host's CNI bin dir, mounted here [/host/opt/cni/bin]\n"
	    "  --cni-conf-dir DIR         the host's CNI conf dir, mounted here\n"
	    "                             [/host/etc/cni/net.d]\n"
	    "  --multus-conf-file FILE|auto, --netconf FILE|auto\n"
	    "                             FILE: the netconf to install as " NETCONF_NAME ",\n"
	    "                             \"kubeconfig\" set, other keys kept; auto: generate it"
	    " from\n"
	    "                             the primary CNI config [/etc/multus/" NETCONF_NAME "]\n"
	    "  --host-conf-dir DIR        the conf dir's path on the host, for \"kubeconfig\"\n"
	    "                             [/etc/cni/net.d]\n"
	    "  --token-file FILE          service-account token [" SA_DIR "/token]\n"
	    "  --ca-file FILE             cluster CA [" SA_DIR "/ca.crt]\n"
	    "  --multus-bin-file FILE     the binary to install [this one]\n"
	    "  --skip-multus-binary-copy[=BOOL]\n"
	    "                             leave the CNI bin dir as it is [false]\n"
	    "  --multus-kubeconfig-file-host FILE\n"
	    "                             the netconf's \"kubeconfig\"\n"
	    "                             [the --host-conf-dir's " KUBECONFIG_DIR
	    "/" KUBECONFIG_NAME "]\n"
	    "  --skip-tls-verify[=BOOL]   a kubeconfig without the CA, insecure-skip-tls-verify\n"
	    "                             [false]\n"
	    "  --once[=BOOL]              install and exit (auto mode: once generated) [false]\n"
	    "  --restart-crio[=BOOL]      entrypoint.sh's; accepted, not done: CRI-O reads its\n"
	    "                             conf dir anew by itself [false]\n"
	    "  --interval SECONDS         how often to look at the token (and the primary), 1 to"
	    " %d\n"
	    "                             [60]\n"
	    "  --cleanup-config-on-exit[=BOOL]\n"
	    "                             on SIGTERM, remove the netconf and the kubeconfig\n"
	    "                             (not with --once) [false]\n"
	    "Auto mode (--multus-conf-file=auto) only: the first config by name in the autoconfig"
	    " dir\n"
	    "(.conf, .conflist, .json; not " OURS_PREFIX "*, not type multus) is the primary; it"
	    " becomes\nthe only \"delegates\" entry of " NETCONF_NAME ", or of " NETCONF_LIST_NAME
	    " for cniVersion 1.0.0 and\nlater. Waits for it to appear; regenerates when it"
	    " changes.\n"
	    "  --multus-autoconfig-dir DIR      where the primary is [the --cni-conf-dir]\n"
	    "  --multus-master-cni-file-name NAME\n"
	    "                                   this file there is the primary [the first by"
	    " name]\n"
	    "  --override-network-name[=BOOL]   name the network as the primary does\n"
	    "                                   [false: multus-cni-network]\n"
	    "  --cni-version VERSION            the netconf's cniVersion (multus speaks the\n"
	    "                                   primary's own to it) [the primary's]\n"
	    "  --force-cni-version[=BOOL]       the primary's cniVersion made --cni-version too\n"
	    "                                   [false]\n"
	    "  --rename-conf-file[=BOOL]        rename the primary to NAME.old once wrapped\n"
	    "                                   [false]\n"
	    "  --skip-config-watch[=BOOL]       generate once, never regenerate [false]\n"
	    "  --multus-cni-conf-dir DIR        made if missing, as upstream's entrypoint does\n"
	    "                                   [none]\n"
	    "  --readiness-indicator-file FILE  \"readinessindicatorfile\": ADD waits for it [none]\n"
	    "  --multus-log-file FILE           \"logFile\" [none]\n"
	    "  --multus-log-level LEVEL         \"logLevel\": debug, verbose, info, warning, error,\n"
	    "                                   panic [none: info]\n"
	    "  --multus-log-to-stderr[=BOOL]    \"logToStderr\" [true]\n"
	    "  --multus-log-max-size MB         \"logOptions\": \"maxSize\" [none: 100]\n"
	    "  --multus-log-max-age DAYS        \"logOptions\": \"maxAge\" [none: 5]\n"
	    "  --multus-log-max-backups N       \"logOptions\": \"maxBackups\" [none: 5]\n"
	    "  --multus-log-compress[=BOOL]     \"logOptions\": \"compress\" [none: true]\n"
	    "  --namespace-isolation[=BOOL]     \"namespaceIsolation\" [false]\n"
	    "  --global-namespaces LIST         \"globalNamespaces\" [none: default]\n"
	    "  --additional-bin-dir DIR         \"binDir\" [none: /opt/cni/bin]\n"
	    "  -h, --help                       this text\n"
	    "The netconf options apply to auto mode only; with a given netconf they are ignored.\n"
	    "API server: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT\n"
	    "Exit status: 0 done (or SIGTERM), 1 an install step failed, 2 usage error\n",
	    INTERVAL_MAX);
}

/* Upstream's boolean flags take `--flag`, `--flag=true` and `--flag=false` alike. */
static int parse_bool(const char *flag, const char *v, bool *ret)
{
	if (!v || streq(v, "true") || streq(v, "1")) {
		*ret = true;
		return 0;
	}
	if (streq(v, "false") || streq(v, "0")) {
		*ret = false;
		return 0;
	}
	fprintf(stderr, "multus install: --%s=\"%s\": true or false\n", flag, v);
	return -EINVAL;
}

static int parse_count(const char *flag, const char *v, long long *ret)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end || errno || n > UINT32_MAX) {
		fprintf(stderr, "multus install: --%s \"%s\": a whole number, 0 to %u\n", flag, v,
			UINT32_MAX);
		return -EINVAL;
	}
	*ret = (long long)n;
	return 0;
}

static int parse_interval(const char *v, unsigned *ret)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end || errno || n == 0 || n > INTERVAL_MAX) {
		fprintf(stderr, "multus install: --interval \"%s\": seconds, 1 to %d\n", v,
			INTERVAL_MAX);
		return -EINVAL;
	}
	*ret = (unsigned)n;
	return 0;
}

/* Checks what the flags cannot say alone. */
static int check_opts(const struct install_opts *o, const char *gen_flag)
{
	const char *abs_paths[][2] = {
		{ "host-conf-dir", o->host_conf_dir },
		{ "readiness-indicator-file", o->readiness_file },
		{ "multus-log-file", o->log_file },
		{ "additional-bin-dir", o->additional_bin_dir },
		{ "multus-kubeconfig-file-host", o->kubeconfig_host },
	};

	for (size_t i = 0; i < ELEMENTSOF(abs_paths); i++)
		if (abs_paths[i][1] && abs_paths[i][1][0] != '/') {
			fprintf(stderr, "multus install: --%s \"%s\": not an absolute path\n",
				abs_paths[i][0], abs_paths[i][1]);
			return -EINVAL;
		}
	if (o->master_file && (!o->master_file[0] || strchr(o->master_file, '/'))) {
		fprintf(stderr,
			"multus install: --multus-master-cni-file-name \"%s\": a file name\n",
			o->master_file);
		return -EINVAL;
	}
	if (o->bin_file && !o->bin_file[0]) {
		fprintf(stderr, "multus install: --multus-bin-file \"\": a file\n");
		return -EINVAL;
	}
	if (o->cni_version && !cni_version_supported(o->cni_version)) {
		fprintf(stderr,
			"multus install: --cni-version \"%s\": one of 0.1.0, 0.2.0, 0.3.0, 0.3.1, "
			"0.4.0, 1.0.0, 1.1.0\n",
			o->cni_version);
		return -EINVAL;
	}
	if (o->force_cni_version && !o->cni_version) {
		fprintf(stderr, "multus install: --force-cni-version needs --cni-version\n");
		return -EINVAL;
	}
	/* As upstream's entrypoint: with a given netconf they do nothing. Said, not refused, so
	 * that a DaemonSet's arguments made for upstream keep working. */
	if (gen_flag && !o->auto_mode)
		fprintf(stderr,
			"multus install: --%s (and the other netconf options) apply to "
			"--multus-conf-file=auto only; with a given netconf, set its keys there: "
			"ignored\n",
			gen_flag);
	return 0;
}

int install_parse_args(int argc, char **argv, struct install_opts *o)
{
	/* A string option's value is its index in `strs`. */
	const char **strs[] = {
		&o->bin_dir,	       &o->conf_dir,
		&o->netconf,	       &o->host_conf_dir,
		&o->token_file,	       &o->ca_file,
		&o->bin_file,	       &o->kubeconfig_host,
		&o->autoconfig_dir,    &o->master_file,
		&o->readiness_file,    &o->log_file,
		&o->global_namespaces, &o->additional_bin_dir,
		&o->cni_version,       &o->multus_cni_conf_dir,
	};
	enum { GEN_FIRST = 8 }; /* strs[8...]: auto mode only */
	enum {
		OPT_ONCE = 32,
		OPT_INTERVAL,
		OPT_CLEANUP,
		OPT_OVERRIDE_NAME,
		OPT_LOG_LEVEL,
		OPT_LOG_STDERR,
		OPT_NS_ISOLATION,
		OPT_LOG_MAX_SIZE,
		OPT_LOG_MAX_AGE,
		OPT_LOG_MAX_BACKUPS,
		OPT_LOG_COMPRESS,
		OPT_SKIP_COPY,
		OPT_FORCE_VERSION,
		OPT_RENAME,
		OPT_SKIP_WATCH,
		OPT_SKIP_TLS,
		OPT_RESTART_CRIO,
	};
	static const struct option opts[] = {
		{ "cni-bin-dir", required_argument, NULL, 0 },
		{ "cni-conf-dir", required_argument, NULL, 1 },
		{ "netconf", required_argument, NULL, 2 },
		{ "multus-conf-file", required_argument, NULL, 2 },
		{ "host-conf-dir", required_argument, NULL, 3 },
		{ "token-file", required_argument, NULL, 4 },
		{ "ca-file", required_argument, NULL, 5 },
		{ "multus-bin-file", required_argument, NULL, 6 },
		{ "multus-kubeconfig-file-host", required_argument, NULL, 7 },
		{ "multus-autoconfig-dir", required_argument, NULL, 8 },
		{ "multus-master-cni-file-name", required_argument, NULL, 9 },
		{ "readiness-indicator-file", required_argument, NULL, 10 },
		{ "multus-log-file", required_argument, NULL, 11 },
		{ "global-namespaces", required_argument, NULL, 12 },
		{ "additional-bin-dir", required_argument, NULL, 13 },
		{ "cni-version", required_argument, NULL, 14 },
		{ "multus-cni-conf-dir", required_argument, NULL, 15 },
		{ "once", optional_argument, NULL, OPT_ONCE },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "cleanup-config-on-exit", optional_argument, NULL, OPT_CLEANUP },
		{ "override-network-name", optional_argument, NULL, OPT_OVERRIDE_NAME },
		{ "multus-log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "multus-log-to-stderr", optional_argument, NULL, OPT_LOG_STDERR },
		{ "namespace-isolation", optional_argument, NULL, OPT_NS_ISOLATION },
		{ "multus-log-max-size", required_argument, NULL, OPT_LOG_MAX_SIZE },
		{ "multus-log-max-age", required_argument, NULL, OPT_LOG_MAX_AGE },
		{ "multus-log-max-backups", required_argument, NULL, OPT_LOG_MAX_BACKUPS },
		{ "multus-log-compress", optional_argument, NULL, OPT_LOG_COMPRESS },
		{ "skip-multus-binary-copy", optional_argument, NULL, OPT_SKIP_COPY },
		{ "force-cni-version", optional_argument, NULL, OPT_FORCE_VERSION },
		{ "rename-conf-file", optional_argument, NULL, OPT_RENAME },
		{ "skip-config-watch", optional_argument, NULL, OPT_SKIP_WATCH },
		{ "skip-tls-verify", optional_argument, NULL, OPT_SKIP_TLS },
		{ "restart-crio", optional_argument, NULL, OPT_RESTART_CRIO },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *gen_flag = NULL;
	enum log_level level;
	int c, optidx = 0;
	bool b;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, &optidx)) != -1) {
		/* getopt_long sets optidx only for a long option. */
		const char *name = c == 'h' || c == '?' || c == ':' ? NULL : opts[optidx].name;

		if (c >= 0 && (size_t)c < ELEMENTSOF(strs)) {
			*strs[c] = optarg;
			if (c >= GEN_FIRST && !gen_flag)
				gen_flag = name;
			continue;
		}
		switch (c) {
		case OPT_ONCE:
			if (parse_bool(name, optarg, &o->once) < 0)
				return -EINVAL;
			break;
		case OPT_INTERVAL:
			if (parse_interval(optarg, &o->interval) < 0)
				return -EINVAL;
			break;
		case OPT_CLEANUP:
			if (parse_bool(name, optarg, &o->cleanup_on_exit) < 0)
				return -EINVAL;
			break;
		case OPT_SKIP_COPY:
			if (parse_bool(name, optarg, &o->skip_binary_copy) < 0)
				return -EINVAL;
			break;
		case OPT_SKIP_TLS:
			if (parse_bool(name, optarg, &o->skip_tls_verify) < 0)
				return -EINVAL;
			break;
		case OPT_OVERRIDE_NAME:
		case OPT_FORCE_VERSION:
		case OPT_RENAME:
		case OPT_SKIP_WATCH:
		case OPT_NS_ISOLATION:
			if (parse_bool(name, optarg,
				       c == OPT_OVERRIDE_NAME	? &o->override_network_name
				       : c == OPT_FORCE_VERSION ? &o->force_cni_version
				       : c == OPT_RENAME	? &o->rename_conf_file
				       : c == OPT_SKIP_WATCH	? &o->skip_config_watch
								: &o->namespace_isolation) < 0)
				return -EINVAL;
			if (!gen_flag)
				gen_flag = name;
			break;
		case OPT_LOG_LEVEL:
			if (log_level_parse(optarg, &level) < 0) {
				fprintf(
				    stderr,
				    "multus install: --multus-log-level \"%s\": debug, verbose, "
				    "info, warning, error or panic\n",
				    optarg);
				return -EINVAL;
			}
			o->log_level = log_level_name(level);
			if (!gen_flag)
				gen_flag = name;
			break;
		case OPT_LOG_STDERR:
		case OPT_LOG_COMPRESS:
			if (parse_bool(name, optarg, &b) < 0)
				return -EINVAL;
			*(c == OPT_LOG_STDERR ? &o->log_to_stderr : &o->log_compress) = b;
			if (!gen_flag)
				gen_flag = name;
			break;
		case OPT_LOG_MAX_SIZE:
		case OPT_LOG_MAX_AGE:
		case OPT_LOG_MAX_BACKUPS:
			if (parse_count(name, optarg,
					c == OPT_LOG_MAX_SIZE  ? &o->log_max_size
					: c == OPT_LOG_MAX_AGE ? &o->log_max_age
							       : &o->log_max_backups) < 0)
				return -EINVAL;
			if (!gen_flag)
				gen_flag = name;
			break;
		case OPT_RESTART_CRIO:
			/* entrypoint.sh's: `systemctl restart crio` once generated. CRI-O reads
			 * its CNI conf dir anew by itself; said, not done. */
			if (parse_bool(name, optarg, &b) < 0)
				return -EINVAL;
			if (b)
				fprintf(stderr, "multus install: --restart-crio: not done (CRI-O "
						"picks up the conf dir's changes by itself)\n");
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			fprintf(stderr, "multus install: unknown option or missing value: %s\n",
				argv[optind - 1]);
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "multus install: unexpected argument \"%s\"\n", argv[optind]);
		return -EINVAL;
	}
	o->auto_mode = streq(o->netconf, "auto");
	return check_opts(o, gen_flag);
}
