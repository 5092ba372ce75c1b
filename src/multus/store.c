// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "cni/cni.h"
#include "multus/store.h"
#include "util/atomic.h"
#include "util/fileio.h"
#include "util/names.h"

static int entry_path(const char *dir, const char *id, const char *suffix, char **ret,
		      struct err *e)
{
	/* The id becomes a file name: validated here, whatever the caller did. */
	if (!name_is_cni_id(id))
		return err_setc(e, CNI_ERR_INVALID_ENV, -EINVAL,
				"container id \"%.64s\" cannot name a store entry", id);
	if (asprintf(ret, "%s/%s%s", dir, id, suffix) < 0)
		return -ENOMEM;
	return 0;
}

static int ensure_dir(const char *dir, struct err *e)
{
	_cleanup_free_ char *copy = NULL;

	/* Usually there: one syscall. */
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return err_setc(e, CNI_ERR_IO, negative_errno(), "cannot create %s: %m", dir);
	copy = strdup(dir);
	if (!copy)
		return -ENOMEM;
	/* mkdir -p, each level 0700 when we create it. */
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) < 0 && errno != EEXIST)
			return err_setc(e, CNI_ERR_IO, negative_errno(), "cannot create %s: %m",
					copy);
		*p = '/';
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_setc(e, CNI_ERR_IO, negative_errno(), "cannot create %s: %m", dir);
	return 0;
}

int store_lock(const char *dir, const char *id, int *ret_fd, struct err *e)
{
	_cleanup_free_ char *path = NULL;
	int r;

	r = entry_path(dir, id, ".lock", &path, e);
	if (r < 0)
		return r;
	r = ensure_dir(dir, e);
	if (r < 0)
		return r;
	for (int tries = 0; tries < 100; tries++) {
		_cleanup_close_ int fd = -1;
		struct stat a, b;

		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		/* A read-only store: flock() works on a read-only fd too, and no one can
		 * change the entry under us anyway. */
		if (fd < 0 && errno == EROFS) {
			fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			if (fd < 0 && errno == ENOENT)
				return err_setc(e, CNI_ERR_IO, -EROFS, "cannot create lock %s: %s",
						path, strerror(EROFS));
		}
		if (fd < 0)
			return err_setc(e, CNI_ERR_IO, negative_errno(), "cannot open lock %s: %m",
					path);
		while (flock(fd, LOCK_EX) < 0)
			if (errno != EINTR)
				return err_setc(e, CNI_ERR_IO, negative_errno(),
						"cannot lock %s: %m", path);
		/* The holder before us may have removed the file: then our lock is on a
		 * ghost and we must take the new one. */
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev) {
			*ret_fd = TAKE_FD(fd);
			return 0;
		}
	}
	return err_setc(e, CNI_ERR_TRY_AGAIN, -EAGAIN, "cannot take lock %s", path);
}

void store_unlock(const char *dir, const char *id, int fd, bool remove)
{
	_cleanup_free_ char *path = NULL;

	if (fd < 0)
		return;
	if (remove && entry_path(dir, id, ".lock", &path, NULL) == 0)
		unlink(path); /* while still holding it: waiters re-check the inode */
	close(fd);
}

int store_parse(const char *buf, size_t len, struct plan **ret, struct err *e)
{
	json_auto_t *j = NULL;
	json_error_t jerr;

	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return err_setc(e, CNI_ERR_DECODE, -EBADMSG, "%s (line %d)", jerr.text, jerr.line);
	return plan_from_json(j, ret, e);
}

int store_load(const char *dir, const char *id, struct plan **ret, struct err *e)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	size_t len = 0;
	int r;

	r = entry_path(dir, id, ".json", &path, e);
	if (r < 0)
		return r;
	/* The store is ours: a symlink in it was not put there by us. */
	r = read_file_bounded(path, O_NOFOLLOW, STORE_MAX_BYTES, &buf, &len);
	if (r == -ENOENT)
		return -ENOENT;
	if (r < 0)
		return err_setc(e, CNI_ERR_IO, r, "cannot read store entry %s: %s", path,
				read_file_strerror(r));
	r = store_parse(buf, len, ret, e);
	if (r < 0)
		return err_prefix(e, r, "store entry %s", path);
	return 0;
}

int store_lookup(const struct legacy_where *w, const char *id, struct plan **ret, struct err *e)
{
	int r = store_load(w->dir, id, ret, e);

	if (r == -ENOENT)
		r = legacy_load(w, id, ret, e);
	return r;
}

