// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the node-local cache protocol. Input bytes are one line as the daemon reads a
 * request and as the plugin reads an answer (to each op); whatever parses must encode again
 * to a single line that parses the same way.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "k8s/cache_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct cache_req q, q2;
	struct err e = { 0 };

	if (cache_req_parse(line, size, &q, &e) == 0) {
		char *out = NULL;
		size_t len;

		if (q.op < CACHE_OP_POD || q.op > CACHE_OP_EVENTS || !q.ns)
			__builtin_trap();
		if (cache_line_encode(q.root, &out, &len) == 0) {
			if (memchr(out, '\n', len - 1) || cache_req_parse(out, len, &q2, &e) < 0 ||
			    q2.op != q.op)
				__builtin_trap();
			cache_req_done(&q2);
			free(out);
		}
		cache_req_done(&q);
	} else if (strlen(e.msg) >= sizeof(e.msg)) {
		__builtin_trap();
	}
	for (enum cache_op op = CACHE_OP_POD; op <= CACHE_OP_EVENTS; op++) {
		json_t *got = NULL;
		int r = cache_resp_parse(line, size, op, &got, &e);

		if (r == 0 && (op == CACHE_OP_POD || op == CACHE_OP_NADS) && !json_is_object(got))
			__builtin_trap();
		if (r < 0 && got)
			__builtin_trap();
		for (const char *p = e.msg; r < 0 && *p; p++)
			if ((unsigned char)*p < 0x20)
				__builtin_trap();
		json_decref(got);
	}
	return 0;
}
