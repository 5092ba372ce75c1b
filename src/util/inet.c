// SPDX-License-Identifier: GPL-2.0-or-later
/* Text forms of IPv4/IPv6 addresses and prefixes ("10.1.2.3", "fd00::1/64"). */
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "netlink/nl.h"

int nl_addr_parse(const char *text, int *ret_family, uint8_t ret_addr[16])
{
	uint8_t a[16] = { 0 };

	if (!text)
		return -EINVAL;
	if (inet_pton(AF_INET, text, a) == 1) {
		*ret_family = AF_INET;
	} else if (inet_pton(AF_INET6, text, a) == 1) {
		*ret_family = AF_INET6;
	} else {
		return -EINVAL;
	}
	memcpy(ret_addr, a, sizeof(a));
	return 0;
}

/* Decimal 0..max, digits only: no sign, no blanks, no leading zeros beyond "0". */
static int inet_parse_len(const char *s, unsigned max, uint8_t *ret)
{
	unsigned v = 0;
	size_t i;

	if (!s[0] || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 3)
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return -ERANGE;
	*ret = (uint8_t)v;
	return 0;
}

int nl_prefix_parse(const char *text, int *ret_family, uint8_t ret_addr[16], uint8_t *ret_len)
{
	char host[INET6_ADDRSTRLEN];
	uint8_t a[16], len;
	const char *slash;
	int family, r;

	if (!text)
		return -EINVAL;
	slash = strchr(text, '/');
	if (!slash || (size_t)(slash - text) >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, (size_t)(slash - text));
	host[slash - text] = '\0';
	r = nl_addr_parse(host, &family, a);
	if (r < 0)
		return r;
	r = inet_parse_len(slash + 1, family == AF_INET ? 32 : 128, &len);
	if (r < 0)
		return r;
	*ret_family = family;
	memcpy(ret_addr, a, sizeof(a));
	*ret_len = len;
	return 0;
}

/*
 * Returns buf. On a bad family or a buffer too small, buf holds "" and NULL is returned, so
 * a caller can tell; NULL also when there is no buffer at all.
 */
const char *nl_addr_fmt(int family, const uint8_t addr[16], char *buf, size_t len)
{
	if (!buf || len == 0)
		return NULL;
	buf[0] = '\0';
	if (family != AF_INET && family != AF_INET6)
		return NULL;
	if (len > INET6_ADDRSTRLEN)
		len = INET6_ADDRSTRLEN;
	if (!inet_ntop(family, addr, buf, (socklen_t)len)) {
		buf[0] = '\0';
		return NULL;
	}
	return buf;
}
