// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * multus daemon: the DaemonSet's command. It runs `multus install` with the same flags (in a
 * child process, so the installer's own loop keeps the token fresh as it always has), and
 * itself keeps a cache of the node's pods and of the NADs (LIST+WATCH on one HTTP/2
 * connection) that it serves to the plugin on a root-only unix socket (server.c). The plugin
 * works without it: the daemon only saves it the API round trips.
 */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "daemon/daemon_int.h"
#include "install/install.h"
#include "k8s/curl_dl.h"
#include "k8s/kubeconfig.h"
#include "util/names.h"

#define SA_TOKEN "/var/run/secrets/kubernetes.io/serviceaccount/token"
#define SA_CA "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
#define POLL_MAX_MS 1000

struct daemon_opts {
	const char *node_name, *socket, *kubeconfig, *token_file, *ca_file;
	long api_timeout_ms;
	bool no_install;
	bool skip_tls_verify; /* the installer's --skip-tls-verify: in-cluster access too */
	int install_argc;
	char **install_argv;
};

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void dlog(const char *fmt, ...)
{
	va_list ap;

	fputs("multus daemon: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: multus daemon [OPTIONS] [INSTALL OPTIONS]    (the DaemonSet's command)\n"
	    "Does what `multus install` does, with the same options (`multus install --help`),\n"
	    "and serves the plugin a cache of this node's pods and of the NADs on a unix socket\n"
	    "(the netconf's daemonSocket). The plugin works without it.\n"
	    "  --node-name NAME         this node [$NODE_NAME]\n"
	    "  --socket PATH            the socket, 0600 in a 0700 dir [/run/multus/multus.sock]\n"
	    "  --kubeconfig FILE        API access; in-cluster: $KUBERNETES_SERVICE_HOST, _PORT\n"
	    "                           and the installer's --token-file, --ca-file [in-cluster]\n"
	    "  --api-timeout-seconds N  how long a write is retried if the plugin does not say,\n"
	    "                           and SIGTERM waits for the queued writes [10]\n"
	    "  --no-install             only the cache (tests, or an install done otherwise)\n"
	    "  -h, --help               this text\n"
	    "Exit status: 0 SIGTERM (after the queued writes), 1 failure, 2 usage error\n");
}

/* Our options out of argv; the rest, in order, is the installer's (argv[0] "install"). */
static int parse_args(int argc, char **argv, struct daemon_opts *o)
{
	static char install_name[] = "install";

	o->install_argv = calloc((size_t)argc + 1, sizeof(char *));
	if (!o->install_argv)
		return -ENOMEM;
	o->install_argv[o->install_argc++] = install_name;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		static const struct {
			const char *name;
			size_t off;
		} opts[] = {
			{ "--node-name", offsetof(struct daemon_opts, node_name) },
			{ "--socket", offsetof(struct daemon_opts, socket) },
			{ "--kubeconfig", offsetof(struct daemon_opts, kubeconfig) },
		};
		const char *val = NULL;

		if (streq(a, "-h") || streq(a, "--help")) {
			usage(stdout);
			return 1;
		}
		if (streq(a, "--no-install")) {
			o->no_install = true;
			continue;
		}
		for (size_t k = 0; k < ELEMENTSOF(opts) && !slot; k++) {
			size_t n = strlen(opts[k].name);

			if (strncmp(a, opts[k].name, n) == 0 && (a[n] == '\0' || a[n] == '=')) {
				slot = (const char **)((char *)o + opts[k].off);
				val = a[n] == '=' ? a + n + 1 : (i + 1 < argc ? argv[++i] : NULL);
			}
		}
		if (!slot && strncmp(a, "--api-timeout-seconds", 21) == 0 &&
		    (a[21] == '\0' || a[21] == '=')) {
			char *end;
			long v;

			val = a[21] == '=' ? a + 22 : (i + 1 < argc ? argv[++i] : NULL);
			v = val ? strtol(val, &end, 10) : 0;
			if (!val || *end || v < 1 || v > 3600) {
				fprintf(stderr,
					"multus daemon: --api-timeout-seconds: 1 to 3600\n");
				return -EINVAL;
			}
			o->api_timeout_ms = v * 1000;
			continue;
		}
		if (slot) {
			if (!val || !*val) {
				fprintf(stderr, "multus daemon: %s needs a value\n", a);
				return -EINVAL;
			}
			*slot = val;
			continue;
		}
		/* The installer's: passed on, and its credentials noted for in-cluster access. */
		if (strncmp(a, "--token-file", 12) == 0 || strncmp(a, "--ca-file", 9) == 0) {
			bool tok = a[2] == 't';
			const char *eq = strchr(a, '=');
			const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[i + 1] : NULL);

			if (tok)
				o->token_file = v;
			else
				o->ca_file = v;
		}
		if (strncmp(a, "--skip-tls-verify", 17) == 0 && (a[17] == '\0' || a[17] == '='))
			o->skip_tls_verify =
			    a[17] == '\0' || streq(a + 18, "true") || streq(a + 18, "1");
		o->install_argv[o->install_argc++] = argv[i];
	}
	if (!o->node_name || !name_is_dns1123_subdomain(o->node_name)) {
		fprintf(stderr, "multus daemon: no valid node name (--node-name or $NODE_NAME)\n");
		return -EINVAL;
	}
	return 0;
}

