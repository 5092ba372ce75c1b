// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <string.h>

#include "util/names.h"

/* Longer ids are no use as file names (NAME_MAX 255 with a suffix added). */
#define CNI_ID_MAX 200

bool name_is_cni_id(const char *s)
{
	size_t n;

	if (!s || !isalnum((unsigned char)s[0]))
		return false;
	n = strlen(s);
	if (n > CNI_ID_MAX)
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

bool name_is_ifname(const char *s)
{
	size_t n;

	if (!s)
		return false;
	n = strlen(s);
	if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || isspace((unsigned char)s[i]))
			return false;
	return true;
}

static bool label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool label_ok(const char *s, size_t n)
{
	if (n == 0 || n > 63 || !label_char(s[0]) || !label_char(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!label_char(s[i]) && s[i] != '-')
			return false;
	return true;
}

bool name_is_dns1123_label(const char *s)
{
	return s && label_ok(s, strlen(s));
}

bool name_is_dns1123_subdomain(const char *s)
{
	size_t n;
	const char *p;

	if (!s)
		return false;
	n = strlen(s);
	if (n == 0 || n > 253)
		return false;
	for (p = s;;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);

		if (!label_ok(p, len))
			return false;
		if (!dot)
			return true;
		p = dot + 1;
	}
}
