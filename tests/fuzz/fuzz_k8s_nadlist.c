// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: one page of a NAD LIST reply, as k8s_list_nads() parses it. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "k8s/client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_auto_t *items = json_array();
	char *cont = (char *)"unset";
	struct err e = { 0 };
	int r;

	if (!items)
		return 0;
	r = k8s_nad_list_page((const char *)data, size, items, &cont, &e);
	if (r < 0) {
		/* Out-parameters are written only on success; an error has a message. */
		if (strcmp(cont, "unset") != 0 || !e.msg[0])
			__builtin_trap();
		return 0;
	}
	if (json_array_size(items) > K8S_NAD_LIST_MAX ||
	    (cont && (!cont[0] || strlen(cont) > 4096)))
		__builtin_trap();
	for (size_t i = 0; i < json_array_size(items); i++)
		if (!json_is_object(json_array_get(items, i)))
			__builtin_trap();
	free(cont);
	return 0;
}
