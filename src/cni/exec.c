// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "cni/exec.h"

extern char **environ;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int try_dir(const char *dir, size_t dlen, const char *type, char **ret)
{
	_cleanup_free_ char *p = NULL;
	struct stat st;

	if (dlen == 0)
		return -ENOENT;
	if (asprintf(&p, "%.*s/%s", (int)dlen, dir, type) < 0)
		return -ENOMEM;
	if (stat(p, &st) < 0 || !S_ISREG(st.st_mode) || access(p, X_OK) < 0)
		return -ENOENT;
	*ret = TAKE_PTR(p);
	return 0;
}

int cni_exec_find(const char *type, const char *cni_path, const char *bin_dir, char **ret_path,
		  struct err *e)
{
	const char *p = cni_path ? cni_path : "";

	if (!type || !type[0] || strchr(type, '/') || streq(type, ".") || streq(type, ".."))
		return err_set(e, -EINVAL, "invalid plugin type \"%.64s\"", type ? type : "");
	while (*p) {
		const char *c = strchr(p, ':');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (try_dir(p, len, type, ret_path) == 0)
			return 0;
		p += len + (c ? 1 : 0);
	}
	if (bin_dir && try_dir(bin_dir, strlen(bin_dir), type, ret_path) == 0)
		return 0;
	return err_set(e, -ENOENT, "failed to find plugin \"%s\" in path [%s%s%s]", type,
		       cni_path ? cni_path : "", cni_path && cni_path[0] ? ":" : "",
		       bin_dir ? bin_dir : "");
}

/* The delegate's environment: ours, with the CNI variables replaced. */
static char **build_env(const struct cni_exec_req *req)
{
	static const char *const ours[] = { "CNI_COMMAND=", "CNI_CONTAINERID=", "CNI_NETNS=",
					    "CNI_IFNAME=",  "CNI_ARGS=",	"CNI_PATH=" };
	const char *vals[] = { req->command, req->container_id, req->netns,
			       req->ifname,  req->args,		req->path };
	size_t n = 0, k = 0;
	char **env;

	while (environ && environ[n])
		n++;
	env = calloc(n + ELEMENTSOF(ours) + 1, sizeof(char *));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bool skip = false;

		for (size_t j = 0; j < ELEMENTSOF(ours); j++)
			if (strncmp(environ[i], ours[j], strlen(ours[j])) == 0)
				skip = true;
		if (!skip)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < ELEMENTSOF(ours); j++) {
		if (!vals[j])
			continue;
		if (asprintf(&env[k], "%s%s", ours[j], vals[j]) < 0)
			return NULL; /* only in the child: it exits anyway */
		k++;
	}
	return env;
}

