/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/*
 * Reads the regular file `path`, at most `max` bytes, NUL-terminated (a FIFO does not hang
 * it: it is refused as not regular). -EFBIG when larger, -EINVAL when not a regular file,
 * else the open/read errno. `flags` are added to open()'s (O_NOFOLLOW, say).
 */
int read_file_bounded(const char *path, int flags, size_t max, char **ret, size_t *ret_len);
/* Text for an error of read_file_bounded(). */
const char *read_file_strerror(int r);
