// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The nftables sweep's socket side: the rule listing (restarted when interrupted), the delete
 * batch with every ack read and mapped back to its command, and the public functions. What the
 * listing means and what goes is decided in nft_scan.c.
 */
#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>

#include "netlink/nft.h"
#include "netlink/nft_int.h"

/* Listings restarted when a concurrent change interrupts the dump (NLM_F_DUMP_INTR). */
#define NFT_WALK_ATTEMPTS 8
_Static_assert(5000000L << (NFT_WALK_ATTEMPTS - 2) < 1000000000L, "backoff fits in tv_nsec");
/* Batches retried after losing a race (a rule already gone, a chain newly referenced). */
#define NFT_SWEEP_ATTEMPTS 4
/* The kernel never builds a dump part larger than 32 KiB, so nothing is truncated. */
#define NFT_RECV_SIZE 32768
/* One DELRULE/DELCHAIN: headers, two names of at most NFT_NAME_MAXLEN, a handle. */
#define NFT_CMD_MAX 1024
/* Receive-buffer room per queued ack, skb overhead included (about 700 bytes each). */
#define NFT_ACK_ROOM 1024

struct nft_cmd {
	uint32_t seq;
	const struct nft_ref *ref;
	int error;
};

/* What the replies to one dump or batch said. */
struct nft_reply {
	struct nft_walk *walk; /* dumps add the rules they see here */
	struct nft_cmd *cmds; /* batches: one per command, matched by sequence number */
	size_t n_cmds, n_acks;
	int error; /* the first error, -errno */
	uint32_t error_seq;
	char text[256]; /* the kernel's extended-ack message for it */
};

struct nft_io {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char buf[NFT_RECV_SIZE] __attribute__((aligned(8)));
};

/* Rules go to the listing; an error there ends the dump (libmnl reads errno). */
static int nft_rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_reply *rp = data;
	int ret = nft_scan_rule(rp->walk, nlh);

	if (ret < 0) {
		errno = -ret;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int nft_extack_cb(const struct nlattr *attr, void *data)
{
	struct nft_reply *rp = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(rp->text, sizeof(rp->text), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* Keeps the first error and its extended-ack text; the TLVs start `tlv_offset` bytes into the
 * payload. */
static void nft_reply_note(struct nft_reply *rp, const struct nlmsghdr *nlh, int error,
			   uint32_t seq, size_t tlv_offset)
{
	if (rp->error)
		return;
	rp->error = error;
	rp->error_seq = seq;
	rp->text[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (tlv_offset <= mnl_nlmsg_get_payload_len(nlh))
		mnl_attr_parse(nlh, tlv_offset, nft_extack_cb, rp);
}

static int nft_error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_reply *rp = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t tlv_offset = sizeof(*err);
	int code;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	code = err->error < 0 ? -err->error : err->error;
	/* The TLVs follow the error header and, unless capped, the echoed request. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && err->msg.nlmsg_len > sizeof(struct nlmsghdr))
		tlv_offset += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (code)
		nft_reply_note(rp, nlh, -code, err->msg.nlmsg_seq, tlv_offset);
	for (size_t i = 0; i < rp->n_cmds; i++) {
		if (rp->cmds[i].seq != err->msg.nlmsg_seq)
			continue;
		/* A batch: read on, so that every command's ack is seen. */
		rp->cmds[i].error = -code;
		rp->n_acks++;
		return MNL_CB_OK;
	}
	if (!code)
		return MNL_CB_STOP;
	errno = code;
	return MNL_CB_ERROR;
}

/* A dump's end; the kernel reports a failed dump here, with its extended ack. */
static int nft_done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_reply *rp = data;
	int error;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int))
		return MNL_CB_STOP;
	memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (error >= 0)
		return MNL_CB_STOP;
	nft_reply_note(rp, nlh, error, nlh->nlmsg_seq, sizeof(int));
	errno = -error;
	return MNL_CB_ERROR;
}

/* Not const: libmnl takes a plain pointer. */
static mnl_cb_t nft_ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = nft_error_cb,
	[NLMSG_DONE] = nft_done_cb,
};

