// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>

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

/* `DIR/.ID.journal`: a dot name, never an id (ids start with a letter or digit), so neither
 * store_list nor the legacy store's lister takes it for an entry. */
static int journal_path(const char *dir, const char *id, char **ret)
{
	if (!name_is_cni_id(id))
		return -EINVAL;
	if (asprintf(ret, "%s/.%s.journal", dir, id) < 0)
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

/*
 * The length of ID when `name` is a temp file of the store, `.ID.json.XXXXXX` (atomic.c's
 * name, mkostemp's six letters and digits), else 0.
 */
static size_t temp_id_len(const char *name)
{
	size_t len = strlen(name), idlen;

	if (name[0] != '.' || len < 1 + 1 + 6 + 6)
		return 0;
	idlen = len - 1 - 6 - 6;
	if (strncmp(name + 1 + idlen, ".json.", 6) != 0)
		return 0;
	for (size_t i = len - 6; i < len; i++)
		if (!isalnum((unsigned char)name[i]))
			return 0;
	return idlen;
}

/*
 * Temp files a killed writer left, `.ID.json.XXXXXX`. Every writer holds the container's lock,
 * so under it none is being written and all can go. Listing cniDir for them at every lock
 * would cost a directory read per ADD and DEL (0.1 ms with 110 pods' entries), so a writer
 * marks its lock file for the time a temp file of its may exist: the file's size is
 * MARK_SIZE from before atomic_write until after it, else 0. Whoever takes the lock and finds
 * the mark sweeps. GC sweeps what it finds by name (an older multus left those unmarked).
 * A size, not a byte written: a lock file with data gets a disk block once the page is written
 * back (within 30 s), and freeing that block at DEL's unlink costs 0.75 ms on a disk mounted
 * with discard, where a file that only ever had a size (a hole) goes in 0.1 ms. The older
 * mark, byte 0 'w' in a file of size 1, is still read.
 */
#define MARK_SIZE 2
static struct {
	int fd;
	char *dir, *id;
} held = { .fd = -1 };

static void held_forget(void)
{
	free(held.dir);
	free(held.id);
	held.dir = held.id = NULL;
	held.fd = -1;
}

/* Sets or clears the mark when this process holds that container's lock. Best effort: a
 * mark that stays only makes the next locker list the directory. */
static void mark_writing(const char *dir, const char *id, bool on)
{
	if (held.fd >= 0 && streq(held.dir, dir) && streq(held.id, id))
		(void)!ftruncate(held.fd, on ? MARK_SIZE : 0);
}

void store_sweep_temps(const char *dir, const char *id)
{
	size_t idlen = strlen(id);
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)))
		if (temp_id_len(de->d_name) == idlen && strncmp(de->d_name + 1, id, idlen) == 0)
			(void)unlinkat(dirfd(d), de->d_name, 0); /* a directory stays */
	closedir(d);
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
			char mark = 0;

			/* The holder before us died while writing: its temp file is ours to
			 * remove. A lock file never marked is empty: no read then. */
			if (a.st_size >= MARK_SIZE ||
			    (a.st_size == 1 && pread(fd, &mark, 1, 0) == 1 && mark == 'w')) {
				store_sweep_temps(dir, id);
				(void)!ftruncate(fd, 0);
			}
			held_forget();
			held.dir = strdup(dir);
			held.id = strdup(id);
			if (held.dir && held.id)
				held.fd = fd;
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
	if (fd == held.fd)
		held_forget();
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

int store_parse_journal(const char *buf, size_t len, const char *id, unsigned long after,
			struct plan **ret)
{
	size_t end = len;

	/* A last line without its newline was torn by a crash: not a record. */
	while (end > 0 && buf[end - 1] != '\n')
		end--;
	/* Newest first: records are appended in generation order. */
	while (end > 0) {
		_cleanup_plan_ struct plan *p = NULL;
		size_t start = end - 1;
		int r;

		while (start > 0 && buf[start - 1] != '\n')
			start--;
		r = store_parse(buf + start, end - 1 - start, &p, NULL);
		if (r == -ENOMEM)
			return r;
		if (r == 0 && streq(p->container_id, id)) {
			if (p->generation <= after)
				return -ENOENT;
			*ret = TAKE_PTR(p);
			return 0;
		}
		end = start;
	}
	return -ENOENT;
}

