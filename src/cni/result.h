/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CNI results and errors as printed by delegates, and their conversion between versions.
 * Results are kept as jansson objects in the *canonical* form: the 1.1.0 shape (interfaces
 * with name/mac/mtu/sandbox/socketPath/pciID, ips without "version", routes with the 1.1.0
 * fields, dns), "cniVersion" set to the version the result was produced in. Converting to a
 * version drops what that version does not know and adds what it needs (ips[].version for
 * 0.3.x/0.4.0; for 0.1.0/0.2.0 the old "ip4"/"ip6"/"dns" form, see cni_result_convert).
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "util/err.h"

/*
 * Parses a delegate's stdout as a result of `version` (the version it was spoken to in; a
 * "cniVersion" inside the result wins when present and valid). Accepts 0.1.0/0.2.0 results
 * (ip4/ip6) and converts them; tolerates "dns":{} and unknown keys. Validates the shape:
 * every address a CIDR, every gateway an address, every "interface" index in range, every
 * mac parseable when present. Errors: -EBADMSG with e->code 6 (decode) or 7, message naming
 * the bad field.
 */
int cni_result_parse(const char *buf, size_t len, const char *version, json_t **ret, struct err *e);

/*
 * A new result in `version`'s shape (deep copy). For 0.1.0/0.2.0, as libcni converts: "ip4" and
 * "ip6" from the first address of each family (ip, gateway, and the routes of that family with
 * dst and gw), "dns" always ({} when empty); interfaces and further addresses are dropped.
 * -ENOTSUP (code 1) for an unknown version.
 */
int cni_result_convert(json_t *canonical, const char *version, json_t **ret, struct err *e);

/*
 * Does stdout hold a CNI error ({"code":N,"msg":...}, with or without cniVersion, any code,
 * 999 included)? Then 1 with the fields (ret_* may be NULL; strings malloc'd, "" when absent);
 * 0 when it is no error object.
 */
int cni_error_parse(const char *buf, size_t len, int *ret_code, char **ret_msg, char **ret_details);

/*
 * The same two from one decode of stdout (a delegate's output is asked both): stdout as JSON
 * (the limits and errors of cni_result_parse's decoding step; nothing else is checked), then
 * cni_error_parse_json and cni_result_parse_json on it, which only read `root`.
 */
int cni_output_load(const char *buf, size_t len, json_t **ret, struct err *e);
int cni_error_parse_json(json_t *root, int *ret_code, char **ret_msg, char **ret_details);
int cni_result_parse_json(json_t *root, const char *version, json_t **ret, struct err *e);

/* Accessors on a canonical result (borrowed pointers; NULL/-1 when absent). */
/* Index in interfaces[] of the interface with a sandbox named ifname; -1 if none. */
int cni_result_find_sandbox_iface(json_t *res, const char *ifname);
/* The first interface with a non-empty sandbox: index, or -1. */
int cni_result_first_sandbox_iface(json_t *res);
/*
 * For a result that names no interface (0.1.0/0.2.0 delegates report none): the sandbox
 * interface found in the pod, as interfaces[0] {name, mac (NULL: none), sandbox}, and every
 * address without an interface index on it. A result with interfaces is left alone.
 */
int cni_result_add_sandbox_iface(json_t *res, const char *name, const char *mac,
				 const char *sandbox);
/* Rename interfaces[idx].name (ips[].interface indices stay valid). */
int cni_result_rename_iface(json_t *res, int idx, const char *new_name);
/* Sets interfaces[idx].sandbox (the netns the link really is in). */
int cni_result_set_sandbox(json_t *res, int idx, const char *sandbox);
