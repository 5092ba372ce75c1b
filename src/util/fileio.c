// SPDX-License-Identifier: GPL-2.0-or-later
/* Bounded reads of files that come from outside (tokens, kubeconfigs, store entries). */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fileio.h"
#include "util/macro.h"

/* Reads a regular file of at most `max` bytes; the result is NUL-terminated. */
int read_file_bounded(const char *path, int flags, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, size;
	struct stat st;

	/* O_NONBLOCK: a FIFO must not hang us; it is refused below as not regular. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | flags);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((uint64_t)st.st_size > max)
		return -EFBIG;
	size = (size_t)st.st_size + 1;
	buf = malloc(size + 1);
	if (!buf)
		return -ENOMEM;
	/* The file may grow while we read: read until EOF, never past max. */
	for (;;) {
		ssize_t n;

		if (len == size) {
			char *nb;

			if (size > max)
				return -EFBIG;
			size = size * 2 > max + 1 ? max + 1 : size * 2;
			nb = realloc(buf, size + 1);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max)
		return -EFBIG;
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

const char *read_file_strerror(int r)
{
	if (r == -EFBIG)
		return "file too large";
	if (r == -EINVAL)
		return "not a regular file";
	return strerror(-r);
}
