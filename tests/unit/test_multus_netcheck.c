// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netcheck_kept: after a delegate, every earlier attachment's interface must still be in the
 * pod under its name and an index it owns; one moved away, renamed, deleted (or replaced by
 * another link of that name) is code 103 naming both networks. No netlink needed: the link
 * list is given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cni/cni.h"
#include "multus/netcheck.h"

static struct attachment *add_att(struct plan *p, const char *network, const char *ifname,
				  int index)
{
	struct attachment *a = plan_add(p);

	assert_non_null(a);
	a->network = strdup(network);
	a->ifname = strdup(ifname);
	assert_non_null(a->network);
	assert_non_null(a->ifname);
	a->state = ATT_ADDED;
	assert_int_equal(attachment_own_link(a, ifname, index), 0);
	return a;
}

/* The pod's links: lo (1), eth0 (3), net1 (5), with eth0 under `eth0_name`. */
static void snap_of(struct link_snap *s, struct nl_link *links, const char *eth0_name)
{
	memset(links, 0, 3 * sizeof(*links));
	links[0].index = 1;
	strcpy(links[0].name, "lo");
	links[1].index = 3;
	strcpy(links[1].name, eth0_name);
	links[2].index = 5;
	strcpy(links[2].name, "net1");
	s->links = links;
	s->n = 3;
}

static void test_kept(void **state)
{
	struct plan *p = calloc(1, sizeof(*p));
	struct nl_link links[3];
	struct link_snap s;
	struct err e = { 0 };

	(void)state;
	assert_non_null(p);
	add_att(p, "default/first", "eth0", 3);
	add_att(p, "default/second", "net1", 5);
	snap_of(&s, links, "eth0");
	assert_int_equal(netcheck_kept(p, 1, &p->att[1], &s, &e), 0);
	assert_int_equal(netcheck_kept(p, 0, &p->att[0], &s, &e), 0);

	/* Renamed. */
	snap_of(&s, links, "old0");
	assert_int_equal(netcheck_kept(p, 1, &p->att[1], &s, &e), -ENODEV);
	assert_int_equal(e.code, CNI_ERR_INTERFACE);
	assert_non_null(strstr(e.msg, "\"default/second\""));
	assert_non_null(strstr(e.msg, "\"eth0\" of network \"default/first\""));

	/* Gone (moved or deleted): only net1 is left where eth0 was. */
	memset(&e, 0, sizeof(e));
	snap_of(&s, links, "eth0");
	s.links = &links[2];
	s.n = 1;
	assert_int_equal(netcheck_kept(p, 1, &p->att[1], &s, &e), -ENODEV);

	/* Another link under its name: not the one it owns. */
	memset(&e, 0, sizeof(e));
	snap_of(&s, links, "eth0");
	links[1].index = 9;
	assert_int_equal(netcheck_kept(p, 1, &p->att[1], &s, &e), -ENODEV);

	/* An attachment that was never added completely is not asked about. */
	p->att[0].state = ATT_PLANNED;
	assert_int_equal(netcheck_kept(p, 1, &p->att[1], &s, &e), 0);
	plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
