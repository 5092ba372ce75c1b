// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * multus install: the DaemonSet container's command (PRODUCT.md section 8). Puts this binary
 * and the shared libraries it needs into the host's CNI bin dir, writes a kubeconfig built
 * from the pod's service account and the node's netconf into the host's CNI conf dir, then
 * rewrites the kubeconfig whenever the token changes, until SIGTERM.
 */
#include <getopt.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/signalfd.h>

#include "install/install.h"
#include "install/install_int.h"
#include "multus/netconf.h"
#include "util/err.h"
#include "util/fileio.h"

/*
 * The ConfigMap's netconf with "kubeconfig" pointing at the host's path of our kubeconfig,
 * every other key kept, checked with the plugin's own netconf parser.
 */
static int build_netconf(const struct install_opts *o, char **ret, struct err *e)
{
	_cleanup_free_ char *buf = NULL, *kc = NULL, *out = NULL, *text = NULL;
	_cleanup_(multus_netconf_done) struct multus_netconf nc = { 0 };
	json_auto_t *root = NULL;
	json_error_t jerr;
	size_t len;
	int r;

	r = read_file_bounded(o->netconf, 0, NETCONF_MAX_BYTES, &buf, &len);
	if (r < 0)
		return err_set(e, r, "netconf %s: %s", o->netconf, strerror(-r));
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return err_set(e, -EBADMSG, "netconf %s: not JSON: %s (line %d, column %d)",
			       o->netconf, jerr.text, jerr.line, jerr.column);
	if (!json_is_object(root))
		return err_set(e, -EBADMSG, "netconf %s: not a JSON object", o->netconf);
	kc = path_join(o->host_conf_dir, KUBECONFIG_DIR "/" KUBECONFIG_NAME);
	if (!kc || json_object_set_new(root, "kubeconfig", json_string(kc)) < 0)
		return err_set(e, -ENOMEM, "out of memory");
	out = json_dumps(root, JSON_INDENT(4));
	if (!out || asprintf(&text, "%s\n", out) < 0) {
		text = NULL;
		return err_set(e, -ENOMEM, "out of memory");
	}
	r = multus_netconf_parse(text, strlen(text), &nc, e);
	if (r >= 0 && !streq(nc.type, "multus"))
		r = err_set(e, -EINVAL, "type is \"%.64s\", not \"multus\"", nc.type);
	if (r < 0)
		return err_prefix(e, r, "netconf %s", o->netconf);
	*ret = TAKE_PTR(text);
	return 0;
}

/*
 * The kubeconfig first and the netconf last: once 00-multus.conf exists the runtime starts
 * calling multus, so the binary and its credentials must already be there. The netconf is
 * 0644: it holds no secret (only the kubeconfig's path) and node tools read the conf dir.
 */
static int install_once(const struct install_opts *o, struct err *e)
{
	_cleanup_free_ char *netconf = NULL, *path = path_join(o->conf_dir, NETCONF_NAME);
	_cleanup_free_ char *kdir = path_join(o->conf_dir, KUBECONFIG_DIR);
	int r;

	if (!path || !kdir)
		return err_set(e, -ENOMEM, "out of memory");
	if ((r = check_dir("CNI bin dir", o->bin_dir, e)) < 0 ||
	    (r = check_dir("CNI conf dir", o->conf_dir, e)) < 0)
		return r;
	remove_stale_temps(o->bin_dir);
	remove_stale_temps(o->conf_dir);
	remove_stale_temps(kdir);
	/* Validated before anything is written: a bad ConfigMap changes nothing on the node. */
	r = build_netconf(o, &netconf, e);
	if (r < 0)
		return r;
	r = refresh_kubeconfig(o, true, e);
	if (r < 0)
		return r;
	r = install_binary(o, e);
	if (r < 0)
		return r;
	return write_atomic(path, 0644, -1, netconf, strlen(netconf), e);
}

