// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cost of the verification around one delegate: netcheck_before (name free + snapshot)
 * and netcheck_after (diff, ownership, planned name present), on a socket bound to a pod
 * netns that already holds `links` links. Prints microseconds per attachment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "multus/netcheck.h"
#include "netns/netns.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	struct nl_sock *nl = NULL;
	struct err e = { 0 };
	int fd = -1, iters = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 2000;
	struct attachment a = { .network = (char *)"bench", .ifname = argv[2] };
	double t0, t1;

	if (argc < 3 || netns_open(argv[1], &fd, &e) < 0 || nl_open_in(fd, &nl, &e) < 0) {
		fprintf(stderr, "usage: bench_netcheck NETNS IFNAME [ITERS] (%s)\n", e.msg);
		return 2;
	}
	/* The planned link exists already: "before" is checked against a free name. */
	a.ifname = (char *)"free0";
	t0 = now_us();
	struct link_snap s = { 0 };

	/* As in ADD: one listing up front, then each attachment's "after" is the next one's
	 * "before". */
	if (link_snap_take(nl, &s, &e) < 0)
		return fprintf(stderr, "listing: %s\n", e.msg), 1;
	for (int i = 0; i < iters; i++) {
		if (netcheck_before(&a, &s, &e) < 0)
			return fprintf(stderr, "before: %s\n", e.msg), 1;
		a.ifname = argv[2];
		if (netcheck_after(nl, &a, argv[1], &s, true, &e) < 0)
			return fprintf(stderr, "after: %s\n", e.msg), 1;
		a.ifname = (char *)"free0";
	}
	link_snap_done(&s);
	t1 = now_us();
	printf("%.1f\n", (t1 - t0) / iters);
	free(a.links);
	nl_close(nl);
	close(fd);
	return 0;
}
