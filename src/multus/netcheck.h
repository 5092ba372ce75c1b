/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's truth about an attachment, over one rtnetlink socket bound to the pod netns:
 * the planned name is free before a delegate runs and taken after it; links that appear
 * are owned by the attachment; misnamed ones are renamed; owned leftovers are swept on DEL.
 */
#pragma once

#include "multus/plan.h"
#include "netlink/nl.h"

struct link_snap {
	struct nl_link *links;
	size_t n;
};

/*
 * The pod's links. An ADD lists them once up front (link_snap_take: what the pod had, the
 * names the planner must not pick, the first delegate's "before") and then once after each
 * delegate (netcheck_after: what it made, the next delegate's "before").
 */
void link_snap_done(struct link_snap *s);
/* Lists the links into *ret (replacing what it held); code 101 when it cannot. */
int link_snap_take(struct nl_sock *nl, struct link_snap *ret, struct err *e);

/* Before a delegate's ADD: the planned name must be free among the links in `snap`. */
int netcheck_before(const struct attachment *a, const struct link_snap *snap, struct err *e);

/*
 * After the delegate: links that appeared since `snap` are owned by `a` (whatever the
 * delegate said). With `delegate_ok`: the planned name must exist now; a new link under the
 * name the result gives is renamed (down, rename, up) and the result fixed, its sandbox made
 * `netns` (the pod's, where the link is). `snap` is replaced by the links there now. Returns 1
 * when it renamed.
 */
int netcheck_after(struct nl_sock *nl, struct attachment *a, const char *netns,
		   struct link_snap *snap, bool delegate_ok, struct err *e);

/*
 * After attachment `by`'s delegate: the interfaces of the attachments before it
 * (p->att[0, upto)) must still be there in `snap`, under their names and indexes. A delegate
 * that moved, renamed or deleted another one's link left the pod unlike its results: code 103
 * naming both.
 */
int netcheck_kept(const struct plan *p, size_t upto, const struct attachment *by,
		  const struct link_snap *snap, struct err *e);

/* Deletes the owned links of `a` that still exist: same index and name, or with `by_index`
 * (a rollback, in the netns the ADD has open) same index under any name. Returns how many. */
int netcheck_sweep(struct nl_sock *nl, struct attachment *a, bool by_index, struct err *e);

/* lo up, then the default-route requests of the plan. */
int netcheck_finish(struct nl_sock *nl, struct plan *p, struct err *e);

/* Every way the attachment differs from its record (link, up, MAC, addresses, routes,
 * default route), appended to `problems` as strings. 1 when any, 0 when none, -errno. */
int netcheck_problems(struct nl_sock *nl, const struct attachment *a, json_t *problems,
		      struct err *e);

/* CHECK / --verify: the link exists, is up, has the result's addresses (and MAC). Returns 0
 * when all is well, else -errno with what differs in e. */
int netcheck_attachment(struct nl_sock *nl, const struct attachment *a, struct err *e);
