// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Network namespace handles by fd: open by path, name or pid, check the fd really is a
 * network namespace, enter and return.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "netns/netns.h"

#define NETNS_RUN_DIR "/var/run/netns"

/* Namespace files may be named FIFOs or devices by mistake: never block on open. */
#define NETNS_OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

/* Kernels before 4.11 lack NS_GET_NSTYPE: fall back to the filesystem type and the
 * "net:[inode]" link text that /proc shows for the fd. */
static int netns_is_netns_fallback(int fd)
{
	char path[64], target[64];
	struct statfs sfs;
	ssize_t n;

	if (fstatfs(fd, &sfs) < 0)
		return negative_errno();
	if (sfs.f_type != NSFS_MAGIC && sfs.f_type != PROC_SUPER_MAGIC)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return negative_errno();
	target[n] = '\0';
	return strncmp(target, "net:[", 5) == 0;
}

int netns_is_netns(int fd)
{
	int r;

	if (fd < 0)
		return -EBADF;
	r = ioctl(fd, NS_GET_NSTYPE);
	if (r >= 0)
		return r == CLONE_NEWNET;
	if (errno == EBADF)
		return -EBADF;
	/* ENOTTY: not an nsfs file, or an nsfs file on a kernel without the ioctl. */
	return netns_is_netns_fallback(fd);
}

int netns_same(int fd_a, int fd_b)
{
	struct stat a, b;

	if (fstat(fd_a, &a) < 0 || fstat(fd_b, &b) < 0)
		return negative_errno();
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* All digits: a pid (no sign, no leading zero, fits a pid_t). */
static bool netns_is_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static int netns_parse_pid(const char *s, long *ret)
{
	long v = 0;

	if (*s == '0')
		return -EINVAL;
	for (; *s; s++) {
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return -ERANGE;
	}
	*ret = v;
	return 0;
}

/* A bare name stays inside NETNS_RUN_DIR: no '/', no "..", not "." and not empty. */
static int netns_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > NAME_MAX)
		return 0;
	if (strchr(name, '/') || strstr(name, ".."))
		return 0;
	return !streq(name, ".");
}

static int netns_resolve(const char *spec, char *path, size_t size, struct err *e)
{
	long pid;
	int n;

	if (!spec || !*spec)
		return err_set(e, -EINVAL, "empty network namespace");
	if (spec[0] == '/')
		n = snprintf(path, size, "%s", spec);
	else if (netns_is_digits(spec) && netns_parse_pid(spec, &pid) == 0)
		n = snprintf(path, size, "/proc/%ld/ns/net", pid);
	else if (netns_is_digits(spec))
		return err_set(e, -EINVAL, "invalid pid \"%s\"", spec);
	else if (netns_name_ok(spec))
		n = snprintf(path, size, NETNS_RUN_DIR "/%s", spec);
	else
		return err_set(e, -EINVAL, "invalid network namespace name \"%s\"", spec);
	if (n < 0 || (size_t)n >= size)
		return err_set(e, -ENAMETOOLONG, "network namespace path too long");
	return 0;
}

int netns_open(const char *spec, int *ret_fd, struct err *e)
{
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];
	int r;

	r = netns_resolve(spec, path, sizeof(path), e);
	if (r < 0)
		return r;
	fd = open(path, NETNS_OPEN_FLAGS);
	if (fd < 0) {
		r = negative_errno();
		if (r == -ENOENT)
			return err_set(e, r, "network namespace %s does not exist", path);
		return err_set(e, r, "opening network namespace %s: %s", path, strerror(-r));
	}
	r = netns_is_netns(fd);
	if (r < 0)
		return err_set(e, r, "checking %s: %s", path, strerror(-r));
	if (r == 0)
		return err_set(e, -EINVAL, "%s is not a network namespace", path);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int netns_open_current(int *ret_fd, struct err *e)
{
	int fd, r;

	/* thread-self: setns() acts on the calling thread, not on the thread group leader. */
	fd = open("/proc/thread-self/ns/net", NETNS_OPEN_FLAGS);
	if (fd < 0 && errno == ENOENT)
		fd = open("/proc/self/ns/net", NETNS_OPEN_FLAGS);
	if (fd < 0) {
		r = negative_errno();
		return err_set(e, r, "opening the current network namespace: %s", strerror(-r));
	}
	*ret_fd = fd;
	return 0;
}

int netns_enter(int fd, int *ret_saved, struct err *e)
{
	_cleanup_close_ int saved = -1;
	int r;

	r = netns_open_current(&saved, e);
	if (r < 0)
		return r;
	if (setns(fd, CLONE_NEWNET) < 0) {
		r = negative_errno();
		return err_set(e, r, "entering network namespace: %s", strerror(-r));
	}
	*ret_saved = TAKE_FD(saved);
	return 0;
}

void netns_return(int *saved)
{
	if (!saved || *saved < 0)
		return;
	if (setns(*saved, CLONE_NEWNET) < 0)
		abort();
	close(*saved);
	*saved = -1;
}
