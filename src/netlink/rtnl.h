/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal to the netlink room: the socket of every bus (rtnetlink, nfnetlink), the reply
 * state machine, checked message building, attribute policies, and the pure message parsers
 * and builders. Exposed here so unit tests and the fuzz target can build messages, parse them
 * back and feed replies without root.
 */
#pragma once

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "netlink/nl.h"

/* Growing arrays of a dump stop here with -E2BIG instead of eating memory. */
#define NL_DUMP_MAX 65536
/* How often a dump is restarted when the kernel flags it NLM_F_DUMP_INTR. */
#define NL_DUMP_INTR_RETRIES 8
/* Largest datagram accepted from the kernel; larger ones are an error, never cut. */
#define NL_RECV_MAX (1u << 20)
/* Room for any request this room sends (header, fixed part, a few attributes). */
#define NL_REQ_SIZE 512
#define NL_EXTACK_MAX 256

struct nl_sock {
	struct mnl_socket *mnl;
	int bus; /* NETLINK_ROUTE, NETLINK_NETFILTER */
	uint32_t portid;
	uint32_t seq;
	uint8_t *buf;
	size_t buf_size;
};

/*
 * A socket on that netlink bus in the current netns: close-on-exec, NETLINK_EXT_ACK and
 * NETLINK_CAP_ACK (when the kernel has them), a receive timeout. nl_open() is the rtnetlink one.
 */
int nl_sock_open(int bus, struct nl_sock **ret, struct err *e);
/* Grows the socket's buffers (best effort) for a large batch and its acks. */
void nl_sock_room(struct nl_sock *s, size_t send, size_t receive);

/* Next sequence number of s; never 0, so a zeroed header never matches a reply. */
uint32_t nl_next_seq(struct nl_sock *s);

/*
 * Checked message building, for every message this room sends: size is the whole buffer's,
 * counted from the message's start. A put that does not fit fails with -EMSGSIZE and leaves
 * the message as it was; nothing is ever written past size.
 *
 * nl_msg_start: a zeroed header of that type and flags, and a zeroed fixed part of hdrlen
 * bytes (mnl_nlmsg_get_payload(*ret) points at it).
 */
int nl_msg_start(void *buf, size_t size, uint16_t type, uint16_t flags, size_t hdrlen,
		 struct nlmsghdr **ret);
int nl_put(struct nlmsghdr *nlh, size_t size, uint16_t type, size_t len, const void *data);
int nl_put_u32(struct nlmsghdr *nlh, size_t size, uint16_t type, uint32_t value);
int nl_put_strz(struct nlmsghdr *nlh, size_t size, uint16_t type, const char *s);

/*
 * Attribute policy, indexed by attribute type: the libmnl data type and, when non-zero,
 * the exact payload length. MNL_TYPE_UNSPEC entries (and types above maxtype) are ignored.
 */
struct nl_policy {
	uint8_t type;
	uint16_t len;
};

/*
 * Validates the attributes in [start, start + len) against policy and stores the last of
 * each known type in tb[0..maxtype] (zeroed first). -EBADMSG on a malformed attribute, one
 * that fails its policy, or trailing bytes that are no attribute.
 */
int nl_attr_table(const void *start, size_t len, const struct nl_policy *policy, uint16_t maxtype,
		  const struct nlattr **tb);
/* The same for the attributes of a message after a fixed header of hdrlen bytes. */
int nl_msg_attrs(const struct nlmsghdr *nlh, size_t hdrlen, const struct nl_policy *policy,
		 uint16_t maxtype, const struct nlattr **tb);

/*
 * NLMSG_ERROR or NLMSG_DONE: *ret_error is 0 (an ack, a clean end of dump) or the kernel's
 * -errno, ret_msg (may be NULL) the extended-ack text or "". Returns 0, or -EBADMSG when
 * the message is malformed (too short, error code out of range, bad TLVs).
 */
int nl_parse_error(const struct nlmsghdr *nlh, int *ret_error, char *ret_msg, size_t msg_len);

/*
 * RTM_NEWLINK / RTM_NEWADDR / RTM_NEWROUTE into the public structs. 1 filled, 0 a message
 * of a family this room does not represent (addr, route: only AF_INET and AF_INET6),
 * -EBADMSG malformed. *ret is written only when 1 is returned. nlh must be framed
 * (nl_msg_ok): the parsers trust nlmsg_len as the extent of the message.
 */
