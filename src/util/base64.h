/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* Standard base64 (white space skipped: YAML folds long lines; padding optional); -EINVAL on
 * bad or empty input. The result is NUL-terminated for convenience. */
int base64_decode(const char *in, size_t len, char **ret, size_t *ret_len);
