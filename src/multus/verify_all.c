// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * multus --verify --all [--json] [--cni-dir DIR]: every store entry on the node, each checked
 * as `--verify NETNS` checks it. Entries are grouped by the netns they name (by identity, not
 * by path spelling): one rtnetlink socket and one link listing per netns, whatever the number
 * of entries in it, and one netns open at a time (a first pass reads every entry and sorts the
 * live ones by netns identity; a second checks each netns). An entry whose netns is gone is
 * stale: reported, not an error. Exit 0: all as recorded (stale ones included); 1: drift; 2: an
 * entry or netns that could not be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "multus/firewall.h"
#include "multus/store.h"
#include "multus/verify.h"
#include "netns/netns.h"

/* The live netns the entries name, one each, known by identity (its nsfs inode). Only one is
 * open at a time: a node may run more pods than a process may hold fds. */
struct group {
	dev_t dev;
	ino_t ino;
	char *netns; /* as the first entry spelled it */
	struct plan **p;
	int *fw;
	size_t n;
};

struct run {
	const struct legacy_where *w;
	struct group *g;
	size_t n_g;
	json_t *stale, *errors; /* errors: entries that could not be read or checked */
	size_t n_ok, n_drift;
	bool netns_error; /* a netns whose links could not be listed */
};

static void group_done(struct group *g)
{
	for (size_t i = 0; i < g->n; i++)
		plan_free(g->p[i]);
	free(g->p);
	free(g->fw);
	free(g->netns);
	*g = (struct group){ 0 };
}

static void run_done(struct run *r)
{
	for (size_t i = 0; i < r->n_g; i++)
		group_done(&r->g[i]);
	free(r->g);
	json_decref(r->stale);
	json_decref(r->errors);
}

static void add_error(struct run *r, const char *id, const char *netns, const char *msg)
{
	json_array_append_new(r->errors, json_pack("{s:s,s:s?,s:s}", "containerID", id, "netns",
						   netns, "error", msg));
}

static void add_stale(struct run *r, const struct plan *p, int fw_rules, const char *why)
{
	json_t *o = json_pack("{s:s,s:s?,s:s?,s:s?,s:s,s:i}", "containerID", p->container_id,
			      "podNamespace", p->pod_namespace, "podName", p->pod_name, "netns",
			      p->netns, "reason", why, "firewallRules",
			      fw_rules >= 0 ? fw_rules : verify_firewall_rules(p->container_id));

	if (o && p->n_legacy_files)
		json_object_set_new(o, "legacy", json_true());
	json_array_append_new(r->stale, o);
}

/* Adds the entry (taken) to the group of its netns, made when it is the first one there. */
static int group_add(struct run *r, const struct stat *st, struct plan **p, int fw_rules)
{
	struct group *g = NULL;
	struct plan **np;
	int *nfw;

	for (size_t i = 0; i < r->n_g && !g; i++)
		if (r->g[i].dev == st->st_dev && r->g[i].ino == st->st_ino)
			g = &r->g[i];
	if (!g) {
		g = realloc(r->g, (r->n_g + 1) * sizeof(*g));
		if (!g)
			return -ENOMEM;
		r->g = g;
		g = &r->g[r->n_g];
		*g = (struct group){ .dev = st->st_dev, .ino = st->st_ino };
		g->netns = strdup((*p)->netns);
		if (!g->netns)
			return -ENOMEM;
		r->n_g++;
	}
	np = realloc(g->p, (g->n + 1) * sizeof(*np));
	if (np)
		g->p = np;
	nfw = np ? realloc(g->fw, (g->n + 1) * sizeof(*nfw)) : NULL;
	if (nfw)
		g->fw = nfw;
	if (!np || !nfw)
		return -ENOMEM;
	g->fw[g->n] = fw_rules;
	g->p[g->n++] = TAKE_PTR(*p);
	return 0;
}

/* First pass: the entry is read and its netns looked at; a live one joins its netns's group.
 * `fw_rules`: the container's firewall rules, counted for all entries at once. */
