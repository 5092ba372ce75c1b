// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A tiny driver over the kubelet device lookup, for tests/k8s/test_kubelet.sh:
 *   kubelet_tool SOCKET CHECKPOINT NS NAME UID TIMEOUT_MS
 * Prints the devices object on stdout and where it came from on stderr, or
 * "error: ERRNO-NAME message" on stdout. Exit 0 on success, 1 on error, 2 on bad usage.
 */
#include <stdio.h>
#include <string.h>

#include "k8s/kubelet.h"

int main(int argc, char **argv)
{
	struct k8s_pod_ref pod;
	json_t *devices = NULL;
	const char *source = NULL;
	struct err e = { 0 };
	char *end, *text;
	long timeout;
	int r;

	if (argc != 7) {
		fprintf(stderr, "usage: %s SOCKET CHECKPOINT NS NAME UID TIMEOUT_MS\n", argv[0]);
		return 2;
	}
	timeout = strtol(argv[6], &end, 10);
	if (*end || timeout <= 0) {
		fprintf(stderr, "bad TIMEOUT_MS\n");
		return 2;
	}
	pod = (struct k8s_pod_ref){ argv[3], argv[4], argv[5] };
	r = k8s_kubelet_pod_devices(argv[1], argv[2], &pod, timeout, &devices, &source, &e);
	if (r < 0) {
		const char *n = strerrorname_np(-r);

		printf("error: %s %s\n", n ? n : "E?", e.msg);
		return 1;
	}
	text = json_dumps(devices, JSON_COMPACT);
	printf("%s\n", text ? text : "?");
	fprintf(stderr, "source: %s\n", source);
	free(text);
	json_decref(devices);
	return 0;
}
