// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>

#include "cni/version.h"
#include "util/macro.h"

const char *const cni_supported_versions[] = { "0.1.0", "0.2.0", "0.3.0", "0.3.1",
					       "0.4.0", "1.0.0", "1.1.0", NULL };

static int parse_component(const char **p, bool last)
{
	const char *s = *p;
	long v = 0;
	int digits = 0;

	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > 99 || ++digits > 2)
			return -EINVAL;
		s++;
	}
	if (digits == 0)
		return -EINVAL;
	if (last ? *s != '\0' : *s != '.')
		return -EINVAL;
	*p = last ? s : s + 1;
	return (int)v;
}

int cni_version_parse(const char *text)
{
	int major, minor, patch;

	if (!text)
		return -EINVAL;
	major = parse_component(&text, false);
	if (major < 0)
		return major;
	minor = parse_component(&text, false);
	if (minor < 0)
		return minor;
	patch = parse_component(&text, true);
	if (patch < 0)
		return patch;
	return major * 10000 + minor * 100 + patch;
}

bool cni_version_supported(const char *text)
{
	for (size_t i = 0; cni_supported_versions[i]; i++)
		if (text && streq(text, cni_supported_versions[i]))
			return true;
	return false;
}

int cni_version_cmp(const char *a, const char *b)
{
	int va = cni_version_parse(a), vb = cni_version_parse(b);

	return (va < 0 ? -1 : va) - (vb < 0 ? -1 : vb);
}
