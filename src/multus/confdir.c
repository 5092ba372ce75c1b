// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cni/cni.h"
#include "cni/delegate.h"
#include "multus/confdir.h"

int conf_load_file(const char *path, json_t **ret, struct err *e)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	json_auto_t *j = NULL;
	json_error_t jerr;
	struct stat st;
	int r;

	if (fd < 0)
		return err_setc(e, CNI_ERR_IO, negative_errno(), "cannot open %s: %m", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > CONF_FILE_MAX_BYTES)
		return err_setc(e, CNI_ERR_INVALID_NETCONF, -EINVAL,
				"%s is not a regular file of at most %d bytes", path,
				CONF_FILE_MAX_BYTES);
	j = json_loadfd(fd, JSON_REJECT_DUPLICATES, &jerr);
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

int confdir_find(const char *dir, const char *name, void (*warn)(const char *msg), json_t **ret,
		 struct err *e)
{
	struct dirent **list = NULL;
	json_t *best = NULL;
	int best_rank = 99, n;

	n = scandir(dir, &list, is_conf_file, by_name);
	if (n < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		return err_setc(e, CNI_ERR_IO, negative_errno(), "cannot read confDir %s: %m", dir);
	}
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *path = NULL;
		struct err fe = { 0 };
		json_t *j = NULL;
		int rank = ext_rank(list[i]->d_name);

		if (rank < best_rank && asprintf(&path, "%s/%s", dir, list[i]->d_name) >= 0) {
			if (conf_load_file(path, &j, &fe) < 0) {
				if (warn) {
					char msg[ERR_MSG_MAX + 32];

					snprintf(msg, sizeof(msg), "skipping %s", fe.msg);
					warn(msg);
				}
			} else if (streq(json_string_value(json_object_get(j, "name")), name)) {
				json_decref(best);
				best = j;
				best_rank = rank;
				j = NULL;
			}
			json_decref(j);
		}
		free(list[i]);
	}
	free(list);
	if (!best)
		return -ENOENT;
	*ret = best;
	return 0;
}
