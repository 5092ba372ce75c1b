/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CNI spec versions: parsing, ordering and what each version allows. */
#pragma once

#include <stdbool.h>

/* Encoded as major*10000 + minor*100 + patch; -EINVAL when not "X.Y.Z". */
int cni_version_parse(const char *text);

/* Is this one of the versions multus itself speaks (0.1.0 ... 1.1.0)? */
bool cni_version_supported(const char *text);

/* a < b: negative; a == b: 0; a > b: positive. Unparsable sorts lowest. */
int cni_version_cmp(const char *a, const char *b);

/* The versions multus speaks, oldest first, NULL-terminated; and the newest. */
extern const char *const cni_supported_versions[];
#define CNI_VERSION_LATEST "1.1.0"
/* The same list for people (messages, --version); a unit test keeps the two equal. */
#define CNI_SUPPORTED_VERSIONS_TEXT "0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0"
