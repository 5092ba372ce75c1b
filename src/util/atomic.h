/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Atomic file replacement. The new contents go into a temporary file that is created
 * exclusively (mkostemp: O_CREAT|O_EXCL under a fresh random name) in the target's own
 * directory, then renamed over the target. Whatever someone planted under a name we might
 * use (a symlink, a hard link to another file) is never opened, truncated or written.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum {
	ATOMIC_FSYNC = 1 << 0, /* fsync the new file before the rename */
	ATOMIC_FSYNC_DIR = 1 << 1, /* fsync the directory after the rename */
};

/*
 * Replaces `path` with what `fill` writes into the fd it is given (`fill` returns 0 or
 * -errno); the file gets exactly `mode`. The temporary file is `DIR/<tmp_prefix><base>.XXXXXX`
 * (tmp_prefix "." when NULL). 0 or -errno. On failure the temporary file is removed and
 * `path` is untouched, except when only the directory fsync failed (the rename was done).
 */
int atomic_write_fill(const char *path, const char *tmp_prefix, mode_t mode, unsigned flags,
		      int (*fill)(int fd, void *userdata), void *userdata);
/* The same with `len` bytes from `buf`. */
int atomic_write(const char *path, const char *tmp_prefix, mode_t mode, unsigned flags,
		 const void *buf, size_t len);

/*
 * atomic_write in two steps, for a caller that has something to do while the file system
 * makes the new file durable: atomic_stage writes the temporary file (every error a full or
 * read-only directory gives shows here), atomic_commit syncs it as `flags` say and renames
 * it over the target, atomic_abort removes it. Either of the two ends the staged file; both
 * are no-ops on one that was never staged or has ended. 0 or -errno.
 */
struct atomic_file {
	int fd;
	unsigned flags;
	char *tmp, *path;
};
#define ATOMIC_FILE_NULL ((struct atomic_file){ .fd = -1 })
int atomic_stage(const char *path, const char *tmp_prefix, mode_t mode, unsigned flags,
		 const void *buf, size_t len, struct atomic_file *ret);
int atomic_commit(struct atomic_file *f);
void atomic_abort(struct atomic_file *f);
static inline bool atomic_staged(const struct atomic_file *f)
{
	return f->tmp != NULL;
}
