// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: kubeconfig text. Relative paths resolve to a folder that does not exist. */
#include <stddef.h>
#include <stdint.h>

#include "k8s/kubeconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_(k8s_config_freep) struct k8s_config *c = NULL;
	struct err e = { 0 };

	if (k8s_config_parse((const char *)data, size, "/nonexistent/fuzz", "kubeconfig fuzz", &c,
			     &e) == 0 &&
	    !c->server)
		__builtin_trap(); /* a loaded config always has a server */
	return 0;
}
