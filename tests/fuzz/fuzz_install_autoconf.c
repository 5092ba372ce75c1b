// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: a node's primary CNI config (outside input) through auto mode's generator. What
 * it generates must always be a netconf the plugin's own parser takes.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "install/install_int.h"
#include "multus/netconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_auto_t *primary = json_loadb((const char *)data, size, 0, NULL), *g = NULL;
	struct install_opts o;
	struct err e = { 0 };
	const char *name = NULL;
	char *text = NULL;

	if (!json_is_object(primary))
		return 0;
	install_opts_init(&o);
	o.auto_mode = true;
	o.override_network_name = size & 1;
	o.log_level = "debug";
	if (autoconf_generate(&o, "/fuzz/10-p.conf", primary, &text, &name, &e) < 0)
		return 0;
	g = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	if (!g)
		__builtin_trap(); /* generated text is JSON */
	if (strcmp(name, NETCONF_NAME) == 0) {
		struct multus_netconf nc = { 0 };

		if (multus_netconf_parse(text, strlen(text), &nc, &e) < 0)
			__builtin_trap(); /* and a netconf multus takes */
		multus_netconf_done(&nc);
	} else if (json_array_size(json_object_get(g, "plugins")) != 1) {
		__builtin_trap();
	}
	free(text);
	return 0;
}
