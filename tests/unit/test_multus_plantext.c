// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plan_to_text: always the bytes json_dumps(plan_to_json(p), PLAN_TEXT_FLAGS) gives, through
 * every change the remembered attachment texts must notice (in place or replaced, fewer or more
 * attachments), and -EINVAL where plan_to_json gives NULL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "multus/plan.h"

static json_t *j(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, 0, &jerr);

	assert_non_null(v);
	return v;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

static struct attachment *add_att(struct plan *p, const char *network, const char *ifname,
				  const char *conf)
{
	struct attachment *a = plan_add(p);

	assert_non_null(a);
	a->network = xstrdup(network);
	a->ifname = xstrdup(ifname);
	a->conf = j(conf);
	a->version = xstrdup("1.0.0");
	a->cni_args = xstrdup("IgnoreUnknown=1;K8S_POD_NAME=web-0");
	a->state = ATT_PLANNED;
	return a;
}

static struct plan *make_plan(void)
{
	struct plan *p = calloc(1, sizeof(*p));
	struct attachment *a;

	assert_non_null(p);
	p->conf_name = xstrdup("multus-cni-network");
	p->container_id = xstrdup("c0ffee");
	p->netns = xstrdup("/var/run/netns/cni-1");
	p->ifname = xstrdup("eth0");
	p->cni_version = xstrdup("1.0.0");
	p->pod_namespace = xstrdup("default");
	p->pod_name = xstrdup("web-0");
	a = add_att(p, "kube-system/n1", "eth0",
		    "{\"cniVersion\":\"1.0.0\",\"name\":\"n1\",\"type\":\"bridge\","
		    "\"note\":\"quotes \\\" slash / tab \\t \\u00e9 \\u2603\"}");
	a->master = true;
	a->state = ATT_ADDED;
	a->runtime_config = j("{\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80}]}");
	a->result = j("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\"}],"
		      "\"ips\":[{\"interface\":0,\"address\":\"10.1.0.5/16\"}],\"dns\":{}}");
	assert_int_equal(attachment_own_link(a, "eth0", 3), 0);
	a = add_att(
	    p, "default/n2", "net1",
	    "{\"cniVersion\":\"1.0.0\",\"name\":\"n2\",\"plugins\":[{\"type\":\"macvlan\"}]}");
	a->default_route = j("[\"10.2.0.1\"]");
	assert_int_equal(plan_add_preexisting(p, "lo", 1), 0);
	return p;
}

/* plan_to_text's bytes are plan_to_json's. */
static void assert_same_text(const struct plan *p)
{
	json_t *jp = plan_to_json(p);
	char *want, *got = NULL;

	assert_non_null(jp);
	want = json_dumps(jp, PLAN_TEXT_FLAGS);
	json_decref(jp);
	assert_non_null(want);
	assert_int_equal(plan_to_text(p, &got), 0);
	assert_string_equal(got, want);
	free(want);
	free(got);
}

static void test_same_bytes_through_changes(void **state)
{
	struct plan *p = make_plan();
	struct attachment *a;

	(void)state;
	assert_same_text(p);
	assert_same_text(p); /* every attachment's text remembered */

	/* The second delegate ran: its state, result and links change, the generation too. */
	p->generation++;
	a = &p->att[1];
	a->state = ATT_ADDED;
	a->result = j("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.2.0.9/16\"}]}");
	assert_int_equal(attachment_own_link(a, "net1", 7), 0);
	assert_same_text(p);

	/* Objects changed in place, not replaced: remembered copies, not references. */
	assert_int_equal(json_object_set_new(p->att[0].result, "dns", j("{\"nameservers\":[]}")),
			 0);
	assert_same_text(p);
	assert_int_equal(json_object_set_new(p->att[1].conf, "mtu", json_integer(1400)), 0);
	assert_same_text(p);
	assert_int_equal(json_array_append_new(p->att[1].default_route, json_string("fd00::1")), 0);
	assert_same_text(p);
	/* A config that changes back is encoded as it is now. */
	assert_int_equal(json_object_del(p->att[1].conf, "mtu"), 0);
	assert_same_text(p);
	/* Every other member the entry has. */
	free(p->att[1].ifname);
	p->att[1].ifname = xstrdup("net9");
	assert_same_text(p);
	p->att[0].master = false;
	assert_same_text(p);
	p->att[1].resource_name = xstrdup("intel.com/sriov");
	assert_same_text(p);
	free(p->att[1].version);
	p->att[1].version = xstrdup("0.4.0");
	assert_same_text(p);
	p->att[1].state = ATT_PLANNED;
	assert_same_text(p);
	p->att[0].links[0].index = 4; /* in place */
	assert_same_text(p);
	json_decref(p->att[0].runtime_config);
	p->att[0].runtime_config = NULL;
	assert_same_text(p);

	/* Fewer attachments, then more again, a third one new. */
	plan_truncate(p, 1);
	assert_same_text(p);
	add_att(p, "default/n2", "net1", "{\"cniVersion\":\"1.0.0\",\"name\":\"n2\"}");
	add_att(p, "default/n3", "net2", "{\"cniVersion\":\"1.0.0\",\"name\":\"n3\"}");
	assert_same_text(p);

	/* Top-level members only: no attachments, no preexisting links. */
	plan_truncate(p, 0);
	free(p->pre);
	p->pre = NULL;
	p->n_pre = 0;
	assert_same_text(p);
	plan_free(p);
}

/* Where plan_to_json gives NULL, plan_to_text gives -EINVAL, and no text. */
static void test_refused_where_json_is(void **state)
{
	struct plan *p = make_plan();
	char *text = NULL;

	(void)state;
	free(p->pod_name);
	p->pod_name = xstrdup("web-\xff");
	assert_null(plan_to_json(p));
	assert_int_equal(plan_to_text(p, &text), -EINVAL);
	assert_null(text);
	free(p->pod_name);
	p->pod_name = xstrdup("web-0");
	free(p->att[1].cni_args);
	p->att[1].cni_args = xstrdup("K8S_POD_NAME=\xc3");
	assert_null(plan_to_json(p));
	assert_int_equal(plan_to_text(p, &text), -EINVAL);
	assert_null(text);
	free(p->att[1].cni_args);
	p->att[1].cni_args = NULL; /* optional: no member */
	assert_same_text(p);
	plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes_through_changes),
		cmocka_unit_test(test_refused_where_json_is),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
