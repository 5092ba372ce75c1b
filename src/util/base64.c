// SPDX-License-Identifier: GPL-2.0-or-later
/* Standard base64: kubeconfig's *-data fields, the Go plugins' store entries ([]byte). */
#include <stdint.h>
#include <string.h>

#include "util/base64.h"
#include "util/macro.h"

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

int base64_decode(const char *in, size_t len, char **ret, size_t *ret_len)
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

		if (in[i] && strchr(" \t\r\n", in[i]))
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