/*
 * How hard each write tries to reach the disk. ADD's first write is fsynced: from then on a
 * delegate may record something that outlives a reboot (host-local's leases on disk), and DEL
 * after the reboot needs the entry to release it. Its name needs no directory fsync: the
 * journal commits metadata in order, so the rename is on disk no later than anything a
 * delegate records after it. Every later rewrite (ADD's progress, DEL's shrinking record)
 * only replaces the entry atomically, with no fsync at all: a process crash keeps the page
 * cache, so the entry survives it, and a machine crash takes the pod netns, and with it what
 * those rewrites describe, away.
 */
/*
 * The entry this process last wrote: a rewrite with the same bytes (the ADD's last save after
 * netcheck_finish when it changed nothing) is skipped, as long as the file is still there with
 * that size. Nobody else writes the entry while we hold its lock; store_remove forgets it.
 */
static struct {
	char *path;
	char *text;
} last;

static void last_forget(void)
{
	free(last.path);
	free(last.text);
	last.path = last.text = NULL;
}

static void last_remember(char **path, char **text)
{
	last_forget();
	last.path = TAKE_PTR(*path);
	last.text = TAKE_PTR(*text);
}

static int save(const char *dir, const struct plan *p, unsigned flags, struct err *e)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	json_auto_t *j = plan_to_json(p);
	int r;

	/* A record that cannot be written whole must not be written at all: DEL works from it. */
	if (!j)
		return err_setc(e, CNI_ERR_IO, -EINVAL,
				"cannot encode the store entry of %s (strings that are not UTF-8?)",
				p->container_id);
	r = entry_path(dir, p->container_id, ".json", &path, e);
	if (r < 0)
		return r;
	r = ensure_dir(dir, e);
	if (r < 0)
		return r;
	text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text)
		return -ENOMEM;
	/* Nor one that store_load would refuse: DEL could never read it back. */
	if (strlen(text) > STORE_MAX_BYTES)
		return err_setc(
		    e, CNI_ERR_INVALID_NETCONF, -EFBIG,
		    "the store entry of %s would be %zu bytes, more than the %d that DEL "
		    "reads: the networks' configs and results are too large",
		    p->container_id, strlen(text), STORE_MAX_BYTES);
	if (!(flags & ATOMIC_FSYNC) && last.path && streq(last.path, path) &&
	    streq(last.text, text)) {
		struct stat st;

		/* Still there, whole (an unlink behind our back is written again). */
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (size_t)st.st_size == strlen(text))
			return 0;
	}
	r = atomic_write(path, ".", 0600, flags, text, strlen(text));
	if (r < 0) {
		last_forget();
		return err_setc(e, CNI_ERR_IO, r, "cannot write store entry %s: %s", path,
				strerror(-r));
	}
	last_remember(&path, &text);
	return 0;
}

int store_create(const char *dir, const struct plan *p, struct err *e)
{
	return save(dir, p, ATOMIC_FSYNC, e);
}

int store_save(const char *dir, const struct plan *p, struct err *e)
{
	return save(dir, p, 0, e);
}

int store_remove(const char *dir, const char *id, struct err *e)
{
	_cleanup_free_ char *path = NULL;
	int r;

	r = entry_path(dir, id, ".json", &path, e);
	if (r < 0)
		return r;
	if (last.path && streq(last.path, path))
		last_forget();
	if (unlink(path) < 0 && errno != ENOENT)
		return err_setc(e, CNI_ERR_IO, negative_errno(), "cannot remove %s: %m", path);
	return 0;
}

void store_ids_free(char **ids, size_t n)
{
	for (size_t i = 0; ids && i < n; i++)
		free(ids[i]);
	free(ids);
}

int store_list(const char *dir, char ***ret_ids, size_t *ret_n, struct err *e)
{
	DIR *d = opendir(dir);
	char **ids = NULL;
	size_t n = 0;
	struct dirent *de;

	if (!d) {
		if (errno == ENOENT) {
			*ret_ids = NULL;
			*ret_n = 0;
			return 0;
		}
		return err_setc(e, CNI_ERR_IO, negative_errno(), "cannot read %s: %m", dir);
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char **nids;

		if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		nids = realloc(ids, (n + 1) * sizeof(*ids));
		if (!nids || !(nids[n] = strndup(de->d_name, len - 5))) {
			closedir(d);
			store_ids_free(nids ? nids : ids, n);
			return -ENOMEM;
		}
		ids = nids;
		if (!name_is_cni_id(ids[n])) {
			free(ids[n]);
			continue;
		}
		n++;
	}
	closedir(d);
	*ret_ids = ids;
	*ret_n = n;
	return 0;
}
