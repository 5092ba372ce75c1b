// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for store entries (the files in cniDir): whatever parses obeys the
 * rules DEL and GC rely on (a container id that names a file, valid ifnames, link indexes
 * above 0) and survives plan_to_json and a second parse unchanged, plan_to_text giving
 * plan_to_json's bytes (twice: the second from its memory); the same bytes read as an
 * entry's journal (lines of entries, torn ones skipped) give a record that obeys them too. No
 * file is touched.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "cni/cni.h"
#include "multus/store.h"
#include "util/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dump(const struct plan *p)
{
	json_t *j = plan_to_json(p);
	char *text;

	assert(j);
	text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	assert(text);
	return text;
}

static void check(struct plan *p)
{
	struct plan *q = NULL;
	struct err e = { 0 };
	char *t1, *t2;
	int r;

	assert(name_is_cni_id(p->container_id));
	assert(p->n <= 128);
	for (size_t i = 0; i < p->n; i++) {
		const struct attachment *a = &p->att[i];

		assert(a->network && a->version);
		assert(name_is_ifname(a->ifname));
		assert(json_is_object(a->conf));
		assert(!a->runtime_config || json_is_object(a->runtime_config));
		assert(!a->result || json_is_object(a->result));
		assert(a->state == ATT_PLANNED || a->state == ATT_ADDED);
		for (size_t k = 0; k < a->n_links; k++) {
			assert(name_is_ifname(a->links[k].name));
			assert(a->links[k].index > 0);
			for (size_t m = 0; m < k; m++)
				assert(a->links[m].index != a->links[k].index);
		}
	}
	if (plan_master(p))
		assert(plan_master(p)->master);

	/* The entry's bytes, encoded afresh and from plan_to_text's memory, are plan_to_json's. */
	for (int round = 0; round < 2; round++) {
		json_t *j = plan_to_json(p);
		char *want = json_dumps(j, PLAN_TEXT_FLAGS), *got = NULL;
		int rt = plan_to_text(p, &got);

		assert(want && rt == 0 && streq(got, want));
		free(got);
		free(want);
		json_decref(j);
	}

	/* What plan_to_json writes must parse back to the same plan. */
	t1 = dump(p);
	r = store_parse(t1, strlen(t1), &q, &e);
	assert(r == 0);
	t2 = dump(q);
	assert(streq(t1, t2));
	free(t2);
	plan_free(q);
	free(t1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan *p = NULL;
	struct err e = { 0 };
	int r;

	/* json_loadb takes a length: no copy needed. */
	r = store_parse((const char *)data, size, &p, &e);
	if (r < 0) {
		assert(r == -ENOMEM || (r == -EBADMSG && e.code == CNI_ERR_DECODE && e.msg[0]));
		assert(!p);
	} else {
		check(p);
		plan_free(p);
		p = NULL;
	}
	/* As a journal, for the id of its first record (or any). */
	r = store_parse_journal((const char *)data, size, "c1", 0, &p);
	assert(r == 0 || r == -ENOENT || r == -ENOMEM);
	if (r == 0) {
		assert(streq(p->container_id, "c1") && p->generation > 0);
		check(p);
		plan_free(p);
	}
	return 0;
}
