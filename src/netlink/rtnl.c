// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The netlink transport of every bus this room speaks (NETLINK_ROUTE, NETLINK_NETFILTER): the
 * socket (optionally opened in another netns) with extended acks and a receive timeout,
 * sequence numbers, the receive loop, and one reply state machine for requests with their ack,
 * multi-part dumps (restarted on NLM_F_DUMP_INTR) and batches whose acks are mapped back to
 * their commands by sequence number.
 */
#include <limits.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "netlink/rtnl.h"
#include "netns/netns.h"

/* A dump part is at most 32 KiB unless one message is larger; start there and grow. */
#define NL_RECV_INITIAL 32768
/* The kernel always answers; this only keeps a wedged kernel from hanging the plugin. */
#define NL_RECV_TIMEOUT_SEC 30

uint32_t nl_next_seq(struct nl_sock *s)
{
	if (++s->seq == 0)
		s->seq = 1;
	return s->seq;
}

/* The command of a batch that this sequence number names; acks come in order, so try next first. */
static struct nl_cmd *nl_reply_cmd(struct nl_reply *r, uint32_t seq)
{
	if (r->n_acked < r->n_cmds && r->cmds[r->n_acked].seq == seq)
		return &r->cmds[r->n_acked];
	for (size_t i = 0; i < r->n_cmds; i++)
		if (r->cmds[i].seq == seq)
			return &r->cmds[i];
	return NULL;
}

/* Keeps the first error: the kernel's (with its text), or a callback's. */
static void nl_reply_fail(struct nl_reply *r, int error, uint32_t seq, bool from_kernel,
			  const char *text)
{
	if (r->error)
		return;
	r->error = error;
	r->error_seq = seq;
	r->from_kernel = from_kernel;
	snprintf(r->extack, sizeof(r->extack), "%s", text);
}

/* A batch's acks: one per command, or one refusing the whole batch on its begin message. */
static int nl_reply_batch_ack(struct nl_reply *r, const struct nlmsghdr *nlh)
{
	char text[NL_EXTACK_MAX];
	struct nl_cmd *c;
	int error, q;

	if (nlh->nlmsg_type != NLMSG_ERROR)
		return 0;
	q = nl_parse_error(nlh, &error, text, sizeof(text));
	if (q < 0)
		return q;
	if (nlh->nlmsg_seq == r->seq) {
		/* ERESTART (stale generation id), ENOMEM, a failed commit: nothing was applied. */
		if (error == 0)
			return 0;
		nl_reply_fail(r, error, nlh->nlmsg_seq, true, text);
		return 1;
	}
	c = nl_reply_cmd(r, nlh->nlmsg_seq);
	if (!c || c->acked)
		return 0;
	c->acked = true;
	c->error = error;
	r->n_acked++;
	if (error < 0)
		nl_reply_fail(r, error, nlh->nlmsg_seq, true, text);
	return r->n_acked == r->n_cmds;
}

int nl_reply_feed(struct nl_reply *r, const void *buf, size_t len)
{
	size_t off = 0;
	int error, q;

	while (off < len) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)((const uint8_t *)buf + off);
		char text[NL_EXTACK_MAX];

		if (!nl_msg_ok(nlh, len - off))
			return -EBADMSG; /* a message cut short, or bytes that are none */
		off += MNL_ALIGN(nlh->nlmsg_len);
		if (nlh->nlmsg_pid != r->portid)
			continue;
		if (r->cmds) {
			q = nl_reply_batch_ack(r, nlh);
			if (q != 0)
				return q;
			continue;
		}
		if (nlh->nlmsg_seq != r->seq)
			continue; /* left over from an earlier request that stopped early */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			r->intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_ERROR:
		case NLMSG_DONE:
			/* The ack of a request, the end of a dump, or the error ending either. */
			q = nl_parse_error(nlh, &error, text, sizeof(text));
			if (q < 0)
				return q;
			if (error < 0)
				nl_reply_fail(r, error, nlh->nlmsg_seq, true, text);
			return 1;
		case NLMSG_OVERRUN:
			return -EBADMSG;
		default:
			if (r->error == 0 && r->cb) {
				q = r->cb(nlh, r->data);
				if (q < 0)
					nl_reply_fail(r, q, nlh->nlmsg_seq, false, "");
			}
			break;
		}
	}
	return 0;
}