static const struct daemon_opts *opts;

static int client_new(const struct daemon_opts *o, struct k8s_client **ret, struct err *e)
{
	_cleanup_(k8s_config_freep) struct k8s_config *cfg = NULL;
	int r;

	if (o->kubeconfig)
		r = k8s_config_load(o->kubeconfig, &cfg, e);
	else
		r = k8s_config_in_cluster(o->token_file, o->ca_file, &cfg, e);
	if (r < 0)
		return err_prefix(e, r, "API access");
	/* As the kubeconfig the installer writes for the plugin says. */
	if (!o->kubeconfig && o->skip_tls_verify)
		cfg->insecure = true;
	/* The client's own bound is not used: every transfer has its own timeout. */
	return k8s_client_new(cfg, 24L * 3600 * 1000, ret, e);
}

void api_reload(struct daemon *d)
{
	struct k8s_client *c = NULL;
	struct err e = { 0 };

	d->reauth = false;
	if (now_ms() < d->reauth_at)
		return;
	d->reauth_at = now_ms() + 10000;
	if (client_new(opts, &c, &e) < 0) {
		dlog("401 from the API server, and new credentials fail: %s", e.msg);
		return;
	}
	dlog("401 from the API server: credentials read again");
	/* Transfers under way use the old client's headers and TLS files: it goes when they
	 * are done. */
	api_retire(d, d->api);
	d->api = c;
	d->clients_made++;
}

static int api_open(struct daemon *d, const struct daemon_opts *o, struct err *e)
{
	int r;

	opts = o;
	r = client_new(o, &d->api, e);
	if (r < 0)
		return r;
	d->clients_made++;
	{
		struct curl_dl_fds before;

		/* curl_multi_init makes a socketpair without SOCK_CLOEXEC (curl_dl.h). */
		curl_dl_fds_snapshot(&before);
		d->multi = curl_multi_init();
		curl_dl_fds_cloexec_since(&before);
	}
	if (!d->multi)
		return err_set(e, -ENOMEM, "cannot make a curl multi handle");
	curl_multi_setopt(d->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	return 0;
}

static pid_t install_start(const struct daemon_opts *o)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	fflush(stdout);
	_exit(multus_install_main(o->install_argc, o->install_argv));
}

static void counters(const struct daemon *d)
{
	dlog("served %u, connections %u, fetched %u, stale %u, refused %u, written %u, dropped %u; "
	     "pods %zu (lists %u, watches %u, events %u), nads %zu (lists %u, watches %u, "
	     "events %u); API clients made %u, freed %u",
	     d->served, d->connections, d->fetched, d->stale, d->refused, d->written, d->dropped,
	     json_object_size(d->pods.store), d->pods.lists, d->pods.watches, d->pods.events,
	     json_object_size(d->nads.store), d->nads.lists, d->nads.watches, d->nads.events,
	     d->clients_made, d->clients_freed);
}

