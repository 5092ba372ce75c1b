// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rtnetlink socket: open (optionally in another netns), sequence numbers, request with
 * ack and extended-ack text, multi-part dumps restarted on NLM_F_DUMP_INTR, and the
 * attribute validation every parser of this room goes through.
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

int nl_attr_table(const void *start, size_t len, const struct nl_policy *policy, uint16_t maxtype,
		  const struct nlattr **tb)
{
	size_t off = 0;

	memset(tb, 0, ((size_t)maxtype + 1) * sizeof(*tb));
	if (len > INT_MAX)
		return -EBADMSG;
	while (off < len) {
		const struct nlattr *a = (const struct nlattr *)((const uint8_t *)start + off);
		const struct nl_policy *p;
		int r;

		/* Less than an attribute left, or an attribute claiming more than there is. */
		if (!mnl_attr_ok(a, (int)(len - off)))
			return -EBADMSG;
		off += MNL_ALIGN(a->nla_len);
		if (mnl_attr_type_valid(a, maxtype) < 0)
			continue; /* newer kernel, newer attribute */
		p = &policy[mnl_attr_get_type(a)];
		if (p->type == MNL_TYPE_UNSPEC)
			continue;
		if (p->len)
			r = mnl_attr_validate2(a, p->type, p->len);
		else
			r = mnl_attr_validate(a, p->type);
		if (r < 0)
			return -EBADMSG;
		tb[mnl_attr_get_type(a)] = a;
	}
	return 0;
}

int nl_msg_attrs(const struct nlmsghdr *nlh, size_t hdrlen, const struct nl_policy *policy,
		 uint16_t maxtype, const struct nlattr **tb)
{
	size_t off = MNL_NLMSG_HDRLEN + MNL_ALIGN(hdrlen);

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + hdrlen)
		return -EBADMSG;
	if (nlh->nlmsg_len <= off)
		return nl_attr_table(NULL, 0, policy, maxtype, tb);
	return nl_attr_table((const uint8_t *)nlh + off, nlh->nlmsg_len - off, policy, maxtype, tb);
}

int nl_parse_error(const struct nlmsghdr *nlh, int *ret_error, char *ret_msg, size_t msg_len)
{
	static const struct nl_policy policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { MNL_TYPE_NUL_STRING, 0 },
		[NLMSGERR_ATTR_OFFS] = { MNL_TYPE_U32, 0 },
	};
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	const uint8_t *payload = mnl_nlmsg_get_payload(nlh);
	size_t plen, off;
	int error, r;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN)
		return -EBADMSG;
	plen = nlh->nlmsg_len - MNL_NLMSG_HDRLEN;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *me = (const struct nlmsgerr *)payload;

		if (plen < sizeof(*me))
			return -EBADMSG;
		error = me->error;
		off = sizeof(*me);
		/* Without NLM_F_CAPPED the whole request is echoed before the TLVs. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			if (me->msg.nlmsg_len < MNL_NLMSG_HDRLEN)
				return -EBADMSG;
			off += MNL_ALIGN((size_t)me->msg.nlmsg_len - MNL_NLMSG_HDRLEN);
		}
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		error = 0;
		off = 0;
		if (plen >= sizeof(int)) {
			memcpy(&error, payload, sizeof(int));
			off = sizeof(int);
		} else if (plen != 0) {
			return -EBADMSG;
		}
	} else {
		return -EBADMSG;
	}
	if (error > 0 || error < -4095)
		return -EBADMSG;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		if (off > plen)
			return -EBADMSG;
		r = nl_attr_table(payload + off, plen - off, policy, NLMSGERR_ATTR_MAX, tb);
		if (r < 0)
			return r;
	}
	if (ret_msg && msg_len > 0)
		snprintf(ret_msg, msg_len, "%s",
			 tb[NLMSGERR_ATTR_MSG] ? mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]) : "");
	*ret_error = error;
	return 0;
}

bool nl_msg_ok(const struct nlmsghdr *nlh, size_t rem)
{
	/* Not mnl_nlmsg_ok(): it compares the length as an int, so 2^31 and up slip through. */
	return rem >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) && nlh->nlmsg_len <= rem;
}

int nl_reply_feed(struct nl_reply *r, const void *buf, size_t len)
{
	size_t off = 0;
	int error, q;

	while (off < len) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)((const uint8_t *)buf + off);

		if (!nl_msg_ok(nlh, len - off))
			return -EBADMSG; /* a message cut short, or bytes that are none */
		off += MNL_ALIGN(nlh->nlmsg_len);
		if (nlh->nlmsg_seq != r->seq || nlh->nlmsg_pid != r->portid)
			continue; /* left over from an earlier request that stopped early */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			r->intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_ERROR:
		case NLMSG_DONE:
			/* The ack of a request, the end of a dump, or the error ending either. */
			q = nl_parse_error(nlh, &error, r->extack, sizeof(r->extack));
			if (q < 0)
				return q;
			if (error < 0 && r->error == 0) {
				r->error = error;
				r->from_kernel = true;
			}
			return 1;
		case NLMSG_OVERRUN:
			return -EBADMSG;
		default:
			if (r->error == 0 && r->cb) {
				q = r->cb(nlh, r->data);
				if (q < 0)
					r->error = q;
			}
			break;
		}
	}
	return 0;
}

#define NL_RECV_HINT 32768

/* Receives one datagram into s->buf, growing it to the datagram's real size first. */
static int nl_recv(struct nl_sock *s, size_t *ret_len, struct err *e)
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
		if (s->buf_size < NL_RECV_HINT) {
			uint8_t *nb = realloc(s->buf, NL_RECV_HINT);

			if (!nb)
				return err_set(e, -ENOMEM, "out of memory");
			s->buf = nb;
			s->buf_size = NL_RECV_HINT;
		}
		n = recv(fd, s->buf, s->buf_size, MSG_PEEK | MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return err_set(e, -ETIMEDOUT, "no netlink reply from the kernel");
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
		n = recvmsg(fd, &msg, 0);
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
	for (;;) {
		size_t len = 0;

		r = nl_recv(s, &len, e);
		if (r < 0)
			return r;
		r = nl_reply_feed(&rep, s->buf, len);
		if (r < 0)
			return err_set(e, r, "malformed netlink reply");
		if (r > 0)
			break;
	}
	if (rep.error < 0 && rep.from_kernel && rep.extack[0])
		return err_set(e, rep.error, "%s: %s", strerror(-rep.error), rep.extack);
	if (rep.error < 0 && rep.from_kernel)
		return err_set(e, rep.error, "%s", strerror(-rep.error));
	if (rep.error == -EBADMSG)
		return err_set(e, rep.error, "malformed netlink reply");
	if (rep.error == -E2BIG)
		return err_set(e, rep.error, "more than %d entries in a dump", NL_DUMP_MAX);
	if (rep.error < 0)
		return err_set(e, rep.error, "reading netlink reply: %s", strerror(-rep.error));
	if (ret_intr)
		*ret_intr = rep.intr;
	return 0;
}

int nl_request(struct nl_sock *s, struct nlmsghdr *nlh, nl_msg_fn cb, void *data, struct err *e)
{
	return nl_transact(s, nlh, false, cb, data, NULL, e);
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

int nl_open(struct nl_sock **ret, struct err *e)
{
	_cleanup_nl_ struct nl_sock *s = NULL;
	struct timeval tv = { .tv_sec = NL_RECV_TIMEOUT_SEC };
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(e, -ENOMEM, "out of memory");
	s->mnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
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
