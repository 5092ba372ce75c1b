// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: API server reply bodies. The first two bytes choose the HTTP status (100-999),
 * the rest is the body, as k8s_status_error() gets it; the body is also loaded the way the
 * client loads a 2xx reply.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "k8s/client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_auto_t *root = NULL;
	json_error_t jerr;
	struct err e = { 0 };
	long code;
	int r;

	if (size < 2)
		return 0;
	code = 100 + ((data[0] << 8) | data[1]) % 900;
	r = k8s_status_error(code, (const char *)data + 2, size - 2, &e);
	if (r >= 0 || strlen(e.msg) >= sizeof(e.msg))
		__builtin_trap();
	/* Messages end up in CNI JSON: printable ASCII only. */
	for (const char *p = e.msg; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			__builtin_trap();
	root = json_loadb((const char *)data + 2, size - 2, 0, &jerr);
	return 0;
}
