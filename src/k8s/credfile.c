// SPDX-License-Identifier: GPL-2.0-or-later
/* Credential files: bounded reads, bearer token files, base64 (kubeconfig's *-data fields). */
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

static int b64_value(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* Standard base64; white space (YAML folds long lines) is skipped, padding optional. */
int k8s_base64_decode(const char *in, size_t len, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *out = NULL;
	size_t n = 0, sextets = 0, pad = 0;
	uint32_t acc = 0;
	int bits = 0;

	out = malloc(len / 4 * 3 + 4);
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		int v;

		if (strchr(" \t\r\n", in[i]))
			continue;
		if (in[i] == '=') {
			pad++;
			continue;
		}
		v = b64_value(in[i]);
		if (v < 0 || pad > 0)
			return -EINVAL;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		sextets++;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (sextets % 4 == 1 || pad > 2 || (pad > 0 && (sextets + pad) % 4 != 0) || n == 0)
		return -EINVAL;
	out[n] = '\0';
	*ret = TAKE_PTR(out);
	*ret_len = n;
	return 0;
}
