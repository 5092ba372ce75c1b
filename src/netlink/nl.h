/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rtnetlink over libmnl: links, addresses, routes. One socket per namespace: open it in the
 * namespace (nl_open_in enters, opens, and comes straight back), then every call works on
 * that namespace from wherever the process is. Every request is acked, errors carry the
 * kernel's extended-ack text, dumps are multi-part and retried on NLM_F_DUMP_INTR.
 * Knows nothing of CNI or Kubernetes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct nl_sock;

int nl_open(struct nl_sock **ret, struct err *e);
int nl_open_in(int netns_fd, struct nl_sock **ret, struct err *e);
void nl_close(struct nl_sock *s);
void nl_closep(struct nl_sock **s);
#define _cleanup_nl_ _cleanup_(nl_closep)

#define NL_IFNAMSIZ 16
#define NL_MAX_HWADDR 32

struct nl_link {
	int index;
	char name[NL_IFNAMSIZ];
	unsigned flags; /* IFF_* from ifinfomsg */
	unsigned mtu;
	uint8_t mac[NL_MAX_HWADDR];
	size_t mac_len;
	int link_index; /* IFLA_LINK (a veth's peer, a macvlan's parent), 0 if none */
	int master; /* IFLA_MASTER, 0 if none */
	char kind[32]; /* IFLA_INFO_KIND ("veth", "bridge", "macvlan"), "" if none */
	bool link_netnsid_set; /* IFLA_LINK_NETNSID present: the peer/parent is elsewhere */
};

int nl_link_list(struct nl_sock *s, struct nl_link **ret, size_t *ret_n, struct err *e);
/* -ENODEV when there is no such link. */
int nl_link_get_by_name(struct nl_sock *s, const char *name, struct nl_link *ret, struct err *e);
int nl_link_get_by_index(struct nl_sock *s, int index, struct nl_link *ret, struct err *e);
int nl_link_set_up(struct nl_sock *s, int index, bool up, struct err *e);
int nl_link_rename(struct nl_sock *s, int index, const char *new_name, struct err *e);
int nl_link_delete(struct nl_sock *s, int index, struct err *e);

struct nl_addr {
	int family; /* AF_INET / AF_INET6 */
	int ifindex;
	uint8_t addr[16];
	uint8_t prefixlen;
	uint8_t scope;
};

/* family: AF_UNSPEC for both. */
int nl_addr_list(struct nl_sock *s, int family, struct nl_addr **ret, size_t *ret_n, struct err *e);

/* NLM_F_EXCL: -EEXIST when it is there already. */
int nl_addr_add(struct nl_sock *s, const struct nl_addr *a, struct err *e);

struct nl_route {
	int family;
	uint8_t dst[16];
	uint8_t dst_len; /* 0 with dst all zero: default route */
	uint8_t gw[16];
	bool has_gw;
	int oif;
	uint32_t table; /* RT_TABLE_MAIN when 0 on add */
	uint32_t priority; /* metric */
	uint8_t protocol; /* RTPROT_BOOT when 0 on add */
	uint8_t scope; /* RT_SCOPE_UNIVERSE */
	uint8_t type; /* RTN_UNICAST when 0 on add */
};

/* All routes of every table of that family (AF_UNSPEC: both); callers filter. */
int nl_route_list(struct nl_sock *s, int family, struct nl_route **ret, size_t *ret_n,
		  struct err *e);
int nl_route_add(struct nl_sock *s, const struct nl_route *r, struct err *e);
int nl_route_del(struct nl_sock *s, const struct nl_route *r, struct err *e);
