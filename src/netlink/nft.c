// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The nftables sweep: rules that a reference plugin tagged with a container id (through
 * iptables-nft) and the CNI-* chains they jumped to, deleted in one batch.
 *
 * Where the tag lives: iptables-nft 1.8.9 keeps `-m comment --comment TEXT` as a compat `match`
 * expression named "comment" whose info blob is struct xt_comment_info (a 256-byte string);
 * `nft ... comment "TEXT"` keeps it in the rule's userdata (NFTNL_UDATA_RULE_COMMENT). Both are
 * read, so a later iptables-nft that moves the comment to userdata is still swept.
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
#include <linux/netfilter/xt_comment.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>

#include "netlink/nft.h"

#define NFT_CNI_PREFIX "CNI-"
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

/* A rule, or (handle 0) a chain, of one table. */
struct nft_ref {
	uint32_t family;
	uint64_t handle;
	char *table;
	char *chain;
	char *target; /* rules: the CNI-* chain it jumps or goes to, NULL if none */
	bool tagged; /* rules: carries the container id */
	bool keep; /* chains: holds an untagged rule, or an untagged rule jumps to it */
};

struct nft_refs {
	struct nft_ref *v;
	size_t n, cap;
};

struct nft_walk {
	const char *id;
	/* Tagged rules, and untagged ones that live in or jump to a CNI-* chain. */
	struct nft_refs rules;
	/* CNI-* chains that tagged rules jump to. */
	struct nft_refs chains;
	/* Chains the kernel refused to delete (EBUSY: used from where we cannot see, such as a
	 * verdict map): left alone on the next attempt so that the rules can still go. */
	struct nft_refs busy;
	unsigned n_tagged;
};

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

static bool nft_is_cni(const char *name)
{
	return name && strncmp(name, NFT_CNI_PREFIX, strlen(NFT_CNI_PREFIX)) == 0;
}

/* Compares a Go %q-quoted value (q at its opening quote) with want; the closing quote must end
 * the comment or be followed by a space. */
static bool nft_quoted_equals(const char *q, const char *want)
{
	const char *p = q + 1;

	while (*p && *p != '"') {
		char c = *p;

		if (c == '\\' && (p[1] == '"' || p[1] == '\\'))
			c = *++p;
		if (*want != c)
			return false;
		want++;
		p++;
	}
	return *p == '"' && *want == '\0' && (p[1] == '\0' || p[1] == ' ');
}

int nft_comment_matches(const char *comment, const char *container_id)
{
	bool quoted = false, has_name = false, has_id = false;
	const char *p;

	/* An empty id would match `id: ""`, which no plugin writes: never sweep on it. */
	if (!comment || !container_id || !*container_id)
		return 0;
	/* Keys count only outside quoted values, so a network name holding `id: "x"` (escaped
	 * by the plugin's %q) cannot pose as the id. */
	for (p = comment; *p; p++) {
		if (quoted) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				quoted = false;
			continue;
		}
		if (*p == '"') {
			quoted = true;
			continue;
		}
		if (p != comment && p[-1] != ' ')
			continue;
		if (strncmp(p, "name: \"", 7) == 0)
			has_name = true;
		else if (strncmp(p, "id: \"", 5) == 0 && nft_quoted_equals(p + 4, container_id))
			has_id = true;
	}
	return has_name && has_id;
}

static void nft_refs_clear(struct nft_refs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].table);
		free(a->v[i].chain);
		free(a->v[i].target);
	}
	a->n = 0;
}

/* Names go back to the kernel in the delete batch: they are held to its own limit. */
static struct nft_ref *nft_refs_add(struct nft_refs *a, uint32_t family, const char *table,
				    const char *chain, const char *target)
{
	struct nft_ref *r;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct nft_ref *v = reallocarray(a->v, cap, sizeof(*v));

		if (!v)
			return NULL;
		a->v = v;
		a->cap = cap;
	}
	r = &a->v[a->n];
	*r = (struct nft_ref){ .family = family };
	r->table = strndup(table, NFT_NAME_MAXLEN - 1);
	r->chain = strndup(chain, NFT_NAME_MAXLEN - 1);
	r->target = target ? strndup(target, NFT_NAME_MAXLEN - 1) : NULL;
	if (!r->table || !r->chain || (target && !r->target)) {
		free(r->table);
		free(r->chain);
		free(r->target);
		return NULL;
	}
	a->n++;
	return r;
}

