// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for util/inet: the input as an address, a CIDR and a MAC. Whatever a
 * parser takes is printed and parsed again, which must give the same bytes (and the same
 * text when printed once more); what it refuses leaves the out-parameters alone.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/inet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t zero[16];

static void check_ip(const char *text)
{
	char buf[IP_ADDR_STRLEN], again[IP_ADDR_STRLEN];
	uint8_t a[16], b[16];
	int family = 77, f2;

	memset(a, 0x55, sizeof(a));
	if (ip_addr_parse(text, &family, a) < 0) {
		assert(family == 77 && a[0] == 0x55);
		return;
	}
	assert(family == AF_INET || family == AF_INET6);
	assert(family == AF_INET6 || memcmp(a + 4, zero, 12) == 0);
	assert(strlen(text) < IP_ADDR_STRLEN);
	assert(!strpbrk(text, " \t\n/%[]"));
	assert(ip_addr_fmt(family, a, buf, sizeof(buf)));
	assert(ip_addr_parse(buf, &f2, b) == 0);
	assert(f2 == family && memcmp(a, b, 16) == 0);
	assert(ip_addr_fmt(f2, b, again, sizeof(again)) && strcmp(buf, again) == 0);
}

static void check_cidr(const char *text)
{
	char buf[IP_CIDR_STRLEN], again[IP_CIDR_STRLEN];
	uint8_t a[16], b[16], len = 99, l2;
	const char *slash;
	int family = 77, f2, r;

	memset(a, 0x55, sizeof(a));
	r = ip_cidr_parse(text, &family, a, &len);
	if (r < 0) {
		assert(r == -EINVAL || r == -ERANGE);
		assert(family == 77 && len == 99 && a[0] == 0x55);
		return;
	}
	assert(family == AF_INET || family == AF_INET6);
	assert(len <= (family == AF_INET ? 32 : 128));
	slash = strchr(text, '/');
	assert(slash && !strchr(slash + 1, '/'));
	/* the length as written: digits, no leading zero */
	assert(isdigit((unsigned char)slash[1]) && (slash[1] != '0' || !slash[2]));
	assert(strtoul(slash + 1, NULL, 10) == len);
	assert(ip_cidr_fmt(family, a, len, buf, sizeof(buf)));
	assert(ip_cidr_parse(buf, &f2, b, &l2) == 0);
	assert(f2 == family && l2 == len && memcmp(a, b, 16) == 0);
	assert(ip_cidr_fmt(f2, b, l2, again, sizeof(again)) && strcmp(buf, again) == 0);
}

static void check_mac(const char *text)
{
	char buf[MAC_STRLEN], sep;
	uint8_t m[MAC_MAX_LEN], m2[MAC_MAX_LEN];
	size_t len = strlen(text), group, k = 0;
	int n;

	memset(m, 0x55, sizeof(m));
	n = mac_addr_parse(text, m);
	if (n < 0) {
		assert(n == -EINVAL && m[0] == 0x55);
		return;
	}
	assert(n == MAC_ETH_LEN || n == MAC_EUI64_LEN || n == MAC_IB_LEN);
	/* Go's forms: "xx:" or "xx-" octets, or "xxxx." pairs, one separator throughout. */
	group = text[2] == ':' || text[2] == '-' ? 1 : 2;
	sep = text[group * 2];
	assert(group == 1 || sep == '.');
	assert(len == (size_t)n / group * (group * 2 + 1) - 1);
	assert(mac_addr_fmt(m, (size_t)n, buf, sizeof(buf)));
	assert(strlen(buf) == (size_t)n * 3 - 1);
	/* the printed form is the input's digits in lower case, joined by ':' */
	for (size_t i = 0; text[i]; i++) {
		if ((i + 1) % (group * 2 + 1) == 0) {
			assert(text[i] == sep);
			continue;
		}
		assert(isxdigit((unsigned char)text[i]));
		if (buf[k] == ':')
			k++;
		assert(buf[k++] == tolower((unsigned char)text[i]));
	}
	assert(buf[k] == '\0');
	assert(mac_addr_parse(buf, m2) == n && memcmp(m, m2, (size_t)n) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_ip(text);
	check_cidr(text);
	check_mac(text);
	free(text);
	return 0;
}
