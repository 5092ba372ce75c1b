// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The log file and its rotation (netconf logOptions), as upstream's lumberjack names and
 * keeps backups, made safe for many multus processes writing one file at once.
 *
 * How no line is lost or split:
 * - Every line is one write() on an O_APPEND fd. The kernel appends it whole at the end of
 *   whatever file the fd names; lines of concurrent writers never interleave.
 * - NAME.lock beside the log holds two OFD byte-range locks (fcntl F_OFD_*: owned by the open
 *   file, so they work between processes and nothing else in the process can drop them):
 *   byte 0, the file lock: shared for each write, exclusive to rotate;
 *   byte 1, the mill lock: exclusive while backups are compressed or removed.
 * - Holding the file lock shared, a writer stat()s the path and compares it with its fd;
 *   when another process has rotated, the inode differs and the writer re-opens the path
 *   before it writes. The rotation's rename() happens under the exclusive lock, after every
 *   write under way has finished; a write after it goes to the new file. So a renamed file
 *   is never written again: what was written before the rename is in the backup, what comes
 *   after is in the new file, and no line lands in a backup that is being compressed.
 * - Rotating: when the line would take a non-empty file past maxSize, the writer drops its
 *   shared lock, takes the exclusive one and looks again (someone else may have rotated in
 *   between). If it still must, it renames the file to NAME-2006-01-02T15-04-05.000.EXT
 *   (UTC; a millisecond later while that name or its .gz exists, and with RENAME_NOREPLACE,
 *   so two rotations in one millisecond never overwrite a backup), creates the new file,
 *   writes its line there and drops the lock.
 * - Then, holding only the mill lock, so that writers are not held up by gzip, it sorts the
 *   backups out: beyond maxBackups or older than maxAge (by the time in the name) they are
 *   removed, the others are compressed to NAME-...EXT.gz (written as .gz.tmp, then renamed,
 *   then the original removed: a .gz is always whole).
 * - Lines written at the same time as the one that fills the file may take it past maxSize
 *   by about one line per concurrent writer.
 * - Waits are bounded: a CNI call must not hang on a stopped process that holds a lock. A
 *   writer that cannot have the file lock in time stops locking for the rest of its life:
 *   it still re-opens when the inode changed and writes, but does not rotate.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "multus/log.h"
#include "multus/logrotate.h"

#define LOCK_FILE_BYTE 0
#define LOCK_MILL_BYTE 1
#define FILE_LOCK_WAIT_MS 2000
#define MILL_LOCK_WAIT_MS 10000
#define TS_LEN 23 /* 2006-01-02T15-04-05.000 */

static struct {
	char *path;
	int fd;
	dev_t dev;
	ino_t ino;
	int lock_fd; /* -1: not opened yet */
	bool no_lock; /* no lock file, or a wait ran out: plain appends from now on */
	struct log_rotate rot;
} lf = { .fd = -1, .lock_fd = -1 };

/* The file name's parts as lumberjack splits them: dir/ PREFIX EXT, EXT from the last dot. */
static void split_name(const char *path, size_t *dir_len, const char **base, size_t *prefix_len,
		       const char **ext)
{
	const char *slash = strrchr(path, '/'), *dot;

	*base = slash ? slash + 1 : path;
	*dir_len = (size_t)(*base - path);
	dot = strrchr(*base, '.');
	*ext = dot ? dot : *base + strlen(*base);
	*prefix_len = (size_t)(*ext - *base);
}

char *log_backup_name(const char *path, long long unix_ms)
{
	size_t dir_len, prefix_len;
	const char *base, *ext;
	time_t s = (time_t)(unix_ms / 1000);
	char ts[32], *out;
	struct tm tm;

	if (unix_ms < 0 || !gmtime_r(&s, &tm))
		return NULL;
	split_name(path, &dir_len, &base, &prefix_len, &ext);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H-%M-%S", &tm);
	if (asprintf(&out, "%.*s%.*s-%s.%03d%s", (int)dir_len, path, (int)prefix_len, base, ts,
		     (int)(unix_ms % 1000), ext) < 0)
		return NULL;
	return out;
}

static int digits(const char *s, size_t n, int *ret)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return 0;
}