int store_load(const char *dir, const char *id, struct plan **ret, struct err *e)
{
	_cleanup_free_ char *path = NULL, *buf = NULL, *jpath = NULL, *jbuf = NULL;
	_cleanup_plan_ struct plan *p = NULL;
	struct plan *newer = NULL;
	size_t len = 0, jlen = 0;
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
	r = store_parse(buf, len, &p, e);
	if (r < 0)
		return err_prefix(e, r, "store entry %s", path);
	/* The entry is whole by itself; a journal that cannot be read only makes it older. */
	r = journal_path(dir, id, &jpath);
	if (r < 0)
		return r;
	r = read_file_bounded(jpath, O_NOFOLLOW, STORE_MAX_BYTES, &jbuf, &jlen);
	if (r == 0) {
		r = store_parse_journal(jbuf, jlen, id, p->generation, &newer);
		if (r == -ENOMEM)
			return r;
		if (r == 0) {
			plan_free(p);
			p = newer;
		}
	}
	*ret = TAKE_PTR(p);
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
 * after the reboot needs the entry to release it. Its name needs no directory fsync on a
 * journaling file system (ext4's default, xfs): the file system's journal commits metadata in
 * order, so the rename is on disk no later than anything a delegate records after it (ext4
 * without a journal gives no such order). Every later rewrite (ADD's progress, DEL's shrinking
 * record) only replaces the entry atomically, with no fsync at all: a process crash keeps the
 * page cache, so the entry survives it, and a machine crash takes the pod netns, and with it
 * what those rewrites describe, away.
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

/*
 * ADD's progress between delegates goes to the entry's journal, `DIR/.ID.journal`: one line
 * per record, each a whole entry, appended with one write() and never synced. Replacing the
 * entry instead costs a rename over it, and ext4 (auto_da_alloc) makes that rename allocate
 * and start writing the new file there and then: 0.3-0.8 ms per delegate on this machine's
 * disk, most of what an extra attachment cost. Entry and records are ordered by their
 * generation: store_load takes the newest whole record newer than the entry, and a torn or
 * garbled line (a machine crash) is skipped, leaving the entry, fsynced before the first
 * delegate, as it was. Every replacement of the entry removes the journal; one that a crash
 * left behind between the two is older than the entry, and ignored.
 */
static struct {
	char *path;
	int fd;
	size_t bytes;
} jr = { .fd = -1 };

static void journal_drop(const char *dir, const char *id)
{
	_cleanup_free_ char *path = NULL;

	free(jr.path);
	jr.path = NULL;
	if (jr.fd >= 0)
		close(jr.fd);
	jr.fd = -1;
	jr.bytes = 0;
	if (journal_path(dir, id, &path) == 0)
		(void)unlink(path);
}

/* The entry's text for p as it stands, or why it cannot be stored. */
static int encode(const struct plan *p, char **ret_text, struct err *e)
{
	char *text = NULL;
	int r = plan_to_text(p, &text);

	/* A record that cannot be written whole must not be written at all: DEL works from it. */
	if (r == -EINVAL)
		return err_setc(e, CNI_ERR_IO, -EINVAL,
				"cannot encode the store entry of %s (strings that are not UTF-8?)",
				p->container_id);
	if (r < 0)
		return r;
	/* Nor one that store_load would refuse: DEL could never read it back. */
	if (strlen(text) > STORE_MAX_BYTES) {
		size_t len = strlen(text);

		free(text);
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EFBIG,
				"the store entry of %s would be %zu bytes, more than the %d that "
				"DEL reads: the networks' configs and results are too large",
				p->container_id, len, STORE_MAX_BYTES);
	}
	*ret_text = text;
	return 0;
}

static int save(const char *dir, struct plan *p, unsigned flags, struct err *e)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	int r;

	r = entry_path(dir, p->container_id, ".json", &path, e);
	if (r < 0)
		return r;
	r = ensure_dir(dir, e);
	if (r < 0)
		return r;
	/* Unchanged since this process last wrote it (its generation too): nothing to do. */
	if (!(flags & ATOMIC_FSYNC) && !jr.path && last.path && streq(last.path, path)) {
		struct stat st;

		r = encode(p, &text, e);
		if (r < 0)
			return r;
		/* Still there, whole (an unlink behind our back is written again). */
		if (streq(last.text, text) && lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (size_t)st.st_size == strlen(text))
			return 0;
		free(TAKE_PTR(text));
	}
	p->generation++;
	r = encode(p, &text, e);
	if (r < 0) {
		p->generation--;
		return r;
	}
	mark_writing(dir, p->container_id, true);
	r = atomic_write(path, ".", 0600, flags, text, strlen(text));
	mark_writing(dir, p->container_id, false);
	if (r < 0) {
		p->generation--;
		last_forget();
		return err_setc(e, CNI_ERR_IO, r, "cannot write store entry %s: %s", path,
				strerror(-r));
	}
	last_remember(&path, &text);
	journal_drop(dir, p->container_id);
	return 0;
}

/* ADD's first write between store_stage and store_commit (one at a time per process). */
static struct {
	struct atomic_file f;
	char *text;
} staged = { .f = { .fd = -1 } };

