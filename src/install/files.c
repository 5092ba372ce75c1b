// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The installer's file operations. Every file is written under a temporary name in its own
 * directory and renamed into place: the runtime never sees half a binary or half a config, and
 * a multus process that is running keeps the inode it mapped (overwriting a mapped library in
 * place would crash it).
 */
#include <dirent.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#include "install/install_int.h"
#include "k8s/curl_dl.h"
#include "util/atomic.h"
#include "util/macro.h"

char *path_join(const char *dir, const char *name)
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
int write_atomic(const char *path, mode_t mode, int src_fd, const char *buf, size_t len,
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
int ensure_dir(const char *path, mode_t mode, struct err *e)
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

int check_dir(const char *what, const char *path, struct err *e)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? err_set(e, -errno, "%s %s: %s", what, path, strerror(errno)) : 0;
}

/* A killed install leaves its temporary files behind; a restart loop must not pile them up. */
void remove_stale_temps(const char *dir)
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
int install_binary(const struct install_opts *o, struct err *e)
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
	return copy_file(o->bin_file ? o->bin_file : "/proc/self/exe", bin, 0755, e);
}

char *netconf_kubeconfig(const struct install_opts *o)
{
	return o->kubeconfig_host ? strdup(o->kubeconfig_host)
				  : path_join(o->host_conf_dir, KUBECONFIG_DIR "/" KUBECONFIG_NAME);
}

int mkdir_parents(const char *path, struct err *e)
{
	_cleanup_free_ char *p = strdup(path);

	if (!p)
		return err_set(e, -ENOMEM, "out of memory");
	for (char *s = p + 1;; s++) {
		bool end = *s == '\0';

		if (*s != '/' && !end)
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return err_set(e, -errno, "cannot make %s: %s", p, strerror(errno));
		if (end)
			break;
		*s = '/';
	}
	return check_dir("directory", path, e);
}