static struct nft_ref *nft_refs_find(const struct nft_refs *a, uint32_t family, const char *table,
				     const char *chain)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].family == family && streq(a->v[i].table, table) &&
		    streq(a->v[i].chain, chain))
			return &a->v[i];
	return NULL;
}

static void nft_walk_done(struct nft_walk *w)
{
	nft_refs_clear(&w->rules);
	nft_refs_clear(&w->chains);
	nft_refs_clear(&w->busy);
	free(w->rules.v);
	free(w->chains.v);
	free(w->busy.v);
}

/* Which chains go: those a tagged rule jumps to that hold no untagged rule and that no untagged
 * rule jumps to. */
static int nft_walk_plan(struct nft_walk *w)
{
	for (size_t i = 0; i < w->rules.n; i++) {
		const struct nft_ref *r = &w->rules.v[i];

		if (!r->tagged || !r->target ||
		    nft_refs_find(&w->chains, r->family, r->table, r->target) ||
		    nft_refs_find(&w->busy, r->family, r->table, r->target))
			continue;
		if (!nft_refs_add(&w->chains, r->family, r->table, r->target, NULL))
			return -ENOMEM;
	}
	for (size_t i = 0; i < w->rules.n; i++) {
		const struct nft_ref *r = &w->rules.v[i];
		struct nft_ref *c;

		if (r->tagged)
			continue;
		c = nft_refs_find(&w->chains, r->family, r->table, r->chain);
		if (c)
			c->keep = true;
		c = r->target ? nft_refs_find(&w->chains, r->family, r->table, r->target) : NULL;
		if (c)
			c->keep = true;
	}
	return 0;
}

static unsigned nft_walk_doomed(const struct nft_walk *w)
{
	unsigned n = 0;

	for (size_t i = 0; i < w->chains.n; i++)
		n += !w->chains.v[i].keep;
	return n;
}

struct nft_rule_scan {
	const char *id;
	bool tagged;
	const char *target; /* points into the parsed rule */
};

static int nft_udata_cb(const struct nftnl_udata *attr, void *data)
{
	struct nft_rule_scan *s = data;
	const char *value = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);

	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && len > 0 &&
	    value[len - 1] == '\0' && nft_comment_matches(value, s->id))
		s->tagged = true;
	return 0;
}

static int nft_expr_cb(struct nftnl_expr *expr, void *data)
{
	struct nft_rule_scan *s = data;
	const char *name = nftnl_expr_get_str(expr, NFTNL_EXPR_NAME);

	if (!name)
		return 0;
	if (streq(name, "match")) {
		const char *match = nftnl_expr_get_str(expr, NFTNL_EXPR_MT_NAME);
		char text[sizeof(struct xt_comment_info) + 1];
		uint32_t len = 0;
		const char *info = nftnl_expr_get(expr, NFTNL_EXPR_MT_INFO, &len);
		size_t n;

		if (!match || !streq(match, "comment") || !info)
			return 0;
		/* The blob is a fixed char array, NUL-padded; never trust it to be terminated. */
		n = strnlen(info, len < sizeof(text) - 1 ? len : sizeof(text) - 1);
		memcpy(text, info, n);
		text[n] = '\0';
		if (nft_comment_matches(text, s->id))
			s->tagged = true;
	} else if (streq(name, "immediate") && nftnl_expr_is_set(expr, NFTNL_EXPR_IMM_VERDICT)) {
		int32_t verdict = (int32_t)nftnl_expr_get_u32(expr, NFTNL_EXPR_IMM_VERDICT);
		const char *chain = nftnl_expr_get_str(expr, NFTNL_EXPR_IMM_CHAIN);

		if ((verdict == NFT_JUMP || verdict == NFT_GOTO) && nft_is_cni(chain))
			s->target = chain;
	}
	return 0;
}

