// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * multus --verify NETNS [--json] [--cni-dir DIR]: the kernel's truth about a pod netns against
 * the store. Exit 0: all as recorded; 1: drift; 2: usage or access error. With --all instead
 * of NETNS, every entry of the store (verify_all.c).
 */
#include <getopt.h>
#include <stdio.h>

#include "multus/cmd.h"
#include "multus/firewall.h"
#include "multus/netcheck.h"
#include "multus/store.h"
#include "multus/verify.h"
#include "netns/netns.h"

/* Is the entry's netns the one asked about? By identity, not by path spelling. */
static bool entry_in_netns(const struct plan *p, int target)
{
	_cleanup_close_ int fd = -1;

	if (!p->netns || !p->netns[0] || netns_open(p->netns, &fd, NULL) < 0)
		return false;
	return netns_same(fd, target) == 1;
}

/* The fallback devices the kernel creates in every netns when a tunnel module is loaded. */
static bool kernel_fallback(const struct nl_link *l)
{
	static const char *const names[] = { "tunl0",	 "sit0",      "ip6tnl0", "gre0",
					     "gretap0",	 "erspan0",   "ip6gre0", "ip_vti0",
					     "ip6_vti0", "ip6erspan0" };

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (streq(l->name, names[i]))
			return true;
	return false;
}

static bool explained(const struct nl_link *l, json_t *entries_links)
{
	json_t *v;
	size_t i;

	if (streq(l->name, "lo") || kernel_fallback(l))
		return true;
	json_array_foreach (entries_links, i, v)
		if (json_integer_value(v) == l->index)
			return true;
	return false;
}

void verify_where(const char *dir, bool dir_given, struct legacy_where *ret)
{
	*ret = (struct legacy_where){
		.dir = dir,
		.seed_dir = dir_given ? NULL : LEGACY_SEED_DIR,
		.seed_results = LEGACY_SEED_RESULTS,
	};
}

static int cmp_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int verify_list(const struct legacy_where *w, char ***ret_ids, size_t *ret_n, struct err *e)
{
	char **ids = NULL;
	size_t n = 0;
	int r;

	r = store_list(w->dir, &ids, &n, e);
	if (r == 0)
		r = legacy_list_merge(w, &ids, &n, e);
	if (r < 0) {
		store_ids_free(ids, n);
		return r == -ENOMEM && !e->msg[0] ? err_set(e, r, "out of memory") : r;
	}
	if (n > 1)
		qsort(ids, n, sizeof(*ids), cmp_ids);
	*ret_ids = ids;
	*ret_n = n;
	return 0;
}

int verify_firewall_rules(const char *container_id)
{
	struct nft_sweep_stats st = { 0 };

	/* Rules in the host netns tagged with this container (reported, not drift: portmap
	 * and ipMasq rules belong to a live pod). */
	if (multus_firewall_count(container_id, &st, NULL) < 0)
		return 0;
	return (int)st.rules;
}

json_t *verify_entry(struct nl_sock *nl, struct plan *p, json_t *owned, int fw_rules,
		     bool *ret_drift, struct err *e)
{
	json_t *atts = json_array(), *ent;
	bool drift = false;
	struct nl_link l;

	for (size_t i = 0; i < p->n; i++) {
		struct attachment *a = &p->att[i];
		json_t *problems = json_array();
		int r = netcheck_problems(nl, a, problems, e);

		if (r < 0) {
			json_decref(problems);
			json_decref(atts);
			return NULL;
		}
		if (r > 0)
			drift = true;
		for (size_t k = 0; k < a->n_links; k++)
			json_array_append_new(owned, json_integer(a->links[k].index));
		if (nl_link_get_by_name(nl, a->ifname, &l, NULL) == 0)
			json_array_append_new(owned, json_integer(l.index));
		json_array_append_new(atts, json_pack("{s:s,s:s,s:b,s:o}", "network", a->network,
						      "ifname", a->ifname, "ok", r == 0, "problems",
						      problems));
	}
	for (size_t k = 0; k < p->n_pre; k++)
		json_array_append_new(owned, json_integer(p->pre[k].index));
	*ret_drift = drift;
	ent = json_pack("{s:s,s:s?,s:s?,s:b,s:o,s:i}", "containerID", p->container_id,
			"podNamespace", p->pod_namespace, "podName", p->pod_name, "ok", !drift,
			"attachments", atts, "firewallRules",
			fw_rules >= 0 ? fw_rules : verify_firewall_rules(p->container_id));
	if (ent && p->n_legacy_files)
		json_object_set_new(ent, "legacy", json_true());
	return ent;
}

json_t *verify_unexplained(struct nl_sock *nl, json_t *owned, struct err *e)
{
	_cleanup_free_ struct nl_link *links = NULL;
	json_t *stray;
	size_t n_links = 0;

	if (nl_link_list(nl, &links, &n_links, e) < 0)
		return NULL;
	stray = json_array();
	for (size_t i = 0; i < n_links; i++)
		if (!explained(&links[i], owned))
			json_array_append_new(stray, json_pack("{s:s,s:i}", "name", links[i].name,
							       "index", links[i].index));
	return stray;
}

void verify_print_entry(json_t *ent)
{
	const char *pns = json_string_value(json_object_get(ent, "podNamespace"));
	const char *pn = json_string_value(json_object_get(ent, "podName"));
	json_t *att, *pr;
	size_t j, k;

	printf("container %s", json_string_value(json_object_get(ent, "containerID")));
	if (pns && pn)
		printf(" (pod %s/%s)", pns, pn);
	if (json_is_true(json_object_get(ent, "legacy")))
		printf(", a Go plugin's entry");
	printf(", %d firewall rule(s) of its own\n",
	       (int)json_integer_value(json_object_get(ent, "firewallRules")));
	json_array_foreach (json_object_get(ent, "attachments"), j, att) {
		printf("  %-15s %-32s %s\n", json_string_value(json_object_get(att, "ifname")),
		       json_string_value(json_object_get(att, "network")),
		       json_is_true(json_object_get(att, "ok")) ? "ok" : "DRIFT");
		json_array_foreach (json_object_get(att, "problems"), k, pr)
			printf("      - %s\n", json_string_value(pr));
	}
}