int log_backup_parse(const char *path, const char *entry, long long *ret_ms, bool *ret_gz)
{
	size_t dir_len, prefix_len, ext_len, len = strlen(entry);
	const char *base, *ext, *ts, *rest;
	int ms, year, mon, day, hour, min, sec;
	struct tm tm = { 0 };
	time_t t;

	split_name(path, &dir_len, &base, &prefix_len, &ext);
	ext_len = strlen(ext);
	if (len < prefix_len + 1 + TS_LEN + ext_len || strncmp(entry, base, prefix_len) != 0 ||
	    entry[prefix_len] != '-')
		return 0;
	ts = entry + prefix_len + 1;
	rest = ts + TS_LEN;
	if (strncmp(rest, ext, ext_len) != 0 || (rest[ext_len] && !streq(rest + ext_len, ".gz")))
		return 0;
	if (ts[4] != '-' || ts[7] != '-' || ts[10] != 'T' || ts[13] != '-' || ts[16] != '-' ||
	    ts[19] != '.' || digits(ts, 4, &year) < 0 || digits(ts + 5, 2, &mon) < 0 ||
	    digits(ts + 8, 2, &day) < 0 || digits(ts + 11, 2, &hour) < 0 ||
	    digits(ts + 14, 2, &min) < 0 || digits(ts + 17, 2, &sec) < 0 ||
	    digits(ts + 20, 3, &ms) < 0)
		return 0;
	if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 ||
	    sec > 60)
		return 0;
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return 0;
	if (ret_ms)
		*ret_ms = (long long)t * 1000 + ms;
	if (ret_gz)
		*ret_gz = rest[ext_len] != '\0';
	return 1;
}

/* ---- locks ------------------------------------------------------------------------------ */

static int lock_byte(short type, off_t byte, long wait_ms)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1 };
	struct timespec step = { 0, 50000 };
	long waited_us = 0;

	for (;;) {
		if (fcntl(lf.lock_fd, F_OFD_SETLK, &fl) == 0)
			return 0;
		if (errno != EAGAIN && errno != EACCES && errno != EINTR)
			return negative_errno();
		if (waited_us >= wait_ms * 1000)
			return -ETIMEDOUT;
		nanosleep(&step, NULL);
		waited_us += step.tv_nsec / 1000;
		if (step.tv_nsec < 5000000)
			step.tv_nsec *= 2;
	}
}

static void unlock_byte(off_t byte)
{
	struct flock fl = { .l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1 };

	(void)fcntl(lf.lock_fd, F_OFD_SETLK, &fl);
}