/*
 * Receives one datagram into s->buf, growing it to the datagram's real size first. flags:
 * MSG_DONTWAIT for replies that are already queued (-EAGAIN when there is none).
 */
static int nl_recv(struct nl_sock *s, int flags, size_t *ret_len, struct err *e)
{
	int fd = mnl_socket_get_fd(s->mnl);

	for (;;) {
		struct sockaddr_nl sa = { 0 };
		struct iovec iov;
		struct msghdr msg = { .msg_name = &sa, .msg_namelen = sizeof(sa) };
		ssize_t n;

		/* Peek with a full-size buffer: the kernel sizes the next dump datagrams by the
		 * reader's buffer, so a zero-length peek would split a dump into many small ones.
		 */
		n = recv(fd, s->buf, s->buf_size, MSG_PEEK | MSG_TRUNC | flags);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return flags & MSG_DONTWAIT
				   ? -EAGAIN
				   : err_set(e, -ETIMEDOUT, "no netlink reply from the kernel");
		if (n < 0)
			return err_set(e, negative_errno(), "netlink receive: %s", strerror(errno));
		if ((size_t)n > NL_RECV_MAX)
			return err_set(e, -EMSGSIZE, "netlink reply of %zd bytes is too large", n);
		if ((size_t)n > s->buf_size) {
			uint8_t *nb = realloc(s->buf, (size_t)n);

			if (!nb)
				return err_set(e, -ENOMEM, "out of memory");
			s->buf = nb;
			s->buf_size = (size_t)n;
		}
		iov.iov_base = s->buf;
		iov.iov_len = s->buf_size;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		n = recvmsg(fd, &msg, flags);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(e, negative_errno(), "netlink receive: %s", strerror(errno));
		if (msg.msg_flags & MSG_TRUNC)
			return err_set(e, -EMSGSIZE, "netlink reply truncated");
		if (sa.nl_pid != 0)
			continue; /* only the kernel speaks to us */
		*ret_len = (size_t)n;
		return 0;
	}
}

/* Reads datagrams into rep until it is complete; flags as for nl_recv. */
static int nl_read_reply(struct nl_sock *s, struct nl_reply *rep, int flags, struct err *e)
{
	for (;;) {
		size_t len = 0;
		int r = nl_recv(s, flags, &len, e);

		if (r < 0)
			return r;
		r = nl_reply_feed(rep, s->buf, len);
		if (r < 0)
			return err_set(e, r, "malformed netlink reply");
		if (r > 0)
			return 0;
	}
}

/* The error of a complete reply for e: the kernel's with its text, or what went wrong here. */
static int nl_reply_error(const struct nl_reply *rep, struct err *e)
{
	if (rep->error < 0 && rep->from_kernel && rep->extack[0])
		return err_set(e, rep->error, "%s: %s", strerror(-rep->error), rep->extack);
	if (rep->error < 0 && rep->from_kernel)
		return err_set(e, rep->error, "%s", strerror(-rep->error));
	if (rep->error == -EBADMSG)
		return err_set(e, rep->error, "malformed netlink reply");
	if (rep->error == -E2BIG)
		return err_set(e, rep->error, "more than %d entries in a dump", NL_DUMP_MAX);
	if (rep->error < 0)
		return err_set(e, rep->error, "reading netlink reply: %s", strerror(-rep->error));
	return 0;
}