static void nft_io_close(struct nft_io *io)
{
	if (io->nl)
		mnl_socket_close(io->nl);
	io->nl = NULL;
}

static int nft_io_open(struct nft_io *io)
{
	int one = 1;

	nft_io_close(io);
	io->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!io->nl)
		return negative_errno();
	/* Older kernels lack these; the errors then simply carry no text. */
	(void)mnl_socket_setsockopt(io->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(io->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(io->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int ret = negative_errno();

		nft_io_close(io);
		return ret;
	}
	io->portid = mnl_socket_get_portid(io->nl);
	return 0;
}

static uint32_t nft_next_seq(struct nft_io *io)
{
	if (++io->seq == 0)
		io->seq = 1;
	return io->seq;
}

/* One datagram from the kernel; -EAGAIN when `flags` has MSG_DONTWAIT and none is queued. */
static ssize_t nft_recv(struct nft_io *io, int flags)
{
	for (;;) {
		struct sockaddr_nl addr = { 0 };
		struct iovec iov = { .iov_base = io->buf, .iov_len = sizeof(io->buf) };
		struct msghdr msg = { .msg_name = &addr,
				      .msg_namelen = sizeof(addr),
				      .msg_iov = &iov,
				      .msg_iovlen = 1 };
		ssize_t n = recvmsg(mnl_socket_get_fd(io->nl), &msg, flags);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negative_errno();
		if (msg.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		if (addr.nl_pid == 0)
			return n;
	}
}

static int nft_dump_rules(struct nft_io *io, uint32_t family, struct nft_reply *rp)
{
	char req[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg))];
	uint32_t seq = nft_next_seq(io);
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(req, NFT_MSG_GETRULE, family, NLM_F_DUMP, seq);

	if (mnl_socket_sendto(io->nl, nlh, nlh->nlmsg_len) < 0)
		return negative_errno();
	for (;;) {
		ssize_t n = nft_recv(io, 0);
		int ret;

		if (n < 0)
			return (int)n;
		/* libmnl turns NLM_F_DUMP_INTR into EINTR. */
		ret = mnl_cb_run2(io->buf, n, seq, io->portid, nft_rule_cb, rp, nft_ctl_cb,
				  ELEMENTSOF(nft_ctl_cb));
		if (ret < 0)
			return negative_errno();
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

static bool nft_unsupported(int ret)
{
	return ret == -EPROTONOSUPPORT || ret == -ENOENT || ret == -EAFNOSUPPORT ||
	       ret == -EOPNOTSUPP;
}

/* Lists the tagged rules and plans what goes with them. 1 when listed (io open), 0 when this kernel
 * has no nftables (then nothing can have leaked). */
static int nft_walk(struct nft_io *io, struct nft_walk *w, struct err *e)
{
	static const uint32_t families[] = { NFPROTO_IPV4, NFPROTO_IPV6 };

	for (int attempt = 0; attempt < NFT_WALK_ATTEMPTS; attempt++) {
		struct nft_reply rp = { .walk = w };
		int ret = 0;

		nft_walk_reset(w);
		ret = nft_io_open(io);
		if (nft_unsupported(ret))
			return 0;
		if (ret < 0)
			return err_set(e, ret, "nftables: opening a netfilter netlink socket: %s",
				       strerror(-ret));
		for (size_t i = 0; i < ELEMENTSOF(families) && ret >= 0; i++)
			ret = nft_dump_rules(io, families[i], &rp);
		/* Interrupted: the queued rest of the dump is dropped with the socket, and the
		 * next try waits a little longer (5 ms doubling) for the burst of changes to end.
		 */
		if (ret == -EINTR) {
			struct timespec ts = { .tv_nsec = 5000000L << attempt };

			if (attempt + 1 < NFT_WALK_ATTEMPTS)
				nanosleep(&ts, NULL);
			continue;
		}
		if (nft_unsupported(ret)) {
			nft_io_close(io);
			return 0;
		}
		if (ret < 0)
			return err_set(e, ret, "nftables: listing rules: %s%s%s", strerror(-ret),
				       rp.text[0] ? ": " : "", rp.text);
		ret = nft_walk_plan(w);
		if (ret < 0)
			return err_set(e, ret, "nftables: %s", strerror(-ret));
		return 1;
	}
	return err_set(e, -EAGAIN, "nftables: rule listing interrupted by changes %d times",
		       NFT_WALK_ATTEMPTS);
}

static const char *nft_family_name(uint32_t family)
{
	return family == NFPROTO_IPV6 ? "ip6" : family == NFPROTO_IPV4 ? "ip" : "?";
}

/* The batch and its acks can outgrow the default socket buffers (a few hundred acks do): the
 * forced variant works with CAP_NET_ADMIN, which deleting rules needs anyway. */
static void nft_io_room(struct nft_io *io, int force_opt, int opt, size_t want)
{
	int fd = mnl_socket_get_fd(io->nl), size = want > INT32_MAX / 2 ? INT32_MAX / 2 : (int)want;

	if (setsockopt(fd, SOL_SOCKET, force_opt, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

static int nft_batch_error(struct nft_walk *w, const struct nft_reply *rp, struct err *e)
{
	const char *sep = rp->text[0] ? ": " : "";
	const struct nft_ref *failed = NULL;

	for (size_t i = 0; i < rp->n_cmds; i++) {
		const struct nft_ref *r = rp->cmds[i].ref;

		if (rp->cmds[i].seq == rp->error_seq)
			failed = r;
		if (!r->handle && rp->cmds[i].error == -EBUSY &&
		    !nft_refs_add(&w->busy, r->family, r->table, r->chain, NULL))
			return err_set(e, -ENOMEM, "nftables: %s", strerror(ENOMEM));
	}
	if (!failed)
		return err_set(e, rp->error, "nftables: delete batch refused: %s%s%s",
			       strerror(-rp->error), sep, rp->text);
	if (!failed->handle)
		return err_set(e, rp->error, "nftables: deleting chain %s %s %s: %s%s%s",
			       nft_family_name(failed->family), failed->table, failed->chain,
			       strerror(-rp->error), sep, rp->text);
	return err_set(e, rp->error, "nftables: deleting rule %s %s %s handle %llu: %s%s%s",
		       nft_family_name(failed->family), failed->table, failed->chain,
		       (unsigned long long)failed->handle, strerror(-rp->error), sep, rp->text);
}

/* DELRULE by handle, or (handle 0) DELCHAIN by name, acked. */
static size_t nft_put_delete(struct nft_io *io, char *buf, struct nft_reply *rp,
			     const struct nft_ref *r)
{
	uint32_t seq = nft_next_seq(io);
	struct nlmsghdr *nlh;

	if (r->handle) {
		nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_DELRULE, r->family, NLM_F_ACK, seq);
		mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, r->table);
		mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, r->chain);
		mnl_attr_put_u64(nlh, NFTA_RULE_HANDLE, htobe64(r->handle));
	} else {
		/* The chain's listed rules, and the listed jumps to it, are deleted by handle
		 * earlier in this batch. NLM_F_NONREC: the kernel itself refuses (EBUSY) to delete
		 * a chain that still holds a rule or is still referenced, so a rule or a jump added
		 * since the listing fails the whole batch instead of being flushed or left
		 * dangling; the retry lists again and keeps that chain. Kernels that predate the
		 * flag ignore it and flush, but still refuse a chain that is referenced. */
		nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_DELCHAIN, r->family,
					    NLM_F_ACK | NLM_F_NONREC, seq);
		mnl_attr_put_strz(nlh, NFTA_CHAIN_TABLE, r->table);
		mnl_attr_put_strz(nlh, NFTA_CHAIN_NAME, r->chain);
	}
	rp->cmds[rp->n_cmds++] = (struct nft_cmd){ .seq = seq, .ref = r };
	return nlh->nlmsg_len;
}

/* Every doomed rule, then every doomed chain (its last rule, and every rule that jumped to it, are
 * gone by then), in one transaction: the kernel applies all of it or none. */
static int nft_delete(struct nft_io *io, struct nft_walk *w, struct err *e)
{
	size_t max = w->n_doomed + w->chains.n, len = 0;
	_cleanup_free_ struct nft_cmd *cmds = calloc(max, sizeof(*cmds));
	_cleanup_free_ char *buf = calloc(max + 2, NFT_CMD_MAX);
	struct nft_reply rp = { .walk = w };
	struct nlmsghdr *nlh;

	if (!cmds || !buf)
		return err_set(e, -ENOMEM, "nftables: %s", strerror(ENOMEM));
	rp.cmds = cmds;
	nlh = nftnl_batch_begin(buf, nft_next_seq(io));
	len += nlh->nlmsg_len;
	for (size_t i = 0; i < w->rules.n; i++)
		if (w->rules.v[i].doomed)
			len += nft_put_delete(io, buf + len, &rp, &w->rules.v[i]);
	for (size_t i = 0; i < w->chains.n; i++)
		len += nft_put_delete(io, buf + len, &rp, &w->chains.v[i]);
	nlh = nftnl_batch_end(buf + len, nft_next_seq(io));
	len += nlh->nlmsg_len;

	nft_io_room(io, SO_SNDBUFFORCE, SO_SNDBUF, len + 65536);
	nft_io_room(io, SO_RCVBUFFORCE, SO_RCVBUF, rp.n_cmds * NFT_ACK_ROOM + 65536);
	if (mnl_socket_sendto(io->nl, buf, len) < 0) {
		int r = negative_errno();

		return err_set(e, r, "nftables: sending the delete batch: %s", strerror(-r));
	}
	/* The kernel runs the whole batch inside sendmsg, so every ack is queued by now. */
	for (;;) {
		ssize_t n = nft_recv(io, MSG_DONTWAIT);

		if (n == -EAGAIN)
			break;
		if (n < 0)
			return err_set(e, (int)n, "nftables: reading the batch acks: %s",
				       strerror((int)-n));
		/* An error ack stops this datagram's walk but not the reading: rp keeps it. */
		if (mnl_cb_run2(io->buf, n, 0, io->portid, NULL, &rp, nft_ctl_cb,
				ELEMENTSOF(nft_ctl_cb)) < 0 &&
		    !rp.error) {
			int r = negative_errno();

			return err_set(e, r, "nftables: reading the batch acks: %s", strerror(-r));
		}
	}
	if (rp.error)
		return nft_batch_error(w, &rp, e);
	if (rp.n_acks != rp.n_cmds)
		return err_set(e, -EPROTO, "nftables: %zu of %zu batch commands acked", rp.n_acks,
			       rp.n_cmds);
	return 0;
}

static int nft_run(const char *container_id, bool apply, struct nft_sweep_stats *ret, struct err *e)
{
	_cleanup_(nft_io_close) struct nft_io io = { 0 };
	_cleanup_(nft_walk_done) struct nft_walk w = { .id = container_id };
	struct nft_sweep_stats stats = { 0 };

	if (!container_id || !*container_id)
		return err_set(e, -EINVAL, "nftables: empty container id");
	for (int attempt = 1;; attempt++) {
		int r = nft_walk(&io, &w, e);

		if (r < 0)
			return r;
		if (r == 0)
			break;
		stats.rules = w.n_doomed;
		stats.chains = (unsigned)w.chains.n;
		if (!apply || w.n_doomed == 0)
			break;
		r = nft_delete(&io, &w, e);
		if (r >= 0)
			break;
		/* ENOENT: a rule went meanwhile; EBUSY: a chain is still used (now kept). Both
		 * call for a fresh listing. */
		if ((r != -ENOENT && r != -EBUSY) || attempt >= NFT_SWEEP_ATTEMPTS)
			return r;
	}
	if (ret)
		*ret = stats;
	return 0;
}

int nft_sweep_container(const char *container_id, struct nft_sweep_stats *ret, struct err *e)
{
	return nft_run(container_id, true, ret, e);
}

int nft_count_container(const char *container_id, struct nft_sweep_stats *ret, struct err *e)
{
	return nft_run(container_id, false, ret, e);
}
