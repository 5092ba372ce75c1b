/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network namespace handles, by file descriptor only. Nothing here is threaded, and callers
 * never exec nor call libcurl between netns_enter() and netns_return().
 */
#pragma once

#include "util/err.h"

/*
 * Opens a network namespace given as an absolute path (/var/run/netns/x, /proc/PID/ns/net),
 * a bare name (looked up under /var/run/netns; a name with '/' or '..' is refused) or a
 * decimal pid (/proc/PID/ns/net). Verifies that the fd really is a network namespace.
 * Returns 0 and an O_CLOEXEC fd in *ret_fd; -ENOENT when it does not exist, -EINVAL when it
 * exists but is no network namespace, other -errno otherwise; e says which.
 */
int netns_open(const char *spec, int *ret_fd, struct err *e);

/* An fd of the calling thread's current network namespace. */
int netns_open_current(int *ret_fd, struct err *e);

/* Is fd a network namespace? 1 yes, 0 no, -errno when it cannot be told. */
int netns_is_netns(int fd);

/* Are the two fds the same namespace (same st_dev/st_ino)? 1, 0, or -errno. */
int netns_same(int fd_a, int fd_b);

/*
 * Enters the namespace `fd`. On success *ret_saved is an fd of the namespace we came from,
 * to be handed to netns_return(). On failure nothing changed.
 */
int netns_enter(int fd, int *ret_saved, struct err *e);

/* Returns to *saved and closes it (setting it to -1). If returning fails, abort(): going on
 * in the wrong namespace would do work (execs, API calls) in the pod. NULL/-1: no-op. */
void netns_return(int *saved);
