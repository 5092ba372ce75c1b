// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the network selection annotations (both forms): what parses obeys
 * the name, namespace, interface and field-type rules; what fails says why.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/annotations.h"
#include "util/inet.h"
#include "util/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_strings(json_t *a)
{
	size_t i;
	json_t *v;

	if (!a)
		return;
	assert(json_is_array(a));
	json_array_foreach (a, i, v)
		assert(json_is_string(v));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct k8s_net_sel *sel = NULL;
	struct err e = { 0 };
	size_t n = 0;
	char *text;
	int r;

	/* An annotation value is a C string here: copy and terminate. */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	r = k8s_netsel_parse(text, &sel, &n, &e);
	if (r < 0) {
		assert(r == -EINVAL || r == -E2BIG || r == -ENOMEM);
		assert(r == -ENOMEM || e.msg[0]);
		assert(!sel && !n);
		free(text);
		return 0;
	}
	assert(n >= 1 && n <= K8S_NETSEL_MAX_ELEMENTS && sel);
	for (size_t i = 0; i < n; i++) {
		const struct k8s_net_sel *s = &sel[i];

		assert(name_is_dns1123_subdomain(s->name));
		assert(!s->namespace || name_is_dns1123_label(s->namespace));
		assert(!s->ifname || name_is_ifname(s->ifname));
		/* Any form net.ParseMAC takes (6, 8 or 20 octets; ':', '-' or '.'), kept as
		 * written. */
		if (s->mac) {
			uint8_t mac[MAC_MAX_LEN];

			assert(mac_addr_parse(s->mac, mac) > 0);
		}
		check_strings(s->ips);
		check_strings(s->default_route);
		assert(!s->cni_args || json_is_object(s->cni_args));
		assert(!s->port_mappings || json_is_array(s->port_mappings));
		assert(!s->bandwidth || json_is_object(s->bandwidth));
	}
	k8s_netsel_free(sel, n);
	free(text);
	return 0;
}
