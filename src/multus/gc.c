// SPDX-License-Identifier: GPL-2.0-or-later
/* GC: entries the runtime no longer knows are torn down; GC is forwarded to the delegates. */
#include "cni/cni.h"
#include "multus/log.h"
#include "multus/multus.h"
#include "multus/store.h"

static bool attachment_valid(json_t *valid, const char *id, const char *ifname)
{
	json_t *v;
	size_t i;

	json_array_foreach (valid, i, v) {
		const char *vid = json_string_value(json_object_get(v, "containerID"));
		const char *vif = json_string_value(json_object_get(v, "ifname"));

		if (vid && streq(vid, id) && (!vif || !ifname || streq(vif, ifname)))
			return true;
	}
	return false;
}

/*
 * The runtime's list decides what is torn down, so a list that cannot be read collects
 * nothing: a missing key or a malformed element is code 7. `null` is libcni's empty list (a
 * Go nil slice).
 */
static int valid_list_check(json_t *valid, struct err *e)
{
	json_t *v;
	size_t i;

	if (!valid)
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				"GC needs cni.dev/valid-attachments, the list of attachments still "
				"in use; without it nothing is collected");
	if (!json_is_array(valid) && !json_is_null(valid))
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				"cni.dev/valid-attachments must be an array");
	json_array_foreach (valid, i, v) {
		json_t *id = json_object_get(v, "containerID");
		json_t *ifname = json_object_get(v, "ifname");

		if (!json_is_object(v) || !json_is_string(id) || !json_string_length(id) ||
		    (ifname && !json_is_string(ifname)))
			return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
					"cni.dev/valid-attachments[%zu] is not an object with a "
					"containerID and an ifname string; nothing is collected",
					i);
	}
	return 0;
}

/* GC of one entry: torn down as DEL would when the runtime no longer knows it. With
 * `temps`, the temp files a killed multus left for it go first, under its lock. */
static int gc_entry(struct multus_ctx *ctx, const char *id, bool temps, json_t *valid, json_t *keep,
		    struct err *e)
{
	_cleanup_plan_ struct plan *p = NULL;
	struct legacy_where w;
	int lock = -1, r;

	r = store_lock(ctx->nc.cni_dir, id, &lock, e);
	if (r < 0)
		return r;
	if (temps)
		store_sweep_temps(ctx->nc.cni_dir, id);
	legacy_where_for(ctx, &w);
	r = store_lookup(&w, id, &p, e);
	if (r < 0) {
		store_unlock(ctx->nc.cni_dir, id, lock, r == -ENOENT);
		return r == -ENOENT ? 0 : r;
	}
	if ((p->conf_name && !streq(p->conf_name, ctx->nc.name)) ||
	    attachment_valid(valid, p->container_id, p->ifname)) {
		for (size_t i = 0; i < p->n; i++)
			json_array_append_new(
			    keep, json_pack("{s:s,s:s,s:O}", "containerID", p->container_id,
					    "ifname", p->att[i].ifname, "conf", p->att[i].conf));
		store_unlock(ctx->nc.cni_dir, id, lock, false);
		return 0;
	}
	log_info("GC: container %s is no longer valid; tearing it down", id);
	if (multus_netns_open_path(ctx, p->netns, NULL) < 0)
		log_verbose("GC: netns %s of %s is gone", p->netns, id);
	r = multus_teardown(ctx, p, p->n, false, e);
	store_unlock(ctx->nc.cni_dir, id, lock, r == 0);
	return r;
}

static bool listed(char **ids, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (streq(ids[i], id))
			return true;
	return false;
}

static int append_id(char ***ids, size_t *n, const char *id)
{
	char **nids = realloc(*ids, (*n + 1) * sizeof(*nids));

	if (!nids)
		return -ENOMEM;
	*ids = nids;
	nids[*n] = strdup(id);
	if (!nids[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* GC forwarded to each delegate config that speaks 1.1.0, with its own valid list. */
static int gc_delegates(struct multus_ctx *ctx, json_t *keep, struct err *e)
{
	json_auto_t *done = json_array();
	json_t *k;
	size_t i;
	int first = 0;

	json_array_foreach (keep, i, k) {
		json_t *conf = json_object_get(k, "conf"), *d, *k2;
		json_auto_t *valid = json_array(), *extra = NULL;
		struct cni_invoke inv;
		struct err e2 = { 0 };
		bool seen = false;
		size_t j;

		json_array_foreach (done, j, d)
			if (json_equal(d, conf))
				seen = true;
		if (seen)
			continue;
		json_array_append(done, conf);
		json_array_foreach (keep, j, k2)
			if (json_equal(json_object_get(k2, "conf"), conf))
				json_array_append_new(
				    valid, json_pack("{s:O,s:O}", "containerID",
						     json_object_get(k2, "containerID"), "ifname",
						     json_object_get(k2, "ifname")));
		extra = json_pack("{s:O}", "cni.dev/valid-attachments", valid);
		multus_invoke_base(ctx, &inv);
		if (cni_delegate_gc(conf, &inv, extra, &e2) < 0 && !first) {
			first = -EIO;
			*e = e2;
		}
	}
	return first;
}

int multus_cmd_gc(struct multus_ctx *ctx, struct err *e)
{
	json_t *valid = json_object_get(ctx->nc.raw, "cni.dev/valid-attachments");
	json_auto_t *keep = json_array();
	struct legacy_where w;
	char **ids = NULL, **temps = NULL;
	size_t n = 0, n_temps = 0;
	int r, first = 0;

	if (!valid)
		valid = json_object_get(ctx->nc.raw, "cni.dev/attachments");
	r = valid_list_check(valid, e);
	if (r < 0)
		return r;
	legacy_where_for(ctx, &w);
	r = store_list(ctx->nc.cni_dir, &ids, &n, e);
	/* And the containers the seed fork or upstream Multus added before an upgrade, and those
	 * with temp files that a killed multus left (even without an entry). */
	if (r == 0)
		r = legacy_list_merge(&w, &ids, &n, e);
	if (r == 0)
		r = store_temps_merge(ctx->nc.cni_dir, &temps, &n_temps, e);
	for (size_t i = 0; r == 0 && i < n_temps; i++)
		if (!listed(ids, n, temps[i]))
			r = append_id(&ids, &n, temps[i]);
	if (r < 0) {
		store_ids_free(ids, n);
		store_ids_free(temps, n_temps);
		return r;
	}
	for (size_t i = 0; i < n; i++) {
		struct err e2 = { 0 };

		r = gc_entry(ctx, ids[i], listed(temps, n_temps, ids[i]), valid, keep, &e2);
		if (r < 0) {
			log_error("GC of %s: %s", ids[i], e2.msg);
			if (!first) {
				first = r;
				*e = e2;
			}
		}
	}
	store_ids_free(ids, n);
	store_ids_free(temps, n_temps);
	r = gc_delegates(ctx, keep, first ? &(struct err){ 0 } : e);
	return first ? first : r;
}
