/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CNI error codes and the error JSON. */
#pragma once

#include <stddef.h>

enum {
	CNI_ERR_INCOMPATIBLE_VERSION = 1,
	CNI_ERR_UNSUPPORTED_FIELD = 2,
	CNI_ERR_UNKNOWN_CONTAINER = 3,
	CNI_ERR_INVALID_ENV = 4,
	CNI_ERR_IO = 5,
	CNI_ERR_DECODE = 6,
	CNI_ERR_INVALID_NETCONF = 7,
	CNI_ERR_TRY_AGAIN = 11,
	CNI_ERR_NOT_READY = 50,
	CNI_ERR_LIMITED_CONNECTIVITY = 51,
	/* plugin-specific (100+) */
	CNI_ERR_DELEGATE = 100, /* a delegate failed */
	CNI_ERR_NETNS = 101, /* the pod netns could not be used */
	CNI_ERR_API = 102, /* the Kubernetes API */
	CNI_ERR_INTERFACE = 103, /* an interface is not as the plan says */
	CNI_ERR_INTERNAL = 999,
};

/* The error object a CNI plugin prints: {"cniVersion","code","msg","details"}; malloc'd. */
char *cni_error_json(const char *version, int code, const char *msg, const char *details);
