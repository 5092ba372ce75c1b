/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The error carrier. Libraries never print: a failing function returns -errno and fills a
 * struct err with a message that the command layer can show as the CNI "msg"/"details".
 * `code` is the CNI error code when the layer that failed knows it (cni/ and multus/ do);
 * lower layers leave it 0 and the caller chooses.
 */
#pragma once

#include "util/macro.h"

#define ERR_MSG_MAX 512
#define ERR_DETAILS_MAX 1024

struct err {
	int code;
	char msg[ERR_MSG_MAX];
	char details[ERR_DETAILS_MAX];
};

/* Sets msg (overwriting) and returns `ret`, so callers can `return err_set(e, -EINVAL, ...)`.
 * `e` may be NULL. */
int err_set(struct err *e, int ret, const char *fmt, ...) _printf_(3, 4);
/* Same, with a CNI code. */
int err_setc(struct err *e, int code, int ret, const char *fmt, ...) _printf_(4, 5);
/* Prefix the existing message: "prefix: old message". */
int err_prefix(struct err *e, int ret, const char *fmt, ...) _printf_(3, 4);
void err_details(struct err *e, const char *fmt, ...) _printf_(2, 3);
void err_clear(struct err *e);
