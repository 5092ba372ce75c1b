// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libcurl loaded on first use (curl_dl.h says why). As systemd loads its optional libraries:
 * one dlopen, then a table of symbol names and the slot each pointer goes to, every symbol
 * resolved before any is published, so a libcurl that lacks one is refused as a whole and the
 * table is either complete or empty.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#define CURL_DL_NO_REDIRECT
#include "k8s/curl_dl.h"

struct curl_dl_table curl_dl;
static const char *loaded_soname;

static const char *const sonames[] = { CURL_DL_SONAMES };

static const struct {
	const char *name;
	size_t offset;
} syms[] = {
#define CURL_DL_SYM(f) { #f, offsetof(struct curl_dl_table, f) },
	CURL_DL_FUNCS(CURL_DL_SYM)
#undef CURL_DL_SYM
};

static void names_joined(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ELEMENTSOF(sonames) && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " or " : "", sonames[i]);
}

int curl_dl_open(struct err *e)
{
	struct curl_dl_table t = { 0 };
	const char *soname = NULL;
	char why[256] = "", names[128];
	void *h = NULL;

	if (loaded_soname)
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(sonames) && !h; i++) {
		/* NOW: a missing symbol of libcurl's own dependencies fails here, not in a call.
		 * LOCAL: its symbols never bind anything loaded later. NODELETE: never unmapped,
		 * so the pointers stay valid whatever happens to the handle. */
		h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
		if (h)
			soname = sonames[i];
		else
			snprintf(why, sizeof(why), "%s", dlerror());
	}
	if (!h) {
		names_joined(names, sizeof(names));
		return err_set(e, -ENOENT,
			       "cannot load %s (the Kubernetes API client needs it): %s", names,
			       why);
	}
	for (size_t i = 0; i < ELEMENTSOF(syms); i++) {
		void *p = dlsym(h, syms[i].name);

		if (!p) {
			dlclose(h);
			return err_set(e, -ENOSYS,
				       "%s has no %s(): libcurl 7.85 or later is needed", soname,
				       syms[i].name);
		}
		memcpy((char *)&t + syms[i].offset, &p, sizeof(p));
	}
	if (t.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		dlclose(h);
		return err_set(e, -EIO, "%s: curl_global_init failed", soname);
	}
	curl_dl = t;
	loaded_soname = soname;
	return 0;
}

const char *curl_dl_soname(void)
{
	return loaded_soname;
}

curl_socket_t curl_dl_open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static bool fds_read(struct curl_dl_fds *s)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	memset(s, 0, sizeof(*s));
	if (!d)
		return false;
	while ((de = readdir(d))) {
		char *end;
		unsigned long fd = strtoul(de->d_name, &end, 10);

		/* Not the listing's own fd: that number is free again once it is closed. */
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9' && !*end && fd < CURL_DL_FDS_MAX &&
		    (int)fd != dirfd(d))
			s->open[fd / 64] |= 1ULL << (fd % 64);
	}
	closedir(d);
	s->valid = true;
	return true;
}

void curl_dl_fds_snapshot(struct curl_dl_fds *ret)
{
	fds_read(ret);
}

int curl_dl_fds_cloexec_since(const struct curl_dl_fds *before)
{
	struct curl_dl_fds now;
	int n = 0;

	if (!before->valid || !fds_read(&now))
		return 0;
	for (int fd = 3; fd < CURL_DL_FDS_MAX; fd++) {
		unsigned long long bit = 1ULL << (fd % 64);
		int flags;

		if (!(now.open[fd / 64] & bit) || (before->open[fd / 64] & bit))
			continue;
		flags = fcntl(fd, F_GETFD);
		if (flags >= 0 && !(flags & FD_CLOEXEC) &&
		    fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0)
			n++;
	}
	return n;
}