/* Until SIGTERM or SIGINT (exit 0): every interval, rewrite the kubeconfig if it changed. */
static int watch(const struct install_opts *o, const sigset_t *mask)
{
	_cleanup_close_ int sfd = signalfd(-1, mask, SFD_CLOEXEC);

	if (sfd < 0) {
		fprintf(stderr, "multus install: signalfd: %s\n", strerror(errno));
		return 1;
	}
	for (;;) {
		struct pollfd p = { .fd = sfd, .events = POLLIN };
		struct err e = { 0 };
		int r = poll(&p, 1, (int)o->interval * 1000);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "multus install: poll: %s\n", strerror(errno));
			return 1;
		}
		if (r > 0) {
			printf("multus install: terminated, exiting\n");
			return 0;
		}
		r = refresh_kubeconfig(o, false, &e);
		/* A failure here is logged and retried: the installed kubeconfig still works
		 * until the old token expires, and the token file may be mid-rotation. */
		if (r < 0)
			fprintf(stderr, "multus install: %s (retrying in %u s)\n", e.msg,
				o->interval);
		else if (r > 0)
			printf(
			    "multus install: service-account credentials changed, %s/" KUBECONFIG_DIR
			    "/" KUBECONFIG_NAME " rewritten\n",
			    o->conf_dir);
	}
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: multus install [OPTIONS]    (the multus DaemonSet's command)\n"
	    "Copies this binary and the libraries it needs (not glibc's) into the CNI bin dir,\n"
	    "writes " KUBECONFIG_DIR "/" KUBECONFIG_NAME " (0600, the service-account token inline)"
	    " and\n" NETCONF_NAME " into the CNI conf dir, then rewrites the kubeconfig whenever"
	    " the\ntoken changes, until SIGTERM. [default]\n"
	    "  --cni-bin-dir DIR    the host's CNI bin dir, mounted here [/host/opt/cni/bin]\n"
	    "  --cni-conf-dir DIR   the host's CNI conf dir, mounted here [/host/etc/cni/net.d]\n"
	    "  --netconf FILE       netconf to install, \"kubeconfig\" set, other keys kept\n"
	    "                       [/etc/multus/" NETCONF_NAME "]\n"
	    "  --host-conf-dir DIR  the conf dir's path on the host, for \"kubeconfig\"\n"
	    "                       [/etc/cni/net.d]\n"
	    "  --token-file FILE    service-account token [" SA_DIR "/token]\n"
	    "  --ca-file FILE       cluster CA [" SA_DIR "/ca.crt]\n"
	    "  --once               install and exit\n"
	    "  --interval SECONDS   how often to look at the token, 1 to %d [60]\n"
	    "  -h, --help           this text\n"
	    "API server: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT\n"
	    "Exit status: 0 done (or SIGTERM), 1 an install step failed, 2 usage error\n",
	    INTERVAL_MAX);
}

/* 0: options set; 1: help printed; -EINVAL: usage error (already reported). */
static int parse_args(int argc, char **argv, struct install_opts *o)
{
	/* A path option's value is its index in `paths`. */
	const char **paths[] = { &o->bin_dir,	    &o->conf_dir,   &o->netconf,
				 &o->host_conf_dir, &o->token_file, &o->ca_file };
	enum { OPT_ONCE = 16, OPT_INTERVAL };
	static const struct option opts[] = {
		{ "cni-bin-dir", required_argument, NULL, 0 },
		{ "cni-conf-dir", required_argument, NULL, 1 },
		{ "netconf", required_argument, NULL, 2 },
		{ "host-conf-dir", required_argument, NULL, 3 },
		{ "token-file", required_argument, NULL, 4 },
		{ "ca-file", required_argument, NULL, 5 },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	unsigned long v;
	char *end;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c >= 0 && (size_t)c < ELEMENTSOF(paths)) {
			*paths[c] = optarg;
		} else if (c == OPT_ONCE) {
			o->once = true;
		} else if (c == OPT_INTERVAL) {
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' || *end || errno || v == 0 ||
			    v > INTERVAL_MAX) {
				fprintf(stderr,
					"multus install: --interval \"%s\": seconds, 1 to %d\n",
					optarg, INTERVAL_MAX);
				return -EINVAL;
			}
			o->interval = (unsigned)v;
		} else if (c == 'h') {
			usage(stdout);
			return 1;
		} else {
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
	if (o->host_conf_dir[0] != '/') {
		fprintf(stderr, "multus install: --host-conf-dir \"%s\": not an absolute path\n",
			o->host_conf_dir);
		return -EINVAL;
	}
	return 0;
}

int multus_install_main(int argc, char **argv)
{
	struct install_opts o = {
		.bin_dir = "/host/opt/cni/bin",
		.conf_dir = "/host/etc/cni/net.d",
		.netconf = "/etc/multus/" NETCONF_NAME,
		.host_conf_dir = "/etc/cni/net.d",
		.token_file = SA_DIR "/token",
		.ca_file = SA_DIR "/ca.crt",
		.interval = 60,
	};
	struct err e = { 0 };
	sigset_t mask;
	int r;

	r = parse_args(argc, argv, &o);
	if (r != 0)
		return r > 0 ? 0 : 2;
	/* Container logs are a pipe: a line at a time, not when a buffer fills. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Blocked from the start: a SIGTERM during the install is taken after it, never halfway
	 * (and as PID 1 in the container a default-action SIGTERM would just be ignored). */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (!o.once && sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
		fprintf(stderr, "multus install: sigprocmask: %s\n", strerror(errno));
		return 1;
	}
	r = install_once(&o, &e);
	if (r < 0) {
		fprintf(stderr, "multus install: %s\n", e.msg);
		return 1;
	}
	printf("multus install: multus %s installed in %s, %s/" NETCONF_NAME " written\n",
	       MULTUS_VERSION, o.bin_dir, o.conf_dir);
	return o.once ? 0 : watch(&o, &mask);
}