static int nl_transact(struct nl_sock *s, struct nlmsghdr *nlh, bool dump, nl_msg_fn cb, void *data,
		       bool *ret_intr, struct err *e)
{
	struct nl_reply rep = {
		.seq = nl_next_seq(s), .portid = s->portid, .cb = cb, .data = data
	};
	int r;

	nlh->nlmsg_seq = rep.seq;
	nlh->nlmsg_pid = 0;
	nlh->nlmsg_flags |= NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK);
	if (mnl_socket_sendto(s->mnl, nlh, nlh->nlmsg_len) < 0)
		return err_set(e, negative_errno(), "netlink send: %s", strerror(errno));
	r = nl_read_reply(s, &rep, 0, e);
	if (r < 0)
		return r;
	r = nl_reply_error(&rep, e);
	if (r < 0)
		return r;
	if (ret_intr)
		*ret_intr = rep.intr;
	return 0;
}

int nl_request(struct nl_sock *s, struct nlmsghdr *nlh, nl_msg_fn cb, void *data, struct err *e)
{
	return nl_transact(s, nlh, false, cb, data, NULL, e);
}

int nl_dump_each(struct nl_sock *s, struct nlmsghdr *nlh, nl_msg_fn cb, void *data, bool *ret_intr,
		 struct err *e)
{
	return nl_transact(s, nlh, true, cb, data, ret_intr, e);
}

int nl_batch(struct nl_sock *s, const void *buf, size_t len, struct nl_reply *rep, struct err *e)
{
	int r;

	rep->portid = s->portid;
	rep->n_acked = 0;
	rep->error = 0;
	for (size_t i = 0; i < rep->n_cmds; i++)
		rep->cmds[i] = (struct nl_cmd){ .seq = rep->cmds[i].seq };
	if (mnl_socket_sendto(s->mnl, buf, len) < 0)
		return err_set(e, negative_errno(), "netlink send: %s", strerror(errno));
	if (rep->n_cmds == 0)
		return 0; /* nothing asked for an ack */
	/* The kernel runs a whole batch inside sendmsg(): every ack is queued by now, and one
	 * that is missing never comes. */
	r = nl_read_reply(s, rep, MSG_DONTWAIT, e);
	if (r == -EAGAIN)
		return err_set(e, -EPROTO, "%zu of %zu batch commands acked", rep->n_acked,
			       rep->n_cmds);
	if (r < 0)
		return r;
	return nl_reply_error(rep, e);
}

struct nl_vec {
	uint8_t *items;
	size_t n, cap, size;
	nl_item_fn parse;
};

static int nl_vec_add(const struct nlmsghdr *nlh, void *data)
{
	struct nl_vec *v = data;
	int r;

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		uint8_t *items;

		if (v->cap >= NL_DUMP_MAX)
			return -E2BIG;
		if (cap > NL_DUMP_MAX)
			cap = NL_DUMP_MAX;
		/* Doubling keeps a dump of n entries O(n) in copies. */
		items = reallocarray(v->items, cap, v->size);
		if (!items)
			return -ENOMEM;
		v->items = items;
		v->cap = cap;
	}
	r = v->parse(nlh, v->items + v->n * v->size);
	if (r < 0)
		return r;
	if (r > 0)
		v->n++;
	return 0;
}

int nl_dump(struct nl_sock *s, struct nlmsghdr *nlh, size_t item_size, nl_item_fn parse, void **ret,
	    size_t *ret_n, struct err *e)
{
	/* Kept across restarts: a retry refills the array it already grew. */
	struct nl_vec v = { .size = item_size, .parse = parse };
	uint16_t flags = nlh->nlmsg_flags;
	int attempt, r = 0;

	for (attempt = 0; attempt <= NL_DUMP_INTR_RETRIES; attempt++) {
		bool intr = false;

		v.n = 0;
		nlh->nlmsg_flags = flags;
		r = nl_transact(s, nlh, true, nl_vec_add, &v, &intr, e);
		if (r < 0)
			break;
		if (intr)
			continue; /* the set changed under the dump: the items are not a snapshot */
		if (v.n == 0) {
			free(v.items);
			v.items = NULL;
		}
		*ret = TAKE_PTR(v.items);
		*ret_n = v.n;
		return 0;
	}
	free(v.items);
	if (r < 0)
		return r;
	return err_set(e, -EAGAIN, "netlink dump interrupted %d times by concurrent changes",
		       NL_DUMP_INTR_RETRIES + 1);
}

