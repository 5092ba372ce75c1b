// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * multus install: the DaemonSet container's command (PRODUCT.md section 8). Puts this binary
 * and the shared libraries it needs into the host's CNI bin dir, writes a kubeconfig built
 * from the pod's service account and the node's netconf (given, or generated from the node's
 * primary CNI config: autoconf.c) into the host's CNI conf dir, then keeps both current until
 * SIGTERM.
 */
#include <getopt.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
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
	kc = netconf_kubeconfig(o);
	if (!kc || json_object_set_new(root, "kubeconfig", json_string(kc)) < 0)
		return err_set(e, -ENOMEM, "out of memory");
	out = json_dumps(root, JSON_INDENT(4));
	if (!out || asprintf(&text, "%s\n", out) < 0) {
		text = NULL;
		return err_set(e, -ENOMEM, "out of memory");
	}
	r = multus_netconf_parse(text, strlen(text), &nc, e);
	if (r >= 0)
		r = multus_netconf_prev_result_check(&nc, e);
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
int install_once(const struct install_opts *o, struct err *e)
{
	_cleanup_free_ char *netconf = NULL, *path = path_join(o->conf_dir, NETCONF_NAME);
	_cleanup_free_ char *kdir = path_join(o->conf_dir, KUBECONFIG_DIR);
	int r;

	if (!path || !kdir)
		return err_set(e, -ENOMEM, "out of memory");
	if ((r = check_dir("CNI bin dir", o->bin_dir, e)) < 0 ||
	    (r = check_dir("CNI conf dir", o->conf_dir, e)) < 0 ||
	    (o->auto_mode && o->autoconfig_dir &&
	     (r = check_dir("autoconfig dir", o->autoconfig_dir, e)) < 0))
		return r;
	remove_stale_temps(o->bin_dir);
	remove_stale_temps(o->conf_dir);
	remove_stale_temps(kdir);
	if (o->bin_file && !o->skip_binary_copy && access(o->bin_file, R_OK) < 0)
		return err_set(e, -errno, "--multus-bin-file %s: %s", o->bin_file, strerror(errno));
	/* Validated before anything is written: a bad ConfigMap changes nothing on the node. */
	if (!o->auto_mode) {
		r = build_netconf(o, &netconf, e);
		if (r < 0)
			return r;
	}
	r = refresh_kubeconfig(o, true, e);
	if (r < 0)
		return r;
	if (o->auto_mode && o->multus_cni_conf_dir) {
		r = mkdir_parents(o->multus_cni_conf_dir, e);
		if (r < 0)
			return r;
	}
	r = o->skip_binary_copy ? 0 : install_binary(o, e);
	if (r < 0 || o->auto_mode)
		return r;
	return write_atomic(path, 0644, -1, netconf, strlen(netconf), e);
}

int install_kubeconfig_refresh(const struct install_opts *o, struct err *e)
{
	return refresh_kubeconfig(o, false, e);
}

