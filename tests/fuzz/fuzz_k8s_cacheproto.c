// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the node-local cache protocol. Input bytes are one line as the daemon reads a
 * request and as the plugin reads an answer (to each op, the pod answer's "ops" too); whatever
 * parses must encode again to a single line that parses the same way.
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

		if (q.op < CACHE_OP_POD || q.op > CACHE_OP_LAST || !q.ns)
			__builtin_trap();
		/* report: a pod's name and annotations, events (if any) at most CACHE_EVENTS_MAX */
		if (q.op == CACHE_OP_REPORT && (!q.name || !json_object_size(q.annotations) ||
						json_array_size(q.events) > CACHE_EVENTS_MAX))
			__builtin_trap();
		/* nadkeys, and a pod request's: every key splits into a namespace and a name */
		for (size_t i = 0; (q.op == CACHE_OP_NADKEYS || q.op == CACHE_OP_POD) &&
				   i < json_array_size(q.keys);
		     i++) {
			char ns[CACHE_NS_MAX];
			const char *name;

			if (cache_nad_key_split(json_string_value(json_array_get(q.keys, i)), ns,
						&name) < 0)
				__builtin_trap();
		}
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
	for (enum cache_op op = CACHE_OP_POD; op <= CACHE_OP_LAST; op++) {
		json_t *got = NULL;
		unsigned ops = 0;
		int r = cache_resp_parse(line, size, op, &got, &ops, &e);

		if (r == 0 && (op == CACHE_OP_POD || op == CACHE_OP_NADS) && !json_is_object(got))
			__builtin_trap();
		/* the ops of a pod answer: the base four at least, none past the last */
		if (r == 0 && op == CACHE_OP_POD &&
		    ((ops & CACHE_OPS_BASE) != CACHE_OPS_BASE || (ops >> (CACHE_OP_LAST + 1))))
			__builtin_trap();
		if (r < 0 && got)
			__builtin_trap();
		for (const char *p = e.msg; r < 0 && *p; p++)
			if ((unsigned char)*p < 0x20)
				__builtin_trap();
		json_decref(got);
	}
	/* A pod answer's NADs: an object whose keys split, beside an object pod; nothing on
	 * failure. */
	{
		json_t *pod = NULL, *nads = NULL, *v;
		const char *key;
		int r = cache_resp_parse_pod(line, size, &pod, &nads, NULL, &e);

		if ((r < 0 && (pod || nads)) || (r == 0 && !json_is_object(pod)) ||
		    (nads && !json_is_object(nads)))
			__builtin_trap();
		json_object_foreach (nads, key, v) {
			char ns[CACHE_NS_MAX];
			const char *name;

			if (cache_nad_key_split(key, ns, &name) < 0 || !json_is_object(v))
				__builtin_trap();
		}
		json_decref(pod);
		json_decref(nads);
	}
	return 0;
}