int nl_parse_link(const struct nlmsghdr *nlh, struct nl_link *ret);
int nl_parse_addr(const struct nlmsghdr *nlh, struct nl_addr *ret);
int nl_parse_route(const struct nlmsghdr *nlh, struct nl_route *ret);

/*
 * Builds RTM_NEWROUTE (with the add defaults of nl.h) or RTM_DELROUTE (table defaults to
 * main; protocol, type and scope 0 match any) for r into buf. -EINVAL on a bad family or
 * prefix length, -EMSGSIZE when buf is too small.
 */
int nl_build_route(void *buf, size_t size, uint16_t type, uint16_t flags, const struct nl_route *r,
		   struct nlmsghdr **ret);

/* Does a whole message start at nlh, with rem bytes left in the datagram? */
bool nl_msg_ok(const struct nlmsghdr *nlh, size_t rem);

/* Called for each data message (not NOOP/ERROR/DONE) of a reply with our seq. */
typedef int (*nl_msg_fn)(const struct nlmsghdr *nlh, void *data);

/* One command of a batch: its sequence number, and what its ack said. */
struct nl_cmd {
	uint32_t seq;
	bool acked;
	int error; /* the kernel's -errno for this command, 0 */
};

/*
 * The reply state machine, socket-free so it can be fed from tests. Messages of another port
 * are not ours. A request or dump (cmds NULL) reads the messages with its seq (others are
 * leftovers of an earlier request and skipped) to its ack or NLMSG_DONE. A batch (cmds set,
 * seq the batch begin's) reads one ack per command, matched by sequence number, or ends at an
 * error on the batch begin: the kernel refusing the whole batch (ERESTART for a stale
 * generation id). A callback error is kept and the reply still read to its end, so the socket
 * is left clean.
 */
struct nl_reply {
	uint32_t seq;
	uint32_t portid;
	nl_msg_fn cb;
	void *data;
	struct nl_cmd *cmds; /* batches: every command that asked for an ack */
	size_t n_cmds;
	/* results */
	size_t n_acked; /* batches: commands whose ack was seen */
	bool intr; /* some message carried NLM_F_DUMP_INTR */
	int error; /* the first error: the kernel's -errno, or the callback's */
	uint32_t error_seq; /* the sequence number of the message that error answers */
	bool from_kernel; /* error came from the kernel (extack is its text) */
	char extack[NL_EXTACK_MAX];
};

/*
 * Feeds one datagram. 1 when the reply is complete (ack or NLMSG_DONE seen; a batch: every
 * command acked, or the batch refused; see r->error), 0 when more datagrams are needed, -EBADMSG
 * when the datagram is malformed.
 */
int nl_reply_feed(struct nl_reply *r, const void *buf, size_t len);

/*
 * Sends nlh (seq and flags REQUEST|ACK set here) and reads to its ack; cb (may be NULL)
 * sees the data messages of the reply. e gets the kernel's error and extack text.
 */
int nl_request(struct nl_sock *s, struct nlmsghdr *nlh, nl_msg_fn cb, void *data, struct err *e);

/*
 * Sends the dump request nlh (seq and flags REQUEST|DUMP set here) and reads it to its end;
 * cb sees each data message. *ret_intr (may be NULL) tells whether the kernel flagged any of
 * them NLM_F_DUMP_INTR: the dump is then no snapshot.
 */
int nl_dump_each(struct nl_sock *s, struct nlmsghdr *nlh, nl_msg_fn cb, void *data, bool *ret_intr,
		 struct err *e);

/*
 * Sends a batch (buf, len: every message already built with its sequence number; rep->seq is
 * the batch begin's, rep->cmds[] the seq of each message that asked for an ack) and reads every
 * ack. 0 when every command was acked without error. Otherwise the first -errno, with
 * rep->error_seq naming the message it answers (a command, or rep->seq when the kernel refused
 * the batch as a whole), rep->extack its text, and each rep->cmds[].error filled.
 */
int nl_batch(struct nl_sock *s, const void *buf, size_t len, struct nl_reply *rep, struct err *e);

/*
 * Fills one item from a dump message: 1 filled, 0 skip, -errno error.
 */
typedef int (*nl_item_fn)(const struct nlmsghdr *nlh, void *item);

/*
 * Runs the dump request nlh (seq and flags REQUEST|DUMP set here), restarting it when
 * interrupted, and returns the items in a malloc'd array of item_size entries.
 */
int nl_dump(struct nl_sock *s, struct nlmsghdr *nlh, size_t item_size, nl_item_fn parse, void **ret,
	    size_t *ret_n, struct err *e);