static void sort_one(struct run *r, const char *id, int fw_rules)
{
	_cleanup_plan_ struct plan *p = NULL;
	_cleanup_close_ int fd = -1;
	struct err e = { 0 };
	struct stat st;
	int k;

	k = store_lookup(r->w, id, &p, &e);
	/* Gone between the listing and now (a concurrent DEL): nothing to check. */
	if (k == -ENOENT)
		return;
	if (k < 0) {
		add_error(r, id, NULL, e.msg);
		return;
	}
	if (!p->netns || !p->netns[0]) {
		add_stale(r, p, fw_rules, "no netns recorded");
		return;
	}
	k = netns_open(p->netns, &fd, &e);
	/* No such file, or the file is no netns any more (a bind mount left unmounted). */
	if (k == -ENOENT || k == -EINVAL) {
		add_stale(r, p, fw_rules, e.msg);
		return;
	}
	if (k < 0) {
		add_error(r, id, p->netns, e.msg);
		return;
	}
	if (fstat(fd, &st) < 0) {
		add_error(r, id, p->netns, strerror(errno));
		return;
	}
	if (group_add(r, &st, &p, fw_rules) < 0)
		add_error(r, id, p ? p->netns : NULL, strerror(ENOMEM));
}

/* Second pass: one netns, open while its entries are checked. */
static json_t *check_group(struct run *r, struct group *g)
{
	_cleanup_close_ int fd = -1;
	_cleanup_nl_ struct nl_sock *nl = NULL;
	json_t *entries = json_array(), *owned = json_array(), *stray = NULL, *ns;
	struct err e = { 0 };
	struct stat st;
	int k;

	k = netns_open(g->netns, &fd, &e);
	if (k == 0 && (fstat(fd, &st) < 0 || st.st_dev != g->dev || st.st_ino != g->ino))
		k = err_set(&e, -ESTALE, "%s is another netns than a moment ago", g->netns);
	if (k == 0)
		k = nl_open_in(fd, &nl, &e);
	for (size_t i = 0; i < g->n; i++) {
		struct plan *p = g->p[i];
		bool drift = false;
		json_t *ent;

		/* Gone since the first pass. */
		if (k == -ENOENT || k == -EINVAL) {
			add_stale(r, p, g->fw[i], e.msg);
			continue;
		}
		ent = k < 0 ? NULL : verify_entry(nl, p, owned, g->fw[i], &drift, &e);
		if (!ent) {
			add_error(r, p->container_id, p->netns, e.msg);
			continue;
		}
		json_object_set_new(ent, "netns", json_string(p->netns));
		json_array_append_new(entries, ent);
		if (drift)
			r->n_drift++;
		else
			r->n_ok++;
	}
	if (nl)
		stray = verify_unexplained(nl, owned, &e);
	json_decref(owned);
	if (!nl) {
		json_decref(entries);
		return NULL;
	}
	ns = json_pack("{s:s,s:b,s:o,s:o}", "netns", g->netns, "ok",
		       stray && json_array_size(stray) == 0, "entries", entries, "unexplainedLinks",
		       stray ? stray : json_array());
	if (!stray) {
		json_object_set_new(ns, "error", json_string(e.msg));
		r->netns_error = true;
	}
	return ns;
}

static void print_text(json_t *doc)
{
	json_t *s = json_object_get(doc, "summary"), *ns, *ent;
	size_t i, j;

	printf("store %s: %d entr%s\n", json_string_value(json_object_get(doc, "cniDir")),
	       (int)json_integer_value(json_object_get(s, "entries")),
	       json_integer_value(json_object_get(s, "entries")) == 1 ? "y" : "ies");
	json_array_foreach (json_object_get(doc, "netns"), i, ns) {
		size_t n = json_array_size(json_object_get(ns, "entries"));

		printf("netns %s: %zu store entr%s\n",
		       json_string_value(json_object_get(ns, "netns")), n, n == 1 ? "y" : "ies");
		json_array_foreach (json_object_get(ns, "entries"), j, ent)
			verify_print_entry(ent);
		verify_print_unexplained(json_object_get(ns, "unexplainedLinks"));
		if (json_object_get(ns, "error"))
			printf("error: netns %s: %s\n",
			       json_string_value(json_object_get(ns, "netns")),
			       json_string_value(json_object_get(ns, "error")));
	}
	json_array_foreach (json_object_get(doc, "stale"), i, ent) {
		const char *pns = json_string_value(json_object_get(ent, "podNamespace"));
		const char *pn = json_string_value(json_object_get(ent, "podName"));

		printf("stale: container %s",
		       json_string_value(json_object_get(ent, "containerID")));
		if (pns && pn)
			printf(" (pod %s/%s)", pns, pn);
		if (json_is_true(json_object_get(ent, "legacy")))
			printf(", a Go plugin's entry");
		printf(": %s, %d firewall rule(s) of its own\n",
		       json_string_value(json_object_get(ent, "reason")),
		       (int)json_integer_value(json_object_get(ent, "firewallRules")));
	}
	json_array_foreach (json_object_get(doc, "errors"), i, ent)
		printf("error: container %s: %s\n",
		       json_string_value(json_object_get(ent, "containerID")),
		       json_string_value(json_object_get(ent, "error")));
	printf("summary: %d entries: %d ok, %d drift, %d stale, %d error(s); %d netns, %d "
	       "unexplained link(s); result: %s\n",
	       (int)json_integer_value(json_object_get(s, "entries")),
	       (int)json_integer_value(json_object_get(s, "ok")),
	       (int)json_integer_value(json_object_get(s, "drift")),
	       (int)json_integer_value(json_object_get(s, "stale")),
	       (int)json_integer_value(json_object_get(s, "errors")),
	       (int)json_integer_value(json_object_get(s, "netns")),
	       (int)json_integer_value(json_object_get(s, "unexplainedLinks")),
	       json_string_value(json_object_get(s, "result")));
}

