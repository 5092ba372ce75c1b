// SPDX-License-Identifier: GPL-2.0-or-later
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cni.h"
#include "cni/version.h"

/* Messages quote delegates' output, which need not be UTF-8: never lose the message for that. */
static json_t *string_lossy(const char *s)
{
	json_t *j = json_string(s);
	char *copy;

	if (j)
		return j;
	copy = strdup(s);
	if (!copy)
		return json_string("out of memory");
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

char *cni_error_json(const char *version, int code, const char *msg, const char *details)
{
	json_t *o = json_object();
	char *s;

	/* An error must be readable by the caller: only name a version we speak. */
	json_object_set_new(
	    o, "cniVersion",
	    json_string(version && cni_version_supported(version) ? version : CNI_VERSION_LATEST));
	json_object_set_new(o, "code", json_integer(code));
	json_object_set_new(o, "msg", string_lossy(msg && msg[0] ? msg : "unknown error"));
	if (details && details[0])
		json_object_set_new(o, "details", string_lossy(details));
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}
