// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for delegate stdout: the result parser, the error parser, and conversion
 * of whatever parses to every version multus prints, 0.1.0/0.2.0's ip4/ip6 form included
 * (which must parse back, spoken to in that version).
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "cni/result.h"
#include "cni/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *msg = NULL, *details = NULL;
	const char *buf = (const char *)data;
	json_auto_t *res = NULL;
	struct err e = { 0 };
	int code;

	if (cni_error_parse(buf, size, &code, &msg, &details) == 1)
		assert(msg && details);
	/* The caller's version decides the shape when the result has none: try both kinds. */
	if (cni_result_parse(buf, size, size % 2 ? "0.2.0" : "1.0.0", &res, &e) < 0) {
		assert(e.code == 1 || e.code == 6 || e.code == 7);
		return 0;
	}
	for (size_t i = 0; cni_supported_versions[i]; i++) {
		json_auto_t *out = NULL, *back = NULL;
		_cleanup_free_ char *text = NULL;

		assert(cni_result_convert(res, cni_supported_versions[i], &out, &e) == 0);
		text = json_dumps(out, 0);
		assert(text);
		assert(cni_result_parse(text, strlen(text), cni_supported_versions[i], &back, &e) ==
		       0);
	}
	if (cni_result_first_sandbox_iface(res) >= 0)
		assert(cni_result_rename_iface(res, cni_result_first_sandbox_iface(res), "net1") ==
		       0);
	return 0;
}