int verify_all(const char *dir, bool dir_given, bool json)
{
	struct legacy_where w;
	struct run r = { .w = &w, .stale = json_array(), .errors = json_array() };
	json_auto_t *doc = NULL, *nss = json_array();
	_cleanup_free_ struct nft_sweep_stats *fw = NULL;
	struct err e = { 0 };
	size_t n_ids = 0, n_stray = 0;
	char **ids = NULL;
	const char *result;
	int rc;

	verify_where(dir, dir_given, &w);
	if (dir_given && access(dir, F_OK) < 0) {
		rc = negative_errno();
		err_set(&e, rc, "cannot read %s: %s", dir, strerror(-rc));
	} else
		rc = verify_list(&w, &ids, &n_ids, &e);
	if (rc < 0) {
		fprintf(stderr, "multus --verify: %s\n", e.msg[0] ? e.msg : strerror(-rc));
		run_done(&r);
		return VERIFY_ERROR;
	}
	/* One listing of the host's ruleset for every container, not one each: a node's
	 * ruleset (kube-proxy's) can hold thousands of rules. Uncountable counts as none, as
	 * for one netns. */
	fw = calloc(n_ids ? n_ids : 1, sizeof(*fw));
	if (fw && multus_firewall_count_each(ids, n_ids, fw, NULL) < 0)
		memset(fw, 0, n_ids * sizeof(*fw));
	for (size_t i = 0; i < n_ids; i++)
		sort_one(&r, ids[i], fw ? (int)fw[i].rules : -1);
	store_ids_free(ids, n_ids);
	for (size_t i = 0; i < r.n_g; i++) {
		json_t *ns = check_group(&r, &r.g[i]);

		if (ns) {
			n_stray += json_array_size(json_object_get(ns, "unexplainedLinks"));
			json_array_append_new(nss, ns);
		}
		group_done(&r.g[i]);
	}
	rc = json_array_size(r.errors) || r.netns_error ? VERIFY_ERROR
	     : r.n_drift || n_stray			? VERIFY_DRIFT
							: VERIFY_OK;
	result = rc == VERIFY_OK ? "ok" : rc == VERIFY_DRIFT ? "drift found" : "error";
	doc = json_pack(
	    "{s:s,s:b,s:O,s:O,s:O,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s}}", "cniDir", dir, "ok",
	    rc == VERIFY_OK, "netns", nss, "stale", r.stale, "errors", r.errors, "summary",
	    "entries",
	    (json_int_t)(r.n_ok + r.n_drift + json_array_size(r.stale) + json_array_size(r.errors)),
	    "ok", (json_int_t)r.n_ok, "drift", (json_int_t)r.n_drift, "stale",
	    (json_int_t)json_array_size(r.stale), "errors", (json_int_t)json_array_size(r.errors),
	    "netns", (json_int_t)json_array_size(nss), "unexplainedLinks", (json_int_t)n_stray,
	    "result", result);
	run_done(&r);
	if (json) {
		_cleanup_free_ char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		printf("%s\n", s);
	} else
		print_text(doc);
	return rc;
}