static int nl_setsockopt_int(struct nl_sock *s, int opt, int val)
{
	if (mnl_socket_setsockopt(s->mnl, opt, &val, sizeof(val)) < 0)
		return negative_errno();
	return 0;
}

int nl_sock_open(int bus, struct nl_sock **ret, struct err *e)
{
	_cleanup_nl_ struct nl_sock *s = NULL;
	struct timeval tv = { .tv_sec = NL_RECV_TIMEOUT_SEC };
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(e, -ENOMEM, "out of memory");
	s->bus = bus;
	s->mnl = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!s->mnl)
		return err_set(e, negative_errno(), "netlink socket: %s", strerror(errno));
	if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0)
		return err_set(e, negative_errno(), "netlink bind: %s", strerror(errno));
	/* Old kernels lack these: errors still arrive, only without the kernel's text. */
	r = nl_setsockopt_int(s, NETLINK_EXT_ACK, 1);
	if (r < 0 && r != -ENOPROTOOPT)
		return err_set(e, r, "netlink NETLINK_EXT_ACK: %s", strerror(-r));
	r = nl_setsockopt_int(s, NETLINK_CAP_ACK, 1);
	if (r < 0 && r != -ENOPROTOOPT)
		return err_set(e, r, "netlink NETLINK_CAP_ACK: %s", strerror(-r));
	if (setsockopt(mnl_socket_get_fd(s->mnl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return err_set(e, negative_errno(), "netlink SO_RCVTIMEO: %s", strerror(errno));
	s->portid = mnl_socket_get_portid(s->mnl);
	s->buf_size = NL_RECV_INITIAL;
	s->buf = malloc(s->buf_size);
	if (!s->buf)
		return err_set(e, -ENOMEM, "out of memory");
	*ret = TAKE_PTR(s);
	return 0;
}

int nl_open(struct nl_sock **ret, struct err *e)
{
	return nl_sock_open(NETLINK_ROUTE, ret, e);
}

/* The forced variants work with CAP_NET_ADMIN (which changing anything needs anyway); without it
 * the kernel caps the size at its sysctl limit. */
static void nl_sock_buf(struct nl_sock *s, int force_opt, int opt, size_t want)
{
	int fd = mnl_socket_get_fd(s->mnl), size = want > INT32_MAX / 2 ? INT32_MAX / 2 : (int)want;

	if (setsockopt(fd, SOL_SOCKET, force_opt, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

void nl_sock_room(struct nl_sock *s, size_t send, size_t receive)
{
	nl_sock_buf(s, SO_SNDBUFFORCE, SO_SNDBUF, send);
	nl_sock_buf(s, SO_RCVBUFFORCE, SO_RCVBUF, receive);
}

int nl_open_in(int netns_fd, struct nl_sock **ret, struct err *e)
{
	_cleanup_close_ int saved = -1;
	int r;

	/* A netlink socket stays bound to the namespace it was created in. */
	r = netns_enter(netns_fd, &saved, e);
	if (r < 0)
		return r;
	r = nl_open(ret, e);
	netns_return(&saved);
	return r;
}

void nl_close(struct nl_sock *s)
{
	if (!s)
		return;
	if (s->mnl)
		mnl_socket_close(s->mnl);
	free(s->buf);
	free(s);
}

void nl_closep(struct nl_sock **s)
{
	if (s)
		nl_close(*s);
}
