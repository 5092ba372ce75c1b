/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * multus --verify, shared by its two forms: one netns (verify.c) and every store entry on the
 * node (verify_all.c). Exit 0: all as recorded; 1: drift; 2: usage or access error.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "multus/legacy.h"
#include "multus/plan.h"
#include "netlink/nl.h"

#define VERIFY_OK 0
#define VERIFY_DRIFT 1
#define VERIFY_ERROR 2

#define VERIFY_DEFAULT_CNI_DIR "/var/lib/cni/multus"

/* Where --verify looks: `dir`, its legacy entries (the Go plugins', legacy.h) and, when the
 * store is the default one (no --cni-dir), the seed fork's default store. */
void verify_where(const char *dir, bool dir_given, struct legacy_where *ret);
/* The ids of every entry there, ours and legacy, sorted. */
int verify_list(const struct legacy_where *w, char ***ret_ids, size_t *ret_n, struct err *e);

/*
 * One store entry against the netns `nl` is bound to: {"containerID", "podNamespace",
 * "podName", "ok", "attachments", "firewallRules"} (and "legacy": true for a Go plugin's). The
 * indexes of the links it explains are appended to `owned`; *ret_drift says whether any attachment
 * differs. `fw_rules` is the container's firewall rule count when the caller has it, else negative
 * (counted here). NULL with e set when the netns cannot be read.
 */
json_t *verify_entry(struct nl_sock *nl, struct plan *p, json_t *owned, int fw_rules,
		     bool *ret_drift, struct err *e);

/* The links of the netns that no entry explains (not in `owned`, not lo or a kernel
 * fallback device): [{"name", "index"}]. NULL with e set when they cannot be listed. */
json_t *verify_unexplained(struct nl_sock *nl, json_t *owned, struct err *e);

/* How many firewall rules of its own the container has (0 when they cannot be counted). */
int verify_firewall_rules(const char *container_id);

/* The text form of one entry and of a list of unexplained links. */
void verify_print_entry(json_t *ent);
void verify_print_unexplained(json_t *links);

/* multus --verify --all [--json] [--cni-dir DIR]. A missing store is no entries, unless the
 * directory was named (`dir_given`): then it is an error. */
int verify_all(const char *dir, bool dir_given, bool json);
