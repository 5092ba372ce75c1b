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

int atomic_write_fill(const char *path, const char *tmp_prefix, mode_t mode, unsigned flags,
		      int (*fill)(int fd, void *userdata), void *userdata)
{
	_cleanup_free_ char *dir = NULL, *tmp = NULL;
	_cleanup_close_ int fd = -1, dfd = -1;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	struct stat st;
	int r;

	if (!base[0])
		return -EISDIR;
	dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir ||
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
	if (r == 0 && (flags & ATOMIC_FSYNC) && fsync(fd) < 0)
		r = negative_errno();
	/* close() reports the write errors some file systems (NFS) defer until then. */
	if (r == 0 && close(TAKE_FD(fd)) < 0)
		r = negative_errno();
	if (r == 0 && rename(tmp, path) < 0)
		r = negative_errno();
	if (r < 0) {
		(void)unlink(tmp);
		return r;
	}
	if (!(flags & ATOMIC_FSYNC_DIR))
		return 0;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		return negative_errno();
	return 0;
}

int atomic_write(const char *path, const char *tmp_prefix, mode_t mode, unsigned flags,
		 const void *buf, size_t len)
{
	struct buf b = { buf, len };

	return atomic_write_fill(path, tmp_prefix, mode, flags, fill_buf, &b);
}
