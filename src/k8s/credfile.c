// SPDX-License-Identifier: GPL-2.0-or-later
/* Credential files: bounded reads, bearer token files. */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "k8s/credfile.h"
#include "util/macro.h"

#define TOKEN_MAX (64 * 1024)

void k8s_wipe_free(char *p, size_t len)
{
	if (p)
		explicit_bzero(p, len);
	free(p);
}

/*
 * A token ends up in an HTTP header: surrounding white space is dropped (a trailing newline
 * is usual), anything else that is not printable is refused. Never quote the contents.
 */
int k8s_token_read(const char *path, char **ret, const char **ret_why)
{
	_cleanup_free_ char *buf = NULL;
	size_t len, start = 0;
	int r;

	r = read_file_bounded(path, 0, TOKEN_MAX, &buf, &len);
	if (r < 0) {
		*ret_why = read_file_strerror(r);
		return r;
	}
	while (len > 0 && strchr(" \t\r\n", buf[len - 1]))
		buf[--len] = '\0';
	while (start < len && strchr(" \t\r\n", buf[start]))
		start++;
	for (size_t i = start; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch < 0x20 || ch == 0x7f) {
			explicit_bzero(buf, len);
			*ret_why = "token contains control characters";
			return -EINVAL;
		}
	}
	if (start == len) {
		*ret_why = "token file is empty";
		return -EINVAL;
	}
	if (start > 0)
		memmove(buf, buf + start, len - start + 1);
	*ret = TAKE_PTR(buf);
	return 0;
}
