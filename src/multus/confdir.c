// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cni/cni.h"
#include "cni/delegate.h"
#include "multus/confdir.h"
#include "util/fileio.h"

struct conf_file {
	char *file; /* name in the directory */
	int rank;
	json_t *conf; /* NULL: skipped */
};

struct confdir_scan {
	char *dir;
	void (*warn)(const char *msg);
	bool scanned;
	int r; /* the listing's error, repeated by every lookup */
	struct err e;
	struct conf_file *files;
	size_t n;
	struct confdir_scan *next; /* looked in when nothing here has the name */
};

static int conf_parse(const char *path, const char *buf, size_t len, json_t **ret, struct err *e)
{
	json_auto_t *j = NULL;
	json_error_t jerr;
	int r;

	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL, "%s: %s (line %d)", path,
				jerr.text, jerr.line);
	r = cni_conf_validate(j, path, e);
	if (r < 0)
		return r;
	if (!json_is_string(json_object_get(j, "name")))
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL, "%s: no \"name\"", path);
	*ret = TAKE_PTR(j);
	return 0;
}

int conf_load_file(const char *path, json_t **ret, struct err *e)
{
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;
	int r;

	/* Not even opened unless regular: opening a FIFO blocks, opening a device may do
	 * anything. read_file_bounded() opens O_NONBLOCK and checks again (a swap meanwhile). */
	if (stat(path, &st) < 0)
		return err_setc(e, CNI_ERR_IO, negative_errno(), "cannot open %s: %m", path);
	r = S_ISREG(st.st_mode) ? read_file_bounded(path, 0, CONF_FILE_MAX_BYTES, &buf, &len)
				: -EINVAL;
	if (r == -EINVAL || r == -EFBIG)
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				"%s is not a regular file of at most %d bytes", path,
				CONF_FILE_MAX_BYTES);
	if (r < 0)
		return err_setc(e, CNI_ERR_IO, r, "cannot open %s: %s", path, strerror(-r));
	return conf_parse(path, buf, len, ret, e);
}

static int ext_rank(const char *f)
{
	static const char *const exts[] = { ".conflist", ".conf", ".json" };
	size_t n = strlen(f);

	for (int i = 0; i < (int)ELEMENTSOF(exts); i++) {
		size_t l = strlen(exts[i]);

		if (n > l && strcmp(f + n - l, exts[i]) == 0)
			return i;
	}
	return -1;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_conf_file(const struct dirent *d)
{
	return d->d_name[0] != '.' && ext_rank(d->d_name) >= 0;
}

int confdir_scan_new(const char *dir, void (*warn)(const char *msg), struct confdir_scan **ret)
{
	struct confdir_scan *s = calloc(1, sizeof(*s));

	if (!s || !(s->dir = strdup(dir))) {
		free(s);
		return -ENOMEM;
	}
	s->warn = warn;
	*ret = s;
	return 0;
}

void confdir_scan_free(struct confdir_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->files[i].file);
		json_decref(s->files[i].conf);
	}
	free(s->files);
	free(s->dir);
	confdir_scan_free(s->next);
	free(s);
}

int confdir_scan_also(struct confdir_scan *s, const char *dir)
{
	struct confdir_scan **tail = &s->next;

	while (*tail)
		tail = &(*tail)->next;
	return confdir_scan_new(dir, s->warn, tail);
}

static void scan_warn(struct confdir_scan *s, const struct err *fe)
{
	char msg[ERR_MSG_MAX + 32];

	if (!s->warn)
		return;
	snprintf(msg, sizeof(msg), "skipping %s", fe->msg);
	s->warn(msg);
}

static int scan(struct confdir_scan *s)
{
	struct dirent **list = NULL;
	int n, r = 0;

	s->scanned = true;
	n = scandir(s->dir, &list, is_conf_file, by_name);
	if (n < 0) {
		if (errno == ENOENT)
			return s->r = -ENOENT;
		return s->r = err_setc(&s->e, CNI_ERR_IO, negative_errno(),
				       "cannot read confDir %s: %m", s->dir);
	}
	s->files = calloc(n ? (size_t)n : 1, sizeof(*s->files));
	if (!s->files)
		r = -ENOMEM;
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *path = NULL;
		struct conf_file *f = &s->files[s->n];
		struct err fe = { 0 };

		if (r == 0 && asprintf(&path, "%s/%s", s->dir, list[i]->d_name) < 0) {
			path = NULL;
			r = -ENOMEM;
		}
		if (r == 0) {
			f->file = strdup(list[i]->d_name);
			f->rank = ext_rank(list[i]->d_name);
			if (!f->file)
				r = -ENOMEM;
			else
				s->n++;
		}
		if (r == 0 && conf_load_file(path, &f->conf, &fe) < 0)
			scan_warn(s, &fe);
		free(list[i]);
	}
	free(list);
	return s->r = r;
}

int confdir_scan_find(struct confdir_scan *s, const char *name, json_t **ret, struct err *e)
{
	const struct conf_file *best = NULL;
	json_t *copy;

	if (!s->scanned)
		scan(s);
	if (s->r == -ENOENT && s->next)
		return confdir_scan_find(s->next, name, ret, e);
	if (s->r < 0) {
		if (e && s->r != -ENOENT && s->r != -ENOMEM)
			*e = s->e;
		return s->r;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct conf_file *f = &s->files[i];

		if (f->conf && (!best || f->rank < best->rank) &&
		    streq(json_string_value(json_object_get(f->conf, "name")), name))
			best = f;
	}
	if (!best)
		return s->next ? confdir_scan_find(s->next, name, ret, e) : -ENOENT;
	/* The caller's to change (cni-args are merged into it). */
	copy = json_deep_copy(best->conf);
	if (!copy)
		return -ENOMEM;
	*ret = copy;
	return 0;
}

int confdir_find(const char *dir, const char *name, void (*warn)(const char *msg), json_t **ret,
		 struct err *e)
{
	_cleanup_confdir_scan_ struct confdir_scan *s = NULL;
	int r;

	r = confdir_scan_new(dir, warn, &s);
	if (r < 0)
		return r;
	return confdir_scan_find(s, name, ret, e);
}

int confdir_first(const char *dir, json_t **ret, struct err *e)
{
	struct dirent **list = NULL;
	int n, r = -ENOENT;

	n = scandir(dir, &list, is_conf_file, by_name);
	if (n < 0)
		return err_setc(e, CNI_ERR_IO, negative_errno(), "cannot read %s: %m", dir);
	for (int i = 0; i < n && r == -ENOENT; i++) {
		_cleanup_free_ char *path = NULL;
		json_auto_t *conf = NULL;
		const char *type;

		if (asprintf(&path, "%s/%s", dir, list[i]->d_name) < 0) {
			path = NULL;
			r = -ENOMEM;
			break;
		}
		r = conf_load_file(path, &conf, e);
		if (r < 0)
			break;
		type = cni_conf_type(conf);
		if (type && streq(type, "multus")) {
			r = -ENOENT;
			continue;
		}
		*ret = TAKE_PTR(conf);
	}
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return r;
}

int conf_load_path(const char *path, json_t **ret, struct err *e)
{
	struct stat st;
	int r;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return conf_load_file(path, ret, e);
	r = confdir_first(path, ret, e);
	if (r == -ENOENT)
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -ENOENT,
				"no config file (.conf, .conflist, .json) in %s", path);
	return r;
}