static void nft_rule_freep(struct nftnl_rule **r)
{
	if (*r)
		nftnl_rule_free(*r);
}

static int nft_rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_reply *rp = data;
	struct nft_walk *w = rp->walk;
	_cleanup_(nft_rule_freep) struct nftnl_rule *r = NULL;
	struct nft_rule_scan s = { .id = w->id };
	struct nft_ref *ref;
	const char *chain;
	const void *udata;
	uint32_t udata_len = 0;

	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWRULE)
		return MNL_CB_OK;
	r = nftnl_rule_alloc();
	if (!r) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	/* libnftnl validates every attribute against its policy while parsing. */
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0 || !nftnl_rule_is_set(r, NFTNL_RULE_TABLE) ||
	    !nftnl_rule_is_set(r, NFTNL_RULE_CHAIN) || !nftnl_rule_is_set(r, NFTNL_RULE_HANDLE)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	udata = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &udata_len);
	if (udata)
		nftnl_udata_parse(udata, udata_len, nft_udata_cb, &s);
	nftnl_expr_foreach(r, nft_expr_cb, &s);
	/* Only rules that can bear on a CNI-* chain's fate are kept: the host may hold tens of
	 * thousands of kube-proxy rules. */
	chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	if (!s.tagged && !s.target && !nft_is_cni(chain))
		return MNL_CB_OK;
	ref = nft_refs_add(&w->rules, nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY),
			   nftnl_rule_get_str(r, NFTNL_RULE_TABLE), chain, s.target);
	if (!ref) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	ref->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	ref->tagged = s.tagged;
	w->n_tagged += s.tagged;
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

/* Lists the tagged rules and the chains they doom. 1 when listed (io open), 0 when this kernel
 * has no nftables (then nothing can have leaked). */
static int nft_walk(struct nft_io *io, struct nft_walk *w, struct err *e)
{
	static const uint32_t families[] = { NFPROTO_IPV4, NFPROTO_IPV6 };

	for (int attempt = 0; attempt < NFT_WALK_ATTEMPTS; attempt++) {
		struct nft_reply rp = { .walk = w };
		int ret = 0;

		nft_refs_clear(&w->rules);
		nft_refs_clear(&w->chains);
		w->n_tagged = 0;
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
		/* NLM_F_NONREC: the kernel itself refuses (EBUSY) to delete a chain that still
		 * holds a rule or is still referenced, so a rule added since the listing is never
		 * flushed with it. Kernels that predate the flag ignore it and flush. */
		nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_DELCHAIN, r->family,
					    NLM_F_ACK | NLM_F_NONREC, seq);
		mnl_attr_put_strz(nlh, NFTA_CHAIN_TABLE, r->table);
		mnl_attr_put_strz(nlh, NFTA_CHAIN_NAME, r->chain);
	}
	rp->cmds[rp->n_cmds++] = (struct nft_cmd){ .seq = seq, .ref = r };
	return nlh->nlmsg_len;
}

/* Every tagged rule, then every doomed chain (its last rule is gone by then), in one
 * transaction: the kernel applies all of it or none. */
static int nft_delete(struct nft_io *io, struct nft_walk *w, struct err *e)
{
	size_t max = w->n_tagged + nft_walk_doomed(w), len = 0;
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
		if (w->rules.v[i].tagged)
			len += nft_put_delete(io, buf + len, &rp, &w->rules.v[i]);
	for (size_t i = 0; i < w->chains.n; i++)
		if (!w->chains.v[i].keep)
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
		stats.rules = w.n_tagged;
		stats.chains = nft_walk_doomed(&w);
		if (!apply || w.n_tagged == 0)
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
