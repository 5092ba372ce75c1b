/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the result code (result.c: the canonical shape and 0.3.0+; result_legacy.c: 0.1.0 and
 * 0.2.0). Not for other files: the public interface is result.h.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "util/err.h"

#define CODE_VERSION 1
#define CODE_DECODE 6
#define CODE_INVALID 7

/* A result of the wrong shape (code 7); every message starts with "result: ". */
#define result_invalid(e, fmt, ...)                                                                \
	err_setc(e, CODE_INVALID, -EBADMSG, "result: " fmt, ##__VA_ARGS__)

/* Versions as cni_version_parse() encodes them. */
#define V030 300
#define V100 10000
#define V110 10100

enum result_kind {
	K_STR,
	K_UINT, /* integer from 0 to field.max */
	K_STRS, /* array of strings */
	K_MAC,
	K_IP,
	K_CIDR,
	K_IFINDEX, /* index into the result's interfaces[] */
	K_IPVER, /* "4"/"6": checked on input, derived from the address on output */
};

struct result_field {
	const char *key;
	enum result_kind kind;
	bool required;
	int since; /* the first version that has the field */
	long long max; /* K_UINT only */
};

struct result_ctx {
	int target; /* the version copied for */
	size_t n_ifaces; /* for K_IFINDEX */
};

extern const struct result_field cni_res_route_fields[];
#define CNI_RES_N_ROUTE_FIELDS 7

/* The family (AF_INET/AF_INET6) of "address/prefix" with a prefix in range, else 0. */
int cni_res_cidr_family(const char *s);
/* null, "" and [] (of the wanted type) count as absent, as Go's omitempty prints none. */
bool cni_res_is_empty(const json_t *v, json_type want);
/* A checked copy of the object src with the fields that c->target has. */
int cni_res_object_copy(json_t *src, const struct result_field *fields, size_t n_fields,
			const struct result_ctx *c, const char *path, json_t **ret, struct err *e);
/* Appends a checked copy of every element of the array src (absent is fine) to out. */
int cni_res_list_copy(json_t *src, const char *path, const struct result_field *fields,
		      size_t n_fields, const struct result_ctx *c, json_t *out, struct err *e);

/* result_legacy.c: a 0.1.0/0.2.0 result (ip4/ip6/dns) in the 0.3.0+ shape, unchecked. */
int cni_res_from_legacy(json_t *root, json_t **ret, struct err *e);
/*
 * result_legacy.c: a checked result (result.c's shape) in the 0.1.0/0.2.0 shape, as libcni
 * converts: the first address of each family with its gateway, the routes of that family
 * (dst and gw), dns; interfaces and any further address are lost.
 */
int cni_res_to_legacy(json_t *res, const char *version, json_t **ret);
