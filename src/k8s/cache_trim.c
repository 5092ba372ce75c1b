// SPDX-License-Identifier: GPL-2.0-or-later
/* What the node-local cache keeps of an API object (cache_proto.h: cache_trim_pod/nad). */
#include <string.h>

#include "k8s/cache_proto.h"

#define RV_MAX 64 /* a resourceVersion kept (etcd revisions are decimal, about 20 digits) */

static const char *member(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/*
 * Always an object; NULL when the object's annotations are not an object of strings. Such an
 * object is not kept: the plugin then asks the API itself and fails as it does there, naming
 * what is wrong, instead of being served the object without the annotations it has.
 */
static json_t *annotations_copy(json_t *md)
{
	json_t *ann = json_object_get(md, "annotations"), *out, *v;
	const char *k;

	if (ann && !json_is_null(ann) && !json_is_object(ann))
		return NULL;
	out = json_object();
	if (!out)
		return NULL;
	json_object_foreach (ann, k, v)
		if (!json_is_string(v) || (*k && json_object_set(out, k, v) < 0)) {
			json_decref(out);
			return NULL;
		}
	return out;
}

static json_t *trim_meta(json_t *obj, bool with_uid)
{
	json_t *md = json_object_get(obj, "metadata");
	const char *ns = member(md, "namespace"), *name = member(md, "name");
	const char *uid = member(md, "uid");
	json_t *ann;

	if (!ns || !name || (with_uid && (!uid || !cache_uid_ok(uid))))
		return NULL;
	ann = annotations_copy(md);
	if (!ann)
		return NULL;
	if (with_uid) {
		/* A pod's resourceVersion too: its AddedInterface events name it, as the API
		 * path's do (client-go's reference to the object). */
		const char *rv = member(md, "resourceVersion");
		json_t *out = json_pack("{s:s,s:s,s:s,s:o}", "namespace", ns, "name", name, "uid",
					uid, "annotations", ann);

		if (out && rv && strlen(rv) <= RV_MAX)
			json_object_set_new(out, "resourceVersion", json_string(rv));
		return out;
	}
	return json_pack("{s:s,s:s,s:o}", "namespace", ns, "name", name, "annotations", ann);
}

json_t *cache_trim_pod(json_t *obj)
{
	json_t *md = trim_meta(obj, true);

	return md ? json_pack("{s:o}", "metadata", md) : NULL;
}

json_t *cache_trim_nad(json_t *obj)
{
	json_t *spec = json_object_get(obj, "spec"), *conf = json_object_get(spec, "config");
	json_t *md;

	/* Not kept either (see annotations_copy): a spec or config of another type. */
	if ((spec && !json_is_null(spec) && !json_is_object(spec)) ||
	    (conf && !json_is_null(conf) && !json_is_string(conf)))
		return NULL;
	md = trim_meta(obj, false);
	if (!md)
		return NULL;
	if (json_is_string(conf))
		return json_pack("{s:o,s:{s:O}}", "metadata", md, "spec", "config", conf);
	return json_pack("{s:o,s:{}}", "metadata", md, "spec");
}
