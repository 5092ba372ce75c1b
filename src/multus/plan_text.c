// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plan_to_text: the entry's bytes without encoding every attachment again. ADD encodes the
 * whole entry after every delegate (the journal's notes, then the entry), and all attachments
 * but one are as they were, so a whole new encoding each time costs K squared (at K=16 it was
 * 23.5 M of the ADD's 29.6 M instructions). Each attachment's text is remembered (by index)
 * with a snapshot of what it encoded: deep copies, not references, since the plan's objects
 * change in place. An attachment equal to its snapshot (strings, json_equal, links) reuses the
 * text; its config's text is remembered the same way.
 */
#include <stdlib.h>
#include <string.h>

#include "multus/plan.h"
#include "multus/plan_int.h"
#include "util/macro.h"

static struct att_memo {
	json_t *conf; /* a copy of the config conf_text encodes */
	char *conf_text;
	unsigned conf_gen; /* counts conf_text's changes */
	struct attachment snap; /* a copy of what text encodes, but its config... */
	unsigned text_conf_gen; /* ...which is conf_text as of this count */
	char *text;
} * memo;
static size_t n_memo;

static int memo_reserve(size_t n)
{
	struct att_memo *m;

	if (n <= n_memo)
		return 0;
	m = realloc(memo, n * sizeof(*m));
	if (!m)
		return -ENOMEM;
	memset(m + n_memo, 0, (n - n_memo) * sizeof(*m));
	memo = m;
	n_memo = n;
	return 0;
}

/* The config's text (borrowed), from memory while the config is equal; NULL on ENOMEM. */
static const char *conf_text(struct att_memo *m, json_t *conf)
{
	json_t *copy;
	char *t;

	if (m->conf && json_equal(m->conf, conf))
		return m->conf_text;
	copy = json_deep_copy(conf);
	t = json_dumps(conf, PLAN_TEXT_FLAGS);
	if (!copy || !t) {
		json_decref(copy);
		free(t);
		return NULL;
	}
	json_decref(m->conf);
	free(m->conf_text);
	m->conf = copy;
	m->conf_text = t;
	m->conf_gen++;
	return t;
}

static bool str_same(const char *x, const char *y)
{
	return x ? y && strcmp(x, y) == 0 : !y;
}

static bool json_same(json_t *x, json_t *y)
{
	return x ? y && json_equal(x, y) : !y;
}

/* Does `a` encode as `s` did (its config aside)? Every member plan_att_to_json writes. */
static bool snap_same(const struct attachment *s, const struct attachment *a)
{
	if (!str_same(s->network, a->network) || !str_same(s->ifname, a->ifname) ||
	    s->master != a->master || !str_same(s->version, a->version) ||
	    !json_same(s->runtime_config, a->runtime_config) ||
	    !str_same(s->cni_args, a->cni_args) || !json_same(s->default_route, a->default_route) ||
	    !str_same(s->resource_name, a->resource_name) || s->state != a->state ||
	    !json_same(s->result, a->result) || s->n_links != a->n_links)
		return false;
	for (size_t k = 0; k < a->n_links; k++)
		if (s->links[k].index != a->links[k].index ||
		    strcmp(s->links[k].name, a->links[k].name) != 0)
			return false;
	return true;
}

static int dup_str(const char *s, char **ret)
{
	*ret = s ? strdup(s) : NULL;
	return s && !*ret ? -ENOMEM : 0;
}

static int dup_json(json_t *v, json_t **ret)
{
	*ret = v ? json_deep_copy(v) : NULL;
	return v && !*ret ? -ENOMEM : 0;
}

/* `*s` becomes a deep copy of `a`'s encoded members. */
static int snap_take(struct attachment *s, const struct attachment *a)
{
	struct attachment n = { .master = a->master, .state = a->state, .n_links = a->n_links };
	int r = 0;

	r |= dup_str(a->network, &n.network);
	r |= dup_str(a->ifname, &n.ifname);
	r |= dup_str(a->version, &n.version);
	r |= dup_str(a->cni_args, &n.cni_args);
	r |= dup_str(a->resource_name, &n.resource_name);
	r |= dup_json(a->runtime_config, &n.runtime_config);
	r |= dup_json(a->default_route, &n.default_route);
	r |= dup_json(a->result, &n.result);
	if (a->n_links) {
		n.links = malloc(a->n_links * sizeof(*n.links));
		if (n.links)
			memcpy(n.links, a->links, a->n_links * sizeof(*n.links));
		else
			r = -ENOMEM;
	}
	if (r < 0) {
		plan_attachment_done(&n);
		return -ENOMEM;
	}
	plan_attachment_done(s);
	*s = n;
	return 0;
}

/* Attachment i's text (borrowed). -EINVAL when it cannot be encoded, -ENOMEM. */
static int att_text(const struct attachment *a, struct att_memo *m, const char **ret)
{
	json_auto_t *obj = NULL;
	const char *conf = NULL;
	int bad = 0;
	char *t;

	/* No config: plan_att_to_json refuses it, as plan_to_json does. */
	if (a->conf && !(conf = conf_text(m, a->conf)))
		return -ENOMEM;
	if (conf && m->text && m->text_conf_gen == m->conf_gen && snap_same(&m->snap, a)) {
		*ret = m->text;
		return 0;
	}
	obj = plan_att_to_json(a, conf, &bad);
	if (!obj || bad)
		return -EINVAL;
	t = json_dumps(obj, PLAN_TEXT_FLAGS);
	if (!t || snap_take(&m->snap, a) < 0) {
		free(t);
		free(m->text);
		m->text = NULL;
		return -ENOMEM;
	}
	free(m->text);
	m->text = t;
	m->text_conf_gen = m->conf_gen;
	*ret = t;
	return 0;
}

/* dst += src (dst has room: plan_to_text measures first). */
static char *put(char *dst, const char *src)
{
	size_t len = strlen(src);

	memcpy(dst, src, len);
	return dst + len;
}

int plan_to_text(const struct plan *p, char **ret_text)
{
	_cleanup_free_ char *head = NULL, *pre = NULL;
	_cleanup_free_ const char **texts = NULL;
	json_auto_t *jh = NULL, *jp = NULL;
	size_t len, hlen;
	char *buf, *w;
	int bad = 0, r;

	jh = plan_head_to_json(p, &bad);
	jp = plan_links_to_json(p->pre, p->n_pre, &bad);
	if (bad)
		return -EINVAL;
	if (memo_reserve(p->n) < 0 || !(texts = calloc(p->n + 1, sizeof(*texts))))
		return -ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		r = att_text(&p->att[i], &memo[i], &texts[i]);
		if (r < 0)
			return r;
	}
	/* JSON_COMPACT's layout: {"k":v,...} and [v,...], no spaces; the head has members. */
	head = json_dumps(jh, PLAN_TEXT_FLAGS);
	pre = json_dumps(jp, PLAN_TEXT_FLAGS);
	if (!head || !pre || (hlen = strlen(head)) < 3)
		return -ENOMEM;
	len = hlen + strlen(",\"attachments\":[],\"preexisting\":") + strlen(pre) + 1;
	for (size_t i = 0; i < p->n; i++)
		len += strlen(texts[i]) + 1;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, head, hlen - 1); /* all but its closing brace */
	w = put(buf + hlen - 1, ",\"attachments\":[");
	for (size_t i = 0; i < p->n; i++)
		w = put(put(w, i ? "," : ""), texts[i]);
	w = put(put(put(w, "],\"preexisting\":"), pre), "}");
	*w = '\0';
	*ret_text = buf;
	return 0;
}