/* In the child: only async-signal-safe-ish work, then exec; never returns. */
static void child(const struct cni_exec_req *req, int in, int out, int errfd, pid_t parent)
{
	sigset_t none;
	char **env;

	setpgid(0, 0);
	/* Die with multus: an orphaned delegate would go on creating what no DEL sees. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
		_exit(127);
	env = build_env(req);
	if (!env)
		_exit(127);
	execve(req->binary, (char *const[]){ (char *)req->binary, NULL }, env);
	_exit(127);
}

struct sink {
	int fd;
	char *buf;
	size_t len, cap, max;
	bool truncated;
};

/* Reads what is there; returns 1 at EOF, 0 otherwise. */
static int sink_read(struct sink *s)
{
	char tmp[16384];
	ssize_t n = read(s->fd, tmp, sizeof(tmp));

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : 1;
	if (n == 0)
		return 1;
	if (s->len + (size_t)n > s->max) {
		s->truncated = true;
		n = (ssize_t)(s->max - s->len);
	}
	if (s->len + (size_t)n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *nb;

		while (cap < s->len + (size_t)n + 1)
			cap *= 2;
		nb = realloc(s->buf, cap);
		if (!nb)
			return 1;
		s->buf = nb;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, tmp, (size_t)n);
	s->len += (size_t)n;
	s->buf[s->len] = '\0';
	return 0;
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* After the plugin exits, a grandchild may still hold its pipes: wait this long, no more. */
#define EXIT_GRACE_MS 200

int cni_exec_run(const struct cni_exec_req *req, struct cni_exec_out *ret, struct err *e)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	struct sink so = { .fd = -1, .max = CNI_EXEC_STDOUT_MAX };
	struct sink se = { .fd = -1, .max = CNI_EXEC_STDERR_MAX };
	size_t written = 0;
	long deadline, exited_at = -1;
	int status = 0, r;
	bool reaped = false, timed_out = false;
	_cleanup_close_ int pidfd = -1;
	pid_t pid, parent;

	if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0) {
		r = negative_errno();
		goto fail_pipes;
	}
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		r = negative_errno();
		goto fail_pipes;
	}
	if (pid == 0)
		child(req, pin[0], pout[1], perr[1], parent);
	/* Also from here: the group exists before the parent kills it. */
	setpgid(pid, pid);
	/* The child's exit wakes poll() directly; without pidfds (before Linux 5.3) we poll
	 * in short slices instead. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	so.fd = pout[0];
	se.fd = perr[0];
	set_nonblock(pin[1]);
	set_nonblock(so.fd);
	set_nonblock(se.fd);
	if (req->stdin_len == 0) {
		close(pin[1]);
		pin[1] = -1;
	}
	deadline = now_ms() + (req->timeout_ms > 0 ? req->timeout_ms : 60000);

	while (so.fd >= 0 || se.fd >= 0 || !reaped) {
		struct pollfd pf[4];
		int nf = 0, ti = -1, oi = -1, ei = -1, slice;
		long left = deadline - now_ms();

		if (!reaped && waitpid(pid, &status, WNOHANG) == pid) {
			reaped = true;
			exited_at = now_ms();
		}
		if (reaped && so.fd < 0 && se.fd < 0)
			break;
		if (left <= 0 && !timed_out) {
			timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		}
		if (reaped && (timed_out || now_ms() - exited_at > EXIT_GRACE_MS)) {
			kill(-pid, SIGKILL); /* whatever of the group still holds our pipes */
			break;
		}
		if (timed_out && !reaped) {
			if (waitpid(pid, &status, 0) == pid)
				reaped = true;
			break;
		}
		if (pin[1] >= 0) {
			pf[nf] = (struct pollfd){ .fd = pin[1], .events = POLLOUT };
			ti = nf++;
		}
		if (so.fd >= 0) {
			pf[nf] = (struct pollfd){ .fd = so.fd, .events = POLLIN };
			oi = nf++;
		}
		if (se.fd >= 0) {
			pf[nf] = (struct pollfd){ .fd = se.fd, .events = POLLIN };
			ei = nf++;
		}
		if (pidfd >= 0 && !reaped)
			pf[nf++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		slice = pidfd >= 0 ? (reaped ? EXIT_GRACE_MS : (int)(left > 0 ? left : 0)) : 20;
		if (!reaped && left < slice)
			slice = (int)(left > 0 ? left : 0);
		if (poll(pf, (nfds_t)nf, slice) < 0 && errno != EINTR)
			break;
		if (ti >= 0 && pf[ti].revents) {
			ssize_t n =
			    write(pin[1], req->stdin_buf + written, req->stdin_len - written);

			if (n > 0)
				written += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
			    written == req->stdin_len) {
				close(pin[1]);
				pin[1] = -1;
			}
		}
		if (oi >= 0 && pf[oi].revents && sink_read(&so)) {
			close(so.fd);
			so.fd = -1;
		}
		if (ei >= 0 && pf[ei].revents && sink_read(&se)) {
			close(se.fd);
			se.fd = -1;
		}
	}
	if (!reaped) {
		/* Only a failing poll() gets here: never wait unbounded for a live delegate. */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	if (pin[1] >= 0)
		close(pin[1]);
	if (so.fd >= 0)
		close(so.fd);
	if (se.fd >= 0)
		close(se.fd);

	*ret = (struct cni_exec_out){
		.out = so.buf ? so.buf : strdup(""),
		.out_len = so.len,
		.err = se.buf ? se.buf : strdup(""),
		.err_len = se.len,
		.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0,
		.timed_out = timed_out,
		.truncated = so.truncated,
	};
	return 0;

fail_pipes:
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	return err_set(e, r, "failed to start %s: %s", req->binary, strerror(-r));
}

void cni_exec_out_done(struct cni_exec_out *o)
{
	free(o->out);
	free(o->err);
	o->out = o->err = NULL;
}
