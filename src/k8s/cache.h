/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plugin's side of the node-local cache: one request to `multus daemon` on its unix
 * socket, one connection each (cache_proto.h has the protocol). Bounded in time: the whole
 * exchange (connect, write, answer) comes out of a budget that the caller keeps across its
 * requests. The daemon must run as root (SO_PEERCRED), as the socket's 0700 directory says.
 */
#pragma once

#include <stdint.h>

#include "k8s/cache_proto.h"

/*
 * Asks the daemon at `path`; *budget_ns is what is left of the time bound and is reduced by
 * the time spent waiting (not counting this process's own run-queue delay on a busy CPU; in
 * wall time a call ends within ten times its budget). 0 with *ret (and *ret_ops) as
 * cache_resp_parse() gives them;
 * -ENOENT when the daemon says "not found". Any other error means "no answer" (ask the API):
 * -ECONNREFUSED (no daemon listening, or no socket file), -ETIMEDOUT, -EPERM (the peer is not
 * root), -EPROTO (garbage), -EREMOTEIO (the daemon could not answer), -ENOTSUP (another protocol
 * version).
 */
int k8s_cache_ask(const char *path, uint64_t *budget_ns, json_t *req, enum cache_op op,
		  json_t **ret, unsigned *ret_ops, struct err *e);
/* A pod request: also the NADs the answer carries (cache_resp_parse_pod's *ret_nads). */
int k8s_cache_ask_pod(const char *path, uint64_t *budget_ns, json_t *req, json_t **ret,
		      json_t **ret_nads, unsigned *ret_ops, struct err *e);
