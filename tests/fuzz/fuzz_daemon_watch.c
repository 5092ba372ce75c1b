// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: what `multus daemon` reads from the API server into its cache, the body of a LIST
 * and the byte stream of a WATCH, through the code that handles them (api.c's xfer_feed, which
 * splits a stream into lines, and watch.c's event and list handlers). Input: byte 0 picks the
 * resource (bit 0: pods or NADs) and the kind (bit 1: a LIST body or a WATCH stream), byte 1
 * the size of the stream's chunks (1 to 256), the rest is the server's bytes. Whatever comes,
 * the cache holds only "ns/name" keys of trimmed objects of that name, the resourceVersion
 * kept is digits only, and what is buffered never exceeds the transfer's bound.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon_int.h"
#include "k8s/cache_proto.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* dlog's lines ("an event that is not one") are not the fuzzer's output. */
	if (!freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

static void check_store(json_t *store, bool pods)
{
	const char *key;
	json_t *v;

	if (!json_is_object(store))
		__builtin_trap();
	json_object_foreach (store, key, v) {
		json_t *md = json_object_get(v, "metadata"), *ann, *x;
		const char *ns = json_string_value(json_object_get(md, "namespace"));
		const char *name = json_string_value(json_object_get(md, "name"));
		const char *k;
		size_t nl;

		if (!ns || !name)
			__builtin_trap();
		nl = strlen(ns);
		if (strncmp(key, ns, nl) != 0 || key[nl] != '/' || strcmp(key + nl + 1, name) != 0)
			__builtin_trap();
		/* Only what the plugin needs is kept. */
		json_object_foreach (md, k, x)
			if (strcmp(k, "namespace") && strcmp(k, "name") && strcmp(k, "uid") &&
			    strcmp(k, "resourceVersion") && strcmp(k, "annotations"))
				__builtin_trap();
		ann = json_object_get(md, "annotations");
		if (ann) {
			if (!json_is_object(ann))
				__builtin_trap();
			json_object_foreach (ann, k, x)
				if (!json_is_string(x))
					__builtin_trap();
		}
		if (pods && json_object_get(v, "spec"))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct daemon d;
	struct watch *w;
	struct xfer x;
	bool pods, list;
	size_t chunk;

	if (size < 2)
		return 0;
	pods = !(data[0] & 1);
	list = data[0] & 2;
	chunk = (size_t)data[1] + 1;
	data += 2;
	size -= 2;
	memset(&d, 0, sizeof(d));
	w = pods ? &d.pods : &d.nads;
	if (watch_init(w, pods ? "pods" : "nads", "/x", pods ? cache_trim_pod : cache_trim_nad) < 0)
		return 0;
	x = (struct xfer){ .d = &d, .ud = w, .max = 1 << 16 };
	if (list) {
		x.buf = malloc(size + 1);
		if (!x.buf)
			abort();
		memcpy(x.buf, data, size);
		x.buf[size] = '\0';
		x.len = x.size = size;
		watch_on_list(&x, 0, 200);
	} else {
		x.on_line = watch_on_line;
		for (size_t off = 0; off < size;) {
			size_t n = size - off < chunk ? size - off : chunk;

			if (xfer_feed(&x, (const char *)data + off, n) != n)
				break;
			if (x.len > x.max)
				__builtin_trap();
			off += n;
		}
	}
	check_store(w->store, pods);
	if (strspn(w->rv, "0123456789") != strlen(w->rv))
		__builtin_trap();
	free(x.buf);
	watch_done(w);
	return 0;
}
