// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * multus install: the DaemonSet container's command (PRODUCT.md section 8). Puts this binary
 * and the shared libraries it needs into the host's CNI bin dir, writes a kubeconfig built
 * from the pod's service account and the node's netconf into the host's CNI conf dir, then
 * rewrites the kubeconfig whenever the token changes, until SIGTERM.
 *
 * Every file is written under a temporary name in its own directory and renamed into place:
 * the runtime never sees half a binary or half a config, and a multus process that is running
 * keeps the inode it mapped (overwriting a mapped library in place would crash it).
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <link.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include "install/install.h"
#include "k8s/curl_dl.h"
#include "k8s/kubeconfig.h"
#include "multus/netconf.h"
#include "util/atomic.h"
#include "util/err.h"
#include "util/fileio.h"

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

/* For buffers that hold a token: wiped before they are freed. */
static void secret_freep(char **p)
{
	if (*p) {
		explicit_bzero(*p, strlen(*p));
		free(*p);
	}
}

static char *path_join(const char *dir, const char *name)
{
	char *p;

	return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

/* In-kernel copy of `in` to its end (bounded: /proc/self/exe or a library). */
static int copy_fd(int in, int out)
{
	for (uint64_t total = 0;;) {
		ssize_t n = sendfile(out, in, NULL, 1 << 20);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : 0;
		total += (uint64_t)n;
		if (total > COPY_MAX_BYTES)
			return -EFBIG;
	}
}

static int fill_from_fd(int fd, void *userdata)
{
	return copy_fd(*(const int *)userdata, fd);
}

/*
 * Writes `path` atomically with `mode`: the bytes of `src_fd` (>= 0) or of `buf`, through a
 * temporary file created exclusively in the same directory (rename only replaces within one
 * file system), synced, renamed over `path`, then the directory synced so that the rename
 * survives a crash.
 */
static int write_atomic(const char *path, mode_t mode, int src_fd, const char *buf, size_t len,
			struct err *e)
{
	const unsigned flags = ATOMIC_FSYNC | ATOMIC_FSYNC_DIR;
	int r = src_fd >= 0
		    ? atomic_write_fill(path, TMP_PREFIX, mode, flags, fill_from_fd, &src_fd)
		    : atomic_write(path, TMP_PREFIX, mode, flags, buf, len);

	if (r < 0)
		return err_set(e, r, "cannot write %s: %s", path, strerror(-r));
	return 0;
}

/* An existing directory of ours: made if missing, `mode` enforced, never a symlink. */
static int ensure_dir(const char *path, mode_t mode, struct err *e)
{
	_cleanup_close_ int fd = -1;

	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return err_set(e, -errno, "cannot create directory %s: %s", path, strerror(errno));
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, -errno, "%s: %s", path,
			       errno == ELOOP ? "is a symlink" : strerror(errno));
	/* mkdir() obeys the umask and an old directory may be wider than it should be. */
	if (fchmod(fd, mode) < 0)
		return err_set(e, -errno, "cannot chmod %s: %s", path, strerror(errno));
	return 0;
}

static int check_dir(const char *what, const char *path, struct err *e)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? err_set(e, -errno, "%s %s: %s", what, path, strerror(errno)) : 0;
}

/* A killed install leaves its temporary files behind; a restart loop must not pile them up. */
static void remove_stale_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0)
			(void)unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

/*
 * glibc's own objects are never copied: the program interpreter is the host's
 * /lib64/ld-linux-*.so (an absolute path in the binary), and libc and its siblings must be the
 * ones built with that very loader.
 */
static bool is_glibc_core(const char *base)
{
	static const char *const core[] = {
		"libc.so.",   "libm.so.",  "libmvec.so.",   "libpthread.so.",
		"libdl.so.",  "librt.so.", "libresolv.so.", "libutil.so.",
		"libanl.so.", "ld-linux",  "ld64.so.",	    "ld.so.",
	};

	for (size_t i = 0; i < ELEMENTSOF(core); i++)
		if (strncmp(base, core[i], strlen(core[i])) == 0)
			return true;
	return false;
}

static int copy_file(const char *src, const char *dst, mode_t mode, struct err *e)
{
	_cleanup_close_ int fd = open(src, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_set(e, -errno, "cannot open %s: %s", src, strerror(errno));
	return write_atomic(dst, mode, fd, NULL, 0, e);
}

struct lib_copy {
	const char *libdir;
	struct err *e;
	int r;
};

/*
 * The loader's list of loaded objects is exactly what the binary needs: every DT_NEEDED, and
 * theirs, is loaded at start-up, whatever the binding mode, and libcurl with its own
 * dependencies once curl_dl_open() has loaded it as the API client does. dlpi_name is the
 * path the loader opened: a directory plus the name it searched for, so its last part is the
 * name the loader will search multus.libs for on the host. Only file I/O in here, no dlopen().
 */
static int copy_lib(struct dl_phdr_info *info, size_t size, void *data)
{
	struct lib_copy *l = data;
	const char *name = info->dlpi_name;
	_cleanup_free_ char *dst = NULL;

	/* The executable itself ("") and the vDSO have no file to copy. */
	if (!name || name[0] != '/' || is_glibc_core(strrchr(name, '/') + 1))
		return 0;
	dst = path_join(l->libdir, strrchr(name, '/') + 1);
	l->r = dst ? copy_file(name, dst, 0644, l->e) : err_set(l->e, -ENOMEM, "out of memory");
	return l->r < 0;
}

/*
 * The libraries go first and the binary last: an old binary runs with newer libraries of the
 * same soname, a new binary may need a soname that only now arrives.
 */
static int install_binary(const struct install_opts *o, struct err *e)
{
	_cleanup_free_ char *libdir = path_join(o->bin_dir, LIBS_DIR);
	_cleanup_free_ char *bin = path_join(o->bin_dir, "multus");
	struct lib_copy l = { .libdir = libdir, .e = e };
	int r;

	if (!libdir || !bin)
		return err_set(e, -ENOMEM, "out of memory");
	r = ensure_dir(libdir, 0755, e);
	if (r < 0)
		return r;
	remove_stale_temps(libdir);
	/* Not linked (src/k8s/curl_dl.h): loaded here so that it is on the loader's list. */
	r = curl_dl_open(e);
	if (r < 0)
		return r;
	dl_iterate_phdr(copy_lib, &l);
	if (l.r < 0)
		return l.r;
	return copy_file("/proc/self/exe", bin, 0755, e);
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
		"    certificate-authority-data: %s\n"
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
	    !streq(back->token, c->token) || back->ca_data_len != ca_len ||
	    memcmp(back->ca_data, ca, ca_len) != 0)
		return err_set(e, -EPROTO, "the kubeconfig written does not read back as built");
	*ret = TAKE_PTR(text);
	return 0;
}

/*
 * Writes the kubeconfig when `force` or when its text differs from the file's (a new token or
 * CA, or the file gone). Returns 1 when written, 0 when unchanged.
 */
static int refresh_kubeconfig(const struct install_opts *o, bool force, struct err *e)
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
