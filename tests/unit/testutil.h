/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers the unit tests share: scratch directories under /tmp and their removal without a
 * shell (nftw), small files written and read back.
 */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TU_SCRATCH_PREFIX "/tmp/multus-"

static inline int tu_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 ? -1 : 0;
	return unlink(path) < 0 ? -1 : 0;
}

/* Removes a scratch directory and everything in it (symlinks themselves, never what they
 * point at); only ever a /tmp/multus-* path. 0 or -1. */
static inline int tu_rm_rf(const char *dir)
{
	if (!dir || strncmp(dir, TU_SCRATCH_PREFIX, strlen(TU_SCRATCH_PREFIX)) != 0 ||
	    strstr(dir, ".."))
		return -1;
	return nftw(dir, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

/* A fresh /tmp/multus-<tag>.XXXXXX directory (malloc'd), or NULL. */
static inline char *tu_scratch(const char *tag)
{
	char *p = NULL;

	if (asprintf(&p, TU_SCRATCH_PREFIX "%s.XXXXXX", tag) < 0)
		return NULL;
	if (!mkdtemp(p)) {
		free(p);
		return NULL;
	}
	return p;
}

/* Writes dir/name with `text` and `mode`; the path (malloc'd), or NULL. */
static inline char *tu_write(const char *dir, const char *name, mode_t mode, const char *text)
{
	char *p = NULL;
	size_t len = strlen(text);
	int fd;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) < 0) {
		if (fd >= 0)
			close(fd);
		free(p);
		return NULL;
	}
	close(fd);
	return p;
}

/* The whole of a (small) file, NUL-terminated and malloc'd; NULL when it cannot be read. */
static inline char *tu_read(const char *path)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	do {
		if (len + 4097 > cap) {
			char *nb = realloc(buf, cap = len + 8192);

			if (!nb) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n > 0)
			len += (size_t)n;
	} while (n > 0 || (n < 0 && errno == EINTR));
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}