void store_abort(const char *dir, const struct plan *p)
{
	if (!atomic_staged(&staged.f))
		return;
	atomic_abort(&staged.f);
	free(staged.text);
	staged.text = NULL;
	mark_writing(dir, p->container_id, false);
}

int store_stage(const char *dir, struct plan *p, struct err *e)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	int r;

	store_abort(dir, p);
	r = entry_path(dir, p->container_id, ".json", &path, e);
	if (r < 0)
		return r;
	r = ensure_dir(dir, e);
	if (r < 0)
		return r;
	/* A journal of an earlier container with this id must not outrank the new entry. */
	journal_drop(dir, p->container_id);
	p->generation = 1;
	r = encode(p, &text, e);
	if (r < 0) {
		p->generation = 0;
		return r;
	}
	mark_writing(dir, p->container_id, true);
	r = atomic_stage(path, ".", 0600, ATOMIC_FSYNC, text, strlen(text), &staged.f);
	if (r < 0) {
		mark_writing(dir, p->container_id, false);
		p->generation = 0;
		return err_setc(e, CNI_ERR_IO, r, "cannot write store entry %s: %s", path,
				strerror(-r));
	}
	staged.text = TAKE_PTR(text);
	return 0;
}

int store_commit(const char *dir, struct plan *p, struct err *e)
{
	_cleanup_free_ char *path = NULL;
	int r;

	if (!atomic_staged(&staged.f))
		return 0;
	path = strdup(staged.f.path);
	if (!path) {
		store_abort(dir, p);
		return -ENOMEM;
	}
	r = atomic_commit(&staged.f);
	mark_writing(dir, p->container_id, false);
	if (r < 0) {
		free(staged.text);
		staged.text = NULL;
		p->generation = 0;
		last_forget();
		return err_setc(e, CNI_ERR_IO, r, "cannot write store entry %s: %s", path,
				strerror(-r));
	}
	last_remember(&path, &staged.text);
	return 0;
}

int store_create(const char *dir, struct plan *p, struct err *e)
{
	int r = store_stage(dir, p, e);

	return r < 0 ? r : store_commit(dir, p, e);
}

int store_save(const char *dir, struct plan *p, struct err *e)
{
	return save(dir, p, 0, e);
}

static int journal_append(const char *dir, struct plan *p, const char *text)
{
	size_t len = strlen(text);
	struct iovec iov[2] = { { (void *)text, len }, { (void *)"\n", 1 } };
	ssize_t n;

	if (jr.bytes + len + 1 > STORE_MAX_BYTES)
		return -EFBIG;
	if (!jr.path) {
		_cleanup_free_ char *path = NULL;
		int r = journal_path(dir, p->container_id, &path);

		if (r < 0)
			return r;
		/* Exclusive: store_create removed any journal before, so one here now is not
		 * ours to append to (a hard link planted to another file, say). */
		jr.fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			     0600);
		if (jr.fd < 0)
			return negative_errno();
		jr.path = TAKE_PTR(path);
	}
	/* One write per record; a short one would leave a torn line behind. */
	do
		n = writev(jr.fd, iov, 2);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len + 1)
		return n < 0 ? negative_errno() : -EIO;
	jr.bytes += len + 1;
	return 0;
}

int store_note(const char *dir, struct plan *p, struct err *e)
{
	_cleanup_free_ char *text = NULL;
	int r;

	p->generation++;
	r = encode(p, &text, e);
	if (r < 0) {
		p->generation--;
		return r;
	}
	if (journal_append(dir, p, text) == 0)
		return 0;
	/* Full, or the journal cannot take it: the entry itself is replaced (and the journal
	 * removed), as every write was before there was a journal. */
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
	/* The journal first: never one without its entry. */
	journal_drop(dir, id);
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

int store_temps_merge(const char *dir, char ***ids, size_t *n, struct err *e)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return errno == ENOENT
			   ? 0
			   : err_setc(e, CNI_ERR_IO, negative_errno(), "cannot read %s: %m", dir);
	while ((de = readdir(d))) {
		size_t idlen = temp_id_len(de->d_name);
		_cleanup_free_ char *id = NULL;
		bool seen = false;
		char **nids;

		if (!idlen)
			continue;
		id = strndup(de->d_name + 1, idlen);
		if (!id) {
			closedir(d);
			return -ENOMEM;
		}
		if (!name_is_cni_id(id))
			continue;
		for (size_t i = 0; i < *n && !seen; i++)
			seen = streq((*ids)[i], id);
		if (seen)
			continue;
		nids = realloc(*ids, (*n + 1) * sizeof(*nids));
		if (!nids) {
			closedir(d);
			return -ENOMEM;
		}
		*ids = nids;
		nids[(*n)++] = TAKE_PTR(id);
	}
	closedir(d);
	return 0;
}
