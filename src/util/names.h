/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Validators for names that come from outside and may end up in paths, URLs or links. */
#pragma once

#include <stdbool.h>

/* CNI container ids and network names: ^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$, at most CNI_ID_MAX
 * bytes (an id names store files: NAME_MAX with room for a suffix). */
#define CNI_ID_MAX 200
bool name_is_cni_id(const char *s);
/* Interface names: 1-15 bytes, not "." or "..", no '/', ':' or white space. */
bool name_is_ifname(const char *s);
/* RFC 1123 label: 1-63 of [a-z0-9-], alphanumeric at both ends. */
bool name_is_dns1123_label(const char *s);
/* RFC 1123 subdomain: 1-253, labels joined by '.'. */
bool name_is_dns1123_subdomain(const char *s);
/* Valid UTF-8 (what JSON and so the store can carry)? */
bool text_is_utf8(const char *s);