/* The file lock, shared or exclusive; false when writing goes on without it. */
static bool file_lock(short type)
{
	if (lf.no_lock)
		return false;
	if (lf.lock_fd < 0) {
		_cleanup_free_ char *name = NULL;

		if (asprintf(&name, "%s.lock", lf.path) < 0) {
			name = NULL;
			lf.no_lock = true;
			return false;
		}
		lf.lock_fd = open(name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
		if (lf.lock_fd < 0) {
			lf.no_lock = true;
			return false;
		}
	}
	if (lock_byte(type, LOCK_FILE_BYTE, FILE_LOCK_WAIT_MS) < 0) {
		lf.no_lock = true;
		return false;
	}
	return true;
}

/* ---- the file --------------------------------------------------------------------------- */

static int file_reopen(off_t *ret_size)
{
	int fd = open(lf.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	struct stat st;

	if (fd < 0)
		return negative_errno();
	if (fstat(fd, &st) < 0) {
		int r = negative_errno();

		close(fd);
		return r;
	}
	if (lf.fd >= 0)
		close(lf.fd);
	lf.fd = fd;
	lf.dev = st.st_dev;
	lf.ino = st.st_ino;
	if (ret_size)
		*ret_size = st.st_size;
	return 0;
}

/* Makes lf.fd the file the path names now (another process may have rotated it away). */
static int file_current(off_t *ret_size)
{
	struct stat st;

	if (lf.fd >= 0 && stat(lf.path, &st) == 0 && st.st_dev == lf.dev && st.st_ino == lf.ino) {
		*ret_size = st.st_size;
		return 0;
	}
	return file_reopen(ret_size);
}

static DIR *open_log_dir(void)
{
	size_t dir_len, prefix_len;
	_cleanup_free_ char *dir = NULL;
	const char *base, *ext;

	split_name(lf.path, &dir_len, &base, &prefix_len, &ext);
	dir = dir_len ? strndup(lf.path, dir_len) : strdup(".");
	return dir ? opendir(dir) : NULL;
}

/* The time of the newest backup, or -1. */
static long long newest_backup_ms(void)
{
	DIR *d = open_log_dir();
	long long newest = -1, ms;
	struct dirent *de;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (log_backup_parse(lf.path, de->d_name, &ms, NULL) == 1 && ms > newest)
			newest = ms;
	closedir(d);
	return newest;
}

/*
 * Under the exclusive file lock: the file becomes a backup, a new one is created. The
 * backup's time is now, or just after the newest backup's when that is not earlier: the
 * newest backup must sort newest, or maxBackups would remove it (many rotations in one
 * millisecond, the clock set back).
 */
static int rotate(void)
{
	struct timespec now;
	long long ms, newest = newest_backup_ms();

	clock_gettime(CLOCK_REALTIME, &now);
	ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	if (newest >= ms)
		ms = newest + 1;
	for (int i = 0; i < 1000; i++, ms++) {
		_cleanup_free_ char *b = log_backup_name(lf.path, ms), *gz = NULL;

		if (!b)
			return -ENOMEM;
		if (asprintf(&gz, "%s.gz", b) < 0) {
			gz = NULL;
			return -ENOMEM;
		}
		if (access(gz, F_OK) == 0)
			continue;
		if (renameat2(AT_FDCWD, lf.path, AT_FDCWD, b, RENAME_NOREPLACE) == 0)
			return file_reopen(NULL);
		if (errno == EINVAL) {
			/* A file system without RENAME_NOREPLACE: link() refuses to replace too. */
			if (link(lf.path, b) == 0)
				return unlink(lf.path) < 0 ? negative_errno() : file_reopen(NULL);
		}
		if (errno != EEXIST)
			return negative_errno();
	}
	return -EEXIST;
}

/* ---- backups ---------------------------------------------------------------------------- */

struct backup {
	long long ms;
	bool plain, gz;
	char *name; /* without .gz */
};

static int backup_cmp(const void *a, const void *b)
{
	const struct backup *x = a, *y = b;

	return x->ms < y->ms ? 1 : x->ms > y->ms ? -1 : 0;
}

static int compress_file(int dfd, const char *name)
{
	_cleanup_free_ char *tmp = NULL, *gzname = NULL;
	_cleanup_close_ int in = -1, out = -1;
	char buf[65536];
	gzFile gz;
	ssize_t n;
	int r = 0;

	if (asprintf(&tmp, "%s.gz.tmp", name) < 0) {
		tmp = NULL;
		return -ENOMEM;
	}
	if (asprintf(&gzname, "%s.gz", name) < 0) {
		gzname = NULL;
		return -ENOMEM;
	}
	in = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (in < 0)
		return negative_errno();
	out = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
		     0600);
	if (out < 0)
		return negative_errno();
	/* gzclose() closes the fd it was given: a dup, so that ours can be fsync'd after. */
	gz = gzdopen(fcntl(out, F_DUPFD_CLOEXEC, 3), "wb");
	if (!gz)
		r = -ENOMEM;
	while (r == 0 && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = negative_errno();
		else if (gzwrite(gz, buf, (unsigned)n) != (int)n)
			r = -EIO;
	}
	if (gz && gzclose(gz) != Z_OK && r == 0)
		r = -EIO;
	if (r == 0 && fsync(out) < 0)
		r = negative_errno();
	if (r == 0 && renameat(dfd, tmp, dfd, gzname) < 0)
		r = negative_errno();
	if (r < 0) {
		(void)unlinkat(dfd, tmp, 0);
		return r;
	}
	return unlinkat(dfd, name, 0) < 0 ? negative_errno() : 0;
}

static int gather(DIR *d, struct backup **ret, size_t *ret_n)
{
	struct backup *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		long long ms;
		bool gz;

		if (len > 4 && streq(de->d_name + len - 4, ".tmp")) {
			/* A compression that died half-way; under the mill lock none is running. */
			_cleanup_free_ char *stem = strndup(de->d_name, len - 4);

			if (stem && log_backup_parse(lf.path, stem, NULL, &gz) == 1 && gz)
				(void)unlinkat(dirfd(d), de->d_name, 0);
			continue;
		}
		if (log_backup_parse(lf.path, de->d_name, &ms, &gz) != 1)
			continue;
		if (n == cap) {
			struct backup *nv = reallocarray(v, cap ? cap * 2 : 16, sizeof(*v));

			if (!nv)
				goto oom;
			v = nv;
			cap = cap ? cap * 2 : 16;
		}
		v[n] = (struct backup){ .ms = ms, .plain = !gz, .gz = gz };
		v[n].name = strndup(de->d_name, gz ? len - 3 : len);
		if (!v[n].name)
			goto oom;
		n++;
	}
	*ret = v;
	*ret_n = n;
	return 0;
oom:
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	return -ENOMEM;
}

