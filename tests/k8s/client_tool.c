// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A tiny driver over the k8s client, for tests/k8s/test_client.sh:
 *   client_tool KUBECONFIG TIMEOUT_MS CALL [CALL...]
 *   CALL: get-pod NS NAME | get-nad NS NAME | patch NS NAME JSON
 * All calls share one client (one connection, one time budget). Each call prints its JSON
 * reply or "error: ERRNO-NAME message" on stdout; the request and connection counts go to
 * stderr. Exit 0 when every call succeeded, 1 otherwise, 2 on bad usage.
 */
#include <stdio.h>
#include <string.h>

#include "k8s/client.h"

static const char *errname(int r)
{
	const char *n = strerrorname_np(-r);

	return n ? n : "E?";
}

int main(int argc, char **argv)
{
	_cleanup_(k8s_config_freep) struct k8s_config *cfg = NULL;
	_cleanup_(k8s_client_freep) struct k8s_client *c = NULL;
	struct err e = { 0 };
	char *end;
	long timeout;
	int r, i, failed = 0;

	if (argc < 4) {
		fprintf(stderr,
			"usage: %s KUBECONFIG TIMEOUT_MS get-pod NS NAME | get-nad NS NAME "
			"| patch NS NAME JSON ...\n",
			argv[0]);
		return 2;
	}
	timeout = strtol(argv[2], &end, 10);
	if (*end || timeout <= 0) {
		fprintf(stderr, "bad TIMEOUT_MS\n");
		return 2;
	}
	if (streq(argv[1], "in-cluster"))
		r = k8s_config_in_cluster(NULL, NULL, &cfg, &e);
	else
		r = k8s_config_load(argv[1], &cfg, &e);
	if (r >= 0)
		r = k8s_client_new(cfg, timeout, &c, &e);
	if (r < 0) {
		printf("error: %s %s\n", errname(r), e.msg);
		return 1;
	}
	for (i = 3; i < argc;) {
		json_auto_t *obj = NULL;
		int need = streq(argv[i], "patch") ? 4 : 3;

		if (i + need > argc) {
			fprintf(stderr, "%s: missing arguments\n", argv[i]);
			return 2;
		}
		err_clear(&e);
		if (streq(argv[i], "get-pod")) {
			r = k8s_get_pod(c, argv[i + 1], argv[i + 2], &obj, &e);
		} else if (streq(argv[i], "get-nad")) {
			r = k8s_get_nad(c, argv[i + 1], argv[i + 2], &obj, &e);
		} else if (streq(argv[i], "patch")) {
			json_auto_t *ann = NULL;
			json_error_t jerr;

			ann = json_loads(argv[i + 3], 0, &jerr);
			if (!ann) {
				fprintf(stderr, "patch: bad JSON: %s\n", jerr.text);
				return 2;
			}
			r = k8s_patch_pod_annotations(c, argv[i + 1], argv[i + 2], ann, &e);
		} else {
			fprintf(stderr, "unknown call %s\n", argv[i]);
			return 2;
		}
		if (r < 0) {
			printf("error: %s %s\n", errname(r), e.msg);
			failed = 1;
		} else if (obj) {
			_cleanup_free_ char *s = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);

			printf("%s\n", s ? s : "null");
		} else {
			printf("ok\n");
		}
		i += need;
	}
	fprintf(stderr, "requests=%u connections=%u\n", k8s_client_requests(c),
		k8s_client_connections(c));
	return failed;
}