static long min_wait(long a, long b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

/* Returns the exit status. */
static int loop(struct daemon *d, int sfd, pid_t child)
{
	uint64_t flush_until = 0;
	int status = 0;

	for (;;) {
		struct curl_waitfd fds[2 + CLIENTS_MAX];
		unsigned n = 0, nc;
		long wait = -1;

		if (d->stopping && writer_idle(d) && child <= 0)
			break;
		if (d->stopping && now_ms() >= flush_until) {
			dlog("stopping with %u write(s) not done", d->n_jobs);
			break;
		}
		if (d->reauth)
			api_reload(d);
		wait = min_wait(wait, watch_tick(d, &d->pods));
		wait = min_wait(wait, watch_tick(d, &d->nads));
		wait = min_wait(wait, writer_tick(d));
		wait = min_wait(wait, server_tick(d, NULL, 0));
		if (wait < 0 || wait > POLL_MAX_MS)
			wait = POLL_MAX_MS;
		fds[n++] = (struct curl_waitfd){ .fd = sfd, .events = CURL_WAIT_POLLIN };
		if (d->listen_fd >= 0)
			fds[n++] =
			    (struct curl_waitfd){ .fd = d->listen_fd, .events = CURL_WAIT_POLLIN };
		nc = server_fds(d, fds + n, CLIENTS_MAX);
		if (curl_multi_poll(d->multi, fds, n + nc, (int)wait, NULL) != CURLM_OK) {
			dlog("curl_multi_poll failed");
			return 1;
		}
		if (fds[0].revents) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGUSR1) {
					counters(d);
				} else if (si.ssi_signo == SIGCHLD) {
					int ws;

					if (child > 0 && waitpid(child, &ws, WNOHANG) == child) {
						child = 0;
						if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
							dlog("the installer failed; exiting");
							status = 1;
							d->stopping = true;
							flush_until =
							    now_ms() + (uint64_t)d->api_timeout_ms;
						}
					}
				} else if (!d->stopping) {
					dlog("terminated: flushing %u queued write(s)", d->n_jobs);
					d->stopping = true;
					flush_until = now_ms() + (uint64_t)d->api_timeout_ms;
					if (child > 0)
						kill(child, SIGTERM);
				}
			}
			if (d->stopping && d->listen_fd >= 0) {
				close(d->listen_fd);
				d->listen_fd = -1;
				unlink(d->socket_path);
				server_close_all(d);
				watch_stop(&d->pods);
				watch_stop(&d->nads);
				nc = 0;
			}
		}
		/* The plugins first: they wait for their answers, the API transfers do not. */
		if (!d->stopping)
			server_tick(d, fds + n, nc);
		if (d->listen_fd >= 0 && fds[1].revents)
			server_accept(d);
		api_dispatch(d);
	}
	counters(d);
	return status;
}

int multus_daemon_main(int argc, char **argv)
{
	struct daemon_opts o = {
		.node_name = getenv("NODE_NAME"),
		.socket = "/run/multus/multus.sock",
		.token_file = SA_TOKEN,
		.ca_file = SA_CA,
		.api_timeout_ms = 10000,
	};
	struct daemon d = { .listen_fd = -1 };
	_cleanup_free_ char *pods_path = NULL;
	_cleanup_close_ int sfd = -1;
	struct err e = { 0 };
	char why[300];
	pid_t child = -1;
	sigset_t mask;
	int r;

	r = parse_args(argc, argv, &o);
	if (r != 0) {
		free(o.install_argv);
		return r > 0 ? 0 : 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!o.no_install) {
		child = install_start(&o);
		if (child < 0) {
			dlog("fork: %s", strerror(errno));
			return 1;
		}
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGUSR1);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		dlog("signals: %s", strerror(errno));
		return 1;
	}
	d.api_timeout_ms = o.api_timeout_ms;
	d.socket_path = o.socket;
	if (asprintf(&pods_path, "/api/v1/pods?fieldSelector=spec.nodeName%%3D%s", o.node_name) <
		0 ||
	    watch_init(&d.pods, "pods", pods_path, cache_trim_pod) < 0 ||
	    watch_init(&d.nads, "nads", "/apis/k8s.cni.cncf.io/v1/network-attachment-definitions",
		       cache_trim_nad) < 0) {
		dlog("out of memory");
		return 1;
	}
	r = api_open(&d, &o, &e);
	if (r < 0) {
		dlog("%s", e.msg);
		return 1;
	}
	r = server_open(o.socket, &d.listen_fd, why, sizeof(why));
	if (r < 0) {
		dlog("%s", why);
		return 1;
	}
	dlog("node %s, serving %s", o.node_name, o.socket);
	r = loop(&d, sfd, child);
	if (d.listen_fd >= 0) {
		close(d.listen_fd);
		unlink(o.socket);
	}
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	/* As the CNI path does: the queue is flushed and the socket gone, so the process ends here
	 * without tearing libcurl, GnuTLS and the cache down piece by piece; the kernel frees it
	 * all at once. */
	fflush(stdout);
	fflush(stderr);
	_exit(r);
}