static void remove_backup(int dfd, const struct backup *b)
{
	_cleanup_free_ char *gz = NULL;

	if (b->plain)
		(void)unlinkat(dfd, b->name, 0);
	if (!b->gz)
		return;
	if (asprintf(&gz, "%s.gz", b->name) < 0) {
		gz = NULL;
		return;
	}
	(void)unlinkat(dfd, gz, 0);
}

static void mill_locked(void)
{
	struct backup *v = NULL;
	size_t n = 0, kept = 0;
	struct timespec now;
	long long now_ms;
	DIR *d = open_log_dir();

	if (!d)
		return;
	if (gather(d, &v, &n) < 0) {
		closedir(d);
		return;
	}
	qsort(v, n, sizeof(*v), backup_cmp);
	/* The same backup plain and .gz (a compression that did not get to remove the original):
	 * one backup. Equal times are equal names. */
	for (size_t i = 0; i + 1 < n; i++)
		if (v[i].ms == v[i + 1].ms) {
			v[i + 1].plain |= v[i].plain;
			v[i + 1].gz |= v[i].gz;
			v[i].plain = v[i].gz = false;
		}
	clock_gettime(CLOCK_REALTIME, &now);
	now_ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	for (size_t i = 0; i < n; i++) {
		struct backup *b = &v[i];
		bool old = lf.rot.max_age_days &&
			   b->ms < now_ms - (long long)lf.rot.max_age_days * 86400000LL;

		if (!b->plain && !b->gz)
			continue;
		if (old || (lf.rot.max_backups && kept >= lf.rot.max_backups)) {
			remove_backup(dirfd(d), b);
			continue;
		}
		kept++;
		if (b->plain && b->gz)
			(void)unlinkat(dirfd(d), b->name, 0); /* the .gz is whole */
		else if (b->plain && lf.rot.compress)
			(void)compress_file(dirfd(d), b->name);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	closedir(d);
}

static void mill(void)
{
	if (lf.lock_fd < 0 || lock_byte(F_WRLCK, LOCK_MILL_BYTE, MILL_LOCK_WAIT_MS) < 0)
		return; /* the next rotation's mill sorts it out */
	mill_locked();
	unlock_byte(LOCK_MILL_BYTE);
}

/* ---- the log module's side --------------------------------------------------------------- */

void log_set_rotate(const struct log_rotate *rot)
{
	lf.rot = rot ? *rot : (struct log_rotate){ 0 };
}

/* The directories above `path`, 0755, as lumberjack makes them for upstream's logFile. */
static int parents_make(const char *path)
{
	_cleanup_free_ char *d = strdup(path);

	if (!d)
		return -ENOMEM;
	for (char *p = strchr(d + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(d, 0755) < 0 && errno != EEXIST)
			return negative_errno();
		*p = '/';
	}
	return 0;
}

int logfile_open(const char *path)
{
	int r;

	logfile_close();
	lf.path = strdup(path);
	if (!lf.path)
		return -ENOMEM;
	r = file_reopen(NULL);
	if (r == -ENOENT && parents_make(path) == 0)
		r = file_reopen(NULL);
	return r;
}

void logfile_close(void)
{
	if (lf.fd >= 0)
		close(lf.fd);
	if (lf.lock_fd >= 0)
		close(lf.lock_fd);
	free(lf.path);
	lf.path = NULL;
	lf.fd = lf.lock_fd = -1;
	lf.no_lock = false;
}

bool logfile_active(void)
{
	return lf.fd >= 0;
}

void logfile_write(const char *line, size_t n)
{
	bool locked, rotated = false;
	off_t size = 0;

	if (lf.fd < 0)
		return;
	if (lf.rot.max_bytes) {
		locked = file_lock(F_RDLCK);
		if (file_current(&size) == 0 && locked && size > 0 &&
		    (unsigned long long)size + n > lf.rot.max_bytes) {
			unlock_byte(LOCK_FILE_BYTE);
			locked = file_lock(F_WRLCK);
			if (file_current(&size) == 0 && locked && size > 0 &&
			    (unsigned long long)size + n > lf.rot.max_bytes)
				rotated = rotate() == 0;
		}
	} else {
		locked = false;
	}
	if (write(lf.fd, line, n) < 0) {
		/* nothing sensible to do */
	}
	if (locked)
		unlock_byte(LOCK_FILE_BYTE);
	if (rotated)
		mill();
}
