// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Netlink messages of any bus, without a socket: building them with every put checked against
 * the buffer (-EMSGSIZE, never an overrun), and reading them back through attribute policies,
 * acks and errors included. The socket and the reply state machine are in rtnl.c.
 */
#include <limits.h>
#include <stdio.h>

#include "netlink/rtnl.h"

int nl_msg_start(void *buf, size_t size, uint16_t type, uint16_t flags, size_t hdrlen,
		 struct nlmsghdr **ret)
{
	struct nlmsghdr *nlh;

	if (size < MNL_NLMSG_HDRLEN || size - MNL_NLMSG_HDRLEN < MNL_ALIGN(hdrlen) ||
	    size > UINT32_MAX)
		return -EMSGSIZE;
	memset(buf, 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(hdrlen));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	if (hdrlen)
		mnl_nlmsg_put_extra_header(nlh, hdrlen);
	*ret = nlh;
	return 0;
}

int nl_put(struct nlmsghdr *nlh, size_t size, uint16_t type, size_t len, const void *data)
{
	/* The attribute's own length is 16 bits; the message must have room for all of it. */
	if (len > UINT16_MAX - MNL_ATTR_HDRLEN || nlh->nlmsg_len > size ||
	    size - nlh->nlmsg_len < MNL_ATTR_HDRLEN + MNL_ALIGN(len))
		return -EMSGSIZE;
	mnl_attr_put(nlh, type, len, data);
	return 0;
}

int nl_put_u32(struct nlmsghdr *nlh, size_t size, uint16_t type, uint32_t value)
{
	return nl_put(nlh, size, type, sizeof(value), &value);
}

int nl_put_strz(struct nlmsghdr *nlh, size_t size, uint16_t type, const char *s)
{
	return nl_put(nlh, size, type, strlen(s) + 1, s);
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
