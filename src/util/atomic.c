// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "util/atomic.h"
#include "util/macro.h"

struct buf {
	const char *p;
	size_t len;
};

static int fill_buf(int fd, void *userdata)
{
	struct buf *b = userdata;

	while (b->len) {
		ssize_t n = write(fd, b->p, b->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negative_errno();
		b->p += n;
		b->len -= (size_t)n;
	}
	return 0;
}

/* The temporary file for `path`, created and filled; what atomic_commit needs in *f. */
static int stage_fill(const char *path, const char *tmp_prefix, mode_t mode, unsigned flags,
		      int (*fill)(int fd, void *userdata), void *userdata, struct atomic_file *f)
{
	_cleanup_free_ char *dir = NULL, *tmp = NULL, *target = NULL;
	_cleanup_close_ int fd = -1;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	struct stat st;
	int r;

	*f = ATOMIC_FILE_NULL;
	if (!base[0])
		return -EISDIR;
	dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	target = strdup(path);
	if (!dir || !target ||
	    asprintf(&tmp, "%s/%s%s.XXXXXX", dir, tmp_prefix ? tmp_prefix : ".", base) < 0) {
		tmp = NULL;
		return -ENOMEM;
	}
	/* O_EXCL with a name of its own: never a file that was there before. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	r = fill(fd, userdata);
	/* mkostemp made it 0600 less the umask: most often already `mode` (the store's), and
	 * an fstat is half an fchmod, which dirties the inode (2.9 us against 1.5 on ext4). */
	if (r == 0 && (fstat(fd, &st) < 0 || (st.st_mode & 07777) != mode) && fchmod(fd, mode) < 0)
		r = negative_errno();
	if (r < 0) {
		(void)unlink(tmp);
		return r;
	}
	*f = (struct atomic_file){
		.fd = TAKE_FD(fd),
		.flags = flags,
		.tmp = TAKE_PTR(tmp),
		.path = TAKE_PTR(target),
	};
	return 0;
}

static void file_forget(struct atomic_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->tmp);
	free(f->path);
	*f = ATOMIC_FILE_NULL;
}

void atomic_abort(struct atomic_file *f)
{
	if (f->tmp)
		(void)unlink(f->tmp);
	file_forget(f);
}

int atomic_commit(struct atomic_file *f)
{
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int dfd = -1;
	int fd = f->fd, r = 0;

	if (!f->tmp)
		return 0;
	f->fd = -1;
	if ((f->flags & ATOMIC_FSYNC) && fsync(fd) < 0)
		r = negative_errno();
	/* close() reports the write errors some file systems (NFS) defer until then. */
	if (close(fd) < 0 && r == 0)
		r = negative_errno();
	if (r == 0 && rename(f->tmp, f->path) < 0)
		r = negative_errno();
	if (r < 0) {
		atomic_abort(f);
		return r;
	}
	if (f->flags & ATOMIC_FSYNC_DIR) {
		const char *slash = strrchr(f->path, '/');

		dir = slash ? strndup(f->path, slash == f->path ? 1 : (size_t)(slash - f->path))
			    : strdup(".");
		if (!dir)
			r = -ENOMEM;
		else if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
			 fsync(dfd) < 0)
			r = negative_errno();
	}
	file_forget(f);
	return r;
}

int atomic_write_fill(const char *path, const char *tmp_prefix, mode_t mode, unsigned flags,
		      int (*fill)(int fd, void *userdata), void *userdata)
{
	struct atomic_file f;
	int r = stage_fill(path, tmp_prefix, mode, flags, fill, userdata, &f);

	return r < 0 ? r : atomic_commit(&f);
}

int atomic_stage(const char *path, const char *tmp_prefix, mode_t mode, unsigned flags,
		 const void *buf, size_t len, struct atomic_file *ret)
{
	struct buf b = { buf, len };

	return stage_fill(path, tmp_prefix, mode, flags, fill_buf, &b, ret);
}

int atomic_write(const char *path, const char *tmp_prefix, mode_t mode, unsigned flags,
		 const void *buf, size_t len)
{
	struct buf b = { buf, len };

	return atomic_write_fill(path, tmp_prefix, mode, flags, fill_buf, &b);
}