void verify_print_unexplained(json_t *links)
{
	json_t *l;
	size_t i;

	json_array_foreach (links, i, l)
		printf("unexplained link: %s (index %d)\n",
		       json_string_value(json_object_get(l, "name")),
		       (int)json_integer_value(json_object_get(l, "index")));
}

static void print_text(json_t *doc)
{
	json_t *ent;
	size_t i;

	printf("netns %s: %zu store entr%s\n", json_string_value(json_object_get(doc, "netns")),
	       json_array_size(json_object_get(doc, "entries")),
	       json_array_size(json_object_get(doc, "entries")) == 1 ? "y" : "ies");
	json_array_foreach (json_object_get(doc, "entries"), i, ent)
		verify_print_entry(ent);
	verify_print_unexplained(json_object_get(doc, "unexplainedLinks"));
	printf("%s\n",
	       json_is_true(json_object_get(doc, "ok")) ? "result: ok" : "result: drift found");
}

static void usage(FILE *f)
{
	fputs("Usage: multus --verify NETNS [--json] [--cni-dir DIR]\n"
	      "       multus --verify --all [--json] [--cni-dir DIR]\n"
	      "Checks pod netns against the store: each attachment's link, up, MAC, addresses,\n"
	      "routes and default route as recorded, and the links no entry explains.\n"
	      "  NETNS          a path (/var/run/netns/cni-1234, /proc/PID/ns/net), a name under\n"
	      "                 /var/run/netns, or a pid\n"
	      "  --all          every store entry on the node instead of one netns; an entry\n"
	      "                 whose netns is gone is stale, not an error [off]\n"
	      "  --json         print one JSON document [off: text]\n"
	      "  --cni-dir DIR  the store [" VERIFY_DEFAULT_CNI_DIR "]\n"
	      "  -h, --help     this text\n"
	      "Exit status: 0 all as recorded, 1 drift, 2 usage or access error\n",
	      f);
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "multus --verify: %s\n", msg);
	usage(stderr);
	return VERIFY_ERROR;
}

int multus_verify_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },   { "cni-dir", required_argument, NULL, 'd' },
		{ "all", no_argument, NULL, 'a' },    { "help", no_argument, NULL, 'h' },
		{ "verify", no_argument, NULL, 'v' }, {},
	};
	const char *dir = VERIFY_DEFAULT_CNI_DIR, *target_spec;
	_cleanup_close_ int target = -1;
	_cleanup_nl_ struct nl_sock *nl = NULL;
	json_auto_t *doc = NULL, *entries = json_array(), *owned = json_array(), *stray = NULL;
	struct err e = { 0 };
	struct legacy_where w;
	bool json = false, drift = false, all = false, dir_given = false;
	char **ids = NULL;
	size_t n_ids = 0;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'd') {
			dir = optarg;
			dir_given = true;
		} else if (c == 'a')
			all = true;
		else if (c == 'h') {
			usage(stdout);
			return VERIFY_OK;
		} else if (c != 'v')
			return usage_error("unknown option");
	}
	if (all) {
		if (optind != argc)
			return usage_error("--all takes no NETNS");
		return verify_all(dir, dir_given, json);
	}
	if (optind != argc - 1)
		return usage_error(
		    "exactly one NETNS (a path, a name under /var/run/netns, or a pid), or --all");
	target_spec = argv[optind];
	if (netns_open(target_spec, &target, &e) < 0 || nl_open_in(target, &nl, &e) < 0) {
		fprintf(stderr, "multus --verify: %s\n", e.msg);
		return VERIFY_ERROR;
	}
	verify_where(dir, dir_given, &w);
	if (verify_list(&w, &ids, &n_ids, &e) < 0) {
		fprintf(stderr, "multus --verify: %s\n", e.msg);
		return VERIFY_ERROR;
	}
	for (size_t i = 0; i < n_ids; i++) {
		_cleanup_plan_ struct plan *p = NULL;
		bool d = false;
		json_t *ent;

		if (store_lookup(&w, ids[i], &p, &e) < 0) {
			fprintf(stderr, "multus --verify: skipping store entry %s: %s\n", ids[i],
				e.msg);
			continue;
		}
		if (!entry_in_netns(p, target))
			continue;
		ent = verify_entry(nl, p, owned, -1, &d, &e);
		if (!ent) {
			store_ids_free(ids, n_ids);
			fprintf(stderr, "multus --verify: %s\n", e.msg);
			return VERIFY_ERROR;
		}
		drift |= d;
		json_array_append_new(entries, ent);
	}
	store_ids_free(ids, n_ids);
	stray = verify_unexplained(nl, owned, &e);
	if (!stray) {
		fprintf(stderr, "multus --verify: %s\n", e.msg);
		return VERIFY_ERROR;
	}
	drift |= json_array_size(stray) > 0;
	doc = json_pack("{s:s,s:s,s:b,s:O,s:O}", "netns", target_spec, "cniDir", dir, "ok", !drift,
			"entries", entries, "unexplainedLinks", stray);
	if (json) {
		_cleanup_free_ char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		printf("%s\n", s);
	} else
		print_text(doc);
	return drift ? VERIFY_DRIFT : VERIFY_OK;
}