static int unlink_ours(const char *dir, const char *name, struct err *e)
{
	_cleanup_free_ char *path = path_join(dir, name);

	if (!path)
		return err_set(e, -ENOMEM, "out of memory");
	if (unlink(path) < 0 && errno != ENOENT)
		return err_set(e, -errno, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

int install_netconf_refresh(const struct install_opts *o, char **ret_primary, char **ret_written,
			    struct err *e)
{
	const char *dir = o->autoconfig_dir ? o->autoconfig_dir : o->conf_dir, *name = NULL;
	_cleanup_free_ char *primary = NULL, *text = NULL, *old = NULL, *path = NULL;
	json_auto_t *root = NULL;
	int r, written = 0;

	r = autoconf_find_primary(dir, o->master_file, &primary, &root, e);
	if (r < 0)
		return r;
	r = autoconf_generate(o, primary, root, &text, &name, e);
	if (r < 0)
		return r;
	path = path_join(o->conf_dir, name);
	if (!path)
		return err_set(e, -ENOMEM, "out of memory");
	if (read_file_bounded(path, 0, NETCONF_MAX_BYTES, &old, NULL) < 0 || !streq(old, text)) {
		r = write_atomic(path, 0644, -1, text, strlen(text), e);
		if (r < 0)
			return r;
		written = 1;
	}
	/* The other suffix, from a primary of another cniVersion: sorting first, it would win. */
	r = unlink_ours(o->conf_dir, streq(name, NETCONF_NAME) ? NETCONF_LIST_NAME : NETCONF_NAME,
			e);
	if (r < 0)
		return r;
	/* --rename-conf-file, as upstream's: the runtime cannot take the primary instead of us
	 * (NAME.old has no config suffix, so it is no candidate either). */
	if (o->rename_conf_file) {
		_cleanup_free_ char *old_name = NULL;

		if (asprintf(&old_name, "%s.old", primary) < 0)
			return err_set(e, -ENOMEM, "out of memory");
		if (rename(primary, old_name) < 0)
			return err_set(e, -errno,
				       "cannot rename the primary CNI config %s to %s: %s", primary,
				       old_name, strerror(errno));
		written = 1;
	}
	if (ret_primary)
		*ret_primary = TAKE_PTR(primary);
	if (ret_written)
		*ret_written = TAKE_PTR(path);
	return written;
}

int install_watch_open(const struct install_opts *o, struct err *e)
{
	const char *dir = o->autoconfig_dir ? o->autoconfig_dir : o->conf_dir;
	_cleanup_close_ int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	if (fd < 0)
		return err_set(e, -errno, "inotify: %s", strerror(errno));
	if (inotify_add_watch(fd, dir,
			      IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
				  IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF) < 0)
		return err_set(e, -errno, "inotify on %s: %s", dir, strerror(errno));
	return TAKE_FD(fd);
}

void install_watch_drain(int fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

int install_cleanup(const struct install_opts *o, struct err *e)
{
	_cleanup_free_ char *kdir = path_join(o->conf_dir, KUBECONFIG_DIR);
	int r;

	if (!kdir)
		return err_set(e, -ENOMEM, "out of memory");
	/* The netconf first: the runtime stops calling multus before its credentials go. */
	if ((r = unlink_ours(o->conf_dir, NETCONF_NAME, e)) < 0 ||
	    (o->auto_mode && (r = unlink_ours(o->conf_dir, NETCONF_LIST_NAME, e)) < 0) ||
	    (r = unlink_ours(kdir, KUBECONFIG_NAME, e)) < 0)
		return r;
	if (rmdir(kdir) < 0 && errno != ENOENT && errno != ENOTEMPTY)
		return err_set(e, -errno, "cannot remove %s: %s", kdir, strerror(errno));
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The state of the loop's netconf generation, for messages that say what changed once. */
struct gen_state {
	bool generated;
	char *last_error; /* the message last printed for a failure, or NULL */
	/* --rename-conf-file: the primary's file name once wrapped; only it is looked at after. */
	char *pinned;
};

/* Auto mode: one regeneration and its message. Returns the refresh's value. */
static int regenerate(struct install_opts *o, struct gen_state *g)
{
	_cleanup_free_ char *primary = NULL, *written = NULL;
	struct err e = { 0 };
	int r = install_netconf_refresh(o, &primary, &written, &e);

	if (r < 0) {
		if (!g->last_error || !streq(g->last_error, e.msg)) {
			fprintf(stderr, "multus install: %s%s\n", e.msg,
				g->generated   ? "; the netconf written before stays"
				: r == -ENOENT ? "; waiting"
					       : "");
			free(g->last_error);
			g->last_error = strdup(e.msg);
		}
		return r;
	}
	free(g->last_error);
	g->last_error = NULL;
	if (r > 0)
		printf("multus install: %s %s from the primary CNI config %s%s\n", written,
		       g->generated ? "regenerated" : "generated", primary,
		       o->rename_conf_file ? ", renamed to NAME.old" : "");
	g->generated = true;
	if (o->rename_conf_file && !o->master_file) {
		g->pinned = strdup(strrchr(primary, '/') + 1);
		o->master_file = g->pinned;
	}
	return r;
}

/*
 * Until SIGTERM or SIGINT (exit 0): every interval, rewrite the kubeconfig if it changed; in
 * auto mode also regenerate the netconf then, and whenever the autoconfig dir changes.
 */
int install_run(const struct install_opts *opts, const sigset_t *mask)
{
	struct install_opts cur = *opts, *o = &cur;
	_cleanup_close_ int sfd = signalfd(-1, mask, SFD_CLOEXEC), ifd = -1;
	const int64_t interval_ms = (int64_t)o->interval * 1000;
	int64_t next_tick = now_ms() + interval_ms;
	struct gen_state g = { 0 };
	bool pending = o->auto_mode;
	int status = 0;

	if (sfd < 0) {
		fprintf(stderr, "multus install: signalfd: %s\n", strerror(errno));
		return 1;
	}
	if (o->auto_mode) {
		struct err e = { 0 };

		ifd = install_watch_open(o, &e);
		if (ifd < 0)
			fprintf(stderr, "multus install: %s; looking every second instead\n",
				e.msg);
	}
	for (;;) {
		struct pollfd p[2] = { { .fd = sfd, .events = POLLIN },
				       { .fd = ifd, .events = POLLIN } };
		int64_t wait_ms;
		int r;

		if (pending) {
			pending = false;
			r = regenerate(o, &g);
			/* --once: done once generated; a broken primary is an error, a missing
			 * one is waited for. */
			if (o->once && r != -ENOENT) {
				status = r >= 0 ? 0 : 1;
				break;
			}
			if (r < 0 && ifd < 0)
				pending = true; /* no inotify: look again in a second */
		}
		wait_ms = next_tick - now_ms();
		if (wait_ms < 0)
			wait_ms = 0;
		if (pending && wait_ms > 1000)
			wait_ms = 1000;
		r = poll(p, ifd >= 0 ? 2 : 1, (int)wait_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "multus install: poll: %s\n", strerror(errno));
			status = 1;
			break;
		}
		if (p[0].revents) {
			printf("multus install: terminated, exiting\n");
			status = o->once ? 1 : 0;
			if (o->cleanup_on_exit) {
				struct err e = { 0 };

				if (install_cleanup(o, &e) < 0) {
					fprintf(stderr, "multus install: %s\n", e.msg);
					status = 1;
				} else {
					printf(
					    "multus install: netconf and kubeconfig removed from "
					    "%s\n",
					    o->conf_dir);
				}
			}
			break;
		}
		if (ifd >= 0 && p[1].revents) {
			/* A writer that is not atomic sends several events: let it finish. */
			struct pollfd q = { .fd = ifd, .events = POLLIN };

			do
				install_watch_drain(ifd);
			while (poll(&q, 1, 100) > 0);
			pending = !(o->skip_config_watch && g.generated);
			continue;
		}
		if (now_ms() < next_tick)
			continue;
		next_tick = now_ms() + interval_ms;
		/* A primary that is a symlink changes without an event. --skip-config-watch:
		 * generated once, never again. */
		pending = o->auto_mode && !(o->skip_config_watch && g.generated);
		{
			struct err e = { 0 };

			r = refresh_kubeconfig(o, false, &e);
			/* A failure here is logged and retried: the installed kubeconfig still
			 * works until the old token expires, and the token file may be
			 * mid-rotation. */
			if (r < 0)
				fprintf(stderr, "multus install: %s (retrying in %u s)\n", e.msg,
					o->interval);
			else if (r > 0)
				printf("multus install: service-account credentials changed, "
				       "%s/" KUBECONFIG_DIR "/" KUBECONFIG_NAME " rewritten\n",
				       o->conf_dir);
		}
	}
	free(g.last_error);
	free(g.pinned);
	return status;
}

int multus_install_main(int argc, char **argv)
{
	struct install_opts o;
	struct err e = { 0 };
	sigset_t mask;
	int r;

	install_opts_init(&o);
	r = install_parse_args(argc, argv, &o);
	if (r != 0)
		return r > 0 ? 0 : 2;
	/* Container logs are a pipe: a line at a time, not when a buffer fills. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Blocked from the start: a SIGTERM during the install is taken after it, never halfway
	 * (and as PID 1 in the container a default-action SIGTERM would just be ignored). */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
		fprintf(stderr, "multus install: sigprocmask: %s\n", strerror(errno));
		return 1;
	}
	r = install_once(&o, &e);
	if (r < 0) {
		fprintf(stderr, "multus install: %s\n", e.msg);
		return 1;
	}
	if (o.auto_mode)
		printf("multus install: multus %s installed in %s, kubeconfig written\n",
		       MULTUS_VERSION, o.bin_dir);
	else
		printf("multus install: multus %s installed in %s, %s/" NETCONF_NAME " written\n",
		       MULTUS_VERSION, o.bin_dir, o.conf_dir);
	return o.once && !o.auto_mode ? 0 : install_run(&o, &mask);
}

/*
 * Upstream's image's init container, `/install_multus --type thin [--dest-dir DIR]`: the binary
 * (and its libraries) into the CNI bin dir, nothing else. Our image links the name to us.
 */
int multus_install_multus_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "dest-dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct install_opts o;
	const char *type = NULL;
	struct err e = { 0 };
	int c;

	install_opts_init(&o);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			type = optarg;
			break;
		case 'd':
			o.bin_dir = optarg;
			break;
		case 'h':
			printf(
			    "Usage: install_multus --type thin [--dest-dir DIR]    (upstream's init "
			    "container's command)\n"
			    "Copies multus and its libraries into DIR [/host/opt/cni/bin], as "
			    "`multus install` does, and nothing else.\n");
			return 0;
		default:
			fprintf(stderr, "install_multus: unknown option or missing value: %s\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc || !type || (!streq(type, "thin") && !streq(type, "thick"))) {
		fprintf(stderr, "install_multus: --type thin is needed (got %s)\n",
			optind < argc ? argv[optind]
			: type	      ? type
				      : "none");
		return 2;
	}
	if (streq(type, "thick")) {
		fprintf(stderr,
			"install_multus: --type thick: this multus has no thick plugin; the "
			"plugin is the thin one and `multus daemon` its node-local cache "
			"(--type thin)\n");
		return 2;
	}
	if (check_dir("CNI bin dir", o.bin_dir, &e) < 0 || install_binary(&o, &e) < 0) {
		fprintf(stderr, "install_multus: %s\n", e.msg);
		return 1;
	}
	printf("install_multus: multus %s installed in %s\n", MULTUS_VERSION, o.bin_dir);
	return 0;
}
