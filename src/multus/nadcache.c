// SPDX-License-Identifier: GPL-2.0-or-later
/* A per-invocation cache of NetworkAttachmentDefinitions (nadcache.h). Plans are small: lists. */
#include <stdbool.h>

#include "multus/log.h"
#include "multus/nadcache.h"

struct nad_entry {
	char *ns, *name;
	json_t *nad; /* state 1 */
	int state; /* 0 not asked yet, 1 found, -ENOENT none */
};

struct nad_ns {
	char *ns;
	unsigned wanted; /* distinct names */
	bool listed; /* LISTed (or tried to): every entry of it known, or GETs from now on */
};

struct nad_cache {
	struct nad_entry *ent;
	size_t n_ent;
	struct nad_ns *nss;
	size_t n_ns;
};

int nad_cache_new(struct nad_cache **ret)
{
	struct nad_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	*ret = c;
	return 0;
}

void nad_cache_free(struct nad_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_ent; i++) {
		free(c->ent[i].ns);
		free(c->ent[i].name);
		json_decref(c->ent[i].nad);
	}
	for (size_t i = 0; i < c->n_ns; i++)
		free(c->nss[i].ns);
	free(c->ent);
	free(c->nss);
	free(c);
}

static struct nad_ns *ns_get(struct nad_cache *c, const char *ns, bool add)
{
	struct nad_ns *n;

	for (size_t i = 0; i < c->n_ns; i++)
		if (streq(c->nss[i].ns, ns))
			return &c->nss[i];
	if (!add)
		return NULL;
	n = realloc(c->nss, (c->n_ns + 1) * sizeof(*n));
	if (!n)
		return NULL;
	c->nss = n;
	n = &c->nss[c->n_ns];
	*n = (struct nad_ns){ .ns = strdup(ns) };
	if (!n->ns)
		return NULL;
	c->n_ns++;
	return n;
}

static struct nad_entry *entry_get(struct nad_cache *c, const char *ns, const char *name, bool add,
				   bool *ret_added)
{
	struct nad_entry *n;

	for (size_t i = 0; i < c->n_ent; i++)
		if (streq(c->ent[i].ns, ns) && streq(c->ent[i].name, name))
			return &c->ent[i];
	if (!add)
		return NULL;
	n = realloc(c->ent, (c->n_ent + 1) * sizeof(*n));
	if (!n)
		return NULL;
	c->ent = n;
	n = &c->ent[c->n_ent];
	*n = (struct nad_entry){ .ns = strdup(ns), .name = strdup(name) };
	if (!n->ns || !n->name) {
		free(n->ns);
		free(n->name);
		return NULL;
	}
	c->n_ent++;
	if (ret_added)
		*ret_added = true;
	return n;
}

int nad_cache_want(struct nad_cache *c, const char *ns, const char *name)
{
	struct nad_ns *n = ns_get(c, ns, true);
	bool added = false;

	if (!n || !entry_get(c, ns, name, true, &added))
		return -ENOMEM;
	if (added)
		n->wanted++;
	return 0;
}

/* One LIST for every wanted name of `n`: each found or known absent. 0, or the LIST's error. */
static int list_ns(struct nad_cache *c, struct k8s_client *api, struct nad_ns *n, struct err *e)
{
	json_auto_t *items = NULL;
	json_t *it;
	size_t i;
	int r;

	r = k8s_list_nads(api, n->ns, &items, e);
	if (r < 0)
		return r;
	json_array_foreach (items, i, it) {
		const char *name =
		    json_string_value(json_object_get(json_object_get(it, "metadata"), "name"));
		struct nad_entry *en = name ? entry_get(c, n->ns, name, false, NULL) : NULL;

		if (en && en->state == 0) {
			en->nad = json_incref(it);
			en->state = 1;
		}
	}
	for (i = 0; i < c->n_ent; i++)
		if (c->ent[i].state == 0 && streq(c->ent[i].ns, n->ns))
			c->ent[i].state = -ENOENT;
	return 0;
}

int nad_cache_get(struct nad_cache *c, struct k8s_client *api, const char *ns, const char *name,
		  json_t **ret_nad, struct err *e)
{
	struct nad_entry *en = entry_get(c, ns, name, true, NULL);
	struct nad_ns *n = ns_get(c, ns, true);
	json_t *nad = NULL;
	int r;

	if (!en || !n)
		return -ENOMEM;
	if (en->state == 0 && n->wanted >= 2 && !n->listed) {
		struct err le = { 0 };

		n->listed = true;
		/* A failed LIST is not this lookup's failure: the GET below tells. */
		if (list_ns(c, api, n, &le) < 0)
			log_warning("%s: asking for each NetworkAttachmentDefinition instead",
				    le.msg);
	}
	if (en->state == 0) {
		r = k8s_get_nad(api, ns, name, &nad, e);
		if (r < 0 && r != -ENOENT)
			return r;
		en->state = r == 0 ? 1 : -ENOENT;
		en->nad = nad;
	}
	if (en->state < 0)
		return en->state;
	*ret_nad = json_incref(en->nad);
	return 0;
}

size_t nad_cache_unknown(struct nad_cache *c, const char *ns, const char *first, bool all_ns,
			 const char **nss, const char **names, size_t max)
{
	size_t n = 0;

	if (max == 0)
		return 0;
	nss[n] = ns;
	names[n++] = first;
	for (size_t i = 0; i < c->n_ent && n < max; i++) {
		const struct nad_entry *en = &c->ent[i];

		if (en->state != 0 || (!all_ns && !streq(en->ns, ns)) ||
		    (streq(en->ns, ns) && streq(en->name, first)))
			continue;
		nss[n] = en->ns;
		names[n++] = en->name;
	}
	return n;
}

int nad_cache_put(struct nad_cache *c, const char *ns, const char *name, json_t *nad)
{
	struct nad_entry *en = entry_get(c, ns, name, true, NULL);

	if (!en)
		return -ENOMEM;
	json_decref(en->nad);
	en->nad = json_incref(nad);
	en->state = nad ? 1 : -ENOENT;
	return 0;
}

int nad_cache_known(struct nad_cache *c, const char *ns, const char *name, json_t **ret_nad)
{
	struct nad_entry *en = entry_get(c, ns, name, false, NULL);

	if (!en || en->state == 0)
		return 0;
	if (en->state < 0)
		return en->state;
	*ret_nad = json_incref(en->nad);
	return 1;
}
