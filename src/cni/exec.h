/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running a CNI plugin binary: spawned without a shell (a vfork-style clone, nothing allocated
 * in the child), with fds 0-2 only, stdin fed from a buffer, stdout and stderr captured with a
 * size cap, the plugin in its own process group, killed with the whole group after the
 * timeout, what it left in its group killed when it exits, and with SIGKILL when multus
 * itself dies.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define CNI_EXEC_STDOUT_MAX (1 << 20)
#define CNI_EXEC_STDERR_MAX (64 << 10)

struct cni_exec_req {
	const char *binary; /* absolute path, from cni_exec_find() */
	const char *command;
	const char *container_id; /* NULL: not set */
	const char *netns;
	const char *ifname;
	const char *args;
	const char *path; /* CNI_PATH to hand on */
	const char *stdin_buf;
	size_t stdin_len;
	long timeout_ms;
	/* May be NULL. Called once the program runs (execve done) and before it is given any
	 * of its stdin, so that it cannot have acted on it yet: work that must be done before
	 * the program acts overlaps its start-up. A negative return kills it unfed, and
	 * cni_exec_run returns that (the hook sets e). */
	int (*started)(void *userdata, struct err *e);
	void *started_data;
};

struct cni_exec_out {
	char *out; /* NUL-terminated; out_len excludes the NUL */
	size_t out_len;
	char *err;
	size_t err_len;
	int exit_code; /* when exited */
	int signal; /* when killed by a signal, else 0 */
	bool timed_out; /* we killed it */
	bool truncated; /* stdout exceeded the cap */
};

/*
 * Looks `type` up in each entry of the colon-separated `cni_path`, then in `bin_dir`.
 * A type with '/' or "..", or empty, is refused. -ENOENT naming every place looked.
 */
int cni_exec_find(const char *type, const char *cni_path, const char *bin_dir, char **ret_path,
		  struct err *e);

/* Runs it to the end. Returns 0 when it ran (whatever its exit status), -errno when it could
 * not be started (execve's own errno included: -ENOENT, -EACCES, -ENOEXEC ...) or when
 * `started` failed. */
int cni_exec_run(const struct cni_exec_req *req, struct cni_exec_out *ret, struct err *e);
void cni_exec_out_done(struct cni_exec_out *o);
