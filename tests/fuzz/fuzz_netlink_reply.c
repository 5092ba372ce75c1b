// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A datagram "from the kernel": every message goes through each rtnetlink parser and the
 * nftables generation parser, and the whole datagram through the reply state machine as a
 * dump, as a request and as the acks of a batch. The input is copied into a heap buffer of
 * exactly its size, so ASan sees any read past the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netlink/nft_int.h"
#include "netlink/rtnl.h"
#include "util/inet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sink;

static int parse_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_link l;
	int r;

	r = nl_parse_link(nlh, &l);
	if (r > 0)
		sink += l.index + (int)strlen(l.name) + (int)strlen(l.kind);
	return r < 0 ? r : 0;
}

static void parse_each(const uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (off < len && nl_msg_ok((const struct nlmsghdr *)(buf + off), len - off)) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)(buf + off);
		char text[NL_EXTACK_MAX], a[64];
		struct nl_link l;
		struct nl_addr ad;
		struct nl_route rt;
		uint32_t gen;
		int error;

		if (nl_parse_link(nlh, &l) > 0)
			sink += l.index + (int)l.mac_len + (int)strlen(l.name);
		if (nl_parse_addr(nlh, &ad) > 0 && ip_addr_fmt(ad.family, ad.addr, a, sizeof(a)))
			sink += (int)strlen(a);
		if (nl_parse_route(nlh, &rt) > 0 && ip_addr_fmt(rt.family, rt.gw, a, sizeof(a)))
			sink += (int)strlen(a) + rt.dst_len;
		if (nl_parse_error(nlh, &error, text, sizeof(text)) == 0)
			sink += error + (int)strlen(text);
		if (nft_parse_gen(nlh, &gen) > 0)
			sink += (int)gen;
		off += MNL_ALIGN(nlh->nlmsg_len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nl_reply rep = { .cb = parse_cb };
	struct nl_cmd cmds[4];
	const struct nlmsghdr *first;
	uint8_t *buf;

	if (size > NL_RECV_MAX)
		return 0;
	/* malloc is aligned for nlmsghdr; an empty input still gets a distinct pointer */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	first = (const struct nlmsghdr *)buf;
	parse_each(buf, size);

	/* Reply to whatever the first message claims to answer. */
	if (size >= sizeof(*first)) {
		rep.seq = first->nlmsg_seq;
		rep.portid = first->nlmsg_pid;
	}
	if (nl_reply_feed(&rep, buf, size) >= 0)
		sink += rep.error + rep.intr + (int)strlen(rep.extack);
	memset(&rep, 0, sizeof(rep));
	if (size >= sizeof(*first)) {
		rep.seq = first->nlmsg_seq;
		rep.portid = first->nlmsg_pid;
	}
	if (nl_reply_feed(&rep, buf, size) >= 0)
		sink += rep.error; /* the same without a callback: a plain ack */
	/* As the acks of a batch whose begin had that seq and whose four commands follow it. */
	memset(&rep, 0, sizeof(rep));
	if (size >= sizeof(*first)) {
		rep.seq = first->nlmsg_seq;
		rep.portid = first->nlmsg_pid;
	}
	for (size_t i = 0; i < ELEMENTSOF(cmds); i++)
		cmds[i] = (struct nl_cmd){ .seq = rep.seq + 1 + (uint32_t)i };
	rep.cmds = cmds;
	rep.n_cmds = ELEMENTSOF(cmds);
	if (nl_reply_feed(&rep, buf, size) >= 0)
		sink += rep.error + (int)rep.n_acked + (int)rep.error_seq + cmds[0].error;
	free(buf);
	return 0;
}
