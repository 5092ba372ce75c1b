// SPDX-License-Identifier: GPL-2.0-or-later
/* Text forms of IP addresses, CIDRs and MAC addresses ("10.1.2.3", "fd00::1/64", "0a:58:..."). */
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "util/inet.h"
#include "util/macro.h"

int ip_addr_parse(const char *s, int *ret_family, uint8_t ret_addr[16])
{
	uint8_t a[16] = { 0 };
	int family;

	/* inet_pton takes exactly these forms: no blanks, no zone id, no octal or leading
	 * zeros in IPv4 (glibc and musl both refuse "010.0.0.1"). */
	if (!s)
		return -EINVAL;
	if (inet_pton(AF_INET, s, a) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, s, a) == 1)
		family = AF_INET6;
	else
		return -EINVAL;
	*ret_family = family;
	memcpy(ret_addr, a, sizeof(a));
	return 0;
}

/* Decimal 0..max, digits only: no sign, no blanks, no leading zeros beyond "0". */
static int prefixlen_parse(const char *s, unsigned max, uint8_t *ret)
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

int ip_cidr_parse(const char *s, int *ret_family, uint8_t ret_addr[16], uint8_t *ret_prefixlen)
{
	char host[IP_ADDR_STRLEN];
	uint8_t a[16], len;
	const char *slash;
	int family, r;

	if (!s)
		return -EINVAL;
	slash = strchr(s, '/');
	if (!slash || (size_t)(slash - s) >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, (size_t)(slash - s));
	host[slash - s] = '\0';
	r = ip_addr_parse(host, &family, a);
	if (r < 0)
		return r;
	r = prefixlen_parse(slash + 1, family == AF_INET ? 32 : 128, &len);
	if (r < 0)
		return r;
	*ret_family = family;
	memcpy(ret_addr, a, sizeof(a));
	*ret_prefixlen = len;
	return 0;
}

const char *ip_addr_fmt(int family, const uint8_t addr[16], char *buf, size_t len)
{
	if (!buf || len == 0)
		return NULL;
	buf[0] = '\0';
	if (family != AF_INET && family != AF_INET6)
		return NULL;
	if (len > IP_ADDR_STRLEN)
		len = IP_ADDR_STRLEN;
	if (!inet_ntop(family, addr, buf, (socklen_t)len)) {
		buf[0] = '\0';
		return NULL;
	}
	return buf;
}

const char *ip_cidr_fmt(int family, const uint8_t addr[16], unsigned prefixlen, char *buf,
			size_t len)
{
	size_t n;

	if (!ip_addr_fmt(family, addr, buf, len))
		return NULL;
	n = strlen(buf);
	if (prefixlen > (family == AF_INET ? 32u : 128u) ||
	    (size_t)snprintf(buf + n, len - n, "/%u", prefixlen) >= len - n) {
		buf[0] = '\0';
		return NULL;
	}
	return buf;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mac_addr_parse(const char *s, uint8_t ret_mac[MAC_MAX_LEN])
{
	uint8_t m[MAC_MAX_LEN];
	size_t n = 0, group;
	char sep;

	if (!s)
		return -EINVAL;
	/* As Go's net.ParseMAC decides: the third character says ':'/'-' (one octet a group),
	 * else the fifth '.' (two); that separator throughout, nothing else. */
	if (s[0] && s[1] && (s[2] == ':' || s[2] == '-')) {
		sep = s[2];
		group = 1;
	} else if (s[0] && s[1] && s[2] && s[3] && s[4] == '.') {
		sep = '.';
		group = 2;
	} else
		return -EINVAL;
	for (;;) {
		for (size_t g = 0; g < group; g++) {
			int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);

			if (lo < 0 || n == MAC_MAX_LEN)
				return -EINVAL;
			m[n++] = (uint8_t)(hi << 4 | lo);
			s += 2;
		}
		if (*s == '\0')
			break;
		if (*s++ != sep)
			return -EINVAL;
	}
	if (n != MAC_ETH_LEN && n != MAC_EUI64_LEN && n != MAC_IB_LEN)
		return -EINVAL;
	memcpy(ret_mac, m, n);
	return (int)n;
}

const char *mac_addr_fmt(const uint8_t *mac, size_t n, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	if (!buf || len == 0)
		return NULL;
	buf[0] = '\0';
	if (!mac || n == 0 || n > MAC_MAX_LEN || len < n * 3)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		buf[i * 3] = hex[mac[i] >> 4];
		buf[i * 3 + 1] = hex[mac[i] & 0xf];
		buf[i * 3 + 2] = i + 1 < n ? ':' : '\0';
	}
	return buf;
}
